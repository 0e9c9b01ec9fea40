/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test-only QUIC encoder (see quic-test-encoder.h). It keeps the model in a
 * different shape from the decoder on purpose: pixel-interleaved rows, its
 * own code tables computed from the definitions, and bucket lookup by
 * searching the bucket bounds.
 */
#include "config.h"

#include <string.h>

#include "quic-test-encoder.h"

#define ENC_LIMIT     26
#define ENC_WMI_MAX   6
#define ENC_WMI_NEXT  2048

static const unsigned enc_trigger[11] = { 110, 550, 900, 800, 550, 400, 350, 250, 140, 160, 140 };
static const unsigned enc_J[32] = {
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
  4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};
/* Appendix B, typed in again (not shared with the library). */
static const guint32 enc_tabrand[256] = {
  0x02C57542, 0x35427717, 0x2F5A2153, 0x9244F155, 0x7BD26D07, 0x354C6052, 0x57329B28, 0x2993868E,
  0x6CD8808C, 0x147B46E0, 0x99DB66AF, 0xE32B4CAC, 0x1B671264, 0x9D433486, 0x62A4C192, 0x06089A4B,
  0x9E3DCE44, 0xDAABEE13, 0x222425EA, 0xA46F331D, 0xCD589250, 0x8BB81D7F, 0xC8B736B9, 0x35948D33,
  0xD7AC7FD0, 0x5FBE2803, 0x2CFBC105, 0x013DBC4E, 0x7A37820F, 0x39F88E9E, 0xEDD58794, 0xC5076689,
  0xFCADA5A4, 0x64C2F46D, 0xB3BA3243, 0x8974B4F9, 0x5A05AEBD, 0x20AFCD00, 0x39E2B008, 0x88A18A45,
  0x600BDE29, 0xF3971ACE, 0xF37B0A6B, 0x7041495B, 0x70B707AB, 0x06BEFFBB, 0x4206051F, 0xE13C4EE3,
  0xC1A78327, 0x91AA067C, 0x8295F72A, 0x732917A6, 0x1D871B4D, 0x4048F136, 0xF1840E7E, 0x6A6048C1,
  0x696CB71A, 0x7FF501C3, 0x0FC6310B, 0x57E0F83D, 0x8CC26E74, 0x11A525A2, 0x946934C7, 0x7CD888F0,
  0x8F9D8604, 0x4F86E73B, 0x04520316, 0xDEEEA20C, 0xF1DEF496, 0x67687288, 0xF540C5B2, 0x22401484,
  0x3478658A, 0xC2385746, 0x01979C2C, 0x5DAD73C8, 0x0321F58B, 0xF0FEDBEE, 0x92826DDF, 0x284BEC73,
  0x5B1A1975, 0x03DF1E11, 0x20963E01, 0xA17CF12B, 0x740D776E, 0xA7A6BF3C, 0x01B5CCE4, 0x1118AA76,
  0xFC6FAC0A, 0xCE927E9B, 0x00BF2567, 0x806F216C, 0xBCA69056, 0x795BD3E9, 0xC9DC4557, 0x8929B6C2,
  0x789D52EC, 0x3F3FBF40, 0xB9197368, 0xA38C15B5, 0xC3B44FA8, 0xCA8333B0, 0xB7E8D590, 0xBE807FEB,
  0xBF5F8360, 0xD99E2F5C, 0x372928E1, 0x7C757C4C, 0x0DB5B154, 0xC01EDE02, 0x1FC86E78, 0x1F3985BE,
  0xB4805C77, 0x00C880FA, 0x974C1B12, 0x35AB0214, 0xB2DC840D, 0x5B00AE37, 0xD313B026, 0xB260969D,
  0x7F4C8879, 0x1734C4D3, 0x49068631, 0xB9F6A021, 0x6B863E6F, 0xCEE5DEBF, 0x29F8C9FB, 0x53DD6880,
  0x72B61223, 0x1F67A9FD, 0x0A0F6993, 0x13E59119, 0x11CCA12E, 0xFE6B6766, 0x16B6EFFC, 0x97918FC4,
  0xC2B8A563, 0x94F2F741, 0x0BFA8C9A, 0xD1537AE8, 0xC1DA349C, 0x873C60CA, 0x95005B85, 0x9B5C080E,
  0xBC8ABBD9, 0xE1EAB1D2, 0x6DAC9070, 0x4EA9EBF1, 0xE0CF30D4, 0x1EF5BD7B, 0xD161043E, 0x5D2FA2E2,
  0xFF5D3CAE, 0x86ED9F87, 0x2AA1DAA1, 0xBD731A34, 0x9E8F4B22, 0xB1C2C67A, 0xC21758C9, 0xA182215D,
  0xCCB01948, 0x8D168DF7, 0x04238CFE, 0x368C3DBC, 0x0AEADCA5, 0xBAD21C24, 0x0A71FEE5, 0x9FC5D872,
  0x54C152C6, 0xFC329483, 0x6783384A, 0xEDDB3E1C, 0x65F90E30, 0x884AD098, 0xCE81675A, 0x4B372F7D,
  0x68BF9A39, 0x43445F1E, 0x40F8D8CB, 0x90D5ACB6, 0x4CD07282, 0x349EEB06, 0x0C9D5332, 0x520B24EF,
  0x80020447, 0x67976491, 0x2F931CA3, 0xFE9B0535, 0xFCD30220, 0x61A9E6CC, 0xA487D8D7, 0x3F7C5DD1,
  0x7D0127C5, 0x48F51D15, 0x60DEA871, 0xC9A91CB7, 0x58B53BB3, 0x9D5E0B2D, 0x624A78B4, 0x30DBEE1B,
  0x9BDF22E7, 0x1DF5C299, 0x2D5643A7, 0xF4DD35FF, 0x03CA8FD6, 0x53B47ED8, 0x6F2C19AA, 0xFEB0C1F4,
  0x49E54438, 0x2F2577E6, 0xBF876969, 0x72440EA9, 0xFA0BAFB8, 0x74F5B3A0, 0x7DD357CD, 0x89CE1358,
  0x6EF2CDDA, 0x1E7767F3, 0xA6BE9FDB, 0x4F5F88F8, 0xBA994A3A, 0x08CA6B65, 0xE0893818, 0x9E00A16A,
  0xF42BFC8F, 0x9972EEDC, 0x749C8B51, 0x32C05F5E, 0xD706805F, 0x6BFBB7CF, 0xD9210A10, 0x31A1DB97,
  0x923A9559, 0x37A7A1F6, 0x059F8861, 0xCA493E62, 0x65157E81, 0x8F6467DD, 0xAB85FF9F, 0x9331AFF2,
  0x8616B9F5, 0xEDBD5695, 0xEE7E29B1, 0x313AC44F, 0xB903112F, 0x432EF649, 0xDC0A36C0, 0x61CF2BBA,
  0x81474925, 0xA8B6C7AD, 0xEE5931DE, 0xB2F8158D, 0x59FB7409, 0x2E3DFAED, 0x9AF25A3F, 0xE1FED4D5,
};

