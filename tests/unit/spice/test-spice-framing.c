/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-spice-framing-private.h"
#include "tether-spice-common-messages-private.h"
#include "spice-wire-test.h"

/* ---- data headers ------------------------------------------------------- */

static gboolean
decode_mini (GBytes *b, GError **error)
{
  TetherSpiceDataHeader h;
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  return tether_spice_mini_header_decode (data, len, &h, error);
}

static gboolean
decode_full (GBytes *b, GError **error)
{
  TetherSpiceDataHeader h;
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  return tether_spice_full_header_decode (data, len, &h, error);
}

static const guint8 mini_init[] = { 0x67, 0x00, 0x20, 0x00, 0x00, 0x00 };
static const guint8 full_ping[] = {
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,   /* serial */
  0x04, 0x00,                                       /* PING */
  0x0c, 0x00, 0x00, 0x00,                           /* size 12 */
  0x00, 0x00, 0x00, 0x00,                           /* no sub-list */
};

static void
test_headers_valid (void)
{
  static const guint8 full_sub[] = {
    0x09, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x18, 0, 0, 0, 0x16, 0, 0, 0,  /* sub_list 22 of 24 */
  };
  static const SpiceValidVector table[] = {
    { "mini", decode_mini, SPICE_VEC (mini_init), 0 },
    { "full", decode_full, SPICE_VEC (full_ping), 0 },
    { "full-sub", decode_full, SPICE_VEC (full_sub), 0 },
  };
  TetherSpiceDataHeader h;
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_spice_mini_header_decode (mini_init, sizeof mini_init, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h.type, ==, TETHER_SPICE_MSG_MAIN_INIT);
  g_assert_cmpuint (h.size, ==, 32);
  g_assert_cmpuint (h.serial, ==, 0);
  g_assert_cmpuint (h.sub_list, ==, 0);

  g_assert_true (tether_spice_full_header_decode (full_ping, sizeof full_ping, &h, &error));
  g_assert_cmphex (h.serial, ==, G_GUINT64_CONSTANT (0x0807060504030201));
  g_assert_cmpuint (h.type, ==, TETHER_SPICE_MSG_PING);
  g_assert_cmpuint (h.size, ==, 12);
  g_assert_cmpuint (h.sub_list, ==, 0);

  g_assert_true (tether_spice_full_header_decode (full_sub, sizeof full_sub, &h, &error));
  g_assert_cmpuint (h.sub_list, ==, 22);

  spice_test_valid_table (table, G_N_ELEMENTS (table));
  spice_test_prefix_table (table, G_N_ELEMENTS (table));
}

