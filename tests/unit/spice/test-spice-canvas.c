/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The software canvas, pixel by pixel: every draw operation of
 * docs/spice-protocol.md §8 on small surfaces, with the expected pixels
 * computed here by plain loops over a model of the surface.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "spice-canvas-test.h"

/* ---- the test's own reading of §8.3 and §8.4 ---------------------------- */

/* The result of ROP descriptor @desc for input @s and target @d, where
 * @s_bit and @d_bit are the descriptor bits that invert them. */
static guint32
model_ropd (guint16 desc, guint32 s, guint32 d, guint s_bit, guint d_bit)
{
  guint32 si = (desc & s_bit) ? ~s : s;
  guint32 di = (desc & d_bit) ? ~d : d;
  guint32 r;

  if (desc & TETHER_SPICE_ROPD_OP_PUT)
    r = si;
  else if (desc & TETHER_SPICE_ROPD_OP_OR)
    r = si | di;
  else if (desc & TETHER_SPICE_ROPD_OP_AND)
    r = si & di;
  else if (desc & TETHER_SPICE_ROPD_OP_XOR)
    r = si ^ di;
  else if (desc & TETHER_SPICE_ROPD_OP_BLACKNESS)
    return 0;
  else if (desc & TETHER_SPICE_ROPD_OP_WHITENESS)
    return 0xffffffffu;
  else if (desc & TETHER_SPICE_ROPD_OP_INVERS)
    return ~d;
  else
    return s;
  return (desc & TETHER_SPICE_ROPD_INVERS_RES) ? ~r : r;
}

/* Bit by bit: bit ((p << 2) | (s << 1) | d) of @rop3. */
static guint32
model_rop3 (guint8 rop3, guint32 p, guint32 s, guint32 d)
{
  guint32 r = 0;

  for (guint bit = 0; bit < 32; bit++)
    {
      guint index = ((p >> bit) & 1) << 2 | ((s >> bit) & 1) << 1 | ((d >> bit) & 1);

      r |= (guint32) ((rop3 >> index) & 1) << bit;
    }
  return r;
}

static gint64
pos_mod (gint64 v, gint64 m)
{
  return ((v % m) + m) % m;
}

/* ---- message building ---------------------------------------------------- */

typedef struct {
  gint32 l, t, r, b;
} R;

/* DisplayBase with @n clip rectangles (n < 0: CLIP_NONE). */
static void
base_clip (TMsg *m, guint32 sid, R box, const R *clips, gint n)
{
  tm_u32 (m, sid);
  tm_rect (m, box.l, box.t, box.r, box.b);
  if (n < 0)
    {
      tm_u8 (m, TETHER_SPICE_CLIP_NONE);
      return;
    }
  tm_u8 (m, TETHER_SPICE_CLIP_RECTS);
  tm_u32 (m, (guint32) n);
  for (gint i = 0; i < n; i++)
    tm_rect (m, clips[i].l, clips[i].t, clips[i].r, clips[i].b);
}

static void
no_mask (TMsg *m)
{
  tm_u8 (m, 0);
  tm_point (m, 0, 0);
  tm_u32 (m, 0);
}

static GBytes *
fill_solid (guint32 sid, R box, const R *clips, gint n, guint32 color, guint16 rop)
{
  TMsg m;

  tm_init (&m);
  base_clip (&m, sid, box, clips, n);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, color);
  tm_u16 (&m, rop);
  no_mask (&m);
  return tm_finish (&m);
}

/* A source-image message (COPY, BLEND) with a 32BIT bitmap. */
static GBytes *
copy_msg (guint16 type, guint32 sid, R box, const R *clips, gint n, R src_area,
          guint32 iw, guint32 ih, const guint32 *pixels, guint16 rop, guint8 scale)
{
  TMsg m;
  gsize src;

  g_assert_true (type == TETHER_SPICE_MSG_DISPLAY_DRAW_COPY || type == TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND);
  tm_init (&m);
  base_clip (&m, sid, box, clips, n);
  src = tm_ptr (&m);
  tm_rect (&m, src_area.l, src_area.t, src_area.r, src_area.b);
  tm_u16 (&m, rop);
  tm_u8 (&m, scale);
  no_mask (&m);
  tm_here (&m, src);
  tm_bitmap32 (&m, 1000, 0, iw, ih, pixels);
  return tm_finish (&m);
}

/* A copy whose source is surface @src_sid. */
static GBytes *
copy_from_surface (guint32 sid, R box, R src_area, guint32 src_sid)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  base_clip (&m, sid, box, NULL, -1);
  src = tm_ptr (&m);
  tm_rect (&m, src_area.l, src_area.t, src_area.r, src_area.b);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, TETHER_SPICE_SCALE_NEAREST);
  no_mask (&m);
  tm_here (&m, src);
  tm_descriptor (&m, 77, TETHER_SPICE_IMAGE_SURFACE, 0, 0, 0);
  tm_u32 (&m, src_sid);
  return tm_finish (&m);
}

static guint32 *
make_pixels (guint n, guint32 seed)
{
  guint32 *p = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    p[i] = ((i + 1) * 0x2545f491u ^ seed * 0x9e3779b9u) & 0x00ffffffu;
  return p;
}

/* ---- surfaces ------------------------------------------------------------ */

