/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared code of `tether spice` verbs (tools/tether-spice-common.c): the
 * JSON writer, text escaping, the option table generated from the session's
 * properties, building a session from URI and options, the secrets wiped
 * from argv, the error causes, and the connect helper's failures (no server
 * needed: a refused port and a silent listener).
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tether-spice-common.h"
#include "tether-tool.h"
#include "tether-test-utils.h"
#include "test-spice-session-helpers.h"

/* ---- JSON ------------------------------------------------------------------------ */

typedef struct {
  const char *in;
  gsize       in_len;     /* 0: strlen */
  const char *out;
} EscapeVector;

static const EscapeVector json_vectors[] = {
  { "", 0, "\"\"" },
  { "plain text", 0, "\"plain text\"" },
  { "a\"b", 0, "\"a\\\"b\"" },
  { "back\\slash", 0, "\"back\\\\slash\"" },
  { "\b\f\n\r\t", 0, "\"\\b\\f\\n\\r\\t\"" },
  { "\x01\x1f\x7f", 0, "\"\\u0001\\u001f\\u007f\"" },
  { "caf\xc3\xa9 \xe2\x82\xac", 0, "\"caf\xc3\xa9 \xe2\x82\xac\"" },
  /* Invalid UTF-8: each bad byte becomes U+FFFD. */
  { "a\xff" "b", 0, "\"a\xef\xbf\xbd" "b\"" },
  { "trunc\xc3", 0, "\"trunc\xef\xbf\xbd\"" },
  { "\xed\xa0\x80", 0, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },   /* a UTF-16 surrogate */
  { "\xe2\x80\xa8\xe2\x80\xa9", 0, "\"\\u2028\\u2029\"" },
  { "</script>", 0, "\"</script>\"" },
};

static void
test_json_escape (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (json_vectors); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      tether_spice_json_escape_append (out, json_vectors[i].in);
      g_assert_cmpstr (out->str, ==, json_vectors[i].out);
    }
}

static void
write_sample (TetherSpiceJsonWriter *w)
{
  tether_spice_json_begin_object (w);
  tether_spice_json_key (w, "name");
  tether_spice_json_string (w, "vm \"1\"");
  tether_spice_json_key (w, "uuid");
  tether_spice_json_string (w, NULL);
  tether_spice_json_key (w, "n");
  tether_spice_json_int (w, G_MININT64);
  tether_spice_json_key (w, "ok");
  tether_spice_json_bool (w, TRUE);
  tether_spice_json_key (w, "list");
  tether_spice_json_begin_array (w);
  tether_spice_json_int (w, 1);
  tether_spice_json_begin_object (w);
  tether_spice_json_end_object (w);
  tether_spice_json_begin_array (w);
  tether_spice_json_end_array (w);
  tether_spice_json_null (w);
  tether_spice_json_bool (w, FALSE);
  tether_spice_json_end_array (w);
  tether_spice_json_key (w, "k\n");
  tether_spice_json_int (w, G_MAXINT64);
  tether_spice_json_end_object (w);
}

static void
test_json_writer (void)
{
  g_autoptr(TetherSpiceJsonWriter) compact = tether_spice_json_writer_new (FALSE);
  g_autoptr(TetherSpiceJsonWriter) pretty = tether_spice_json_writer_new (TRUE);

  g_assert_false (tether_spice_json_writer_is_complete (compact));
  write_sample (compact);
  g_assert_true (tether_spice_json_writer_is_complete (compact));
  g_assert_cmpstr (tether_spice_json_writer_get (compact), ==,
                   "{\"name\":\"vm \\\"1\\\"\",\"uuid\":null,\"n\":-9223372036854775808,\"ok\":true,"
                   "\"list\":[1,{},[],null,false],\"k\\n\":9223372036854775807}");
  write_sample (pretty);
  g_assert_cmpstr (tether_spice_json_writer_get (pretty), ==,
                   "{\n"
                   "  \"name\": \"vm \\\"1\\\"\",\n"
                   "  \"uuid\": null,\n"
                   "  \"n\": -9223372036854775808,\n"
                   "  \"ok\": true,\n"
                   "  \"list\": [\n"
                   "    1,\n"
                   "    {},\n"
                   "    [],\n"
                   "    null,\n"
                   "    false\n"
                   "  ],\n"
                   "  \"k\\n\": 9223372036854775807\n"
                   "}");
}

