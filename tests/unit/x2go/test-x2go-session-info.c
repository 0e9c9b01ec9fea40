/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-session-info-private.h"
#include "tether-test-utils.h"

/* Real lines from x2goserver 4.1.0.3 (docs/real-peers.md). */
#define REAL_LINE \
  "17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|R|2026-11-21T11:56:33|" \
  "9806aa7e77611d47ec7b764e81f880ab|127.0.0.1|37216|37217|2026-11-21T11:56:34|x2gotest|8|37218|-1|-1"
#define STARTUP_LINE \
  "|x2gotest-50-1795262330_stRxeyes_dp24|50|vm|R|2026-11-21T11:58:50|||||2026-11-21T11:58:50|x2gotest|0|||"
/* The constructed example of docs/x2go-protocol.md §4.1. */
#define DOC_LINE \
  "24568|jdoe-50-1700580000_stDXFCE_dp24|50|x2gosrv01|S|2023-11-21T15:20:00|" \
  "5f0c2e8d1b9a4e3f8c7d6b5a49382716|192.0.2.10|30007|30008|2023-11-21T16:02:11|jdoe|2531|30009||"
/* An x2golistshadowsessions line: 14 fields (constructed from §4.2/§5.1). */
#define SHADOW_LINE \
  "24570|jdoe-53-1700580300_stS1XSHADaliceXSHADPP50_dp24|53|x2gosrv01|R|2023-11-21T15:25:00|" \
  "0123456789abcdef0123456789ABCDEF|2001:db8::7|30010|30011|2023-11-21T15:25:00|jdoe|12|30012"

static void
assert_malformed (GError *error, const char *needle)
{
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("error message '%s' does not mention '%s'", error->message, needle);
}

/* ---- single lines --------------------------------------------------------- */

static void
test_real_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (REAL_LINE, &error);
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpuint (tether_x2go_session_info_get_agent_pid (info), ==, 17436);
  g_assert_cmpstr (tether_x2go_session_info_get_name (info), ==, "x2gotest-50-1795262193_stRxeyes_dp24");
  g_assert_cmpuint (tether_x2go_session_info_get_display (info), ==, 50);
  g_assert_cmpstr (tether_x2go_session_info_get_hostname (info), ==, "vm");
  g_assert_cmpint (tether_x2go_session_info_get_state (info), ==, TETHER_X2GO_SESSION_STATE_RUNNING);
  g_assert_true (tether_x2go_session_info_is_running (info));
  g_assert_false (tether_x2go_session_info_is_suspended (info));
  g_assert_false (tether_x2go_session_info_is_starting (info));
  g_assert_cmpstr (tether_x2go_session_info_get_creation_time (info), ==, "2026-11-21T11:56:33");
  g_assert_cmpstr (tether_x2go_session_info_get_cookie (info), ==, "9806aa7e77611d47ec7b764e81f880ab");
  g_assert_cmpstr (tether_x2go_session_info_get_client_address (info), ==, "127.0.0.1");
  g_assert_cmpuint (tether_x2go_session_info_get_graphics_port (info), ==, 37216);
  g_assert_cmpuint (tether_x2go_session_info_get_sound_port (info), ==, 37217);
  g_assert_cmpstr (tether_x2go_session_info_get_last_change_time (info), ==, "2026-11-21T11:56:34");
  g_assert_cmpstr (tether_x2go_session_info_get_username (info), ==, "x2gotest");
  g_assert_cmpint (tether_x2go_session_info_get_age (info), ==, 8);
  g_assert_cmpuint (tether_x2go_session_info_get_sshfs_port (info), ==, 37218);
  g_assert_cmpuint (tether_x2go_session_info_get_telekinesis_control_port (info), ==, 0);
  g_assert_cmpuint (tether_x2go_session_info_get_telekinesis_data_port (info), ==, 0);
  g_assert_cmpint (tether_x2go_session_info_get_session_type (info), ==, TETHER_X2GO_SESSION_TYPE_ROOTLESS);
  g_assert_cmpstr (tether_x2go_session_info_get_command (info), ==, "xeyes");
  g_assert_cmpuint (tether_x2go_session_info_get_color_depth (info), ==, 24);
  back = tether_x2go_session_info_to_string (info);
  g_assert_cmpstr (back, ==, REAL_LINE);
}