static void
test_surfaces (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  TetherSpiceMsgSurfaceCreate c = { 0, 8, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB, TETHER_SPICE_SURFACE_FLAG_PRIMARY };
  TetherSpiceSurfaceInfo info;
  TetherSpiceMsgDisplayMode mode = { 6, 5, 16 };
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_spice_canvas_get_primary (canvas, &info));
  g_assert_true (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_true (tether_spice_canvas_get_primary (canvas, &info));
  g_assert_cmpuint (info.width, ==, 8);
  g_assert_cmpuint (info.height, ==, 4);
  g_assert_cmpuint (info.stride, ==, 32);
  g_assert_cmpuint (info.format, ==, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_assert_true (info.primary);
  for (guint y = 0; y < 4; y++)
    for (guint x = 0; x < 8; x++)
      g_assert_cmpuint (ct_get (canvas, 0, x, y), ==, 0);

  /* The same primary again keeps its pixels (spice-gtk reuses it)... */
  ct_set (canvas, 0, 3, 2, 0x123456);
  g_assert_true (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_cmphex (ct_get (canvas, 0, 3, 2), ==, 0x123456);
  /* ... a primary of another size replaces it, black. */
  c.width = 9;
  g_assert_true (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_true (tether_spice_canvas_get_primary (canvas, &info));
  g_assert_cmpuint (info.width, ==, 9);
  g_assert_cmphex (ct_get (canvas, 0, 3, 2), ==, 0);
  /* A new primary with another id replaces the old primary. */
  c.surface_id = 5;
  g_assert_true (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_false (tether_spice_canvas_get_surface (canvas, 0, &info));
  g_assert_true (tether_spice_canvas_get_primary (canvas, &info));
  g_assert_cmpuint (info.surface_id, ==, 5);

  /* Off-screen surfaces in every format the canvas draws on. */
  ct_add_surface (canvas, 1, 3, 3, TETHER_SPICE_SURFACE_FMT_32_ARGB);
  ct_add_surface (canvas, 2, 3, 3, TETHER_SPICE_SURFACE_FMT_16_555);
  ct_add_surface (canvas, 3, 3, 3, TETHER_SPICE_SURFACE_FMT_16_565);
  ct_add_surface (canvas, 4, 3, 3, TETHER_SPICE_SURFACE_FMT_8_A);
  g_assert_true (tether_spice_canvas_get_surface (canvas, 2, &info));
  g_assert_cmpuint (info.stride, ==, 8);   /* 3 × 2 bytes, rounded to 4 */
  g_assert_false (info.primary);
  g_assert_true (tether_spice_canvas_get_surface (canvas, 4, &info));
  g_assert_cmpuint (info.stride, ==, 4);
  g_assert_cmpuint (tether_spice_canvas_get_n_surfaces (canvas), ==, 5);

  /* Errors. */
  c = (TetherSpiceMsgSurfaceCreate) { 7, 0, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB, 0 };
  g_assert_false (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  c = (TetherSpiceMsgSurfaceCreate) { 7, 16385, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB, 0 };
  g_assert_false (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  c = (TetherSpiceMsgSurfaceCreate) { 7, 4, 4, TETHER_SPICE_SURFACE_FMT_1_A, 0 };
  g_assert_false (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  c = (TetherSpiceMsgSurfaceCreate) { 7, 4, 4, 33, 0 };
  g_assert_false (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* The byte budget: 1000 bytes left for surfaces is less than 16×16×4. */
  {
    static const guint32 ids[] = { 5, 1, 2, 3, 4 };
    gsize used = 0;

    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_assert_true (tether_spice_canvas_get_surface (canvas, ids[i], &info));
        used += info.stride * info.height;
      }
    g_assert_cmpuint (used, ==, 36 * 4 + 12 * 3 + 8 * 3 + 8 * 3 + 4 * 3);
    tether_spice_canvas_set_max_surface_bytes (canvas, used + 1000);
  }
  c = (TetherSpiceMsgSurfaceCreate) { 7, 16, 16, TETHER_SPICE_SURFACE_FMT_32_xRGB, 0 };
  g_assert_false (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  c.width = c.height = 15;     /* 900 bytes fit */
  g_assert_true (tether_spice_canvas_create_surface (canvas, &c, &error));
  g_assert_no_error (error);

  /* Destroying: unknown ids are ignored; the primary goes away. */
  tether_spice_canvas_destroy_surface (canvas, 1234);
  tether_spice_canvas_destroy_surface (canvas, 5);
  g_assert_false (tether_spice_canvas_get_primary (canvas, &info));
  /* Legacy MODE: primary 0, 555 unless 32 bits. */
  g_assert_true (tether_spice_canvas_set_mode (canvas, &mode, &error));
  g_assert_true (tether_spice_canvas_get_primary (canvas, &info));
  g_assert_cmpuint (info.surface_id, ==, 0);
  g_assert_cmpuint (info.format, ==, TETHER_SPICE_SURFACE_FMT_16_555);
  g_assert_cmpuint (info.width, ==, 6);
  /* RESET blackens the primary. */
  ct_set (canvas, 0, 1, 1, 0x7fff);
  tether_spice_canvas_reset (canvas);
  g_assert_cmpuint (ct_get (canvas, 0, 1, 1), ==, 0);
  tether_spice_canvas_clear (canvas);
  g_assert_cmpuint (tether_spice_canvas_get_n_surfaces (canvas), ==, 0);
}

/* ---- fill, clip, ROPs ---------------------------------------------------- */

static void
test_fill_clip (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 16, 12, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (16, 12, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  /* Clip rectangles inside, across the edge, outside, empty. */
  const R clips[] = { { 0, 0, 5, 5 }, { 7, 3, 30, 8 }, { -10, -10, -5, -5 }, { 8, 8, 8, 12 } };
  R box = { -3, 2, 10, 20 };
  g_autoptr(GBytes) b = fill_solid (0, box, clips, G_N_ELEMENTS (clips), 0x123456, TETHER_SPICE_ROPD_OP_PUT);
  g_autoptr(GBytes) huge = fill_solid (0, (R) { G_MININT32, G_MININT32, G_MAXINT32, G_MAXINT32 },
                                       NULL, -1, 0xabcdef, TETHER_SPICE_ROPD_OP_PUT);
  g_autoptr(GBytes) outside = fill_solid (0, (R) { 16, 0, 40, 12 }, NULL, -1, 0x111111,
                                          TETHER_SPICE_ROPD_OP_PUT);
  TetherSpiceRect damage;
  g_autoptr(GError) error = NULL;

  ct_fill_pattern (canvas, 0, m, 1);
  g_assert_true (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b, &damage, NULL, &error));
  for (guint y = 0; y < 12; y++)
    for (guint x = 0; x < 16; x++)
      {
        gboolean in_clip = FALSE;

        for (guint i = 0; i < G_N_ELEMENTS (clips); i++)
          in_clip |= ct_in (x, y, clips[i].l, clips[i].t, clips[i].r, clips[i].b);
        if (in_clip && ct_in (x, y, box.l, box.t, box.r, box.b))
          *ct_at (m, x, y) = 0x123456;
      }
  ct_assert_model (canvas, 0, m, "fill with clip");
  /* The damage is what may have changed: inside box and surface. */
  g_assert_cmpint (damage.left, >=, 0);
  g_assert_cmpint (damage.top, >=, 2);
  g_assert_cmpint (damage.right, <=, 10);
  g_assert_cmpint (damage.bottom, <=, 12);

  /* A box entirely outside draws nothing and damages nothing. */
  g_assert_true (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, outside, &damage, NULL, &error));
  g_assert_cmpint (damage.right - damage.left, ==, 0);
  ct_assert_model (canvas, 0, m, "fill outside");

  /* The widest box the wire allows covers exactly the surface. */
  g_assert_true (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, huge, &damage, NULL, &error));
  for (guint i = 0; i < 16 * 12; i++)
    m->px[i] = 0xabcdef;
  ct_assert_model (canvas, 0, m, "fill huge box");
  g_assert_cmpint (damage.left, ==, 0);
  g_assert_cmpint (damage.top, ==, 0);
  g_assert_cmpint (damage.right, ==, 16);
  g_assert_cmpint (damage.bottom, ==, 12);
}

/* All 2048 descriptors, on ARGB (all 32 bits count) and 555 surfaces. */
static void
test_fill_rops (void)
{
  static const TetherSpiceSurfaceFmt formats[] = { TETHER_SPICE_SURFACE_FMT_32_ARGB,
                                                   TETHER_SPICE_SURFACE_FMT_16_555,
                                                   TETHER_SPICE_SURFACE_FMT_8_A };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 3, formats[f]);
      g_autoptr(CtModel) m = ct_model_new (4, 3, formats[f]);
      guint32 color = 0x5a3c96e1u;

      ct_fill_pattern (canvas, 0, m, 7);
      for (guint desc = 0; desc < 2048; desc++)
        {
          g_autoptr(GBytes) b = fill_solid (0, (R) { 1, 0, 3, 3 }, NULL, -1, color, (guint16) desc);

          ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b);
          for (guint y = 0; y < 3; y++)
            for (guint x = 1; x < 3; x++)
              *ct_at (m, x, y) = model_ropd ((guint16) desc, color & m->compare_mask, *ct_at (m, x, y),
                                             TETHER_SPICE_ROPD_INVERS_BRUSH,
                                             TETHER_SPICE_ROPD_INVERS_DEST) & m->compare_mask;
          ct_assert_model (canvas, 0, m, "fill rop");
          color = color * 1103515245u + 12345u;
        }
    }
}

/* A pattern brush tiles with its pixel (0, 0) at pos. */
static void
test_fill_pattern (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 9, 7, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (9, 7, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autofree guint32 *pat = make_pixels (6, 3);
  const gint px = -1, py = 5;
  guint16 rops[] = { TETHER_SPICE_ROPD_OP_PUT, TETHER_SPICE_ROPD_OP_XOR | TETHER_SPICE_ROPD_INVERS_DEST };

  ct_fill_pattern (canvas, 0, m, 2);
  for (guint k = 0; k < G_N_ELEMENTS (rops); k++)
    {
      TMsg msg;
      gsize ptr;
      g_autoptr(GBytes) b = NULL;

      tm_init (&msg);
      base_clip (&msg, 0, (R) { 1, 0, 9, 6 }, NULL, -1);
      tm_u8 (&msg, TETHER_SPICE_BRUSH_PATTERN);
      ptr = tm_ptr (&msg);
      tm_point (&msg, px, py);
      tm_u16 (&msg, rops[k]);
      no_mask (&msg);
      tm_here (&msg, ptr);
      tm_bitmap32 (&msg, 50 + k, 0, 3, 2, pat);
      b = tm_finish (&msg);
      ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b);
      for (guint y = 0; y < 6; y++)
        for (guint x = 1; x < 9; x++)
          {
            guint32 p = pat[pos_mod ((gint64) y - py, 2) * 3 + pos_mod ((gint64) x - px, 3)];

            *ct_at (m, x, y) = model_ropd (rops[k], p, *ct_at (m, x, y), TETHER_SPICE_ROPD_INVERS_BRUSH,
                                           TETHER_SPICE_ROPD_INVERS_DEST);
          }
      ct_assert_model (canvas, 0, m, "pattern fill");
    }
}

/* §8.1 step 4: the mask bit at (x − box.left + pos.x, y − box.top + pos.y). */
static void
test_fill_mask (void)
{
  static const guint8 bits[5 * 3] = {
    1, 0, 1, 1, 0,
    0, 1, 1, 0, 1,
    1, 1, 0, 0, 1,
  };
  const R box = { 2, 2, 10, 8 };
  const gint mx = 1, my = 1;

  for (guint invers = 0; invers < 2; invers++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 12, 10, TETHER_SPICE_SURFACE_FMT_32_xRGB);
      g_autoptr(CtModel) m = ct_model_new (12, 10, TETHER_SPICE_SURFACE_FMT_32_xRGB);
      TMsg msg;
      gsize ptr;
      g_autoptr(GBytes) b = NULL;

      ct_fill_pattern (canvas, 0, m, 9);
      tm_init (&msg);
      base_clip (&msg, 0, box, NULL, -1);
      tm_u8 (&msg, TETHER_SPICE_BRUSH_SOLID);
      tm_u32 (&msg, 0x00c0ffee);
      tm_u16 (&msg, TETHER_SPICE_ROPD_OP_PUT);
      tm_u8 (&msg, invers ? TETHER_SPICE_MASK_INVERS : 0);
      tm_point (&msg, mx, my);
      ptr = tm_ptr (&msg);
      tm_here (&msg, ptr);
      tm_mask_bitmap (&msg, 60, 0, 5, 3, bits);
      b = tm_finish (&msg);
      ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, b);
      for (guint y = 0; y < 10; y++)
        for (guint x = 0; x < 12; x++)
          {
            gint64 bx = (gint64) x - box.l + mx, by = (gint64) y - box.t + my;
            guint bit = ct_in (bx, by, 0, 0, 5, 3) ? bits[by * 5 + bx] : 0;

            if (ct_in (x, y, box.l, box.t, box.r, box.b) && bit != invers)
              *ct_at (m, x, y) = 0xc0ffee;
          }
      ct_assert_model (canvas, 0, m, invers ? "inverted mask" : "mask");
    }
}

/* ---- copy, blend, scaling ------------------------------------------------ */

static void
test_copy (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 8, 7, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (8, 7, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autofree guint32 *img = make_pixels (5 * 4, 11);
  const R clips[] = { { 0, 0, 4, 7 }, { 4, 4, 8, 5 } };
  const R box = { 2, 3, 5, 5 };
  const R area = { 1, 1, 4, 3 };
  g_autoptr(GBytes) b = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, box, clips, 2, area, 5, 4, img,
                                  TETHER_SPICE_ROPD_OP_PUT, TETHER_SPICE_SCALE_NEAREST);
  g_autoptr(GBytes) bad = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 0, 0, 5, 5 }, NULL, -1,
                                    (R) { 0, 0, 5, 5 }, 5, 4, img, TETHER_SPICE_ROPD_OP_PUT, 0);
  g_autoptr(GBytes) empty_area = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 0, 0, 2, 2 }, NULL,
                                           -1, (R) { 1, 1, 1, 3 }, 5, 4, img, TETHER_SPICE_ROPD_OP_PUT, 0);
  g_autoptr(GError) error = NULL;

  ct_fill_pattern (canvas, 0, m, 4);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, b);
  for (guint y = 0; y < 7; y++)
    for (guint x = 0; x < 8; x++)
      if (ct_in (x, y, box.l, box.t, box.r, box.b) &&
          (ct_in (x, y, 0, 0, 4, 7) || ct_in (x, y, 4, 4, 8, 5)))
        *ct_at (m, x, y) = img[(y - box.t + area.t) * 5 + (x - box.l + area.l)];
  ct_assert_model (canvas, 0, m, "copy");

  /* A source area outside its image is refused, and draws nothing. */
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, bad, NULL, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "source area"));
  g_clear_error (&error);
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, empty_area, NULL, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  ct_assert_model (canvas, 0, m, "refused copy");
}

