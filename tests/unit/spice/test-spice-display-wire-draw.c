/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * COPY_BITS and the DRAW_* messages with their structures (DisplayBase,
 * Clip, Brush, QMask, SpiceImage in every form, Path, LineAttr, String):
 * docs/spice-protocol.md §7.1–§7.3. Two vectors are literal bytes; the
 * others are built field by field (spice-display-test.h).
 */
#include "config.h"

#include <string.h>

#include "tether-spice-display-wire-private.h"
#include "spice-display-test.h"
#include "spice-wire-test.h"

static gboolean
decode_as (guint16 type, GBytes *b, GError **error)
{
  TetherSpiceDrawMsg m;
  gboolean ok = tether_spice_msg_display_draw_decode (type, b, &m, error);

  if (!ok)
    {
      g_assert_null (m.body);
      g_assert_null (m.base.clip.rects);
      g_assert_null (m.src.palette);
      g_assert_null (m.path.segments);
      g_assert_null (m.str.glyphs);
    }
  else
    g_assert_nonnull (m.body);
  tether_spice_draw_msg_clear (&m);
  return ok;
}

/* Every strict prefix of @b fails with PROTOCOL, and @b itself decodes. */
static void
assert_prefixes (guint16 type, GBytes *b)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_as (type, b, &error));
  g_assert_no_error (error);
  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(GBytes) p = spice_test_bytes (data, n);
      g_autoptr(GError) e = NULL;

      if (decode_as (type, p, &e))
        g_error ("type %u: prefix of %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes decoded",
                 type, n, len);
      g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    }
}

static void
assert_fails (guint16 type, GBytes *b, gint code, const char *needle)
{
  g_autoptr(GError) error = NULL;

  if (decode_as (type, b, &error))
    g_error ("type %u: hostile message decoded (expected \"%s\")", type, needle ? needle : "");
  if (!g_error_matches (error, TETHER_SPICE_ERROR, code))
    g_error ("type %u: expected code %d, got %s", type, code, error->message);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("type %u: \"%s\" lacks \"%s\"", type, error->message, needle);
}

/* ---- literal vectors ----------------------------------------------------- */

/* DRAW_FILL on surface 0, box (1,2)-(3,4), no clip, solid 0x00ff8000,
 * rop PUT, no mask. */
static const guint8 fill_solid[] = {
  0x00, 0x00, 0x00, 0x00,
  0x02, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x04, 0x00, 0x00, 0x00,  0x03, 0x00, 0x00, 0x00,
  0x00,
  0x01,  0x00, 0x80, 0xff, 0x00,
  0x08, 0x00,
  0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,
};

/* DRAW_COPY on surface 1, box (0,0)-(2,1), clip RECTS (0,0)-(1,1), source
 * at 77: a 2×1 8BIT bitmap (id 0x42, CACHE_ME, TOP_DOWN, stride 4) whose
 * palette at 117 has unique 0x77 and entries red, blue; src_area
 * (0,0)-(2,1), PUT, NEAREST, no mask. */
static const guint8 copy_bitmap[] = {
  /*   0 */ 0x01, 0x00, 0x00, 0x00,
  /*   4 */ 0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x02, 0x00, 0x00, 0x00,
  /*  20 */ 0x01,  0x01, 0x00, 0x00, 0x00,
  /*  25 */ 0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,
  /*  41 */ 0x4d, 0x00, 0x00, 0x00,
  /*  45 */ 0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x02, 0x00, 0x00, 0x00,
  /*  61 */ 0x08, 0x00,
  /*  63 */ 0x01,
  /*  64 */ 0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,
  /*  77 */ 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  0x00,  0x01,  0x02, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,
  /*  95 */ 0x05,  0x04,  0x02, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x04, 0x00, 0x00, 0x00,
  /* 109 */ 0x75, 0x00, 0x00, 0x00,
  /* 113 */ 0x00, 0x01, 0xee, 0xee,
  /* 117 */ 0x77, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  0x02, 0x00,
  /* 127 */ 0x00, 0x00, 0xff, 0x00,  0xff, 0x00, 0x00, 0x00,
};

static void
test_literal_fill (void)
{
  g_autoptr(GBytes) b = spice_test_bytes (SPICE_VEC (fill_solid));
  g_autoptr(GError) error = NULL;
  TetherSpiceDrawMsg m;

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b, &m, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (m.type, ==, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL);
  g_assert_cmpuint (m.base.surface_id, ==, 0);
  g_assert_cmpint (m.base.box.left, ==, 1);
  g_assert_cmpint (m.base.box.top, ==, 2);
  g_assert_cmpint (m.base.box.right, ==, 3);
  g_assert_cmpint (m.base.box.bottom, ==, 4);
  g_assert_cmpuint (m.base.clip.type, ==, TETHER_SPICE_CLIP_NONE);
  g_assert_cmpuint (m.brush.type, ==, TETHER_SPICE_BRUSH_SOLID);
  g_assert_cmphex (m.brush.color, ==, 0x00ff8000);
  g_assert_cmphex (m.rop_descriptor, ==, TETHER_SPICE_ROPD_OP_PUT);
  g_assert_false (m.mask.bitmap.present);
  tether_spice_draw_msg_clear (&m);
  assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b);
}

