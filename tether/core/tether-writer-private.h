/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TetherWriter: encodes a message field by field into a growing buffer.
 * C structs are never copied onto the wire. Length fields are reserved first
 * and patched once the size is known. The buffer is made on the first
 * write; after tether_writer_steal_bytes() the writer holds nothing, so
 * clearing it is needed only when bytes were written and not stolen.
 */
typedef struct {
  GByteArray *buf;
} TetherWriter;

void       tether_writer_init        (TetherWriter *w);
void       tether_writer_clear       (TetherWriter *w);
gsize      tether_writer_len         (const TetherWriter *w);
const guint8 *tether_writer_data     (const TetherWriter *w);

void       tether_writer_u8          (TetherWriter *w, guint8 v);
void       tether_writer_u16_le      (TetherWriter *w, guint16 v);
void       tether_writer_u32_le      (TetherWriter *w, guint32 v);
void       tether_writer_u64_le      (TetherWriter *w, guint64 v);
void       tether_writer_u16_be      (TetherWriter *w, guint16 v);
void       tether_writer_u32_be      (TetherWriter *w, guint32 v);
void       tether_writer_u64_be      (TetherWriter *w, guint64 v);
void       tether_writer_i32_le      (TetherWriter *w, gint32 v);
void       tether_writer_bytes       (TetherWriter *w, const void *data, gsize n);
void       tether_writer_zeros       (TetherWriter *w, gsize n);

/* Reserves room for a field and returns its offset, for a later patch. */
gsize      tether_writer_reserve_u16 (TetherWriter *w);
gsize      tether_writer_reserve_u32 (TetherWriter *w);
void       tether_writer_patch_u16_le (TetherWriter *w, gsize at, guint16 v);
void       tether_writer_patch_u32_le (TetherWriter *w, gsize at, guint32 v);
void       tether_writer_patch_u32_be (TetherWriter *w, gsize at, guint32 v);

/* Hands the encoded bytes over and leaves the writer empty (holding no
 * memory) and reusable. */
GBytes    *tether_writer_steal_bytes (TetherWriter *w);

G_END_DECLS