/* COPY and BLEND with every descriptor (source = the image's pixels, which
 * an opaque bitmap gives with alpha 0xff on an ARGB surface). */
static void
test_copy_rops (void)
{
  static const guint16 types[] = { TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND };
  g_autofree guint32 *img = make_pixels (3 * 2, 5);

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 3, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      g_autoptr(CtModel) m = ct_model_new (4, 3, TETHER_SPICE_SURFACE_FMT_32_ARGB);

      ct_fill_pattern (canvas, 0, m, 12);
      for (guint desc = 0; desc < 2048; desc += (t == 0 ? 1 : 7))
        {
          g_autoptr(GBytes) b = copy_msg (types[t], 0, (R) { 1, 1, 4, 3 }, NULL, -1, (R) { 0, 0, 3, 2 },
                                          3, 2, img, (guint16) desc, TETHER_SPICE_SCALE_NEAREST);

          ct_draw (canvas, types[t], b);
          for (guint y = 1; y < 3; y++)
            for (guint x = 1; x < 4; x++)
              *ct_at (m, x, y) = model_ropd ((guint16) desc, 0xff000000u | img[(y - 1) * 3 + (x - 1)],
                                             *ct_at (m, x, y), TETHER_SPICE_ROPD_INVERS_SRC,
                                             TETHER_SPICE_ROPD_INVERS_DEST);
          ct_assert_model (canvas, 0, m, "copy rop");
        }
    }
}

static void
test_copy_scaled (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autofree guint32 *img = make_pixels (6 * 3, 21);
  guint32 uniform[4] = { 0x336699, 0x336699, 0x336699, 0x336699 };
  g_autoptr(GBytes) up = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 0, 0, 4, 4 }, NULL, -1,
                                   (R) { 1, 0, 3, 2 }, 6, 3, img, TETHER_SPICE_ROPD_OP_PUT,
                                   TETHER_SPICE_SCALE_NEAREST);
  g_autoptr(GBytes) down = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 5, 5, 7, 6 }, NULL, -1,
                                     (R) { 0, 0, 6, 3 }, 6, 3, img, TETHER_SPICE_ROPD_OP_PUT,
                                     TETHER_SPICE_SCALE_NEAREST);
  g_autoptr(GBytes) smooth = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 0, 5, 5, 8 }, NULL, -1,
                                       (R) { 0, 0, 2, 2 }, 2, 2, uniform, TETHER_SPICE_ROPD_OP_PUT,
                                       TETHER_SPICE_SCALE_INTERPOLATE);
  /* Scaling with a ROP goes through the ROP path. */
  g_autoptr(GBytes) up_xor = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 4, 0, 8, 4 }, NULL, -1,
                                       (R) { 1, 0, 3, 2 }, 6, 3, img, TETHER_SPICE_ROPD_OP_XOR,
                                       TETHER_SPICE_SCALE_NEAREST);

  ct_fill_pattern (canvas, 0, m, 6);
  /* 2× up: dst (x, y) samples src_area.left + floor ((x + ½) / 2). */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, up);
  for (guint y = 0; y < 4; y++)
    for (guint x = 0; x < 4; x++)
      *ct_at (m, x, y) = img[(y / 2) * 6 + 1 + x / 2];
  ct_assert_model (canvas, 0, m, "2× nearest");
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, up_xor);
  for (guint y = 0; y < 4; y++)
    for (guint x = 4; x < 8; x++)
      *ct_at (m, x, y) ^= img[(y / 2) * 6 + 1 + (x - 4) / 2];
  ct_assert_model (canvas, 0, m, "2× nearest, XOR");
  /* 3× down: dst x samples floor ((x + ½) × 3) = 3x + 1; y: floor (½ × 3) = 1. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, down);
  for (guint x = 5; x < 7; x++)
    *ct_at (m, x, 5) = img[1 * 6 + 3 * (x - 5) + 1];
  ct_assert_model (canvas, 0, m, "3× down nearest");
  /* Interpolating a uniform image gives its color everywhere. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, smooth);
  for (guint y = 5; y < 8; y++)
    for (guint x = 0; x < 5; x++)
      *ct_at (m, x, y) = 0x336699;
  ct_assert_model (canvas, 0, m, "interpolate");
}

/* A SURFACE source: another surface, and the destination itself. */
static void
test_copy_from_surface (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) other = ct_model_new (4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) old = ct_model_new (8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) from1 = copy_from_surface (0, (R) { 4, 4, 7, 7 }, (R) { 1, 0, 4, 3 }, 1);
  g_autoptr(GBytes) self = copy_from_surface (0, (R) { 1, 1, 6, 6 }, (R) { 0, 0, 5, 5 }, 0);
  g_autoptr(GBytes) missing = copy_from_surface (0, (R) { 0, 0, 2, 2 }, (R) { 0, 0, 2, 2 }, 9);
  g_autoptr(GError) error = NULL;

  ct_add_surface (canvas, 1, 4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  ct_fill_pattern (canvas, 0, m, 30);
  ct_fill_pattern (canvas, 1, other, 31);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, from1);
  for (guint y = 4; y < 7; y++)
    for (guint x = 4; x < 7; x++)
      *ct_at (m, x, y) = *ct_at (other, x - 4 + 1, y - 4);
  ct_assert_model (canvas, 0, m, "copy from a surface");

  /* Overlapping copy within one surface reads the old pixels. */
  memcpy (old->px, m->px, 64 * sizeof (guint32));
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, self);
  for (guint y = 1; y < 6; y++)
    for (guint x = 1; x < 6; x++)
      *ct_at (m, x, y) = *ct_at (old, x - 1, y - 1);
  ct_assert_model (canvas, 0, m, "copy from itself");

  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, missing, NULL, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "surface 9"));
}

