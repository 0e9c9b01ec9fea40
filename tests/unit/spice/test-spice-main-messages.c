/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-spice-main-messages-private.h"
#include "tether-spice-common-messages-private.h"
#include "spice-wire-test.h"

/* ---- wrappers ----------------------------------------------------------- */

static gboolean
decode_init (GBytes *b, GError **error)
{
  TetherSpiceMsgMainInit m;

  return tether_spice_msg_main_init_decode (b, &m, error);
}

static gboolean
decode_channels (GBytes *b, GError **error)
{
  TetherSpiceMsgMainChannelsList m;
  gboolean ok = tether_spice_msg_main_channels_list_decode (b, &m, error);

  if (!ok)
    g_assert_null (m.channels);
  tether_spice_msg_main_channels_list_clear (&m);
  return ok;
}

static gboolean
decode_mouse_mode (GBytes *b, GError **error)
{
  TetherSpiceMsgMainMouseMode m;

  return tether_spice_msg_main_mouse_mode_decode (b, &m, error);
}

#define U32_WRAPPER(fn, type) \
  static gboolean fn (GBytes *b, GError **error) \
  { guint32 v; return tether_spice_msg_main_u32_decode (type, b, &v, error); }
U32_WRAPPER (decode_mm_time, TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME)
U32_WRAPPER (decode_agent_disconnected, TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED)
U32_WRAPPER (decode_agent_token, TETHER_SPICE_MSG_MAIN_AGENT_TOKEN)
U32_WRAPPER (decode_agent_connected_tokens, TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS)

static gboolean
decode_agent_data (GBytes *b, GError **error)
{
  g_autoptr(GBytes) data = NULL;

  return tether_spice_msg_main_agent_data_decode (b, &data, error);
}

static gboolean
decode_name (GBytes *b, GError **error)
{
  g_autofree char *name = NULL;
  gboolean ok = tether_spice_msg_main_name_decode (b, &name, error);

  g_assert_true (ok == (name != NULL));
  return ok;
}

static gboolean
decode_uuid (GBytes *b, GError **error)
{
  guint8 uuid[TETHER_SPICE_UUID_SIZE];

  return tether_spice_msg_main_uuid_decode (b, uuid, error);
}

static gboolean
decode_empty (GBytes *b, GError **error)
{
  return tether_spice_msg_empty_decode (b, "SPICE message MAIN_AGENT_CONNECTED", error);
}

#define MIGRATE_WRAPPER(fn, type) \
  static gboolean fn (GBytes *b, GError **error) \
  { \
    TetherSpiceMsgMainMigrate m; \
    gboolean ok = tether_spice_msg_main_migrate_decode (type, b, &m, error); \
    if (!ok) { g_assert_null (m.host); g_assert_null (m.cert_subject); } \
    tether_spice_msg_main_migrate_clear (&m); \
    return ok; \
  }
MIGRATE_WRAPPER (decode_migrate_begin, TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN)
MIGRATE_WRAPPER (decode_migrate_seamless, TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS)
MIGRATE_WRAPPER (decode_switch_host, TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST)

/* ---- vectors, by hand from §5.1 ----------------------------------------- */