static void
test_literal_copy (void)
{
  g_autoptr(GBytes) b = spice_test_bytes (SPICE_VEC (copy_bitmap));
  g_autoptr(GError) error = NULL;
  TetherSpiceDrawMsg m;

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, b, &m, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (m.base.surface_id, ==, 1);
  g_assert_cmpuint (m.base.clip.type, ==, TETHER_SPICE_CLIP_RECTS);
  g_assert_cmpuint (m.base.clip.n_rects, ==, 1);
  g_assert_cmpint (m.base.clip.rects[0].right, ==, 1);
  g_assert_true (m.src.present);
  g_assert_cmpuint (m.src.id, ==, 0x42);
  g_assert_cmpuint (m.src.type, ==, TETHER_SPICE_IMAGE_BITMAP);
  g_assert_cmpuint (m.src.flags, ==, TETHER_SPICE_IMAGE_FLAG_CACHE_ME);
  g_assert_cmpuint (m.src.width, ==, 2);
  g_assert_cmpuint (m.src.height, ==, 1);
  g_assert_cmpuint (m.src.bitmap_format, ==, TETHER_SPICE_BITMAP_FMT_8BIT);
  g_assert_cmpuint (m.src.bitmap_flags, ==, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN);
  g_assert_cmpuint (m.src.bitmap_stride, ==, 4);
  g_assert_cmpuint (m.src.data_size, ==, 4);
  g_assert_cmpmem (m.src.data, 4, copy_bitmap + 113, 4);
  g_assert_nonnull (m.src.palette);
  g_assert_cmpuint (m.src.palette->unique, ==, 0x77);
  g_assert_cmpuint (m.src.palette->n_ents, ==, 2);
  g_assert_cmphex (m.src.palette->ents[0], ==, 0x00ff0000);
  g_assert_cmphex (m.src.palette->ents[1], ==, 0x000000ff);
  g_assert_cmpint (m.src_area.right, ==, 2);
  g_assert_cmpuint (m.scale_mode, ==, TETHER_SPICE_SCALE_NEAREST);
  tether_spice_draw_msg_clear (&m);
  assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, b);
}

/* ---- built vectors ------------------------------------------------------- */

static const guint32 px4[4] = { 0x00112233, 0x00445566, 0x00778899, 0x00aabbcc };
static const guint8 mask_bits[4] = { 1, 0, 0, 1 };

/* DRAW_FILL with a pattern brush and a mask. */
static GBytes *
build_fill_pattern (void)
{
  TMsg m;
  gsize pat, mask;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 8, 8);
  tm_u8 (&m, TETHER_SPICE_BRUSH_PATTERN);
  pat = tm_ptr (&m);
  tm_point (&m, -3, 5);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_XOR | TETHER_SPICE_ROPD_INVERS_BRUSH);
  tm_u8 (&m, TETHER_SPICE_MASK_INVERS);
  tm_point (&m, 1, 2);
  mask = tm_ptr (&m);
  tm_here (&m, pat);
  tm_bitmap32 (&m, 9, 0, 2, 2, px4);
  tm_here (&m, mask);
  tm_mask_bitmap (&m, 10, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 2, 2, mask_bits);
  return tm_finish (&m);
}

/* A compressed image: descriptor + u32 data_size + data. */
static void
tm_blob_image (TMsg *m, guint64 id, guint8 type, guint32 w, guint32 h, const char *data)
{
  tm_descriptor (m, id, type, 0, w, h);
  tm_u32 (m, (guint32) strlen (data));
  tm_bytes (m, data, strlen (data));
}

/* DRAW_OPAQUE: QUIC source, solid brush. */
static GBytes *
build_opaque (void)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, 0x123456);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_AND);
  tm_u8 (&m, TETHER_SPICE_SCALE_INTERPOLATE);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_blob_image (&m, 1, TETHER_SPICE_IMAGE_QUIC, 4, 4, "QUIC-bytes");
  return tm_finish (&m);
}

