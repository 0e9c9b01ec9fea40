/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The QSettings INI layer: parsing, Qt's codecs, editing, atomic writes. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-ini-private.h"
#include "tether-test-utils.h"

/* ---- helpers ------------------------------------------------------------ */

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

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tether-ini-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static TetherX2goIni *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  TetherX2goIni *ini = tether_x2go_ini_parse (text, strlen (text), "test.ini", &error);

  g_assert_no_error (error);
  g_assert_nonnull (ini);
  return ini;
}

static char *
to_text (TetherX2goIni *ini)
{
  gsize len;
  char *data = tether_x2go_ini_to_data (ini, &len);

  g_assert_cmpuint (strlen (data), ==, len);
  return data;
}

/* A realistic x2goclient file (Qt writes key=value, true/false, quotes). */
static const char qt_sessions[] =
  "[20231121151120123]\n"
  "name=Office desktop\n"
  "host=x2gosrv01.example.org\n"
  "sshport=22\n"
  "user=jdoe\n"
  "autologin=true\n"
  "command=XFCE\n"
  "rootless=false\n"
  "export=\"/home/jdoe/Documents:1;/home/jdoe/Music:0;\"\n"
  "sessiontitle=\"Caf\\xe9 \\\"Noir\\\"\"\n"
  "applications=WWWBROWSER, MAILCLIENT, OFFICE, TERMINAL\n"
  "icon=:icons/128x128/x2gosession.png\n"
  "\n"
  "[20231121151301456]\n"
  "name=Build box\n"
  "host=build.example.org\n"
  "speed=4\n"
  "fullscreen=true\n"
  "\n"
  "[embedded]\n"
  "startembed=false\n";

/* python-x2go writes with configparser: "key = value", 1/0. */
static const char python_sessions[] =
  "[20231121151120123456]\n"
  "name = Python profile\n"
  "host = a.example.org,b.example.org\n"
  "sshport = 2222\n"
  "autologin = 1\n"
  "export = \"/srv/share:1;\"\n"
  "applications = WWWBROWSER, MAILCLIENT, OFFICE, TERMINAL\n"
  "\n";

/* ---- parsing ------------------------------------------------------------ */

static void
test_ini_parse_basic (void)
{
  g_autoptr(TetherX2goIni) ini = parse_ok (qt_sessions);
  g_auto(GStrv) sections = tether_x2go_ini_get_sections (ini);
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, "20231121151301456");
  g_auto(GStrv) apps = tether_x2go_ini_get_list (ini, "20231121151120123", "applications");
  g_auto(GStrv) hosts = tether_x2go_ini_get_list (ini, "20231121151120123", "host");
  g_autofree char *title = tether_x2go_ini_get_string (ini, "20231121151120123", "sessiontitle");
  g_autofree char *export = tether_x2go_ini_get_string (ini, "20231121151120123", "export");
  const char *const want_sections[] = { "20231121151120123", "20231121151301456", "embedded", NULL };
  const char *const want_keys[] = { "name", "host", "speed", "fullscreen", NULL };
  const char *const want_apps[] = { "WWWBROWSER", "MAILCLIENT", "OFFICE", "TERMINAL", NULL };

  g_assert_cmpstrv (sections, want_sections);
  g_assert_cmpstrv (keys, want_keys);
  g_assert_cmpstrv (apps, want_apps);
  g_assert_cmpuint (g_strv_length (hosts), ==, 1);
  g_assert_cmpstr (hosts[0], ==, "x2gosrv01.example.org");
  g_assert_cmpstr (title, ==, "Café \"Noir\"");
  g_assert_cmpstr (export, ==, "/home/jdoe/Documents:1;/home/jdoe/Music:0;");
  g_assert_cmpstr (tether_x2go_ini_get_raw (ini, "20231121151120123", "export"), ==,
                   "\"/home/jdoe/Documents:1;/home/jdoe/Music:0;\"");
  g_assert_true (tether_x2go_ini_has_section (ini, "embedded"));
  g_assert_false (tether_x2go_ini_has_section (ini, "missing"));
  g_assert_false (tether_x2go_ini_has_key (ini, "embedded", "name"));
  g_assert_null (tether_x2go_ini_get_string (ini, "embedded", "name"));
  g_assert_null (tether_x2go_ini_get_keys (ini, "missing"));
  /* Only ASCII in the file: new non-ASCII text is written as Qt does. */
  g_assert_false (tether_x2go_ini_get_raw_utf8 (ini));
}

static void
test_ini_parse_python (void)
{
  g_autoptr(TetherX2goIni) ini = parse_ok (python_sessions);
  g_autofree char *name = tether_x2go_ini_get_string (ini, "20231121151120123456", "name");
  g_autofree char *hosts_s = tether_x2go_ini_get_string (ini, "20231121151120123456", "host");
  g_auto(GStrv) hosts = tether_x2go_ini_get_list (ini, "20231121151120123456", "host");
  const char *const want_hosts[] = { "a.example.org", "b.example.org", NULL };

  g_assert_cmpstr (name, ==, "Python profile");
  g_assert_cmpstr (hosts_s, ==, "a.example.org,b.example.org");
  g_assert_cmpstrv (hosts, want_hosts);
  g_assert_cmpstr (tether_x2go_ini_get_raw (ini, "20231121151120123456", "sshport"), ==, "2222");
}