static void
test_headers_hostile (void)
{
  static const guint8 mini_long[] = { 0x67, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 sub_at_end[] = {
    1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x0c, 0, 0, 0, 0x0c, 0, 0, 0,
  };
  static const guint8 sub_one_byte[] = {
    1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x0c, 0, 0, 0, 0x0b, 0, 0, 0,
  };
  static const guint8 sub_far[] = {
    1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x0c, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
  };
  static const SpiceBadVector table[] = {
    { "mini-long", decode_mini, SPICE_VEC (mini_long), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "sub-at-end", decode_full, SPICE_VEC (sub_at_end), TETHER_SPICE_ERROR_PROTOCOL, "outside" },
    { "sub-one-byte", decode_full, SPICE_VEC (sub_one_byte), TETHER_SPICE_ERROR_PROTOCOL, "outside" },
    { "sub-far", decode_full, SPICE_VEC (sub_far), TETHER_SPICE_ERROR_PROTOCOL, "4294967295" },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

static void
test_frame_encode (void)
{
  static const guint8 pong_body[] = { 7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
  static const guint8 mini[] = {
    0x03, 0x00, 0x0c, 0x00, 0x00, 0x00,
    7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
  };
  static const guint8 full[] = {
    0x05, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0, 0, 0, 0,
    7, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
  };
  static const guint8 empty_mini[] = { 0x68, 0x00, 0x00, 0x00, 0x00, 0x00 };
  g_autoptr(GBytes) body = g_bytes_new_static (pong_body, sizeof pong_body);
  g_autoptr(GBytes) a = tether_spice_message_frame (TRUE, 99, TETHER_SPICE_MSGC_PONG, body);
  g_autoptr(GBytes) b = tether_spice_message_frame (FALSE, 5, TETHER_SPICE_MSGC_PONG, body);
  g_autoptr(GBytes) c = tether_spice_message_frame (TRUE, 0, TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS, NULL);
  TetherSpiceDataHeader h;

  spice_test_assert_bytes (a, mini, sizeof mini);
  spice_test_assert_bytes (b, full, sizeof full);
  spice_test_assert_bytes (c, empty_mini, sizeof empty_mini);
  /* And back. */
  g_assert_true (tether_spice_full_header_decode (full, TETHER_SPICE_FULL_HEADER_SIZE, &h, NULL));
  g_assert_cmpuint (h.serial, ==, 5);
  g_assert_cmpuint (h.type, ==, TETHER_SPICE_MSGC_PONG);
  g_assert_cmpuint (h.size, ==, sizeof pong_body);
}

/* ---- size caps ---------------------------------------------------------- */

static void
test_max_size (void)
{
  struct {
    guint8 channel;
    guint16 type;
    guint32 max;
  } table[] = {
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_MAIN_INIT, 32 },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_MAIN_AGENT_DATA, 2048 },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL, 0 },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_MAIN_UUID, 16 },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_MAIN_CHANNELS_LIST, 4 + 2 * TETHER_SPICE_MAX_CHANNELS },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, 999, TETHER_SPICE_MAX_MAIN_MESSAGE_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_MAIN, TETHER_SPICE_MSG_SET_ACK, 8 },
    { TETHER_SPICE_WIRE_CHANNEL_DISPLAY, TETHER_SPICE_MSG_PING, 12 + TETHER_SPICE_MAX_PING_DATA_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_DISPLAY, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, TETHER_SPICE_MAX_DISPLAY_MESSAGE_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_DISPLAY, TETHER_SPICE_MSG_LIST, TETHER_SPICE_MAX_DISPLAY_MESSAGE_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_CURSOR, TETHER_SPICE_MSG_LIST, TETHER_SPICE_MAX_CURSOR_MESSAGE_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_CURSOR, 50, TETHER_SPICE_MAX_CURSOR_MESSAGE_SIZE },
    { TETHER_SPICE_WIRE_CHANNEL_INPUTS, TETHER_SPICE_MSG_NOTIFY, 24 + TETHER_SPICE_MAX_NOTIFY_MESSAGE_LENGTH + 1 },
    { TETHER_SPICE_WIRE_CHANNEL_USBREDIR, TETHER_SPICE_MSG_SPICEVMC_DATA, TETHER_SPICE_MAX_SPICEVMC_MESSAGE_SIZE },
    { 200, 101, TETHER_SPICE_MAX_OTHER_MESSAGE_SIZE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      guint32 max = tether_spice_message_max_size (table[i].channel, table[i].type);

      g_assert_cmpuint (max, ==, table[i].max);
      g_assert_true (tether_spice_message_check_size (table[i].channel, table[i].type, max, &error));
      g_assert_no_error (error);
      g_assert_false (tether_spice_message_check_size (table[i].channel, table[i].type, max + 1, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
    }
}

static void
test_check_size_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_spice_message_check_size (TETHER_SPICE_WIRE_CHANNEL_MAIN,
                                                   TETHER_SPICE_MSG_MAIN_INIT, 33, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (error->message, ==,
                   "SPICE message MAIN_INIT: body of 33 bytes is over the limit of 32");
  g_clear_error (&error);
  g_assert_false (tether_spice_message_check_size (TETHER_SPICE_WIRE_CHANNEL_MAIN, 200,
                                                   G_MAXUINT32, &error));
  g_assert_nonnull (strstr (error->message, "SPICE main message 200"));
  g_assert_nonnull (strstr (error->message, "4294967295"));
}

/* ---- sub-message lists -------------------------------------------------- */

/* MSG_LIST: a list at offset 0 with SET_ACK and PING, by hand from §4.2. */
static const guint8 msg_list[] = {
  0x02, 0x00,                     /* 2 sub-messages */
  0x0a, 0x00, 0x00, 0x00,         /* at 10 */
  0x18, 0x00, 0x00, 0x00,         /* at 24 */
  /* 10: SET_ACK, 8 bytes */
  0x03, 0x00, 0x08, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
  /* 24: PING, 12 bytes */
  0x04, 0x00, 0x0c, 0x00, 0x00, 0x00,
  0x07, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
};

/* A full-header message with its own data (MIGRATE flags), one
 * sub-message after it and the list last, as spice-server lays it out. */
static const guint8 with_sub_list[] = {
  0x01, 0x00, 0x00, 0x00,         /* MIGRATE flags */
  0x03, 0x00, 0x08, 0x00, 0x00, 0x00,
  0x02, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00,
  0x01, 0x00,                     /* list at 18: 1 sub-message */
  0x04, 0x00, 0x00, 0x00,         /* at 4 */
};

static gboolean
parse_list (GBytes *b, GError **error)
{
  g_autoptr(GArray) subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_DISPLAY,
                                                            b, 0, NULL, error);

  return subs != NULL;
}

