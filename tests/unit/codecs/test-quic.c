/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QUIC decoder tests: header validation with exact error codes, hand-made
 * vectors worked out from spice-protocol.md §10.1, round trips through the
 * test encoder for every image type, truncation at every length, hostile
 * streams, and the destination contract.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tether-error.h"
#include "tether-quic-private.h"
#include "quic-test-encoder.h"
#include "tether-test-utils.h"

static const TetherQuicType all_types[] = {
  TETHER_QUIC_TYPE_GRAY, TETHER_QUIC_TYPE_RGB16, TETHER_QUIC_TYPE_RGB24,
  TETHER_QUIC_TYPE_RGB32, TETHER_QUIC_TYPE_RGBA,
};

/* ---- helpers ------------------------------------------------------------ */

/* A stream built from 32-bit words (written little-endian) and then bits. */
typedef struct {
  GByteArray *bytes;
  guint32     word;
  guint       used;
} Stream;

static void
stream_init (Stream *s)
{
  s->bytes = g_byte_array_new ();
  s->word = 0;
  s->used = 0;
}

static void
stream_word (Stream *s, guint32 w)
{
  guint8 le[4] = { (guint8) w, (guint8) (w >> 8), (guint8) (w >> 16), (guint8) (w >> 24) };

  g_assert_cmpuint (s->used, ==, 0);
  g_byte_array_append (s->bytes, le, 4);
}

static void
stream_header (Stream *s, guint32 type, guint32 width, guint32 height)
{
  stream_word (s, TETHER_QUIC_MAGIC);
  stream_word (s, TETHER_QUIC_VERSION);
  stream_word (s, type);
  stream_word (s, width);
  stream_word (s, height);
}

/* Appends bits given as a string of '0' and '1' (other characters skipped). */
static void
stream_bits (Stream *s, const char *bits)
{
  for (const char *p = bits; *p != '\0'; p++)
    {
      if (*p != '0' && *p != '1')
        continue;
      if (*p == '1')
        s->word |= 0x80000000u >> s->used;
      if (++s->used == 32)
        {
          s->used = 0;
          stream_word (s, s->word);
          s->word = 0;
        }
    }
}

/* Pads to a word and adds the zero word the reference encoder ends with. */
static GBytes *
stream_finish (Stream *s)
{
  if (s->used > 0)
    {
      s->used = 0;
      stream_word (s, s->word);
    }
  stream_word (s, 0);
  return g_byte_array_free_to_bytes (s->bytes);
}

/* Decodes @stream into a fresh width × height buffer (stride width × 4)
 * that the caller frees; NULL with @error set on failure. */
static guint8 *
decode_new (GBytes *stream, guint32 width, guint32 height, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);
  g_autofree guint8 *dest = g_malloc ((gsize) width * height * 4);

  memset (dest, 0xa5, (gsize) width * height * 4);
  if (!tether_quic_decode (data, len, dest, (gsize) width * 4, width, height, error))
    return NULL;
  return g_steal_pointer (&dest);
}

static void
assert_round_trip (const QuicTestImage *image)
{
  g_autoptr(GBytes) stream = quic_test_encode (image);
  g_autofree guint8 *expected = quic_test_image_expected (image);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = decode_new (stream, image->width, image->height, &error);

  if (got == NULL)
    g_error ("%s %u×%u: %s", tether_quic_type_to_string (image->type),
             image->width, image->height, error->message);
  if (memcmp (got, expected, (gsize) image->width * image->height * 4) != 0)
    {
      for (gsize p = 0; p < (gsize) image->width * image->height; p++)
        if (memcmp (got + p * 4, expected + p * 4, 4) != 0)
          g_error ("%s %u×%u: pixel (%u, %u) is %02x%02x%02x%02x, want %02x%02x%02x%02x",
                   tether_quic_type_to_string (image->type), image->width, image->height,
                   (guint) (p % image->width), (guint) (p / image->width),
                   got[p * 4], got[p * 4 + 1], got[p * 4 + 2], got[p * 4 + 3],
                   expected[p * 4], expected[p * 4 + 1], expected[p * 4 + 2], expected[p * 4 + 3]);
    }
}

