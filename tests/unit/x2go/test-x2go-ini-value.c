/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed values of x2goclient's INI files. */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-ini-value-private.h"
#include "tether-x2go-profile-keys-private.h"
#include "tether-test-utils.h"

typedef struct {
  TetherX2goValueKind kind;
  const char         *raw;
  const char         *want;  /* GVariant text form; NULL: not a value of the kind */
} RawVector;

static void
test_value_from_raw (void)
{
  static const RawVector vectors[] = {
    { TETHER_X2GO_VALUE_BOOL, "true", "true" },
    { TETHER_X2GO_VALUE_BOOL, "false", "false" },
    { TETHER_X2GO_VALUE_BOOL, "1", "true" },
    { TETHER_X2GO_VALUE_BOOL, "0", "false" },
    { TETHER_X2GO_VALUE_BOOL, "Yes", "true" },
    { TETHER_X2GO_VALUE_BOOL, "OFF", "false" },
    { TETHER_X2GO_VALUE_BOOL, " on ", "true" },
    { TETHER_X2GO_VALUE_BOOL, "\"true\"", "true" },
    { TETHER_X2GO_VALUE_BOOL, "maybe", NULL },
    { TETHER_X2GO_VALUE_BOOL, "", NULL },
    { TETHER_X2GO_VALUE_BOOL, "2", NULL },
    { TETHER_X2GO_VALUE_INT, "22", "22" },
    { TETHER_X2GO_VALUE_INT, "-5", "-5" },
    { TETHER_X2GO_VALUE_INT, " 4713 ", "4713" },
    { TETHER_X2GO_VALUE_INT, "2147483647", "2147483647" },
    { TETHER_X2GO_VALUE_INT, "2147483648", NULL },
    { TETHER_X2GO_VALUE_INT, "0x10", NULL },
    { TETHER_X2GO_VALUE_INT, "12abc", NULL },
    { TETHER_X2GO_VALUE_INT, "", NULL },
    { TETHER_X2GO_VALUE_STRING, "\"a;b\"", "'a;b'" },
    { TETHER_X2GO_VALUE_STRING, "a, b", "'a, b'" },
    { TETHER_X2GO_VALUE_STRING, "caf\\xe9", "'café'" },
    { TETHER_X2GO_VALUE_LIST, "a, b,c", "['a', 'b', 'c']" },
    { TETHER_X2GO_VALUE_LIST, "single", "['single']" },
    { TETHER_X2GO_VALUE_LIST, "", "@as []" },
    { TETHER_X2GO_VALUE_LIST, "\"a,b\", c", "['a,b', 'c']" },
    { TETHER_X2GO_VALUE_LIST, "['x.example.org', \"y\"]", "['x.example.org', 'y']" },
    { TETHER_X2GO_VALUE_LIST, "[ 'a\\'b' ]", "[\"a'b\"]" },
    { TETHER_X2GO_VALUE_LIST, "[]", "@as []" },
    { TETHER_X2GO_VALUE_LIST, "[not, python]", "['[not', 'python]']" },
    { TETHER_X2GO_VALUE_EXPORT, "\"/home/a:1;/home/b:0;\"", "{'/home/a': true, '/home/b': false}" },
    { TETHER_X2GO_VALUE_EXPORT, "/home/a:1;/home/b:0;", "{'/home/a': true, '/home/b': false}" },
    { TETHER_X2GO_VALUE_EXPORT, "\"/home/a,/home/b:0\"", "{'/home/a': true, '/home/b': false}" },
    { TETHER_X2GO_VALUE_EXPORT, "C:\\\\Users\\\\x:1", "{'C:\\\\Users\\\\x': true}" },
    { TETHER_X2GO_VALUE_EXPORT, "\"c:/dir:0;\"", "{'c:/dir': false}" },
    { TETHER_X2GO_VALUE_EXPORT, "\"/a:1;/a:0;/b:1\"", "{'/a': false, '/b': true}" },
    { TETHER_X2GO_VALUE_EXPORT, "", "@a{sb} {}" },
    { TETHER_X2GO_VALUE_EXPORT, "{}", "@a{sb} {}" },
    { TETHER_X2GO_VALUE_EXPORT, "\"\"", "@a{sb} {}" },
    { TETHER_X2GO_VALUE_EXPORT, "\";;/x:2;\"", "{'/x:2': true}" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      const RawVector *v = &vectors[k];
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) value = tether_x2go_value_from_raw (v->kind, v->raw, &error);

      g_autofree char *shown = g_strescape (v->raw, NULL);

      g_test_message ("vector %" G_GSIZE_FORMAT ": %s", k, shown);
      if (v->want == NULL)
        {
          g_assert_null (value);
          g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
        }
      else
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_true (g_variant_is_of_type (value, tether_x2go_value_kind_type (v->kind)));
          g_assert_false (g_variant_is_floating (value));
          text = g_variant_print (value, TRUE);
          g_assert_cmpstr (text, ==, v->want);
        }
    }
}