/* DRAW_COPY / DRAW_BLEND with one source image of @type. */
static GBytes *
build_copy_with (guint8 type)
{
  TMsg m;
  gsize src, pal = 0;

  tm_init (&m);
  tm_base (&m, 2, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, TETHER_SPICE_SCALE_NEAREST);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  switch (type)
    {
    case TETHER_SPICE_IMAGE_LZ_PLT:
      tm_descriptor (&m, 5, type, 0, 4, 4);
      tm_u8 (&m, TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME);
      tm_u32 (&m, 3);
      pal = tm_ptr (&m);
      tm_bytes (&m, "LZP", 3);
      tm_here (&m, pal);
      tm_u64 (&m, 0x1234);
      tm_u16 (&m, 1);
      tm_u32 (&m, 0x00abcdef);
      break;
    case TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB:
      tm_descriptor (&m, 5, type, 0, 4, 4);
      tm_u32 (&m, 1000);
      tm_u32 (&m, 2);
      tm_bytes (&m, "zz", 2);
      break;
    case TETHER_SPICE_IMAGE_JPEG_ALPHA:
      tm_descriptor (&m, 5, type, 0, 4, 4);
      tm_u8 (&m, TETHER_SPICE_JPEG_ALPHA_FLAG_TOP_DOWN);
      tm_u32 (&m, 2);
      tm_u32 (&m, 5);
      tm_bytes (&m, "jjaaa", 5);
      break;
    case TETHER_SPICE_IMAGE_SURFACE:
      tm_descriptor (&m, 5, type, 0, 4, 4);
      tm_u32 (&m, 7);
      break;
    case TETHER_SPICE_IMAGE_FROM_CACHE:
    case TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS:
      tm_descriptor (&m, 5, type, 0, 4, 4);
      break;
    default:
      tm_blob_image (&m, 5, type, 4, 4, "payload");
      break;
    }
  return tm_finish (&m);
}

/* DRAW_BLACKNESS (and WHITENESS, INVERS) with a cached mask. */
static GBytes *
build_blackness (void)
{
  TMsg m;
  gsize mask;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 2, 2);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  mask = tm_ptr (&m);
  tm_here (&m, mask);
  tm_descriptor (&m, 10, TETHER_SPICE_IMAGE_FROM_CACHE, 0, 2, 2);
  return tm_finish (&m);
}

static GBytes *
build_rop3 (void)
{
  TMsg m;
  gsize src, pat;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 2, 2);
  tm_u8 (&m, TETHER_SPICE_BRUSH_PATTERN);
  pat = tm_ptr (&m);
  tm_point (&m, 0, 0);
  tm_u8 (&m, 0xca);
  tm_u8 (&m, TETHER_SPICE_SCALE_INTERPOLATE);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_blob_image (&m, 11, TETHER_SPICE_IMAGE_JPEG, 2, 2, "JPEGDATA");
  tm_here (&m, pat);
  tm_blob_image (&m, 12, TETHER_SPICE_IMAGE_LZ4, 2, 2, "LZ4DATA");
  return tm_finish (&m);
}

static GBytes *
build_stroke (void)
{
  TMsg m;
  gsize path, style;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 16, 16);
  path = tm_ptr (&m);
  tm_u8 (&m, TETHER_SPICE_LINE_FLAG_STYLED | TETHER_SPICE_LINE_FLAG_START_WITH_GAP);
  tm_u8 (&m, 2);
  style = tm_ptr (&m);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, 0xffffff);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u16 (&m, 0);
  tm_here (&m, path);
  tm_u32 (&m, 2);
  tm_u8 (&m, TETHER_SPICE_PATH_BEGIN);
  tm_u32 (&m, 2);
  tm_point (&m, 1 * 16, 1 * 16);
  tm_point (&m, 10 * 16, 1 * 16 + 8);
  tm_u8 (&m, TETHER_SPICE_PATH_END | TETHER_SPICE_PATH_CLOSE);
  tm_u32 (&m, 1);
  tm_point (&m, 10 * 16, 10 * 16);
  tm_here (&m, style);
  tm_i32 (&m, 3 * 16);
  tm_i32 (&m, 2 * 16);
  return tm_finish (&m);
}

static GBytes *
build_text (guint8 string_flags)
{
  TMsg m;
  gsize str;
  guint bpp = string_flags & TETHER_SPICE_STRING_RASTER_A1 ? 1 :
              string_flags & TETHER_SPICE_STRING_RASTER_A4 ? 4 : 8;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 16, 16);
  str = tm_ptr (&m);
  tm_rect (&m, 0, 0, 16, 8);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, 0x00ff00);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, 0x000000);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_here (&m, str);
  tm_u16 (&m, 2);
  tm_u8 (&m, string_flags);
  for (guint g = 0; g < 2; g++)
    {
      guint w = 3, h = 2;
      gsize size = (bpp * w + 7) / 8 * h;

      tm_point (&m, 2 + 4 * g, 6);
      tm_point (&m, 0, -2);
      tm_u16 (&m, w);
      tm_u16 (&m, h);
      for (gsize i = 0; i < size; i++)
        tm_u8 (&m, (guint8) (0xa0 + i));
    }
  return tm_finish (&m);
}