/* ---- image patterns ----------------------------------------------------- */

typedef enum {
  PATTERN_FLAT,
  PATTERN_GRADIENT,
  PATTERN_NOISE,
  PATTERN_BLOCKS,
  PATTERN_STRIPES,
  PATTERN_ROWS,
  PATTERN_SPARSE,
  PATTERN_TEXT,
  N_PATTERNS
} Pattern;

static QuicTestImage *
make_image (TetherQuicType type, guint32 width, guint32 height, Pattern pattern)
{
  QuicTestImage *img = quic_test_image_new (type, width, height);
  guint nch = quic_test_type_channels (type);
  guint mask = (1u << quic_test_type_bpc (type)) - 1;
  guint32 colors[16];

  for (guint k = 0; k < G_N_ELEMENTS (colors); k++)
    colors[k] = g_test_rand_int ();

  for (guint c = 0; c < nch; c++)
    for (guint32 y = 0; y < height; y++)
      for (guint32 x = 0; x < width; x++)
        {
          guint v;
          /* The alpha plane of RGBA gets a different pattern from the colour
           * planes, so the two groups' runs do not line up. */
          Pattern p = (c == 3) ? (Pattern) ((pattern + 3) % N_PATTERNS) : pattern;

          switch (p)
            {
            case PATTERN_FLAT:
              v = colors[0] >> (c * 8);
              break;
            case PATTERN_GRADIENT:
              v = x * (3 + c) + y * (5 - c) + c * 40;
              break;
            case PATTERN_NOISE:
              v = g_test_rand_int ();
              break;
            case PATTERN_BLOCKS:
              v = colors[((x / 7) + 3 * (y / 5)) % 16] >> (c * 8);
              break;
            case PATTERN_STRIPES:
              v = colors[(x / 3) % 4] >> (c * 8);
              break;
            case PATTERN_ROWS:
              v = colors[y % 16] >> (c * 8);
              break;
            case PATTERN_SPARSE:
              v = g_test_rand_int_range (0, 20) == 0 ? (guint) g_test_rand_int () : colors[1] >> (c * 8);
              break;
            case PATTERN_TEXT:
            default:
              /* Glyph-like: two colours, short horizontal runs. */
              v = ((x * 7 + y * 13) % 11 < 3 || (x + y) % 9 == 0) ? colors[2] >> (c * 8) : colors[3] >> (c * 8);
              break;
            }
          img->planes[c][(gsize) y * width + x] = (guint8) (v & mask);
        }
  return img;
}

/* ---- header ------------------------------------------------------------- */

