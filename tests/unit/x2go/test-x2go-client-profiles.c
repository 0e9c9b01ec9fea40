/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherX2goClient and session profiles, against the scripted fake server
 * of test-x2go-client-fake.c: the client's profile store and python-x2go's
 * profile methods, sessions registered from profiles (one, or all), and the
 * queries by profile name. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-client.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-session-impl-private.h"
#include "test-x2go-client-fake.h"
#include "tether-test-utils.h"

typedef struct {
  TetherX2goClient *client;
  FakeServer       *server;
  char             *tmpdir;
  char             *client_dir;  /* tmpdir/x2goclient */
  char             *sessions;    /* client_dir/sessions */
  GPtrArray        *events;      /* "signal:profile:session" */
  GAsyncResult     *result;
} Fixture;

static const char fake_nxproxy[] = "#!/bin/sh\nexec sleep 600\n";

/* Profiles the tests use: A and B on the fake server (which answers any
 * host), a profile asking for sound, and two profiles named alike. */
static const char sessions_file[] =
  "[20240101000000001]\n"
  "name=A\n"
  "host=a.example\n"
  "sshport=2022\n"
  "user=jdoe\n"
  "command=xterm\n"
  "rootless=true\n"
  "width=1024\n"
  "height=768\n"
  "speed=4\n"
  "\n"
  "[20240101000000002]\n"
  "name=B\n"
  "host=b.example\n"
  "user=jdoe\n"
  "command=xeyes\n"
  "\n"
  "[20240101000000003]\n"
  "name=Sound\n"
  "host=c.example\n"
  "user=jdoe\n"
  "sound=true\n"
  "\n";

static void
write_file (const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
on_three (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gpointer user_data)
{
  Fixture *f = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (c);

  g_ptr_array_add (f->events, g_strdup_printf ("%s:%s:%s", g_signal_name (hint->signal_id),
                                               profile, name));
}

static void
on_by_me (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gboolean by_me, gpointer user_data)
{
  on_three (c, uuid, profile, name, user_data);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *script = NULL;
  g_autofree char *root = NULL;
  g_autoptr(GError) error = NULL;

  f->tmpdir = g_dir_make_tmp ("tether-x2go-client-profiles-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (f->tmpdir, "fake-nxproxy", NULL);
  write_file (script, fake_nxproxy);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);
  f->client_dir = g_build_filename (f->tmpdir, "x2goclient", NULL);
  g_assert_cmpint (g_mkdir (f->client_dir, 0700), ==, 0);
  f->sessions = g_build_filename (f->client_dir, "sessions", NULL);
  write_file (f->sessions, sessions_file);

  f->server = fake_server_new ();
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->client = tether_x2go_client_new ();
  tether_x2go_client_set_transport_factory (f->client, fake_transport_factory, f->server, NULL);
  tether_x2go_client_set_nxproxy_path (f->client, script);
  tether_x2go_client_set_display (f->client, ":99");
  root = g_build_filename (f->tmpdir, "sessions-root", NULL);
  tether_x2go_client_set_sessions_rootdir (f->client, root);
  tether_x2go_client_set_client_rootdir (f->client, f->client_dir);
  tether_x2go_client_set_refresh_interval (f->client, 0);
  tether_x2go_client_set_confirm_interval (f->client, 5);
  for (const char *const *s = (const char *const[]) { "session-started-by-me",
         "session-resumed-by-me", "found-session-running-after-connect", NULL }; *s != NULL; s++)
    g_signal_connect (f->client, *s, G_CALLBACK (on_three), f);
  g_signal_connect (f->client, "session-suspended", G_CALLBACK (on_by_me), f);
  g_signal_connect (f->client, "session-terminated", G_CALLBACK (on_by_me), f);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gpointer client = f->client;

  g_object_add_weak_pointer (client, &client);
  g_clear_object (&f->client);
  while (client != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  if (client != NULL)
    g_error ("the client outlived its test (%u references)", G_OBJECT (client)->ref_count);
  g_clear_object (&f->result);
  fake_server_free (f->server);
  g_ptr_array_unref (f->events);
  remove_tree (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->client_dir);
  g_free (f->sessions);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (f->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (f->result);
  return f->result;
}

#define SYNC_BOOL(f, call, finish)                                      \
  G_STMT_START {                                                        \
    g_autoptr(GError) error_ = NULL;                                    \
    g_clear_object (&(f)->result);                                      \
    call;                                                               \
    g_assert_true (finish ((f)->client, wait_result (f), &error_));     \
    g_assert_no_error (error_);                                         \
    g_clear_object (&(f)->result);                                      \
  } G_STMT_END

static void
do_connect (Fixture *f, const char *uuid)
{
  SYNC_BOOL (f, tether_x2go_client_connect_session_async (f->client, uuid, NULL, NULL, NULL,
                                                          NULL, on_done, f),
             tether_x2go_client_connect_session_finish);
}

static void
do_start (Fixture *f, const char *uuid)
{
  SYNC_BOOL (f, tether_x2go_client_start_session_async (f->client, uuid, NULL, on_done, f),
             tether_x2go_client_start_session_finish);
}

static void
do_suspend (Fixture *f, const char *uuid)
{
  SYNC_BOOL (f, tether_x2go_client_suspend_session_async (f->client, uuid, NULL, NULL, on_done,
                                                          f),
             tether_x2go_client_suspend_session_finish);
}

static char *
register_profile (Fixture *f, const char *profile, GVariant *options)
{
  g_autoptr(GError) error = NULL;
  char *uuid = tether_x2go_client_register_session_from_profile (f->client, profile, options,
                                                                 &error);

  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (uuid));
  return uuid;
}

static gboolean
has_event (Fixture *f, const char *event)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal (g_ptr_array_index (f->events, i), event))
      return TRUE;
  return FALSE;
}

