/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE QUIC image decoder, written from spice-protocol.md §10.1.
 *
 * QUIC codes each row of an image predictively: every channel value is
 * predicted from its left and upper neighbours, and the residual is mapped to
 * an unsigned value and written with one of a family of Golomb-Rice codes.
 * Which code is used depends on a "bucket" chosen by the previous residual
 * of the same channel; each bucket keeps a running total of how long every
 * code of the family would have been and picks the shortest. The model is
 * updated only at pseudo-random intervals that grow as the image goes on.
 * Runs of a repeated pixel are coded with an adaptive run-length code.
 *
 * Hostile input: the bit reader only takes whole 32-bit words through a
 * TetherReader and fails once the 32-bit look-ahead window would pass the
 * end of the input (the reference's rule, so every strict prefix of a valid
 * stream fails); each code is checked to lie inside the channel's range
 * before it is used; run lengths are checked against the segment end; every
 * loop advances by at least one pixel or one input bit; and the destination
 * is written only inside the rows and width the caller gave.
 */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tether-codec-private.h"
#include "tether-error.h"
#include "tether-quic-private.h"
#include "tether-reader-private.h"

/* ---- constants (§10.1 and Appendix B) ----------------------------------- */

#define QUIC_MAX_BPC        8      /* codes per family, counters per bucket */
#define QUIC_MAX_BUCKETS    8      /* buckets per channel (8 bpc: 8, 5 bpc: 5) */
#define QUIC_MAX_CHANNELS   4
#define QUIC_CODE_LIMIT     26     /* longest codeword, in bits */
#define QUIC_WMI_MAX        6      /* the wait mask stops growing at 2^6 - 1 */
#define QUIC_WMI_NEXT       2048   /* pixels per wait-mask step */
#define QUIC_MELC_STATES    32

static const guint16 quic_wm_trigger[11] = {
  110, 550, 900, 800, 550, 400, 350, 250, 140, 160, 140,
};