static void
test_ini_parse_general (void)
{
  /* Keys before any section, [General] in any case and [%General] are one
   * section, Qt's root group; a comment with '#' is kept and skipped. */
  static const char text[] =
    "top=1\n"
    "# a comment\n"
    "[general]\n"
    "middle=2\n"
    "[%General]\n"
    "bottom=3\n";
  g_autoptr(TetherX2goIni) ini = parse_ok (text);
  g_auto(GStrv) sections = tether_x2go_ini_get_sections (ini);
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, "General");
  const char *const want_keys[] = { "top", "middle", "bottom", NULL };
  g_autofree char *out = to_text (ini);

  g_assert_cmpuint (g_strv_length (sections), ==, 1);
  g_assert_cmpstr (sections[0], ==, "General");
  g_assert_cmpstrv (keys, want_keys);
  g_assert_cmpstr (out, ==, text);
}

static void
test_ini_parse_duplicates (void)
{
  /* Qt merges a section that appears twice; the last value of a key wins.
   * Both blocks stay in the file; no profile is lost. */
  static const char text[] =
    "[p1]\n"
    "name=one\n"
    "host=h1\n"
    "\n"
    "[p2]\n"
    "name=two\n"
    "\n"
    "[p1]\n"
    "host=h1b\n"
    "extra=x\n"
    "host=h1c\n";
  g_autoptr(TetherX2goIni) ini = parse_ok (text);
  g_auto(GStrv) sections = tether_x2go_ini_get_sections (ini);
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, "p1");
  const char *const want_sections[] = { "p1", "p2", NULL };
  const char *const want_keys[] = { "name", "host", "extra", NULL };
  g_autofree char *host = tether_x2go_ini_get_string (ini, "p1", "host");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *name2 = NULL;

  g_assert_cmpstrv (sections, want_sections);
  g_assert_cmpstrv (keys, want_keys);
  g_assert_cmpstr (host, ==, "h1c");
  out = to_text (ini);
  g_assert_cmpstr (out, ==, text);

  /* Setting changes the line that counts. */
  tether_x2go_ini_set_string (ini, "p1", "host", "new");
  g_clear_pointer (&host, g_free);
  host = tether_x2go_ini_get_string (ini, "p1", "host");
  g_assert_cmpstr (host, ==, "new");
  g_clear_pointer (&out, g_free);
  out = to_text (ini);
  g_assert_nonnull (strstr (out, "host=h1\n"));
  g_assert_true (g_str_has_suffix (out, "host=new\n"));

  /* Removing the section removes both blocks and keeps the others. */
  g_assert_true (tether_x2go_ini_remove_section (ini, "p1"));
  g_assert_false (tether_x2go_ini_has_section (ini, "p1"));
  out2 = to_text (ini);
  g_assert_cmpstr (out2, ==, "[p2]\nname=two\n\n");
  name2 = tether_x2go_ini_get_string (ini, "p2", "name");
  g_assert_cmpstr (name2, ==, "two");
}

/* Untouched files come out byte for byte. */
static void
test_ini_roundtrip_untouched (void)
{
  static const char *const inputs[] = {
    qt_sessions,
    python_sessions,
    "",
    "\n\n",
    "[a]\r\nk=v\r\n\r\n[b]\r\nx=\"1,2\"\r\n",
    "\xef\xbb\xbf[a]\nk=v\n",
    "[a]\nk=v",                                   /* no final line break */
    "; comment first\n  [ spaced ]  ; trailing\n\tk = v ; inline\n",
    "[a]\nk=\"a;b\" ; comment \"with\" quotes\n",
    "[a]\nlong=first\\\nsecond\n",               /* Qt's line continuation */
    "[a]\rk=v\r",                                 /* old Mac line breaks */
    "[odd%20name]\nkey%3D=1\n",
    "[a]\nv=@ByteArray(\\0\\x1\\xff)\nw=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\nQByteArray)\n",
    "[a]\nk=caf\xc3\xa9\n",
    "[a]\nk=caf\xe9\n",
  };

  for (gsize k = 0; k < G_N_ELEMENTS (inputs); k++)
    {
      g_autoptr(TetherX2goIni) ini = parse_ok (inputs[k]);
      g_autofree char *out = to_text (ini);

      g_assert_cmpstr (out, ==, inputs[k]);
    }
}