static void
test_json_scalar_document (void)
{
  g_autoptr(TetherSpiceJsonWriter) w = tether_spice_json_writer_new (TRUE);

  tether_spice_json_string (w, "only");
  g_assert_true (tether_spice_json_writer_is_complete (w));
  g_assert_cmpstr (tether_spice_json_writer_get (w), ==, "\"only\"");
}

/* Misuse is a programming error, caught loudly. */
static void
test_json_misuse (void)
{
  if (g_test_subprocess ())
    {
      guint64 which = 0;

      g_assert_true (g_ascii_string_to_unsigned (g_getenv ("TETHER_JSON_MISUSE"), 10, 0, 9, &which, NULL));
      g_autoptr(TetherSpiceJsonWriter) w = tether_spice_json_writer_new (FALSE);

      switch (which)
        {
        case 0:   /* a value in an object without a key */
          tether_spice_json_begin_object (w);
          tether_spice_json_int (w, 1);
          break;
        case 1:   /* a key in an array */
          tether_spice_json_begin_array (w);
          tether_spice_json_key (w, "k");
          break;
        case 2:   /* the wrong end */
          tether_spice_json_begin_array (w);
          tether_spice_json_end_object (w);
          break;
        case 3:   /* two top-level values */
          tether_spice_json_int (w, 1);
          tether_spice_json_int (w, 2);
          break;
        default:  /* a key without its value */
          tether_spice_json_begin_object (w);
          tether_spice_json_key (w, "k");
          tether_spice_json_end_object (w);
          break;
        }
      return;
    }
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *value = g_strdup_printf ("%d", i);

      g_setenv ("TETHER_JSON_MISUSE", value, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();
      g_test_trap_assert_stderr ("*CRITICAL*");
    }
  g_unsetenv ("TETHER_JSON_MISUSE");
}

/* ---- text ---------------------------------------------------------------------------- */

static void
test_escape_text (void)
{
  static const struct { const char *in, *out; } v[] = {
    { "tether-vm", "tether-vm" },
    { "two\nlines\ttab\r", "two\\nlines\\ttab\\r" },
    { "esc\x1b[31mred", "esc\\x1b[31mred" },
    { "del\x7f", "del\\x7f" },
    { "bad\xff\xfe", "bad\\xff\\xfe" },
    { "back\\slash", "back\\\\slash" },
    { "caf\xc3\xa9", "caf\xc3\xa9" },
    { "c1\xc2\x9b", "c1\\u009b" },
    { "rtl\xe2\x80\xaeoverride", "rtl\\u202eoverride" },
    { "", "" },
  };

  g_assert_null (tether_spice_tool_escape_text (NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *out = tether_spice_tool_escape_text (v[i].in);

      g_assert_cmpstr (out, ==, v[i].out);
    }
}

static void
test_cap_names (void)
{
  g_assert_cmpstr (tether_spice_tool_common_cap_name (3), ==, "mini-header");
  g_assert_null (tether_spice_tool_common_cap_name (4));
  g_assert_cmpstr (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_MAIN, 1), ==, "name-and-uuid");
  g_assert_cmpstr (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 14), ==, "codec-h265");
  g_assert_null (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 15));
  g_assert_cmpstr (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_RECORD, 2), ==, "opus");
  g_assert_cmpstr (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_PORT, 0), ==, "data-compress-lz4");
  g_assert_null (tether_spice_tool_channel_cap_name (TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0));
  g_assert_null (tether_spice_tool_channel_cap_name (99, 0));
}

/* ---- errors ---------------------------------------------------------------------------- */