static void
test_copy_bits (void)
{
  struct { R box; gint sx, sy; } cases[] = {
    { { 2, 1, 7, 6 }, 1, 0 },    /* right and down, overlapping */
    { { 1, 1, 6, 6 }, 3, 3 },    /* left and up, overlapping */
    { { 0, 0, 4, 4 }, 6, 6 },    /* source partly outside the surface */
    { { -2, -2, 3, 3 }, 0, 0 },  /* box partly outside */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 8, 8, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      g_autoptr(CtModel) m = ct_model_new (8, 8, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      g_autoptr(CtModel) old = ct_model_new (8, 8, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      gint64 dx = cases[i].box.l - cases[i].sx, dy = cases[i].box.t - cases[i].sy;
      TMsg msg;
      g_autoptr(GBytes) b = NULL;

      ct_fill_pattern (canvas, 0, m, 40 + i);
      memcpy (old->px, m->px, 64 * sizeof (guint32));
      tm_init (&msg);
      base_clip (&msg, 0, cases[i].box, NULL, -1);
      tm_point (&msg, cases[i].sx, cases[i].sy);
      b = tm_finish (&msg);
      ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_COPY_BITS, b);
      for (gint y = 0; y < 8; y++)
        for (gint x = 0; x < 8; x++)
          if (ct_in (x, y, cases[i].box.l, cases[i].box.t, cases[i].box.r, cases[i].box.b) &&
              ct_in (x - dx, y - dy, 0, 0, 8, 8))
            *ct_at (m, x, y) = *ct_at (old, x - dx, y - dy);
      ct_assert_model (canvas, 0, m, "copy bits");
    }
}

/* ---- opaque, blackness, whiteness, invers, rop3 -------------------------- */

static void
test_opaque (void)
{
  g_autofree guint32 *img = make_pixels (2 * 2, 50);
  static const guint16 rops[] = {
    TETHER_SPICE_ROPD_OP_PUT, TETHER_SPICE_ROPD_OP_AND, TETHER_SPICE_ROPD_OP_AND | TETHER_SPICE_ROPD_INVERS_SRC,
    TETHER_SPICE_ROPD_OP_OR | TETHER_SPICE_ROPD_INVERS_BRUSH, TETHER_SPICE_ROPD_OP_XOR | TETHER_SPICE_ROPD_INVERS_RES,
    TETHER_SPICE_ROPD_OP_INVERS, 0,
    /* INVERS_DEST plays no part in OPAQUE. */
    TETHER_SPICE_ROPD_OP_OR | TETHER_SPICE_ROPD_INVERS_DEST,
  };

  for (guint k = 0; k < G_N_ELEMENTS (rops); k++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 4, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      g_autoptr(CtModel) m = ct_model_new (4, 4, TETHER_SPICE_SURFACE_FMT_32_ARGB);
      guint32 brush = 0x0ff0a55au;
      TMsg msg;
      gsize src;
      g_autoptr(GBytes) b = NULL;

      ct_fill_pattern (canvas, 0, m, 51);
      tm_init (&msg);
      base_clip (&msg, 0, (R) { 1, 1, 3, 3 }, NULL, -1);
      src = tm_ptr (&msg);
      tm_rect (&msg, 0, 0, 2, 2);
      tm_u8 (&msg, TETHER_SPICE_BRUSH_SOLID);
      tm_u32 (&msg, brush);
      tm_u16 (&msg, rops[k]);
      tm_u8 (&msg, TETHER_SPICE_SCALE_NEAREST);
      no_mask (&msg);
      tm_here (&msg, src);
      tm_bitmap32 (&msg, 70, 0, 2, 2, img);
      b = tm_finish (&msg);
      ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE, b);
      /* The source is copied, then the brush applied with d = that copy. */
      for (guint y = 1; y < 3; y++)
        for (guint x = 1; x < 3; x++)
          *ct_at (m, x, y) = model_ropd (rops[k], brush, 0xff000000u | img[(y - 1) * 2 + x - 1],
                                         TETHER_SPICE_ROPD_INVERS_BRUSH, TETHER_SPICE_ROPD_INVERS_SRC);
      ct_assert_model (canvas, 0, m, "opaque");
    }
}

static void
test_blackness_whiteness_invers (void)
{
  static const guint16 types[] = { TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS,
                                   TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS,
                                   TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS };
  static const TetherSpiceSurfaceFmt formats[] = { TETHER_SPICE_SURFACE_FMT_32_ARGB,
                                                   TETHER_SPICE_SURFACE_FMT_16_565,
                                                   TETHER_SPICE_SURFACE_FMT_8_A };
  const R clips[] = { { 0, 0, 3, 2 }, { 2, 3, 5, 5 } };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint t = 0; t < G_N_ELEMENTS (types); t++)
      {
        g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 5, 5, formats[f]);
        g_autoptr(CtModel) m = ct_model_new (5, 5, formats[f]);
        TMsg msg;
        g_autoptr(GBytes) b = NULL;

        ct_fill_pattern (canvas, 0, m, 60 + t);
        tm_init (&msg);
        base_clip (&msg, 0, (R) { 1, 0, 5, 4 }, clips, 2);
        no_mask (&msg);
        b = tm_finish (&msg);
        ct_draw (canvas, types[t], b);
        for (guint y = 0; y < 5; y++)
          for (guint x = 0; x < 5; x++)
            if (ct_in (x, y, 1, 0, 5, 4) && (ct_in (x, y, 0, 0, 3, 2) || ct_in (x, y, 2, 3, 5, 5)))
              {
                guint32 *p = ct_at (m, x, y);

                *p = t == 0 ? 0 : t == 1 ? m->compare_mask : ~*p & m->compare_mask;
              }
        ct_assert_model (canvas, 0, m, "blackness/whiteness/invers");
      }
}

