/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherX2goProfiles: the session-profile store. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-profiles.h"
#include "tether-test-utils.h"

typedef struct {
  char *root;        /* a temporary home */
  char *client_dir;  /* root/.x2goclient */
  char *system_dir;  /* root/etc */
  char *sessions;    /* client_dir/sessions */
} Fixture;

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->root = g_dir_make_tmp ("tether-profiles-XXXXXX", NULL);
  g_assert_nonnull (f->root);
  f->client_dir = g_build_filename (f->root, ".x2goclient", NULL);
  f->system_dir = g_build_filename (f->root, "etc", NULL);
  f->sessions = g_build_filename (f->client_dir, "sessions", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  rm_rf (f->root);
  g_free (f->root);
  g_free (f->client_dir);
  g_free (f->system_dir);
  g_free (f->sessions);
}

static void
write_file (const char *path, const char *text)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static TetherX2goProfiles *
open_profiles (Fixture *f, gboolean with_system)
{
  g_autoptr(GError) error = NULL;
  TetherX2goProfiles *p = g_object_new (TETHER_X2GO_TYPE_PROFILES,
                                        "client-rootdir", f->client_dir,
                                        "system-dir", with_system ? f->system_dir : "",
                                        NULL);

  tether_test_track (p);
  g_assert_true (tether_x2go_profiles_load (p, &error));
  g_assert_no_error (error);
  return p;
}

static const char qt_file[] =
  "[20231121151120123]\n"
  "name=Office desktop\n"
  "host=x2gosrv01.example.org\n"
  "sshport=2022\n"
  "autologin=true\n"
  "rootless=false\n"
  "command=XFCE\n"
  "export=\"/home/jdoe/Documents:1;/home/jdoe/Music:0;\"\n"
  "sessiontitle=\"Caf\\xe9 \\\"Noir\\\"\"\n"
  "mycustomkey=\"kept, as is\"\n"
  "speed=bogus\n"
  "\n"
  "[20231121151301456]\n"
  "name=Build box\n"
  "host=a.example.org, b.example.org\n"
  "fullscreen=1\n"
  "\n"
  "; x2goclient's own section\n"
  "[embedded]\n"
  "startembed=false\n";

/* ---- loading and reading ------------------------------------------------ */

