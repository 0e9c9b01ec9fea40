/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-spice-common-messages-private.h"
#include "spice-wire-test.h"

/* ---- wrappers: decode and free ------------------------------------------ */

static gboolean
decode_migrate (GBytes *b, GError **error)
{
  guint32 flags;

  return tether_spice_msg_migrate_decode (b, &flags, error);
}

static gboolean
decode_set_ack (GBytes *b, GError **error)
{
  TetherSpiceMsgSetAck m;

  return tether_spice_msg_set_ack_decode (b, &m, error);
}

static gboolean
decode_ping (GBytes *b, GError **error)
{
  TetherSpiceMsgPing m;
  gboolean ok = tether_spice_msg_ping_decode (b, &m, error);

  g_assert_true (ok == (m.data != NULL));
  tether_spice_msg_ping_clear (&m);
  return ok;
}

static gboolean
decode_wait (GBytes *b, GError **error)
{
  TetherSpiceMsgWaitForChannels m;
  gboolean ok = tether_spice_msg_wait_for_channels_decode (b, &m, error);

  if (!ok)
    g_assert_null (m.channels);
  tether_spice_msg_wait_for_channels_clear (&m);
  return ok;
}

static gboolean
decode_disconnecting (GBytes *b, GError **error)
{
  TetherSpiceMsgDisconnecting m;

  return tether_spice_msg_disconnecting_decode (b, &m, error);
}

static gboolean
decode_notify (GBytes *b, GError **error)
{
  TetherSpiceMsgNotify m;
  gboolean ok = tether_spice_msg_notify_decode (b, &m, error);

  g_assert_true (ok == (m.message != NULL));
  tether_spice_msg_notify_clear (&m);
  return ok;
}

static gboolean
decode_empty (GBytes *b, GError **error)
{
  return tether_spice_msg_empty_decode (b, "SPICE message TEST", error);
}

/* ---- vectors, by hand from §4.4 ----------------------------------------- */

static const guint8 migrate[] = { 0x03, 0x00, 0x00, 0x00 };
static const guint8 set_ack[] = { 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00 };
static const guint8 ping[] = {
  0x2a, 0x00, 0x00, 0x00,
  0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
};
static const guint8 ping_data[] = {
  0x2b, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
  0x00, 0x00, 0x00, 0x00, 0x00,
};
static const guint8 wait[] = {
  0x02,
  0x02, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* display 0, serial 16 */
  0x04, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   /* cursor 1, serial max */
};
static const guint8 wait_none[] = { 0x00 };
static const guint8 disconnecting[] = {
  0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x08, 0x00, 0x00, 0x00,
};
static const guint8 notify[] = {
  0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* time_stamp */
  0x02, 0x00, 0x00, 0x00,                           /* severity error */
  0x02, 0x00, 0x00, 0x00,                           /* visibility high */
  0x07, 0x00, 0x00, 0x00,                           /* what: PERMISSION_DENIED */
  0x05, 0x00, 0x00, 0x00,                           /* message_len */
  'h', 'e', 'l', 'l', 'o',
  0x00,                                             /* NUL appended by the server */
};
static const guint8 notify_no_nul[] = {
  0x10, 0, 0, 0, 0, 0, 0, 0, 0x00, 0, 0, 0, 0x00, 0, 0, 0, 0x00, 0, 0, 0,
  0x02, 0, 0, 0, 'o', 'k',
};
static const guint8 notify_empty[] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const SpiceValidVector valid[] = {
  { "migrate", decode_migrate, SPICE_VEC (migrate), 0 },
  { "set-ack", decode_set_ack, SPICE_VEC (set_ack), 0 },
  { "ping", decode_ping, SPICE_VEC (ping), 0 },
  { "ping-data", decode_ping, SPICE_VEC (ping_data), 12 },
  { "wait", decode_wait, SPICE_VEC (wait), 0 },
  { "wait-none", decode_wait, SPICE_VEC (wait_none), 0 },
  { "disconnecting", decode_disconnecting, SPICE_VEC (disconnecting), 0 },
  { "notify", decode_notify, SPICE_VEC (notify), sizeof notify - 1 },
  { "notify-no-nul", decode_notify, SPICE_VEC (notify_no_nul), 0 },
  { "notify-empty", decode_notify, SPICE_VEC (notify_empty), 0 },
};