static GBytes *
build_transparent (void)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u32 (&m, 0x111111);
  tm_u32 (&m, 0x00ff00ff);
  tm_here (&m, src);
  tm_blob_image (&m, 13, TETHER_SPICE_IMAGE_GLZ_RGB, 4, 4, "GLZ");
  return tm_finish (&m);
}

static GBytes *
build_alpha_blend (void)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  tm_u8 (&m, TETHER_SPICE_ALPHA_FLAG_SRC_SURFACE_HAS_ALPHA);
  tm_u8 (&m, 0x80);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_here (&m, src);
  tm_descriptor (&m, 14, TETHER_SPICE_IMAGE_SURFACE, 0, 4, 4);
  tm_u32 (&m, 3);
  return tm_finish (&m);
}

static GBytes *
build_composite (guint32 flags)
{
  TMsg m;
  gsize src, mask = 0;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  tm_u32 (&m, flags);
  src = tm_ptr (&m);
  if (flags & TETHER_SPICE_COMPOSITE_HAS_MASK)
    mask = tm_ptr (&m);
  if (flags & TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM)
    for (guint i = 0; i < 6; i++)
      tm_u32 (&m, 0x10000u * (i % 4 == 0) + i);
  if (flags & TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM)
    for (guint i = 0; i < 6; i++)
      tm_u32 (&m, 0x20000u + i);
  tm_u16 (&m, (guint16) -2);
  tm_u16 (&m, 3);
  tm_u16 (&m, 4);
  tm_u16 (&m, (guint16) -5);
  tm_here (&m, src);
  tm_bitmap32 (&m, 15, 0, 2, 2, px4);
  if (flags & TETHER_SPICE_COMPOSITE_HAS_MASK)
    {
      tm_here (&m, mask);
      tm_bitmap32 (&m, 16, 0, 2, 2, px4);
    }
  return tm_finish (&m);
}

static GBytes *
build_copy_bits (void)
{
  TMsg m;

  tm_init (&m);
  tm_base (&m, 0, 4, 4, 8, 8);
  tm_point (&m, 1, 2);
  return tm_finish (&m);
}

static void
test_built_vectors (void)
{
  static const guint8 image_types[] = {
    TETHER_SPICE_IMAGE_QUIC, TETHER_SPICE_IMAGE_LZ_RGB, TETHER_SPICE_IMAGE_GLZ_RGB,
    TETHER_SPICE_IMAGE_JPEG, TETHER_SPICE_IMAGE_LZ4, TETHER_SPICE_IMAGE_LZ_PLT,
    TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB, TETHER_SPICE_IMAGE_JPEG_ALPHA, TETHER_SPICE_IMAGE_SURFACE,
    TETHER_SPICE_IMAGE_FROM_CACHE, TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS,
  };
  struct { guint16 type; GBytes *(*build) (void); } simple[] = {
    { TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, build_fill_pattern },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE, build_opaque },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS, build_blackness },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS, build_blackness },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS, build_blackness },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, build_rop3 },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT, build_transparent },
    { TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, build_alpha_blend },
    { TETHER_SPICE_MSG_DISPLAY_COPY_BITS, build_copy_bits },
  };

  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      g_autoptr(GBytes) b = simple[i].build ();

      assert_prefixes (simple[i].type, b);
    }
  for (guint i = 0; i < G_N_ELEMENTS (image_types); i++)
    {
      g_autoptr(GBytes) copy = build_copy_with (image_types[i]);

      assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, copy);
      assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND, copy);
    }
  for (guint f = 0; f < 3; f++)
    {
      g_autoptr(GBytes) text = build_text (1u << f);

      assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, text);
    }
  {
    g_autoptr(GBytes) plain = build_composite (3);
    g_autoptr(GBytes) full = build_composite (3 | TETHER_SPICE_COMPOSITE_HAS_MASK |
                                              TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM |
                                              TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM);

    assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, plain);
    assert_prefixes (TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, full);
  }
}

