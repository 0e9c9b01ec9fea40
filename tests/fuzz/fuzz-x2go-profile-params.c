/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the way from a session profile to a session's options: a sessions
 * file is parsed, each section typed as the profile store types it, turned
 * into python-x2go's session parameters and into registration options
 * (with and without overrides), which the session option parser then reads.
 * Every step must hold its shape: a{sv} out, a server and the profile's
 * name named, and only G_IO_ERROR invalid-argument / not-supported errors.
 */
#include "config.h"

#include <string.h>

#include "tether-x2go-ini-private.h"
#include "tether-x2go-ini-value-private.h"
#include "tether-x2go-profile-keys-private.h"
#include "tether-x2go-profile-params-private.h"
#include "tether-x2go-session-options-private.h"
#include "fuzz-common.h"

/* A section as TetherX2goProfiles reads it: known keys typed (the default
 * when a value does not parse), unknown keys as strings. */
static GVariant *
typed_config (TetherX2goIni *ini, const char *section)
{
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, section);
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (gsize k = 0; keys != NULL && keys[k] != NULL; k++)
    {
      const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (keys[k]);
      const char *raw = tether_x2go_ini_get_raw (ini, section, keys[k]);
      GVariant *v = NULL;

      if (raw == NULL)
        continue;
      if (known != NULL)
        {
          v = tether_x2go_value_from_raw (known->kind, raw, NULL);
          if (v == NULL)
            v = tether_x2go_profile_key_default (known);
        }
      else
        {
          g_auto(GStrv) one = tether_x2go_ini_decode_value (raw, strlen (raw), FALSE);

          v = g_variant_ref_sink (g_variant_new_string (one[0]));
        }
      g_variant_builder_add (&b, "{sv}", keys[k], v);
      g_variant_unref (v);
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static void
check_options (GVariant *options, GError *error, const char *name)
{
  TetherX2goSessionOptions opts;
  g_autoptr(GError) parse_error = NULL;
  const char *server = NULL;
  const char *profile = NULL;

  if (options == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        __builtin_trap ();
      return;
    }
  if (!g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT) ||
      !g_variant_lookup (options, "server", "&s", &server) ||
      !g_variant_lookup (options, "profile_name", "&s", &profile) ||
      strcmp (profile, name) != 0)
    __builtin_trap ();
  if (tether_x2go_session_options_parse (options, &opts, &parse_error))
    {
      if (opts.cmd == NULL || opts.geometry == NULL || g_strcmp0 (opts.profile_name, name) != 0)
        __builtin_trap ();
      tether_x2go_session_options_clear (&opts);
    }
  else if (!g_error_matches (parse_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) &&
           !g_error_matches (parse_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(TetherX2goIni) ini = tether_x2go_ini_parse ((const char *) data, size, "fuzz", NULL);
  g_auto(GStrv) sections = NULL;
  g_autoptr(GVariant) overrides = NULL;

  if (ini == NULL)
    return 0;
  overrides = g_variant_ref_sink (g_variant_new_parsed (
    "{'snd_system': <'none'>, 'printing': <false>, 'cmd': <'xterm'>}"));
  sections = tether_x2go_ini_get_sections (ini);
  for (gsize s = 0; sections[s] != NULL; s++)
    {
      g_autoptr(GVariant) config = typed_config (ini, sections[s]);
      g_autoptr(GVariant) params = tether_x2go_profile_to_session_params (config);
      g_autoptr(GVariant) geometry = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      g_autoptr(GVariant) options = NULL;
      g_autoptr(GVariant) options2 = NULL;

      if (params == NULL || !g_variant_is_of_type (params, G_VARIANT_TYPE_VARDICT))
        __builtin_trap ();
      geometry = g_variant_lookup_value (params, "geometry", G_VARIANT_TYPE_STRING);
      if (geometry == NULL)
        __builtin_trap ();
      options = tether_x2go_profile_to_session_options (config, sections[s], sections[s], NULL,
                                                        &error);
      check_options (options, error, sections[s]);
      options2 = tether_x2go_profile_to_session_options (config, sections[s], sections[s],
                                                         overrides, &error2);
      check_options (options2, error2, sections[s]);
    }
  return 0;
}
