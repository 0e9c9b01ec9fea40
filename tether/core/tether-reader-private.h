/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TetherReader: a read-only, bounds-checked cursor over untrusted bytes.
 *
 * It never owns the data. Every read goes through one check written in the
 * subtraction form (`len - pos < n`), so no pointer past the buffer is ever
 * formed, and `pos <= len` always holds. The error is sticky: after the first
 * failed read every read fails and yields zero, so a parser may read all its
 * fields and check once, with tether_reader_finish().
 */
typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;        /* invariant: pos <= len */
  gboolean      failed;     /* sticky */
  gsize         fail_pos;   /* where the first failure happened */
  gsize         fail_need;  /* how many bytes that read wanted (0: not a short read) */
  const char   *fail_why;   /* static text for a failure set by the parser */
} TetherReader;

void     tether_reader_init      (TetherReader *r, const guint8 *data, gsize len);
void     tether_reader_init_bytes (TetherReader *r, GBytes *bytes);

static inline gsize
tether_reader_remaining (const TetherReader *r)
{
  return r->failed ? 0 : r->len - r->pos;
}

static inline gsize
tether_reader_offset (const TetherReader *r)
{
  return r->pos;
}

static inline gboolean
tether_reader_failed (const TetherReader *r)
{
  return r->failed;
}

/* Marks the reader failed on a semantic error found by the parser (a value
 * out of range, say); @why must be a static string. Returns FALSE. */
gboolean tether_reader_fail      (TetherReader *r, const char *why);

gboolean tether_reader_u8        (TetherReader *r, guint8  *out);
gboolean tether_reader_u16_le    (TetherReader *r, guint16 *out);
gboolean tether_reader_u32_le    (TetherReader *r, guint32 *out);
gboolean tether_reader_u64_le    (TetherReader *r, guint64 *out);
gboolean tether_reader_u16_be    (TetherReader *r, guint16 *out);
gboolean tether_reader_u32_be    (TetherReader *r, guint32 *out);
gboolean tether_reader_u64_be    (TetherReader *r, guint64 *out);
gboolean tether_reader_i32_le    (TetherReader *r, gint32  *out);
gboolean tether_reader_skip      (TetherReader *r, gsize n);
/* Borrows the next n bytes; valid while the underlying buffer lives. */
gboolean tether_reader_borrow    (TetherReader *r, gsize n, const guint8 **out);
/* Copies the next n bytes into @dest (zero-filled on failure). */
gboolean tether_reader_copy      (TetherReader *r, gsize n, void *dest);
/* A child over the next n bytes; the parent moves past them. */
gboolean tether_reader_sub       (TetherReader *r, gsize n, TetherReader *child);
/* A child over n bytes at an absolute offset into r's whole buffer (SPICE's
 * "offset from message start"); r's position does not move. A bad offset
 * fails r too, so the parser's final check sees it. */
gboolean tether_reader_at        (TetherReader *r, guint64 offset, gsize n, TetherReader *child);
/* Could `count` elements of at least `min_size` bytes each still follow?
 * Fails the reader if not. Use before allocating for a count from the wire. */
gboolean tether_reader_can_hold  (TetherReader *r, guint64 count, gsize min_size);
/* The single final check: a failure, or trailing bytes when @exact, becomes a
 * G_IO_ERROR_INVALID_DATA error that says where and why. */
gboolean tether_reader_finish    (const TetherReader *r, gboolean exact, GError **error);
/* The same, with the caller's error domain and code. */
gboolean tether_reader_finish_full (const TetherReader *r, gboolean exact,
                                    GQuark domain, gint code, GError **error);

G_END_DECLS