static const guint8 init[] = {
  0x78, 0x56, 0x34, 0x12,   /* session_id */
  0x01, 0x00, 0x00, 0x00,   /* display_channels_hint */
  0x03, 0x00, 0x00, 0x00,   /* supported: server | client */
  0x01, 0x00, 0x00, 0x00,   /* current: server */
  0x01, 0x00, 0x00, 0x00,   /* agent_connected */
  0x0a, 0x00, 0x00, 0x00,   /* agent_tokens */
  0x00, 0x00, 0x01, 0x00,   /* multi_media_time */
  0x00, 0x00, 0x00, 0x04,   /* ram_hint 64 MiB */
};
static const guint8 channels[] = {
  0x05, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x63, 0x05,
};
static const guint8 channels_none[] = { 0x00, 0x00, 0x00, 0x00 };
static const guint8 mouse_mode[] = { 0x03, 0x00, 0x02, 0x00 };
static const guint8 u32_value[] = { 0x0a, 0x00, 0x00, 0x00 };
static const guint8 agent_chunk[] = { 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00 };
static const guint8 name_nul[] = { 0x08, 0x00, 0x00, 0x00, 't', 'e', 's', 't', 'v', 'm', '1', 0x00 };
static const guint8 name_no_nul[] = { 0x07, 0x00, 0x00, 0x00, 't', 'e', 's', 't', 'v', 'm', '1' };
static const guint8 name_empty[] = { 0x00, 0x00, 0x00, 0x00 };
static const guint8 uuid[] = {
  0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21,
};
static const guint8 migrate_begin[] = {
  0x2a, 0x17,               /* port 5930 */
  0x2b, 0x17,               /* sport 5931 */
  0x0a, 0x00, 0x00, 0x00,   /* host_size 10 */
  0x14, 0x00, 0x00, 0x00,   /* host_ptr 20 */
  0x00, 0x00, 0x00, 0x00,   /* no cert subject */
  0x00, 0x00, 0x00, 0x00,
  '1', '2', '7', '.', '0', '.', '0', '.', '1', 0x00,
};
static const guint8 migrate_subject[] = {
  0x2a, 0x17, 0x00, 0x00,
  0x0a, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00,   /* host at 33 */
  0x0d, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,   /* subject at 20 */
  'C', '=', 'X', 'X', ',', 'C', 'N', '=', 'h', 'o', 's', 't', 0x00,
  'd', 's', 't', '.', 'e', 'x', 'a', 'm', 'p', 0x00,
};
static const guint8 migrate_seamless[] = {
  0x00, 0x00, 0x2b, 0x17,
  0x05, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,   /* host at 24 */
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00,                           /* src_mig_version */
  '[', ':', ':', ']', 0x00,
};

static const SpiceValidVector valid[] = {
  { "init", decode_init, SPICE_VEC (init), 0 },
  { "channels", decode_channels, SPICE_VEC (channels), 0 },
  { "channels-none", decode_channels, SPICE_VEC (channels_none), 0 },
  { "mouse-mode", decode_mouse_mode, SPICE_VEC (mouse_mode), 0 },
  { "mm-time", decode_mm_time, SPICE_VEC (u32_value), 0 },
  { "agent-disconnected", decode_agent_disconnected, SPICE_VEC (u32_value), 0 },
  { "agent-token", decode_agent_token, SPICE_VEC (u32_value), 0 },
  { "agent-connected-tokens", decode_agent_connected_tokens, SPICE_VEC (u32_value), 0 },
  { "name", decode_name, SPICE_VEC (name_nul), 0 },
  { "name-no-nul", decode_name, SPICE_VEC (name_no_nul), 0 },
  { "name-empty", decode_name, SPICE_VEC (name_empty), 0 },
  { "uuid", decode_uuid, SPICE_VEC (uuid), 0 },
  { "migrate-begin", decode_migrate_begin, SPICE_VEC (migrate_begin), 0 },
  { "migrate-subject", decode_migrate_begin, SPICE_VEC (migrate_subject), 0 },
  { "switch-host", decode_switch_host, SPICE_VEC (migrate_subject), 0 },
  { "migrate-seamless", decode_migrate_seamless, SPICE_VEC (migrate_seamless), 0 },
};

static void
test_main_valid (void)
{
  spice_test_valid_table (valid, G_N_ELEMENTS (valid));
}

static void
test_main_prefixes (void)
{
  spice_test_prefix_table (valid, G_N_ELEMENTS (valid));
}

