/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the QSettings INI parser of x2goclient's files. A file that parses
 * must come out byte for byte, decode to valid UTF-8 everywhere, survive an
 * edit of every key and parse again after it.
 */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-ini-private.h"
#include "tether-x2go-ini-value-private.h"
#include "fuzz-common.h"

static void
check_utf8 (const char *s)
{
  if (s == NULL || !g_utf8_validate (s, -1, NULL))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goIni) ini = tether_x2go_ini_parse ((const char *) data, size, "fuzz", &error);
  g_autoptr(TetherX2goIni) again = NULL;
  g_auto(GStrv) sections = NULL;
  g_autofree char *out = NULL;
  gsize out_len = 0;

  /* The codec alone, on the raw bytes. */
  {
    g_auto(GStrv) s = tether_x2go_ini_decode_value ((const char *) data, MIN (size, 4096), FALSE);
    g_auto(GStrv) l = tether_x2go_ini_decode_value ((const char *) data, MIN (size, 4096), TRUE);
    g_autofree char *k = tether_x2go_ini_decode_key ((const char *) data, MIN (size, 4096));

    if (g_strv_length (s) != 1)
      __builtin_trap ();
    check_utf8 (s[0]);
    check_utf8 (k);
    for (gsize i = 0; l[i] != NULL; i++)
      check_utf8 (l[i]);
  }

  if (ini == NULL)
    {
      if (!g_error_matches (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE) ||
          !g_str_has_prefix (error->message, "fuzz:"))
        __builtin_trap ();
      return 0;
    }

  out = tether_x2go_ini_to_data (ini, &out_len);
  if (out_len != size || (size > 0 && memcmp (out, data, size) != 0))
    __builtin_trap ();

  sections = tether_x2go_ini_get_sections (ini);
  for (gsize s = 0; sections[s] != NULL; s++)
    {
      g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, sections[s]);

      check_utf8 (sections[s]);
      for (gsize k = 0; keys[k] != NULL; k++)
        {
          const char *raw = tether_x2go_ini_get_raw (ini, sections[s], keys[k]);
          g_autofree char *v = tether_x2go_ini_get_string (ini, sections[s], keys[k]);
          g_auto(GStrv) l = tether_x2go_ini_get_list (ini, sections[s], keys[k]);

          check_utf8 (keys[k]);
          check_utf8 (v);
          for (gsize i = 0; l[i] != NULL; i++)
            check_utf8 (l[i]);
          for (int kind = TETHER_X2GO_VALUE_STRING; kind <= TETHER_X2GO_VALUE_EXPORT; kind++)
            {
              g_autoptr(GVariant) typed = tether_x2go_value_from_raw (kind, raw, NULL);

              if (typed != NULL &&
                  !g_variant_is_of_type (typed, tether_x2go_value_kind_type (kind)))
                __builtin_trap ();
            }
          /* Write the decoded value back: it must read the same. */
          tether_x2go_ini_set_string (ini, sections[s], keys[k], v);
        }
    }
  tether_x2go_ini_set_string (ini, "fuzz-added", "key", "value, with; specials\n");

  g_clear_pointer (&out, g_free);
  out = tether_x2go_ini_to_data (ini, &out_len);
  g_clear_error (&error);
  again = tether_x2go_ini_parse (out, out_len, "fuzz-again", &error);
  if (again == NULL)
    __builtin_trap ();
  for (gsize s = 0; sections[s] != NULL; s++)
    {
      g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, sections[s]);

      for (gsize k = 0; keys[k] != NULL; k++)
        {
          g_autofree char *a = tether_x2go_ini_get_string (ini, sections[s], keys[k]);
          g_autofree char *b = tether_x2go_ini_get_string (again, sections[s], keys[k]);

          if (g_strcmp0 (a, b) != 0)
            __builtin_trap ();
        }
    }
  return 0;
}