static const guint8 quic_melc_len[QUIC_MELC_STATES] = {
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
  4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

static const guint32 quic_tabrand[256] = {
  0x02c57542, 0x35427717, 0x2f5a2153, 0x9244f155, 0x7bd26d07, 0x354c6052, 0x57329b28, 0x2993868e,
  0x6cd8808c, 0x147b46e0, 0x99db66af, 0xe32b4cac, 0x1b671264, 0x9d433486, 0x62a4c192, 0x06089a4b,
  0x9e3dce44, 0xdaabee13, 0x222425ea, 0xa46f331d, 0xcd589250, 0x8bb81d7f, 0xc8b736b9, 0x35948d33,
  0xd7ac7fd0, 0x5fbe2803, 0x2cfbc105, 0x013dbc4e, 0x7a37820f, 0x39f88e9e, 0xedd58794, 0xc5076689,
  0xfcada5a4, 0x64c2f46d, 0xb3ba3243, 0x8974b4f9, 0x5a05aebd, 0x20afcd00, 0x39e2b008, 0x88a18a45,
  0x600bde29, 0xf3971ace, 0xf37b0a6b, 0x7041495b, 0x70b707ab, 0x06beffbb, 0x4206051f, 0xe13c4ee3,
  0xc1a78327, 0x91aa067c, 0x8295f72a, 0x732917a6, 0x1d871b4d, 0x4048f136, 0xf1840e7e, 0x6a6048c1,
  0x696cb71a, 0x7ff501c3, 0x0fc6310b, 0x57e0f83d, 0x8cc26e74, 0x11a525a2, 0x946934c7, 0x7cd888f0,
  0x8f9d8604, 0x4f86e73b, 0x04520316, 0xdeeea20c, 0xf1def496, 0x67687288, 0xf540c5b2, 0x22401484,
  0x3478658a, 0xc2385746, 0x01979c2c, 0x5dad73c8, 0x0321f58b, 0xf0fedbee, 0x92826ddf, 0x284bec73,
  0x5b1a1975, 0x03df1e11, 0x20963e01, 0xa17cf12b, 0x740d776e, 0xa7a6bf3c, 0x01b5cce4, 0x1118aa76,
  0xfc6fac0a, 0xce927e9b, 0x00bf2567, 0x806f216c, 0xbca69056, 0x795bd3e9, 0xc9dc4557, 0x8929b6c2,
  0x789d52ec, 0x3f3fbf40, 0xb9197368, 0xa38c15b5, 0xc3b44fa8, 0xca8333b0, 0xb7e8d590, 0xbe807feb,
  0xbf5f8360, 0xd99e2f5c, 0x372928e1, 0x7c757c4c, 0x0db5b154, 0xc01ede02, 0x1fc86e78, 0x1f3985be,
  0xb4805c77, 0x00c880fa, 0x974c1b12, 0x35ab0214, 0xb2dc840d, 0x5b00ae37, 0xd313b026, 0xb260969d,
  0x7f4c8879, 0x1734c4d3, 0x49068631, 0xb9f6a021, 0x6b863e6f, 0xcee5debf, 0x29f8c9fb, 0x53dd6880,
  0x72b61223, 0x1f67a9fd, 0x0a0f6993, 0x13e59119, 0x11cca12e, 0xfe6b6766, 0x16b6effc, 0x97918fc4,
  0xc2b8a563, 0x94f2f741, 0x0bfa8c9a, 0xd1537ae8, 0xc1da349c, 0x873c60ca, 0x95005b85, 0x9b5c080e,
  0xbc8abbd9, 0xe1eab1d2, 0x6dac9070, 0x4ea9ebf1, 0xe0cf30d4, 0x1ef5bd7b, 0xd161043e, 0x5d2fa2e2,
  0xff5d3cae, 0x86ed9f87, 0x2aa1daa1, 0xbd731a34, 0x9e8f4b22, 0xb1c2c67a, 0xc21758c9, 0xa182215d,
  0xccb01948, 0x8d168df7, 0x04238cfe, 0x368c3dbc, 0x0aeadca5, 0xbad21c24, 0x0a71fee5, 0x9fc5d872,
  0x54c152c6, 0xfc329483, 0x6783384a, 0xeddb3e1c, 0x65f90e30, 0x884ad098, 0xce81675a, 0x4b372f7d,
  0x68bf9a39, 0x43445f1e, 0x40f8d8cb, 0x90d5acb6, 0x4cd07282, 0x349eeb06, 0x0c9d5332, 0x520b24ef,
  0x80020447, 0x67976491, 0x2f931ca3, 0xfe9b0535, 0xfcd30220, 0x61a9e6cc, 0xa487d8d7, 0x3f7c5dd1,
  0x7d0127c5, 0x48f51d15, 0x60dea871, 0xc9a91cb7, 0x58b53bb3, 0x9d5e0b2d, 0x624a78b4, 0x30dbee1b,
  0x9bdf22e7, 0x1df5c299, 0x2d5643a7, 0xf4dd35ff, 0x03ca8fd6, 0x53b47ed8, 0x6f2c19aa, 0xfeb0c1f4,
  0x49e54438, 0x2f2577e6, 0xbf876969, 0x72440ea9, 0xfa0bafb8, 0x74f5b3a0, 0x7dd357cd, 0x89ce1358,
  0x6ef2cdda, 0x1e7767f3, 0xa6be9fdb, 0x4f5f88f8, 0xba994a3a, 0x08ca6b65, 0xe0893818, 0x9e00a16a,
  0xf42bfc8f, 0x9972eedc, 0x749c8b51, 0x32c05f5e, 0xd706805f, 0x6bfbb7cf, 0xd9210a10, 0x31a1db97,
  0x923a9559, 0x37a7a1f6, 0x059f8861, 0xca493e62, 0x65157e81, 0x8f6467dd, 0xab85ff9f, 0x9331aff2,
  0x8616b9f5, 0xedbd5695, 0xee7e29b1, 0x313ac44f, 0xb903112f, 0x432ef649, 0xdc0a36c0, 0x61cf2bba,
  0x81474925, 0xa8b6c7ad, 0xee5931de, 0xb2f8158d, 0x59fb7409, 0x2e3dfaed, 0x9af25a3f, 0xe1fed4d5,
};

/* ---- the code family of one bit depth ------------------------------------ */

typedef struct {
  guint   bpc;                      /* bits per channel: 8 or 5 */
  guint   mask;                     /* 2^bpc - 1 */
  guint   ngr[QUIC_MAX_BPC];        /* values coded as plain Golomb-Rice */
  guint   sfx[QUIC_MAX_BPC];        /* suffix bits of the escape codeword */
  guint   cwlen[QUIC_MAX_BPC];      /* length of the escape codeword */
  guint32 pmask[QUIC_MAX_BPC];      /* window > pmask: a Golomb-Rice codeword */
  guint8  codelen[256][QUIC_MAX_BPC]; /* length of value n under code l */
  /* Short Golomb-Rice codewords by the window's top 8 bits, per code:
   * length | value << 8 | unmapped residual << 16, or 0 when the codeword
   * is longer than 8 bits or an escape (then decoded the long way). */
  guint32 fast[QUIC_MAX_BPC][256];
  guint8  bucket_of[256];           /* previous residual -> bucket index */
} QuicFamily;

static guint
ceil_log2 (guint v)
{
  guint r = 0;

  while (r < 32 && (G_GUINT64_CONSTANT (1) << r) < v)
    r++;
  return r;
}

static void
family_init (QuicFamily *f, guint bpc)
{
  memset (f, 0, sizeof *f);
  f->bpc = bpc;
  f->mask = (1u << bpc) - 1;

  for (guint l = 0; l < bpc; l++)
    {
      guint alt = MIN (QUIC_CODE_LIMIT - bpc, (1u << (bpc - l)) - 1);

      f->ngr[l] = alt << l;
      f->sfx[l] = ceil_log2 ((1u << bpc) - f->ngr[l]);
      f->cwlen[l] = alt + f->sfx[l];
      f->pmask[l] = (guint32) ((G_GUINT64_CONSTANT (1) << (32 - alt)) - 1);
      for (guint n = 0; n < 256; n++)
        f->codelen[n][l] = n < f->ngr[l] ? (n >> l) + l + 1 : f->cwlen[l];
      /* A top byte b ≠ 0 has z = clz leading zeros; the codeword is
       * Golomb-Rice when z < alt (the window is over pmask) and lies
       * inside b when z + 1 + l ≤ 8. Its value is below ngr[l] ≤ mask. */
      for (guint b = 1; b < 256; b++)
        {
          guint z = (guint) __builtin_clz (b) - 24;
          guint len = z + 1 + l;

          if (z < alt && len <= 8)
            {
              guint v = (z << l) | ((b >> (8 - len)) & ((1u << l) - 1));
              guint delta = (v & 1) ? f->mask - (v >> 1) : v >> 1;

              f->fast[l][b] = len | v << 8 | delta << 16;
            }
        }
    }

  /* Buckets of doubling size, {0}, {1,2}, {3..6}, {7..14}, …, where a
   * bucket whose successor would pass the top value takes the rest too:
   * 8 buckets for 8 bpc, 5 for 5 bpc. Values above the range never reach
   * the table (codes are checked); they map to the last bucket anyway. */
  {
    guint levels = 1u << bpc, start = 0, size = 1, b = 0;

    while (start < levels)
      {
        guint end = start + size - 1;

        if (end + size >= levels)
          end = levels - 1;
        for (guint v = start; v <= end; v++)
          f->bucket_of[v] = b;
        b++;
        start = end + 1;
        size *= 2;
      }
    g_assert (b <= QUIC_MAX_BUCKETS);
    for (guint v = levels; v < 256; v++)
      f->bucket_of[v] = b - 1;
  }
}

static const QuicFamily *
family_get (guint bpc)
{
  static QuicFamily families[2];
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      family_init (&families[0], 8);
      family_init (&families[1], 5);
      g_once_init_leave (&ready, 1);
    }
  return &families[bpc == 8 ? 0 : 1];
}