/* ---- image helpers ---------------------------------------------------- */

guint
quic_test_type_channels (TetherQuicType type)
{
  switch (type)
    {
    case TETHER_QUIC_TYPE_GRAY: return 1;
    case TETHER_QUIC_TYPE_RGBA: return 4;
    case TETHER_QUIC_TYPE_RGB16:
    case TETHER_QUIC_TYPE_RGB24:
    case TETHER_QUIC_TYPE_RGB32:
    default: return 3;
    }
}

guint
quic_test_type_bpc (TetherQuicType type)
{
  return type == TETHER_QUIC_TYPE_RGB16 ? 5 : 8;
}

QuicTestImage *
quic_test_image_new (TetherQuicType type, guint32 width, guint32 height)
{
  QuicTestImage *image = g_new0 (QuicTestImage, 1);

  image->type = type;
  image->width = width;
  image->height = height;
  for (guint c = 0; c < quic_test_type_channels (type); c++)
    image->planes[c] = g_malloc0 ((gsize) width * height);
  return image;
}

void
quic_test_image_free (QuicTestImage *image)
{
  if (image == NULL)
    return;
  for (guint c = 0; c < 4; c++)
    g_free (image->planes[c]);
  g_free (image);
}

guint8 *
quic_test_image_expected (const QuicTestImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint8 *out = g_malloc0 (n * 4);
  gboolean gray = image->type == TETHER_QUIC_TYPE_GRAY;

  for (gsize p = 0; p < n; p++)
    {
      guint8 r = image->planes[0][p];
      guint8 g = gray ? r : image->planes[1][p];
      guint8 b = gray ? r : image->planes[2][p];

      if (image->type == TETHER_QUIC_TYPE_RGB16)
        {
          r = (guint8) (r << 3 | r >> 2);
          g = (guint8) (g << 3 | g >> 2);
          b = (guint8) (b << 3 | b >> 2);
        }
      out[p * 4 + 0] = b;
      out[p * 4 + 1] = g;
      out[p * 4 + 2] = r;
      out[p * 4 + 3] = image->type == TETHER_QUIC_TYPE_RGBA ? image->planes[3][p] : 0;
    }
  return out;
}

