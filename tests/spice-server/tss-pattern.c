/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tss-pattern.c: deterministic synthetic pictures.
 *
 * Every pixel is a pure function of (pattern, seed, frame, x, y), written
 * down in tests/spice-server/README.md so that tests can compute the
 * expected picture on their own. Pixels are xRGB: 0x00RRGGBB, which is the
 * byte order B, G, R, X in memory (SPICE_SURFACE_FMT_32_xRGB and
 * SPICE_BITMAP_FMT_32BIT). Frame 0 is the initial picture; frames 1, 2, …
 * are the updates. */
#include "config.h"

#include <string.h>

#include "tss.h"

#define TILE_SHIFT 5            /* static: 32 x 32 tiles */
#define BAR_COUNT 8u            /* moving-bars: colours */
#define BAR_STEP 4u             /* moving-bars: pixels per frame */
#define CELL_WIDTH 8u           /* text: character cell */
#define CELL_HEIGHT 16u
#define CELLS_PER_FRAME 16u     /* text: characters written per frame */
#define TEXT_BACKGROUND 0x101820u

static const guint32 text_colours[4] = { 0xd0d0d0u, 0x80ff80u, 0xffd060u, 0x60c0ffu };

struct _TssPattern {
  TssPatternKind kind;
  guint32 seed;
  guint width;
  guint height;
  guint64 frame;
  guint32 *pixels;
};

static const struct {
  const char *name;
  TssPatternKind kind;
} pattern_names[] = {
  { "static", TSS_PATTERN_STATIC },
  { "moving-bars", TSS_PATTERN_MOVING_BARS },
  { "noise", TSS_PATTERN_NOISE },
  { "text", TSS_PATTERN_TEXT },
  { "gradient", TSS_PATTERN_GRADIENT },
};

gboolean
tss_pattern_kind_from_string (const char *name, TssPatternKind *kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pattern_names); i++)
    if (g_str_equal (pattern_names[i].name, name))
      {
        *kind = pattern_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

const char *
tss_pattern_kind_to_string (TssPatternKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pattern_names); i++)
    if (pattern_names[i].kind == kind)
      return pattern_names[i].name;
  return "unknown";
}

/* A 32-bit integer mixer (xor-shift-multiply rounds); all arithmetic is
 * modulo 2^32. */
static inline guint32
mix32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

guint32
tss_hash3 (guint32 a, guint32 b, guint32 c)
{
  return mix32 (a ^ mix32 (b ^ mix32 (c + 0x9e3779b9u)));
}

static inline guint32
static_pixel (guint32 seed, guint x, guint y)
{
  guint32 h = tss_hash3 (seed, x >> TILE_SHIFT, y >> TILE_SHIFT);
  guint32 r = ((h >> 16) & 0xffu) ^ (x & 0x1fu);
  guint32 g = ((h >> 8) & 0xffu) ^ (y & 0x1fu);
  guint32 b = h & 0xffu;

  return (r << 16) | (g << 8) | b;
}

static void
draw_static (TssPattern *p)
{
  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      p->pixels[(gsize) y * p->width + x] = static_pixel (p->seed, x, y);
}

/* Diagonal bars of BAR_COUNT seeded colours, moving BAR_STEP pixels a frame. */
static void
draw_moving_bars (TssPattern *p)
{
  guint32 colours[BAR_COUNT];
  guint bar_width = MAX (p->width / BAR_COUNT, 1u);
  guint64 shift = p->frame * BAR_STEP;

  for (guint i = 0; i < BAR_COUNT; i++)
    colours[i] = tss_hash3 (p->seed, i, 0xba25u) & 0xffffffu;
  for (guint y = 0; y < p->height; y++)
    {
      guint32 *row = p->pixels + (gsize) y * p->width;
      for (guint x = 0; x < p->width; x++)
        row[x] = colours[((x + y + shift) / bar_width) % BAR_COUNT];
    }
}

static void
draw_noise (TssPattern *p)
{
  guint32 key = p->seed + (guint32) p->frame * 0x9e3779b9u;

  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      p->pixels[(gsize) y * p->width + x] = tss_hash3 (key, x, y) & 0xffffffu;
}

/* Ramps that change by one level per pixel and scroll through their
 * colours: neighbours differ a little everywhere, which spice-server rates
 * as photograph-like (its automatic modes pick QUIC for it). */
