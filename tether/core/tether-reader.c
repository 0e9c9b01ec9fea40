/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-reader-private.h"

void
tether_reader_init (TetherReader *r, const guint8 *data, gsize len)
{
  /* Stands in for a NULL buffer (an empty GBytes has one), so that no
   * offset is ever added to a NULL pointer, and a successful borrow of 0
   * bytes never yields NULL. */
  static const guint8 empty[1];

  memset (r, 0, sizeof *r);
  /* A NULL buffer is only valid when empty. */
  r->data = data != NULL ? data : empty;
  r->len = data != NULL ? len : 0;
}

void
tether_reader_init_bytes (TetherReader *r, GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  tether_reader_init (r, data, len);
}

static gboolean
set_failed (TetherReader *r, gsize need, const char *why)
{
  if (!r->failed)
    {
      r->failed = TRUE;
      r->fail_pos = r->pos;
      r->fail_need = need;
      r->fail_why = why;
    }
  return FALSE;
}

gboolean
tether_reader_fail (TetherReader *r, const char *why)
{
  return set_failed (r, 0, why);
}

/* The one check every read goes through. */
static inline gboolean
take (TetherReader *r, gsize n, const guint8 **p)
{
  if (r->failed || r->len - r->pos < n)
    {
      *p = NULL;
      return set_failed (r, n, NULL);
    }
  *p = r->data + r->pos;
  r->pos += n;
  return TRUE;
}

gboolean
tether_reader_u8 (TetherReader *r, guint8 *out)
{
  const guint8 *p;

  if (!take (r, 1, &p))
    return (*out = 0, FALSE);
  *out = p[0];
  return TRUE;
}

gboolean
tether_reader_u16_le (TetherReader *r, guint16 *out)
{
  const guint8 *p;

  if (!take (r, 2, &p))
    return (*out = 0, FALSE);
  *out = (guint16) (p[0] | p[1] << 8);
  return TRUE;
}

gboolean
tether_reader_u32_le (TetherReader *r, guint32 *out)
{
  const guint8 *p;

  if (!take (r, 4, &p))
    return (*out = 0, FALSE);
  *out = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
  return TRUE;
}

gboolean
tether_reader_u64_le (TetherReader *r, guint64 *out)
{
  const guint8 *p;
  guint64 v = 0;

  if (!take (r, 8, &p))
    return (*out = 0, FALSE);
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  *out = v;
  return TRUE;
}

gboolean
tether_reader_u16_be (TetherReader *r, guint16 *out)
{
  const guint8 *p;

  if (!take (r, 2, &p))
    return (*out = 0, FALSE);
  *out = (guint16) (p[0] << 8 | p[1]);
  return TRUE;
}

gboolean
tether_reader_u32_be (TetherReader *r, guint32 *out)
{
  const guint8 *p;

  if (!take (r, 4, &p))
    return (*out = 0, FALSE);
  *out = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | (guint32) p[3];
  return TRUE;
}

gboolean
tether_reader_u64_be (TetherReader *r, guint64 *out)
{
  const guint8 *p;
  guint64 v = 0;

  if (!take (r, 8, &p))
    return (*out = 0, FALSE);
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  *out = v;
  return TRUE;
}

gboolean
tether_reader_i32_le (TetherReader *r, gint32 *out)
{
  guint32 u;
  gboolean ok = tether_reader_u32_le (r, &u);

  /* Two's complement without relying on implementation-defined conversion. */
  *out = u <= G_MAXINT32 ? (gint32) u : (gint32) (u - G_MAXINT32 - 1) + G_MININT32;
  return ok;
}

gboolean
tether_reader_skip (TetherReader *r, gsize n)
{
  const guint8 *p;

  return take (r, n, &p);
}

gboolean
tether_reader_borrow (TetherReader *r, gsize n, const guint8 **out)
{
  return take (r, n, out);
}

gboolean
tether_reader_copy (TetherReader *r, gsize n, void *dest)
{
  const guint8 *p;

  if (!take (r, n, &p))
    {
      if (n > 0)
        memset (dest, 0, n);
      return FALSE;
    }
  if (n > 0)
    memcpy (dest, p, n);
  return TRUE;
}

/* A child made from a failed parent carries the parent's failure. */
static void
init_failed_child (TetherReader *child, const TetherReader *parent)
{
  tether_reader_init (child, NULL, 0);
  child->failed = TRUE;
  child->fail_pos = parent->fail_pos;
  child->fail_need = parent->fail_need;
  child->fail_why = parent->fail_why;
}

gboolean
tether_reader_sub (TetherReader *r, gsize n, TetherReader *child)
{
  const guint8 *p;

  if (!take (r, n, &p))
    {
      init_failed_child (child, r);
      return FALSE;
    }
  tether_reader_init (child, p, n);
  return TRUE;
}

gboolean
tether_reader_at (TetherReader *r, guint64 offset, gsize n, TetherReader *child)
{
  if (r->failed || offset > r->len || r->len - (gsize) offset < n)
    {
      set_failed (r, 0, "offset out of range");
      init_failed_child (child, r);
      return FALSE;
    }
  tether_reader_init (child, r->data + offset, n);
  return TRUE;
}

gboolean
tether_reader_can_hold (TetherReader *r, guint64 count, gsize min_size)
{
  if (r->failed)
    return FALSE;
  if (min_size == 0)
    return TRUE;
  if (count > (guint64) ((r->len - r->pos) / min_size))
    return set_failed (r, 0, "element count larger than the data");
  return TRUE;
}

gboolean
tether_reader_finish_full (const TetherReader *r, gboolean exact,
                           GQuark domain, gint code, GError **error)
{
  if (r->failed)
    {
      if (r->fail_why != NULL)
        g_set_error (error, domain, code, "%s at byte %" G_GSIZE_FORMAT,
                     r->fail_why, r->fail_pos);
      else
        g_set_error (error, domain, code,
                     "truncated data: %" G_GSIZE_FORMAT " bytes wanted at byte %"
                     G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT,
                     r->fail_need, r->fail_pos, r->len);
      return FALSE;
    }
  if (exact && r->pos != r->len)
    {
      g_set_error (error, domain, code,
                   "%" G_GSIZE_FORMAT " unexpected trailing bytes at byte %" G_GSIZE_FORMAT,
                   r->len - r->pos, r->pos);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_reader_finish (const TetherReader *r, gboolean exact, GError **error)
{
  return tether_reader_finish_full (r, exact, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, error);
}