static void
test_error_causes (void)
{
  /* The report: exit status, and the message escaped on stderr. */
  if (g_test_subprocess ())
    {
      GError *e = g_error_new_literal (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH, "bad\x1b[2Jticket");
      int rc = tether_spice_tool_report_error ("info", e);

      /* exit() skips the automatic cleanups: free first. */
      g_error_free (e);
      exit (rc);
    }
  static const struct { const char *domain; int code; const char *cause; int exit; } v[] = {
    { "spice", TETHER_SPICE_ERROR_AUTH, "authentication failed", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_TLS, "TLS failed", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_CONNECT, "cannot connect", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_LINK, "link refused", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_PROTOCOL, "protocol error", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_UNSUPPORTED, "not supported", TETHER_EXIT_FAILURE },
    { "spice", TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "over a limit", TETHER_EXIT_FAILURE },
    { "spice", 999, "failed", TETHER_EXIT_FAILURE },
    { "io", G_IO_ERROR_TIMED_OUT, "timed out", TETHER_EXIT_FAILURE },
    { "io", G_IO_ERROR_NOT_SUPPORTED, "not supported", TETHER_EXIT_NOT_SUPPORTED },
    { "uri", G_URI_ERROR_BAD_QUERY, "invalid URI", TETHER_EXIT_FAILURE },
    { "option", G_OPTION_ERROR_BAD_VALUE, "bad command line", TETHER_EXIT_USAGE },
    { "keyfile", G_KEY_FILE_ERROR_PARSE, "invalid .vv file", TETHER_EXIT_FAILURE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      GQuark domain = g_str_equal (v[i].domain, "spice") ? TETHER_SPICE_ERROR
                      : g_str_equal (v[i].domain, "io") ? G_IO_ERROR
                      : g_str_equal (v[i].domain, "uri") ? G_URI_ERROR
                      : g_str_equal (v[i].domain, "option") ? G_OPTION_ERROR
                                                            : G_KEY_FILE_ERROR;
      g_autoptr(GError) e = g_error_new_literal (domain, v[i].code, "why");

      g_assert_cmpstr (tether_spice_tool_error_cause (e), ==, v[i].cause);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("tether spice info: authentication failed: bad\\x1b[2Jticket\n");
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      GQuark domain = g_str_equal (v[i].domain, "spice") ? TETHER_SPICE_ERROR
                      : g_str_equal (v[i].domain, "io") ? G_IO_ERROR
                      : g_str_equal (v[i].domain, "uri") ? G_URI_ERROR
                      : g_str_equal (v[i].domain, "option") ? G_OPTION_ERROR
                                                            : G_KEY_FILE_ERROR;
      g_autoptr(GError) e = g_error_new_literal (domain, v[i].code, "x");
      int fd = dup (2);
      int null_fd = g_open ("/dev/null", O_WRONLY, 0);

      /* Quietly: stderr to /dev/null for the call. */
      dup2 (null_fd, 2);
      g_assert_cmpint (tether_spice_tool_report_error ("info", e), ==, v[i].exit);
      dup2 (fd, 2);
      close (fd);
      close (null_fd);
    }
}

/* ---- options --------------------------------------------------------------------------- */

static void
test_options_complete (void)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  g_autoptr(GPtrArray) skipped = g_ptr_array_new ();
  GObjectClass *klass = g_type_class_ref (TETHER_TYPE_SPICE_SESSION);
  g_autofree GParamSpec **pspecs = NULL;
  guint n = 0, writable = 0;
  g_autofree char *help = NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);

  pspecs = g_object_class_list_properties (klass, &n);
  tether_spice_tool_options_print_help (opts, out);
  fclose (out);
  help = buf;
  for (guint i = 0; i < n; i++)
    if (pspecs[i]->flags & G_PARAM_WRITABLE)
      {
        g_autofree char *option = g_strdup_printf ("--%s", g_param_spec_get_name (pspecs[i]));

        writable++;
        /* Every writable property is in the help. */
        g_assert_nonnull (strstr (help, option));
      }
  g_assert_cmpuint (writable, >=, 30);
  g_assert_cmpuint (tether_spice_tool_options_count (opts, skipped), ==, writable);
  g_assert_cmpuint (skipped->len, ==, 0);
  /* Read-only ones have none. */
  g_assert_null (strstr (help, "--migration-state"));
  g_assert_null (strstr (help, "--uuid"));
  g_assert_nonnull (strstr (help, "--verify NAME,…"));
  g_assert_nonnull (strstr (help, "pubkey, hostname, subject"));
  g_assert_nonnull (strstr (help, "--enable-audio[=true|false]"));
  g_assert_nonnull (strstr (help, "--ca FILE"));
  g_assert_nonnull (strstr (help, "--password-file FILE"));
  g_type_class_unref (klass);
}