static void
test_startup_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (STARTUP_LINE "\n", &error);
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  g_assert_true (tether_x2go_session_info_is_starting (info));
  g_assert_cmpuint (tether_x2go_session_info_get_agent_pid (info), ==, 0);
  g_assert_null (tether_x2go_session_info_get_cookie (info));
  g_assert_null (tether_x2go_session_info_get_client_address (info));
  g_assert_cmpuint (tether_x2go_session_info_get_graphics_port (info), ==, 0);
  g_assert_cmpuint (tether_x2go_session_info_get_sound_port (info), ==, 0);
  g_assert_cmpuint (tether_x2go_session_info_get_sshfs_port (info), ==, 0);
  g_assert_cmpint (tether_x2go_session_info_get_age (info), ==, 0);
  g_assert_cmpstr (tether_x2go_session_info_get_name (info), ==, "x2gotest-50-1795262330_stRxeyes_dp24");
  g_assert_cmpstr (tether_x2go_session_info_get_creation_time (info), ==, "2026-11-21T11:58:50");
  g_assert_true (tether_x2go_session_info_is_running (info));
  /* to_string gives the line without the newline it was given with. */
  back = tether_x2go_session_info_to_string (info);
  g_assert_cmpstr (back, ==, STARTUP_LINE);
}

static void
test_doc_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (DOC_LINE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (tether_x2go_session_info_get_state (info), ==, TETHER_X2GO_SESSION_STATE_SUSPENDED);
  g_assert_true (tether_x2go_session_info_is_suspended (info));
  g_assert_cmpint (tether_x2go_session_info_get_session_type (info), ==, TETHER_X2GO_SESSION_TYPE_DESKTOP);
  g_assert_cmpstr (tether_x2go_session_info_get_command (info), ==, "XFCE");
  g_assert_cmpstr (tether_x2go_session_info_get_client_address (info), ==, "192.0.2.10");
  g_assert_cmpint (tether_x2go_session_info_get_age (info), ==, 2531);
  g_assert_cmpuint (tether_x2go_session_info_get_sshfs_port (info), ==, 30009);
  g_assert_cmpuint (tether_x2go_session_info_get_telekinesis_control_port (info), ==, 0);
}

static void
test_shadow_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (SHADOW_LINE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (tether_x2go_session_info_get_session_type (info), ==, TETHER_X2GO_SESSION_TYPE_SHADOW);
  g_assert_cmpstr (tether_x2go_session_info_get_command (info), ==, "1XSHADaliceXSHADPP50");
  g_assert_cmpstr (tether_x2go_session_info_get_client_address (info), ==, "2001:db8::7");
  g_assert_cmpstr (tether_x2go_session_info_get_cookie (info), ==, "0123456789abcdef0123456789ABCDEF");
  g_assert_cmpuint (tether_x2go_session_info_get_sshfs_port (info), ==, 30012);
}

static void
test_telekinesis_ports (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (
    "17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|R|2026-11-21T11:56:33|"
    "9806aa7e77611d47ec7b764e81f880ab|127.0.0.1|37216|37217|2026-11-21T11:56:34|x2gotest|-3|37218|37219|37220",
    &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tether_x2go_session_info_get_telekinesis_control_port (info), ==, 37219);
  g_assert_cmpuint (tether_x2go_session_info_get_telekinesis_data_port (info), ==, 37220);
  /* A clock set back gives a negative age. */
  g_assert_cmpint (tether_x2go_session_info_get_age (info), ==, -3);
}