static void
test_built_values (void)
{
  g_autoptr(GError) error = NULL;
  TetherSpiceDrawMsg m;
  g_autoptr(GBytes) fill = build_fill_pattern ();
  g_autoptr(GBytes) stroke = build_stroke ();
  g_autoptr(GBytes) text = build_text (TETHER_SPICE_STRING_RASTER_A4);
  g_autoptr(GBytes) composite = build_composite (0x30 | (4u << TETHER_SPICE_COMPOSITE_SRC_FILTER_SHIFT) |
                                                 TETHER_SPICE_COMPOSITE_HAS_MASK |
                                                 TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM |
                                                 TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM);
  g_autoptr(GBytes) plt = build_copy_with (TETHER_SPICE_IMAGE_LZ_PLT);
  g_autoptr(GBytes) ja = build_copy_with (TETHER_SPICE_IMAGE_JPEG_ALPHA);
  g_autoptr(GBytes) zg = build_copy_with (TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB);
  g_autoptr(GBytes) bits = build_copy_bits ();
  g_autoptr(GBytes) alpha = build_alpha_blend ();

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, fill, &m, &error));
  g_assert_cmpuint (m.brush.type, ==, TETHER_SPICE_BRUSH_PATTERN);
  g_assert_true (m.brush.pattern.present);
  g_assert_cmpuint (m.brush.pattern.id, ==, 9);
  g_assert_cmpuint (m.brush.pattern.bitmap_format, ==, TETHER_SPICE_BITMAP_FMT_32BIT);
  g_assert_cmpint (m.brush.pos.x, ==, -3);
  g_assert_cmpint (m.brush.pos.y, ==, 5);
  g_assert_cmphex (m.rop_descriptor, ==, TETHER_SPICE_ROPD_OP_XOR | TETHER_SPICE_ROPD_INVERS_BRUSH);
  g_assert_cmpuint (m.mask.flags, ==, TETHER_SPICE_MASK_INVERS);
  g_assert_cmpint (m.mask.pos.x, ==, 1);
  g_assert_cmpint (m.mask.pos.y, ==, 2);
  g_assert_true (m.mask.bitmap.present);
  g_assert_cmpuint (m.mask.bitmap.bitmap_format, ==, TETHER_SPICE_BITMAP_FMT_1BIT_BE);
  g_assert_cmpuint (m.mask.bitmap.data_size, ==, 2);
  g_assert_cmphex (m.mask.bitmap.data[0], ==, 0x80);
  g_assert_cmphex (m.mask.bitmap.data[1], ==, 0x40);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, stroke, &m, &error));
  g_assert_cmpuint (m.path.n_segments, ==, 2);
  g_assert_cmpuint (m.path.segments[0].flags, ==, TETHER_SPICE_PATH_BEGIN);
  g_assert_cmpuint (m.path.segments[0].n_points, ==, 2);
  g_assert_cmpint (m.path.segments[0].points[1].x, ==, 160);
  g_assert_cmpint (m.path.segments[0].points[1].y, ==, 24);
  g_assert_cmpuint (m.path.segments[1].n_points, ==, 1);
  g_assert_cmpint (m.path.segments[1].points[0].y, ==, 160);
  g_assert_cmpuint (m.attr.style_nseg, ==, 2);
  g_assert_cmpint (m.attr.style[0], ==, 48);
  g_assert_cmpint (m.attr.style[1], ==, 32);
  g_assert_cmpuint (m.brush.color, ==, 0xffffff);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, text, &m, &error));
  g_assert_cmpuint (m.str.n_glyphs, ==, 2);
  g_assert_cmpuint (m.str.bpp, ==, 4);
  g_assert_cmpint (m.str.glyphs[1].render_pos.x, ==, 6);
  g_assert_cmpint (m.str.glyphs[1].glyph_origin.y, ==, -2);
  g_assert_cmpuint (m.str.glyphs[1].width, ==, 3);
  g_assert_cmphex (m.str.glyphs[1].data[3], ==, 0xa3);
  g_assert_cmpint (m.back_area.right, ==, 16);
  g_assert_cmpuint (m.brush.color, ==, 0x00ff00);
  g_assert_cmpuint (m.back_brush.type, ==, TETHER_SPICE_BRUSH_SOLID);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite, &m, &error));
  g_assert_cmphex (m.composite_flags & 0xff, ==, 0x30);
  g_assert_true (m.composite_mask.present);
  g_assert_cmpuint (m.composite_mask.id, ==, 16);
  g_assert_cmphex (m.src_transform[0], ==, 0x10000);
  g_assert_cmphex (m.src_transform[4], ==, 0x10004);
  g_assert_cmphex (m.mask_transform[5], ==, 0x20005);
  g_assert_cmpint (m.src_origin.x, ==, -2);
  g_assert_cmpint (m.src_origin.y, ==, 3);
  g_assert_cmpint (m.mask_origin.x, ==, 4);
  g_assert_cmpint (m.mask_origin.y, ==, -5);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, plt, &m, &error));
  g_assert_cmpuint (m.src.type, ==, TETHER_SPICE_IMAGE_LZ_PLT);
  g_assert_cmpuint (m.src.bitmap_flags, ==, TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME);
  g_assert_cmpuint (m.src.data_size, ==, 3);
  g_assert_cmpmem (m.src.data, 3, "LZP", 3);
  g_assert_cmpuint (m.src.palette->unique, ==, 0x1234);
  g_assert_cmphex (m.src.palette->ents[0], ==, 0xabcdef);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, ja, &m, &error));
  g_assert_cmpuint (m.src.jpeg_size, ==, 2);
  g_assert_cmpuint (m.src.data_size, ==, 5);
  g_assert_cmpuint (m.src.jpeg_alpha_flags, ==, TETHER_SPICE_JPEG_ALPHA_FLAG_TOP_DOWN);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, zg, &m, &error));
  g_assert_cmpuint (m.src.glz_data_size, ==, 1000);
  g_assert_cmpuint (m.src.data_size, ==, 2);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_COPY_BITS, bits, &m, &error));
  g_assert_cmpint (m.src_pos.x, ==, 1);
  g_assert_cmpint (m.src_pos.y, ==, 2);
  tether_spice_draw_msg_clear (&m);

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, alpha, &m, &error));
  g_assert_cmpuint (m.alpha, ==, 0x80);
  g_assert_cmpuint (m.alpha_flags, ==, TETHER_SPICE_ALPHA_FLAG_SRC_SURFACE_HAS_ALPHA);
  g_assert_cmpuint (m.src.type, ==, TETHER_SPICE_IMAGE_SURFACE);
  g_assert_cmpuint (m.src.surface_id, ==, 3);
  tether_spice_draw_msg_clear (&m);
  g_assert_no_error (error);
}

