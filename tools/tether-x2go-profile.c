/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tether x2go profile …: list, show, add, set and remove X2Go session
 * profiles in ~/.x2goclient/sessions (x2goclient's own file), through the
 * public TetherX2goProfiles API.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <tether/tether.h>

#include "tether-tool.h"
#include "tether-x2go-cli.h"

static const char usage[] =
  "Usage: tether x2go profile [--client-rootdir DIR] COMMAND …\n"
  "\n"
  "  list [--json]                 the profiles' names (with --json: ids and names)\n"
  "  show NAME [--json]            one profile's settings, keys named as in the file\n"
  "  add NAME [KEY=VALUE…]         a new profile with x2goclient's defaults; prints its id\n"
  "  set NAME KEY=VALUE…           change settings of a profile\n"
  "  remove NAME                   delete a profile\n"
  "\n"
  "NAME is a profile's name or id. DIR defaults to ~/.x2goclient.\n";

static int
fail (GError *error, const char *what)
{
  g_printerr ("tether x2go profile %s: %s\n", what, error->message);
  g_error_free (error);
  return TETHER_EXIT_FAILURE;
}

/* Splits KEY=VALUE; both parts borrowed from a copy the caller frees. */
static gboolean
split_assignment (char *arg, char **key, char **value)
{
  char *eq = strchr (arg, '=');

  if (eq == NULL || eq == arg)
    return FALSE;
  *eq = '\0';
  *key = arg;
  *value = eq + 1;
  return TRUE;
}

static int
apply_assignments (TetherX2goProfiles *profiles, const char *id, int argc, char **argv,
                   const char *what)
{
  for (int i = 0; i < argc; i++)
    {
      g_autofree char *copy = g_strdup (argv[i]);
      char *key, *value;
      GError *error = NULL;

      if (!split_assignment (copy, &key, &value))
        {
          g_printerr ("tether x2go profile %s: '%s' is not KEY=VALUE\n", what, argv[i]);
          return TETHER_EXIT_USAGE;
        }
      if (!tether_x2go_profiles_set_profile_value_from_string (profiles, id, key, value, &error))
        return fail (error, what);
    }
  return TETHER_EXIT_OK;
}

static void
print_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

static int
cmd_list (TetherX2goProfiles *profiles, gboolean json)
{
  g_auto(GStrv) ids = tether_x2go_profiles_get_profile_ids (profiles);
  GString *out = g_string_new (json ? "[" : "");

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *name = tether_x2go_profiles_to_profile_name (profiles, ids[i]);

      if (!json)
        {
          g_string_append_printf (out, "%s\n", name ? name : ids[i]);
          continue;
        }
      g_string_append (out, i > 0 ? ", {\"id\": " : "{\"id\": ");
      print_json_string (out, ids[i]);
      g_string_append (out, ", \"name\": ");
      print_json_string (out, name ? name : "");
      g_string_append (out, "}");
    }
  if (json)
    g_string_append (out, "]\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
  return TETHER_EXIT_OK;
}

static int
cmd_show (TetherX2goProfiles *profiles, const char *name, gboolean json)
{
  GError *error = NULL;
  g_autofree char *id = tether_x2go_profiles_check_profile_id_or_name (profiles, name, &error);
  g_autoptr(GVariant) config = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (id == NULL)
    return fail (error, "show");
  if (json)
    {
      g_autofree char *text = tether_x2go_profiles_dump_profile_json (profiles, id, &error);

      if (text == NULL)
        return fail (error, "show");
      printf ("%s\n", text);
      return TETHER_EXIT_OK;
    }
  config = tether_x2go_profiles_get_profile_config (profiles, id, &error);
  if (config == NULL)
    return fail (error, "show");
  printf ("[%s]\n", id);
  g_variant_iter_init (&iter, config);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        printf ("%s=%s\n", key, g_variant_get_string (value, NULL));
      else
        {
          g_autofree char *text = g_variant_print (value, FALSE);

          printf ("%s=%s\n", key, text);
        }
      g_variant_unref (value);
    }
  return TETHER_EXIT_OK;
}