static void
draw_gradient (TssPattern *p)
{
  guint32 f = (guint32) p->frame;

  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      {
        guint32 r = (x + f) & 0xffu;
        guint32 g = (y + 2 * f) & 0xffu;
        guint32 b = ((x + y) / 2 + 3 * f) & 0xffu;
        p->pixels[(gsize) y * p->width + x] = (r << 16) | (g << 8) | b;
      }
}

/* Text: a terminal filling up with made-up glyphs, CELLS_PER_FRAME
 * characters per frame, row by row, starting over at the top. Returns the
 * cells written as a rectangle. */
static void
draw_text_frame (TssPattern *p, TssRect *dirty)
{
  guint cols = p->width / CELL_WIDTH, rows = p->height / CELL_HEIGHT;
  guint chunks_per_row = (cols + CELLS_PER_FRAME - 1) / CELLS_PER_FRAME;
  guint32 f = (guint32) p->frame;
  guint64 index = (p->frame - 1) % ((guint64) rows * chunks_per_row);
  guint row = index / chunks_per_row;
  guint col0 = (index % chunks_per_row) * CELLS_PER_FRAME;
  guint ncols = MIN (CELLS_PER_FRAME, cols - col0);

  for (guint c = col0; c < col0 + ncols; c++)
    {
      guint32 ch = tss_hash3 (p->seed, f, c) % 96u;   /* 0 is a space */
      guint32 fg = text_colours[tss_hash3 (p->seed, f, c + 0x1000u) & 3u];

      for (guint gy = 0; gy < CELL_HEIGHT; gy++)
        {
          guint32 bits = tss_hash3 (p->seed ^ 0x7e47u, ch, gy);
          guint32 *dst = p->pixels + (gsize) (row * CELL_HEIGHT + gy) * p->width + c * CELL_WIDTH;
          for (guint gx = 0; gx < CELL_WIDTH; gx++)
            {
              gboolean on = ch != 0 && gy >= 3 && gy <= 12 && gx >= 1 && gx <= 6
                            && ((bits >> gx) & 1u);
              dst[gx] = on ? fg : TEXT_BACKGROUND;
            }
        }
    }
  *dirty = (TssRect) { col0 * CELL_WIDTH, row * CELL_HEIGHT, ncols * CELL_WIDTH, CELL_HEIGHT };
}

TssPattern *
tss_pattern_new (TssPatternKind kind, guint32 seed, guint width, guint height)
{
  TssPattern *p;

  g_return_val_if_fail (width >= TSS_MIN_DIMENSION && width <= TSS_MAX_DIMENSION, NULL);
  g_return_val_if_fail (height >= TSS_MIN_DIMENSION && height <= TSS_MAX_DIMENSION, NULL);

  p = g_new0 (TssPattern, 1);
  p->kind = kind;
  p->seed = seed;
  p->width = width;
  p->height = height;
  p->pixels = g_new (guint32, (gsize) width * height);
  switch (kind)
    {
    case TSS_PATTERN_STATIC: draw_static (p); break;
    case TSS_PATTERN_MOVING_BARS: draw_moving_bars (p); break;
    case TSS_PATTERN_NOISE: draw_noise (p); break;
    case TSS_PATTERN_GRADIENT: draw_gradient (p); break;
    case TSS_PATTERN_TEXT:
      for (gsize i = 0; i < (gsize) width * height; i++)
        p->pixels[i] = TEXT_BACKGROUND;
      break;
    default:
      g_assert_not_reached ();
    }
  return p;
}

void
tss_pattern_free (TssPattern *pattern)
{
  if (pattern == NULL)
    return;
  g_free (pattern->pixels);
  g_free (pattern);
}

const guint32 *
tss_pattern_get_pixels (const TssPattern *pattern)
{
  return pattern->pixels;
}

guint64
tss_pattern_get_frame (const TssPattern *pattern)
{
  return pattern->frame;
}

gboolean
tss_pattern_next_frame (TssPattern *p, TssRect *dirty)
{
  TssRect all = { 0, 0, p->width, p->height };

  switch (p->kind)
    {
    case TSS_PATTERN_STATIC:
      return FALSE;
    case TSS_PATTERN_MOVING_BARS:
      p->frame++;
      draw_moving_bars (p);
      break;
    case TSS_PATTERN_NOISE:
      p->frame++;
      draw_noise (p);
      break;
    case TSS_PATTERN_GRADIENT:
      p->frame++;
      draw_gradient (p);
      break;
    case TSS_PATTERN_TEXT:
      p->frame++;
      draw_text_frame (p, &all);
      break;
    default:
      g_assert_not_reached ();
    }
  *dirty = all;
  return TRUE;
}