/* ---- bit reader ---------------------------------------------------------- */

/* A 64-bit buffer of upcoming bits, most significant first, holding at
 * least 32 valid bits while the reader is good. The window W of §10.1 is its
 * top half. The input's whole 32-bit words are borrowed once through a
 * TetherReader; every word read checks that it lies inside them. Once the
 * window cannot be filled from the input the reader fails for good and
 * reads as zeros. */
typedef struct {
  const guint8 *words;  /* the whole 32-bit words of the input */
  gsize         len;    /* bytes of @words, a multiple of 4 */
  gsize         pos;    /* the next word */
  guint64       buf;
  guint         nbits;  /* valid bits in buf */
  gboolean      failed;
} QuicBits;

static void
bits_fail (QuicBits *b)
{
  b->failed = TRUE;
  b->buf = 0;
  b->nbits = 64;
}

/* The next little-endian word of the input: FALSE at its end. */
static inline gboolean
bits_next_word (QuicBits *b, guint32 *word)
{
  guint32 v;

  if (G_UNLIKELY (b->len - b->pos < 4))
    return FALSE;
  memcpy (&v, b->words + b->pos, 4);
  b->pos += 4;
  *word = GUINT32_FROM_LE (v);
  return TRUE;
}

static void
bits_init (QuicBits *b, const guint8 *data, gsize len)
{
  TetherReader r;
  guint32 word;

  memset (b, 0, sizeof *b);
  tether_reader_init (&r, data, len - len % 4);
  if (!tether_reader_borrow (&r, len - len % 4, &b->words))
    {
      bits_fail (b);
      return;
    }
  b->len = len - len % 4;
  if (!bits_next_word (b, &word))
    {
      bits_fail (b);
      return;
    }
  b->buf = (guint64) word << 32;
  b->nbits = 32;
}

static inline guint32
bits_window (const QuicBits *b)
{
  return (guint32) (b->buf >> 32);
}

/* Consumes 1..32 bits. */
static inline void
bits_eat (QuicBits *b, guint n)
{
  b->buf <<= n;
  b->nbits -= n;
  if (b->nbits < 32)
    {
      guint32 word;

      if (b->failed || !bits_next_word (b, &word))
        {
          bits_fail (b);
          return;
        }
      b->buf |= (guint64) word << (32 - b->nbits);
      b->nbits += 32;
    }
}

/* ---- model --------------------------------------------------------------- */

typedef struct {
  guint32 counters[QUIC_MAX_BPC];
} QuicBucket;

typedef struct {
  QuicBucket buckets[QUIC_MAX_BUCKETS];
} QuicChannel;

typedef struct {
  guint32 waitcnt;
  guint32 seed;
  guint32 wmidx;
  guint32 wmileft;
  guint32 trigger;
  guint   melcstate;
  guint   melclen;
  guint32 melcorder;
} QuicState;

typedef struct {
  guint      first;     /* first channel of the group */
  guint      count;     /* channels in the group: 1 or 3 */
  QuicState *state;
} QuicGroup;

typedef struct {
  QuicBits          bits;
  const QuicFamily *fam;
  guint32           width;
  guint             n_channels;
  QuicChannel       ch[QUIC_MAX_CHANNELS];
  QuicState         states[2];
  /* Channel values and residual codes, interleaved four bytes a pixel,
   * each channel at its byte of the B, G, R, A order (quic_lane_byte()):
   * a row is already the 32-bit pixels of the destination. */
  guint8           *rows[2];    /* 4 × width: two rows of values */
  /* 4 × (width + 1) residual codes of the current row, persistent across
   * rows and indexed from -1: corr[4 × (i + 1) + byte] is pixel i's. */
  guint8           *corr;
  guint             cur;        /* rows[cur] is the row being decoded */
  /* The code each bucket picks now, by channel and bucket. */
  guint8            bestcode[QUIC_MAX_CHANNELS][QUIC_MAX_BUCKETS];
  const char       *why;        /* static text of the first failure */
} QuicDecoder;