static void
test_ini_parse_continuation (void)
{
  g_autoptr(TetherX2goIni) ini = parse_ok ("[a]\nlong=first \\\n  second\nnext=1\n");
  g_autofree char *v = tether_x2go_ini_get_string (ini, "a", "long");
  g_autofree char *n = tether_x2go_ini_get_string (ini, "a", "next");

  /* As Qt: the backslash-newline goes, the blanks of the next line stay. */
  g_assert_cmpstr (v, ==, "first   second");
  g_assert_cmpstr (n, ==, "1");
}

static void
test_ini_parse_encodings (void)
{
  g_autoptr(TetherX2goIni) utf8 = parse_ok ("[a]\nk=caf\xc3\xa9\n");
  g_autoptr(TetherX2goIni) latin1 = parse_ok ("[a]\nk=caf\xe9\n");
  g_autoptr(TetherX2goIni) bom = parse_ok ("\xef\xbb\xbf[a]\nk=v\n");
  g_autofree char *v1 = tether_x2go_ini_get_string (utf8, "a", "k");
  g_autofree char *v2 = tether_x2go_ini_get_string (latin1, "a", "k");

  g_assert_cmpstr (v1, ==, "café");
  g_assert_cmpstr (v2, ==, "café");
  /* Raw UTF-8 in the file (python-x2go, editors) or a BOM: new text is
   * written as UTF-8; Latin-1 bytes are no evidence of UTF-8. */
  g_assert_true (tether_x2go_ini_get_raw_utf8 (utf8));
  g_assert_false (tether_x2go_ini_get_raw_utf8 (latin1));
  g_assert_true (tether_x2go_ini_get_raw_utf8 (bom));
  g_assert_true (tether_x2go_ini_has_key (bom, "a", "k"));
}

/* ---- errors ------------------------------------------------------------- */

typedef struct {
  const char *text;
  gsize       len;      /* 0: strlen */
  guint       line;
  const char *what;
} BadVector;

static void
test_ini_errors (void)
{
  static const BadVector vectors[] = {
    { "[a]\nname=\"unterminated\n[b]\nk=v\n", 0, 2, "unterminated quoted string" },
    { "[a]\nk=v\njust some words\n", 0, 3, "expected" },
    { "[a]\n=value\n", 0, 2, "empty key" },
    { "[a]\n   = value\n", 0, 2, "empty key" },
    { "[a\nk=v\n", 0, 1, "without ']'" },
    { "[a] junk\n", 0, 1, "text after the section header" },
    { "[ ]\n", 0, 1, "empty section name" },
    { "[a]\nk=v\x01w\n", 0, 2, "control character 0x01" },
    { "[a]\nk=v\x7f\n", 0, 2, "control character 0x7f" },
    { "[a]\n; c\x1b[0m\n", 0, 2, "control character 0x1b" },
    { "[a]\nk;x=v\n", 0, 2, "expected" },
    { "[a]\r\nok=1\r\nk=\"open\r\n", 0, 3, "unterminated quoted string" },
    { "[a]\nk=\"open", 0, 2, "unterminated quoted string" },
    { "[a]\nk=one\\\ntwo \"open\n", 0, 3, "unterminated quoted string" },
    { "[a]\nk=v\0w\n", 10, 2, "NUL byte" },
    { "\0\0\0\0", 4, 1, "NUL byte" },
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, 1, "expected" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      const BadVector *v = &vectors[k];
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strdup_printf ("bad.ini:%u: ", v->line);
      TetherX2goIni *ini = tether_x2go_ini_parse (v->text, v->len ? v->len : strlen (v->text),
                                                  "bad.ini", &error);

      g_test_message ("vector %" G_GSIZE_FORMAT ": %s", k, error ? error->message : "(none)");
      g_assert_null (ini);
      g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strstr (error->message, v->what));
    }
}

static void
test_ini_errors_caps (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("[a]\nk=");
  TetherX2goIni *ini;

  /* A huge line. */
  for (guint k = 0; k < TETHER_X2GO_INI_MAX_LINE_LENGTH; k++)
    g_string_append_c (text, 'x');
  g_string_append_c (text, '\n');
  ini = tether_x2go_ini_parse (text->str, text->len, "big.ini", &error);
  g_assert_null (ini);
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_true (g_str_has_prefix (error->message, "big.ini:2: line longer than"));
  g_clear_error (&error);

  /* A huge comment line too. */
  g_string_assign (text, "[a]\n;");
  for (guint k = 0; k < TETHER_X2GO_INI_MAX_LINE_LENGTH; k++)
    g_string_append_c (text, 'x');
  ini = tether_x2go_ini_parse (text->str, text->len, "big.ini", &error);
  g_assert_null (ini);
  g_assert_true (g_str_has_prefix (error->message, "big.ini:2: line longer than"));
  g_clear_error (&error);

  /* Too many sections. */
  g_string_truncate (text, 0);
  for (guint k = 0; k <= TETHER_X2GO_INI_MAX_SECTIONS; k++)
    g_string_append_printf (text, "[s%u]\n", k);
  ini = tether_x2go_ini_parse (text->str, text->len, "many.ini", &error);
  g_assert_null (ini);
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, "more than"));
  g_clear_error (&error);

  /* Too large a file, before anything is looked at. */
  ini = tether_x2go_ini_parse (text->str, (gsize) TETHER_X2GO_INI_MAX_FILE_SIZE + 1,
                               "huge.ini", &error);
  g_assert_null (ini);
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