typedef struct {
  const char *name;
  const char *value;
  const char *expect;    /* the property read back, as text; NULL: must fail */
  int         code;      /* G_OPTION_ERROR code when failing */
} OptionVector;

static char *ca_path;   /* a file with known bytes */

static char *
property_text (TetherSpiceSession *session, const char *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (session), name);
  g_auto(GValue) v = G_VALUE_INIT;

  g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (G_OBJECT (session), name, &v);
  if (G_VALUE_HOLDS (&v, G_TYPE_STRV))
    {
      const char * const *strv = g_value_get_boxed (&v);

      return strv != NULL ? g_strjoinv ("|", (char **) strv) : g_strdup ("(null)");
    }
  if (G_VALUE_HOLDS (&v, G_TYPE_BYTE_ARRAY))
    {
      GByteArray *a = g_value_get_boxed (&v);

      return a != NULL ? g_strndup ((const char *) a->data, a->len) : g_strdup ("(null)");
    }
  if (G_VALUE_HOLDS_FLAGS (&v))
    return g_strdup_printf ("%u", g_value_get_flags (&v));
  return g_strdup_value_contents (&v);
}

static const OptionVector option_vectors[] = {
  { "host", "example.org", "\"example.org\"", 0 },
  { "username", "", "\"\"", 0 },
  { "port", "5999", "\"5999\"", 0 },
  { "enable-audio", NULL, "TRUE", 0 },
  { "enable-audio", "false", "FALSE", 0 },
  { "enable-audio", "No", "FALSE", 0 },
  { "enable-audio", "1", "TRUE", 0 },
  { "enable-audio", "maybe", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "read-only", "on", "TRUE", 0 },
  { "cache-size", "1048576", "1048576", 0 },
  { "cache-size", "-1", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "cache-size", "12x", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "cache-size", "", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "cache-size", "99999999999", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "protocol", "3", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "secure-channels", "main,display", "main|display", 0 },
  { "secure-channels", "", "", 0 },
  { "verify", "pubkey,subject", "5", 0 },
  { "verify", "hostname | pubkey", "3", 0 },
  { "verify", "", "0", 0 },
  { "verify", "none", "0", 0 },
  { "verify", "TETHER_SPICE_SESSION_VERIFY_SUBJECT", "4", 0 },
  { "verify", "pubkey,everything", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "ca", "@CA@", "ca bytes\n\001\377", 0 },
  { "ca", "/nonexistent/ca.pem", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "enable-usbredir", "", NULL, G_OPTION_ERROR_BAD_VALUE },
  { "no-such-property", "1", NULL, G_OPTION_ERROR_UNKNOWN_OPTION },
  { "name", "x", NULL, G_OPTION_ERROR_UNKNOWN_OPTION },   /* read-only */
};

static void
test_options_values (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (option_vectors); i++)
    {
      const OptionVector *v = &option_vectors[i];
      g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TetherSpiceSession) session = NULL;
      g_autofree char *got = NULL;
      const char *value = v->value != NULL && g_str_equal (v->value, "@CA@") ? ca_path : v->value;
      gboolean ok = tether_spice_tool_options_add (opts, v->name, value, &error);

      g_test_message ("--%s %s", v->name, v->value != NULL ? v->value : "(none)");
      if (v->expect == NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, G_OPTION_ERROR, v->code);
          /* The message names the option. */
          g_assert_nonnull (strstr (error->message, v->name));
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      session = tether_spice_tool_options_make_session (opts, "spice://h:1", &error);
      g_assert_no_error (error);
      got = property_text (session, v->name);
      g_assert_cmpstr (got, ==, v->expect);
    }
}

