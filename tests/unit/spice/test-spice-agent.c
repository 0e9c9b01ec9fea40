/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-spice-agent-private.h"
#include "spice-wire-test.h"

/* The agent stream of one message, concatenated from its chunks. */
static GByteArray *
join (GPtrArray *chunks)
{
  GByteArray *all = g_byte_array_new ();

  for (guint i = 0; i < chunks->len; i++)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (chunks->pdata[i], &len);

      g_byte_array_append (all, p, (guint) len);
    }
  return all;
}

static GPtrArray *
new_message_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tether_spice_agent_message_free);
}

/* ---- chunking ----------------------------------------------------------- */

static void
test_agent_chunk_count (void)
{
  struct { gsize len; guint count; } table[] = {
    { 0, 1 },
    { 1, 1 },
    { 2048 - 20, 1 },
    { 2048 - 19, 2 },
    { 2 * 2048 - 20, 2 },
    { 2 * 2048 - 19, 3 },
    { 65536, 33 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    g_assert_cmpuint (tether_spice_agent_chunk_count (table[i].len), ==, table[i].count);
}

static void
test_agent_encode_small (void)
{
  /* VD_AGENT_MAX_CLIPBOARD (14) with i32 -1, by hand from §6.1. */
  static const guint8 expected[] = {
    0x01, 0x00, 0x00, 0x00,                           /* protocol */
    0x0e, 0x00, 0x00, 0x00,                           /* type */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* opaque */
    0x04, 0x00, 0x00, 0x00,                           /* size */
    0xff, 0xff, 0xff, 0xff,
  };
  static const guint8 payload[] = { 0xff, 0xff, 0xff, 0xff };
  g_autoptr(GPtrArray) chunks = tether_spice_agent_message_encode (TETHER_SPICE_VD_AGENT_MAX_CLIPBOARD,
                                                                   0, payload, sizeof payload);

  g_assert_cmpuint (chunks->len, ==, 1);
  spice_test_assert_bytes (chunks->pdata[0], expected, sizeof expected);
}

static void
test_agent_encode_split (void)
{
  gsize len = 5000;
  g_autofree guint8 *payload = g_malloc (len);
  g_autoptr(GPtrArray) chunks = NULL;
  g_autoptr(GByteArray) all = NULL;

  for (gsize i = 0; i < len; i++)
    payload[i] = (guint8) (i * 7);
  chunks = tether_spice_agent_message_encode (TETHER_SPICE_VD_AGENT_CLIPBOARD,
                                              G_GUINT64_CONSTANT (0x0102030405060708), payload, len);
  g_assert_cmpuint (chunks->len, ==, tether_spice_agent_chunk_count (len));
  g_assert_cmpuint (chunks->len, ==, 3);
  g_assert_cmpuint (g_bytes_get_size (chunks->pdata[0]), ==, 2048);
  g_assert_cmpuint (g_bytes_get_size (chunks->pdata[1]), ==, 2048);
  g_assert_cmpuint (g_bytes_get_size (chunks->pdata[2]), ==, 5020 - 4096);
  all = join (chunks);
  g_assert_cmpuint (all->len, ==, 20 + len);
  /* opaque is little-endian at offset 8, size at 16 */
  g_assert_cmpuint (all->data[8], ==, 0x08);
  g_assert_cmpuint (all->data[15], ==, 0x01);
  g_assert_cmpuint (all->data[16] | all->data[17] << 8, ==, 5000);
  g_assert_cmpmem (all->data + 20, len, payload, len);
}

/* ---- reassembly --------------------------------------------------------- */

/* Feeds @stream to a reassembler in pieces of @step bytes (the last shorter). */
static GPtrArray *
feed (TetherSpiceAgentReassembler *r, const guint8 *stream, gsize len, gsize step)
{
  GPtrArray *messages = new_message_array ();

  for (gsize off = 0; off < len; off += step)
    {
      g_autoptr(GBytes) chunk = spice_test_bytes (stream + off, MIN (step, len - off));
      g_autoptr(GError) error = NULL;

      g_assert_true (tether_spice_agent_reassembler_push (r, chunk, messages, &error));
      g_assert_no_error (error);
    }
  return messages;
}

static void
test_agent_reassemble_hand_written (void)
{
  /* Two messages in one chunk, by hand: ANNOUNCE_CAPABILITIES(request=1,
   * caps 0x23) and an empty CLIENT_DISCONNECTED. */
  static const guint8 stream[] = {
    0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
  };
  static const guint8 caps_payload[] = { 0x01, 0, 0, 0, 0x23, 0, 0, 0 };

  for (gsize step = 1; step <= sizeof stream; step++)
    {
      g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (0);
      g_autoptr(GPtrArray) messages = feed (r, stream, sizeof stream, step);
      TetherSpiceAgentMessage *m;

      g_assert_cmpuint (messages->len, ==, 2);
      m = messages->pdata[0];
      g_assert_cmpuint (m->type, ==, TETHER_SPICE_VD_AGENT_ANNOUNCE_CAPABILITIES);
      g_assert_cmpuint (m->opaque, ==, 42);
      spice_test_assert_bytes (m->data, caps_payload, sizeof caps_payload);
      m = messages->pdata[1];
      g_assert_cmpuint (m->type, ==, TETHER_SPICE_VD_AGENT_CLIENT_DISCONNECTED);
      g_assert_nonnull (m->data);
      g_assert_cmpuint (g_bytes_get_size (m->data), ==, 0);
      g_assert_true (tether_spice_agent_reassembler_is_idle (r));
    }
}

static void
test_agent_round_trip (void)
{
  gsize sizes[] = { 0, 1, 2027, 2028, 2029, 4076, 10000, 70000 };
  gsize steps[] = { 1, 7, 20, 2048 };
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autofree guint8 *payload = g_malloc (70000);

  for (gsize i = 0; i < 70000; i++)
    payload[i] = (guint8) (i ^ (i >> 8));
  /* All messages back to back: a chunk may end one and begin the next. */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GPtrArray) chunks = tether_spice_agent_message_encode (100 + i, i, payload, sizes[i]);
      g_autoptr(GByteArray) one = join (chunks);

      g_byte_array_append (stream, one->data, one->len);
    }

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (0);
      g_autoptr(GPtrArray) messages = NULL;

      if (steps[s] == 1)
        {
          /* Byte by byte is slow for 80 KB; do it on the first 3 only. */
          gsize first3 = 3 * 20 + 0 + 1 + 2027;

          messages = feed (r, stream->data, first3, 1);
          g_assert_cmpuint (messages->len, ==, 3);
          continue;
        }
      messages = feed (r, stream->data, stream->len, steps[s]);
      g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (sizes));
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          TetherSpiceAgentMessage *m = messages->pdata[i];

          g_assert_cmpuint (m->type, ==, 100 + i);
          g_assert_cmpuint (m->opaque, ==, i);
          spice_test_assert_bytes (m->data, payload, sizes[i]);
        }
      g_assert_true (tether_spice_agent_reassembler_is_idle (r));
    }
}

