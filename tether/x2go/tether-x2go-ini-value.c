/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed values of x2goclient's INI files; see tether-x2go-ini-value-private.h. */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-ini-private.h"
#include "tether-x2go-ini-value-private.h"

const GVariantType *
tether_x2go_value_kind_type (TetherX2goValueKind kind)
{
  switch (kind)
    {
    case TETHER_X2GO_VALUE_STRING: return G_VARIANT_TYPE_STRING;
    case TETHER_X2GO_VALUE_INT:    return G_VARIANT_TYPE_INT32;
    case TETHER_X2GO_VALUE_BOOL:   return G_VARIANT_TYPE_BOOLEAN;
    case TETHER_X2GO_VALUE_LIST:   return G_VARIANT_TYPE_STRING_ARRAY;
    case TETHER_X2GO_VALUE_EXPORT: return G_VARIANT_TYPE ("a{sb}");
    default:
      g_return_val_if_reached (G_VARIANT_TYPE_STRING);
    }
}

const char *
tether_x2go_value_kind_name (TetherX2goValueKind kind)
{
  switch (kind)
    {
    case TETHER_X2GO_VALUE_STRING: return "string";
    case TETHER_X2GO_VALUE_INT:    return "integer";
    case TETHER_X2GO_VALUE_BOOL:   return "boolean";
    case TETHER_X2GO_VALUE_LIST:   return "list";
    case TETHER_X2GO_VALUE_EXPORT: return "folder list";
    default:
      g_return_val_if_reached ("?");
    }
}

gboolean
tether_x2go_value_parse_bool (const char *text, gboolean *out)
{
  static const char *const yes[] = { "1", "yes", "true", "on" };
  static const char *const no[] = { "0", "no", "false", "off" };
  g_autofree char *word = g_strstrip (g_strdup (text != NULL ? text : ""));

  for (gsize k = 0; k < G_N_ELEMENTS (yes); k++)
    {
      if (g_ascii_strcasecmp (word, yes[k]) == 0)
        return (*out = TRUE, TRUE);
      if (g_ascii_strcasecmp (word, no[k]) == 0)
        return (*out = FALSE, TRUE);
    }
  return FALSE;
}

gboolean
tether_x2go_value_parse_int (const char *text, gint32 *out)
{
  g_autofree char *word = g_strstrip (g_strdup (text != NULL ? text : ""));
  gint64 v;

  if (!g_ascii_string_to_signed (word, 10, G_MININT32, G_MAXINT32, &v, NULL))
    return FALSE;
  *out = (gint32) v;
  return TRUE;
}

/* The old python-x2go list form: ['a', "b"] with Python string quoting.
 * Returns NULL when @s is not exactly such a literal. */
static char **
parse_python_list (const char *s)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0, n = strlen (s);

  if (n < 2 || s[0] != '[' || s[n - 1] != ']')
    return NULL;
  i = 1;
  for (;;)
    {
      GString *item;
      char q;

      while (i < n - 1 && g_ascii_isspace (s[i]))
        i++;
      if (i == n - 1)
        break;
      if (s[i] != '\'' && s[i] != '"')
        return NULL;
      if (items->len >= TETHER_X2GO_INI_MAX_LIST_ITEMS)
        return NULL;
      q = s[i++];
      item = g_string_new (NULL);
      while (i < n - 1 && s[i] != q)
        {
          if (s[i] == '\\' && i + 1 < n - 1)
            i++;
          g_string_append_c (item, s[i++]);
        }
      if (i >= n - 1)
        {
          g_string_free (item, TRUE);
          return NULL;
        }
      i++;  /* the closing quote */
      g_ptr_array_add (items, g_string_free (item, FALSE));
      while (i < n - 1 && g_ascii_isspace (s[i]))
        i++;
      if (i == n - 1)
        break;
      if (s[i] != ',')
        return NULL;
      i++;
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
}

/* python-x2go's reading of `export` from its decoded text. */
static GVariant *
parse_export (const char *text)
{
  GVariantBuilder b;
  g_autofree char *work = g_strdup (text);
  g_auto(GStrv) entries = NULL;
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) flags = g_array_new (FALSE, FALSE, sizeof (gboolean));
  char *s;

  g_strdelimit (work, ",", ';');
  s = g_strstrip (work);
  /* Surrounding quotes (python-x2go does not strip Qt's) and ';'. */
  while (*s == '"' || *s == ';' || g_ascii_isspace (*s))
    s++;
  {
    gsize n = strlen (s);

    while (n > 0 && (s[n - 1] == '"' || s[n - 1] == ';' || g_ascii_isspace (s[n - 1])))
      s[--n] = '\0';
  }
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sb}"));
  if (strcmp (s, "{}") == 0 || s[0] == '\0')
    return g_variant_ref_sink (g_variant_builder_end (&b));

  entries = g_strsplit (s, ";", TETHER_X2GO_VALUE_MAX_EXPORTS);
  for (gsize k = 0; entries[k] != NULL; k++)
    {
      char *entry = entries[k];
      char *colon = strrchr (entry, ':');
      gboolean autoshare = TRUE;
      gpointer slot;

      if (entry[0] == '\0')
        continue;
      if (colon != NULL && (strcmp (colon, ":0") == 0 || strcmp (colon, ":1") == 0))
        {
          autoshare = colon[1] == '1';
          *colon = '\0';
        }
      /* A path given twice: the last flag wins, the first place stays. */
      if (g_hash_table_lookup_extended (index, entry, NULL, &slot))
        {
          g_array_index (flags, gboolean, GPOINTER_TO_UINT (slot)) = autoshare;
          continue;
        }
      g_hash_table_insert (index, entry, GUINT_TO_POINTER (paths->len));
      g_ptr_array_add (paths, g_strdup (entry));
      g_array_append_val (flags, autoshare);
    }
  for (guint k = 0; k < paths->len; k++)
    g_variant_builder_add (&b, "{sb}", (const char *) g_ptr_array_index (paths, k),
                           g_array_index (flags, gboolean, k));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static GVariant *