/* The byte of a pixel that channel @c (0 R or GRAY, 1 G, 2 B, 3 A) takes. */
static inline guint
quic_lane_byte (guint c)
{
  return c < 3 ? 2 - c : 3;
}

static void
state_init (QuicState *s)
{
  memset (s, 0, sizeof *s);
  s->seed = 0xff;
  s->wmileft = QUIC_WMI_NEXT;
  s->trigger = quic_wm_trigger[0];
  s->melclen = quic_melc_len[0];
  s->melcorder = 1u << s->melclen;
}

static inline guint32
state_tabrand (QuicState *s)
{
  s->seed++;
  return quic_tabrand[s->seed & 0xff];
}

static gboolean
decoder_fail (QuicDecoder *d, const char *why)
{
  if (d->why == NULL)
    d->why = why;
  return FALSE;
}

static gboolean
bits_check (QuicDecoder *d)
{
  if (G_UNLIKELY (d->bits.failed))
    return decoder_fail (d, "the data ends in the middle of the image");
  return TRUE;
}

/* The run-length code: one 1 bit per run of the current order, a 0 bit,
 * then the remainder in melclen bits. Fails on a run longer than @limit. */
static gboolean
decode_run (QuicDecoder *d, QuicState *s, guint32 limit, guint32 *out)
{
  guint32 len = 0;

  while (bits_window (&d->bits) & 0x80000000u)
    {
      bits_eat (&d->bits, 1);
      if (!bits_check (d))
        return FALSE;
      len += s->melcorder;
      if (len > limit)
        return decoder_fail (d, "a run passes the end of the row");
      if (s->melcstate < QUIC_MELC_STATES - 1)
        {
          s->melcstate++;
          s->melclen = quic_melc_len[s->melcstate];
          s->melcorder = 1u << s->melclen;
        }
    }
  bits_eat (&d->bits, 1);
  if (s->melclen > 0)
    {
      len += bits_window (&d->bits) >> (32 - s->melclen);
      bits_eat (&d->bits, s->melclen);
    }
  if (!bits_check (d))
    return FALSE;
  if (len > limit)
    return decoder_fail (d, "a run passes the end of the row");
  if (s->melcstate > 0)
    {
      s->melcstate--;
      s->melclen = quic_melc_len[s->melcstate];
      s->melcorder = 1u << s->melclen;
    }
  *out = len;
  return TRUE;
}

/* ---- the pixel loop ------------------------------------------------------ */

/*
 * The hot loop, written once and specialised by the compiler (always
 * inlined with constant arguments) for each channel count of a group (3:
 * RGB, 1: GRAY or RGBA's alpha) and for the first row (no row above, no
 * runs) against the others. The bit buffer lives in local variables
 * (QuicLocalBits) while the loop runs — stores through the byte pointers
 * of the rows would otherwise make the compiler reload it after every
 * pixel — and goes back to d->bits around decode_run() and on return.
 */
#define QUIC_INLINE static inline __attribute__ ((always_inline))

/* Where a group's channels are: @cur, @prev and @corr point at the byte
 * of its first channel; with 3 channels (R, G, B) channel c is c bytes
 * before it (bytes 2, 1, 0), with one channel it is that byte. */
typedef struct {
  guint8       *cur;      /* the row being decoded */
  const guint8 *prev;     /* the row above */
  guint8       *corr;     /* corr[4 × (i + 1)]: the residual code of pixel i */
  QuicChannel  *ch;       /* the first channel's buckets */
  guint8       *best;     /* the first channel's bestcode[] */
} QuicLanes;

/* The byte offset of lane @c of a group of @count channels. */
#define LANE(count, c) ((count) == 3 ? -(int) (c) : 0)

typedef struct {
  guint64 buf;
  guint   nbits;
} QuicLocalBits;

/* Consumes 1..32 bits of the local buffer, refilling it from the input:
 * FALSE (and d->bits failed) when the input ran out. */
QUIC_INLINE gboolean
lb_eat (QuicDecoder *d, QuicLocalBits *lb, guint n)
{
  lb->buf <<= n;
  lb->nbits -= n;
  if (lb->nbits < 32)
    {
      guint32 word;

      if (G_UNLIKELY (!bits_next_word (&d->bits, &word)))
        {
          bits_fail (&d->bits);
          lb->buf = d->bits.buf;
          lb->nbits = d->bits.nbits;
          return decoder_fail (d, "the data ends in the middle of the image");
        }
      lb->buf |= (guint64) word << (32 - lb->nbits);
      lb->nbits += 32;
    }
  return TRUE;
}

/* One codeword with code @l: its value in *@out, the residual it stands
 * for (unmap_residual()) in *@delta. FALSE on a value outside the channel's
 * range (only a corrupt stream has one) or when the input ran out. */