static void
test_main_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b = NULL;
  TetherSpiceMsgMainInit in;
  TetherSpiceMsgMainChannelsList cl;
  TetherSpiceMsgMainMouseMode mm;
  guint32 v = 0;
  GBytes *data = NULL;
  char *name = NULL;
  guint8 u[TETHER_SPICE_UUID_SIZE];

  b = g_bytes_new_static (init, sizeof init);
  g_assert_true (tether_spice_msg_main_init_decode (b, &in, &error));
  g_assert_cmphex (in.session_id, ==, 0x12345678);
  g_assert_cmpuint (in.display_channels_hint, ==, 1);
  g_assert_cmpuint (in.supported_mouse_modes, ==, TETHER_SPICE_MOUSE_MODE_SERVER | TETHER_SPICE_MOUSE_MODE_CLIENT);
  g_assert_cmpuint (in.current_mouse_mode, ==, TETHER_SPICE_MOUSE_MODE_SERVER);
  g_assert_true (in.agent_connected);
  g_assert_cmpuint (in.agent_tokens, ==, 10);
  g_assert_cmpuint (in.multi_media_time, ==, 0x10000);
  g_assert_cmpuint (in.ram_hint, ==, 64u * 1024 * 1024);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (channels, sizeof channels);
  g_assert_true (tether_spice_msg_main_channels_list_decode (b, &cl, &error));
  g_assert_cmpuint (cl.n_channels, ==, 5);
  g_assert_cmpuint (cl.channels[0].type, ==, TETHER_SPICE_WIRE_CHANNEL_MAIN);
  g_assert_cmpuint (cl.channels[3].type, ==, TETHER_SPICE_WIRE_CHANNEL_CURSOR);
  /* An unknown type is kept, for the caller to skip. */
  g_assert_cmpuint (cl.channels[4].type, ==, 0x63);
  g_assert_cmpuint (cl.channels[4].id, ==, 5);
  tether_spice_msg_main_channels_list_clear (&cl);
  g_assert_null (cl.channels);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (mouse_mode, sizeof mouse_mode);
  g_assert_true (tether_spice_msg_main_mouse_mode_decode (b, &mm, &error));
  g_assert_cmpuint (mm.supported_modes, ==, 3);
  g_assert_cmpuint (mm.current_mode, ==, TETHER_SPICE_MOUSE_MODE_CLIENT);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (u32_value, sizeof u32_value);
  g_assert_true (tether_spice_msg_main_u32_decode (TETHER_SPICE_MSG_MAIN_AGENT_TOKEN, b, &v, &error));
  g_assert_cmpuint (v, ==, 10);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (agent_chunk, sizeof agent_chunk);
  g_assert_true (tether_spice_msg_main_agent_data_decode (b, &data, &error));
  g_assert_true (g_bytes_equal (data, b));
  g_bytes_unref (data);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (name_nul, sizeof name_nul);
  g_assert_true (tether_spice_msg_main_name_decode (b, &name, &error));
  g_assert_cmpstr (name, ==, "testvm1");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&b, g_bytes_unref);
  b = g_bytes_new_static (name_no_nul, sizeof name_no_nul);
  g_assert_true (tether_spice_msg_main_name_decode (b, &name, &error));
  g_assert_cmpstr (name, ==, "testvm1");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&b, g_bytes_unref);
  b = g_bytes_new_static (name_empty, sizeof name_empty);
  g_assert_true (tether_spice_msg_main_name_decode (b, &name, &error));
  g_assert_cmpstr (name, ==, "");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (uuid, sizeof uuid);
  g_assert_true (tether_spice_msg_main_uuid_decode (b, u, &error));
  g_assert_cmpmem (u, sizeof u, uuid, sizeof uuid);
  g_assert_no_error (error);
}