/* Every prefix of a valid file either parses, and then comes out byte for
 * byte, or fails cleanly with a line number. */
static void
test_ini_prefixes (void)
{
  static const char *const inputs[] = {
    qt_sessions,
    python_sessions,
    "\xef\xbb\xbf[a]\r\nk=\"x;y\" ; c\r\nl=one\\\r\ntwo\r\n",
  };

  for (gsize k = 0; k < G_N_ELEMENTS (inputs); k++)
    {
      gsize len = strlen (inputs[k]);

      for (gsize n = 0; n <= len; n++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TetherX2goIni) ini = tether_x2go_ini_parse (inputs[k], n, "p.ini", &error);

          if (ini == NULL)
            {
              g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
              g_assert_true (g_str_has_prefix (error->message, "p.ini:"));
            }
          else
            {
              gsize out_len;
              g_autofree char *out = tether_x2go_ini_to_data (ini, &out_len);

              g_assert_no_error (error);
              g_assert_cmpmem (out, out_len, inputs[k], n);
            }
        }
    }
}

/* Random bytes and random edits of a valid file: never a crash. */
static void
test_ini_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  gsize qt_len = strlen (qt_sessions);

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree guint8 *buf = NULL;
      gsize len;
      g_autoptr(GError) error = NULL;
      g_autoptr(TetherX2goIni) ini = NULL;

      if (round % 2 == 0)
        {
          len = g_rand_int_range (rand, 0, 200);
          buf = g_malloc (len + 1);
          for (gsize k = 0; k < len; k++)
            buf[k] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      else
        {
          len = qt_len;
          buf = (guint8 *) g_strdup (qt_sessions);
          for (guint e = 0; e < 3; e++)
            buf[g_rand_int_range (rand, 0, (gint32) len)] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      ini = tether_x2go_ini_parse ((const char *) buf, len, "g.ini", &error);
      if (ini == NULL)
        {
          g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
          continue;
        }
      {
        gsize out_len;
        g_autofree char *out = tether_x2go_ini_to_data (ini, &out_len);
        g_auto(GStrv) sections = tether_x2go_ini_get_sections (ini);

        g_assert_cmpmem (out, out_len, buf, len);
        for (gsize s = 0; sections[s] != NULL; s++)
          {
            g_auto(GStrv) keys = tether_x2go_ini_get_keys (ini, sections[s]);

            g_assert_true (g_utf8_validate (sections[s], -1, NULL));
            for (gsize k = 0; keys[k] != NULL; k++)
              {
                g_autofree char *v = tether_x2go_ini_get_string (ini, sections[s], keys[k]);
                g_auto(GStrv) l = tether_x2go_ini_get_list (ini, sections[s], keys[k]);

                g_assert_true (g_utf8_validate (keys[k], -1, NULL));
                g_assert_true (g_utf8_validate (v, -1, NULL));
                for (gsize i = 0; l[i] != NULL; i++)
                  g_assert_true (g_utf8_validate (l[i], -1, NULL));
              }
          }
      }
    }
}

/* ---- the value codec ---------------------------------------------------- */

typedef struct {
  const char *raw;
  const char *as_string;
  const char *as_list;   /* items joined with '|'; "" for none */
} DecodeVector;