QUIC_INLINE gboolean
lane_code (QuicDecoder *d, const QuicFamily *f, QuicLocalBits *lb, guint l,
           guint *out, guint *delta)
{
  guint32 w = (guint32) (lb->buf >> 32);
  guint len, v;
  guint32 fast = f->fast[l][w >> 24];

  if (G_LIKELY (fast != 0))
    {
      /* A short Golomb-Rice codeword: always inside the range. */
      if (!lb_eat (d, lb, fast & 0xff))
        return FALSE;
      *out = (fast >> 8) & 0xff;
      *delta = fast >> 16;
      return TRUE;
    }
  if (w > f->pmask[l])
    {
      guint z = (guint) __builtin_clz (w);

      len = z + 1 + l;
      v = (z << l) | ((w >> (32 - len)) & ((1u << l) - 1));
    }
  else
    {
      len = f->cwlen[l];
      v = f->ngr[l] + ((w >> (32 - len)) & ((1u << f->sfx[l]) - 1));
    }
  if (!lb_eat (d, lb, len))
    return FALSE;
  if (G_UNLIKELY (v > f->mask))
    return decoder_fail (d, "a residual code is outside the channel's range");
  *out = v;
  /* mask − (v >> 1) is mask ^ (v >> 1), as v ≤ mask. */
  *delta = (v >> 1) ^ (f->mask & (0u - (v & 1)));
  return TRUE;
}

/* Pixel @i of every lane; @row0 and @i0 (i == 0) are constants. */
QUIC_INLINE gboolean
lanes_pixel (QuicDecoder *d, const QuicFamily *f, const QuicLanes *ln, const guint count,
             QuicLocalBits *lb, guint32 i, const gboolean row0, const gboolean i0)
{
  guint mask = f->mask;
  gssize at = 4 * (gssize) i;   /* signed: lanes sit at negative offsets */

#pragma GCC unroll 4
  for (guint c = 0; c < count; c++)
    {
      int o = LANE (count, c);
      guint l = ln->best[c * QUIC_MAX_BUCKETS + f->bucket_of[ln->corr[at + o]]];
      guint v, pred, delta;

      if (!lane_code (d, f, lb, l, &v, &delta))
        return FALSE;
      ln->corr[at + 4 + o] = (guint8) v;
      if (i0)
        pred = row0 ? 0 : ln->prev[o];
      else if (row0)
        pred = ln->cur[at - 4 + o];
      else
        pred = ((guint) ln->cur[at - 4 + o] + ln->prev[at + o]) >> 1;
      ln->cur[at + o] = (guint8) ((delta + pred) & mask);
    }
  return TRUE;
}

/* Whether a run starts at pixel @i (rows after the first only): the row
 * above repeats at i and the two pixels before i are the same. */
QUIC_INLINE gboolean
lanes_run_check (const QuicLanes *ln, const guint count, guint32 i, guint32 run_index)
{
  gssize at = 4 * (gssize) i;   /* signed: lanes sit at negative offsets */

#pragma GCC unroll 4
  for (guint c = 0; c < count; c++)
    if (ln->prev[at - 4 + LANE (count, c)] != ln->prev[at + LANE (count, c)])
      return FALSE;
  if (i == run_index || i <= 2)
    return FALSE;
#pragma GCC unroll 4
  for (guint c = 0; c < count; c++)
    if (ln->cur[at - 4 + LANE (count, c)] != ln->cur[at - 8 + LANE (count, c)])
      return FALSE;
  return TRUE;
}

/* Adds what each code would have cost for pixel @k's residual to the
 * counters of the bucket chosen by pixel k - 1, and picks the best code. */
QUIC_INLINE void
lanes_update_model (const QuicFamily *f, const QuicLanes *ln, const guint count,
                    const QuicState *s, guint32 k)
{
  gssize at = 4 * (gssize) k;   /* signed: lanes sit at negative offsets */

  for (guint c = 0; c < count; c++)
    {
      int o = LANE (count, c);
      guint bi = f->bucket_of[ln->corr[at + o]];
      QuicBucket *b = &ln->ch[c].buckets[bi];
      guint n = ln->corr[at + 4 + o];
      guint best = f->bpc - 1;
      guint32 best_len;

      best_len = (b->counters[best] += f->codelen[n][best]);
      for (guint j = f->bpc - 1; j-- > 0;)
        {
          guint32 len = (b->counters[j] += f->codelen[n][j]);

          if (len < best_len)
            {
              best = j;
              best_len = len;
            }
        }
      ln->best[c * QUIC_MAX_BUCKETS + bi] = (guint8) best;
      if (best_len > s->trigger)
        for (guint j = 0; j < f->bpc; j++)
          b->counters[j] >>= 1;
    }
}

