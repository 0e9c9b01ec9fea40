/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x2goclient's settings, printing and xconfig files. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-ini-config-private.h"
#include "tether-test-utils.h"

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
test_config_defaults (void)
{
  for (int kind = TETHER_X2GO_CONFIG_SETTINGS; kind <= TETHER_X2GO_CONFIG_XCONFIG; kind++)
    {
      g_autofree char *dir = g_dir_make_tmp ("tether-config-XXXXXX", NULL);
      g_autoptr(TetherX2goConfigFile) cf = tether_x2go_config_file_new (kind, dir, NULL);
      g_autoptr(GError) error = NULL;
      gsize n;
      const TetherX2goConfigKey *keys = tether_x2go_config_keys (kind, &n);

      g_assert_true (tether_x2go_config_file_load (cf, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, >, 0);
      for (gsize k = 0; k < n; k++)
        {
          const char *section = strcmp (keys[k].section, "*") == 0 ? "VcXsrv" : keys[k].section;
          g_autoptr(GVariant) v = tether_x2go_config_file_get_value (cf, section, keys[k].key,
                                                                     &error);

          g_assert_no_error (error);
          g_assert_true (g_variant_is_of_type (v, tether_x2go_value_kind_type (keys[k].kind)));
        }
      g_assert_null (tether_x2go_config_file_get_value (cf, "General", "nonsense", &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      rm_rf (dir);
    }
}

typedef struct {
  const char *file;
  const char *action;
  const char *argument;
} PrintVector;

static void
test_config_print_action (void)
{
  static const PrintVector vectors[] = {
    { "", "PDFVIEW", "xdg-open" },
    /* x2goclient writes true/false, python-x2go 1/0. */
    { "[General]\nshowdialog=true\n", "DIALOG", NULL },
    { "[General]\npdfview=true\n[view]\nopen=false\n[save]\nfolder=Documents/PDF\n",
      "PDFSAVE", "Documents/PDF" },
    { "[General]\npdfview = 0\nshowdialog = 0\n[CUPS]\ndefaultprinter = Office\n", "PRINT", "Office" },
    { "[General]\npdfview=false\n[print]\nstartcmd=true\ncommand=lpr -P x\n", "PRINTCMD", "lpr -P x" },
    { "[General]\npdfview=true\n[view]\nopen=1\ncommand=evince\n", "PDFVIEW", "evince" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      g_autofree char *dir = g_dir_make_tmp ("tether-config-XXXXXX", NULL);
      g_autoptr(TetherX2goConfigFile) cf = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *arg = NULL;

      write_file (dir, "printing", vectors[k].file);
      cf = tether_x2go_config_file_new (TETHER_X2GO_CONFIG_PRINTING, dir, NULL);
      g_assert_true (tether_x2go_config_file_load (cf, &error));
      g_assert_cmpstr (tether_x2go_config_file_get_print_action (cf, &arg), ==, vectors[k].action);
      g_assert_cmpstr (arg, ==, vectors[k].argument);
      rm_rf (dir);
    }
}

static void
test_config_layers_and_save (void)
{
  g_autofree char *root = g_dir_make_tmp ("tether-config-XXXXXX", NULL);
  g_autofree char *client = g_build_filename (root, "client", NULL);
  g_autofree char *system = g_build_filename (root, "etc", NULL);
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(TetherX2goConfigFile) cf = NULL;
  g_autoptr(TetherX2goConfigFile) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;
  struct stat st;
  static const char user_text[] =
    "; mine\n[LDAP]\nuseldap=true\n\n[General]\nclientport=2222\nunknown=\"kept, as is\"\n";

  write_file (client, "settings", user_text);
  write_file (system, "settings", "[LDAP]\nserver=ldap.corp\nuseldap=false\n[trayicon]\nenabled=0\n");
  cf = tether_x2go_config_file_new (TETHER_X2GO_CONFIG_SETTINGS, client, system);
  g_assert_true (tether_x2go_config_file_load (cf, &error));
  g_assert_no_error (error);

  /* The user's value, then the system's, then the default. */
  v = tether_x2go_config_file_get_value (cf, "LDAP", "useldap", NULL);
  g_assert_true (g_variant_get_boolean (v));
  g_clear_pointer (&v, g_variant_unref);
  v = tether_x2go_config_file_get_value (cf, "LDAP", "server", NULL);
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "ldap.corp");
  g_clear_pointer (&v, g_variant_unref);
  v = tether_x2go_config_file_get_value (cf, "trayicon", "enabled", NULL);
  g_assert_false (g_variant_get_boolean (v));
  g_clear_pointer (&v, g_variant_unref);
  v = tether_x2go_config_file_get_value (cf, "LDAP", "port", NULL);
  g_assert_cmpint (g_variant_get_int32 (v), ==, 389);
  g_clear_pointer (&v, g_variant_unref);
  v = tether_x2go_config_file_get_value (cf, "General", "unknown", NULL);
  g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "kept, as is");
  g_clear_pointer (&v, g_variant_unref);

  /* Typed writes; untouched lines stay; mode 0600. */
  g_assert_false (tether_x2go_config_file_set_value (cf, "LDAP", "port",
                                                     g_variant_new_string ("x"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tether_x2go_config_file_set_value (cf, "LDAP", "port",
                                                    g_variant_new_int32 (636), &error));
  g_assert_true (tether_x2go_config_file_set_value (cf, "General", "autoresume",
                                                    g_variant_new_boolean (FALSE), &error));
  g_assert_true (tether_x2go_config_file_save (cf, &error));
  g_assert_no_error (error);
  path = g_build_filename (client, "settings", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==,
                   "; mine\n[LDAP]\nuseldap=true\nport=636\n\n"
                   "[General]\nclientport=2222\nunknown=\"kept, as is\"\nautoresume=false\n");

  again = tether_x2go_config_file_new (TETHER_X2GO_CONFIG_SETTINGS, client, NULL);
  g_assert_true (tether_x2go_config_file_load (again, &error));
  v = tether_x2go_config_file_get_value (again, "LDAP", "port", NULL);
  g_assert_cmpint (g_variant_get_int32 (v), ==, 636);
  g_clear_pointer (&v, g_variant_unref);

  /* A broken file: load fails with the line, and nothing writes over it. */
  write_file (client, "settings", "[LDAP\n");
  g_assert_false (tether_x2go_config_file_load (again, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, "settings:1: "));
  g_clear_error (&error);
  g_assert_false (tether_x2go_config_file_save (again, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_clear_pointer (&data, g_free);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, "[LDAP\n");

  rm_rf (root);
}

static void
test_config_xconfig (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tether-config-XXXXXX", NULL);
  g_autoptr(TetherX2goConfigFile) cf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) known = NULL;
  g_autoptr(GVariant) params = NULL;
  g_autofree char *known_s = NULL;
  g_autofree char *params_s = NULL;

  write_file (dir, "xconfig",
              "[XServers]\nknown_xservers=VcXsrv, Xming\n\n"
              "[Xming]\ndisplay=localhost:41\nparameters=:41, -multiwindow\n");
  cf = tether_x2go_config_file_new (TETHER_X2GO_CONFIG_XCONFIG, dir, NULL);
  g_assert_true (tether_x2go_config_file_load (cf, &error));
  known = tether_x2go_config_file_get_value (cf, "XServers", "known_xservers", NULL);
  params = tether_x2go_config_file_get_value (cf, "Xming", "parameters", NULL);
  known_s = g_variant_print (known, FALSE);
  params_s = g_variant_print (params, FALSE);
  g_assert_cmpstr (known_s, ==, "['VcXsrv', 'Xming']");
  g_assert_cmpstr (params_s, ==, "[':41', '-multiwindow']");
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/ini-config/defaults", test_config_defaults);
  g_test_add_func ("/x2go/ini-config/print-action", test_config_print_action);
  g_test_add_func ("/x2go/ini-config/layers-and-save", test_config_layers_and_save);
  g_test_add_func ("/x2go/ini-config/xconfig", test_config_xconfig);

  return g_test_run ();
}
