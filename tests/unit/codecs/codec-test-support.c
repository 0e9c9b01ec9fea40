/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "codec-test-support.h"

#define TEST_DEST_GUARD 64

TestDest *
test_dest_new (guint width, guint height, TetherCodecFormat format, gsize pad)
{
  TestDest *d = g_new0 (TestDest, 1);

  d->dest.width = width;
  d->dest.height = height;
  d->dest.format = format;
  d->dest.stride = (gsize) width * tether_codec_format_bpp (format) + pad;
  d->size = d->dest.stride * height + TEST_DEST_GUARD;
  d->block = g_malloc (d->size);
  memset (d->block, TEST_DEST_FILL, d->size);
  d->dest.data = d->block;
  return d;
}

void
test_dest_free (TestDest *d)
{
  g_free (d->block);
  g_free (d);
}

void
test_dest_assert_untouched_outside (const TestDest *d)
{
  gsize row_bytes = (gsize) d->dest.width * tether_codec_format_bpp (d->dest.format);

  for (gsize i = 0; i < d->size; i++)
    {
      gsize y = i / d->dest.stride, x = i % d->dest.stride;

      if (y < d->dest.height && x < row_bytes)
        continue;
      if (d->block[i] != TEST_DEST_FILL)
        g_error ("destination byte %" G_GSIZE_FORMAT " outside the pixels was written", i);
    }
}