/* ---- bit writer ------------------------------------------------------- */

typedef struct {
  GByteArray *out;
  guint32     word;
  guint       used;   /* bits of word filled, from the top */
} BitWriter;

static void
put_word (BitWriter *w)
{
  guint8 le[4] = {
    (guint8) w->word, (guint8) (w->word >> 8), (guint8) (w->word >> 16), (guint8) (w->word >> 24),
  };

  g_byte_array_append (w->out, le, 4);
  w->word = 0;
  w->used = 0;
}

/* Appends the low @len bits of @value, most significant first. */
static void
put_bits (BitWriter *w, guint32 value, guint len)
{
  for (guint k = len; k-- > 0;)
    {
      if ((value >> k) & 1)
        w->word |= 0x80000000u >> w->used;
      if (++w->used == 32)
        put_word (w);
    }
}

static void
put_flush (BitWriter *w)
{
  if (w->used > 0)
    put_word (w);
  put_word (w);   /* one zero word, as spice-common's encoder ends a stream */
}

/* ---- model ------------------------------------------------------------ */

typedef struct {
  unsigned bpc, levels;
  unsigned n_gr[8], cw_len[8];
  unsigned bucket_lo[8], bucket_hi[8], n_buckets;
} EncFamily;

typedef struct {
  unsigned counters[8];
  unsigned best;
} EncBucket;

typedef struct {
  unsigned waitcnt, seed, wmidx, wmileft, trigger;
  unsigned melcstate, melclen, melcorder;
} EncState;

typedef struct {
  EncBucket buckets[8];
  int      *corr;  /* width + 1, corr[0] is index -1 */
} EncChannel;

typedef struct {
  BitWriter   bits;
  EncFamily   fam;
  guint32     width;
  guint       nch;
  EncChannel  ch[4];
  EncState    state[2];
} Enc;

typedef struct {
  unsigned   first, count;
  EncState  *st;
} EncGroup;

static void
enc_family (EncFamily *f, unsigned bpc)
{
  unsigned lo = 0, size = 1;

  memset (f, 0, sizeof *f);
  f->bpc = bpc;
  f->levels = 1u << bpc;
  for (unsigned l = 0; l < bpc; l++)
    {
      unsigned alt = ENC_LIMIT - bpc;
      unsigned rest, sfx = 0;

      if (alt > (1u << (bpc - l)) - 1)
        alt = (1u << (bpc - l)) - 1;
      f->n_gr[l] = alt << l;
      rest = f->levels - f->n_gr[l];
      while ((1u << sfx) < rest)
        sfx++;
      f->cw_len[l] = alt + sfx;
    }
  while (lo < f->levels)
    {
      unsigned hi = lo + size - 1;

      if (hi + size >= f->levels)
        hi = f->levels - 1;
      f->bucket_lo[f->n_buckets] = lo;
      f->bucket_hi[f->n_buckets] = hi;
      f->n_buckets++;
      lo = hi + 1;
      size <<= 1;
    }
}

static EncBucket *
enc_bucket (Enc *e, EncChannel *ch, int value)
{
  for (unsigned b = 0; b < e->fam.n_buckets; b++)
    if ((unsigned) value >= e->fam.bucket_lo[b] && (unsigned) value <= e->fam.bucket_hi[b])
      return &ch->buckets[b];
  g_assert_not_reached ();
}

static unsigned
enc_code_len (const EncFamily *f, unsigned n, unsigned l)
{
  return n < f->n_gr[l] ? (n >> l) + l + 1 : f->cw_len[l];
}

