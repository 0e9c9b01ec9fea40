/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-spice-link-private.h"
#include "spice-wire-test.h"

/* ---- link message (client -> server) ------------------------------------ */

static void
test_link_mess_encode (void)
{
  /* Main channel of a new session, common caps {AUTH_SELECTION, MINI_HEADER},
   * main caps {0,1,2,3}, written out by hand from §3.2/§3.3. */
  static const guint8 expected[] = {
    'R', 'E', 'D', 'Q',
    0x02, 0x00, 0x00, 0x00,         /* major */
    0x02, 0x00, 0x00, 0x00,         /* minor */
    0x1a, 0x00, 0x00, 0x00,         /* size = 18 + 2 * 4 */
    0x00, 0x00, 0x00, 0x00,         /* connection_id */
    0x01,                           /* channel_type main */
    0x00,                           /* channel_id */
    0x01, 0x00, 0x00, 0x00,         /* num_common_caps */
    0x01, 0x00, 0x00, 0x00,         /* num_channel_caps */
    0x12, 0x00, 0x00, 0x00,         /* caps_offset 18 */
    0x09, 0x00, 0x00, 0x00,         /* common caps: bits 0 and 3 */
    0x0f, 0x00, 0x00, 0x00,         /* main caps: bits 0..3 */
  };
  guint32 common[1] = { 0 }, channel[1] = { 0 };
  TetherSpiceLinkMess mess = {
    .connection_id = 0,
    .channel_type = TETHER_SPICE_WIRE_CHANNEL_MAIN,
    .channel_id = 0,
    .common_caps = common, .n_common_caps = 1,
    .channel_caps = channel, .n_channel_caps = 1,
  };
  g_autoptr(GBytes) bytes = NULL;

  tether_spice_caps_set (common, 1, TETHER_SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION);
  tether_spice_caps_set (common, 1, TETHER_SPICE_COMMON_CAP_MINI_HEADER);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_SEMI_SEAMLESS_MIGRATE);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_NAME_AND_UUID);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_SEAMLESS_MIGRATE);
  bytes = tether_spice_link_mess_encode (&mess);
  spice_test_assert_bytes (bytes, expected, sizeof expected);
}

static void
test_link_mess_encode_secondary (void)
{
  /* A display channel joining session 0xdeadbeef, no channel caps. */
  static const guint8 expected[] = {
    'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0,
    0x16, 0x00, 0x00, 0x00,         /* size = 18 + 4 */
    0xef, 0xbe, 0xad, 0xde,
    0x02, 0x03,
    0x01, 0, 0, 0,
    0x00, 0, 0, 0,
    0x12, 0, 0, 0,
    0x08, 0, 0, 0,
  };
  guint32 common[1] = { 1u << TETHER_SPICE_COMMON_CAP_MINI_HEADER };
  TetherSpiceLinkMess mess = {
    .connection_id = 0xdeadbeef,
    .channel_type = TETHER_SPICE_WIRE_CHANNEL_DISPLAY,
    .channel_id = 3,
    .common_caps = common, .n_common_caps = 1,
  };
  g_autoptr(GBytes) bytes = tether_spice_link_mess_encode (&mess);

  spice_test_assert_bytes (bytes, expected, sizeof expected);
}

/* ---- link header (server -> client) ------------------------------------- */

static gboolean
decode_header (GBytes *b, GError **error)
{
  TetherSpiceLinkHeader h;
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  return tether_spice_link_header_decode (data, len, &h, error);
}