bad_value (GError **error, TetherX2goValueKind kind, const char *text)
{
  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
               "“%s” is not a valid %s", text, tether_x2go_value_kind_name (kind));
  return NULL;
}

GVariant *
tether_x2go_value_from_raw (TetherX2goValueKind kind, const char *raw, GError **error)
{
  g_auto(GStrv) one = NULL;
  gsize len;

  g_return_val_if_fail (raw != NULL, NULL);

  len = strlen (raw);
  switch (kind)
    {
    case TETHER_X2GO_VALUE_STRING:
      one = tether_x2go_ini_decode_value (raw, len, FALSE);
      return g_variant_ref_sink (g_variant_new_string (one[0]));

    case TETHER_X2GO_VALUE_INT:
      {
        gint32 v;

        one = tether_x2go_ini_decode_value (raw, len, FALSE);
        if (!tether_x2go_value_parse_int (one[0], &v))
          return bad_value (error, kind, one[0]);
        return g_variant_ref_sink (g_variant_new_int32 (v));
      }

    case TETHER_X2GO_VALUE_BOOL:
      {
        gboolean v;

        one = tether_x2go_ini_decode_value (raw, len, FALSE);
        if (!tether_x2go_value_parse_bool (one[0], &v))
          return bad_value (error, kind, one[0]);
        return g_variant_ref_sink (g_variant_new_boolean (v));
      }

    case TETHER_X2GO_VALUE_LIST:
      {
        g_auto(GStrv) items = NULL;
        g_autofree char *trimmed = g_strstrip (g_strdup (raw));

        /* python-x2go looks for its list literal in the raw text. */
        items = parse_python_list (trimmed);
        if (items == NULL)
          items = tether_x2go_ini_decode_value (raw, len, TRUE);
        return g_variant_ref_sink (g_variant_new_strv ((const char * const *) items, -1));
      }

    case TETHER_X2GO_VALUE_EXPORT:
      one = tether_x2go_ini_decode_value (raw, len, FALSE);
      return parse_export (one[0]);

    default:
      g_return_val_if_reached (NULL);
    }
}

GVariant *
tether_x2go_value_from_text (TetherX2goValueKind kind, const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "value is not UTF-8");
      return NULL;
    }
  switch (kind)
    {
    case TETHER_X2GO_VALUE_STRING:
      return g_variant_ref_sink (g_variant_new_string (text));

    case TETHER_X2GO_VALUE_INT:
      {
        gint32 v;

        if (!tether_x2go_value_parse_int (text, &v))
          goto invalid;
        return g_variant_ref_sink (g_variant_new_int32 (v));
      }

    case TETHER_X2GO_VALUE_BOOL:
      {
        gboolean v;

        if (!tether_x2go_value_parse_bool (text, &v))
          goto invalid;
        return g_variant_ref_sink (g_variant_new_boolean (v));
      }

    case TETHER_X2GO_VALUE_LIST:
      {
        g_auto(GStrv) parts = g_strsplit (text, ",", TETHER_X2GO_INI_MAX_LIST_ITEMS);
        g_autoptr(GPtrArray) items = g_ptr_array_new ();

        for (gsize k = 0; parts[k] != NULL; k++)
          {
            g_strstrip (parts[k]);
            if (parts[k][0] != '\0')
              g_ptr_array_add (items, parts[k]);
          }
        g_ptr_array_add (items, NULL);
        return g_variant_ref_sink (g_variant_new_strv ((const char * const *) items->pdata, -1));
      }

    case TETHER_X2GO_VALUE_EXPORT:
      return parse_export (text);

    default:
      g_return_val_if_reached (NULL);
    }

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "“%s” is not a valid %s", text, tether_x2go_value_kind_name (kind));
  return NULL;
}

char *
tether_x2go_value_to_raw (TetherX2goValueKind kind, GVariant *value, gboolean raw_utf8)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (g_variant_is_of_type (value, tether_x2go_value_kind_type (kind)), NULL);

  switch (kind)
    {
    case TETHER_X2GO_VALUE_STRING:
      tether_x2go_ini_encode_string (out, g_variant_get_string (value, NULL), raw_utf8);
      break;

    case TETHER_X2GO_VALUE_INT:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_int32 (value));
      break;

    case TETHER_X2GO_VALUE_BOOL:
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      break;

    case TETHER_X2GO_VALUE_LIST:
      {
        g_autofree const char **items = g_variant_get_strv (value, NULL);

        tether_x2go_ini_encode_list (out, items, raw_utf8);
      }
      break;

    case TETHER_X2GO_VALUE_EXPORT:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        GVariantIter iter;
        const char *path;
        gboolean autoshare;

        g_variant_iter_init (&iter, value);
        while (g_variant_iter_next (&iter, "{&sb}", &path, &autoshare))
          g_string_append_printf (text, "%s:%d;", path, autoshare ? 1 : 0);
        if (text->len > 0)
          tether_x2go_ini_encode_string (out, text->str, raw_utf8);
      }
      break;

    default:
      g_string_free (out, TRUE);
      g_return_val_if_reached (NULL);
    }
  return g_string_free (out, FALSE);
}