static void
test_ini_decode_vectors (void)
{
  /* Written by hand as Qt 5 writes (and reads) them. */
  static const DecodeVector vectors[] = {
    { "plain", "plain", "plain" },
    { "", "", "" },
    { "  spaced  ", "spaced", "spaced" },
    { "\"  spaced  \"", "  spaced  ", "  spaced  " },
    { "\"a,b\"", "a,b", "a,b" },
    { "a, b", "a, b", "a|b" },
    { "a,b , c", "a,b , c", "a|b|c" },
    { "\"x, y\", z", "x, y, z", "x, y|z" },
    { "a,", "a,", "a|" },
    { ",", ",", "|" },
    { "\"/home/jdoe/Documents:1;/home/jdoe/Music:0;\"",
      "/home/jdoe/Documents:1;/home/jdoe/Music:0;", "/home/jdoe/Documents:1;/home/jdoe/Music:0;" },
    { "\\\"quoted\\\"", "\"quoted\"", "\"quoted\"" },
    { "C:\\\\dir\\\\", "C:\\dir\\", "C:\\dir\\" },
    { "line1\\nline2\\ttab\\r\\a\\b\\f\\v", "line1\nline2\ttab\r\a\b\f\v",
      "line1\nline2\ttab\r\a\b\f\v" },
    { "\\?\\'", "?'", "?'" },
    { "caf\\xe9", "café", "café" },
    { "\\xd83d\\xde00!", "😀!", "😀!" },
    { "\\x41\\x42C", "A\xd0\xac", "A\xd0\xac" },  /* hex runs on: U+042C */
    { "\\x0041", "A", "A" },
    { "\\x1\\x32", "\x01" "2", "\x01" "2" },
    { "\\101\\60", "A0", "A0" },
    { "a\\qb", "ab", "ab" },
    { "a\\xzb", "azb", "azb" },
    { "\\0", "\xef\xbf\xbd", "\xef\xbf\xbd" },
    { "\\xdc00x", "\xef\xbf\xbdx", "\xef\xbf\xbdx" },
    { "\\xd800", "\xef\xbf\xbd", "\xef\xbf\xbd" },
    { "\"a\"  \"b\"", "ab", "ab" },
    { "\"a\" tail ", "atail ", "atail " },  /* quoted: no chop */
    { "@@at", "@at", "@at" },
    { "@String(text)", "text", "text" },
    { "@Invalid()", "", "" },
    { "@ByteArray(abc)", "@ByteArray(abc)", "@ByteArray(abc)" },
    { "@Variant(\\0\\0\\0\\x7f)", "@Variant(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x7f)",
      "@Variant(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x7f)" },
    { "@Rect(0 0 10 20)", "@Rect(0 0 10 20)", "@Rect(0 0 10 20)" },
    { "@@a, @@b", "@a, @@b", "@a|@b" },
    { "caf\xc3\xa9", "café", "café" },
    { "caf\xe9", "café", "café" },
    { "trailing\\", "trailing", "trailing" },
    { "sp  \\", "sp  ", "sp  " },
    { "one\\\ntwo", "onetwo", "onetwo" },
    { "\\x20lead", " lead", " lead" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      const DecodeVector *v = &vectors[k];
      g_auto(GStrv) s = tether_x2go_ini_decode_value (v->raw, strlen (v->raw), FALSE);
      g_auto(GStrv) l = tether_x2go_ini_decode_value (v->raw, strlen (v->raw), TRUE);
      g_autofree char *joined = g_strjoinv ("|", l);

      g_autofree char *shown = g_strescape (v->raw, NULL);

      g_test_message ("vector %" G_GSIZE_FORMAT ": %s", k, shown);
      g_assert_cmpuint (g_strv_length (s), ==, 1);
      g_assert_cmpstr (s[0], ==, v->as_string);
      g_assert_cmpstr (joined, ==, v->as_list);
    }
}

typedef struct {
  const char *value;
  const char *qt;      /* as Qt 5 without a codec writes it */
  const char *utf8;    /* with raw UTF-8; NULL: same as qt */
} EncodeVector;

static void
test_ini_encode_vectors (void)
{
  static const EncodeVector vectors[] = {
    { "plain", "plain", NULL },
    { "", "", NULL },
    { "a;b", "\"a;b\"", NULL },
    { "a,b", "\"a,b\"", NULL },
    { "k=v", "\"k=v\"", NULL },
    { " lead", "\" lead\"", NULL },
    { "trail ", "\"trail \"", NULL },
    { "in side", "in side", NULL },
    { "say \"hi\"", "say \\\"hi\\\"", NULL },
    { "C:\\dir\\", "C:\\\\dir\\\\", NULL },
    { "l1\nl2\tt\r\a\b\f\v", "l1\\nl2\\tt\\r\\a\\b\\f\\v", NULL },
    { "\x01" "2", "\\x1\\x32", NULL },
    { "\x01" "g", "\\x1g", NULL },
    { "\x7f", "\\x7f", NULL },
    { "café", "caf\\xe9", "café" },
    { "é1", "\\xe9\\x31", "é1" },
    { "😀", "\\xd83d\\xde00", "😀" },
    { "@at", "@@at", NULL },
    { "@ByteArray(x)", "@@ByteArray(x)", NULL },
    { "/home/a:1;/home/b:0;", "\"/home/a:1;/home/b:0;\"", NULL },
    { "-u X2GO_USER -p X2GO_PASSWORD", "-u X2GO_USER -p X2GO_PASSWORD", NULL },
    { "%f 100%", "%f 100%", NULL },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      const EncodeVector *v = &vectors[k];

      for (int raw_utf8 = 0; raw_utf8 <= 1; raw_utf8++)
        {
          g_autoptr(GString) out = g_string_new (NULL);
          g_auto(GStrv) back = NULL;
          const char *want = raw_utf8 && v->utf8 ? v->utf8 : v->qt;

          tether_x2go_ini_encode_string (out, v->value, raw_utf8);
          g_assert_cmpstr (out->str, ==, want);
          /* And back. */
          back = tether_x2go_ini_decode_value (out->str, out->len, FALSE);
          g_assert_cmpstr (back[0], ==, v->value);
        }
    }
}

static void
test_ini_encode_list (void)
{
  const char *const items[] = { "a", "b,c", " d", "e;", NULL };
  const char *const one[] = { "solo", NULL };
  const char *const none[] = { NULL };
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) back = NULL;

  tether_x2go_ini_encode_list (out, items, FALSE);
  g_assert_cmpstr (out->str, ==, "a, \"b,c\", \" d\", \"e;\"");
  back = tether_x2go_ini_decode_value (out->str, out->len, TRUE);
  g_assert_cmpstrv (back, items);
  g_clear_pointer (&back, g_strfreev);

  g_string_truncate (out, 0);
  tether_x2go_ini_encode_list (out, one, FALSE);
  g_assert_cmpstr (out->str, ==, "solo");
  back = tether_x2go_ini_decode_value (out->str, out->len, TRUE);
  g_assert_cmpstrv (back, one);
  g_clear_pointer (&back, g_strfreev);

  g_string_truncate (out, 0);
  tether_x2go_ini_encode_list (out, none, FALSE);
  g_assert_cmpstr (out->str, ==, "");
  back = tether_x2go_ini_decode_value (out->str, out->len, TRUE);
  g_assert_cmpstrv (back, none);
}