static void
assert_strv (char **got, const char *const *want)
{
  g_assert_cmpstrv (got, want);
  g_strfreev (got);
}

/* ---- the store ------------------------------------------------------------------------ */

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_store (Fixture *f, gconstpointer data)
{
  g_autoptr(TetherX2goClient) fresh = tether_x2go_client_new ();
  g_autofree char *home_dir = g_build_filename (g_get_home_dir (), ".x2goclient", NULL);
  g_autofree char *other = g_build_filename (f->tmpdir, "other", NULL);
  TetherX2goProfiles *profiles, *again;
  guint notified = 0;

  /* The reference's defaults; nothing is read until asked. */
  g_assert_cmpstr (tether_x2go_client_get_client_rootdir (fresh), ==, home_dir);
  {
    g_autofree char *prop = NULL;

    g_object_get (fresh, "client-rootdir", &prop, NULL);
    g_assert_cmpstr (prop, ==, home_dir);
  }

  profiles = tether_x2go_client_get_profiles (f->client);
  g_assert_true (TETHER_X2GO_IS_PROFILES (profiles));
  g_assert_cmpstr (tether_x2go_profiles_get_client_rootdir (profiles), ==, f->client_dir);
  g_assert_cmpstr (tether_x2go_profiles_get_sessions_rootdir (profiles), ==,
                   tether_x2go_client_get_sessions_rootdir (f->client));
  g_assert_cmpstr (tether_x2go_profiles_get_ssh_rootdir (profiles), ==,
                   tether_x2go_client_get_ssh_rootdir (f->client));
  /* Only the client's own file, as python-x2go's client. */
  g_assert_null (tether_x2go_profiles_get_system_dir (profiles));
  g_assert_true (tether_x2go_client_get_profiles (f->client) == profiles);
  g_assert_true (tether_x2go_profiles_is_session_profile (profiles, "A"));

  /* Another root dir: another store, read from there. */
  g_signal_connect (f->client, "notify::client-rootdir", G_CALLBACK (on_notify), &notified);
  g_object_ref (profiles);
  tether_x2go_client_set_client_rootdir (f->client, other);
  tether_x2go_client_set_client_rootdir (f->client, other);
  g_assert_cmpuint (notified, ==, 1);
  again = tether_x2go_client_get_profiles (f->client);
  g_assert_true (again != profiles);
  g_assert_cmpstr (tether_x2go_profiles_get_client_rootdir (again), ==, other);
  assert_strv (tether_x2go_client_get_profile_names (f->client), (const char *const[]) { NULL });
  g_assert_true (tether_x2go_profiles_is_session_profile (profiles, "A"));
  g_object_unref (profiles);
  tether_x2go_client_set_client_rootdir (f->client, NULL);
  g_assert_cmpstr (tether_x2go_client_get_client_rootdir (f->client), ==, home_dir);
}