/* ---- hostile messages --------------------------------------------------- */

/* DRAW_COPY whose source image is written by @image (called at the end). */
static GBytes
*build_copy_custom (void (*image) (TMsg *m, gpointer data), gpointer data)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  image (&m, data);
  return tm_finish (&m);
}

static void
img_reserved (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_RESERVED, 0, 4, 4);
}

static void
img_bad_bitmap_format (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_BITMAP, 0, 1, 1);
  tm_u8 (m, 11);
  tm_u8 (m, 0);
  tm_u32 (m, 1);
  tm_u32 (m, 1);
  tm_u32 (m, 4);
  tm_u32 (m, 0);
  tm_u32 (m, 0);
}

static void
img_big_palette (TMsg *m, gpointer data)
{
  gsize pal;

  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_BITMAP, 0, 1, 1);
  tm_u8 (m, TETHER_SPICE_BITMAP_FMT_8BIT);
  tm_u8 (m, 0);
  tm_u32 (m, 1);
  tm_u32 (m, 1);
  tm_u32 (m, 1);
  pal = tm_ptr (m);
  tm_u8 (m, 0);
  tm_here (m, pal);
  tm_u64 (m, 1);
  tm_u16 (m, 257);
  for (guint i = 0; i < 257; i++)
    tm_u32 (m, i);
}

static void
img_huge_bitmap (TMsg *m, gpointer data)
{
  /* stride × y = 2^32 (and more than any message). */
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_BITMAP, 0, 1, 1);
  tm_u8 (m, TETHER_SPICE_BITMAP_FMT_8BIT);
  tm_u8 (m, TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE);
  tm_u32 (m, 1);
  tm_u32 (m, 0x10000);
  tm_u32 (m, 0x10000);
  tm_u64 (m, 3);
  tm_bytes (m, "data", 4);
}

static void
img_palette_outside (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_BITMAP, 0, 1, 1);
  tm_u8 (m, TETHER_SPICE_BITMAP_FMT_8BIT);
  tm_u8 (m, 0);
  tm_u32 (m, 1);
  tm_u32 (m, 1);
  tm_u32 (m, 1);
  tm_u32 (m, 0x7fffffff);
  tm_u8 (m, 0);
}

static void
img_lz_plt_no_palette (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_LZ_PLT, 0, 1, 1);
  tm_u8 (m, 0);
  tm_u32 (m, 1);
  tm_u32 (m, 0);
  tm_u8 (m, 0);
}

static void
img_jpeg_alpha_sizes (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_JPEG_ALPHA, 0, 1, 1);
  tm_u8 (m, 0);
  tm_u32 (m, 10);
  tm_u32 (m, 4);
  tm_bytes (m, "abcd", 4);
}

static void
img_data_over (TMsg *m, gpointer data)
{
  tm_descriptor (m, 1, TETHER_SPICE_IMAGE_LZ_RGB, 0, 1, 1);
  tm_u32 (m, 0xffffffff);
  tm_bytes (m, "abcd", 4);
}

static GBytes *
build_copy_null_src (void)
{
  TMsg m;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  tm_u32 (&m, 0);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u16 (&m, 8);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  return tm_finish (&m);
}