/* Every ASCII and some other characters survive encode + decode in both
 * modes. */
static void
test_ini_codec_roundtrip_all (void)
{
  GString *all = g_string_new (NULL);

  for (gunichar c = 1; c < 0x80; c++)
    g_string_append_unichar (all, c);
  g_string_append (all, "éß€😀\xe2\x80\xa8");
  for (int raw_utf8 = 0; raw_utf8 <= 1; raw_utf8++)
    {
      /* Each character alone, between others, and the whole set. */
      for (const char *p = all->str; *p != '\0'; p = g_utf8_next_char (p))
        {
          g_autofree char *ch = g_strndup (p, g_utf8_next_char (p) - p);
          g_autofree char *mixed = g_strdup_printf ("%sa%s1%s", ch, ch, ch);
          const char *cases[] = { ch, mixed };

          for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
            {
              g_autoptr(GString) out = g_string_new (NULL);
              g_auto(GStrv) back = NULL;
              g_autoptr(TetherX2goIni) ini = NULL;
              g_autofree char *text = NULL;
              g_autofree char *read = NULL;

              tether_x2go_ini_encode_string (out, cases[k], raw_utf8);
              back = tether_x2go_ini_decode_value (out->str, out->len, FALSE);
              g_assert_cmpstr (back[0], ==, cases[k]);
              /* Also through a whole file. */
              ini = tether_x2go_ini_new ();
              tether_x2go_ini_set_raw_utf8 (ini, raw_utf8);
              tether_x2go_ini_set_string (ini, "s", "k", cases[k]);
              text = to_text (ini);
              g_clear_pointer (&ini, tether_x2go_ini_free);
              ini = parse_ok (text);
              read = tether_x2go_ini_get_string (ini, "s", "k");
              g_assert_cmpstr (read, ==, cases[k]);
            }
        }
      {
        g_autoptr(GString) out = g_string_new (NULL);
        g_auto(GStrv) back = NULL;

        tether_x2go_ini_encode_string (out, all->str, raw_utf8);
        back = tether_x2go_ini_decode_value (out->str, out->len, FALSE);
        g_assert_cmpstr (back[0], ==, all->str);
      }
    }
  g_string_free (all, TRUE);
}

typedef struct {
  const char *raw;
  const char *decoded;
} KeyVector;