static void
test_rop3 (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 6, 4, TETHER_SPICE_SURFACE_FMT_32_ARGB);
  g_autoptr(CtModel) m = ct_model_new (6, 4, TETHER_SPICE_SURFACE_FMT_32_ARGB);
  g_autofree guint32 *img = make_pixels (3 * 3, 70);
  g_autofree guint32 *pat = make_pixels (2 * 2, 71);

  ct_fill_pattern (canvas, 0, m, 72);
  for (guint rop3 = 0; rop3 < 256; rop3++)
    for (guint use_pattern = 0; use_pattern < 2; use_pattern++)
      {
        guint32 color = 0x3c5a96f0u ^ rop3;
        TMsg msg;
        gsize src, ptr = 0;
        g_autoptr(GBytes) b = NULL;

        tm_init (&msg);
        base_clip (&msg, 0, (R) { 2, 1, 5, 4 }, NULL, -1);
        src = tm_ptr (&msg);
        tm_rect (&msg, 0, 0, 3, 3);
        if (use_pattern)
          {
            tm_u8 (&msg, TETHER_SPICE_BRUSH_PATTERN);
            ptr = tm_ptr (&msg);
            tm_point (&msg, 1, 0);
          }
        else
          {
            tm_u8 (&msg, TETHER_SPICE_BRUSH_SOLID);
            tm_u32 (&msg, color);
          }
        tm_u8 (&msg, (guint8) rop3);
        tm_u8 (&msg, TETHER_SPICE_SCALE_NEAREST);
        no_mask (&msg);
        tm_here (&msg, src);
        tm_bitmap32 (&msg, 80, 0, 3, 3, img);
        if (use_pattern)
          {
            tm_here (&msg, ptr);
            tm_bitmap32 (&msg, 81, 0, 2, 2, pat);
          }
        b = tm_finish (&msg);
        ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, b);
        for (guint y = 1; y < 4; y++)
          for (guint x = 2; x < 5; x++)
            {
              guint32 p = use_pattern ? 0xff000000u | pat[pos_mod (y, 2) * 2 + pos_mod ((gint) x - 1, 2)]
                                      : color;
              guint32 s = 0xff000000u | img[(y - 1) * 3 + (x - 2)];

              *ct_at (m, x, y) = model_rop3 ((guint8) rop3, p, s, *ct_at (m, x, y));
            }
        ct_assert_model (canvas, 0, m, "rop3");
      }
}

/* ---- stroke ---------------------------------------------------------------- */

typedef struct {
  guint8  flags;
  guint   n;
  gint32  pts[8][2];   /* in pixels; written as fix28_4 */
} Seg;

static GBytes *
stroke_msg (R box, const R *clips, gint n_clips, const Seg *segs, guint n_segs, const guint *style,
            guint n_style, gboolean gap, guint32 color, guint16 rop)
{
  TMsg m;
  gsize path, sptr = 0;

  tm_init (&m);
  base_clip (&m, 0, box, clips, n_clips);
  path = tm_ptr (&m);
  if (n_style > 0)
    {
      tm_u8 (&m, TETHER_SPICE_LINE_FLAG_STYLED | (gap ? TETHER_SPICE_LINE_FLAG_START_WITH_GAP : 0));
      tm_u8 (&m, (guint8) n_style);
      sptr = tm_ptr (&m);
    }
  else
    tm_u8 (&m, 0);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, color);
  tm_u16 (&m, rop);
  tm_u16 (&m, 0);
  tm_here (&m, path);
  tm_u32 (&m, n_segs);
  for (guint i = 0; i < n_segs; i++)
    {
      tm_u8 (&m, segs[i].flags);
      tm_u32 (&m, segs[i].n);
      for (guint k = 0; k < segs[i].n; k++)
        tm_point (&m, segs[i].pts[k][0] * 16, segs[i].pts[k][1] * 16);
    }
  if (n_style > 0)
    {
      tm_here (&m, sptr);
      for (guint i = 0; i < n_style; i++)
        tm_i32 (&m, (gint32) style[i] * 16);
    }
  return tm_finish (&m);
}

/* The test's line: major-axis steps, the minor offset rounded half away
 * from the start, the end point left out. Calls @plot with the step. */
static void
model_line (CtModel *m, gint x0, gint y0, gint x1, gint y1, guint32 color,
            const guint *dash, guint n_dash, guint *dash_pos, guint dash_total)
{
  gint dx = x1 - x0, dy = y1 - y0;
  gint n = MAX (ABS (dx), ABS (dy));

  for (gint i = 0; i < n; i++)
    {
      double fx = (double) i * ABS (dx) / n, fy = (double) i * ABS (dy) / n;
      gint x = x0 + (dx < 0 ? -1 : 1) * (gint) floor (fx + 0.5);
      gint y = y0 + (dy < 0 ? -1 : 1) * (gint) floor (fy + 0.5);
      gboolean on = TRUE;

      if (dash_total > 0)
        {
          guint pos = *dash_pos, k = 0;

          while (pos >= dash[k])
            pos -= dash[k++];
          on = (k % 2) == 0;
          *dash_pos = (*dash_pos + 1) % dash_total;
        }
      if (on && ct_in (x, y, 0, 0, m->w, m->h))
        *ct_at (m, x, y) = color;
    }
}

static void
test_stroke_lines (void)
{
  const Seg segs[] = {
    { TETHER_SPICE_PATH_BEGIN | TETHER_SPICE_PATH_END, 2, { { 1, 1 }, { 6, 1 } } },     /* horizontal */
    { TETHER_SPICE_PATH_BEGIN | TETHER_SPICE_PATH_END, 2, { { 3, 2 }, { 3, 7 } } },     /* vertical */
    { TETHER_SPICE_PATH_BEGIN | TETHER_SPICE_PATH_END, 2, { { 0, 15 }, { 5, 10 } } },   /* diagonal */
    { TETHER_SPICE_PATH_BEGIN | TETHER_SPICE_PATH_END, 2, { { 15, 3 }, { 8, 15 } } },   /* steep, leftwards */
  };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 16, 16, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (16, 16, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) b = stroke_msg ((R) { 0, 0, 16, 16 }, NULL, -1, segs, G_N_ELEMENTS (segs), NULL, 0,
                                    FALSE, 0xffffff, TETHER_SPICE_ROPD_OP_PUT);
  guint pos = 0;

  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, b);
  for (guint i = 0; i < G_N_ELEMENTS (segs); i++)
    model_line (m, segs[i].pts[0][0], segs[i].pts[0][1], segs[i].pts[1][0], segs[i].pts[1][1],
                0xffffff, NULL, 0, &pos, 0);
  /* Spot checks the model must agree with: the end points are left out. */
  g_assert_cmphex (*ct_at (m, 1, 1), ==, 0xffffff);
  g_assert_cmphex (*ct_at (m, 5, 1), ==, 0xffffff);
  g_assert_cmphex (*ct_at (m, 6, 1), ==, 0);
  g_assert_cmphex (*ct_at (m, 3, 6), ==, 0xffffff);
  g_assert_cmphex (*ct_at (m, 3, 7), ==, 0);
  g_assert_cmphex (*ct_at (m, 4, 11), ==, 0xffffff);
  ct_assert_model (canvas, 0, m, "lines");
}

/* A closed poly-line drawn with XOR: each pixel once, joints included. */
static void
test_stroke_closed_xor (void)
{
  const Seg segs[] = {
    { TETHER_SPICE_PATH_BEGIN, 2, { { 2, 2 }, { 10, 2 } } },
    { TETHER_SPICE_PATH_END | TETHER_SPICE_PATH_CLOSE, 1, { { 10, 8 } } },
  };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 12, 10, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (12, 10, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) b = stroke_msg ((R) { 0, 0, 12, 10 }, NULL, -1, segs, 2, NULL, 0, FALSE, 0x00ff00,
                                    TETHER_SPICE_ROPD_OP_XOR);
  guint pos = 0;

  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, b);
  model_line (m, 2, 2, 10, 2, 0x00ff00, NULL, 0, &pos, 0);
  model_line (m, 10, 2, 10, 8, 0x00ff00, NULL, 0, &pos, 0);
  model_line (m, 10, 8, 2, 2, 0x00ff00, NULL, 0, &pos, 0);
  g_assert_cmphex (*ct_at (m, 2, 2), ==, 0x00ff00);
  g_assert_cmphex (*ct_at (m, 10, 2), ==, 0x00ff00);
  g_assert_cmphex (*ct_at (m, 10, 8), ==, 0x00ff00);
  ct_assert_model (canvas, 0, m, "closed XOR");
}