/* Options apply in command-line order, after the URI. */
static void
test_options_order (void)
{
  g_autoptr(TetherSpiceToolOptions) a = tether_spice_tool_options_new ();
  g_autoptr(TetherSpiceToolOptions) b = tether_spice_tool_options_new ();
  g_autoptr(TetherSpiceSession) sa = NULL;
  g_autoptr(TetherSpiceSession) sb = NULL;
  g_autoptr(GError) error = NULL;
  TetherSpiceSessionVerify verify;
  g_autofree char *host = NULL;

  g_assert_true (tether_spice_tool_options_add (a, "cert-subject", "CN=x", NULL));
  g_assert_true (tether_spice_tool_options_add (a, "verify", "hostname", NULL));
  g_assert_true (tether_spice_tool_options_add (a, "host", "override.example", NULL));
  sa = tether_spice_tool_options_make_session (a, "spice://uri.example:5900", &error);
  g_assert_no_error (error);
  g_object_get (sa, "verify", &verify, "host", &host, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME);
  g_assert_cmpstr (host, ==, "override.example");

  g_assert_true (tether_spice_tool_options_add (b, "verify", "hostname", NULL));
  g_assert_true (tether_spice_tool_options_add (b, "cert-subject", "CN=x", NULL));
  sb = tether_spice_tool_options_make_session (b, "spice://uri.example:5900", &error);
  g_assert_no_error (error);
  g_object_get (sb, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT);
}

static char *
write_temp (const char *name, const char *data, gssize len)
{
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

static char *
session_password (TetherSpiceSession *session)
{
  char *pw = NULL;

  g_object_get (session, "password", &pw, NULL);
  return pw;
}

/* SPICE_PASSWORD < URI < --password < --password-file. */
static void
test_options_password_precedence (void)
{
  g_autofree char *tmpl = g_strdup_printf ("tether-test-spice-info-%d", (int) getpid ());
  g_autofree char *pw_file = NULL;
  g_autofree char *crlf_file = NULL;
  g_autofree char *nul_file = NULL;
  struct { const char *uri; const char *option; const char *file; const char *expect; } v[4];
  g_autoptr(GError) error = NULL;

  g_setenv ("SPICE_PASSWORD", "from-env", TRUE);
  pw_file = write_temp ("tether-test-spice-info-pw", "from-file\nsecond line\n", -1);
  crlf_file = write_temp ("tether-test-spice-info-crlf", "crlf\r\n", -1);
  nul_file = write_temp ("tether-test-spice-info-nul", "a\0b\n", 4);
  v[0].uri = "spice://h:1"; v[0].option = NULL; v[0].file = NULL; v[0].expect = "from-env";
  v[1].uri = "spice://h:1?password=from-uri"; v[1].option = NULL; v[1].file = NULL; v[1].expect = "from-uri";
  v[2].uri = "spice://h:1?password=from-uri"; v[2].option = "from-option"; v[2].file = NULL;
  v[2].expect = "from-option";
  v[3].uri = "spice://h:1?password=from-uri"; v[3].option = "from-option"; v[3].file = pw_file;
  v[3].expect = "from-file";
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
      g_autoptr(TetherSpiceSession) session = NULL;
      g_autofree char *pw = NULL;
      char *argv[4];
      int argc = 1;
      g_auto(GStrv) rest = NULL;
      g_autofree char *file_arg = v[i].file != NULL ? g_strdup_printf ("--password-file=%s", v[i].file) : NULL;
      g_autofree char *pw_arg = v[i].option != NULL ? g_strdup_printf ("--password=%s", v[i].option) : NULL;

      argv[0] = (char *) "info";
      if (pw_arg != NULL)
        argv[argc++] = pw_arg;
      if (file_arg != NULL)
        argv[argc++] = file_arg;
      argv[argc] = NULL;
      rest = tether_spice_tool_parse (opts, NULL, "[URI]", "test", argc, argv, &error);
      g_assert_no_error (error);
      session = tether_spice_tool_options_make_session (opts, v[i].uri, &error);
      g_assert_no_error (error);
      pw = session_password (session);
      g_assert_cmpstr (pw, ==, v[i].expect);
    }
  g_unsetenv ("SPICE_PASSWORD");
  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    g_autoptr(TetherSpiceSession) session = NULL;
    g_autofree char *pw = NULL;
    g_autofree char *arg = g_strdup_printf ("--password-file=%s", crlf_file);
    char *argv[] = { (char *) "info", arg, NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 2, argv, &error);

    g_assert_no_error (error);
    session = tether_spice_tool_options_make_session (opts, "spice://h:1", &error);
    g_assert_no_error (error);
    pw = session_password (session);
    g_assert_cmpstr (pw, ==, "crlf");
  }
  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    g_autofree char *arg = g_strdup_printf ("--password-file=%s", nul_file);
    char *argv[] = { (char *) "info", arg, NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 2, argv, &error);

    g_assert_no_error (error);
    g_assert_null (tether_spice_tool_options_make_session (opts, "spice://h:1", &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
    g_clear_error (&error);
  }
  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    char *argv[] = { (char *) "info", (char *) "--password-file=/nonexistent/pw", NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 2, argv, &error);

    g_assert_no_error (error);
    g_assert_null (tether_spice_tool_options_make_session (opts, "spice://h:1", &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "/nonexistent/pw"));
  }
  g_unlink (pw_file);
  g_unlink (crlf_file);
  g_unlink (nul_file);
}