/* Pixels [i, end) of the current row with a fixed wait mask. */
QUIC_INLINE gboolean
segment_t (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end,
           guint32 waitmask, const gboolean row0, const guint count)
{
  QuicState *s = g->state;
  QuicLanes lanes;
  QuicLocalBits lb = { d->bits.buf, d->bits.nbits };
  guint32 stop, run_index = 0;
  gboolean ok = FALSE;
  guint first = quic_lane_byte (g->first);
  const QuicFamily *f = d->fam;

  lanes.cur = d->rows[d->cur] + first;
  lanes.prev = d->rows[d->cur ^ 1] + first;
  lanes.corr = d->corr + first;
  lanes.ch = &d->ch[g->first];
  lanes.best = d->bestcode[g->first];

  if (i == 0)
    {
      if (!lanes_pixel (d, f, &lanes, count, &lb, 0, row0, TRUE))
        goto out;
      if (s->waitcnt > 0)
        s->waitcnt--;
      else
        {
          s->waitcnt = state_tabrand (s) & waitmask;
          lanes_update_model (f, &lanes, count, s, 0);
        }
      i = 1;
    }
  stop = i + s->waitcnt;

  /* Each pass decodes at least one pixel: a run that stops short is
   * followed by a coded pixel (run_check refuses the same index twice). */
  for (;;)
    {
      guint32 run_len;

      while (stop < end)
        {
          for (; i <= stop; i++)
            {
              if (!row0 && lanes_run_check (&lanes, count, i, run_index))
                goto run;
              if (!lanes_pixel (d, f, &lanes, count, &lb, i, row0, FALSE))
                goto out;
            }
          lanes_update_model (f, &lanes, count, s, stop);
          stop = i + (state_tabrand (s) & waitmask);
        }
      for (; i < end; i++)
        {
          if (!row0 && lanes_run_check (&lanes, count, i, run_index))
            goto run;
          if (!lanes_pixel (d, f, &lanes, count, &lb, i, row0, FALSE))
            goto out;
        }
      s->waitcnt = stop - end;
      ok = TRUE;
      goto out;

    run:
      s->waitcnt = stop - i;
      run_index = i;
      d->bits.buf = lb.buf;
      d->bits.nbits = lb.nbits;
      if (!decode_run (d, s, end - i, &run_len))
        return FALSE;
      lb.buf = d->bits.buf;
      lb.nbits = d->bits.nbits;
      if (count == 3)
        {
          /* Whole pixels: an alpha byte written here is decoded later. */
          guint8 px[4];

          memcpy (px, lanes.cur - 2 + 4 * ((gsize) i - 1), 4);
          for (guint32 k = 0; k < run_len; k++)
            memcpy (lanes.cur - 2 + 4 * ((gsize) i + k), px, 4);
        }
      else
        for (guint32 k = 0; k < run_len; k++)
          lanes.cur[4 * ((gsize) i + k)] = lanes.cur[4 * ((gsize) i - 1)];
      i += run_len;
      if (i == end)
        {
          ok = TRUE;
          goto out;
        }
      stop = i + s->waitcnt;
    }

out:
  d->bits.buf = lb.buf;
  d->bits.nbits = lb.nbits;
  return ok;
}

static gboolean
segment_rgb_row0 (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end, guint32 wm)
{
  return segment_t (d, g, i, end, wm, TRUE, 3);
}

static gboolean
segment_rgb (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end, guint32 wm)
{
  return segment_t (d, g, i, end, wm, FALSE, 3);
}

static gboolean
segment_one_row0 (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end, guint32 wm)
{
  return segment_t (d, g, i, end, wm, TRUE, 1);
}

static gboolean
segment_one (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end, guint32 wm)
{
  return segment_t (d, g, i, end, wm, FALSE, 1);
}

static gboolean
decode_segment (QuicDecoder *d, const QuicGroup *g, guint32 i, guint32 end,
                guint32 waitmask, gboolean row0)
{
  if (g->count == 3)
    return row0 ? segment_rgb_row0 (d, g, i, end, waitmask) : segment_rgb (d, g, i, end, waitmask);
  return row0 ? segment_one_row0 (d, g, i, end, waitmask) : segment_one (d, g, i, end, waitmask);
}

/* One row of one channel group: segments split where the wait mask grows. */
static gboolean
decode_row (QuicDecoder *d, const QuicGroup *g, gboolean row0)
{
  QuicState *s = g->state;
  guint32 width = d->width, pos = 0;

  for (guint c = g->first; c < g->first + g->count; c++)
    {
      guint o = quic_lane_byte (c);

      d->corr[o] = row0 ? 0 : d->corr[4 + o];
    }

  while (s->wmidx < QUIC_WMI_MAX && s->wmileft <= width)
    {
      if (s->wmileft > 0)
        {
          if (!decode_segment (d, g, pos, pos + s->wmileft, (1u << s->wmidx) - 1, row0))
            return FALSE;
          width -= s->wmileft;
          pos += s->wmileft;
        }
      s->wmidx++;
      s->trigger = quic_wm_trigger[MIN (s->wmidx, G_N_ELEMENTS (quic_wm_trigger) - 1)];
      s->wmileft = QUIC_WMI_NEXT;
    }
  if (width > 0)
    {
      if (!decode_segment (d, g, pos, pos + width, (1u << s->wmidx) - 1, row0))
        return FALSE;
      if (s->wmidx < QUIC_WMI_MAX)
        s->wmileft -= width;
    }
  return TRUE;
}

static inline guint8
widen5 (guint8 v)
{
  return (guint8) ((v << 3) | (v >> 2));
}

/* Where decoded rows go: a plain B,G,R,X buffer written as spice-gtk's
 * decoder writes it (X = 0 except RGBA), or a destination of the shared
 * codec contract (tether-codec-private.h). */
typedef struct {
  guint8                *data;     /* plain buffer, or NULL */
  gsize                  stride;
  const TetherCodecDest *codec;    /* codec destination, or NULL */
  guint32               *argb;     /* one row of 0xAARRGGBB for @codec */
} QuicSink;