static void
test_stroke_dashes (void)
{
  const Seg line[] = { { TETHER_SPICE_PATH_BEGIN | TETHER_SPICE_PATH_END, 2, { { 0, 1 }, { 12, 1 } } } };
  const guint style[] = { 3, 2 };

  for (guint gap = 0; gap < 2; gap++)
    {
      g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 14, 3, TETHER_SPICE_SURFACE_FMT_32_xRGB);
      g_autoptr(GBytes) b = stroke_msg ((R) { 0, 0, 14, 3 }, NULL, -1, line, 1, style, 2, gap, 0xffffff,
                                        TETHER_SPICE_ROPD_OP_PUT);
      /* On 3, off 2; START_WITH_GAP starts with a gap as long as style[0]. */
      static const char plain[] = "111001110011";
      static const char with_gap[] = "000110001100";

      ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, b);
      for (guint x = 0; x < 14; x++)
        {
          guint32 want = x < 12 && (gap ? with_gap : plain)[x] == '1' ? 0xffffff : 0;

          g_assert_cmphex (ct_get (canvas, 0, x, 1) & 0xffffff, ==, want);
          g_assert_cmphex (ct_get (canvas, 0, x, 0), ==, 0);
        }
    }
}

/* A clipped stroke, and Béziers: a straight one is a line, a curved one
 * stays within its control points' hull and ends where it should. */
static void
test_stroke_clip_bezier (void)
{
  const Seg segs[] = {
    { TETHER_SPICE_PATH_BEGIN, 1, { { 0, 3 } } },
    { TETHER_SPICE_PATH_BEZIER | TETHER_SPICE_PATH_END, 3, { { 4, 3 }, { 8, 3 }, { 12, 3 } } },
    { TETHER_SPICE_PATH_BEGIN, 1, { { 1, 14 } } },
    { TETHER_SPICE_PATH_BEZIER, 3, { { 1, 6 }, { 14, 6 }, { 14, 14 } } },
    { TETHER_SPICE_PATH_END, 1, { { 14, 15 } } },
  };
  const R clips[] = { { 2, 0, 9, 16 }, { 0, 8, 16, 16 } };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 16, 16, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) b = stroke_msg ((R) { 0, 0, 16, 16 }, clips, 2, segs, G_N_ELEMENTS (segs), NULL, 0,
                                    FALSE, 0xffffff, TETHER_SPICE_ROPD_OP_PUT);
  guint curve_pixels = 0;

  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE, b);
  for (guint y = 0; y < 16; y++)
    for (guint x = 0; x < 16; x++)
      {
        guint32 v = ct_get (canvas, 0, x, y) & 0xffffff;
        gboolean in_clip = ct_in (x, y, 2, 0, 9, 16) || ct_in (x, y, 0, 8, 16, 16);

        if (!in_clip)
          g_assert_cmphex (v, ==, 0);
        else if (y == 3)
          /* The straight Bézier: x 0..11 of y 3, clipped to x 2..8. */
          g_assert_cmphex (v, ==, x >= 2 && x <= 8 ? 0xffffff : 0);
        else if (v != 0)
          {
            /* The curve's hull is x 1..14, y 6..15 (its last line too). */
            g_assert_true (ct_in (x, y, 1, 6, 15, 16));
            curve_pixels++;
          }
      }
  g_assert_cmpuint (curve_pixels, >, 10);
  /* The curve starts at (1, 14) and the last line ends before (14, 15). */
  g_assert_cmphex (ct_get (canvas, 0, 1, 14) & 0xffffff, ==, 0xffffff);
  g_assert_cmphex (ct_get (canvas, 0, 14, 15) & 0xffffff, ==, 0);
}

/* ---- text ---------------------------------------------------------------- */

typedef struct {
  gint32        x, y;     /* render_pos + glyph_origin: the glyph's top left */
  guint16       w, h;
  const guint8 *rows;     /* stored as on the wire: bottom row first */
} Glyph;

static GBytes *
text_msg (R box, guint8 flags, const Glyph *glyphs, guint n, R back_area, guint32 fore, guint32 back)
{
  TMsg m;
  gsize str;
  guint bpp = flags == TETHER_SPICE_STRING_RASTER_A1 ? 1 : flags == TETHER_SPICE_STRING_RASTER_A4 ? 4 : 8;

  tm_init (&m);
  base_clip (&m, 0, box, NULL, -1);
  str = tm_ptr (&m);
  tm_rect (&m, back_area.l, back_area.t, back_area.r, back_area.b);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, fore);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, back);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_here (&m, str);
  tm_u16 (&m, (guint16) n);
  tm_u8 (&m, flags);
  for (guint i = 0; i < n; i++)
    {
      /* render_pos (x - 1, y + 3), glyph_origin (1, -3). */
      tm_point (&m, glyphs[i].x - 1, glyphs[i].y + 3);
      tm_point (&m, 1, -3);
      tm_u16 (&m, glyphs[i].w);
      tm_u16 (&m, glyphs[i].h);
      tm_bytes (&m, glyphs[i].rows, (bpp * glyphs[i].w + 7) / 8 * glyphs[i].h);
    }
  return tm_finish (&m);
}

static void
test_text (void)
{
  /* A1, 3×2: top row 101, bottom row 011 (stored bottom first). */
  static const guint8 a1_rows[] = { 0x60, 0xa0 };
  /* A8, 2×2 fully on/off, two overlapping glyphs of 0x80. */
  static const guint8 a8_rows[] = { 0xff, 0x00, 0x00, 0xff };
  static const guint8 half[] = { 0x80, 0x80, 0x80, 0x80 };
  /* A4, 3×1: nibbles F, 0, 8. */
  static const guint8 a4_rows[] = { 0xf0, 0x80 };
  const Glyph a1[] = { { 2, 4, 3, 2, a1_rows } };
  const Glyph a8[] = { { 8, 1, 2, 2, a8_rows }, { 12, 1, 2, 2, half }, { 13, 1, 2, 2, half } };
  const Glyph a4[] = { { 1, 7, 3, 1, a4_rows } };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 16, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (16, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) t1 = text_msg ((R) { 0, 0, 16, 8 }, TETHER_SPICE_STRING_RASTER_A1, a1, 1,
                                   (R) { 0, 3, 8, 6 }, 0x00ff00, 0x0000ff);
  g_autoptr(GBytes) t8 = text_msg ((R) { 0, 0, 15, 8 }, TETHER_SPICE_STRING_RASTER_A8, a8, 3,
                                   (R) { 0, 0, 0, 0 }, 0xffffff, 0);
  g_autoptr(GBytes) t4 = text_msg ((R) { 0, 0, 16, 8 }, TETHER_SPICE_STRING_RASTER_A4, a4, 1,
                                   (R) { 0, 0, 0, 0 }, 0xffffff, 0);

  /* On black: the back area gets blue, then the A1 glyph green. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, t1);
  for (guint y = 3; y < 6; y++)
    for (guint x = 0; x < 8; x++)
      *ct_at (m, x, y) = 0x0000ff;
  *ct_at (m, 2, 4) = *ct_at (m, 4, 4) = 0x00ff00;
  *ct_at (m, 3, 5) = *ct_at (m, 4, 5) = 0x00ff00;
  ct_assert_model (canvas, 0, m, "A1 text over a back area");

  /* A8: full coverage is the color; overlapping glyphs take the max, not
   * the sum (0x80 of white over black is 0x80); the box clips x = 15. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, t8);
  *ct_at (m, 8, 2) = 0xffffff;   /* bottom row first: (8,2) and (9,1) */
  *ct_at (m, 9, 1) = 0xffffff;
  for (guint y = 1; y < 3; y++)
    for (guint x = 12; x < 15; x++)
      *ct_at (m, x, y) = 0x808080;
  ct_assert_model (canvas, 0, m, "A8 text");

  /* A4: nibble n covers n << 4 (F: 0xf0), as the reference does. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT, t4);
  *ct_at (m, 1, 7) = 0xf0f0f0;
  *ct_at (m, 3, 7) = 0x808080;
  ct_assert_model (canvas, 0, m, "A4 text");
}

/* ---- transparent, alpha blend, composite --------------------------------- */

static void
test_transparent (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 6, 3, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (6, 3, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  const guint32 key = 0x00ff00ff;
  guint32 img[8] = { key, 0x102030, key, 0x405060, 0x708090, key, key, 0xa0b0c0 };
  TMsg msg;
  gsize src;
  g_autoptr(GBytes) b = NULL;

  ct_fill_pattern (canvas, 0, m, 90);
  tm_init (&msg);
  base_clip (&msg, 0, (R) { 1, 1, 5, 3 }, NULL, -1);
  src = tm_ptr (&msg);
  tm_rect (&msg, 0, 0, 4, 2);
  tm_u32 (&msg, 0x000000);      /* src_color: unused */
  tm_u32 (&msg, key);
  tm_here (&msg, src);
  tm_bitmap32 (&msg, 91, 0, 4, 2, img);
  b = tm_finish (&msg);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT, b);
  for (guint y = 1; y < 3; y++)
    for (guint x = 1; x < 5; x++)
      if (img[(y - 1) * 4 + x - 1] != key)
        *ct_at (m, x, y) = img[(y - 1) * 4 + x - 1];
  ct_assert_model (canvas, 0, m, "transparent");
}

static GBytes *
alpha_msg (R box, guint8 alpha, guint8 flags, R area, guint8 format, guint w, guint h,
           const guint8 *bgra)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  base_clip (&m, 0, box, NULL, -1);
  tm_u8 (&m, flags);
  tm_u8 (&m, alpha);
  src = tm_ptr (&m);
  tm_rect (&m, area.l, area.t, area.r, area.b);
  tm_here (&m, src);
  tm_descriptor (&m, 95, TETHER_SPICE_IMAGE_BITMAP, 0, w, h);
  tm_u8 (&m, format);
  tm_u8 (&m, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN);
  tm_u32 (&m, w);
  tm_u32 (&m, h);
  tm_u32 (&m, w * 4);
  tm_u32 (&m, 0);
  tm_bytes (&m, bgra, (gsize) w * h * 4);
  return tm_finish (&m);
}