static gboolean
parse_at_18 (GBytes *b, GError **error)
{
  g_autoptr(GArray) subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_DISPLAY,
                                                            b, 18, NULL, error);

  return subs != NULL;
}

static void
test_sub_messages_list (void)
{
  g_autoptr(GBytes) body = spice_test_bytes (msg_list, sizeof msg_list);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) subs = NULL;
  TetherSpiceSubMessage *sub;
  TetherSpiceMsgSetAck ack;
  TetherSpiceMsgPing ping;
  gsize main_len = 99;
  SpiceValidVector v = { "msg-list", parse_list, SPICE_VEC (msg_list), 0 };

  subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_DISPLAY, body, 0,
                                          &main_len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (subs);
  g_assert_cmpuint (subs->len, ==, 2);
  g_assert_cmpuint (main_len, ==, 0);

  sub = &g_array_index (subs, TetherSpiceSubMessage, 0);
  g_assert_cmpuint (sub->type, ==, TETHER_SPICE_MSG_SET_ACK);
  g_assert_true (tether_spice_msg_set_ack_decode (sub->body, &ack, &error));
  g_assert_cmpuint (ack.generation, ==, 1);
  g_assert_cmpuint (ack.window, ==, 20);

  sub = &g_array_index (subs, TetherSpiceSubMessage, 1);
  g_assert_cmpuint (sub->type, ==, TETHER_SPICE_MSG_PING);
  g_assert_true (tether_spice_msg_ping_decode (sub->body, &ping, &error));
  g_assert_cmpuint (ping.id, ==, 7);
  g_assert_cmphex (ping.timestamp, ==, G_GUINT64_CONSTANT (0x1122334455667788));
  g_assert_cmpuint (g_bytes_get_size (ping.data), ==, 0);
  tether_spice_msg_ping_clear (&ping);

  spice_test_prefixes (&v);
}