static void
test_profile_config (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) config = NULL;
  g_autoptr(GVariant) port = NULL;
  g_autoptr(GVariant) hosts = NULL;
  g_autoptr(TetherX2goProfiles) reread = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *metatype = NULL;
  gint32 value = 0;

  assert_strv (tether_x2go_client_get_profile_names (f->client),
               (const char *const[]) { "A", "B", "Sound", NULL });
  g_assert_true (tether_x2go_client_is_session_profile (f->client, "A"));
  g_assert_true (tether_x2go_client_is_session_profile (f->client, "20240101000000002"));
  g_assert_false (tether_x2go_client_is_session_profile (f->client, "C"));
  g_assert_false (tether_x2go_client_is_session_profile (f->client, NULL));
  id = tether_x2go_client_to_profile_id (f->client, "B");
  name = tether_x2go_client_to_profile_name (f->client, "20240101000000001");
  g_assert_cmpstr (id, ==, "20240101000000002");
  g_assert_cmpstr (name, ==, "A");
  g_assert_null (tether_x2go_client_to_profile_id (f->client, "C"));
  metatype = tether_x2go_client_get_profile_metatype (f->client, "A", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (metatype, ==, "Single Applications");

  /* The whole profile, or one value. */
  config = tether_x2go_client_get_profile_config (f->client, "A", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (config, G_VARIANT_TYPE_VARDICT));
  g_assert_true (g_variant_lookup (config, "sshport", "i", &value));
  g_assert_cmpint (value, ==, 2022);
  hosts = g_variant_lookup_value (config, "host", G_VARIANT_TYPE_STRING_ARRAY);
  g_assert_nonnull (hosts);
  g_assert_cmpuint (g_variant_n_children (hosts), ==, 1);
  port = tether_x2go_client_with_profile_config (f->client, "20240101000000001", "sshport",
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int32 (port), ==, 2022);
  g_clear_pointer (&port, g_variant_unref);
  /* A known key the profile lacks reads as its default. */
  port = tether_x2go_client_get_profile_config (f->client, "B", "sshport", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int32 (port), ==, 22);
  g_clear_pointer (&port, g_variant_unref);

  g_assert_null (tether_x2go_client_get_profile_config (f->client, "C", NULL, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_get_profile_config (f->client, "A", "no-such-key", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Set: saved at once. */
  g_assert_true (tether_x2go_client_set_profile_config (f->client, "A", "sshport",
                                                        g_variant_new_int32 (2200), &error));
  g_assert_no_error (error);
  reread = g_object_new (TETHER_X2GO_TYPE_PROFILES, "client-rootdir", f->client_dir,
                         "system-dir", "", NULL);
  g_assert_true (tether_x2go_profiles_load (reread, &error));
  port = tether_x2go_profiles_get_profile_value (reread, "A", "sshport", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int32 (port), ==, 2200);
  g_assert_false (tether_x2go_client_set_profile_config (f->client, "A", "sshport",
                                                         g_variant_new_string ("x"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_set_profile_config (f->client, "C", "sshport",
                                                         g_variant_new_int32 (1), &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
}

/* ---- registration ----------------------------------------------------------------------- */

static void
test_register_from_profile (Fixture *f, gconstpointer data)
{
  g_autofree char *by_name = register_profile (f, "A", NULL);
  g_autofree char *by_id = register_profile (f, "20240101000000001", NULL);
  g_autofree char *overridden = NULL;
  g_autofree char *profile_id = NULL;
  g_autofree char *profile_name = NULL;
  g_autoptr(GVariant) summary = NULL;
  TetherX2goSession *s = tether_x2go_client_get_session (f->client, by_name);
  const char *command = NULL;
  g_autofree char *started = NULL;

  g_assert_cmpstr (by_name, !=, by_id);
  g_assert_cmpstr (tether_x2go_session_get_server (s), ==, "a.example");
  g_assert_cmpuint (tether_x2go_session_get_port (s), ==, 2022);
  g_assert_cmpstr (tether_x2go_session_get_username (s), ==, "jdoe");
  g_assert_cmpstr (tether_x2go_session_get_profile_name (s), ==, "A");
  profile_name = tether_x2go_client_get_session_profile_name (f->client, by_id);
  profile_id = tether_x2go_client_get_session_profile_id (f->client, by_id);
  g_assert_cmpstr (profile_name, ==, "A");
  g_assert_cmpstr (profile_id, ==, "20240101000000001");
  summary = tether_x2go_client_get_session_summary (f->client, by_name);
  g_assert_true (g_variant_lookup (summary, "command", "&s", &command));
  g_assert_cmpstr (command, ==, "xterm");

  /* The hooks carry the profile's name. */
  do_connect (f, by_name);
  do_start (f, by_name);
  started = g_strdup_printf ("session-started-by-me:A:%s",
                             tether_x2go_session_get_session_name (s));
  g_assert_true (has_event (f, started));

  /* Options replace the profile's. */
  overridden = register_profile (f, "B", g_variant_new_parsed ("{'cmd': <'xterm'>, "
                                                               "'server': <'b2.example'>}"));
  g_clear_pointer (&summary, g_variant_unref);
  summary = tether_x2go_client_get_session_summary (f->client, overridden);
  g_assert_true (g_variant_lookup (summary, "command", "&s", &command));
  g_assert_cmpstr (command, ==, "xterm");
  g_assert_cmpstr (tether_x2go_session_get_server (tether_x2go_client_get_session (f->client,
                                                                                   overridden)),
                   ==, "b2.example");
}

static void
test_register_from_profile_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_auto(GStrv) before = tether_x2go_client_registered_sessions (f->client,
                                                                 TETHER_X2GO_SESSION_RETURN_UUIDS);

  g_assert_null (tether_x2go_client_register_session_from_profile (f->client, "C", NULL, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_session_from_profile (f->client, NULL, NULL, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);

  /* What Tether cannot do yet, named with the profile. */
  g_assert_null (tether_x2go_client_register_session_from_profile (f->client, "Sound", NULL,
                                                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "session profile “Sound”: "));
  g_assert_nonnull (strstr (error->message, "snd_system"));
  g_clear_error (&error);
  /* ... unless the caller turns it off. */
  uuid = register_profile (f, "Sound", g_variant_new_parsed ("{'snd_system': <'none'>}"));
  g_assert_nonnull (uuid);

  /* Secrets: taken, and of the right type. */
  {
    g_autofree char *with_password = register_profile (
      f, "A", g_variant_new_parsed ("{'password': <'secret'>, 'passphrase': <'pp'>}"));
    TetherX2goSession *s = tether_x2go_client_get_session (f->client, with_password);

    g_assert_cmpstr (s->opts.password, ==, "secret");
    g_assert_cmpstr (s->opts.passphrase, ==, "pp");
  }
  g_assert_null (tether_x2go_client_register_session_from_profile (
    f->client, "A", g_variant_new_parsed ("{'password': <42>}"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "password"));
  g_clear_error (&error);

  /* Bad overrides. */
  g_assert_null (tether_x2go_client_register_session_from_profile (
    f->client, "A", g_variant_new_parsed ("{'profile_name': <'B'>}"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_session_from_profile (
    f->client, "A", g_variant_new_parsed ("{'geometry': <'huge'>}"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "session profile “A”: "));
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_session_from_profile (
    f->client, "A", g_variant_new_parsed ("{'server': <'-oProxyCommand=x'>}"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_auto(GStrv) after = tether_x2go_client_registered_sessions (f->client,
                                                                  TETHER_X2GO_SESSION_RETURN_UUIDS);
    /* Only the two that succeeded were registered. */
    g_assert_cmpuint (g_strv_length (after), ==, g_strv_length (before) + 2);
  }
}

static void
test_register_duplicate_names (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = NULL;
  g_autofree char *name = NULL;

  write_file (f->sessions, "[w1]\nname=Work\nhost=w1.example\n\n"
                           "[w2]\nname=Work\nhost=w2.example\n");
  assert_strv (tether_x2go_client_get_profile_names (f->client),
               (const char *const[]) { "Work (1)", "Work (2)", NULL });
  uuid = register_profile (f, "Work (2)", NULL);
  name = tether_x2go_client_get_session_profile_name (f->client, uuid);
  g_assert_cmpstr (name, ==, "Work (2)");
  g_assert_cmpstr (tether_x2go_session_get_server (tether_x2go_client_get_session (f->client, uuid)),
                   ==, "w2.example");
}

static void
test_broken_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GHashTable) all = NULL;

  write_file (f->sessions, "[s]\n\x01\n");
  g_assert_null (tether_x2go_client_register_session_from_profile (f->client, "A", NULL, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, f->sessions));
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_all_session_profiles (f->client, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_get_profile_config (f->client, "A", NULL, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_clear_error (&error);
  assert_strv (tether_x2go_client_get_profile_names (f->client), (const char *const[]) { NULL });
  g_assert_false (tether_x2go_client_is_session_profile (f->client, "A"));

  /* Fixed: read again when next needed. */
  write_file (f->sessions, sessions_file);
  uuid = register_profile (f, "A", NULL);
  all = tether_x2go_client_register_all_session_profiles (f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
}

static void
test_register_all (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = tether_x2go_client_register_all_session_profiles (f->client, &error);
  g_autoptr(GHashTable) again = NULL;
  g_autofree char *a = NULL;
  g_autofree char *a2 = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GVariant) summary = NULL;
  const char *command = NULL;
  const char *table_a, *table_b;

  g_assert_no_error (error);
  /* One session for each profile that can be registered ("Sound" cannot). */
  g_assert_cmpuint (g_hash_table_size (all), ==, 2);
  table_a = g_hash_table_lookup (all, "A");
  table_b = g_hash_table_lookup (all, "B");
  g_assert_true (g_uuid_string_is_valid (table_a) && g_uuid_string_is_valid (table_b));
  g_assert_false (g_hash_table_contains (all, "Sound"));
  assert_strv (tether_x2go_client_registered_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { table_a, NULL });

  /* The first registration of a profile hands out its session; the next
   * one registers another. */
  a = register_profile (f, "A", NULL);
  g_assert_cmpstr (a, ==, table_a);
  a2 = register_profile (f, "A", NULL);
  g_assert_cmpstr (a2, !=, table_a);

  /* Handed out with the options of now, and connected sessions stay so. */
  do_connect (f, table_b);
  g_assert_true (tether_x2go_client_set_profile_config (f->client, "B", "command",
                                                        g_variant_new_string ("xterm"), &error));
  b = register_profile (f, "B", g_variant_new_parsed ("{'geometry': <'640x480'>}"));
  g_assert_cmpstr (b, ==, table_b);
  g_assert_true (tether_x2go_client_is_session_connected (f->client, b));
  summary = tether_x2go_client_get_session_summary (f->client, b);
  g_assert_true (g_variant_lookup (summary, "command", "&s", &command));
  g_assert_cmpstr (command, ==, "xterm");

  /* Again: new sessions for the profiles whose session was handed out. */
  again = tether_x2go_client_register_all_session_profiles (f->client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (again), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (again, "A"), !=, table_a);
  g_assert_cmpstr (g_hash_table_lookup (again, "A"), !=, a2);
  g_assert_cmpstr (g_hash_table_lookup (again, "B"), !=, table_b);
  {
    g_autoptr(GHashTable) third = tether_x2go_client_register_all_session_profiles (f->client,
                                                                                    &error);
    /* ... and the same ones while they wait. */
    g_assert_cmpstr (g_hash_table_lookup (third, "A"), ==, g_hash_table_lookup (again, "A"));
    g_assert_cmpstr (g_hash_table_lookup (third, "B"), ==, g_hash_table_lookup (again, "B"));
  }
  {
    g_auto(GStrv) of_a = tether_x2go_client_registered_sessions_of_profile_name (
      f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS);
    g_assert_cmpuint (g_strv_length (of_a), ==, 3);
  }

  /* An unregistered reserved session is not handed out. */
  {
    g_autofree char *waiting = g_strdup (g_hash_table_lookup (again, "A"));
    g_autofree char *fresh = NULL;

    g_assert_true (tether_x2go_client_unregister_session (f->client, waiting, &error));
    fresh = register_profile (f, "A", NULL);
    g_assert_cmpstr (fresh, !=, waiting);
  }
}

/* ---- queries by profile name ---------------------------------------------------------- */

static void
test_queries (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a1 = register_profile (f, "A", NULL);
  g_autofree char *a2 = register_profile (f, "A", NULL);
  g_autofree char *b1 = register_profile (f, "B", NULL);
  g_autofree char *plain = tether_x2go_client_register_session (f->client, "p.example", 22,
                                                                "jdoe", NULL, &error);
  g_autofree char *plain_id = NULL;
  g_autofree char *suspended_event = NULL;
  const char *name1, *name2;

  g_assert_no_error (error);
  assert_strv (tether_x2go_client_connected_profiles (f->client, FALSE),
               (const char *const[]) { NULL });
  g_assert_false (tether_x2go_client_is_profile_connected (f->client, "A"));

  do_connect (f, a1);
  do_connect (f, a2);
  do_connect (f, b1);
  do_start (f, a1);
  do_start (f, a2);
  do_suspend (f, a2);
  name1 = tether_x2go_session_get_session_name (tether_x2go_client_get_session (f->client, a1));
  name2 = tether_x2go_session_get_session_name (tether_x2go_client_get_session (f->client, a2));
  g_assert_nonnull (name1);
  g_assert_nonnull (name2);
  suspended_event = g_strdup_printf ("session-suspended:A:%s", name2);
  g_assert_true (has_event (f, suspended_event));

  assert_strv (tether_x2go_client_registered_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { a1, a2, NULL });
  assert_strv (tether_x2go_client_registered_sessions_of_profile_name (
                 f->client, "B", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { b1, NULL });
  assert_strv (tether_x2go_client_registered_sessions_of_profile_name (
                 f->client, "C", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { NULL });
  assert_strv (tether_x2go_client_connected_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { a1, a2, NULL });
  assert_strv (tether_x2go_client_associated_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_SESSION_NAMES),
               (const char *const[]) { name1, name2, NULL });
  assert_strv (tether_x2go_client_associated_sessions_of_profile_name (
                 f->client, "B", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { NULL });
  assert_strv (tether_x2go_client_running_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { a1, NULL });
  assert_strv (tether_x2go_client_running_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_SESSION_NAMES),
               (const char *const[]) { name1, NULL });
  assert_strv (tether_x2go_client_suspended_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { a2, NULL });
  assert_strv (tether_x2go_client_suspended_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES),
               (const char *const[]) { "A", NULL });
  assert_strv (tether_x2go_client_running_sessions_of_profile_name (
                 f->client, "B", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { NULL });
  assert_strv (tether_x2go_client_pubapp_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { NULL });

  /* Profiles: IDs by default, names on request, each once. */
  assert_strv (tether_x2go_client_connected_profiles (f->client, FALSE),
               (const char *const[]) { "20240101000000001", "20240101000000002", NULL });
  assert_strv (tether_x2go_client_connected_profiles (f->client, TRUE),
               (const char *const[]) { "A", "B", NULL });
  g_assert_true (tether_x2go_client_is_profile_connected (f->client, "A"));
  g_assert_true (tether_x2go_client_is_profile_connected (f->client, "B"));
  g_assert_false (tether_x2go_client_is_profile_connected (f->client, "C"));
  g_assert_false (tether_x2go_client_is_profile_connected (f->client, NULL));

  /* A session without a profile has an ID of its own (python-x2go's form). */
  plain_id = tether_x2go_client_get_session_profile_id (f->client, plain);
  g_assert_true (plain_id != NULL && strlen (plain_id) == 20);
  for (const char *p = plain_id; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));
  assert_strv (tether_x2go_client_registered_sessions (f->client,
                                                       TETHER_X2GO_SESSION_RETURN_PROFILE_IDS),
               (const char *const[]) { "20240101000000001", "20240101000000002", plain_id, NULL });
  g_assert_null (tether_x2go_client_get_session_profile_id (f->client, "no-such-uuid"));

  /* disconnect_profile: every session of the profile, then forgotten. */
  g_assert_true (tether_x2go_client_disconnect_profile (f->client, "A", &error));
  g_assert_no_error (error);
  g_assert_null (tether_x2go_client_get_session (f->client, a1));
  g_assert_null (tether_x2go_client_get_session (f->client, a2));
  assert_strv (tether_x2go_client_registered_sessions_of_profile_name (
                 f->client, "A", TETHER_X2GO_SESSION_RETURN_UUIDS),
               (const char *const[]) { NULL });
  g_assert_false (tether_x2go_client_is_profile_connected (f->client, "A"));
  g_assert_true (tether_x2go_client_is_session_connected (f->client, b1));
  assert_strv (tether_x2go_client_connected_profiles (f->client, TRUE),
               (const char *const[]) { "B", NULL });
  g_assert_false (tether_x2go_client_disconnect_profile (f->client, "A", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/x2go/client/profiles/store", test_store);
  ADD ("/x2go/client/profiles/config", test_profile_config);
  ADD ("/x2go/client/profiles/register", test_register_from_profile);
  ADD ("/x2go/client/profiles/register-errors", test_register_from_profile_errors);
  ADD ("/x2go/client/profiles/duplicate-names", test_register_duplicate_names);
  ADD ("/x2go/client/profiles/broken-file", test_broken_file);
  ADD ("/x2go/client/profiles/register-all", test_register_all);
  ADD ("/x2go/client/profiles/queries", test_queries);
#undef ADD
  return g_test_run ();
}
