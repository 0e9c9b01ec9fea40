/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON writer of `tether x2go --json` (tools/tether-x2go-json.c). */
#include "config.h"

#include <string.h>

#include "../../../tools/tether-x2go-json.h"
#include "tether-test-utils.h"

typedef struct {
  const char *in;
  const char *out;
} Case;

static void
test_json_strings (void)
{
  static const Case cases[] = {
    { "", "\"\"" },
    { "plain", "\"plain\"" },
    { "a\"b", "\"a\\\"b\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "tab\there", "\"tab\\there\"" },
    { "nl\ncr\rbs\bff\f", "\"nl\\ncr\\rbs\\bff\\f\"" },
    { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
    { "slash/kept", "\"slash/kept\"" },
    { "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                         /* valid UTF-8 kept */
    { "\xe2\x80\xa8", "\"\\u2028\"" },                            /* line separator */
    { "bad\xff", "\"bad\xef\xbf\xbd\"" },                         /* invalid byte */
    { "cut\xc3", "\"cut\xef\xbf\xbd\"" },                         /* truncated sequence */
    { "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },               /* overlong form */
    { "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" }, /* surrogate */
    { "</script>", "\"</script>\"" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      tether_json_append_string (out, cases[i].in);
      g_assert_cmpstr (out->str, ==, cases[i].out);
      g_assert_true (g_utf8_validate (out->str, -1, NULL));
    }
}

static void
test_json_structure (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  TetherJsonWriter w;

  tether_json_writer_init (&w, out);
  tether_json_begin_array (&w);
  tether_json_begin_object (&w);
  tether_json_key (&w, "server");
  tether_json_string (&w, "h\"1");
  tether_json_key (&w, "port");
  tether_json_int (&w, 2222);
  tether_json_key (&w, "neg");
  tether_json_int (&w, -5);
  tether_json_key (&w, "ok");
  tether_json_bool (&w, TRUE);
  tether_json_key (&w, "no");
  tether_json_bool (&w, FALSE);
  tether_json_key (&w, "nothing");
  tether_json_null (&w);
  tether_json_key (&w, "missing");
  tether_json_string (&w, NULL);
  tether_json_key (&w, "sessions");
  tether_json_begin_array (&w);
  tether_json_end_array (&w);
  tether_json_key (&w, "nested");
  tether_json_begin_array (&w);
  tether_json_int (&w, 1);
  tether_json_begin_object (&w);
  tether_json_end_object (&w);
  tether_json_string (&w, "x");
  tether_json_end_array (&w);
  tether_json_end_object (&w);
  tether_json_begin_object (&w);
  tether_json_end_object (&w);
  tether_json_end_array (&w);
  g_assert_cmpstr (out->str, ==,
                   "[{\"server\":\"h\\\"1\",\"port\":2222,\"neg\":-5,\"ok\":true,\"no\":false,"
                   "\"nothing\":null,\"missing\":null,\"sessions\":[],\"nested\":[1,{},\"x\"]},{}]");
  g_assert_cmpuint (w.depth, ==, 0);
}

static void
test_json_every_byte (void)
{
  /* Every single byte as a string: valid UTF-8 out, quotes balanced, no raw
   * control characters. */
  for (int b = 1; b < 256; b++)
    {
      char in[2] = { (char) b, 0 };
      g_autoptr(GString) out = g_string_new (NULL);

      tether_json_append_string (out, in);
      g_assert_true (g_utf8_validate (out->str, -1, NULL));
      g_assert_cmpint (out->str[0], ==, '"');
      g_assert_cmpint (out->str[out->len - 1], ==, '"');
      for (gsize i = 0; i < out->len; i++)
        g_assert_cmpint ((guchar) out->str[i], >=, 0x20);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/client/json/strings", test_json_strings);
  g_test_add_func ("/x2go/client/json/structure", test_json_structure);
  g_test_add_func ("/x2go/client/json/every-byte", test_json_every_byte);
  return g_test_run ();
}