static void
test_boxed (void)
{
  g_autoptr(GError) error = NULL;
  TetherX2goSessionInfo *info = tether_x2go_session_info_new_from_line (REAL_LINE, &error);
  TetherX2goSessionInfo *copy;
  GEnumClass *klass;

  g_assert_no_error (error);
  g_assert_true (G_TYPE_IS_BOXED (TETHER_X2GO_TYPE_SESSION_INFO));
  copy = g_boxed_copy (TETHER_X2GO_TYPE_SESSION_INFO, info);
  g_assert_true (copy == info);  /* a reference, not a deep copy */
  tether_x2go_session_info_unref (info);
  g_assert_cmpstr (tether_x2go_session_info_get_username (copy), ==, "x2gotest");
  g_boxed_free (TETHER_X2GO_TYPE_SESSION_INFO, copy);

  klass = g_type_class_ref (TETHER_TYPE_X2GO_SESSION_STATE);
  g_assert_cmpstr (g_enum_get_value (klass, TETHER_X2GO_SESSION_STATE_SUSPENDED)->value_nick, ==, "suspended");
  g_type_class_unref (klass);
  klass = g_type_class_ref (TETHER_TYPE_X2GO_SESSION_TYPE);
  g_assert_cmpstr (g_enum_get_value (klass, TETHER_X2GO_SESSION_TYPE_PUBLISHED)->value_nick, ==, "published");
  g_type_class_unref (klass);
}

/* ---- session names -------------------------------------------------------- */