/* Secrets leave argv (what ps shows) at once; the parse still sees them. */
static void
test_parse_hides_secrets (void)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON", NULL },
    G_OPTION_ENTRY_NULL
  };
  char a0[] = "info", a1[] = "--password=hunter2", a2[] = "--proxy", a3[] = "http://u:pw@proxy.example:3128";
  char a4[] = "--json", a5[] = "spice://h:5900?password=abc&tls-port=5901", a6[] = "--enable-audio=false";
  char *argv[] = { a0, a1, a2, a3, a4, a5, a6, NULL };
  g_auto(GStrv) rest = NULL;
  g_autofree char *pw = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *tls_port = NULL;
  gboolean audio = TRUE;

  rest = tether_spice_tool_parse (opts, entries, "[URI]", "test", 7, argv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (rest), ==, 1);
  g_assert_cmpstr (rest[0], ==, "spice://h:5900?password=abc&tls-port=5901");
  g_assert_true (json);
  /* The originals: the secret parts are zeros now, the rest intact. */
  g_assert_cmpstr (a1, ==, "--password=");
  g_assert_cmpmem (a1 + 11, sizeof a1 - 11, "\0\0\0\0\0\0\0\0", 8);
  g_assert_cmpstr (a2, ==, "--proxy");
  g_assert_cmpuint (strlen (a3), ==, 0);
  g_assert_cmpstr (a4, ==, "--json");
  g_assert_cmpstr (a5, ==, "spice://h:5900?password=");
  g_assert_cmpstr (a5 + 27, ==, "&tls-port=5901");
  g_assert_cmpstr (a6, ==, "--enable-audio=false");
  session = tether_spice_tool_options_make_session (opts, rest[0], &error);
  g_assert_no_error (error);
  g_object_get (session, "password", &pw, "proxy", &proxy, "tls-port", &tls_port, "enable-audio", &audio, NULL);
  g_assert_cmpstr (pw, ==, "hunter2");
  g_assert_cmpstr (proxy, ==, "http://u:pw@proxy.example:3128");
  g_assert_cmpstr (tls_port, ==, "5901");
  g_assert_false (audio);
}

