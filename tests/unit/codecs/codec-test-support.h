/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A small LZ and GLZ encoder for the tests only (the library decodes, never
 * encodes). It writes streams from spice-protocol.md §10.2–§10.3 directly:
 * literal runs, and matches found among a few candidates (a run, the row
 * above, the last place the same unit was seen, and for GLZ the same place
 * in earlier images). The point is valid streams with every kind of item,
 * not compression.
 */

#include <glib.h>

#include "tether-codec-private.h"

G_BEGIN_DECLS

/* ---- destinations with guard bytes --------------------------------------- */

/* A destination whose rows have @pad spare bytes and which is followed by
 * guard bytes; everything starts as 0xA5, so writes outside the pixels show
 * (ASan shows the rest). */
typedef struct {
  TetherCodecDest dest;
  guint8         *block;
  gsize           size;      /* stride × height + guard */
} TestDest;

#define TEST_DEST_FILL 0xA5

TestDest *test_dest_new  (guint width, guint height, TetherCodecFormat format, gsize pad);
void      test_dest_free (TestDest *d);
/* Asserts that no byte outside the pixels (row padding, guard) changed. */
void      test_dest_assert_untouched_outside (const TestDest *d);
/* Expected pixel 0xAARRGGBB at (x, y) as the destination stores it
 * (A forced to 0xff without @has_alpha), compared with what is there. */
void      test_dest_assert_pixel (const TestDest *d, guint x, guint y, guint32 argb,
                                  gboolean has_alpha);
/* Reads back the pixel at (x, y) as 0xAARRGGBB (32-bit formats only). */
guint32   test_dest_get_pixel    (const TestDest *d, guint x, guint y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDest, test_dest_free)

/* (c << 3) | (c >> 2) per channel, as the protocol widens 5 bits. */
guint32   test_rgb555_to_argb (guint v);

/* How a pass's units are coded: unit_bytes of each literal (3: B,G,R from
 * 0x00RRGGBB; 2: big-endian u16; 1: a byte), and the match length bias. */
typedef struct {
  guint unit_bytes;
  guint bias;
} TestLzCoding;

/* Coding of the passes (LZ and GLZ alike). */
extern const TestLzCoding test_lz_coding_rgb32;  /* RGB24 / RGB32 / RGBA's first pass */
extern const TestLzCoding test_lz_coding_rgb16;
extern const TestLzCoding test_lz_coding_byte;   /* palette bytes, alpha, A8 */

typedef enum {
  TEST_LZ_LITERALS_ONLY,
  TEST_LZ_MATCHES,
} TestLzMode;

void test_lz_put_header  (GByteArray *out, guint32 type, guint32 width, guint32 height,
                          guint32 stride, guint32 top_down);
void test_glz_put_header (GByteArray *out, guint type, gboolean top_down, guint32 width,
                          guint32 height, guint32 stride, guint64 id, guint32 win_head_dist);

/* One LZ pass over n units; @row_units is where the row above starts
 * (a match candidate), 0 for none. */
void test_lz_encode_pass (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                          gsize n, gsize row_units, TestLzMode mode);

/* Raw items, for hand-made streams. */
void test_lz_put_literals (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                           gsize n);
/* A match of @len units at @dist units back (dist ≥ 1, len ≥ bias + 1). */
void test_lz_put_match    (GByteArray *out, const TestLzCoding *coding, gsize dist, gsize len);

/* An earlier image a GLZ encoder may copy from: its units for this pass. */
typedef struct {
  guint64        id;
  const guint32 *units;
  gsize          n;
} TestGlzRef;

void test_glz_encode_pass (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                           gsize n, gsize row_units, guint64 id,
                           const TestGlzRef *refs, guint n_refs, TestLzMode mode);
/* A GLZ match: @image_dist 0 copies from @ofs units back (ofs ≥ 1) in the
 * same image; otherwise from unit @ofs of image id − image_dist. */
void test_glz_put_match   (GByteArray *out, const TestLzCoding *coding, guint64 image_dist,
                           gsize ofs, gsize len);

G_END_DECLS