static void
test_session_names (void)
{
  static const struct {
    const char *name;
    TetherX2goSessionType type;
    const char *user, *command, *xdmcp;
    guint display, depth;
  } vectors[] = {
    { "jdoe-50-1700580000_stDXFCE_dp24", TETHER_X2GO_SESSION_TYPE_DESKTOP, "jdoe", "XFCE", NULL, 50, 24 },
    { "jdoe-51-1700580100_stRTERMINAL_dp24", TETHER_X2GO_SESSION_TYPE_ROOTLESS, "jdoe", "TERMINAL", NULL, 51, 24 },
    { "jdoe-52-1700580200_stRPUBLISHED_dp24", TETHER_X2GO_SESSION_TYPE_PUBLISHED, "jdoe", "PUBLISHED", NULL, 52, 24 },
    { "jdoe-53-1700580300_stS1XSHADaliceXSHADPP50_dp24", TETHER_X2GO_SESSION_TYPE_SHADOW, "jdoe",
      "1XSHADaliceXSHADPP50", NULL, 53, 24 },
    { "jdoe-54-1700580400_stDXDMCP_dp24_10.0.0.5", TETHER_X2GO_SESSION_TYPE_DESKTOP, "jdoe", "XDMCP",
      "10.0.0.5", 54, 24 },
    { "jdoe-55-1700580500_stKGNOME_dp32", TETHER_X2GO_SESSION_TYPE_KDRIVE, "jdoe", "GNOME", NULL, 55, 32 },
    /* user names and commands with '-' and '_' (py-x2go's split breaks here) */
    { "my_user-x-60-1700580600_stRgnome-terminal_dp16", TETHER_X2GO_SESSION_TYPE_ROOTLESS, "my_user-x",
      "gnome-terminal", NULL, 60, 16 },
    { "u-61-1700580700_stRfoo_dp8_dp24", TETHER_X2GO_SESSION_TYPE_ROOTLESS, "u", "foo_dp8", NULL, 61, 24 },
    { "a@example.org-62-1700580800_stR_dp24", TETHER_X2GO_SESSION_TYPE_ROOTLESS, "a@example.org", "", NULL, 62, 24 },
  };
  static const char *const not_standard[] = {
    "foo", "jdoe-50-1700580000", "jdoe-50-1700580000_stXfoo_dp24", "jdoe-5-1700580000_stRfoo_dp24",
    "jdoe-50-17005_stRfoo_dp24", "jdoe-50-1700580000_stRfoo_dp", "jdoe-50-1700580000_stRfoo_dp123",
    "-50-1700580000_stRfoo_dp24", "jdoe-50-1700580000_stRfo/o_dp24", "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      TetherX2goSessionName n;

      g_test_message ("name %s", vectors[i].name);
      g_assert_true (tether_x2go_session_name_parse (vectors[i].name, &n));
      g_assert_cmpint (n.type, ==, vectors[i].type);
      g_assert_cmpstr (n.user, ==, vectors[i].user);
      g_assert_cmpstr (n.command, ==, vectors[i].command);
      g_assert_cmpstr (n.xdmcp_host, ==, vectors[i].xdmcp);
      g_assert_cmpuint (n.display, ==, vectors[i].display);
      g_assert_cmpuint (n.depth, ==, vectors[i].depth);
      tether_x2go_session_name_clear (&n);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (not_standard); i++)
    {
      TetherX2goSessionName n;

      g_test_message ("name %s", not_standard[i]);
      g_assert_false (tether_x2go_session_name_parse (not_standard[i], &n));
      g_assert_null (n.user);
    }

  /* A listed session with a non-standard name: valid, type unknown. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TetherX2goSessionInfo) info = tether_x2go_session_info_new_from_line (
      "1|oddname|50|vm|R|2026-11-21T11:56:33|9806aa7e77611d47ec7b764e81f880ab|127.0.0.1|1|2|"
      "2026-11-21T11:56:34|x2gotest|8|3|-1|-1", &error);

    g_assert_no_error (error);
    g_assert_cmpint (tether_x2go_session_info_get_session_type (info), ==, TETHER_X2GO_SESSION_TYPE_UNKNOWN);
    g_assert_null (tether_x2go_session_info_get_command (info));
    g_assert_cmpuint (tether_x2go_session_info_get_color_depth (info), ==, 0);
  }
}

/* ---- malformed lines ------------------------------------------------------ */

/* REAL_LINE with field @index (0-based) replaced by @value. */
static char *
with_field (const char *line, guint index, const char *value)
{
  g_auto(GStrv) f = g_strsplit (line, "|", -1);

  g_assert_cmpuint (index, <, g_strv_length (f));
  g_free (f[index]);
  f[index] = g_strdup (value);
  return g_strjoinv ("|", f);
}

static void
test_malformed_fields (void)
{
  static const struct {
    guint field;
    const char *value;
    const char *needle;   /* in the message */
  } vectors[] = {
    { 0, "abc", "field 1 (agent PID)" },
    { 0, "-5", "field 1 (agent PID)" },
    { 0, "0", "field 1 (agent PID)" },
    { 0, "99999999999", "field 1 (agent PID)" },
    { 0, " 17436", "field 1 (agent PID)" },
    { 0, "+17436", "field 1 (agent PID)" },
    { 1, "../../etc/passwd", "field 2 (session name)" },
    { 1, "a/b", "field 2 (session name)" },
    { 1, "..", "field 2 (session name)" },
    { 1, "-rf", "field 2 (session name)" },
    { 1, "", "field 2 (session name)" },
    { 1, "name;rm -rf ~", "field 2 (session name)" },
    { 1, "name$(id)", "field 2 (session name)" },
    { 2, "", "field 3 (display)" },
    { 2, "5o", "field 3 (display)" },
    { 2, "70000", "field 3 (display)" },
    { 3, "", "field 4 (server host name)" },
    { 3, "vm;reboot", "field 4 (server host name)" },
    { 3, "-vm", "field 4 (server host name)" },
    { 4, "X", "field 5 (status)" },
    { 4, "r", "field 5 (status)" },
    { 4, "", "field 5 (status)" },
    { 4, "RS", "field 5 (status)" },
    { 5, "2026-02-30T11:56:33", "field 6 (creation time)" },
    { 5, "2026-11-21T24:00:00", "field 6 (creation time)" },
    { 5, "2026-11-21 11:56:33", "field 6 (creation time)" },
    { 5, "2026-11-21T11:56", "field 6 (creation time)" },
    { 5, "", "field 6 (creation time)" },
    { 6, "9806aa7e77611d47ec7b764e81f880a", "field 7 (cookie)" },
    { 6, "9806aa7e77611d47ec7b764e81f880abc", "field 7 (cookie)" },
    { 6, "9806aa7e77611d47ec7b764e81f880ag", "field 7 (cookie): 32 characters, not 32 hex digits" },
    { 7, "evil.example.org", "field 8 (client address)" },
    { 7, "127.0.0.256", "field 8 (client address)" },
    { 7, "127.0.0.1%eth0", "field 8 (client address)" },
    { 8, "3721x", "field 9 (graphics port)" },
    { 8, "70000", "field 9 (graphics port)" },
    { 8, "0", "field 9 (graphics port)" },
    { 8, "-1", "field 9 (graphics port)" },
    { 9, "abc", "field 10 (sound port)" },
    { 10, "yesterday", "field 11 (last state change time)" },
    { 11, "", "field 12 (user name)" },
    { 11, "x2go test", "field 12 (user name)" },
    { 11, "-x2gotest", "field 12 (user name)" },
    { 12, "", "field 13 (age)" },
    { 12, "8s", "field 13 (age)" },
    { 12, "--8", "field 13 (age)" },
    { 13, "65536", "field 14 (sshfs port)" },
    { 14, "-2", "field 15 (Telekinesis control port)" },
    { 15, "port", "field 16 (Telekinesis data port)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *line = with_field (REAL_LINE, vectors[i].field, vectors[i].value);
      g_autoptr(GError) error = NULL;
      TetherX2goSessionInfo *info;

      g_test_message ("field %u = '%s'", vectors[i].field, vectors[i].value);
      info = tether_x2go_session_info_new_from_line (line, &error);
      g_assert_null (info);
      assert_malformed (error, vectors[i].needle);
      g_assert_nonnull (strstr (error->message, "line 1"));
      if (vectors[i].field == 6)
        g_assert_null (strstr (error->message, "9806aa7e"));  /* a near-cookie is not echoed */
    }
}

static void
test_malformed_lines (void)
{
  g_autofree char *long_name = g_strnfill (TETHER_X2GO_MAX_SESSION_NAME + 1, 'a');
  g_autofree char *long_name_line = with_field (REAL_LINE, 1, long_name);
  g_autofree char *huge = g_strnfill (TETHER_X2GO_MAX_LINE_LENGTH + 1, '|');
  g_autofree char *no_cookie = with_field (REAL_LINE, 6, "");
  g_autofree char *no_port = with_field (REAL_LINE, 8, "");
  static const struct {
    const char *line;
    const char *needle;
  } vectors[] = {
    { "", "1 '|'-separated fields" },
    { "17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|R", "5 '|'-separated fields" },
    { REAL_LINE "|", "17 '|'-separated fields" },
    { REAL_LINE "|x|y|z", "19 '|'-separated fields" },
    /* 15 fields: one Telekinesis port missing */
    { "17436|x2gotest-50-1795262193_stRxeyes_dp24|50|vm|R|2026-11-21T11:56:33|"
      "9806aa7e77611d47ec7b764e81f880ab|127.0.0.1|37216|37217|2026-11-21T11:56:34|x2gotest|8|37218|-1",
      "15 '|'-separated fields" },
    { REAL_LINE "\r", "line break" },
    { REAL_LINE "\n\n", "line break" },
    { "x\n" REAL_LINE, "line break" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("line %" G_GSIZE_FORMAT, i);
      g_assert_null (tether_x2go_session_info_new_from_line (vectors[i].line, &error));
      assert_malformed (error, vectors[i].needle);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tether_x2go_session_info_new_from_line (long_name_line, &error));
    assert_malformed (error, "session name");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tether_x2go_session_info_new_from_line (huge, &error));
    assert_malformed (error, "longer than");
  }
  /* An agent PID promises a cookie and a graphics port. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tether_x2go_session_info_new_from_line (no_cookie, &error));
    assert_malformed (error, "no cookie or graphics port");
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tether_x2go_session_info_new_from_line (no_port, &error));
    assert_malformed (error, "no cookie or graphics port");
  }
  /* 14 fields are a shadow line, accepted; 16 with a shadow name, too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TetherX2goSessionInfo) a = NULL;

    a = tether_x2go_session_info_new_from_line (SHADOW_LINE, &error);

    g_assert_no_error (error);
  }
}

/* ---- whole listings ------------------------------------------------------- */

static const char listing[] =
  DOC_LINE "\n"
  REAL_LINE "\n"
  "\n"
  STARTUP_LINE "\n";

static void
test_list_real (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tether_x2go_parse_session_list (listing, strlen (listing),
                                                              TETHER_X2GO_LIST_SESSIONS, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (tether_x2go_session_info_get_name (list->pdata[0]), ==, "jdoe-50-1700580000_stDXFCE_dp24");
  g_assert_cmpstr (tether_x2go_session_info_get_name (list->pdata[1]), ==, "x2gotest-50-1795262193_stRxeyes_dp24");
  g_assert_true (tether_x2go_session_info_is_starting (list->pdata[2]));
}

static void
test_list_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) a = tether_x2go_parse_session_list ("", 0, TETHER_X2GO_LIST_SESSIONS, &error);
  g_autoptr(GPtrArray) b = tether_x2go_parse_session_list (NULL, 0, TETHER_X2GO_LIST_COMBINED, &error);
  g_autoptr(GPtrArray) c = tether_x2go_parse_session_list ("\n \n\t\n", 5, TETHER_X2GO_LIST_SESSIONS, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpuint (b->len, ==, 0);
  g_assert_cmpuint (c->len, ==, 0);
}

static void
expect_list_error (const char *data, gsize len, TetherX2goListKind kind, const char *needle)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = tether_x2go_parse_session_list (data, len, kind, &error);

  g_assert_null (list);
  assert_malformed (error, needle);
}

static void
test_list_malformed (void)
{
  static const char bad_second[] = DOC_LINE "\n" "1|2|3\n" REAL_LINE "\n";
  static const char unterminated[] = DOC_LINE "\n" REAL_LINE;
  static const char crlf[] = DOC_LINE "\r\n" REAL_LINE "\r\n";
  static const char with_nul[] = DOC_LINE "\n" REAL_LINE "\n";
  g_autofree char *nul_copy = g_memdup2 (with_nul, sizeof with_nul);
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GString) longline = g_string_new (DOC_LINE "\n");

  expect_list_error (bad_second, strlen (bad_second), TETHER_X2GO_LIST_SESSIONS,
                     "x2golistsessions output, line 2: 3 '|'-separated fields");
  expect_list_error (unterminated, strlen (unterminated), TETHER_X2GO_LIST_SESSIONS,
                     "line 2: last line has no newline");
  expect_list_error (crlf, strlen (crlf), TETHER_X2GO_LIST_SESSIONS, "line 1: carriage return");
  /* A NUL in the middle of line 2 (inside the cookie). */
  nul_copy[strlen (DOC_LINE) + 1 + 60] = '\0';
  expect_list_error (nul_copy, sizeof with_nul - 1, TETHER_X2GO_LIST_SESSIONS, "line 2: NUL byte");
  /* A shadow listing has 14 fields, a plain one 16. */
  expect_list_error (REAL_LINE "\n", strlen (REAL_LINE) + 1, TETHER_X2GO_LIST_SHADOW_SESSIONS,
                     "x2golistshadowsessions output, line 1: 16 '|'-separated fields, expected 14");
  expect_list_error (SHADOW_LINE "\n", strlen (SHADOW_LINE) + 1, TETHER_X2GO_LIST_SESSIONS,
                     "line 1: 14 '|'-separated fields, expected 16");
  /* Too many lines. */
  for (guint i = 0; i <= TETHER_X2GO_MAX_LIST_LINES; i++)
    g_string_append (many, DOC_LINE "\n");
  expect_list_error (many->str, many->len, TETHER_X2GO_LIST_SESSIONS, "more than 1024 lines");
  /* An overlong line 2, with and without a newline. */
  for (guint i = 0; i < TETHER_X2GO_MAX_LINE_LENGTH + 10; i++)
    g_string_append_c (longline, 'a');
  expect_list_error (longline->str, longline->len, TETHER_X2GO_LIST_SESSIONS, "line 2: line longer than 4096");
  g_string_append_c (longline, '\n');
  expect_list_error (longline->str, longline->len, TETHER_X2GO_LIST_SESSIONS, "line 2: line longer than 4096");
}