static void
enc_golomb (Enc *e, unsigned n, unsigned l)
{
  if (n < e->fam.n_gr[l])
    {
      for (unsigned z = 0; z < (n >> l); z++)
        put_bits (&e->bits, 0, 1);
      put_bits (&e->bits, 1, 1);
      put_bits (&e->bits, n & ((1u << l) - 1), l);
    }
  else
    put_bits (&e->bits, n - e->fam.n_gr[l], e->fam.cw_len[l]);
}

static unsigned
enc_tab (EncState *s)
{
  s->seed = s->seed + 1;
  return enc_tabrand[s->seed % 256];
}

static void
enc_update (Enc *e, const EncGroup *g, unsigned k)
{
  for (unsigned c = g->first; c < g->first + g->count; c++)
    {
      EncChannel *ch = &e->ch[c];
      EncBucket *b = enc_bucket (e, ch, ch->corr[k]);
      unsigned n = (unsigned) ch->corr[k + 1];
      unsigned best = e->fam.bpc - 1, best_len = 0;

      for (int j = (int) e->fam.bpc - 1; j >= 0; j--)
        {
          b->counters[j] += enc_code_len (&e->fam, n, (unsigned) j);
          if (j == (int) e->fam.bpc - 1 || b->counters[j] < best_len)
            {
              best = (unsigned) j;
              best_len = b->counters[j];
            }
        }
      b->best = best;
      if (best_len > g->st->trigger)
        for (unsigned j = 0; j < e->fam.bpc; j++)
          b->counters[j] /= 2;
    }
}

/* Value of channel @c at pixel @x of row @y. */
static int
px (const QuicTestImage *img, unsigned c, guint32 x, guint32 y)
{
  return img->planes[c][(gsize) y * img->width + x];
}

static void
enc_pixel (Enc *e, const QuicTestImage *img, const EncGroup *g, guint32 x, guint32 y)
{
  unsigned mask = e->fam.levels - 1;

  for (unsigned c = g->first; c < g->first + g->count; c++)
    {
      EncChannel *ch = &e->ch[c];
      int pred, resid;
      unsigned mapped;

      if (y == 0)
        pred = x == 0 ? 0 : px (img, c, x - 1, 0);
      else if (x == 0)
        pred = px (img, c, 0, y - 1);
      else
        pred = (px (img, c, x - 1, y) + px (img, c, x, y - 1)) / 2;
      resid = (px (img, c, x, y) - pred) & (int) mask;
      /* 0, -1, 1, -2, 2, … → 0, 1, 2, 3, 4, … */
      mapped = resid <= (int) (mask >> 1) ? (unsigned) resid * 2 : (mask - (unsigned) resid) * 2 + 1;
      enc_golomb (e, mapped, enc_bucket (e, ch, ch->corr[x])->best);
      ch->corr[x + 1] = (int) mapped;
    }
}

static gboolean
enc_same (const QuicTestImage *img, const EncGroup *g, guint32 ya, guint32 xa, guint32 yb, guint32 xb)
{
  for (unsigned c = g->first; c < g->first + g->count; c++)
    if (px (img, c, xa, ya) != px (img, c, xb, yb))
      return FALSE;
  return TRUE;
}

static void
enc_run (Enc *e, EncState *s, unsigned len)
{
  while (len >= s->melcorder)
    {
      put_bits (&e->bits, 1, 1);
      len -= s->melcorder;
      if (s->melcstate < 31)
        {
          s->melcstate++;
          s->melclen = enc_J[s->melcstate];
          s->melcorder = 1u << s->melclen;
        }
    }
  put_bits (&e->bits, 0, 1);
  put_bits (&e->bits, len, s->melclen);
  if (s->melcstate > 0)
    {
      s->melcstate--;
      s->melclen = enc_J[s->melcstate];
      s->melcorder = 1u << s->melclen;
    }
}