/* Writes the decoded row @y into the sink: only the first width pixels of
 * row y of the destination. The row is B, G, R, A bytes (GRAY: the value
 * in R's byte; no A byte decoded but for RGBA). */
static void
store_row (const QuicDecoder *d, TetherQuicType type, const QuicSink *sink, guint32 y)
{
  const guint8 *row = d->rows[d->cur];
  gboolean wide = type == TETHER_QUIC_TYPE_RGB16;
  gboolean gray = type == TETHER_QUIC_TYPE_GRAY;
  gboolean alpha = type == TETHER_QUIC_TYPE_RGBA;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (sink->codec != NULL &&
      (sink->codec->format == TETHER_CODEC_FORMAT_XRGB32 ||
       sink->codec->format == TETHER_CODEC_FORMAT_ARGB32))
    {
      /* The row's bytes are the 0xAARRGGBB words already, but for RGB16's
       * widening and GRAY's copies. */
      guint8 *out = sink->codec->data + (gsize) y * sink->codec->stride;

      if (alpha)
        memcpy (out, row, 4 * (gsize) d->width);
      else if (wide)
        {
          for (guint32 x = 0; x < d->width; x++)
            {
              const guint8 *px = row + 4 * (gsize) x;
              guint32 p = 0xff000000u | (guint32) widen5 (px[2]) << 16 |
                          (guint32) widen5 (px[1]) << 8 | widen5 (px[0]);

              memcpy (out + 4 * (gsize) x, &p, 4);
            }
        }
      else if (gray)
        {
          for (guint32 x = 0; x < d->width; x++)
            {
              guint32 p = 0xff000000u | row[4 * (gsize) x + 2] * 0x010101u;

              memcpy (out + 4 * (gsize) x, &p, 4);
            }
        }
      else
        tether_codec_copy_opaque (out, row, d->width);
      return;
    }
#endif

  if (sink->codec != NULL)
    {
      for (guint32 x = 0; x < d->width; x++)
        {
          const guint8 *px = row + 4 * (gsize) x;
          guint32 rr = px[2], gg = gray ? px[2] : px[1], bb = gray ? px[2] : px[0];
          guint32 aa = alpha ? px[3] : 0xff;

          if (wide)
            {
              rr = widen5 (rr);
              gg = widen5 (gg);
              bb = widen5 (bb);
            }
          sink->argb[x] = aa << 24 | rr << 16 | gg << 8 | bb;
        }
      tether_codec_dest_put_row (sink->codec, y, sink->argb, alpha);
      return;
    }

  {
    guint8 *out = sink->data + (gsize) y * sink->stride;

    for (guint32 x = 0; x < d->width; x++, out += 4)
      {
        const guint8 *px = row + 4 * (gsize) x;
        guint8 rr = px[2], gg = gray ? px[2] : px[1], bb = gray ? px[2] : px[0];

        out[0] = wide ? widen5 (bb) : bb;
        out[1] = wide ? widen5 (gg) : gg;
        out[2] = wide ? widen5 (rr) : rr;
        out[3] = alpha ? px[3] : 0;
      }
  }
}

/* ---- header -------------------------------------------------------------- */

const char *
tether_quic_type_to_string (guint32 type)
{
  switch (type)
    {
    case TETHER_QUIC_TYPE_GRAY: return "GRAY";
    case TETHER_QUIC_TYPE_RGB16: return "RGB16";
    case TETHER_QUIC_TYPE_RGB24: return "RGB24";
    case TETHER_QUIC_TYPE_RGB32: return "RGB32";
    case TETHER_QUIC_TYPE_RGBA: return "RGBA";
    default: return NULL;
    }
}

static gboolean
check_header (const guint32 words[5], TetherQuicHeader *header, GError **error)
{
  guint32 magic = words[0], version = words[1], type = words[2];
  guint32 width = words[3], height = words[4];
  gsize n_pixels;

  if (magic != TETHER_QUIC_MAGIC)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "QUIC image: bad magic 0x%08x", magic);
      return FALSE;
    }
  if (version != TETHER_QUIC_VERSION)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED,
                   "QUIC image: unsupported version 0x%08x", version);
      return FALSE;
    }
  if (tether_quic_type_to_string (type) == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "QUIC image: unknown image type %u", type);
      return FALSE;
    }
  /* Zero sides and sizes over TETHER_CODEC_MAX_SIDE / _PIXELS. */
  if (!tether_codec_check_size ("QUIC image", width, height, width, &n_pixels, error))
    return FALSE;
  header->type = (TetherQuicType) type;
  header->width = width;
  header->height = height;
  return TRUE;
}

gboolean
tether_quic_read_header (const guint8     *data,
                         gsize             len,
                         TetherQuicHeader *header,
                         GError          **error)
{
  TetherReader r;
  guint32 words[5];

  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tether_reader_init (&r, data, len);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    tether_reader_u32_le (&r, &words[i]);
  if (!tether_reader_finish_full (&r, FALSE, TETHER_SPICE_ERROR,
                                  TETHER_SPICE_ERROR_PROTOCOL, error))
    {
      g_prefix_error (error, "QUIC image header: ");
      return FALSE;
    }
  return check_header (words, header, error);
}