static void
test_list_combined (void)
{
  static const char text[] = REAL_LINE "\n" SHADOW_LINE "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tether_x2go_parse_session_list (text, strlen (text),
                                                              TETHER_X2GO_LIST_COMBINED, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (tether_x2go_session_info_get_session_type (list->pdata[1]), ==,
                   TETHER_X2GO_SESSION_TYPE_SHADOW);
}

/* Every prefix either parses (cut at a line end: the complete lines only) or
 * fails with MALFORMED_OUTPUT; never anything else, never a leak. */
static void
test_list_every_prefix (void)
{
  gsize len = strlen (listing);
  static const char *const full_lines[] = { DOC_LINE, REAL_LINE, STARTUP_LINE };

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *copy = g_memdup2 (listing, cut);  /* exact size: ASan sees over-reads */
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = tether_x2go_parse_session_list (copy, cut, TETHER_X2GO_LIST_SESSIONS,
                                                                  &error);

      if (cut == 0 || listing[cut - 1] == '\n')
        {
          guint expected = 0;

          g_assert_no_error (error);
          for (gsize i = 0; i < cut; i++)
            if (listing[i] == '\n' && i > 0 && listing[i - 1] != '\n')
              expected++;
          g_assert_cmpuint (list->len, ==, expected);
          for (guint i = 0; i < list->len; i++)
            {
              g_autofree char *back = tether_x2go_session_info_to_string (list->pdata[i]);
              g_assert_cmpstr (back, ==, full_lines[i]);
            }
        }
      else
        {
          g_assert_null (list);
          assert_malformed (error, "no newline");
        }
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/session-info/real-line", test_real_line);
  g_test_add_func ("/x2go/session-info/startup-line", test_startup_line);
  g_test_add_func ("/x2go/session-info/doc-line", test_doc_line);
  g_test_add_func ("/x2go/session-info/shadow-line", test_shadow_line);
  g_test_add_func ("/x2go/session-info/telekinesis-ports", test_telekinesis_ports);
  g_test_add_func ("/x2go/session-info/boxed", test_boxed);
  g_test_add_func ("/x2go/session-info/names", test_session_names);
  g_test_add_func ("/x2go/session-info/malformed-fields", test_malformed_fields);
  g_test_add_func ("/x2go/session-info/malformed-lines", test_malformed_lines);
  g_test_add_func ("/x2go/session-list/real", test_list_real);
  g_test_add_func ("/x2go/session-list/empty", test_list_empty);
  g_test_add_func ("/x2go/session-list/malformed", test_list_malformed);
  g_test_add_func ("/x2go/session-list/combined", test_list_combined);
  g_test_add_func ("/x2go/session-list/every-prefix", test_list_every_prefix);

  return g_test_run ();
}