static const guint8 header_ok[] = {
  'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0xba, 0x00, 0x00, 0x00,
};
static const guint8 header_bad_magic[] = {
  'R', 'E', 'D', 'X', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0xba, 0x00, 0x00, 0x00,
};
static const guint8 header_http[] = {     /* someone answered with HTTP */
  'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0', ' ', 'B', 'a', 'd',
};
static const guint8 header_major1[] = {
  'R', 'E', 'D', 'Q', 0x01, 0, 0, 0, 0x00, 0, 0, 0, 0xba, 0x00, 0x00, 0x00,
};
static const guint8 header_major3[] = {
  'R', 'E', 'D', 'Q', 0x03, 0, 0, 0, 0x02, 0, 0, 0, 0xba, 0x00, 0x00, 0x00,
};
static const guint8 header_small[] = {
  'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0xb1, 0x00, 0x00, 0x00,  /* 177 */
};
static const guint8 header_big[] = {
  'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x01, 0x10, 0x00, 0x00,  /* 4097 */
};
static const guint8 header_huge[] = {
  'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
};
static const guint8 header_long[] = {
  'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x02, 0, 0, 0, 0xba, 0x00, 0x00, 0x00, 0x00,
};

static void
test_link_header_valid (void)
{
  static const guint8 other_minor[] = {
    'R', 'E', 'D', 'Q', 0x02, 0, 0, 0, 0x07, 0, 0, 0, 0x00, 0x10, 0x00, 0x00,  /* 4096 */
  };
  TetherSpiceLinkHeader h;
  g_autoptr(GError) error = NULL;
  SpiceValidVector v = { "link-header", decode_header, SPICE_VEC (header_ok), 0 };

  g_assert_true (tether_spice_link_header_decode (header_ok, sizeof header_ok, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h.major_version, ==, 2);
  g_assert_cmpuint (h.minor_version, ==, 2);
  g_assert_cmpuint (h.size, ==, 186);
  /* Only the major version is compared; the largest allowed size passes. */
  g_assert_true (tether_spice_link_header_decode (other_minor, sizeof other_minor, &h, &error));
  g_assert_cmpuint (h.minor_version, ==, 7);
  g_assert_cmpuint (h.size, ==, TETHER_SPICE_MAX_LINK_SIZE);
  spice_test_prefixes (&v);
}

static void
test_link_header_hostile (void)
{
  static const SpiceBadVector table[] = {
    { "bad-magic", decode_header, SPICE_VEC (header_bad_magic), TETHER_SPICE_ERROR_LINK, "magic" },
    { "http", decode_header, SPICE_VEC (header_http), TETHER_SPICE_ERROR_LINK, "not a SPICE server" },
    { "major-1", decode_header, SPICE_VEC (header_major1), TETHER_SPICE_ERROR_LINK, "protocol 1" },
    { "major-3", decode_header, SPICE_VEC (header_major3), TETHER_SPICE_ERROR_LINK, "protocol 3" },
    { "small", decode_header, SPICE_VEC (header_small), TETHER_SPICE_ERROR_PROTOCOL, "177" },
    { "big", decode_header, SPICE_VEC (header_big), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4097" },
    { "huge", decode_header, SPICE_VEC (header_huge), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4294967295" },
    { "long", decode_header, SPICE_VEC (header_long), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

/* ---- link reply --------------------------------------------------------- */

/* A reply written field by field with raw bytes (not with Tether's writer). */
static GByteArray *
build_reply (const guint8 error_le[4], const guint8 counts_and_offset[12],
             const guint8 *caps, gsize caps_len)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, error_le, 4);
  for (guint i = 0; i < TETHER_SPICE_TICKET_PUBKEY_BYTES; i++)
    {
      guint8 b = (guint8) (0x30 + i);
      g_byte_array_append (a, &b, 1);
    }
  g_byte_array_append (a, counts_and_offset, 12);
  if (caps_len > 0)
    g_byte_array_append (a, caps, (guint) caps_len);
  return a;
}

static const guint8 err_ok[4] = { 0, 0, 0, 0 };
static const guint8 caps_2_words[8] = { 0x0b, 0, 0, 0, 0x0f, 0, 0, 0 };

static gboolean
decode_reply (GBytes *b, GError **error)
{
  TetherSpiceLinkReply reply;
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  gboolean ok = tether_spice_link_reply_decode (data, len, &reply, error);

  tether_spice_link_reply_clear (&reply);
  return ok;
}

static void
test_link_reply_valid (void)
{
  static const guint8 counts[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 0xb2, 0, 0, 0 };
  g_autoptr(GByteArray) a = build_reply (err_ok, counts, caps_2_words, sizeof caps_2_words);
  TetherSpiceLinkReply reply;
  g_autoptr(GError) error = NULL;
  SpiceValidVector v = { "link-reply", decode_reply, a->data, a->len, 0 };

  g_assert_cmpuint (a->len, ==, 186);
  g_assert_true (tether_spice_link_reply_decode (a->data, a->len, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reply.error, ==, TETHER_SPICE_LINK_ERR_OK);
  g_assert_cmpuint (reply.pub_key[0], ==, 0x30);
  g_assert_cmpuint (reply.pub_key[161], ==, (guint8) (0x30 + 161));
  g_assert_cmpuint (reply.n_common_caps, ==, 1);
  g_assert_cmpuint (reply.n_channel_caps, ==, 1);
  g_assert_cmphex (reply.common_caps[0], ==, 0x0b);
  g_assert_cmphex (reply.channel_caps[0], ==, 0x0f);
  g_assert_true (tether_spice_caps_test (reply.common_caps, reply.n_common_caps,
                                         TETHER_SPICE_COMMON_CAP_AUTH_SELECTION));
  g_assert_true (tether_spice_caps_test (reply.common_caps, reply.n_common_caps,
                                         TETHER_SPICE_COMMON_CAP_AUTH_SPICE));
  g_assert_false (tether_spice_caps_test (reply.common_caps, reply.n_common_caps,
                                          TETHER_SPICE_COMMON_CAP_AUTH_SASL));
  g_assert_true (tether_spice_caps_test (reply.common_caps, reply.n_common_caps,
                                         TETHER_SPICE_COMMON_CAP_MINI_HEADER));
  tether_spice_link_reply_clear (&reply);
  g_assert_null (reply.common_caps);
  spice_test_prefixes (&v);
}

static void
test_link_reply_no_caps_and_gap (void)
{
  static const guint8 none[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0xb2, 0, 0, 0 };
  /* caps_offset 182: four bytes of padding, then the caps. */
  static const guint8 gap[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 0xb6, 0, 0, 0 };
  static const guint8 padded_caps[12] = { 0xee, 0xee, 0xee, 0xee, 0x01, 0, 0, 0, 0x02, 0, 0, 0 };
  g_autoptr(GByteArray) a = build_reply (err_ok, none, NULL, 0);
  g_autoptr(GByteArray) b = build_reply (err_ok, gap, padded_caps, sizeof padded_caps);
  TetherSpiceLinkReply reply;
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_spice_link_reply_decode (a->data, a->len, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reply.n_common_caps, ==, 0);
  g_assert_null (reply.common_caps);
  g_assert_false (tether_spice_caps_test (reply.common_caps, reply.n_common_caps, 0));
  tether_spice_link_reply_clear (&reply);

  g_assert_true (tether_spice_link_reply_decode (b->data, b->len, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmphex (reply.common_caps[0], ==, 1);
  g_assert_cmphex (reply.channel_caps[0], ==, 2);
  tether_spice_link_reply_clear (&reply);
}

static void
test_link_reply_error_code (void)
{
  static const guint8 secured[4] = { 5, 0, 0, 0 };
  static const guint8 zeros[12] = { 0 };
  g_autoptr(GByteArray) a = build_reply (secured, zeros, NULL, 0);
  TetherSpiceLinkReply reply;
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_spice_link_reply_decode (a->data, a->len, &reply, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK);
  g_assert_nonnull (strstr (error->message, "requires a TLS connection"));
  g_assert_nonnull (strstr (error->message, "NEED_SECURED"));
  /* The caller learns the code, to retry over TLS. */
  g_assert_cmpuint (reply.error, ==, TETHER_SPICE_LINK_ERR_NEED_SECURED);
  g_assert_null (reply.common_caps);
  g_clear_error (&error);

  /* An error word alone is reported the same way. */
  g_assert_false (tether_spice_link_reply_decode (secured, sizeof secured, &reply, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK);
}

static void
test_link_reply_hostile (void)
{
  static const guint8 err_unknown[4] = { 0x63, 0, 0, 0 };
  static const guint8 zeros[12] = { 0 };
  static const guint8 huge_common[12] = { 0, 0, 0, 0x40, 0, 0, 0, 0, 0xb2, 0, 0, 0 };
  static const guint8 over_channel[12] = { 0, 0, 0, 0, 0x01, 0x04, 0, 0, 0xb2, 0, 0, 0 };
  static const guint8 max_both[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xb2, 0, 0, 0 };
  static const guint8 offset_far[12] = { 1, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff };
  static const guint8 offset_inside[12] = { 1, 0, 0, 0, 0, 0, 0, 0, 0x64, 0, 0, 0 };
  static const guint8 offset_zero[12] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 caps_short[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 0xb2, 0, 0, 0 };
  static const guint8 caps_past_end[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 0xb6, 0, 0, 0 };
  static const guint8 one_word[4] = { 0x0b, 0, 0, 0 };
  struct {
    const char *name;
    const guint8 *err, *counts, *caps;
    gsize caps_len;
    gint code;
    const char *needle;
  } table[] = {
    { "unknown-error", err_unknown, zeros, NULL, 0, TETHER_SPICE_ERROR_LINK, "unknown" },
    { "huge-common", err_ok, huge_common, NULL, 0, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1073741824" },
    { "over-channel", err_ok, over_channel, NULL, 0, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1025" },
    { "max-both", err_ok, max_both, NULL, 0, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, NULL },
    { "offset-far", err_ok, offset_far, one_word, 4, TETHER_SPICE_ERROR_PROTOCOL, "offset 4294967280" },
    { "offset-inside", err_ok, offset_inside, one_word, 4, TETHER_SPICE_ERROR_PROTOCOL, "fixed part" },
    { "offset-zero", err_ok, offset_zero, one_word, 4, TETHER_SPICE_ERROR_PROTOCOL, "fixed part" },
    { "caps-short", err_ok, caps_short, one_word, 4, TETHER_SPICE_ERROR_PROTOCOL, "do not fit" },
    { "caps-past-end", err_ok, caps_past_end, caps_2_words, 8, TETHER_SPICE_ERROR_PROTOCOL, "do not fit" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GByteArray) a = build_reply (table[i].err, table[i].counts,
                                             table[i].caps, table[i].caps_len);
      SpiceBadVector v = { table[i].name, decode_reply, a->data, a->len,
                           table[i].code, table[i].needle };

      spice_test_bad (&v);
    }
}

/* ---- auth selection, mechanism word, link result ------------------------ */

static void
test_link_choose_auth (void)
{
  struct {
    guint32 common;
    guint n_common;
    gboolean client_sasl;
    gboolean ok;
    gboolean send;
    guint32 mechanism;
    gint code;
  } table[] = {
    { 0x0b, 1, FALSE, TRUE, TRUE, TETHER_SPICE_AUTH_MECHANISM_SPICE, 0 },
    { 0x0b, 1, TRUE, TRUE, TRUE, TETHER_SPICE_AUTH_MECHANISM_SPICE, 0 },
    { 0x07, 1, TRUE, TRUE, TRUE, TETHER_SPICE_AUTH_MECHANISM_SASL, 0 },
    { 0x07, 1, FALSE, TRUE, TRUE, TETHER_SPICE_AUTH_MECHANISM_SPICE, 0 },
    { 0x05, 1, FALSE, FALSE, TRUE, 0, TETHER_SPICE_ERROR_UNSUPPORTED },
    { 0x05, 1, TRUE, TRUE, TRUE, TETHER_SPICE_AUTH_MECHANISM_SASL, 0 },
    { 0x01, 1, TRUE, FALSE, TRUE, 0, TETHER_SPICE_ERROR_LINK },
    { 0x02, 1, FALSE, TRUE, FALSE, TETHER_SPICE_AUTH_MECHANISM_SPICE, 0 },  /* old server */
    { 0x00, 0, FALSE, TRUE, FALSE, TETHER_SPICE_AUTH_MECHANISM_SPICE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      guint32 caps[1] = { table[i].common };
      TetherSpiceLinkReply reply = { .common_caps = caps, .n_common_caps = table[i].n_common };
      gboolean send = 99;
      guint32 mechanism = 99;
      g_autoptr(GError) error = NULL;
      gboolean ok = tether_spice_link_choose_auth (&reply, table[i].client_sasl,
                                                   &send, &mechanism, &error);

      g_assert_cmpint (ok, ==, table[i].ok);
      g_assert_cmpint (send, ==, table[i].send);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (mechanism, ==, table[i].mechanism);
        }
      else
        g_assert_error (error, TETHER_SPICE_ERROR, table[i].code);
    }
}

static void
test_auth_mechanism_encode (void)
{
  static const guint8 spice[] = { 0x01, 0x00, 0x00, 0x00 };
  static const guint8 sasl[] = { 0x02, 0x00, 0x00, 0x00 };
  g_autoptr(GBytes) a = tether_spice_auth_mechanism_encode (TETHER_SPICE_AUTH_MECHANISM_SPICE);
  g_autoptr(GBytes) b = tether_spice_auth_mechanism_encode (TETHER_SPICE_AUTH_MECHANISM_SASL);

  spice_test_assert_bytes (a, spice, sizeof spice);
  spice_test_assert_bytes (b, sasl, sizeof sasl);
}

static gboolean
decode_result (GBytes *b, GError **error)
{
  guint32 code;
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  return tether_spice_link_result_decode (data, len, &code, error);
}

static void
test_link_result (void)
{
  static const guint8 ok[] = { 0, 0, 0, 0 };
  static const guint8 denied[] = { 0x07, 0, 0, 0 };
  static const guint8 bad_id[] = { 0x08, 0, 0, 0 };
  static const guint8 no_channel[] = { 0x09, 0, 0, 0 };
  static const guint8 invalid[] = { 0x03, 0, 0, 0 };
  static const guint8 unknown[] = { 0x00, 0x01, 0, 0 };
  static const guint8 five[] = { 0, 0, 0, 0, 0 };
  static const SpiceValidVector valid = { "result-ok", decode_result, SPICE_VEC (ok), 0 };
  static const SpiceBadVector table[] = {
    { "denied", decode_result, SPICE_VEC (denied), TETHER_SPICE_ERROR_AUTH, "password" },
    { "bad-id", decode_result, SPICE_VEC (bad_id), TETHER_SPICE_ERROR_LINK, "BAD_CONNECTION_ID" },
    { "no-channel", decode_result, SPICE_VEC (no_channel), TETHER_SPICE_ERROR_LINK, "CHANNEL_NOT_AVAILABLE" },
    { "invalid", decode_result, SPICE_VEC (invalid), TETHER_SPICE_ERROR_LINK, "INVALID_DATA" },
    { "unknown", decode_result, SPICE_VEC (unknown), TETHER_SPICE_ERROR_LINK, "256" },
    { "five", decode_result, SPICE_VEC (five), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
  };
  guint32 code = 0;

  spice_test_valid (&valid);
  spice_test_prefixes (&valid);
  spice_test_bad_table (table, G_N_ELEMENTS (table));
  g_assert_false (tether_spice_link_result_decode (denied, sizeof denied, &code, NULL));
  g_assert_cmpuint (code, ==, TETHER_SPICE_LINK_ERR_PERMISSION_DENIED);
}

static void
test_link_err_text (void)
{
  for (guint32 code = 0; code <= TETHER_SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE; code++)
    {
      g_assert_nonnull (tether_spice_link_err_name (code));
      g_assert_nonnull (tether_spice_link_err_message (code));
      g_assert_cmpstr (tether_spice_link_err_message (code), !=,
                       tether_spice_link_err_message (1000));
    }
  g_assert_cmpstr (tether_spice_link_err_name (TETHER_SPICE_LINK_ERR_PERMISSION_DENIED), ==,
                   "PERMISSION_DENIED");
  g_assert_null (tether_spice_link_err_name (10));
  g_assert_nonnull (tether_spice_link_err_message (G_MAXUINT32));
}

/* ---- capability bits ---------------------------------------------------- */

static void
test_caps_bits (void)
{
  guint32 caps[2] = { 0, 0 };

  tether_spice_caps_set (caps, 2, 0);
  tether_spice_caps_set (caps, 2, 31);
  tether_spice_caps_set (caps, 2, 32);
  tether_spice_caps_set (caps, 2, 63);
  g_assert_cmphex (caps[0], ==, 0x80000001u);
  g_assert_cmphex (caps[1], ==, 0x80000001u);
  g_assert_true (tether_spice_caps_test (caps, 2, 0));
  g_assert_true (tether_spice_caps_test (caps, 2, 31));
  g_assert_true (tether_spice_caps_test (caps, 2, 32));
  g_assert_true (tether_spice_caps_test (caps, 2, 63));
  g_assert_false (tether_spice_caps_test (caps, 2, 1));
  g_assert_false (tether_spice_caps_test (caps, 2, 33));
  /* Beyond the array, or no array: not set. */
  g_assert_false (tether_spice_caps_test (caps, 2, 64));
  g_assert_false (tether_spice_caps_test (caps, 1, 32));
  g_assert_false (tether_spice_caps_test (NULL, 0, 0));
  g_assert_false (tether_spice_caps_test (caps, 2, G_MAXUINT));
  g_assert_cmpuint (TETHER_SPICE_CAPS_WORDS (TETHER_SPICE_VD_AGENT_END_CAP), ==, 1);
  g_assert_cmpuint (TETHER_SPICE_CAPS_WORDS (32), ==, 1);
  g_assert_cmpuint (TETHER_SPICE_CAPS_WORDS (33), ==, 2);
}

static void
test_caps_set_out_of_range (void)
{
  if (g_test_subprocess ())
    {
      guint32 caps[1] = { 0 };

      tether_spice_caps_set (caps, 1, 32);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cap / 32u < n_words*");
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/link-mess/encode", test_link_mess_encode);
  g_test_add_func ("/spice/wire/link-mess/encode-secondary", test_link_mess_encode_secondary);
  g_test_add_func ("/spice/wire/link-header/valid", test_link_header_valid);
  g_test_add_func ("/spice/wire/link-header/hostile", test_link_header_hostile);
  g_test_add_func ("/spice/wire/link-reply/valid", test_link_reply_valid);
  g_test_add_func ("/spice/wire/link-reply/no-caps-and-gap", test_link_reply_no_caps_and_gap);
  g_test_add_func ("/spice/wire/link-reply/error-code", test_link_reply_error_code);
  g_test_add_func ("/spice/wire/link-reply/hostile", test_link_reply_hostile);
  g_test_add_func ("/spice/wire/auth/choose", test_link_choose_auth);
  g_test_add_func ("/spice/wire/auth/mechanism-encode", test_auth_mechanism_encode);
  g_test_add_func ("/spice/wire/link-result/all", test_link_result);
  g_test_add_func ("/spice/wire/link-err/text", test_link_err_text);
  g_test_add_func ("/spice/wire/caps/bits", test_caps_bits);
  g_test_add_func ("/spice/wire/caps/set-out-of-range", test_caps_set_out_of_range);
  return g_test_run ();
}