static void
enc_segment (Enc *e, const QuicTestImage *img, const EncGroup *g, guint32 y,
             unsigned i, unsigned end, unsigned waitmask)
{
  EncState *s = g->st;
  unsigned stop, run_index = 0;

  if (i == 0)
    {
      enc_pixel (e, img, g, 0, y);
      if (s->waitcnt)
        s->waitcnt--;
      else
        {
          s->waitcnt = enc_tab (s) & waitmask;
          enc_update (e, g, 0);
        }
      i = 1;
    }
  stop = i + s->waitcnt;

  while (i < end)
    {
      /* Run check, never in the first row. */
      if (y > 0 && i > 2 && i != run_index &&
          enc_same (img, g, y - 1, i - 1, y - 1, i) &&
          enc_same (img, g, y, i - 1, y, i - 2))
        {
          unsigned len = 0;

          s->waitcnt = stop - i;
          run_index = i;
          while (i < end && enc_same (img, g, y, i, y, i - 1))
            {
              len++;
              i++;
            }
          enc_run (e, s, len);
          if (i == end)
            return;
          stop = i + s->waitcnt;
          continue;
        }
      enc_pixel (e, img, g, i, y);
      if (i == stop)
        {
          enc_update (e, g, stop);
          stop = i + 1 + (enc_tab (s) & waitmask);
        }
      i++;
    }
  s->waitcnt = stop - end;
}

static void
enc_row (Enc *e, const QuicTestImage *img, const EncGroup *g, guint32 y)
{
  EncState *s = g->st;
  unsigned left = e->width, pos = 0;

  for (unsigned c = g->first; c < g->first + g->count; c++)
    e->ch[c].corr[0] = y == 0 ? 0 : e->ch[c].corr[1];

  while (s->wmidx < ENC_WMI_MAX && s->wmileft <= left)
    {
      enc_segment (e, img, g, y, pos, pos + s->wmileft, (1u << s->wmidx) - 1);
      left -= s->wmileft;
      pos += s->wmileft;
      s->wmidx++;
      s->trigger = enc_trigger[s->wmidx < 10 ? s->wmidx : 10];
      s->wmileft = ENC_WMI_NEXT;
    }
  if (left > 0)
    {
      enc_segment (e, img, g, y, pos, pos + left, (1u << s->wmidx) - 1);
      if (s->wmidx < ENC_WMI_MAX)
        s->wmileft -= left;
    }
}

GBytes *
quic_test_encode_with_header (const QuicTestImage *img, guint32 magic, guint32 version,
                              guint32 header_type, guint32 header_width, guint32 header_height)
{
  Enc e;
  EncGroup groups[2];
  unsigned n_groups = 1;

  memset (&e, 0, sizeof e);
  e.bits.out = g_byte_array_new ();
  e.width = img->width;
  e.nch = quic_test_type_channels (img->type);
  enc_family (&e.fam, quic_test_type_bpc (img->type));
  for (unsigned k = 0; k < 2; k++)
    {
      EncState *s = &e.state[k];

      s->seed = 0xff;
      s->wmileft = ENC_WMI_NEXT;
      s->trigger = enc_trigger[0];
      s->melclen = enc_J[0];
      s->melcorder = 1u << s->melclen;
    }
  for (unsigned c = 0; c < e.nch; c++)
    {
      e.ch[c].corr = g_new0 (int, img->width + 1);
      for (unsigned b = 0; b < 8; b++)
        e.ch[c].buckets[b].best = e.fam.bpc - 1;
    }
  groups[0] = (EncGroup) { 0, e.nch == 4 ? 3 : e.nch, &e.state[0] };
  if (e.nch == 4)
    {
      groups[1] = (EncGroup) { 3, 1, &e.state[1] };
      n_groups = 2;
    }

  put_bits (&e.bits, magic, 32);
  put_bits (&e.bits, version, 32);
  put_bits (&e.bits, header_type, 32);
  put_bits (&e.bits, header_width, 32);
  put_bits (&e.bits, header_height, 32);
  for (guint32 y = 0; y < img->height; y++)
    for (unsigned k = 0; k < n_groups; k++)
      enc_row (&e, img, &groups[k], y);
  put_flush (&e.bits);

  for (unsigned c = 0; c < e.nch; c++)
    g_free (e.ch[c].corr);
  return g_byte_array_free_to_bytes (e.bits.out);
}

GBytes *
quic_test_encode (const QuicTestImage *image)
{
  return quic_test_encode_with_header (image, TETHER_QUIC_MAGIC, TETHER_QUIC_VERSION,
                                       image->type, image->width, image->height);
}