static void
test_common_valid (void)
{
  spice_test_valid_table (valid, G_N_ELEMENTS (valid));
}

static void
test_common_prefixes (void)
{
  spice_test_prefix_table (valid, G_N_ELEMENTS (valid));
}

static void
test_common_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b = NULL;
  guint32 flags;
  TetherSpiceMsgSetAck ack;
  TetherSpiceMsgPing p;
  TetherSpiceMsgWaitForChannels w;
  TetherSpiceMsgDisconnecting d;
  TetherSpiceMsgNotify n;

  b = g_bytes_new_static (migrate, sizeof migrate);
  g_assert_true (tether_spice_msg_migrate_decode (b, &flags, &error));
  g_assert_cmphex (flags, ==, TETHER_SPICE_MIGRATE_NEED_FLUSH | TETHER_SPICE_MIGRATE_NEED_DATA_TRANSFER);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (set_ack, sizeof set_ack);
  g_assert_true (tether_spice_msg_set_ack_decode (b, &ack, &error));
  g_assert_cmpuint (ack.generation, ==, 1);
  g_assert_cmpuint (ack.window, ==, 20);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (ping_data, sizeof ping_data);
  g_assert_true (tether_spice_msg_ping_decode (b, &p, &error));
  g_assert_cmpuint (p.id, ==, 0x2b);
  g_assert_cmphex (p.timestamp, ==, G_GUINT64_CONSTANT (0x8000000000000001));
  g_assert_cmpuint (g_bytes_get_size (p.data), ==, 5);
  tether_spice_msg_ping_clear (&p);
  g_assert_null (p.data);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (wait, sizeof wait);
  g_assert_true (tether_spice_msg_wait_for_channels_decode (b, &w, &error));
  g_assert_cmpuint (w.n_channels, ==, 2);
  g_assert_cmpuint (w.channels[0].channel_type, ==, TETHER_SPICE_WIRE_CHANNEL_DISPLAY);
  g_assert_cmpuint (w.channels[0].channel_id, ==, 0);
  g_assert_cmpuint (w.channels[0].message_serial, ==, 16);
  g_assert_cmpuint (w.channels[1].channel_type, ==, TETHER_SPICE_WIRE_CHANNEL_CURSOR);
  g_assert_cmpuint (w.channels[1].channel_id, ==, 1);
  g_assert_cmpuint (w.channels[1].message_serial, ==, G_MAXUINT64);
  tether_spice_msg_wait_for_channels_clear (&w);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (disconnecting, sizeof disconnecting);
  g_assert_true (tether_spice_msg_disconnecting_decode (b, &d, &error));
  g_assert_cmpuint (d.time_stamp, ==, 256);
  g_assert_cmpuint (d.reason, ==, TETHER_SPICE_LINK_ERR_BAD_CONNECTION_ID);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (notify, sizeof notify);
  g_assert_true (tether_spice_msg_notify_decode (b, &n, &error));
  g_assert_cmpuint (n.time_stamp, ==, 16);
  g_assert_cmpuint (n.severity, ==, TETHER_SPICE_NOTIFY_SEVERITY_ERROR);
  g_assert_cmpuint (n.visibility, ==, TETHER_SPICE_NOTIFY_VISIBILITY_HIGH);
  g_assert_cmpuint (n.what, ==, TETHER_SPICE_LINK_ERR_PERMISSION_DENIED);
  g_assert_cmpstr (n.message, ==, "hello");
  tether_spice_msg_notify_clear (&n);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (notify_no_nul, sizeof notify_no_nul);
  g_assert_true (tether_spice_msg_notify_decode (b, &n, &error));
  g_assert_cmpstr (n.message, ==, "ok");
  tether_spice_msg_notify_clear (&n);
  g_clear_pointer (&b, g_bytes_unref);

  b = g_bytes_new_static (notify_empty, sizeof notify_empty);
  g_assert_true (tether_spice_msg_notify_decode (b, &n, &error));
  g_assert_cmpstr (n.message, ==, "");
  tether_spice_msg_notify_clear (&n);
  g_assert_no_error (error);
}