static GBytes *
build_copy_src_outside (void)
{
  TMsg m;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  tm_u32 (&m, 1000);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u16 (&m, 8);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  return tm_finish (&m);
}

static GBytes *
build_fill_raw (guint8 clip_type, guint8 brush_type, gint32 box_right)
{
  TMsg m;

  tm_init (&m);
  tm_u32 (&m, 0);
  tm_rect (&m, 0, 0, box_right, 4);
  tm_u8 (&m, clip_type);
  tm_u8 (&m, brush_type);
  tm_u32 (&m, 0);
  tm_u16 (&m, 8);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  return tm_finish (&m);
}

static GBytes *
build_copy_scale (guint8 scale_mode)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u16 (&m, 8);
  tm_u8 (&m, scale_mode);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_descriptor (&m, 1, TETHER_SPICE_IMAGE_FROM_CACHE, 0, 4, 4);
  return tm_finish (&m);
}

/* STROKE whose path has @n_segments segments of @count points, or whose
 * style pointer is NULL. */
static GBytes *
build_stroke_path (guint32 n_segments, guint32 count, guint32 n_written, gboolean null_style)
{
  TMsg m;
  gsize path, style;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 16, 16);
  path = tm_ptr (&m);
  tm_u8 (&m, TETHER_SPICE_LINE_FLAG_STYLED);
  tm_u8 (&m, 1);
  style = tm_ptr (&m);
  tm_u8 (&m, TETHER_SPICE_BRUSH_NONE);
  tm_u16 (&m, 8);
  tm_u16 (&m, 0);
  tm_set_u32 (&m, style, 0);
  if (!null_style)
    {
      tm_here (&m, style);
      tm_i32 (&m, 16);
    }
  tm_here (&m, path);
  tm_u32 (&m, n_segments);
  for (guint i = 0; i < n_written; i++)
    {
      tm_u8 (&m, TETHER_SPICE_PATH_BEGIN);
      tm_u32 (&m, count);
      for (guint k = 0; k < count; k++)
        tm_point (&m, 0, 0);
    }
  return tm_finish (&m);
}

static GBytes *
build_text_raw (guint16 n_glyphs, guint8 flags, guint16 w, guint16 h, guint n_written)
{
  TMsg m;
  gsize str;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 16, 16);
  str = tm_ptr (&m);
  tm_rect (&m, 0, 0, 0, 0);
  tm_u8 (&m, TETHER_SPICE_BRUSH_NONE);
  tm_u8 (&m, TETHER_SPICE_BRUSH_NONE);
  tm_u16 (&m, 8);
  tm_u16 (&m, 8);
  tm_here (&m, str);
  tm_u16 (&m, n_glyphs);
  tm_u8 (&m, flags);
  for (guint i = 0; i < n_written; i++)
    {
      tm_point (&m, 0, 0);
      tm_point (&m, 0, 0);
      tm_u16 (&m, w);
      tm_u16 (&m, h);
      for (guint k = 0; k < ((guint) w + 7) / 8 * h; k++)
        tm_u8 (&m, 0);
    }
  return tm_finish (&m);
}