static void
test_alpha_blend (void)
{
  /* B, G, R, X/A */
  static const guint8 white_black[] = { 0xff, 0xff, 0xff, 0x00,  0x00, 0x00, 0x00, 0x00 };
  /* premultiplied: half-transparent red, and transparent */
  static const guint8 rgba[] = { 0x00, 0x00, 0x80, 0x80,  0x00, 0x00, 0x00, 0x00 };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) opaque = alpha_msg ((R) { 0, 0, 2, 1 }, 255, 0, (R) { 0, 0, 2, 1 },
                                        TETHER_SPICE_BITMAP_FMT_32BIT, 2, 1, white_black);
  g_autoptr(GBytes) none = alpha_msg ((R) { 0, 1, 2, 2 }, 0, 0, (R) { 0, 0, 2, 1 },
                                      TETHER_SPICE_BITMAP_FMT_32BIT, 2, 1, white_black);
  g_autoptr(GBytes) half = alpha_msg ((R) { 0, 2, 2, 3 }, 128, 0, (R) { 0, 0, 2, 1 },
                                      TETHER_SPICE_BITMAP_FMT_32BIT, 2, 1, white_black);
  g_autoptr(GBytes) per_pixel = alpha_msg ((R) { 2, 3, 4, 4 }, 255, 0, (R) { 0, 0, 2, 1 },
                                           TETHER_SPICE_BITMAP_FMT_RGBA, 2, 1, rgba);

  for (guint i = 0; i < 16; i++)
    {
      guint32 v = (i % 2) ? 0xffffff : 0x0000ff;

      m->px[i] = v;
      ct_set (canvas, 0, i % 4, i / 4, v);
    }
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, opaque);
  *ct_at (m, 0, 0) = 0xffffff;
  *ct_at (m, 1, 0) = 0x000000;
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, none);
  ct_assert_model (canvas, 0, m, "alpha 255 and 0");
  /* 128/255 of white over blue: 128 + 255 × 127/255 = 255 for blue. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, half);
  *ct_at (m, 0, 2) = 0x8080ff;   /* over 0x0000ff */
  *ct_at (m, 1, 2) = 0x7f7f7f;   /* black over white: 255 × 127/255 */
  ct_assert_model (canvas, 0, m, "alpha 128");
  /* Per-pixel alpha: 0x80 red over blue keeps 127/255 of the blue. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND, per_pixel);
  *ct_at (m, 2, 3) = 0x80007f;
  ct_assert_model (canvas, 0, m, "per-pixel alpha");
}

static GBytes *
composite_msg (guint32 flags, R box, gint16 sx, gint16 sy, const guint32 *src, guint sw, guint sh,
               const guint8 *mask_a8, guint mw, guint mh, gint16 mx, gint16 my)
{
  TMsg m;
  gsize s, mp = 0;

  tm_init (&m);
  base_clip (&m, 0, box, NULL, -1);
  tm_u32 (&m, flags | (mask_a8 ? TETHER_SPICE_COMPOSITE_HAS_MASK : 0));
  s = tm_ptr (&m);
  if (mask_a8)
    mp = tm_ptr (&m);
  tm_u16 (&m, (guint16) sx);
  tm_u16 (&m, (guint16) sy);
  tm_u16 (&m, (guint16) mx);
  tm_u16 (&m, (guint16) my);
  tm_here (&m, s);
  tm_bitmap32 (&m, 97, 0, sw, sh, src);
  if (mask_a8)
    {
      tm_here (&m, mp);
      tm_descriptor (&m, 98, TETHER_SPICE_IMAGE_BITMAP, 0, mw, mh);
      tm_u8 (&m, TETHER_SPICE_BITMAP_FMT_8BIT_A);
      tm_u8 (&m, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN);
      tm_u32 (&m, mw);
      tm_u32 (&m, mh);
      tm_u32 (&m, mw);
      tm_u32 (&m, 0);
      tm_bytes (&m, mask_a8, (gsize) mw * mh);
    }
  return tm_finish (&m);
}

static void
test_composite (void)
{
  g_autofree guint32 *img = make_pixels (3 * 3, 100);
  static const guint8 mask[3 * 3] = { 255, 0, 255, 0, 255, 0, 255, 255, 0 };
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 6, 6, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(CtModel) m = ct_model_new (6, 6, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  /* SRC (1) with the source origin one pixel in. */
  g_autoptr(GBytes) src = composite_msg (1, (R) { 0, 0, 2, 2 }, 1, 1, img, 3, 3, NULL, 0, 0, 0, 0);
  /* OVER (3) of an opaque source through an a8 mask. */
  g_autoptr(GBytes) over = composite_msg (3, (R) { 3, 3, 6, 6 }, 0, 0, img, 3, 3, mask, 3, 3, 0, 0);
  /* CLEAR (0). */
  g_autoptr(GBytes) clear = composite_msg (0, (R) { 4, 0, 6, 2 }, 0, 0, img, 3, 3, NULL, 0, 0, 0, 0);
  /* A convolution filter is refused, without drawing. */
  g_autoptr(GBytes) conv = composite_msg (1 | (5u << TETHER_SPICE_COMPOSITE_SRC_FILTER_SHIFT),
                                          (R) { 0, 3, 2, 5 }, 0, 0, img, 3, 3, NULL, 0, 0, 0, 0);
  g_autoptr(GError) error = NULL;

  ct_fill_pattern (canvas, 0, m, 101);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, src);
  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 2; x++)
      *ct_at (m, x, y) = img[(y + 1) * 3 + x + 1];
  ct_assert_model (canvas, 0, m, "composite SRC");
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, over);
  for (guint y = 3; y < 6; y++)
    for (guint x = 3; x < 6; x++)
      if (mask[(y - 3) * 3 + x - 3])
        *ct_at (m, x, y) = img[(y - 3) * 3 + x - 3];
  ct_assert_model (canvas, 0, m, "composite OVER with a mask");
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, clear);
  for (guint y = 0; y < 2; y++)
    for (guint x = 4; x < 6; x++)
      *ct_at (m, x, y) = 0;
  ct_assert_model (canvas, 0, m, "composite CLEAR");
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE, conv, NULL, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED);
  ct_assert_model (canvas, 0, m, "refused composite");
}