static void
test_main_migrate (void)
{
  g_autoptr(GBytes) a = g_bytes_new_static (migrate_begin, sizeof migrate_begin);
  g_autoptr(GBytes) b = g_bytes_new_static (migrate_subject, sizeof migrate_subject);
  g_autoptr(GBytes) c = g_bytes_new_static (migrate_seamless, sizeof migrate_seamless);
  g_autoptr(GError) error = NULL;
  TetherSpiceMsgMainMigrate m;

  g_assert_true (tether_spice_msg_main_migrate_decode (TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN, a, &m, &error));
  g_assert_cmpuint (m.port, ==, 5930);
  g_assert_cmpuint (m.sport, ==, 5931);
  g_assert_cmpstr (m.host, ==, "127.0.0.1");
  g_assert_null (m.cert_subject);
  g_assert_cmpuint (m.src_mig_version, ==, 0);
  /* The channel reports it as not supported. */
  g_assert_false (tether_spice_migration_unsupported (&m, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "migration"));
  g_clear_error (&error);
  tether_spice_msg_main_migrate_clear (&m);

  g_assert_true (tether_spice_msg_main_migrate_decode (TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST, b, &m, &error));
  g_assert_cmpstr (m.host, ==, "dst.examp");
  g_assert_cmpstr (m.cert_subject, ==, "C=XX,CN=host");
  g_assert_cmpuint (m.sport, ==, 0);
  tether_spice_msg_main_migrate_clear (&m);
  g_assert_null (m.host);

  g_assert_true (tether_spice_msg_main_migrate_decode (TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS, c, &m, &error));
  g_assert_cmpstr (m.host, ==, "[::]");
  g_assert_cmpuint (m.port, ==, 0);
  g_assert_cmpuint (m.sport, ==, 5931);
  g_assert_cmpuint (m.src_mig_version, ==, 1);
  tether_spice_msg_main_migrate_clear (&m);
}