static void
test_hostile (void)
{
  struct {
    const char *name;
    guint16     type;
    GBytes     *b;
    gint        code;
    const char *needle;
  } cases[] = {
    { "reserved-image", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_reserved, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown image type 2" },
    { "bitmap-format", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_bad_bitmap_format, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown bitmap format 11" },
    { "big-palette", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_big_palette, NULL),
      TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "257 entries" },
    { "huge-bitmap", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_huge_bitmap, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "truncated" },
    { "palette-outside", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_palette_outside, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "palette pointer 2147483647" },
    { "lz-plt-no-palette", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_lz_plt_no_palette, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "without a palette" },
    { "jpeg-alpha-sizes", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_jpeg_alpha_sizes, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "10 JPEG bytes in 4" },
    { "data-over", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_custom (img_data_over, NULL),
      TETHER_SPICE_ERROR_PROTOCOL, "source at offset" },
    { "null-source", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_null_src (),
      TETHER_SPICE_ERROR_PROTOCOL, "source image pointer is NULL" },
    { "source-outside", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_src_outside (),
      TETHER_SPICE_ERROR_PROTOCOL, "source pointer 1000 is outside" },
    { "clip-type", TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, build_fill_raw (2, 1, 4),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown clip type 2" },
    { "brush-type", TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, build_fill_raw (0, 3, 4),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown brush type 3" },
    { "swapped-box", TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, build_fill_raw (0, 1, -1),
      TETHER_SPICE_ERROR_PROTOCOL, "box (0,0)-(-1,4)" },
    { "scale-mode", TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, build_copy_scale (2),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown scale mode 2" },
    { "path-segments", TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke_path (16385, 0, 0, FALSE),
      TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "16385 segments" },
    { "path-segments-over-data", TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke_path (1000, 0, 2, FALSE),
      TETHER_SPICE_ERROR_PROTOCOL, "path at offset" },
    { "path-points", TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke_path (3, 30000, 3, FALSE),
      TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "more than 65536 points" },
    { "path-count-over-data", TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke_path (1, 0x10000000, 0, FALSE),
      TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "style-null", TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, build_stroke_path (0, 0, 0, TRUE),
      TETHER_SPICE_ERROR_PROTOCOL, "line style pointer is NULL" },
    { "string-no-format", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (0, 0, 0, 0, 0),
      TETHER_SPICE_ERROR_PROTOCOL, "exactly one glyph format" },
    { "string-two-formats", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (0, 3, 0, 0, 0),
      TETHER_SPICE_ERROR_PROTOCOL, "exactly one glyph format" },
    { "string-glyphs", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (8193, 1, 1, 1, 0),
      TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "8193 glyphs" },
    { "glyph-size", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (1, 1, 1025, 1, 0),
      TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "glyph-side", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (1, 1, 1025, 1, 1),
      TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1025x1" },
    { "glyph-data-missing", TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, build_text_raw (2, 4, 8, 8, 1),
      TETHER_SPICE_ERROR_PROTOCOL, "string at offset" },
    { "composite-op", TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, build_composite (0x0e),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown composite operator 0x0e" },
    { "composite-op-3f", TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, build_composite (0x3f),
      TETHER_SPICE_ERROR_PROTOCOL, "operator 0x3f" },
    { "composite-filter", TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE,
      build_composite (3 | (6u << TETHER_SPICE_COMPOSITE_MASK_FILTER_SHIFT)),
      TETHER_SPICE_ERROR_PROTOCOL, "unknown composite filter 6" },
    { "not-a-draw", TETHER_SPICE_MSG_DISPLAY_MODE, build_copy_bits (),
      TETHER_SPICE_ERROR_PROTOCOL, "not a drawing message" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %s", cases[i].name);
      assert_fails (cases[i].type, cases[i].b, cases[i].code, cases[i].needle);
      g_bytes_unref (cases[i].b);
    }
}

/* Composite operators: the Porter-Duff, disjoint, conjoint and blend
 * ranges decode, and nothing else. */
static void
test_composite_ops (void)
{
  for (guint op = 0; op < 0x100; op++)
    {
      g_autoptr(GBytes) b = build_composite (op);
      g_autoptr(GError) error = NULL;
      gboolean expected = op <= 0x0d || (op >= 0x10 && op <= 0x1b) ||
                          (op >= 0x20 && op <= 0x2b) || (op >= 0x30 && op <= 0x3e);

      g_assert_cmpint (decode_as (TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, b, &error), ==, expected);
    }
}

/* Each image of a message is visited once, masks included. */
static void
count_image (const TetherSpiceImage *image, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_foreach_image (void)
{
  g_autoptr(GBytes) fill = build_fill_pattern ();
  g_autoptr(GBytes) rop3 = build_rop3 ();
  g_autoptr(GBytes) composite = build_composite (3 | TETHER_SPICE_COMPOSITE_HAS_MASK);
  TetherSpiceDrawMsg m;
  guint n;

  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, fill, &m, NULL));
  n = 0;
  tether_spice_draw_msg_foreach_image (&m, count_image, &n);
  g_assert_cmpuint (n, ==, 2);
  tether_spice_draw_msg_clear (&m);
  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, rop3, &m, NULL));
  n = 0;
  tether_spice_draw_msg_foreach_image (&m, count_image, &n);
  g_assert_cmpuint (n, ==, 2);
  tether_spice_draw_msg_clear (&m);
  g_assert_true (tether_spice_msg_display_draw_decode (TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite, &m, NULL));
  n = 0;
  tether_spice_draw_msg_foreach_image (&m, count_image, &n);
  g_assert_cmpuint (n, ==, 2);
  tether_spice_draw_msg_clear (&m);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/display-wire/draw/fill-literal", test_literal_fill);
  g_test_add_func ("/spice/display-wire/draw/copy-literal", test_literal_copy);
  g_test_add_func ("/spice/display-wire/draw/truncated", test_built_vectors);
  g_test_add_func ("/spice/display-wire/draw/values", test_built_values);
  g_test_add_func ("/spice/display-wire/draw/hostile", test_hostile);
  g_test_add_func ("/spice/display-wire/draw/composite-ops", test_composite_ops);
  g_test_add_func ("/spice/display-wire/draw/foreach-image", test_foreach_image);
  return g_test_run ();
}