static void
test_agent_reassemble_encoder_chunks (void)
{
  /* Exactly the chunks the encoder makes, as a server would forward them. */
  g_autofree guint8 *payload = g_malloc0 (9000);
  g_autoptr(GPtrArray) chunks = tether_spice_agent_message_encode (TETHER_SPICE_VD_AGENT_FILE_XFER_DATA,
                                                                   0, payload, 9000);
  g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (0);
  g_autoptr(GPtrArray) messages = new_message_array ();

  for (guint i = 0; i < chunks->len; i++)
    {
      g_assert_true (tether_spice_agent_reassembler_push (r, chunks->pdata[i], messages, NULL));
      g_assert_cmpuint (messages->len, ==, i + 1 == chunks->len ? 1 : 0);
      g_assert_true (tether_spice_agent_reassembler_is_idle (r) == (i + 1 == chunks->len));
    }
  g_assert_cmpuint (g_bytes_get_size (((TetherSpiceAgentMessage *) messages->pdata[0])->data), ==, 9000);
}

static void
test_agent_reassemble_hostile (void)
{
  static const guint8 bad_protocol[] = {
    0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 huge[] = {
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, 0xff,
  };
  static const guint8 over_small_cap[] = {
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
    0x65, 0x00, 0x00, 0x00,   /* 101 > 100 */
  };
  static const guint8 good_then_bad[] = {
    0x01, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  static const guint8 valid_empty[] = {
    0x01, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  struct {
    const char *name;
    const guint8 *data;
    gsize len;
    gsize max;
    gint code;
    const char *needle;
    guint completed;
  } table[] = {
    { "bad-protocol", SPICE_VEC (bad_protocol), 0, TETHER_SPICE_ERROR_PROTOCOL, "protocol 2", 0 },
    { "huge", SPICE_VEC (huge), 0, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "4294967295", 0 },
    { "over-small-cap", SPICE_VEC (over_small_cap), 100, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "101 bytes", 0 },
    { "good-then-bad", SPICE_VEC (good_then_bad), 0, TETHER_SPICE_ERROR_PROTOCOL, "protocol 0", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (table[i].max);
      g_autoptr(GPtrArray) messages = new_message_array ();
      g_autoptr(GBytes) chunk = spice_test_bytes (table[i].data, table[i].len);
      g_autoptr(GBytes) good = spice_test_bytes (valid_empty, sizeof valid_empty);
      g_autoptr(GError) error = NULL;

      g_assert_false (tether_spice_agent_reassembler_push (r, chunk, messages, &error));
      if (!g_error_matches (error, TETHER_SPICE_ERROR, table[i].code) ||
          strstr (error->message, table[i].needle) == NULL)
        g_error ("%s: got %s", table[i].name, error->message);
      g_assert_cmpuint (messages->len, ==, table[i].completed);
      g_clear_error (&error);

      /* The failure is sticky ... */
      g_assert_false (tether_spice_agent_reassembler_push (r, good, messages, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_clear_error (&error);
      /* ... until a reset. */
      tether_spice_agent_reassembler_reset (r);
      g_assert_true (tether_spice_agent_reassembler_is_idle (r));
      g_assert_true (tether_spice_agent_reassembler_push (r, good, messages, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (messages->len, ==, table[i].completed + 1);
    }
}

static void
test_agent_reassemble_big_chunk (void)
{
  g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (0);
  g_autoptr(GPtrArray) messages = new_message_array ();
  g_autoptr(GBytes) chunk = g_bytes_new_take (g_malloc0 (2049), 2049);
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_spice_agent_reassembler_push (r, chunk, messages, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_assert_nonnull (strstr (error->message, "2049"));
}

static void
test_agent_reset_mid_message (void)
{
  static const guint8 header_only[] = {
    0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0,
    0xaa, 0xbb,
  };
  static const guint8 fresh[] = {
    0x01, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  g_autoptr(TetherSpiceAgentReassembler) r = tether_spice_agent_reassembler_new (0);
  g_autoptr(GPtrArray) messages = new_message_array ();
  g_autoptr(GBytes) a = spice_test_bytes (header_only, sizeof header_only);
  g_autoptr(GBytes) b = spice_test_bytes (fresh, sizeof fresh);

  g_assert_true (tether_spice_agent_reassembler_push (r, a, messages, NULL));
  g_assert_false (tether_spice_agent_reassembler_is_idle (r));
  /* AGENT_DISCONNECTED: drop the half message; the next starts clean. */
  tether_spice_agent_reassembler_reset (r);
  g_assert_true (tether_spice_agent_reassembler_push (r, b, messages, NULL));
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpuint (((TetherSpiceAgentMessage *) messages->pdata[0])->type, ==,
                    TETHER_SPICE_VD_AGENT_CLIENT_DISCONNECTED);
}

/* ---- ANNOUNCE_CAPABILITIES ---------------------------------------------- */

static gboolean
decode_caps (GBytes *b, GError **error)
{
  TetherSpiceAgentAnnounceCaps c;
  gboolean ok = tether_spice_agent_announce_caps_decode (b, &c, error);

  if (!ok)
    g_assert_null (c.caps);
  tether_spice_agent_announce_caps_clear (&c);
  return ok;
}

static void
test_agent_announce_caps (void)
{
  static const guint8 caps[] = { 0x01, 0x00, 0x00, 0x00, 0x77, 0x50, 0x03, 0x00 };
  static const guint8 caps_none[] = { 0x00, 0x00, 0x00, 0x00 };
  static const SpiceValidVector valid[] = {
    { "caps", decode_caps, SPICE_VEC (caps), 4 },
    { "caps-none", decode_caps, SPICE_VEC (caps_none), 0 },
  };
  g_autoptr(GBytes) b = g_bytes_new_static (caps, sizeof caps);
  TetherSpiceAgentAnnounceCaps c;
  g_autoptr(GError) error = NULL;

  spice_test_valid_table (valid, G_N_ELEMENTS (valid));
  spice_test_prefix_table (valid, G_N_ELEMENTS (valid));

  g_assert_true (tether_spice_agent_announce_caps_decode (b, &c, &error));
  g_assert_true (c.request);
  g_assert_cmpuint (c.n_caps, ==, 1);
  g_assert_cmphex (c.caps[0], ==, 0x00035077);
  g_assert_true (tether_spice_caps_test (c.caps, c.n_caps, TETHER_SPICE_VD_AGENT_CAP_MOUSE_STATE));
  g_assert_true (tether_spice_caps_test (c.caps, c.n_caps, TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_BY_DEMAND));
  g_assert_true (tether_spice_caps_test (c.caps, c.n_caps, TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_SELECTION));
  g_assert_false (tether_spice_caps_test (c.caps, c.n_caps, TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD));
  g_assert_true (tether_spice_caps_test (c.caps, c.n_caps, TETHER_SPICE_VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL));
  g_assert_false (tether_spice_caps_test (c.caps, c.n_caps, 40));
  tether_spice_agent_announce_caps_clear (&c);
}

static void
test_agent_announce_caps_hostile (void)
{
  static const guint8 partial[] = { 0x01, 0, 0, 0, 0x77, 0x50 };
  guint8 many[4 + 4 * (TETHER_SPICE_MAX_AGENT_CAPS_WORDS + 1)] = { 0 };
  SpiceBadVector table[] = {
    { "partial", decode_caps, SPICE_VEC (partial), TETHER_SPICE_ERROR_PROTOCOL, "not whole words" },
    { "many", decode_caps, SPICE_VEC (many), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "65 capability words" },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

static void
test_agent_announce_caps_round_trip (void)
{
  /* What spice-gtk announces: {0,1,2,4,5,6,12,14,16,17}. */
  static const guint8 expected[] = { 0x01, 0x00, 0x00, 0x00, 0x77, 0x50, 0x03, 0x00 };
  guint32 words[TETHER_SPICE_CAPS_WORDS (TETHER_SPICE_VD_AGENT_END_CAP)] = { 0 };
  guint bits[] = { 0, 1, 2, 4, 5, 6, 12, 14, 16, 17 };
  g_autoptr(GBytes) payload = NULL;
  TetherSpiceAgentAnnounceCaps c;

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    tether_spice_caps_set (words, G_N_ELEMENTS (words), bits[i]);
  payload = tether_spice_agent_announce_caps_encode (TRUE, words, G_N_ELEMENTS (words));
  spice_test_assert_bytes (payload, expected, sizeof expected);
  g_assert_true (tether_spice_agent_announce_caps_decode (payload, &c, NULL));
  g_assert_true (c.request);
  g_assert_cmpuint (c.n_caps, ==, 1);
  g_assert_cmphex (c.caps[0], ==, words[0]);
  tether_spice_agent_announce_caps_clear (&c);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/agent/chunk-count", test_agent_chunk_count);
  g_test_add_func ("/spice/wire/agent/encode-small", test_agent_encode_small);
  g_test_add_func ("/spice/wire/agent/encode-split", test_agent_encode_split);
  g_test_add_func ("/spice/wire/agent/reassemble-hand-written", test_agent_reassemble_hand_written);
  g_test_add_func ("/spice/wire/agent/round-trip", test_agent_round_trip);
  g_test_add_func ("/spice/wire/agent/reassemble-encoder-chunks", test_agent_reassemble_encoder_chunks);
  g_test_add_func ("/spice/wire/agent/reassemble-hostile", test_agent_reassemble_hostile);
  g_test_add_func ("/spice/wire/agent/reassemble-big-chunk", test_agent_reassemble_big_chunk);
  g_test_add_func ("/spice/wire/agent/reset-mid-message", test_agent_reset_mid_message);
  g_test_add_func ("/spice/wire/agent/announce-caps", test_agent_announce_caps);
  g_test_add_func ("/spice/wire/agent/announce-caps-hostile", test_agent_announce_caps_hostile);
  g_test_add_func ("/spice/wire/agent/announce-caps-round-trip", test_agent_announce_caps_round_trip);
  return g_test_run ();
}
