/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-writer-private.h"

/* The buffer is made on the first write, so a writer that was stolen from
 * (or never written) holds no memory and needs no clear. */
static GByteArray *
buf (TetherWriter *w)
{
  if (w->buf == NULL)
    w->buf = g_byte_array_new ();
  return w->buf;
}

void
tether_writer_init (TetherWriter *w)
{
  w->buf = NULL;
}

void
tether_writer_clear (TetherWriter *w)
{
  g_clear_pointer (&w->buf, g_byte_array_unref);
}

gsize
tether_writer_len (const TetherWriter *w)
{
  return w->buf != NULL ? w->buf->len : 0;
}

const guint8 *
tether_writer_data (const TetherWriter *w)
{
  return w->buf != NULL ? w->buf->data : NULL;
}

void
tether_writer_bytes (TetherWriter *w, const void *data, gsize n)
{
  g_return_if_fail (n <= G_MAXUINT - tether_writer_len (w));
  if (n > 0)
    g_byte_array_append (buf (w), data, (guint) n);
}

void
tether_writer_zeros (TetherWriter *w, gsize n)
{
  guint old = (guint) tether_writer_len (w);

  g_return_if_fail (n <= G_MAXUINT - old);
  g_byte_array_set_size (buf (w), old + (guint) n);
  if (n > 0)
    memset (w->buf->data + old, 0, n);
}

void
tether_writer_u8 (TetherWriter *w, guint8 v)
{
  tether_writer_bytes (w, &v, 1);
}

static void
put_le (guint8 *p, guint64 v, int n)
{
  for (int i = 0; i < n; i++, v >>= 8)
    p[i] = (guint8) (v & 0xff);
}

static void
put_be (guint8 *p, guint64 v, int n)
{
  for (int i = n - 1; i >= 0; i--, v >>= 8)
    p[i] = (guint8) (v & 0xff);
}

void
tether_writer_u16_le (TetherWriter *w, guint16 v)
{
  guint8 b[2];

  put_le (b, v, 2);
  tether_writer_bytes (w, b, 2);
}

void
tether_writer_u32_le (TetherWriter *w, guint32 v)
{
  guint8 b[4];

  put_le (b, v, 4);
  tether_writer_bytes (w, b, 4);
}

void
tether_writer_u64_le (TetherWriter *w, guint64 v)
{
  guint8 b[8];

  put_le (b, v, 8);
  tether_writer_bytes (w, b, 8);
}

void
tether_writer_u16_be (TetherWriter *w, guint16 v)
{
  guint8 b[2];

  put_be (b, v, 2);
  tether_writer_bytes (w, b, 2);
}

void
tether_writer_u32_be (TetherWriter *w, guint32 v)
{
  guint8 b[4];

  put_be (b, v, 4);
  tether_writer_bytes (w, b, 4);
}

void
tether_writer_u64_be (TetherWriter *w, guint64 v)
{
  guint8 b[8];

  put_be (b, v, 8);
  tether_writer_bytes (w, b, 8);
}

void
tether_writer_i32_le (TetherWriter *w, gint32 v)
{
  tether_writer_u32_le (w, (guint32) v);
}

gsize
tether_writer_reserve_u16 (TetherWriter *w)
{
  gsize at = tether_writer_len (w);

  tether_writer_zeros (w, 2);
  return at;
}

gsize
tether_writer_reserve_u32 (TetherWriter *w)
{
  gsize at = tether_writer_len (w);

  tether_writer_zeros (w, 4);
  return at;
}

void
tether_writer_patch_u16_le (TetherWriter *w, gsize at, guint16 v)
{
  gsize len = tether_writer_len (w);

  g_return_if_fail (at <= len && len - at >= 2);
  put_le (w->buf->data + at, v, 2);
}

void
tether_writer_patch_u32_le (TetherWriter *w, gsize at, guint32 v)
{
  gsize len = tether_writer_len (w);

  g_return_if_fail (at <= len && len - at >= 4);
  put_le (w->buf->data + at, v, 4);
}

void
tether_writer_patch_u32_be (TetherWriter *w, gsize at, guint32 v)
{
  gsize len = tether_writer_len (w);

  g_return_if_fail (at <= len && len - at >= 4);
  put_be (w->buf->data + at, v, 4);
}

GBytes *
tether_writer_steal_bytes (TetherWriter *w)
{
  GByteArray *array = buf (w);

  w->buf = NULL;
  return g_byte_array_free_to_bytes (array);
}