/* ---- decode -------------------------------------------------------------- */

/* Decodes into @sink after @check_dest has accepted the stream's size. */
typedef gboolean (*QuicDestCheck) (const TetherQuicHeader *header, gconstpointer user_data,
                                   GError **error);

static gboolean
quic_decode (const guint8 *data, gsize len, QuicSink *sink,
             QuicDestCheck check_dest, gconstpointer user_data, GError **error)
{
  QuicDecoder d;
  TetherQuicHeader header;
  guint32 words[5];
  QuicGroup groups[2];
  guint n_groups;
  g_autofree guint8 *mem = NULL;
  g_autofree guint32 *argb = NULL;
  guint32 row;

  memset (&d, 0, sizeof d);
  bits_init (&d.bits, data, len);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      words[i] = bits_window (&d.bits);
      bits_eat (&d.bits, 32);
    }
  /* With all five words present, a bad header is reported as such even
   * when the data ends right after it. */
  if (len / 4 >= G_N_ELEMENTS (words) && !check_header (words, &header, error))
    return FALSE;
  if (d.bits.failed)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "QUIC image: truncated (%" G_GSIZE_FORMAT " bytes)", len);
      return FALSE;
    }
  if (!check_dest (&header, user_data, error))
    return FALSE;

  d.width = header.width;
  d.fam = family_get (header.type == TETHER_QUIC_TYPE_RGB16 ? 5 : 8);
  switch (header.type)
    {
    case TETHER_QUIC_TYPE_GRAY:
      d.n_channels = 1;
      groups[0] = (QuicGroup) { 0, 1, &d.states[0] };
      n_groups = 1;
      break;
    case TETHER_QUIC_TYPE_RGB16:
    case TETHER_QUIC_TYPE_RGB24:
    case TETHER_QUIC_TYPE_RGB32:
      d.n_channels = 3;
      groups[0] = (QuicGroup) { 0, 3, &d.states[0] };
      n_groups = 1;
      break;
    case TETHER_QUIC_TYPE_RGBA:
      d.n_channels = 4;
      groups[0] = (QuicGroup) { 0, 3, &d.states[0] };
      groups[1] = (QuicGroup) { 3, 1, &d.states[1] };
      n_groups = 2;
      break;
    default:
      g_assert_not_reached ();
    }
  state_init (&d.states[0]);
  state_init (&d.states[1]);

  /* Four bytes a pixel: width + 1 residual codes and two rows of values.
   * The width is capped, so this cannot overflow. */
  mem = g_malloc0 (4 * ((gsize) d.width + 1) + 2 * 4 * (gsize) d.width);
  d.corr = mem;
  d.rows[0] = mem + 4 * ((gsize) d.width + 1);
  d.rows[1] = d.rows[0] + 4 * (gsize) d.width;
  memset (d.bestcode, d.fam->bpc - 1, sizeof d.bestcode);
  if (sink->codec != NULL)
    sink->argb = argb = g_new (guint32, d.width);

  for (row = 0; row < header.height; row++)
    {
      for (guint k = 0; k < n_groups; k++)
        if (!decode_row (&d, &groups[k], row == 0))
          goto fail;
      store_row (&d, header.type, sink, row);
      d.cur ^= 1;
    }
  return TRUE;

fail:
  g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
               "QUIC %s image %u×%u: %s (row %u)",
               tether_quic_type_to_string (header.type), header.width, header.height,
               d.why != NULL ? d.why : "corrupt data", row);
  return FALSE;
}

typedef struct {
  guint8  *data;
  gsize    stride;
  guint32  width;
  guint32  height;
} PlainDest;

static gboolean
check_plain_dest (const TetherQuicHeader *header, gconstpointer user_data, GError **error)
{
  const PlainDest *dest = user_data;
  gsize size;

  if (header->width != dest->width || header->height != dest->height)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "QUIC image is %u×%u but the image descriptor says %u×%u",
                   header->width, header->height, dest->width, dest->height);
      return FALSE;
    }
  if (dest->data == NULL || dest->stride / 4 < dest->width ||
      !g_size_checked_mul (&size, dest->stride, dest->height))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "QUIC image: the destination (stride %" G_GSIZE_FORMAT
                   ") cannot hold %u×%u pixels", dest->stride, dest->width, dest->height);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_quic_decode (const guint8 *data,
                    gsize         len,
                    guint8       *dest,
                    gsize         dest_stride,
                    guint32       dest_width,
                    guint32       dest_height,
                    GError      **error)
{
  PlainDest plain = { dest, dest_stride, dest_width, dest_height };
  QuicSink sink = { dest, dest_stride, NULL, NULL };

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return quic_decode (data, len, &sink, check_plain_dest, &plain, error);
}

static gboolean
check_codec_dest (const TetherQuicHeader *header, gconstpointer user_data, GError **error)
{
  const TetherCodecDest *dest = user_data;

  return tether_codec_check_dest_size ("QUIC image", dest, header->width, header->height, error);
}

gboolean
tether_quic_decode_dest (const guint8          *data,
                         gsize                  len,
                         const TetherCodecDest *dest,
                         GError               **error)
{
  QuicSink sink = { NULL, 0, dest, NULL };

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  return quic_decode (data, len, &sink, check_codec_dest, dest, error);
}