typedef struct {
  TetherX2goValueKind kind;
  const char         *value;  /* GVariant text form */
  const char         *raw;
} ToRawVector;

static void
test_value_to_raw (void)
{
  static const ToRawVector vectors[] = {
    { TETHER_X2GO_VALUE_BOOL, "true", "true" },
    { TETHER_X2GO_VALUE_BOOL, "false", "false" },
    { TETHER_X2GO_VALUE_INT, "-17", "-17" },
    { TETHER_X2GO_VALUE_STRING, "'a;b'", "\"a;b\"" },
    { TETHER_X2GO_VALUE_STRING, "'@x'", "@@x" },
    { TETHER_X2GO_VALUE_LIST, "['a', 'b c', 'd,e']", "a, b c, \"d,e\"" },
    { TETHER_X2GO_VALUE_LIST, "@as []", "" },
    { TETHER_X2GO_VALUE_EXPORT, "{'/home/a': true, '/home/b': false}", "\"/home/a:1;/home/b:0;\"" },
    { TETHER_X2GO_VALUE_EXPORT, "@a{sb} {}", "" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      const ToRawVector *v = &vectors[k];
      g_autoptr(GVariant) value = g_variant_parse (tether_x2go_value_kind_type (v->kind),
                                                   v->value, NULL, NULL, NULL);
      g_autofree char *raw = NULL;
      g_autoptr(GVariant) back = NULL;

      g_assert_nonnull (value);
      raw = tether_x2go_value_to_raw (v->kind, value, FALSE);
      g_assert_cmpstr (raw, ==, v->raw);
      back = tether_x2go_value_from_raw (v->kind, raw, NULL);
      g_assert_true (g_variant_equal (back, value));
    }
}

static void
test_value_from_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = tether_x2go_value_from_text (TETHER_X2GO_VALUE_LIST, " a , b,, c ", NULL);
  g_autoptr(GVariant) export = tether_x2go_value_from_text (TETHER_X2GO_VALUE_EXPORT,
                                                            "/srv/a:1;/srv/b:0", NULL);
  g_autoptr(GVariant) flag = tether_x2go_value_from_text (TETHER_X2GO_VALUE_BOOL, "yes", NULL);
  g_autoptr(GVariant) num = tether_x2go_value_from_text (TETHER_X2GO_VALUE_INT, "3389", NULL);
  g_autoptr(GVariant) str = tether_x2go_value_from_text (TETHER_X2GO_VALUE_STRING, "\"as is\"", NULL);
  g_autofree char *list_s = g_variant_print (list, FALSE);
  g_autofree char *export_s = g_variant_print (export, FALSE);

  g_assert_cmpstr (list_s, ==, "['a', 'b', 'c']");
  g_assert_cmpstr (export_s, ==, "{'/srv/a': true, '/srv/b': false}");
  g_assert_true (g_variant_get_boolean (flag));
  g_assert_cmpint (g_variant_get_int32 (num), ==, 3389);
  g_assert_cmpstr (g_variant_get_string (str, NULL), ==, "\"as is\"");

  g_assert_null (tether_x2go_value_from_text (TETHER_X2GO_VALUE_INT, "lots", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tether_x2go_value_from_text (TETHER_X2GO_VALUE_BOOL, "perhaps", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tether_x2go_value_from_text (TETHER_X2GO_VALUE_STRING, "\xff", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Every default in the key table reads as its kind. */
static void
test_value_key_table (void)
{
  gsize n;
  const TetherX2goProfileKey *keys = tether_x2go_profile_keys (&n);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >=, 68);
  for (gsize k = 0; k < n; k++)
    {
      g_autoptr(GVariant) def = tether_x2go_profile_key_default (&keys[k]);

      g_assert_true (g_hash_table_add (seen, (gpointer) keys[k].key));
      g_assert_true (g_variant_is_of_type (def, tether_x2go_value_kind_type (keys[k].kind)));
      g_assert_true (tether_x2go_profile_key_lookup (keys[k].key) == &keys[k]);
    }
  g_assert_null (tether_x2go_profile_key_lookup ("nonsense"));
  /* A few defaults from python-x2go's table. */
  {
    g_autoptr(GVariant) port = tether_x2go_profile_key_default (tether_x2go_profile_key_lookup ("sshport"));
    g_autoptr(GVariant) rootless = tether_x2go_profile_key_default (tether_x2go_profile_key_lookup ("rootless"));
    g_autoptr(GVariant) apps = tether_x2go_profile_key_default (tether_x2go_profile_key_lookup ("applications"));
    g_autoptr(GVariant) user = tether_x2go_profile_key_default (tether_x2go_profile_key_lookup ("user"));
    g_autofree char *apps_s = g_variant_print (apps, FALSE);

    g_assert_cmpint (g_variant_get_int32 (port), ==, 22);
    g_assert_true (g_variant_get_boolean (rootless));
    g_assert_cmpstr (apps_s, ==, "['WWWBROWSER', 'MAILCLIENT', 'OFFICE', 'TERMINAL']");
    g_assert_cmpstr (g_variant_get_string (user, NULL), ==, g_get_user_name ());
  }
}

typedef struct {
  const char *in;
  const char *out;
} JsonVector;

static void
test_value_json_escape (void)
{
  static const JsonVector vectors[] = {
    { "plain", "\"plain\"" },
    { "", "\"\"" },
    { "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
    { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
    { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
    { "café €", "\"café €\"" },
    { "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"" },
    { "bad\xff\xfe", "\"bad\\ufffd\\ufffd\"" },
    { "cut\xe2\x82", "\"cut\\ufffd\\ufffd\"" },
  };
  g_autoptr(GVariant) export = g_variant_ref_sink (g_variant_new_parsed ("{'/a\"': true, '/b': false}"));
  g_autoptr(GVariant) list = g_variant_ref_sink (g_variant_new_parsed ("['x', 'y\\n']"));
  g_autoptr(GVariant) other = g_variant_ref_sink (g_variant_new_double (1.0));
  g_autoptr(GString) out = g_string_new (NULL);

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      g_string_truncate (out, 0);
      tether_x2go_json_append_string (out, vectors[k].in);
      g_assert_cmpstr (out->str, ==, vectors[k].out);
    }
  g_string_truncate (out, 0);
  g_assert_true (tether_x2go_json_append_value (out, export));
  g_assert_cmpstr (out->str, ==, "{\"/a\\\"\": true, \"/b\": false}");
  g_string_truncate (out, 0);
  g_assert_true (tether_x2go_json_append_value (out, list));
  g_assert_cmpstr (out->str, ==, "[\"x\", \"y\\n\"]");
  g_assert_false (tether_x2go_json_append_value (out, other));
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/ini-value/from-raw", test_value_from_raw);
  g_test_add_func ("/x2go/ini-value/to-raw", test_value_to_raw);
  g_test_add_func ("/x2go/ini-value/from-text", test_value_from_text);
  g_test_add_func ("/x2go/ini-value/key-table", test_value_key_table);
  g_test_add_func ("/x2go/ini-value/json-escape", test_value_json_escape);

  return g_test_run ();
}