static void
test_header_valid (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    {
      g_autoptr(QuicTestImage) img = make_image (all_types[t], 17, 3, PATTERN_NOISE);
      g_autoptr(GBytes) stream = quic_test_encode (img);
      g_autoptr(GError) error = NULL;
      TetherQuicHeader header;
      gsize len;
      const guint8 *data = g_bytes_get_data (stream, &len);

      g_assert_true (tether_quic_read_header (data, len, &header, &error));
      g_assert_no_error (error);
      g_assert_cmpint (header.type, ==, all_types[t]);
      g_assert_cmpuint (header.width, ==, 17);
      g_assert_cmpuint (header.height, ==, 3);
      /* The header alone is enough for read_header. */
      g_assert_true (tether_quic_read_header (data, TETHER_QUIC_HEADER_SIZE, &header, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpstr (tether_quic_type_to_string (TETHER_QUIC_TYPE_RGBA), ==, "RGBA");
  g_assert_null (tether_quic_type_to_string (0));
  g_assert_null (tether_quic_type_to_string (6));
}

static void
test_header_invalid (void)
{
  static const struct {
    const char *name;
    guint32     words[5];
    gsize       len;
    gint        code;
  } cases[] = {
    { "bad magic", { 0x43495552, 0, 4, 8, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "magic big-endian", { 0x51554943, 0, 4, 8, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "version 1", { TETHER_QUIC_MAGIC, 1, 4, 8, 8 }, 20, TETHER_SPICE_ERROR_UNSUPPORTED },
    { "version 1.0", { TETHER_QUIC_MAGIC, 0x10000, 4, 8, 8 }, 20, TETHER_SPICE_ERROR_UNSUPPORTED },
    { "type 0", { TETHER_QUIC_MAGIC, 0, 0, 8, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "type 6", { TETHER_QUIC_MAGIC, 0, 6, 8, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "type huge", { TETHER_QUIC_MAGIC, 0, 0x80000004, 8, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "width 0", { TETHER_QUIC_MAGIC, 0, 4, 0, 8 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "height 0", { TETHER_QUIC_MAGIC, 0, 4, 8, 0 }, 20, TETHER_SPICE_ERROR_PROTOCOL },
    { "width negative", { TETHER_QUIC_MAGIC, 0, 4, 0x80000000, 8 }, 20, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
    { "width over cap", { TETHER_QUIC_MAGIC, 0, 4, TETHER_CODEC_MAX_SIDE + 1, 1 }, 20, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
    { "height over cap", { TETHER_QUIC_MAGIC, 0, 4, 1, TETHER_CODEC_MAX_SIDE + 1 }, 20, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
    { "pixels over cap", { TETHER_QUIC_MAGIC, 0, 4, TETHER_CODEC_MAX_SIDE, TETHER_CODEC_MAX_SIDE }, 20, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
    { "reference overflow", { TETHER_QUIC_MAGIC, 0, 4, 0x10000, 0x10000 }, 20, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
    { "empty", { 0 }, 0, TETHER_SPICE_ERROR_PROTOCOL },
    { "19 bytes", { TETHER_QUIC_MAGIC, 0, 4, 8, 8 }, 19, TETHER_SPICE_ERROR_PROTOCOL },
    { "magic only", { TETHER_QUIC_MAGIC, 0, 4, 8, 8 }, 4, TETHER_SPICE_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 data[20];
      TetherQuicHeader header;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      guint8 dest[8 * 8 * 4];

      for (guint w = 0; w < 5; w++)
        {
          data[w * 4 + 0] = (guint8) cases[i].words[w];
          data[w * 4 + 1] = (guint8) (cases[i].words[w] >> 8);
          data[w * 4 + 2] = (guint8) (cases[i].words[w] >> 16);
          data[w * 4 + 3] = (guint8) (cases[i].words[w] >> 24);
        }
      g_test_message ("%s", cases[i].name);
      g_assert_false (tether_quic_read_header (cases[i].len ? data : NULL, cases[i].len,
                                               &header, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, "QUIC"));

      /* The decoder rejects the same headers the same way (it needs one
       * more word than the header to start, so pad with a zero word). */
      {
        guint8 padded[24] = { 0 };

        memcpy (padded, data, sizeof data);
        g_assert_false (tether_quic_decode (cases[i].len ? padded : NULL,
                                            cases[i].len == 20 ? 24 : cases[i].len,
                                            dest, 32, 8, 8, &error2));
        g_assert_error (error2, TETHER_SPICE_ERROR, cases[i].code);
      }
      /* Without the padding the header is still judged first. */
      if (cases[i].len == 20)
        {
          g_autoptr(GError) error3 = NULL;

          g_assert_false (tether_quic_decode (data, 20, dest, 32, 8, 8, &error3));
          g_assert_error (error3, TETHER_SPICE_ERROR, cases[i].code);
        }
    }
}

/* ---- hand-made vectors (bits worked out from §10.1 by hand) -------------- */

/* GRAY 4×2, all zero. Row 0: pixel 0 with code 7 (the initial best code):
 * "1" + 7 zero bits; the model update after it (wait mask 0 updates after
 * every pixel) makes code 0 best for bucket 0, so the next three zeros are
 * "1" each. Row 1: pixels 0..2 are "1" each (no run before index 3); at
 * pixel 3 the run condition holds and the run of 1 is "1" (one full order),
 * "0" (end), no remainder bits (melclen 0). */
static const char gray_zero_4x2[] = "10000000 111 111 10";

static void
test_hand_gray_run (void)
{
  Stream s;
  g_autoptr(GBytes) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = NULL;
  guint8 zero[4 * 2 * 4] = { 0 };

  stream_init (&s);
  stream_header (&s, TETHER_QUIC_TYPE_GRAY, 4, 2);
  stream_bits (&s, gray_zero_4x2);
  stream = stream_finish (&s);
  got = decode_new (stream, 4, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, sizeof zero, zero, sizeof zero);

  /* The test encoder makes the same bits. */
  {
    g_autoptr(QuicTestImage) img = quic_test_image_new (TETHER_QUIC_TYPE_GRAY, 4, 2);
    g_autoptr(GBytes) enc = quic_test_encode (img);

    g_assert_true (g_bytes_equal (enc, stream));
  }
}

/* The same image, but the run claims 2 pixels where 1 is left. */
static void
test_hand_run_too_long (void)
{
  Stream s;
  g_autoptr(GBytes) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = NULL;

  stream_init (&s);
  stream_header (&s, TETHER_QUIC_TYPE_GRAY, 4, 2);
  stream_bits (&s, "10000000 111 111 110");
  stream = stream_finish (&s);
  got = decode_new (stream, 4, 2, &error);
  g_assert_null (got);
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "run"));
}

/* GRAY 2×1: pixel 0 = 0 ("10000000"), then code 0 for pixel 1. Code 0 of
 * the 8-bit family has 18 Golomb-Rice codewords; 18 zero bits announce the
 * escape with an 8-bit suffix, value 18 + suffix. Suffix 237 gives 255,
 * which maps to -128: pixel 1 = (0 - 128) mod 256 = 128. Suffix 238 gives
 * 256, outside the channel's range. */
static void
test_hand_escape_code (void)
{
  Stream s;
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = NULL;
  g_autofree guint8 *got_bad = NULL;
  static const guint8 want[] = { 0, 0, 0, 0, 128, 128, 128, 0 };

  stream_init (&s);
  stream_header (&s, TETHER_QUIC_TYPE_GRAY, 2, 1);
  stream_bits (&s, "10000000 000000000000000000 11101101");
  good = stream_finish (&s);
  got = decode_new (good, 2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, 8, want, sizeof want);

  stream_init (&s);
  stream_header (&s, TETHER_QUIC_TYPE_GRAY, 2, 1);
  stream_bits (&s, "10000000 000000000000000000 11101110");
  bad = stream_finish (&s);
  got_bad = decode_new (bad, 2, 1, &error);
  g_assert_null (got_bad);
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "range"));

  {
    g_autoptr(QuicTestImage) img = quic_test_image_new (TETHER_QUIC_TYPE_GRAY, 2, 1);
    g_autoptr(GBytes) enc = NULL;

    img->planes[0][1] = 128;
    enc = quic_test_encode (img);
    g_assert_true (g_bytes_equal (enc, good));
  }
}

/* RGB16 1×1 (R, G, B) = (31, 0, 1): the 5-bit family's code 4 (initial)
 * has 16 Golomb-Rice codewords: "1" + 4 bits. R: residual 31 = -1 → 1:
 * "10001". The model is updated only after all three channels. G: 0 →
 * "10000". B: 1 → 2: "10010". Widened: 31 → 0xff, 0 → 0, 1 → 0x08. */
static void
test_hand_rgb16 (void)
{
  Stream s;
  g_autoptr(GBytes) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = NULL;
  static const guint8 want[] = { 0x08, 0x00, 0xff, 0x00 };

  stream_init (&s);
  stream_header (&s, TETHER_QUIC_TYPE_RGB16, 1, 1);
  stream_bits (&s, "10001 10000 10010");
  stream = stream_finish (&s);
  got = decode_new (stream, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (got, 4, want, sizeof want);
}

/* ---- round trips -------------------------------------------------------- */

static void
test_round_trip_type (gconstpointer data)
{
  TetherQuicType type = GPOINTER_TO_INT (data);
  static const guint32 heights[] = { 1, 2, 3, 7, 40 };

  for (guint32 width = 1; width <= 70; width++)
    for (guint h = 0; h < G_N_ELEMENTS (heights); h++)
      for (guint p = 0; p < N_PATTERNS; p++)
        {
          g_autoptr(QuicTestImage) img = make_image (type, width, heights[h], p);

          assert_round_trip (img);
        }
  /* Random sizes in the same range. */
  for (guint k = 0; k < 200; k++)
    {
      g_autoptr(QuicTestImage) img =
        make_image (type, g_test_rand_int_range (1, 71), g_test_rand_int_range (1, 41),
                    g_test_rand_int_range (0, N_PATTERNS));

      assert_round_trip (img);
    }
}

/* Big enough for the wait mask to reach its last step (6 × 2048 pixels
 * per channel group), and rows wider than one 2048-pixel step so that a
 * row is split into segments. */
static void
test_round_trip_large (void)
{
  static const struct { guint32 w, h; } sizes[] = {
    { 130, 100 }, { 2048, 2 }, { 2049, 3 }, { 4100, 4 }, { 1, 13000 }, { 12289, 1 },
  };

  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint p = 0; p < N_PATTERNS; p++)
        {
          g_autoptr(QuicTestImage) img = make_image (all_types[t], sizes[s].w, sizes[s].h, p);

          assert_round_trip (img);
        }
}

/* ---- truncation and trailing data ---------------------------------------- */

static void
test_truncated_every_prefix (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    for (guint p = 0; p < N_PATTERNS; p++)
      {
        guint32 w = g_test_rand_int_range (1, 30), h = g_test_rand_int_range (1, 12);
        g_autoptr(QuicTestImage) img = make_image (all_types[t], w, h, p);
        g_autoptr(GBytes) stream = quic_test_encode (img);
        gsize len;
        const guint8 *data = g_bytes_get_data (stream, &len);
        g_autofree guint8 *dest = g_malloc ((gsize) w * h * 4);

        for (gsize cut = 0; cut < len; cut++)
          {
            g_autoptr(GError) error = NULL;
            /* An exact-size copy, so ASan sees any read past the cut. */
            g_autofree guint8 *copy = g_memdup2 (data, cut);

            g_assert_false (tether_quic_decode (copy, cut, dest, (gsize) w * 4, w, h, &error));
            g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
          }
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (tether_quic_decode (data, len, dest, (gsize) w * 4, w, h, &error));
          g_assert_no_error (error);
        }
      }
}

static void
test_trailing_data (void)
{
  g_autoptr(QuicTestImage) img = make_image (TETHER_QUIC_TYPE_RGB32, 9, 5, PATTERN_NOISE);
  g_autoptr(GBytes) stream = quic_test_encode (img);
  g_autofree guint8 *expected = quic_test_image_expected (img);
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);

  /* Partial trailing words are ignored, as are extra whole words. */
  for (gsize extra = 1; extra <= 9; extra++)
    {
      g_autofree guint8 *longer = g_malloc0 (len + extra);
      guint8 dest[9 * 5 * 4];
      g_autoptr(GError) error = NULL;

      memcpy (longer, data, len);
      memset (longer + len, 0xff, extra);
      g_assert_true (tether_quic_decode (longer, len + extra, dest, 36, 9, 5, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (dest, sizeof dest, expected, sizeof dest);
    }
  /* The last word must be there even if no bit of it is needed: the
   * 32-bit look-ahead window has to lie inside the input. */
  {
    guint8 dest[9 * 5 * 4];
    g_autoptr(GError) error = NULL;

    g_assert_false (tether_quic_decode (data, len - 1, dest, 36, 9, 5, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "ends"));
  }
}

/* ---- destination --------------------------------------------------------- */

static void
test_destination_stride (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    {
      const guint32 w = 11, h = 6;
      const gsize stride = w * 4 + 13;
      g_autoptr(QuicTestImage) img = make_image (all_types[t], w, h, PATTERN_GRADIENT);
      g_autoptr(GBytes) stream = quic_test_encode (img);
      g_autofree guint8 *expected = quic_test_image_expected (img);
      /* One canary row after the last row too. */
      g_autofree guint8 *dest = g_malloc (stride * (h + 1));
      g_autoptr(GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (stream, &len);

      memset (dest, 0x5a, stride * (h + 1));
      g_assert_true (tether_quic_decode (data, len, dest, stride, w, h, &error));
      g_assert_no_error (error);
      for (guint32 y = 0; y < h; y++)
        {
          g_assert_cmpmem (dest + y * stride, w * 4, expected + y * w * 4, w * 4);
          for (gsize x = w * 4; x < stride; x++)
            g_assert_cmphex (dest[y * stride + x], ==, 0x5a);
        }
      for (gsize x = 0; x < stride; x++)
        g_assert_cmphex (dest[h * stride + x], ==, 0x5a);
    }
}

static void
test_destination_mismatch (void)
{
  g_autoptr(QuicTestImage) img = make_image (TETHER_QUIC_TYPE_RGB24, 8, 4, PATTERN_NOISE);
  g_autoptr(GBytes) stream = quic_test_encode (img);
  guint8 dest[16 * 8 * 4];
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);
  static const struct { guint32 w, h; gsize stride; GQuark dom; gint code; } cases[] = {
    { 7, 4, 64, 0, TETHER_SPICE_ERROR_PROTOCOL },
    { 8, 5, 64, 0, TETHER_SPICE_ERROR_PROTOCOL },
    { 16, 8, 64, 0, TETHER_SPICE_ERROR_PROTOCOL },
    { 8, 4, 31, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { 8, 4, 0, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { 8, 4, G_MAXSIZE / 2, 1, G_IO_ERROR_INVALID_ARGUMENT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      memset (dest, 0x77, sizeof dest);
      g_assert_false (tether_quic_decode (data, len, dest, cases[i].stride,
                                          cases[i].w, cases[i].h, &error));
      if (cases[i].dom == 0)
        g_assert_error (error, TETHER_SPICE_ERROR, cases[i].code);
      else
        g_assert_error (error, G_IO_ERROR, cases[i].code);
      /* Nothing was written. */
      for (gsize k = 0; k < sizeof dest; k++)
        g_assert_cmphex (dest[k], ==, 0x77);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (tether_quic_decode (data, len, NULL, 32, 8, 4, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

/* The shared codec destination: every format, with canaries around. */
static void
test_destination_codec_formats (void)
{
  static const TetherCodecFormat formats[] = {
    TETHER_CODEC_FORMAT_XRGB32, TETHER_CODEC_FORMAT_ARGB32,
    TETHER_CODEC_FORMAT_X1R5G5B5, TETHER_CODEC_FORMAT_A8,
  };

  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      {
        const guint32 w = 23, h = 9;
        g_autoptr(QuicTestImage) img = make_image (all_types[t], w, h, PATTERN_NOISE);
        g_autoptr(GBytes) stream = quic_test_encode (img);
        g_autofree guint8 *raw = quic_test_image_expected (img);
        guint bpp = tether_codec_format_bpp (formats[f]);
        TetherCodecDest dest = { NULL, (gsize) w * bpp + 5, w, h, formats[f] };
        g_autofree guint8 *buf = g_malloc (dest.stride * (h + 1));
        gboolean alpha = all_types[t] == TETHER_QUIC_TYPE_RGBA;
        g_autoptr(GError) error = NULL;
        gsize len;
        const guint8 *data = g_bytes_get_data (stream, &len);

        dest.data = buf;
        memset (buf, 0xe7, dest.stride * (h + 1));
        g_assert_true (tether_quic_decode_dest (data, len, &dest, &error));
        g_assert_no_error (error);
        for (guint32 y = 0; y < h; y++)
          {
            const guint8 *row = buf + y * dest.stride;

            for (guint32 x = 0; x < w; x++)
              {
                const guint8 *px = raw + ((gsize) y * w + x) * 4;
                guint8 a = alpha ? px[3] : 0xff;

                switch (formats[f])
                  {
                  case TETHER_CODEC_FORMAT_XRGB32:
                  case TETHER_CODEC_FORMAT_ARGB32:
                    g_assert_cmpmem (row + x * 4, 3, px, 3);
                    g_assert_cmphex (row[x * 4 + 3], ==, a);
                    break;
                  case TETHER_CODEC_FORMAT_X1R5G5B5:
                    {
                      guint v = (guint) (px[2] >> 3) << 10 | (guint) (px[1] >> 3) << 5 | (px[0] >> 3);

                      g_assert_cmphex (row[x * 2] | row[x * 2 + 1] << 8, ==, v);
                    }
                    break;
                  case TETHER_CODEC_FORMAT_A8:
                  default:
                    g_assert_cmphex (row[x], ==, a);
                    break;
                  }
              }
            for (gsize k = (gsize) w * bpp; k < dest.stride; k++)
              g_assert_cmphex (row[k], ==, 0xe7);
          }
        for (gsize k = 0; k < dest.stride; k++)
          g_assert_cmphex (buf[h * dest.stride + k], ==, 0xe7);
      }

  /* RGB16 into X1R5G5B5 keeps the coded values exactly. */
  {
    g_autoptr(QuicTestImage) img = make_image (TETHER_QUIC_TYPE_RGB16, 31, 4, PATTERN_GRADIENT);
    g_autoptr(GBytes) stream = quic_test_encode (img);
    guint16 out[31 * 4];
    TetherCodecDest dest = { (guint8 *) out, 62, 31, 4, TETHER_CODEC_FORMAT_X1R5G5B5 };
    g_autoptr(GError) error = NULL;

    g_assert_true (tether_quic_decode_dest (g_bytes_get_data (stream, NULL),
                                            g_bytes_get_size (stream), &dest, &error));
    g_assert_no_error (error);
    for (guint p = 0; p < 31 * 4; p++)
      g_assert_cmphex (GUINT16_FROM_LE (out[p]), ==,
                       (guint) img->planes[0][p] << 10 | (guint) img->planes[1][p] << 5 | img->planes[2][p]);
  }
}

static void
test_destination_codec_invalid (void)
{
  g_autoptr(QuicTestImage) img = make_image (TETHER_QUIC_TYPE_RGB32, 8, 4, PATTERN_NOISE);
  g_autoptr(GBytes) stream = quic_test_encode (img);
  guint8 buf[16 * 8 * 4];
  gsize len;
  const guint8 *data = g_bytes_get_data (stream, &len);
  const struct { TetherCodecDest dest; GQuark dom; gint code; } cases[] = {
    { { NULL, 32, 8, 4, TETHER_CODEC_FORMAT_XRGB32 }, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { { buf, 31, 8, 4, TETHER_CODEC_FORMAT_XRGB32 }, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { { buf, 32, 8, 4, (TetherCodecFormat) 77 }, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { { buf, 32, 0, 4, TETHER_CODEC_FORMAT_XRGB32 }, 1, G_IO_ERROR_INVALID_ARGUMENT },
    { { buf, 64, 16, 4, TETHER_CODEC_FORMAT_XRGB32 }, 0, TETHER_SPICE_ERROR_PROTOCOL },
    { { buf, 32, 8, 5, TETHER_CODEC_FORMAT_XRGB32 }, 0, TETHER_SPICE_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      memset (buf, 0x77, sizeof buf);
      g_assert_false (tether_quic_decode_dest (data, len, &cases[i].dest, &error));
      if (cases[i].dom == 0)
        g_assert_error (error, TETHER_SPICE_ERROR, cases[i].code);
      else
        g_assert_error (error, G_IO_ERROR, cases[i].code);
      for (gsize k = 0; k < sizeof buf; k++)
        g_assert_cmphex (buf[k], ==, 0x77);
    }
}

/* ---- hostile streams ----------------------------------------------------- */

/* Bit flips and garbage after a valid header: the decoder either succeeds
 * or fails with a protocol error, and never touches memory outside the
 * exact-size input and destination (checked under ASan). */
static void
test_corrupt_streams (void)
{
  for (guint round = 0; round < 400; round++)
    {
      TetherQuicType type = all_types[round % G_N_ELEMENTS (all_types)];
      guint32 w = g_test_rand_int_range (1, 50), h = g_test_rand_int_range (1, 20);
      g_autoptr(QuicTestImage) img = make_image (type, w, h, round % N_PATTERNS);
      g_autoptr(GBytes) stream = quic_test_encode (img);
      gsize len;
      g_autofree guint8 *data = g_bytes_unref_to_data (g_bytes_ref (stream), &len);
      g_autofree guint8 *dest = g_malloc ((gsize) w * h * 4);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (round % 4 == 3)
        {
          /* Pure garbage after the header. */
          for (gsize k = TETHER_QUIC_HEADER_SIZE; k < len; k++)
            data[k] = (guint8) g_test_rand_int ();
        }
      else
        {
          guint flips = g_test_rand_int_range (1, 6);

          for (guint f = 0; f < flips; f++)
            {
              gsize bit = g_test_rand_int_range (TETHER_QUIC_HEADER_SIZE * 8, len * 8);

              data[bit / 8] ^= (guint8) (1u << (bit % 8));
            }
        }
      ok = tether_quic_decode (data, len, dest, (gsize) w * 4, w, h, &error);
      if (!ok)
        g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      else
        g_assert_no_error (error);
    }
}

/* Streams of all ones and all zeros: the longest codes and the longest
 * run prefixes. Both must end in an error, not a hang. */
static void
test_extreme_bits (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    for (guint fill = 0; fill < 2; fill++)
      {
        const guint32 w = 64, h = 64;
        gsize len = TETHER_QUIC_HEADER_SIZE + 4096;
        g_autofree guint8 *data = g_malloc (len);
        g_autofree guint8 *dest = g_malloc (w * h * 4);
        g_autoptr(GError) error = NULL;
        Stream s;
        g_autoptr(GBytes) header = NULL;

        stream_init (&s);
        stream_header (&s, all_types[t], w, h);
        header = g_byte_array_free_to_bytes (s.bytes);
        memcpy (data, g_bytes_get_data (header, NULL), TETHER_QUIC_HEADER_SIZE);
        memset (data + TETHER_QUIC_HEADER_SIZE, fill ? 0xff : 0x00, len - TETHER_QUIC_HEADER_SIZE);
        /* All zeros decodes as escape codes: a valid image if every value is
         * in range; all ones as short codes and runs. Either way: no hang,
         * and an error if the data runs out. */
        if (!tether_quic_decode (data, len, dest, w * 4, w, h, &error))
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/codecs/quic/header/valid", test_header_valid);
  g_test_add_func ("/codecs/quic/header/invalid", test_header_invalid);
  g_test_add_func ("/codecs/quic/hand/gray-run", test_hand_gray_run);
  g_test_add_func ("/codecs/quic/hand/run-too-long", test_hand_run_too_long);
  g_test_add_func ("/codecs/quic/hand/escape-code", test_hand_escape_code);
  g_test_add_func ("/codecs/quic/hand/rgb16", test_hand_rgb16);
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    {
      g_autofree char *path =
        g_strdup_printf ("/codecs/quic/round-trip/%s", tether_quic_type_to_string (all_types[t]));

      g_test_add_data_func (path, GINT_TO_POINTER (all_types[t]), test_round_trip_type);
    }
  g_test_add_func ("/codecs/quic/round-trip/large", test_round_trip_large);
  g_test_add_func ("/codecs/quic/truncated/every-prefix", test_truncated_every_prefix);
  g_test_add_func ("/codecs/quic/truncated/trailing-data", test_trailing_data);
  g_test_add_func ("/codecs/quic/destination/stride", test_destination_stride);
  g_test_add_func ("/codecs/quic/destination/mismatch", test_destination_mismatch);
  g_test_add_func ("/codecs/quic/destination/codec-formats", test_destination_codec_formats);
  g_test_add_func ("/codecs/quic/destination/codec-invalid", test_destination_codec_invalid);
  g_test_add_func ("/codecs/quic/hostile/corrupt", test_corrupt_streams);
  g_test_add_func ("/codecs/quic/hostile/extreme-bits", test_extreme_bits);
  return g_test_run ();
}