/* ---- formats, frames, missing surfaces ----------------------------------- */

static void
test_other_formats (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 2, TETHER_SPICE_SURFACE_FMT_16_555);
  guint32 img[2] = { 0x00ff8040, 0x0008f7ff };
  g_autoptr(GBytes) fill = fill_solid (0, (R) { 0, 0, 2, 1 }, NULL, -1, 0x12347c00, TETHER_SPICE_ROPD_OP_PUT);
  g_autoptr(GBytes) copy = copy_msg (TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, 0, (R) { 2, 1, 4, 2 }, NULL, -1,
                                     (R) { 0, 0, 2, 1 }, 2, 1, img, TETHER_SPICE_ROPD_OP_PUT, 0);
  g_autoptr(TetherSpiceCanvas) a8 = ct_canvas (0, 3, 1, TETHER_SPICE_SURFACE_FMT_8_A);
  g_autoptr(GBytes) fill8 = fill_solid (0, (R) { 1, 0, 3, 1 }, NULL, -1, 0xabcdef80, TETHER_SPICE_ROPD_OP_PUT);

  /* A 16-bit surface takes the low 16 bits of a color... */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, fill);
  g_assert_cmphex (ct_get (canvas, 0, 0, 0), ==, 0x7c00);
  g_assert_cmphex (ct_get (canvas, 0, 1, 0), ==, 0x7c00);
  g_assert_cmphex (ct_get (canvas, 0, 2, 0), ==, 0);
  /* ... and 8-bit channels of a source keep their 5 high bits. */
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, copy);
  g_assert_cmphex (ct_get (canvas, 0, 2, 1), ==, (0xffu >> 3) << 10 | (0x80u >> 3) << 5 | (0x40u >> 3));
  g_assert_cmphex (ct_get (canvas, 0, 3, 1), ==, (0x08u >> 3) << 10 | (0xf7u >> 3) << 5 | (0xffu >> 3));
  ct_draw (a8, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, fill8);
  g_assert_cmphex (ct_get (a8, 0, 0, 0), ==, 0);
  g_assert_cmphex (ct_get (a8, 0, 1, 0), ==, 0x80);
  g_assert_cmphex (ct_get (a8, 0, 2, 0), ==, 0x80);
}

static void
test_put_frame (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 6, 6, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  const guint32 frame[4] = { 0x111111, 0x222222, 0x333333, 0x444444 };
  TetherSpiceClip clip = { TETHER_SPICE_CLIP_RECTS, 1, (TetherSpiceRect[]) { { .top = 0, .left = 0, .bottom = 3, .right = 6 } } };
  TetherSpiceRect dest = { .top = 1, .left = 1, .bottom = 5, .right = 5 };
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_spice_canvas_put_frame (canvas, 0, &dest, NULL, (const guint8 *) frame, 8, 2, 2,
                                                TRUE, &error));
  for (guint y = 0; y < 6; y++)
    for (guint x = 0; x < 6; x++)
      {
        guint32 want = ct_in (x, y, 1, 1, 5, 5) ? frame[((y - 1) / 2) * 2 + (x - 1) / 2] : 0;

        g_assert_cmphex (ct_get (canvas, 0, x, y) & 0xffffff, ==, want);
      }
  /* Bottom-up, clipped to rows 0..2: row 1 and 2 show the frame's last row. */
  g_assert_true (tether_spice_canvas_put_frame (canvas, 0, &dest, &clip, (const guint8 *) frame, 8, 2, 2,
                                                FALSE, &error));
  for (guint x = 1; x < 5; x++)
    {
      g_assert_cmphex (ct_get (canvas, 0, x, 1) & 0xffffff, ==, frame[2 + (x - 1) / 2]);
      g_assert_cmphex (ct_get (canvas, 0, x, 2) & 0xffffff, ==, frame[2 + (x - 1) / 2]);
      g_assert_cmphex (ct_get (canvas, 0, x, 3) & 0xffffff, ==, frame[2 + (x - 1) / 2]);
    }
  /* A missing surface is no error; a bad frame is. */
  g_assert_true (tether_spice_canvas_put_frame (canvas, 3, &dest, NULL, (const guint8 *) frame, 8, 2, 2,
                                                TRUE, &error));
  g_assert_false (tether_spice_canvas_put_frame (canvas, 0, &dest, NULL, (const guint8 *) frame, 4, 2, 2,
                                                 TRUE, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

/* A draw on a missing surface draws nothing, but still caches its image. */
static void
test_missing_surface (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  guint32 img[4] = { 1, 2, 3, 4 };
  TMsg msg;
  gsize src;
  g_autoptr(GBytes) b = NULL;
  TetherSpiceRect damage;
  g_autoptr(GError) error = NULL;

  tm_init (&msg);
  base_clip (&msg, 42, (R) { 0, 0, 2, 2 }, NULL, -1);
  src = tm_ptr (&msg);
  tm_rect (&msg, 0, 0, 2, 2);
  tm_u16 (&msg, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&msg, 0);
  no_mask (&msg);
  tm_here (&msg, src);
  tm_bitmap32 (&msg, 4242, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 2, 2, img);
  b = tm_finish (&msg);
  g_assert_true (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, b, &damage, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (damage.right, ==, 0);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (tether_spice_canvas_get_image_cache (canvas), 4242), ==, 1);
  for (guint i = 0; i < 16; i++)
    g_assert_cmpuint (ct_get (canvas, 0, i % 4, i / 4), ==, 0);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/canvas/surfaces", test_surfaces);
  g_test_add_func ("/spice/canvas/fill/clip", test_fill_clip);
  g_test_add_func ("/spice/canvas/fill/rops", test_fill_rops);
  g_test_add_func ("/spice/canvas/fill/pattern", test_fill_pattern);
  g_test_add_func ("/spice/canvas/fill/mask", test_fill_mask);
  g_test_add_func ("/spice/canvas/copy/plain", test_copy);
  g_test_add_func ("/spice/canvas/copy/rops", test_copy_rops);
  g_test_add_func ("/spice/canvas/copy/scaled", test_copy_scaled);
  g_test_add_func ("/spice/canvas/copy/surface", test_copy_from_surface);
  g_test_add_func ("/spice/canvas/copy-bits", test_copy_bits);
  g_test_add_func ("/spice/canvas/opaque", test_opaque);
  g_test_add_func ("/spice/canvas/blackness-whiteness-invers", test_blackness_whiteness_invers);
  g_test_add_func ("/spice/canvas/rop3", test_rop3);
  g_test_add_func ("/spice/canvas/stroke/lines", test_stroke_lines);
  g_test_add_func ("/spice/canvas/stroke/closed-xor", test_stroke_closed_xor);
  g_test_add_func ("/spice/canvas/stroke/dashes", test_stroke_dashes);
  g_test_add_func ("/spice/canvas/stroke/clip-bezier", test_stroke_clip_bezier);
  g_test_add_func ("/spice/canvas/text", test_text);
  g_test_add_func ("/spice/canvas/transparent", test_transparent);
  g_test_add_func ("/spice/canvas/alpha-blend", test_alpha_blend);
  g_test_add_func ("/spice/canvas/composite", test_composite);
  g_test_add_func ("/spice/canvas/other-formats", test_other_formats);
  g_test_add_func ("/spice/canvas/put-frame", test_put_frame);
  g_test_add_func ("/spice/canvas/missing-surface", test_missing_surface);
  return g_test_run ();
}