static void
test_ini_keys (void)
{
  static const KeyVector vectors[] = {
    { "plain", "plain" },
    { "My%20Profile", "My Profile" },
    { "caf%E9", "café" },
    { "%U20AC", "€" },
    { "%UD83D%UDE00", "😀" },
    { "a\\b", "a/b" },
    { "100%", "100%" },
    { "%zz", "%zz" },
    { "%4", "%4" },
    { "%U12", "%U12" },
    { "%00", "\xef\xbf\xbd" },
    { "raw\xc3\xa9", "rawé" },
    { "raw\xe9", "rawé" },
  };
  static const KeyVector encode[] = {
    { "20231121151120123", "20231121151120123" },
    { "a-b_c.d", "a-b_c.d" },
    { "My Profile", "My%20Profile" },
    { "a/b", "a\\b" },
    { "café", "caf%E9" },
    { "€", "%U20AC" },
    { "😀", "%UD83D%UDE00" },
    { "[x]=;", "%5Bx%5D%3D%3B" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (vectors); k++)
    {
      g_autofree char *key = tether_x2go_ini_decode_key (vectors[k].raw, strlen (vectors[k].raw));

      g_assert_cmpstr (key, ==, vectors[k].decoded);
    }
  for (gsize k = 0; k < G_N_ELEMENTS (encode); k++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *back = NULL;

      tether_x2go_ini_encode_key (out, encode[k].raw);
      g_assert_cmpstr (out->str, ==, encode[k].decoded);
      back = tether_x2go_ini_decode_key (out->str, out->len);
      g_assert_cmpstr (back, ==, encode[k].raw);
    }
}

/* ---- editing ------------------------------------------------------------ */

static void
test_ini_edit (void)
{
  g_autoptr(TetherX2goIni) ini = parse_ok (
    "; head\n"
    "[p1]\n"
    "name = old ; keep me\n"
    "host=h\n"
    "\n"
    "[p2]\n"
    "name=two\n"
    "; tail of p2\n");
  g_autofree char *out = NULL;
  const char *const list[] = { "x", "y z", NULL };

  /* A changed value keeps the key's spelling and the inline comment. */
  tether_x2go_ini_set_string (ini, "p1", "name", "new;name");
  /* A new key goes after the section's last key, before blank lines. */
  tether_x2go_ini_set_string (ini, "p1", "user", "jdoe");
  tether_x2go_ini_set_list (ini, "p2", "applications", list);
  /* A new section goes at the end, after a blank line. */
  tether_x2go_ini_set_raw (ini, "p3", "sshport", "22");
  g_assert_true (tether_x2go_ini_remove_key (ini, "p1", "host"));
  g_assert_false (tether_x2go_ini_remove_key (ini, "p1", "host"));
  g_assert_false (tether_x2go_ini_remove_key (ini, "nope", "host"));
  g_assert_false (tether_x2go_ini_remove_section (ini, "nope"));
  out = to_text (ini);
  g_assert_cmpstr (out, ==,
                   "; head\n"
                   "[p1]\n"
                   "name = \"new;name\" ; keep me\n"
                   "user=jdoe\n"
                   "\n"
                   "[p2]\n"
                   "name=two\n"
                   "applications=x, y z\n"
                   "; tail of p2\n"
                   "\n"
                   "[p3]\n"
                   "sshport=22\n");
  {
    g_autoptr(TetherX2goIni) again = parse_ok (out);
    g_autofree char *name = tether_x2go_ini_get_string (again, "p1", "name");

    g_assert_cmpstr (name, ==, "new;name");
  }
}

static void
test_ini_edit_line_breaks (void)
{
  g_autoptr(TetherX2goIni) crlf = parse_ok ("[a]\r\nk=v\r\n");
  g_autoptr(TetherX2goIni) open_end = parse_ok ("[a]\nk=v");
  g_autoptr(TetherX2goIni) empty = tether_x2go_ini_new ();
  g_autofree char *out1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;

  tether_x2go_ini_set_string (crlf, "a", "n", "1");
  tether_x2go_ini_set_string (crlf, "b", "m", "2");
  out1 = to_text (crlf);
  g_assert_cmpstr (out1, ==, "[a]\r\nk=v\r\nn=1\r\n\r\n[b]\r\nm=2\r\n");

  tether_x2go_ini_set_string (open_end, "a", "n", "1");
  out2 = to_text (open_end);
  g_assert_cmpstr (out2, ==, "[a]\nk=v\nn=1\n");

  tether_x2go_ini_add_section (empty, "General");
  tether_x2go_ini_set_string (empty, "General", "pdfview", "true");
  tether_x2go_ini_add_section (empty, "My Profile");
  out3 = to_text (empty);
  g_assert_cmpstr (out3, ==, "[General]\npdfview=true\n\n[My%20Profile]\n");
}

static void
test_ini_copy_section (void)
{
  g_autoptr(TetherX2goIni) src = parse_ok ("[s]\na=1\nb=\"x,y\"\n");
  g_autoptr(TetherX2goIni) dest = parse_ok ("[s]\nb=mine\n");
  g_autofree char *out = NULL;

  tether_x2go_ini_copy_section (dest, src, "s");
  out = to_text (dest);
  g_assert_cmpstr (out, ==, "[s]\nb=mine\na=1\n");
}

/* ---- files -------------------------------------------------------------- */

static void
test_ini_file_save_load (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sessions", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autoptr(TetherX2goIni) ini = parse_ok (qt_sessions);
  g_autoptr(TetherX2goIni) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  struct stat st;

  g_assert_true (tether_x2go_ini_save_file (ini, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, qt_sessions);
  back = tether_x2go_ini_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (tether_x2go_ini_has_section (back, "embedded"));

  /* Through a symlink: the target is replaced, the link stays. */
  g_assert_cmpint (symlink ("sessions", link), ==, 0);
  tether_x2go_ini_set_string (ini, "embedded", "startembed", "true");
  g_assert_true (tether_x2go_ini_save_file (ini, link, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_clear_pointer (&data, g_free);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_true (g_str_has_suffix (data, "startembed=true\n"));

  rm_rf (dir);
}

static void
test_ini_file_load_errors (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *big = g_build_filename (dir, "big", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  FILE *f;

  g_assert_null (tether_x2go_ini_load_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (tether_x2go_ini_load_file (dir, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_clear_error (&error);

  f = fopen (big, "w");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, TETHER_X2GO_INI_MAX_FILE_SIZE, SEEK_SET), ==, 0);
  fputc ('\n', f);
  fclose (f);
  g_assert_null (tether_x2go_ini_load_file (big, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (bad, "[a]\nk=v\n[b\n", -1, NULL));
  g_assert_null (tether_x2go_ini_load_file (bad, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE);
  prefix = g_strdup_printf ("%s:3: ", bad);
  g_assert_true (g_str_has_prefix (error->message, prefix));

  rm_rf (dir);
}

static char *
big_document (void)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < 2000; k++)
    g_string_append_printf (s, "[p%u]\nname=profile %u\nhost=h%u.example.org\n\n", k, k, k);
  return g_string_free (s, FALSE);
}

/* A write that fails half-way (the file size limit; works as root too)
 * leaves the old file as it was. */
static void
test_ini_file_atomic_failure (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sessions", NULL);
  g_autofree char *big = big_document ();
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit old, small;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_true (tether_x2go_ini_write_atomic (path, qt_sessions, strlen (qt_sessions), &error));
  g_assert_no_error (error);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  small = old;
  small.rlim_cur = 4096;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ok = tether_x2go_ini_write_atomic (path, big, strlen (big), &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_nonnull (error);
  g_test_message ("failed as expected: %s", error->message);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, qt_sessions);

  rm_rf (dir);
}

/* The process dies in the middle of the write: the old file is intact. */
static void
test_ini_file_atomic_crash (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sessions", NULL);
  g_autofree char *big = big_document ();
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goIni) ini = NULL;
  int status = 0;
  pid_t pid;

  g_assert_true (tether_x2go_ini_write_atomic (path, qt_sessions, strlen (qt_sessions), &error));
  g_assert_no_error (error);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit small = { 4096, 4096 };

      /* SIGXFSZ at the default action kills the writer mid-file. */
      signal (SIGXFSZ, SIG_DFL);
      setrlimit (RLIMIT_FSIZE, &small);
      tether_x2go_ini_write_atomic (path, big, strlen (big), NULL);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGXFSZ);

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, qt_sessions);
  ini = tether_x2go_ini_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (tether_x2go_ini_has_section (ini, "20231121151301456"));

  rm_rf (dir);
}

static void
test_ini_file_readonly_dir (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sessions", NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_x2go_ini_write_atomic (path, qt_sessions, strlen (qt_sessions), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  if (access (dir, W_OK) == 0)
    {
      /* root: directory permissions do not stop it. */
      g_chmod (dir, 0700);
      rm_rf (dir);
      g_test_skip ("the directory stays writable for this user (root)");
      return;
    }
  g_assert_false (tether_x2go_ini_write_atomic (path, "x", 1, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
  g_chmod (dir, 0700);
  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  g_assert_cmpstr (data, ==, qt_sessions);
  rm_rf (dir);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/ini/parse/basic", test_ini_parse_basic);
  g_test_add_func ("/x2go/ini/parse/python", test_ini_parse_python);
  g_test_add_func ("/x2go/ini/parse/general", test_ini_parse_general);
  g_test_add_func ("/x2go/ini/parse/duplicates", test_ini_parse_duplicates);
  g_test_add_func ("/x2go/ini/parse/continuation", test_ini_parse_continuation);
  g_test_add_func ("/x2go/ini/parse/encodings", test_ini_parse_encodings);
  g_test_add_func ("/x2go/ini/roundtrip/untouched", test_ini_roundtrip_untouched);
  g_test_add_func ("/x2go/ini/errors/vectors", test_ini_errors);
  g_test_add_func ("/x2go/ini/errors/caps", test_ini_errors_caps);
  g_test_add_func ("/x2go/ini/errors/prefixes", test_ini_prefixes);
  g_test_add_func ("/x2go/ini/errors/garbage", test_ini_garbage);
  g_test_add_func ("/x2go/ini/codec/decode", test_ini_decode_vectors);
  g_test_add_func ("/x2go/ini/codec/encode", test_ini_encode_vectors);
  g_test_add_func ("/x2go/ini/codec/list", test_ini_encode_list);
  g_test_add_func ("/x2go/ini/codec/roundtrip-all", test_ini_codec_roundtrip_all);
  g_test_add_func ("/x2go/ini/codec/keys", test_ini_keys);
  g_test_add_func ("/x2go/ini/edit/values", test_ini_edit);
  g_test_add_func ("/x2go/ini/edit/line-breaks", test_ini_edit_line_breaks);
  g_test_add_func ("/x2go/ini/edit/copy-section", test_ini_copy_section);
  g_test_add_func ("/x2go/ini/file/save-load", test_ini_file_save_load);
  g_test_add_func ("/x2go/ini/file/load-errors", test_ini_file_load_errors);
  g_test_add_func ("/x2go/ini/file/atomic-failure", test_ini_file_atomic_failure);
  g_test_add_func ("/x2go/ini/file/atomic-crash", test_ini_file_atomic_crash);
  g_test_add_func ("/x2go/ini/file/readonly-dir", test_ini_file_readonly_dir);

  return g_test_run ();
}
