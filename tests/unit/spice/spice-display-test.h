/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Building display messages field by field for the tests, written from
 * docs/spice-protocol.md §7 (not from the decoder): little-endian fields,
 * pointers as u32 offsets from the start of the body, patched once the
 * pointed-to data is appended.
 */

#include <string.h>

#include <glib.h>

typedef struct {
  GByteArray *b;
} TMsg;

static inline void
tm_init (TMsg *m)
{
  m->b = g_byte_array_new ();
}

static inline void
tm_u8 (TMsg *m, guint8 v)
{
  g_byte_array_append (m->b, &v, 1);
}

static inline void
tm_u16 (TMsg *m, guint16 v)
{
  guint8 p[2] = { v & 0xff, v >> 8 };

  g_byte_array_append (m->b, p, 2);
}

static inline void
tm_u32 (TMsg *m, guint32 v)
{
  guint8 p[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (m->b, p, 4);
}

static inline void
tm_i32 (TMsg *m, gint32 v)
{
  tm_u32 (m, (guint32) v);
}

static inline void
tm_u64 (TMsg *m, guint64 v)
{
  tm_u32 (m, (guint32) v);
  tm_u32 (m, (guint32) (v >> 32));
}

static inline void
tm_bytes (TMsg *m, const void *data, gsize n)
{
  g_byte_array_append (m->b, data, (guint) n);
}

static inline gsize
tm_len (const TMsg *m)
{
  return m->b->len;
}

/* A u32 pointer to be patched; returns where it is. */
static inline gsize
tm_ptr (TMsg *m)
{
  gsize at = m->b->len;

  tm_u32 (m, 0xdeadbeef);
  return at;
}

static inline void
tm_set_u32 (TMsg *m, gsize at, guint32 v)
{
  m->b->data[at] = v & 0xff;
  m->b->data[at + 1] = (v >> 8) & 0xff;
  m->b->data[at + 2] = (v >> 16) & 0xff;
  m->b->data[at + 3] = v >> 24;
}

/* Points the pointer at @at to the current end (where the next data goes). */
static inline void
tm_here (TMsg *m, gsize at)
{
  tm_set_u32 (m, at, m->b->len);
}

/* Rect: top, left, bottom, right. */
static inline void
tm_rect (TMsg *m, gint32 left, gint32 top, gint32 right, gint32 bottom)
{
  tm_i32 (m, top);
  tm_i32 (m, left);
  tm_i32 (m, bottom);
  tm_i32 (m, right);
}

static inline void
tm_point (TMsg *m, gint32 x, gint32 y)
{
  tm_i32 (m, x);
  tm_i32 (m, y);
}

/* DisplayBase without a clip. */
static inline void
tm_base (TMsg *m, guint32 surface_id, gint32 left, gint32 top, gint32 right, gint32 bottom)
{
  tm_u32 (m, surface_id);
  tm_rect (m, left, top, right, bottom);
  tm_u8 (m, 0);   /* CLIP_NONE */
}

static inline GBytes *
tm_finish (TMsg *m)
{
  GBytes *bytes = g_byte_array_free_to_bytes (m->b);

  m->b = NULL;
  return bytes;
}

/* Image descriptor: id, type, flags, width, height. */
static inline void
tm_descriptor (TMsg *m, guint64 id, guint8 type, guint8 flags, guint32 w, guint32 h)
{
  tm_u64 (m, id);
  tm_u8 (m, type);
  tm_u8 (m, flags);
  tm_u32 (m, w);
  tm_u32 (m, h);
}

/* A 32BIT (B, G, R, X) top-down bitmap image from 0x00RRGGBB pixels. */
static inline void
tm_bitmap32 (TMsg *m, guint64 id, guint8 flags, guint32 w, guint32 h, const guint32 *pixels)
{
  tm_descriptor (m, id, 0 /* BITMAP */, flags, w, h);
  tm_u8 (m, 8);       /* 32BIT */
  tm_u8 (m, 1u << 2); /* TOP_DOWN */
  tm_u32 (m, w);
  tm_u32 (m, h);
  tm_u32 (m, w * 4);
  tm_u32 (m, 0);      /* no palette */
  for (guint i = 0; i < w * h; i++)
    {
      guint8 p[4] = { pixels[i] & 0xff, (pixels[i] >> 8) & 0xff, (pixels[i] >> 16) & 0xff, 0 };

      tm_bytes (m, p, 4);
    }
}

/* A 1-bit top-down bitmap (1BIT_BE, bit 7 leftmost), from 0/1 values, with
 * no palette (a mask). */
static inline void
tm_mask_bitmap (TMsg *m, guint64 id, guint8 flags, guint32 w, guint32 h, const guint8 *bits)
{
  guint32 stride = (w + 7) / 8;

  tm_descriptor (m, id, 0, flags, w, h);
  tm_u8 (m, 2);       /* 1BIT_BE */
  tm_u8 (m, 1u << 2); /* TOP_DOWN */
  tm_u32 (m, w);
  tm_u32 (m, h);
  tm_u32 (m, stride);
  tm_u32 (m, 0);
  for (guint y = 0; y < h; y++)
    for (guint bx = 0; bx < stride; bx++)
      {
        guint8 byte = 0;

        for (guint k = 0; k < 8; k++)
          if (bx * 8 + k < w && bits[y * w + bx * 8 + k])
            byte |= 0x80 >> k;
        tm_u8 (m, byte);
      }
}