static void
test_hide_secrets_edges (void)
{
  char a0[] = "info", a1[] = "--password-file", a2[] = "--", a3[] = "--password", a4[] = "kept";
  char *argv[] = { a0, a1, a2, a3, a4, NULL };
  char b0[] = "info", b1[] = "--proxy";
  char *argv_b[] = { b0, b1, NULL };
  char c0[] = "info", c1[] = "spice://h:1?mypassword=keep&password=x#frag";
  char *argv_c[] = { c0, c1, NULL };
  char d0[] = "info", d1[] = "spice://h:1?password=one&port=2&password=two";
  char *argv_d[] = { d0, d1, NULL };

  /* Not a secret option; after "--" nothing is an option. */
  tether_spice_tool_hide_secrets (5, argv);
  g_assert_cmpstr (a1, ==, "--password-file");
  g_assert_cmpstr (a2, ==, "--");
  g_assert_cmpstr (a3, ==, "--password");
  g_assert_cmpstr (a4, ==, "kept");
  /* A dangling option: nothing to wipe, nothing read past the end. */
  tether_spice_tool_hide_secrets (2, argv_b);
  g_assert_cmpstr (b1, ==, "--proxy");
  /* Only the real parameter, up to '#'. */
  tether_spice_tool_hide_secrets (2, argv_c);
  g_assert_cmpstr (c1, ==, "spice://h:1?mypassword=keep&password=");
  g_assert_cmpstr (c1 + strlen ("spice://h:1?mypassword=keep&password=") + 1, ==, "#frag");
  /* Every occurrence. */
  tether_spice_tool_hide_secrets (2, argv_d);
  g_assert_cmpstr (d1, ==, "spice://h:1?password=");
  g_assert_cmpstr (d1 + strlen ("spice://h:1?password=one"), ==, "&port=2&password=");
  g_assert_cmpmem (d1 + sizeof d1 - 4, 4, "\0\0\0\0", 4);
}

static void
test_parse_errors (void)
{
  static const char * const bad[][3] = {
    { "--no-such-option", NULL, NULL },
    { "--cache-size", "lots", NULL },
    { "--timeout", "0", NULL },
    { "--timeout", "-1", NULL },
    { "--timeout", "soon", NULL },
    { "--verify=pubkey,wrong", NULL, NULL },
    { "--host", NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
      g_autoptr(GError) error = NULL;
      char *argv[4] = { (char *) "info", NULL, NULL, NULL };
      int argc = 1;
      g_auto(GStrv) rest = NULL;

      for (int k = 0; k < 3 && bad[i][k] != NULL; k++)
        argv[argc++] = g_strdup (bad[i][k]);
      rest = tether_spice_tool_parse (opts, NULL, "[URI]", "test", argc, argv, &error);
      g_assert_null (rest);
      g_assert_true (error != NULL && error->domain == G_OPTION_ERROR);
      for (int k = 1; k < argc; k++)
        g_free (argv[k]);
    }
  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    g_autoptr(GError) error = NULL;
    char *argv[] = { (char *) "info", (char *) "--timeout=2.5", NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 2, argv, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (tether_spice_tool_options_get_timeout (opts), ==, 2.5);
    g_assert_cmpuint (g_strv_length (rest), ==, 0);
    /* Nothing says where to connect. */
    g_assert_null (tether_spice_tool_options_make_session (opts, NULL, &error));
    g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED);
    g_clear_error (&error);
    g_assert_null (tether_spice_tool_options_make_session (opts, "http://not-spice", &error));
    g_assert_true (error != NULL && error->domain == G_URI_ERROR);
  }
}

static void
test_options_vv (void)
{
  g_autofree char *vv = write_temp ("tether-test-spice-info.vv",
                                    "[virt-viewer]\ntype=spice\nhost=vv.example\nport=5911\npassword=vv-pw\n", -1);
  g_autofree char *bad_vv = write_temp ("tether-test-spice-info-bad.vv", "[virt-viewer]\ntype=vnc\n", -1);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    g_autofree char *arg = g_strdup_printf ("--vv=%s", vv);
    char *argv[] = { (char *) "info", arg, (char *) "--port", (char *) "5912", NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 4, argv, &error);
    g_autoptr(TetherSpiceSession) session = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *pw = NULL;

    g_assert_no_error (error);
    session = tether_spice_tool_options_make_session (opts, NULL, &error);
    g_assert_no_error (error);
    uri = tether_spice_session_get_uri (session);
    /* The option after the file wins. */
    g_assert_cmpstr (uri, ==, "spice://vv.example:5912");
    pw = session_password (session);
    g_assert_cmpstr (pw, ==, "vv-pw");
  }
  {
    g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
    g_autofree char *arg = g_strdup_printf ("--vv=%s", bad_vv);
    char *argv[] = { (char *) "info", arg, NULL };
    g_auto(GStrv) rest = tether_spice_tool_parse (opts, NULL, "", "", 2, argv, &error);

    g_assert_no_error (error);
    g_assert_null (tether_spice_tool_options_make_session (opts, NULL, &error));
    g_assert_nonnull (error);
  }
  g_unlink (vv);
  g_unlink (bad_vv);
}