guint32
test_dest_get_pixel (const TestDest *d, guint x, guint y)
{
  const guint8 *p = d->dest.data + (gsize) y * d->dest.stride + 4 * (gsize) x;

  g_assert_cmpuint (tether_codec_format_bpp (d->dest.format), ==, 4);
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

void
test_dest_assert_pixel (const TestDest *d, guint x, guint y, guint32 argb, gboolean has_alpha)
{
  const guint8 *row = d->dest.data + (gsize) y * d->dest.stride;
  guint a = has_alpha ? argb >> 24 : 0xff;
  guint r = (argb >> 16) & 255, g = (argb >> 8) & 255, b = argb & 255;

  switch (d->dest.format)
    {
    case TETHER_CODEC_FORMAT_XRGB32:
    case TETHER_CODEC_FORMAT_ARGB32:
      {
        guint32 want = (guint32) a << 24 | (argb & 0xffffff);
        guint32 got = test_dest_get_pixel (d, x, y);

        if (want != got)
          g_error ("pixel (%u, %u) is 0x%08x, expected 0x%08x", x, y, got, want);
      }
      break;
    case TETHER_CODEC_FORMAT_X1R5G5B5:
      {
        guint want = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
        guint got = row[2 * x] | row[2 * x + 1] << 8;

        if (want != got)
          g_error ("pixel (%u, %u) is 0x%04x, expected 0x%04x", x, y, got, want);
      }
      break;
    case TETHER_CODEC_FORMAT_A8:
      if (row[x] != a)
        g_error ("pixel (%u, %u) has alpha 0x%02x, expected 0x%02x", x, y, row[x], a);
      break;
    default:
      g_assert_not_reached ();
    }
}

guint32
test_rgb555_to_argb (guint v)
{
  guint r = (v >> 10) & 31, g = (v >> 5) & 31, b = v & 31;

  r = (r << 3) | (r >> 2);
  g = (g << 3) | (g >> 2);
  b = (b << 3) | (b >> 2);
  return r << 16 | g << 8 | b;
}

const TestLzCoding test_lz_coding_rgb32 = { 3, 0 };
const TestLzCoding test_lz_coding_rgb16 = { 2, 1 };
const TestLzCoding test_lz_coding_byte = { 1, 2 };

/* Distances an LZ match can code: 1..8191 near, up to 8192 + 65535 far. */
#define LZ_NEAR_MAX 8191u
#define LZ_FAR_MAX  (8192u + 65535u)
/* GLZ pixel offsets are 25 bits, image distances 24 bits (long offsets) or
 * 30 bits (short offsets). */
#define GLZ_OFS_MAX ((1u << 25) - 1)

static void
put_u8 (GByteArray *out, guint v)
{
  guint8 b = (guint8) v;

  g_byte_array_append (out, &b, 1);
}

static void
put_u32_be (GByteArray *out, guint32 v)
{
  for (int i = 3; i >= 0; i--)
    put_u8 (out, v >> (8 * i));
}

void
test_lz_put_header (GByteArray *out, guint32 type, guint32 width, guint32 height,
                    guint32 stride, guint32 top_down)
{
  put_u32_be (out, 0x20205A4C);
  put_u32_be (out, 0x00010001);
  put_u32_be (out, type);
  put_u32_be (out, width);
  put_u32_be (out, height);
  put_u32_be (out, stride);
  put_u32_be (out, top_down);
}

void
test_glz_put_header (GByteArray *out, guint type, gboolean top_down, guint32 width,
                     guint32 height, guint32 stride, guint64 id, guint32 win_head_dist)
{
  put_u32_be (out, 0x20205A4C);
  put_u32_be (out, 0x00010001);
  put_u8 (out, (type & 0x0f) | (top_down ? 0x10 : 0));
  put_u32_be (out, width);
  put_u32_be (out, height);
  put_u32_be (out, stride);
  put_u32_be (out, (guint32) (id >> 32));
  put_u32_be (out, (guint32) id);
  put_u32_be (out, win_head_dist);
}

static void
put_unit (GByteArray *out, const TestLzCoding *coding, guint32 v)
{
  switch (coding->unit_bytes)
    {
    case 3:
      put_u8 (out, v);
      put_u8 (out, v >> 8);
      put_u8 (out, v >> 16);
      break;
    case 2:
      put_u8 (out, v >> 8);
      put_u8 (out, v);
      break;
    default:
      put_u8 (out, v);
      break;
    }
}

void
test_lz_put_literals (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                      gsize n)
{
  while (n > 0)
    {
      gsize run = MIN (n, 32);

      put_u8 (out, run - 1);
      for (gsize i = 0; i < run; i++)
        put_unit (out, coding, units[i]);
      units += run;
      n -= run;
    }
}

static void
put_length_extension (GByteArray *out, gsize rest)
{
  while (rest >= 255)
    {
      put_u8 (out, 255);
      rest -= 255;
    }
  put_u8 (out, rest);
}

void
test_lz_put_match (GByteArray *out, const TestLzCoding *coding, gsize dist, gsize len)
{
  gsize code_len, d;

  g_assert_cmpuint (len, >, coding->bias);
  g_assert_cmpuint (dist, >=, 1);
  g_assert_cmpuint (dist, <=, LZ_FAR_MAX);
  code_len = len - coding->bias;
  d = dist - 1;
  if (d < LZ_NEAR_MAX)
    {
      put_u8 (out, (MIN (code_len, 7) << 5) | (d >> 8));
      if (code_len >= 7)
        put_length_extension (out, code_len - 7);
      put_u8 (out, d & 255);
    }
  else
    {
      d -= LZ_NEAR_MAX;
      put_u8 (out, (MIN (code_len, 7) << 5) | 31);
      if (code_len >= 7)
        put_length_extension (out, code_len - 7);
      put_u8 (out, 255);
      put_u8 (out, d >> 8);
      put_u8 (out, d & 255);
    }
}

static gsize
match_length (const guint32 *a, const guint32 *b, gsize most)
{
  gsize len = 0;

  while (len < most && a[len] == b[len])
    len++;
  return len;
}

void
test_lz_encode_pass (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                     gsize n, gsize row_units, TestLzMode mode)
{
  g_autoptr(GHashTable) last_seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gsize pos = 0, literal_start = 0;

  while (pos < n)
    {
      gsize best_len = 0, best_dist = 0;
      gsize candidates[3] = { 1, row_units, 0 };
      gpointer seen;

      if (mode == TEST_LZ_MATCHES)
        {
          if (g_hash_table_lookup_extended (last_seen, GUINT_TO_POINTER (units[pos] + 1),
                                            NULL, &seen))
            candidates[2] = pos - GPOINTER_TO_SIZE (seen);
          for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
            {
              gsize d = candidates[c], len;

              if (d == 0 || d > pos || d > LZ_FAR_MAX)
                continue;
              len = match_length (units + pos, units + pos - d, n - pos);
              if (len > best_len)
                {
                  best_len = len;
                  best_dist = d;
                }
            }
        }
      if (best_len > coding->bias && best_len >= 2)
        {
          test_lz_put_literals (out, coding, units + literal_start, pos - literal_start);
          test_lz_put_match (out, coding, best_dist, best_len);
          for (gsize i = pos; i < pos + best_len; i++)
            g_hash_table_insert (last_seen, GUINT_TO_POINTER (units[i] + 1), GSIZE_TO_POINTER (i));
          pos += best_len;
          literal_start = pos;
        }
      else
        {
          g_hash_table_insert (last_seen, GUINT_TO_POINTER (units[pos] + 1), GSIZE_TO_POINTER (pos));
          pos++;
        }
    }
  test_lz_put_literals (out, coding, units + literal_start, pos - literal_start);
}

/* ---- GLZ ----------------------------------------------------------------- */

void
test_glz_put_match (GByteArray *out, const TestLzCoding *coding, guint64 image_dist,
                    gsize ofs, gsize len)
{
  gsize code_len, pofs;
  gboolean long_ofs;
  guint n_dist = 0;

  g_assert_cmpuint (len, >, coding->bias);
  code_len = len - coding->bias;
  if (image_dist == 0)
    {
      g_assert_cmpuint (ofs, >=, 1);
      pofs = ofs - 1;
    }
  else
    pofs = ofs;
  g_assert_cmpuint (pofs, <=, GLZ_OFS_MAX);
  long_ofs = pofs >= 4096;

  put_u8 (out, (MIN (code_len, 7) << 5) | (long_ofs << 4) | (pofs & 15));
  if (code_len >= 7)
    put_length_extension (out, code_len - 7);
  put_u8 (out, (pofs >> 4) & 255);
  if (!long_ofs)
    {
      while (n_dist < 3 && (image_dist >> (6 + 8 * n_dist)) != 0)
        n_dist++;
      g_assert_cmpuint (image_dist >> (6 + 8 * n_dist), ==, 0);
      put_u8 (out, (n_dist << 6) | (image_dist & 63));
      for (guint k = 0; k < n_dist; k++)
        put_u8 (out, image_dist >> (6 + 8 * k));
    }
  else
    {
      gboolean very_long = pofs >= (1u << 17);

      while (n_dist < 3 && (image_dist >> (8 * n_dist)) != 0)
        n_dist++;
      g_assert_cmpuint (image_dist >> (8 * n_dist), ==, 0);
      put_u8 (out, (n_dist << 6) | (very_long << 5) | ((pofs >> 12) & 31));
      for (guint k = 0; k < n_dist; k++)
        put_u8 (out, image_dist >> (8 * k));
      if (very_long)
        put_u8 (out, pofs >> 17);
    }
}

void
test_glz_encode_pass (GByteArray *out, const TestLzCoding *coding, const guint32 *units,
                      gsize n, gsize row_units, guint64 id,
                      const TestGlzRef *refs, guint n_refs, TestLzMode mode)
{
  g_autoptr(GHashTable) last_seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gsize pos = 0, literal_start = 0;

  while (pos < n)
    {
      gsize best_len = 0, best_ofs = 0;
      guint64 best_image_dist = 0;
      gsize candidates[3] = { 1, row_units, 0 };
      gpointer seen;

      if (mode == TEST_LZ_MATCHES)
        {
          if (g_hash_table_lookup_extended (last_seen, GUINT_TO_POINTER (units[pos] + 1),
                                            NULL, &seen))
            candidates[2] = pos - GPOINTER_TO_SIZE (seen);
          for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
            {
              gsize d = candidates[c], len;

              if (d == 0 || d > pos || d - 1 > GLZ_OFS_MAX)
                continue;
              len = match_length (units + pos, units + pos - d, n - pos);
              if (len > best_len)
                {
                  best_len = len;
                  best_ofs = d;
                  best_image_dist = 0;
                }
            }
          /* The same place in an earlier image, or one pixel off. */
          for (guint i = 0; i < n_refs; i++)
            for (int shift = -1; shift <= 1; shift++)
              {
                gsize at = pos + shift, len;

                if ((shift < 0 && pos == 0) || at >= refs[i].n || at > GLZ_OFS_MAX ||
                    refs[i].id >= id)
                  continue;
                len = match_length (units + pos, refs[i].units + at, MIN (n - pos, refs[i].n - at));
                if (len > best_len)
                  {
                    best_len = len;
                    best_ofs = at;
                    best_image_dist = id - refs[i].id;
                  }
              }
        }
      if (best_len > coding->bias && best_len >= 2)
        {
          test_lz_put_literals (out, coding, units + literal_start, pos - literal_start);
          test_glz_put_match (out, coding, best_image_dist, best_ofs, best_len);
          for (gsize i = pos; i < pos + best_len; i++)
            g_hash_table_insert (last_seen, GUINT_TO_POINTER (units[i] + 1), GSIZE_TO_POINTER (i));
          pos += best_len;
          literal_start = pos;
        }
      else
        {
          g_hash_table_insert (last_seen, GUINT_TO_POINTER (units[pos] + 1), GSIZE_TO_POINTER (pos));
          pos++;
        }
    }
  test_lz_put_literals (out, coding, units + literal_start, pos - literal_start);
}