static void
test_notify_text (void)
{
  static const guint8 embedded_nul[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x05, 0, 0, 0, 'h', 'e', 0, 'l', 'o', 0,
  };
  static const guint8 bad_utf8[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x04, 0, 0, 0, 'a', 0xff, 0xc3, 'b',
  };
  g_autoptr(GBytes) a = g_bytes_new_static (embedded_nul, sizeof embedded_nul);
  g_autoptr(GBytes) b = g_bytes_new_static (bad_utf8, sizeof bad_utf8);
  TetherSpiceMsgNotify n;
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_spice_msg_notify_decode (a, &n, &error));
  g_assert_cmpstr (n.message, ==, "he");
  tether_spice_msg_notify_clear (&n);
  g_assert_true (tether_spice_msg_notify_decode (b, &n, &error));
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (n.message, -1, NULL));
  g_assert_true (g_str_has_prefix (n.message, "a"));
  g_assert_true (g_str_has_suffix (n.message, "b"));
  g_assert_nonnull (strstr (n.message, "\xef\xbf\xbd"));   /* U+FFFD */
  tether_spice_msg_notify_clear (&n);
}

static void
test_common_hostile (void)
{
  static const guint8 migrate_long[] = { 0x01, 0, 0, 0, 0 };
  static const guint8 wait_65[] = { 0x41 };
  static const guint8 wait_255[] = { 0xff, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 wait_short[] = {
    0x03, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 wait_long[] = { 0x01, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa };
  static const guint8 notify_severity[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 notify_visibility[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 notify_len_over[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x10, 0, 0,
  };
  static const guint8 notify_len_huge[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x',
  };
  static const guint8 notify_len_short[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 'a', 'b', 'c',
  };
  static const guint8 notify_bad_terminator[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 'o', 'k', 'X',
  };
  static const guint8 notify_two_nuls[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 'o', 'k', 0, 0,
  };
  static const guint8 one_byte[] = { 0x00 };
  static const SpiceBadVector table[] = {
    { "migrate-long", decode_migrate, SPICE_VEC (migrate_long), TETHER_SPICE_ERROR_PROTOCOL, "MIGRATE: 1 unexpected trailing" },
    { "set-ack-long", decode_set_ack, SPICE_VEC (ping), TETHER_SPICE_ERROR_PROTOCOL, "SET_ACK" },
    { "wait-65", decode_wait, SPICE_VEC (wait_65), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "65 channels" },
    { "wait-255", decode_wait, SPICE_VEC (wait_255), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "255" },
    { "wait-short", decode_wait, SPICE_VEC (wait_short), TETHER_SPICE_ERROR_PROTOCOL, "element count" },
    { "wait-long", decode_wait, SPICE_VEC (wait_long), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "notify-severity", decode_notify, SPICE_VEC (notify_severity), TETHER_SPICE_ERROR_PROTOCOL, "severity 3" },
    { "notify-visibility", decode_notify, SPICE_VEC (notify_visibility), TETHER_SPICE_ERROR_PROTOCOL, "visibility 9" },
    { "notify-len-over", decode_notify, SPICE_VEC (notify_len_over), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4097" },
    { "notify-len-huge", decode_notify, SPICE_VEC (notify_len_huge), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4294967295" },
    { "notify-len-short", decode_notify, SPICE_VEC (notify_len_short), TETHER_SPICE_ERROR_PROTOCOL, "10 bytes wanted" },
    { "notify-terminator", decode_notify, SPICE_VEC (notify_bad_terminator), TETHER_SPICE_ERROR_PROTOCOL, "0x58" },
    { "notify-two-nuls", decode_notify, SPICE_VEC (notify_two_nuls), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "empty-not-empty", decode_empty, SPICE_VEC (one_byte), TETHER_SPICE_ERROR_PROTOCOL, "SPICE message TEST" },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

static void
test_common_over_caps (void)
{
  gsize ping_len = 12 + TETHER_SPICE_MAX_PING_DATA_SIZE;
  g_autoptr(GBytes) ping_max = g_bytes_new_take (g_malloc0 (ping_len), ping_len);
  g_autoptr(GBytes) ping_over = g_bytes_new_take (g_malloc0 (ping_len + 1), ping_len + 1);
  gsize mig_len = TETHER_SPICE_MAX_MIGRATE_DATA_SIZE;
  g_autoptr(GBytes) mig_max = g_bytes_new_take (g_malloc0 (mig_len), mig_len);
  g_autoptr(GBytes) mig_over = g_bytes_new_take (g_malloc0 (mig_len + 1), mig_len + 1);
  g_autoptr(GError) error = NULL;
  GBytes *data = NULL;

  g_assert_true (decode_ping (ping_max, &error));
  g_assert_no_error (error);
  g_assert_false (decode_ping (ping_over, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  g_assert_true (tether_spice_msg_migrate_data_decode (mig_max, &data, &error));
  g_assert_true (data == mig_max);
  g_bytes_unref (data);
  g_assert_false (tether_spice_msg_migrate_data_decode (mig_over, &data, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_assert_null (data);
}

static void
test_common_encode (void)
{
  static const guint8 ack_sync[] = { 0x04, 0x03, 0x02, 0x01 };
  static const guint8 pong[] = {
    0x2a, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
  };
  static const guint8 disc[] = {
    0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01, 0x01, 0x00, 0x00, 0x00,
  };
  static const guint8 opaque[] = { 9, 8, 7 };
  g_autoptr(GBytes) a = tether_spice_msgc_ack_sync_encode (0x01020304);
  g_autoptr(GBytes) b = tether_spice_msgc_ack_encode ();
  g_autoptr(GBytes) c = tether_spice_msgc_pong_encode (42, G_GUINT64_CONSTANT (0x1122334455667788));
  g_autoptr(GBytes) d = tether_spice_msgc_migrate_flush_mark_encode ();
  g_autoptr(GBytes) e = tether_spice_msgc_disconnecting_encode (G_GUINT64_CONSTANT (0x0123456789abcdef), 1);
  g_autoptr(GBytes) in = g_bytes_new_static (opaque, sizeof opaque);
  g_autoptr(GBytes) f = tether_spice_msgc_migrate_data_encode (in);

  spice_test_assert_bytes (a, ack_sync, sizeof ack_sync);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 0);
  spice_test_assert_bytes (c, pong, sizeof pong);
  g_assert_cmpuint (g_bytes_get_size (d), ==, 0);
  spice_test_assert_bytes (e, disc, sizeof disc);
  spice_test_assert_bytes (f, opaque, sizeof opaque);
}

static void
test_ping_pong_round_trip (void)
{
  /* PING in, PONG out: the echo is the first 12 bytes, without data. */
  g_autoptr(GBytes) in = spice_test_bytes (ping_data, sizeof ping_data);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) again_in = NULL;
  TetherSpiceMsgPing p, q;

  g_assert_true (tether_spice_msg_ping_decode (in, &p, NULL));
  out = tether_spice_msgc_pong_encode (p.id, p.timestamp);
  spice_test_assert_bytes (out, ping_data, 12);
  /* The pong body has the ping's layout, so it decodes back. */
  g_assert_true (tether_spice_msg_ping_decode (out, &q, NULL));
  g_assert_cmpuint (q.id, ==, p.id);
  g_assert_cmpuint (q.timestamp, ==, p.timestamp);
  g_assert_cmpuint (g_bytes_get_size (q.data), ==, 0);
  tether_spice_msg_ping_clear (&p);
  tether_spice_msg_ping_clear (&q);

  /* And DISCONNECTING, which both sides may send. */
  again_in = tether_spice_msgc_disconnecting_encode (77, TETHER_SPICE_LINK_ERR_ERROR);
  {
    TetherSpiceMsgDisconnecting d;

    g_assert_true (tether_spice_msg_disconnecting_decode (again_in, &d, NULL));
    g_assert_cmpuint (d.time_stamp, ==, 77);
    g_assert_cmpuint (d.reason, ==, TETHER_SPICE_LINK_ERR_ERROR);
  }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/common/valid", test_common_valid);
  g_test_add_func ("/spice/wire/common/truncated", test_common_prefixes);
  g_test_add_func ("/spice/wire/common/values", test_common_values);
  g_test_add_func ("/spice/wire/common/notify-text", test_notify_text);
  g_test_add_func ("/spice/wire/common/hostile", test_common_hostile);
  g_test_add_func ("/spice/wire/common/over-caps", test_common_over_caps);
  g_test_add_func ("/spice/wire/common/encode", test_common_encode);
  g_test_add_func ("/spice/wire/common/ping-pong", test_ping_pong_round_trip);
  return g_test_run ();
}