static void
test_profiles_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = open_profiles (f, TRUE);
  g_auto(GStrv) ids = tether_x2go_profiles_get_profile_ids (p);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tether_x2go_profiles_get_sessions_file (p);
  struct stat st;

  g_assert_cmpuint (g_strv_length (ids), ==, 0);
  g_assert_cmpstr (path, ==, f->sessions);
  g_assert_false (tether_x2go_profiles_is_session_profile (p, "anything"));
  g_assert_null (tether_x2go_profiles_get_profile_config (p, "anything", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);

  /* Saving creates the directory (0700) and the file (0600). */
  g_assert_true (tether_x2go_profiles_save (p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->client_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (f->sessions, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_profiles_dirs (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) def = tether_test_track (tether_x2go_profiles_new (NULL));
  g_autoptr(TetherX2goProfiles) custom = tether_test_track (
    g_object_new (TETHER_X2GO_TYPE_PROFILES, "client-rootdir", "/c", "sessions-rootdir", "/s",
                  "ssh-rootdir", "/k", "system-dir", "/e", NULL));
  g_autofree char *home_client = g_build_filename (g_get_home_dir (), ".x2goclient", NULL);
  g_autofree char *home_sessions = g_build_filename (g_get_home_dir (), ".x2go", NULL);
  g_autofree char *home_ssh = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *prop = NULL;

  g_assert_cmpstr (tether_x2go_profiles_get_client_rootdir (def), ==, home_client);
  g_assert_cmpstr (tether_x2go_profiles_get_sessions_rootdir (def), ==, home_sessions);
  g_assert_cmpstr (tether_x2go_profiles_get_ssh_rootdir (def), ==, home_ssh);
  g_assert_cmpstr (tether_x2go_profiles_get_system_dir (def), ==, "/etc/x2goclient");
  g_assert_cmpstr (tether_x2go_profiles_get_client_rootdir (custom), ==, "/c");
  g_assert_cmpstr (tether_x2go_profiles_get_sessions_rootdir (custom), ==, "/s");
  g_assert_cmpstr (tether_x2go_profiles_get_ssh_rootdir (custom), ==, "/k");
  g_assert_cmpstr (tether_x2go_profiles_get_system_dir (custom), ==, "/e");
  g_object_get (custom, "ssh-rootdir", &prop, NULL);
  g_assert_cmpstr (prop, ==, "/k");
}

static void
test_profiles_read_qt (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GVariant) config = NULL;
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *export = NULL;
  g_autofree char *hosts = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  const char *s;
  gint32 i;
  gboolean b;
  const char *const want_ids[] = { "20231121151120123", "20231121151301456", NULL };
  const char *const want_names[] = { "Office desktop", "Build box", NULL };

  write_file (f->sessions, qt_file);
  p = open_profiles (f, FALSE);
  ids = tether_x2go_profiles_get_profile_ids (p);
  names = tether_x2go_profiles_get_profile_names (p);
  g_assert_cmpstrv (ids, want_ids);
  g_assert_cmpstrv (names, want_names);
  g_assert_false (tether_x2go_profiles_is_session_profile (p, "embedded"));
  g_assert_true (tether_x2go_profiles_is_session_profile (p, "Build box"));
  g_assert_true (tether_x2go_profiles_is_session_profile (p, "20231121151301456"));
  id = tether_x2go_profiles_to_profile_id (p, "Build box");
  g_assert_cmpstr (id, ==, "20231121151301456");
  name = tether_x2go_profiles_to_profile_name (p, "20231121151120123");
  g_assert_cmpstr (name, ==, "Office desktop");
  g_assert_null (tether_x2go_profiles_to_profile_id (p, "nope"));
  g_assert_null (tether_x2go_profiles_to_profile_name (p, "nope"));

  config = tether_x2go_profiles_get_profile_config (p, "Office desktop", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (config, G_VARIANT_TYPE_VARDICT));
  /* Typed values from the file. */
  g_assert_true (g_variant_lookup (config, "sshport", "i", &i));
  g_assert_cmpint (i, ==, 2022);
  g_assert_true (g_variant_lookup (config, "rootless", "b", &b));
  g_assert_false (b);
  g_assert_true (g_variant_lookup (config, "sessiontitle", "&s", &s));
  g_assert_cmpstr (s, ==, "Café \"Noir\"");
  v = g_variant_lookup_value (config, "export", G_VARIANT_TYPE ("a{sb}"));
  export = g_variant_print (v, FALSE);
  g_assert_cmpstr (export, ==, "{'/home/jdoe/Documents': true, '/home/jdoe/Music': false}");
  g_clear_pointer (&v, g_variant_unref);
  /* Unknown keys: strings, decoded. */
  g_assert_true (g_variant_lookup (config, "mycustomkey", "&s", &s));
  g_assert_cmpstr (s, ==, "kept, as is");
  /* A value that does not parse reads as the default. */
  g_assert_true (g_variant_lookup (config, "speed", "i", &i));
  g_assert_cmpint (i, ==, 2);
  /* Missing keys: defaults. */
  g_assert_true (g_variant_lookup (config, "quality", "i", &i));
  g_assert_cmpint (i, ==, 9);
  g_assert_true (g_variant_lookup (config, "pack", "&s", &s));
  g_assert_cmpstr (s, ==, "16m-jpeg");
  g_assert_true (g_variant_lookup (config, "user", "&s", &s));
  g_assert_cmpstr (s, ==, g_get_user_name ());
  {
    gsize n_known = g_strv_length ((char **) tether_x2go_profiles_get_known_keys ());

    /* Every known key, plus the unknown one. */
    g_assert_cmpuint (g_variant_n_children (config), ==, n_known + 1);
  }

  v = tether_x2go_profiles_get_profile_value (p, "20231121151301456", "host", &error);
  g_assert_no_error (error);
  hosts = g_variant_print (v, FALSE);
  g_assert_cmpstr (hosts, ==, "['a.example.org', 'b.example.org']");
  g_clear_pointer (&v, g_variant_unref);
  v = tether_x2go_profiles_get_profile_value (p, "Build box", "fullscreen", &error);
  g_assert_true (g_variant_get_boolean (v));
  g_clear_pointer (&v, g_variant_unref);

  g_assert_null (tether_x2go_profiles_get_profile_value (p, "Build box", "mycustomkey", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A file nobody touched comes out byte for byte; a change touches only its
 * line; unknown keys and sections stay. */
static void
test_profiles_preserve (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *same = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *want = NULL;
  g_autofree char *removed = NULL;

  write_file (f->sessions, qt_file);
  p = open_profiles (f, FALSE);
  g_assert_true (tether_x2go_profiles_save (p, &error));
  g_assert_no_error (error);
  same = read_file (f->sessions);
  g_assert_cmpstr (same, ==, qt_file);

  g_assert_true (tether_x2go_profiles_set_profile_value (p, "Build box", "sshport",
                                                         g_variant_new_int32 (2222), &error));
  g_assert_no_error (error);
  g_assert_true (tether_x2go_profiles_set_profile_value (p, "Build box", "fullscreen",
                                                         g_variant_new_boolean (FALSE), &error));
  g_assert_true (tether_x2go_profiles_save (p, &error));
  changed = read_file (f->sessions);
  want = g_strdup (qt_file);
  {
    /* fullscreen=1 becomes fullscreen=false in place; sshport is added
     * after the section's last key. */
    GString *w = g_string_new (NULL);
    const char *at = strstr (want, "fullscreen=1\n");

    g_string_append_len (w, want, at - want);
    g_string_append (w, "fullscreen=false\nsshport=2222\n");
    g_string_append (w, at + strlen ("fullscreen=1\n"));
    g_free (want);
    want = g_string_free (w, FALSE);
  }
  g_assert_cmpstr (changed, ==, want);

  /* Removing a profile keeps the others as they were. */
  g_assert_true (tether_x2go_profiles_remove_profile (p, "Office desktop", &error));
  g_assert_no_error (error);
  g_assert_true (tether_x2go_profiles_save (p, &error));
  removed = read_file (f->sessions);
  g_assert_true (g_str_has_suffix (want, removed));
  g_assert_true (g_str_has_prefix (removed, "[20231121151301456]\n"));
  g_assert_false (tether_x2go_profiles_is_session_profile (p, "Office desktop"));
}

/* Every key of every kind: set, save, load again, same value. */
static GVariant *
sample_value (const char *key, const GVariantType *type, guint salt)
{
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    {
      g_autoptr(GVariant) def = tether_x2go_profiles_get_key_default (key);

      return g_variant_new_boolean (!g_variant_get_boolean (def));
    }
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 (1000 + (gint32) salt);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    {
      if (strcmp (key, "name") == 0)
        return g_variant_new_take_string (g_strdup_printf ("Profile; \"%u\" é", salt));
      return g_variant_new_take_string (g_strdup_printf ("%s value %u, with; = \"quotes\" \\ \t€",
                                                         key, salt));
    }
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING_ARRAY))
    return g_variant_new_parsed ("['one.example.org', 'two, with comma', ' lead', 'x;y']");
  return g_variant_new_parsed ("{'/home/a b': true, '/srv/c:d': false, 'C:\\\\Win': true}");
}

static void
test_profiles_roundtrip_types (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = open_profiles (f, FALSE);
  g_autoptr(TetherX2goProfiles) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = tether_x2go_profiles_add_profile (p, "Fresh", &error);
  const char * const *keys = tether_x2go_profiles_get_known_keys ();
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (id);
  for (guint k = 0; keys[k] != NULL; k++)
    {
      GVariant *v = sample_value (keys[k], tether_x2go_profiles_get_key_type (keys[k]), k);

      g_assert_true (tether_x2go_profiles_set_profile_value (p, id, keys[k], v, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tether_x2go_profiles_set_profile_value (p, id, "unknown-key",
                                                         g_variant_new_string ("free text, ok"),
                                                         &error));
  g_assert_no_error (error);
  before = tether_x2go_profiles_get_profile_config (p, id, &error);
  g_assert_true (tether_x2go_profiles_save (p, &error));
  g_assert_no_error (error);

  again = open_profiles (f, FALSE);
  after = tether_x2go_profiles_get_profile_config (again, id, &error);
  g_assert_no_error (error);
  if (!g_variant_equal (before, after))
    {
      g_autofree char *a = g_variant_print (before, FALSE);
      g_autofree char *b = g_variant_print (after, FALSE);

      g_assert_cmpstr (a, ==, b);
    }
  for (guint k = 0; keys[k] != NULL; k++)
    {
      g_autoptr(GVariant) want = g_variant_ref_sink (
        sample_value (keys[k], tether_x2go_profiles_get_key_type (keys[k]), k));
      g_autoptr(GVariant) got = tether_x2go_profiles_get_profile_value (again, id, keys[k], &error);

      g_assert_no_error (error);
      g_assert_true (g_variant_equal (want, got));
    }
}

static void
test_profiles_set_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = open_profiles (f, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = tether_x2go_profiles_add_profile (p, "A", NULL);
  g_autofree char *b = tether_x2go_profiles_add_profile (p, "B", NULL);
  g_autoptr(GVariant) v = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a, !=, b);
  /* IDs as x2goclient makes them: 17 digits of local time. */
  g_assert_cmpuint (strlen (a), ==, 17);
  for (const char *c = a; *c != '\0'; c++)
    g_assert_true (g_ascii_isdigit (*c));

  g_assert_false (tether_x2go_profiles_set_profile_value (p, "A", "sshport",
                                                          g_variant_new_string ("22"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_set_profile_value (p, "A", "unknown",
                                                          g_variant_new_int32 (1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_set_profile_value (p, "A", "name",
                                                          g_variant_new_string ("B"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_set_profile_value (p, "A", "name",
                                                          g_variant_new_string (""), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_set_profile_value (p, "nope", "name",
                                                          g_variant_new_string ("x"), &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);
  g_assert_null (tether_x2go_profiles_add_profile (p, "A", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_set_profile_value_from_string (p, "A", "sshport", "many",
                                                                      &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "sshport: "));
  g_clear_error (&error);
  g_assert_false (tether_x2go_profiles_unset_profile_value (p, "A", "name", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Renaming to its own name is fine; from strings; unsetting. */
  g_assert_true (tether_x2go_profiles_set_profile_value (p, "A", "name",
                                                         g_variant_new_string ("A"), &error));
  g_assert_true (tether_x2go_profiles_set_profile_value_from_string (p, "A", "host",
                                                                     "h1, h2", &error));
  g_assert_true (tether_x2go_profiles_set_profile_value_from_string (p, "A", "rootless",
                                                                     "no", &error));
  g_assert_true (tether_x2go_profiles_set_profile_value_from_string (p, "A", "export",
                                                                     "/a:1;/b:0", &error));
  g_assert_no_error (error);
  v = tether_x2go_profiles_get_profile_value (p, "A", "rootless", NULL);
  g_assert_false (g_variant_get_boolean (v));
  g_clear_pointer (&v, g_variant_unref);
  g_assert_true (tether_x2go_profiles_unset_profile_value (p, "A", "rootless", &error));
  v = tether_x2go_profiles_get_profile_value (p, "A", "rootless", NULL);
  g_assert_true (g_variant_get_boolean (v));
  g_clear_pointer (&v, g_variant_unref);
  g_assert_true (tether_x2go_profiles_set_profile_value (p, "A", "name",
                                                         g_variant_new_string ("A2"), &error));
  g_assert_true (tether_x2go_profiles_is_session_profile (p, "A2"));
  g_assert_false (tether_x2go_profiles_is_session_profile (p, "A"));
}

static void
test_profiles_duplicate_names (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *id = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *disk = NULL;
  g_autoptr(GError) error = NULL;
  const char *const want[] = { "Work (1)", "Other", "Work (2)", "1", NULL };

  /* Also a profile whose name is another one's ID: names win. */
  write_file (f->sessions,
              "[1]\nname=Work\n\n[2]\nname=Other\n\n[3]\nname=Work\n\n[4]\nname=1\n");
  p = open_profiles (f, FALSE);
  names = tether_x2go_profiles_get_profile_names (p);
  g_assert_cmpstrv (names, want);
  id = tether_x2go_profiles_to_profile_id (p, "Work (2)");
  g_assert_cmpstr (id, ==, "3");
  by_id = tether_x2go_profiles_check_profile_id_or_name (p, "1", &error);
  g_assert_cmpstr (by_id, ==, "4");
  g_clear_pointer (&by_id, g_free);
  by_id = tether_x2go_profiles_check_profile_id_or_name (p, "2", &error);
  g_assert_cmpstr (by_id, ==, "2");
  /* The numbering is not written unless the name is set. */
  g_assert_true (tether_x2go_profiles_save (p, &error));
  disk = read_file (f->sessions);
  g_assert_cmpstr (disk, ==, "[1]\nname=Work\n\n[2]\nname=Other\n\n[3]\nname=Work\n\n[4]\nname=1\n");
}

/* ---- system profiles ---------------------------------------------------- */

static void
test_profiles_system (Fixture *f, gconstpointer data)
{
  g_autofree char *system_sessions = g_build_filename (f->system_dir, "sessions", NULL);
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_autoptr(TetherX2goProfiles) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *disk = NULL;
  const char *const want_ids[] = { "u1", "shared", "s1", NULL };

  write_file (system_sessions,
              "[s1]\nname=Company server\nhost=x2go.corp\nsshport=2200\n\n"
              "[shared]\nname=Shared (system)\nhost=sys.corp\n");
  write_file (f->sessions, "[u1]\nname=Mine\nhost=home\n\n[shared]\nname=Shared (mine)\n");
  p = open_profiles (f, TRUE);
  ids = tether_x2go_profiles_get_profile_ids (p);
  g_assert_cmpstrv (ids, want_ids);
  g_assert_true (tether_x2go_profiles_is_system_profile (p, "Company server"));
  g_assert_false (tether_x2go_profiles_is_system_profile (p, "Mine"));
  /* The user's section replaces the system one whole. */
  g_assert_false (tether_x2go_profiles_is_system_profile (p, "shared"));
  v = tether_x2go_profiles_get_profile_value (p, "shared", "host", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (v), ==, 1);
  {
    const char *h;

    g_variant_get_child (v, 0, "&s", &h);
    g_assert_cmpstr (h, ==, "server.mydomain");  /* the default, not sys.corp */
  }
  g_clear_pointer (&v, g_variant_unref);

  /* Read-only: cannot be removed; not written when unchanged. */
  g_assert_false (tether_x2go_profiles_remove_profile (p, "s1", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_true (tether_x2go_profiles_save (p, &error));
  disk = read_file (f->sessions);
  g_assert_cmpstr (disk, ==, "[u1]\nname=Mine\nhost=home\n\n[shared]\nname=Shared (mine)\n");
  g_clear_pointer (&disk, g_free);

  /* Setting a value copies the whole profile into the user's file. */
  g_assert_true (tether_x2go_profiles_set_profile_value (p, "s1", "user",
                                                         g_variant_new_string ("me"), &error));
  g_assert_no_error (error);
  g_assert_false (tether_x2go_profiles_is_system_profile (p, "s1"));
  g_assert_true (tether_x2go_profiles_save (p, &error));
  disk = read_file (f->sessions);
  g_assert_true (g_str_has_suffix (disk, "\n[s1]\nname=Company server\nhost=x2go.corp\n"
                                         "sshport=2200\nuser=me\n"));
  g_clear_pointer (&disk, g_free);
  disk = read_file (system_sessions);
  g_assert_null (strstr (disk, "user=me"));

  /* Removing the user's copy shows the system profile again. */
  again = open_profiles (f, TRUE);
  g_assert_true (tether_x2go_profiles_remove_profile (again, "s1", &error));
  g_assert_no_error (error);
  g_assert_true (tether_x2go_profiles_is_system_profile (again, "s1"));
}

/* ---- broken files ------------------------------------------------------- */

static void
test_profiles_corrupt (Fixture *f, gconstpointer data)
{
  static const char broken[] =
    "[ok1]\nname=First\n\n[bad]\nname=\"never closed\n\n[ok2]\nname=Third\n";
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *disk = NULL;
  g_auto(GStrv) names = NULL;
  const char *const want[] = { "Good", NULL };

  write_file (f->sessions, "[g]\nname=Good\n");
  p = open_profiles (f, FALSE);

  /* Another program breaks the file: the load fails with file and line,
   * the profiles in memory stay, and nothing writes over the file. */
  write_file (f->sessions, broken);
  g_assert_false (tether_x2go_profiles_load (p, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  prefix = g_strdup_printf ("%s:5: ", f->sessions);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_clear_error (&error);
  names = tether_x2go_profiles_get_profile_names (p);
  g_assert_cmpstrv (names, want);
  g_assert_false (tether_x2go_profiles_save (p, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_clear_error (&error);
  disk = read_file (f->sessions);
  g_assert_cmpstr (disk, ==, broken);

  /* Fixed by hand: loads, saves again. */
  write_file (f->sessions, "[ok1]\nname=First\n");
  g_assert_true (tether_x2go_profiles_load (p, &error));
  g_assert_no_error (error);
  g_assert_true (tether_x2go_profiles_save (p, &error));
  g_assert_no_error (error);
}

static void
test_profiles_corrupt_system (Fixture *f, gconstpointer data)
{
  g_autofree char *system_sessions = g_build_filename (f->system_dir, "sessions", NULL);
  g_autoptr(TetherX2goProfiles) p = tether_test_track (
    g_object_new (TETHER_X2GO_TYPE_PROFILES, "client-rootdir", f->client_dir,
                  "system-dir", f->system_dir, NULL));
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;

  write_file (f->sessions, "[g]\nname=Good\n");
  write_file (system_sessions, "[s]\n\x01\n");
  g_assert_false (tether_x2go_profiles_load (p, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  prefix = g_strdup_printf ("%s:2: ", system_sessions);
  g_assert_true (g_str_has_prefix (error->message, prefix));
}

/* ---- derived ------------------------------------------------------------ */

typedef struct {
  const char *settings;  /* key=value lines */
  const char *metatype;
} MetaVector;

static void
test_profiles_metatype (Fixture *f, gconstpointer data)
{
  static const MetaVector vectors[] = {
    { "", "Single Applications" },
    { "rootless=false\ncommand=XFCE\n", "XFCE Desktop" },
    { "rootless=false\ncommand=xfce4-session\n", "XFCE Desktop" },
    { "rootless=false\ncommand=startkde\n", "KDE Desktop" },
    { "rootless=false\ncommand=/usr/bin/mywm\n", "CUSTOM Desktop" },
    { "published=true\ncommand=MATE\n", "MATE + Published Applications" },
    { "published=true\ncommand=mate-session\n", "Published Applications" },
    { "published=true\ncommand=TERMINAL\n", "Published Applications" },
    { "command=RDP\nrdpserver=win.corp\n", "RDP/proxy" },
    { "host=\ncommand=RDP\nrdpserver=win.corp\n", "RDP/direct" },
    { "host=\n", "not supported" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      g_autoptr(TetherX2goProfiles) p = NULL;
      g_autofree char *text = g_strdup_printf ("[m]\nname=M\n%s", vectors[k].settings);
      g_autofree char *meta = NULL;
      g_autoptr(GError) error = NULL;

      write_file (f->sessions, text);
      p = open_profiles (f, FALSE);
      meta = tether_x2go_profiles_get_profile_metatype (p, "M", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (meta, ==, vectors[k].metatype);
    }
}

static void
test_profiles_json (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goProfiles) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *one = NULL;
  g_autofree char *all = NULL;
  g_autofree char *empty = NULL;

  write_file (f->sessions,
              "[j1]\nname=\"Tab\\there \\\"q\\\"\"\nhost=a, b\nexport=\"/x:1;\"\nodd=\\x1\n"
              "\n[j2]\nname=Two\n");
  p = open_profiles (f, FALSE);
  one = tether_x2go_profiles_dump_profile_json (p, "j1", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (one, "{\n  \"name\": \"Tab\\there \\\"q\\\"\",\n"
                                        "  \"host\": [\"a\", \"b\"],\n"
                                        "  \"export\": {\"/x\": true},\n"
                                        "  \"odd\": \"\\u0001\",\n"
                                        "  \"sshport\": 22,\n"));
  g_assert_nonnull (strstr (one, "\n  \"autologin\": true,\n"));
  g_assert_true (g_str_has_suffix (one, "\"shadowfullaccess\": false\n}\n"));

  all = tether_x2go_profiles_dump_json (p);
  g_assert_true (g_str_has_prefix (all, "{\n  \"j1\": {\n    \"name\": "));
  g_assert_nonnull (strstr (all, "\n  },\n  \"j2\": {\n    \"name\": \"Two\",\n"));
  g_assert_true (g_str_has_suffix (all, "\n  }\n}\n"));

  g_assert_null (tether_x2go_profiles_dump_profile_json (p, "nope", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);

  g_clear_object (&p);
  write_file (f->sessions, "");
  p = open_profiles (f, FALSE);
  empty = tether_x2go_profiles_dump_json (p);
  g_assert_cmpstr (empty, ==, "{}\n");
}

static void
test_profiles_key_table (void)
{
  const char * const *keys = tether_x2go_profiles_get_known_keys ();
  g_autoptr(GVariant) def = tether_x2go_profiles_get_key_default ("export");

  g_assert_cmpstr (keys[0], ==, "name");
  g_assert_true (g_strv_contains (keys, "xdmcpserver"));
  g_assert_true (g_strv_contains (keys, "krbdelegation"));
  g_assert_true (g_variant_type_equal (tether_x2go_profiles_get_key_type ("host"),
                                       G_VARIANT_TYPE_STRING_ARRAY));
  g_assert_true (g_variant_type_equal (tether_x2go_profiles_get_key_type ("export"),
                                       G_VARIANT_TYPE ("a{sb}")));
  g_assert_true (g_variant_type_equal (tether_x2go_profiles_get_key_type ("sndport"),
                                       G_VARIANT_TYPE_INT32));
  g_assert_null (tether_x2go_profiles_get_key_type ("nonsense"));
  g_assert_null (tether_x2go_profiles_get_key_default ("nonsense"));
  g_assert_cmpuint (g_variant_n_children (def), ==, 0);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/x2go/profiles/load/empty", test_profiles_empty);
  ADD ("/x2go/profiles/load/dirs", test_profiles_dirs);
  ADD ("/x2go/profiles/load/x2goclient-file", test_profiles_read_qt);
  ADD ("/x2go/profiles/save/preserve", test_profiles_preserve);
  ADD ("/x2go/profiles/values/roundtrip-every-key", test_profiles_roundtrip_types);
  ADD ("/x2go/profiles/values/errors", test_profiles_set_errors);
  ADD ("/x2go/profiles/names/duplicates", test_profiles_duplicate_names);
  ADD ("/x2go/profiles/system/read-only", test_profiles_system);
  ADD ("/x2go/profiles/corrupt/user-file", test_profiles_corrupt);
  ADD ("/x2go/profiles/corrupt/system-file", test_profiles_corrupt_system);
  ADD ("/x2go/profiles/derived/metatype", test_profiles_metatype);
  ADD ("/x2go/profiles/derived/json", test_profiles_json);
#undef ADD
  g_test_add_func ("/x2go/profiles/keys/table", test_profiles_key_table);

  return g_test_run ();
}