int
tether_tool_x2go_profile (int argc, char **argv)
{
  const char *rootdir = NULL;
  const char *command;
  gboolean json = FALSE;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(TetherX2goProfiles) profiles = NULL;
  GError *error = NULL;
  int rc;

  /* argv[0] is "profile". Options may stand anywhere. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        json = TRUE;
      else if (g_str_equal (argv[i], "--client-rootdir") && i + 1 < argc)
        rootdir = argv[++i];
      else if (g_str_has_prefix (argv[i], "--client-rootdir="))
        rootdir = argv[i] + strlen ("--client-rootdir=");
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          fputs (usage, stdout);
          return TETHER_EXIT_OK;
        }
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        {
          g_printerr ("tether x2go profile: unknown option '%s'\n\n%s", argv[i], usage);
          return TETHER_EXIT_USAGE;
        }
      else
        g_ptr_array_add (args, argv[i]);
    }
  if (args->len == 0)
    {
      g_printerr ("%s", usage);
      return TETHER_EXIT_USAGE;
    }
  command = args->pdata[0];

  profiles = tether_x2go_profiles_new (rootdir);
  if (!tether_x2go_profiles_load (profiles, &error))
    return fail (error, command);

  if (g_str_equal (command, "list") && args->len == 1)
    return cmd_list (profiles, json);
  if (g_str_equal (command, "show") && args->len == 2)
    return cmd_show (profiles, args->pdata[1], json);
  if (g_str_equal (command, "add") && args->len >= 2)
    {
      g_autofree char *id = NULL;

      if (tether_x2go_profiles_is_session_profile (profiles, args->pdata[1]))
        {
          g_printerr ("tether x2go profile add: a profile named '%s' exists already\n",
                      (char *) args->pdata[1]);
          return TETHER_EXIT_FAILURE;
        }
      id = tether_x2go_profiles_add_profile (profiles, args->pdata[1], &error);
      if (id == NULL)
        return fail (error, command);
      rc = apply_assignments (profiles, id, args->len - 2, (char **) args->pdata + 2, command);
      if (rc != TETHER_EXIT_OK)
        return rc;
      if (!tether_x2go_profiles_save (profiles, &error))
        return fail (error, command);
      printf ("%s\n", id);
      return TETHER_EXIT_OK;
    }
  if (g_str_equal (command, "set") && args->len >= 3)
    {
      g_autofree char *id = tether_x2go_profiles_check_profile_id_or_name (profiles, args->pdata[1],
                                                                           &error);
      if (id == NULL)
        return fail (error, command);
      rc = apply_assignments (profiles, id, args->len - 2, (char **) args->pdata + 2, command);
      if (rc != TETHER_EXIT_OK)
        return rc;
      if (!tether_x2go_profiles_save (profiles, &error))
        return fail (error, command);
      return TETHER_EXIT_OK;
    }
  if (g_str_equal (command, "remove") && args->len == 2)
    {
      if (!tether_x2go_profiles_remove_profile (profiles, args->pdata[1], &error) ||
          !tether_x2go_profiles_save (profiles, &error))
        return fail (error, command);
      return TETHER_EXIT_OK;
    }
  g_printerr ("tether x2go profile: bad command or arguments\n\n%s", usage);
  return TETHER_EXIT_USAGE;
}

/* ---- tether x2go --list-profiles --------------------------------------------------- */

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* pyhoca-cli's listing: each profile's ID and name, then the session
 * parameters python-x2go derives from it, one "key: value" a line. */
int
tether_x2go_cli_list_profiles (TetherX2goClient *client)
{
  TetherX2goProfiles *profiles = tether_x2go_client_get_profiles (client);
  g_autofree char *file = tether_x2go_profiles_get_sessions_file (profiles);
  g_auto(GStrv) ids = NULL;
  GError *error = NULL;

  if (!tether_x2go_profiles_load (profiles, &error))
    {
      g_printerr ("tether x2go: %s\n", error->message);
      g_error_free (error);
      return TETHER_EXIT_FAILURE;
    }
  ids = tether_x2go_profiles_get_profile_ids (profiles);
  printf ("\nAvailable X2Go session profiles\n"
          "===============================\n"
          "user configuration file: %s\n\n", file);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *name = tether_x2go_profiles_to_profile_name (profiles, ids[i]);
      g_autofree char *metatype = tether_x2go_profiles_get_profile_metatype (profiles, ids[i],
                                                                             NULL);
      g_autoptr(GVariant) params = tether_x2go_profiles_to_session_params (profiles, ids[i],
                                                                           NULL);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();
      GVariantIter iter;
      const char *key;

      printf ("Profile ID: %s\nProfile Name: %s\nProfile Metatype: %s\n"
              "Derived session parameters:\n", ids[i], name != NULL ? name : "",
              metatype != NULL ? metatype : "");
      if (params != NULL)
        {
          g_variant_iter_init (&iter, params);
          while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
            g_ptr_array_add (keys, (gpointer) key);
          g_ptr_array_sort (keys, compare_keys);
        }
      for (guint k = 0; k < keys->len; k++)
        {
          g_autoptr(GVariant) v = g_variant_lookup_value (params, keys->pdata[k], NULL);
          g_autofree char *text = g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)
                                    ? g_variant_dup_string (v, NULL)
                                    : g_variant_print (v, FALSE);

          printf ("  %s: %s\n", (char *) keys->pdata[k], text);
        }
      printf ("\n");
    }
  fflush (stdout);
  return TETHER_EXIT_OK;
}
