/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Helpers for the canvas tests: a canvas with one surface, raw pixel
 * access, and a model of the surface (a plain array) to compute expected
 * pixels with loops of the test's own.
 */

#include <string.h>

#include "tether-spice-canvas-private.h"
#include "spice-display-test.h"
#include "tether-test-utils.h"

static inline TetherSpiceCanvas *
ct_canvas (guint32 surface_id, guint w, guint h, TetherSpiceSurfaceFmt format)
{
  TetherSpiceCanvas *canvas = tether_spice_canvas_new (NULL, NULL);
  TetherSpiceMsgSurfaceCreate create = { surface_id, w, h, format, TETHER_SPICE_SURFACE_FLAG_PRIMARY };
  GError *error = NULL;

  g_assert_true (tether_spice_canvas_create_surface (canvas, &create, &error));
  g_assert_no_error (error);
  return canvas;
}

static inline void
ct_add_surface (TetherSpiceCanvas *canvas, guint32 id, guint w, guint h, TetherSpiceSurfaceFmt format)
{
  TetherSpiceMsgSurfaceCreate create = { id, w, h, format, 0 };
  GError *error = NULL;

  g_assert_true (tether_spice_canvas_create_surface (canvas, &create, &error));
  g_assert_no_error (error);
}

static inline guint
ct_bpp (TetherSpiceSurfaceFmt format)
{
  switch (format)
    {
    case TETHER_SPICE_SURFACE_FMT_16_555:
    case TETHER_SPICE_SURFACE_FMT_16_565:
      return 2;
    case TETHER_SPICE_SURFACE_FMT_8_A:
      return 1;
    default:
      return 4;
    }
}

static inline guint32
ct_get (TetherSpiceCanvas *canvas, guint32 id, guint x, guint y)
{
  TetherSpiceSurfaceInfo info;
  const guint8 *row;

  g_assert_true (tether_spice_canvas_get_surface (canvas, id, &info));
  g_assert_cmpuint (x, <, info.width);
  g_assert_cmpuint (y, <, info.height);
  row = info.data + (gsize) y * info.stride;
  switch (ct_bpp (info.format))
    {
    case 4: { guint32 v; memcpy (&v, row + 4 * x, 4); return v; }
    case 2: { guint16 v; memcpy (&v, row + 2 * x, 2); return v; }
    default: return row[x];
    }
}

static inline void
ct_set (TetherSpiceCanvas *canvas, guint32 id, guint x, guint y, guint32 v)
{
  TetherSpiceSurfaceInfo info;
  guint8 *row;

  g_assert_true (tether_spice_canvas_get_surface (canvas, id, &info));
  row = info.data + (gsize) y * info.stride;
  switch (ct_bpp (info.format))
    {
    case 4: memcpy (row + 4 * x, &v, 4); break;
    case 2: { guint16 s = (guint16) v; memcpy (row + 2 * x, &s, 2); } break;
    default: row[x] = (guint8) v; break;
    }
}

/* A model of a surface: w × h raw pixel values. */
typedef struct {
  guint     w;
  guint     h;
  guint32  *px;
  guint32   compare_mask;   /* bits that matter (xRGB: not the top byte) */
} CtModel;

static inline CtModel *
ct_model_new (guint w, guint h, TetherSpiceSurfaceFmt format)
{
  CtModel *m = g_new0 (CtModel, 1);

  m->w = w;
  m->h = h;
  m->px = g_new0 (guint32, (gsize) w * h);
  m->compare_mask = format == TETHER_SPICE_SURFACE_FMT_32_xRGB ? 0x00ffffffu :
                    ct_bpp (format) == 4 ? 0xffffffffu : ct_bpp (format) == 2 ? 0xffffu : 0xffu;
  return m;
}

static inline void
ct_model_free (CtModel *m)
{
  g_free (m->px);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtModel, ct_model_free)

static inline guint32 *
ct_at (CtModel *m, guint x, guint y)
{
  return &m->px[(gsize) y * m->w + x];
}

/* Fills surface and model with a varied, deterministic pattern. */
static inline void
ct_fill_pattern (TetherSpiceCanvas *canvas, guint32 id, CtModel *m, guint32 seed)
{
  guint32 mask = m->compare_mask == 0x00ffffffu ? 0xffffffffu : m->compare_mask;

  for (guint y = 0; y < m->h; y++)
    for (guint x = 0; x < m->w; x++)
      {
        guint32 v = (x * 0x1f3d5b79u + y * 0x9e3779b9u + seed * 0x85ebca6bu) ^ (seed << 7);

        v &= mask;
        *ct_at (m, x, y) = v;
        ct_set (canvas, id, x, y, v);
      }
}

/* Every pixel of the surface equals the model's (within compare_mask). */
static inline void
ct_assert_model (TetherSpiceCanvas *canvas, guint32 id, const CtModel *m, const char *what)
{
  for (guint y = 0; y < m->h; y++)
    for (guint x = 0; x < m->w; x++)
      {
        guint32 got = ct_get (canvas, id, x, y) & m->compare_mask;
        guint32 want = m->px[(gsize) y * m->w + x] & m->compare_mask;

        if (got != want)
          g_error ("%s: pixel (%u,%u) is 0x%08x, expected 0x%08x", what, x, y, got, want);
      }
}

/* Decodes @b as @type and draws it; returns the result, *error as set. */
static inline gboolean
ct_draw_full (TetherSpiceCanvas *canvas, guint16 type, GBytes *b, TetherSpiceRect *damage,
              TetherSpiceImageWait *wait, GError **error)
{
  TetherSpiceDrawMsg msg;
  gboolean ok;
  GError *local = NULL;

  if (!tether_spice_msg_display_draw_decode (type, b, &msg, &local))
    g_error ("test message of type %u does not decode: %s", type, local->message);
  ok = tether_spice_canvas_draw (canvas, &msg, damage, wait, error);
  tether_spice_draw_msg_clear (&msg);
  return ok;
}

static inline void
ct_draw (TetherSpiceCanvas *canvas, guint16 type, GBytes *b)
{
  GError *error = NULL;

  if (!ct_draw_full (canvas, type, b, NULL, NULL, &error))
    g_error ("drawing type %u failed: %s", type, error->message);
}

/* Is (x, y) inside [left, right) × [top, bottom)? */
static inline gboolean
ct_in (gint64 x, gint64 y, gint64 left, gint64 top, gint64 right, gint64 bottom)
{
  return x >= left && x < right && y >= top && y < bottom;
}