static void
test_sub_messages_full_header (void)
{
  g_autoptr(GBytes) body = spice_test_bytes (with_sub_list, sizeof with_sub_list);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) subs = NULL;
  g_autoptr(GBytes) main_body = NULL;
  TetherSpiceSubMessage *sub;
  TetherSpiceMsgSetAck ack;
  guint32 flags;
  gsize main_len = 0;
  SpiceValidVector v = { "sub-list", parse_at_18, SPICE_VEC (with_sub_list), 0 };

  subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_DISPLAY, body, 18,
                                          &main_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (subs->len, ==, 1);
  g_assert_cmpuint (main_len, ==, 4);
  sub = &g_array_index (subs, TetherSpiceSubMessage, 0);
  g_assert_cmpuint (sub->type, ==, TETHER_SPICE_MSG_SET_ACK);
  g_assert_true (tether_spice_msg_set_ack_decode (sub->body, &ack, &error));
  g_assert_cmpuint (ack.generation, ==, 2);
  g_assert_cmpuint (ack.window, ==, 40);
  /* The main message decodes from its own data alone. */
  main_body = g_bytes_new_from_bytes (body, 0, main_len);
  g_assert_true (tether_spice_msg_migrate_decode (main_body, &flags, &error));
  g_assert_cmpuint (flags, ==, TETHER_SPICE_MIGRATE_NEED_FLUSH);

  spice_test_prefixes (&v);
}

static void
test_sub_messages_empty (void)
{
  static const guint8 empty[] = { 0x00, 0x00 };
  g_autoptr(GBytes) body = g_bytes_new_static (empty, sizeof empty);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_MAIN,
                                                            body, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (subs);
  g_assert_cmpuint (subs->len, ==, 0);
}

static void
test_sub_messages_hostile (void)
{
  static const guint8 too_many[] = { 0x01, 0x01, 0, 0, 0, 0 };
  static const guint8 max_count[] = { 0xff, 0xff };
  static const guint8 missing_offset[] = { 0x02, 0x00, 0x02, 0x00, 0x00, 0x00 };
  static const guint8 offset_far[] = { 0x01, 0x00, 0xff, 0xff, 0xff, 0xff };
  static const guint8 offset_partial_header[] = {
    0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x08,
  };
  static const guint8 size_past_end[] = {
    0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00, 1, 2, 3, 4,
  };
  static const guint8 size_huge[] = {
    0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4,
  };
  static const guint8 nested[] = {
    0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  static const guint8 over_type_cap[] = {   /* SET_ACK of 9 bytes */
    0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00,
    0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const SpiceBadVector table[] = {
    { "too-many", parse_list, SPICE_VEC (too_many), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "257" },
    { "max-count", parse_list, SPICE_VEC (max_count), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "65535" },
    { "missing-offset", parse_list, SPICE_VEC (missing_offset), TETHER_SPICE_ERROR_PROTOCOL, "element count" },
    { "offset-far", parse_list, SPICE_VEC (offset_far), TETHER_SPICE_ERROR_PROTOCOL, "offset out of range" },
    { "offset-partial", parse_list, SPICE_VEC (offset_partial_header), TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "size-past-end", parse_list, SPICE_VEC (size_past_end), TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "size-huge", parse_list, SPICE_VEC (size_huge), TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "nested", parse_list, SPICE_VEC (nested), TETHER_SPICE_ERROR_PROTOCOL, "itself a list" },
    { "over-type-cap", parse_list, SPICE_VEC (over_type_cap), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "SET_ACK" },
    { "list-offset-outside", parse_at_18, SPICE_VEC (too_many), TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "list-offset-one-byte", parse_at_18, with_sub_list, 19, TETHER_SPICE_ERROR_PROTOCOL, NULL },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/header/valid", test_headers_valid);
  g_test_add_func ("/spice/wire/header/hostile", test_headers_hostile);
  g_test_add_func ("/spice/wire/frame/encode", test_frame_encode);
  g_test_add_func ("/spice/wire/size-cap/table", test_max_size);
  g_test_add_func ("/spice/wire/size-cap/message", test_check_size_message);
  g_test_add_func ("/spice/wire/sub-messages/list", test_sub_messages_list);
  g_test_add_func ("/spice/wire/sub-messages/full-header", test_sub_messages_full_header);
  g_test_add_func ("/spice/wire/sub-messages/empty", test_sub_messages_empty);
  g_test_add_func ("/spice/wire/sub-messages/hostile", test_sub_messages_hostile);
  return g_test_run ();
}