static void
test_main_hostile (void)
{
  static const guint8 init_long[33] = { [8] = 1, [12] = 1 };
  static const guint8 init_no_modes[32] = { [12] = 1 };
  static const guint8 init_bad_modes[32] = { [8] = 4, [12] = 1 };
  static const guint8 init_current_3[32] = { [8] = 3, [12] = 3 };
  static const guint8 init_current_0[32] = { [8] = 3 };
  static const guint8 channels_513[] = { 0x01, 0x02, 0x00, 0x00 };
  static const guint8 channels_max[] = { 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 };
  static const guint8 channels_short[] = { 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00 };
  static const guint8 channels_long[] = { 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02 };
  static const guint8 mouse_none[] = { 0x00, 0x00, 0x01, 0x00 };
  static const guint8 mouse_both[] = { 0x03, 0x00, 0x03, 0x00 };
  static const guint8 u32_long[] = { 1, 2, 3, 4, 5 };
  static const guint8 name_over[] = { 0x01, 0x10, 0x00, 0x00 };
  static const guint8 name_huge[] = { 0xff, 0xff, 0xff, 0xff, 'x' };
  static const guint8 name_short[] = { 0x0a, 0x00, 0x00, 0x00, 'a', 'b', 0x00 };
  static const guint8 name_inner_nul[] = { 0x05, 0x00, 0x00, 0x00, 'a', 0x00, 'b', 'c', 0x00 };
  static const guint8 name_long[] = { 0x02, 0x00, 0x00, 0x00, 'a', 0x00, 'z' };
  static const guint8 uuid_long[17] = { 0 };
  static const guint8 one_byte[] = { 0x00 };
  static const guint8 host_null[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 host_far[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x00, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 host_past_end[] = {
    0, 0, 0, 0, 0x05, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 host_over[] = {
    0, 0, 0, 0, 0x01, 0x04, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 host_no_nul[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 'b',
  };
  static const guint8 host_zero_size[] = {
    0, 0, 0, 0, 0x00, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 host_empty[] = {
    0, 0, 0, 0, 0x01, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 host_space[] = {
    0, 0, 0, 0, 0x04, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', ' ', 'b', 0,
  };
  static const guint8 subject_half[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x14, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 'a', 0,
  };
  static const guint8 subject_control[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x14, 0, 0, 0, 0x04, 0, 0, 0, 0x16, 0, 0, 0, 'a', 0,
    'x', '\n', 'y', 0,
  };
  static const guint8 subject_over[] = {
    0, 0, 0, 0, 0x02, 0, 0, 0, 0x14, 0, 0, 0, 0x01, 0x10, 0, 0, 0x16, 0, 0, 0, 'a', 0,
  };
  static const SpiceBadVector table[] = {
    { "init-long", decode_init, SPICE_VEC (init_long), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_INIT: 1 unexpected trailing" },
    { "init-no-modes", decode_init, SPICE_VEC (init_no_modes), TETHER_SPICE_ERROR_PROTOCOL, "supported mouse modes 0x0" },
    { "init-bad-modes", decode_init, SPICE_VEC (init_bad_modes), TETHER_SPICE_ERROR_PROTOCOL, "0x4" },
    { "init-current-3", decode_init, SPICE_VEC (init_current_3), TETHER_SPICE_ERROR_PROTOCOL, "current mouse mode 3" },
    { "init-current-0", decode_init, SPICE_VEC (init_current_0), TETHER_SPICE_ERROR_PROTOCOL, "current mouse mode 0" },
    { "channels-513", decode_channels, SPICE_VEC (channels_513), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "513 channels" },
    { "channels-max", decode_channels, SPICE_VEC (channels_max), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4294967295" },
    { "channels-short", decode_channels, SPICE_VEC (channels_short), TETHER_SPICE_ERROR_PROTOCOL, "element count" },
    { "channels-long", decode_channels, SPICE_VEC (channels_long), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "mouse-none", decode_mouse_mode, SPICE_VEC (mouse_none), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_MOUSE_MODE" },
    { "mouse-both", decode_mouse_mode, SPICE_VEC (mouse_both), TETHER_SPICE_ERROR_PROTOCOL, "current mouse mode 3" },
    { "mm-time-long", decode_mm_time, SPICE_VEC (u32_long), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_MULTI_MEDIA_TIME" },
    { "token-long", decode_agent_token, SPICE_VEC (u32_long), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_AGENT_TOKEN" },
    { "name-over", decode_name, SPICE_VEC (name_over), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4097" },
    { "name-huge", decode_name, SPICE_VEC (name_huge), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4294967295" },
    { "name-short", decode_name, SPICE_VEC (name_short), TETHER_SPICE_ERROR_PROTOCOL, "10 bytes wanted" },
    { "name-inner-nul", decode_name, SPICE_VEC (name_inner_nul), TETHER_SPICE_ERROR_PROTOCOL, "NUL byte" },
    { "name-long", decode_name, SPICE_VEC (name_long), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "uuid-long", decode_uuid, SPICE_VEC (uuid_long), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_UUID" },
    { "agent-connected-not-empty", decode_empty, SPICE_VEC (one_byte), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_AGENT_CONNECTED" },
    { "host-null", decode_migrate_begin, SPICE_VEC (host_null), TETHER_SPICE_ERROR_PROTOCOL, "NULL offset" },
    { "host-far", decode_migrate_begin, SPICE_VEC (host_far), TETHER_SPICE_ERROR_PROTOCOL, "outside" },
    { "host-past-end", decode_switch_host, SPICE_VEC (host_past_end), TETHER_SPICE_ERROR_PROTOCOL, "outside" },
    { "host-over", decode_migrate_begin, SPICE_VEC (host_over), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1025" },
    { "host-no-nul", decode_migrate_begin, SPICE_VEC (host_no_nul), TETHER_SPICE_ERROR_PROTOCOL, "not NUL-terminated" },
    { "host-zero-size", decode_migrate_begin, SPICE_VEC (host_zero_size), TETHER_SPICE_ERROR_PROTOCOL, "not NUL-terminated" },
    { "host-empty", decode_migrate_begin, SPICE_VEC (host_empty), TETHER_SPICE_ERROR_PROTOCOL, "not a host name" },
    { "host-space", decode_migrate_begin, SPICE_VEC (host_space), TETHER_SPICE_ERROR_PROTOCOL, "not a host name" },
    { "host-seamless-short", decode_migrate_seamless, SPICE_VEC (host_null), TETHER_SPICE_ERROR_PROTOCOL, "MAIN_MIGRATE_BEGIN_SEAMLESS" },
    { "subject-half", decode_migrate_begin, SPICE_VEC (subject_half), TETHER_SPICE_ERROR_PROTOCOL, "certificate subject" },
    { "subject-control", decode_migrate_begin, SPICE_VEC (subject_control), TETHER_SPICE_ERROR_PROTOCOL, "control characters" },
    { "subject-over", decode_migrate_begin, SPICE_VEC (subject_over), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4097" },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

static void
test_main_agent_data_cap (void)
{
  g_autoptr(GBytes) max = g_bytes_new_take (g_malloc0 (TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE),
                                            TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE);
  g_autoptr(GBytes) over = g_bytes_new_take (g_malloc0 (TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE + 1),
                                             TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE + 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_agent_data (max, &error));
  g_assert_no_error (error);
  g_assert_false (decode_agent_data (over, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_assert_nonnull (strstr (error->message, "MAIN_AGENT_DATA"));
  g_assert_nonnull (strstr (error->message, "2049"));
}

static void
test_main_encode (void)
{
  static const guint8 client_info[] = { 0x00, 0x10, 0, 0, 0, 0, 0, 0 };
  static const guint8 mouse_client[] = { 0x02, 0x00 };
  static const guint8 start_unlimited[] = { 0xff, 0xff, 0xff, 0xff };
  static const guint8 token[] = { 0x0a, 0x00, 0x00, 0x00 };
  static const guint8 piece[] = { 1, 2, 3 };
  g_autoptr(GBytes) a = tether_spice_msgc_main_client_info_encode (0x1000);
  g_autoptr(GBytes) b = tether_spice_msgc_main_attach_channels_encode ();
  g_autoptr(GBytes) c = tether_spice_msgc_main_mouse_mode_request_encode (TETHER_SPICE_MOUSE_MODE_CLIENT);
  g_autoptr(GBytes) d = tether_spice_msgc_main_agent_start_encode (TETHER_SPICE_AGENT_TOKENS_UNLIMITED);
  g_autoptr(GBytes) e = tether_spice_msgc_main_agent_token_encode (10);
  g_autoptr(GBytes) f = tether_spice_msgc_main_agent_data_encode (piece, sizeof piece);

  spice_test_assert_bytes (a, client_info, sizeof client_info);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 0);
  spice_test_assert_bytes (c, mouse_client, sizeof mouse_client);
  spice_test_assert_bytes (d, start_unlimited, sizeof start_unlimited);
  spice_test_assert_bytes (e, token, sizeof token);
  spice_test_assert_bytes (f, piece, sizeof piece);
}

static void
test_main_encode_bad_mode (void)
{
  if (g_test_subprocess ())
    {
      GBytes *b = tether_spice_msgc_main_mouse_mode_request_encode (3);

      g_assert_null (b);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*mode == TETHER_SPICE_MOUSE_MODE_SERVER*");
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/main/valid", test_main_valid);
  g_test_add_func ("/spice/wire/main/truncated", test_main_prefixes);
  g_test_add_func ("/spice/wire/main/values", test_main_values);
  g_test_add_func ("/spice/wire/main/migrate", test_main_migrate);
  g_test_add_func ("/spice/wire/main/hostile", test_main_hostile);
  g_test_add_func ("/spice/wire/main/agent-data-cap", test_main_agent_data_cap);
  g_test_add_func ("/spice/wire/main/encode", test_main_encode);
  g_test_add_func ("/spice/wire/main/encode-bad-mode", test_main_encode_bad_mode);
  return g_test_run ();
}