/* ---- connecting: failures without a server --------------------------------------------------- */

static guint16
bound_port (GSocket *s)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (s, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
}

static GSocket *
loopback_socket (gboolean listen)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);

  g_assert_true (g_socket_bind (s, addr, TRUE, NULL));
  if (listen)
    g_assert_true (g_socket_listen (s, NULL));
  return s;
}

static void
test_connect_refused (void)
{
  guint fds = tether_test_count_fds ();
  g_autoptr(GError) error = NULL;
  GSocket *s = loopback_socket (FALSE);
  g_autofree char *uri = g_strdup_printf ("spice://127.0.0.1:%u", bound_port (s));
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());

  /* Bound but not listening: refused. */
  g_assert_true (tether_spice_session_load_uri (session, uri, NULL));
  g_assert_null (tether_spice_tool_connect (session, g_get_monotonic_time () + 10 * G_USEC_PER_SEC, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_null (tether_spice_session_get_channels (session));
  tether_spice_tool_disconnect (session);
  g_object_unref (session);
  g_object_unref (s);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_connect_timeout (void)
{
  g_autoptr(GError) error = NULL;
  GSocket *s = loopback_socket (TRUE);
  g_autofree char *uri = g_strdup_printf ("spice://127.0.0.1:%u", bound_port (s));
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  gint64 start = g_get_monotonic_time ();

  /* Accepted by the kernel, never answered: the deadline ends it. */
  g_assert_true (tether_spice_session_load_uri (session, uri, NULL));
  g_assert_null (tether_spice_tool_connect (session, start + 300 * 1000, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_null (tether_spice_session_get_channels (session));
  tether_spice_tool_disconnect (session);
  g_object_unref (session);
  g_object_unref (s);
}

int
main (int argc, char **argv)
{
  int ret;

  tether_test_init (&argc, &argv);
  /* GIO's lazily made singletons (resolver, worker) are not leaks. */
  warm_up_gio ();
  ca_path = write_temp ("tether-test-spice-info-ca", "ca bytes\n\001\377", 11);
  g_test_add_func ("/spice/info/json/escape", test_json_escape);
  g_test_add_func ("/spice/info/json/writer", test_json_writer);
  g_test_add_func ("/spice/info/json/scalar-document", test_json_scalar_document);
  g_test_add_func ("/spice/info/json/misuse", test_json_misuse);
  g_test_add_func ("/spice/info/text/escape", test_escape_text);
  g_test_add_func ("/spice/info/text/cap-names", test_cap_names);
  g_test_add_func ("/spice/info/errors/causes", test_error_causes);
  g_test_add_func ("/spice/info/options/complete", test_options_complete);
  g_test_add_func ("/spice/info/options/values", test_options_values);
  g_test_add_func ("/spice/info/options/order", test_options_order);
  g_test_add_func ("/spice/info/options/password-precedence", test_options_password_precedence);
  g_test_add_func ("/spice/info/options/vv", test_options_vv);
  g_test_add_func ("/spice/info/parse/hides-secrets", test_parse_hides_secrets);
  g_test_add_func ("/spice/info/parse/hide-secrets-edges", test_hide_secrets_edges);
  g_test_add_func ("/spice/info/parse/errors", test_parse_errors);
  g_test_add_func ("/spice/info/connect/refused", test_connect_refused);
  g_test_add_func ("/spice/info/connect/timeout", test_connect_timeout);
  ret = g_test_run ();
  g_unlink (ca_path);
  g_free (ca_path);
  return ret;
}
