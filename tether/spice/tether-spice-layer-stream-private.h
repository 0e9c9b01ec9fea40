/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A security layer over a connected stream: every byte written goes through
 * the codec's encode() before it reaches the base stream, every byte read
 * from the base stream through decode() before the reader sees it. The SASL
 * security layer (sasl_encode / sasl_decode, tether-spice-channel-sasl.c) is
 * the one real codec; tests use a toy codec to exercise the framing.
 *
 * The stream is pollable when the base stream is, so GIO's asynchronous
 * read, read_all, writev_all and close work on it from the caller's main
 * context without threads.
 *
 * Writes: a write encodes at most max_chunk bytes into one packet, which is
 * then owed to the base stream. If the base stream cannot take all of it
 * (WOULD_BLOCK), the write reports WOULD_BLOCK and the next write, which GIO
 * makes with the same data, first finishes the owed packet and then reports
 * the bytes that packet carried. So a caller must retry a write that would
 * block with the same data, as GIO's write_all and writev_all do.
 *
 * Reads: the base stream is read in pieces of at most
 * TETHER_SPICE_LAYER_READ_CHUNK bytes, decoded, and the plain bytes kept
 * until they are read. A decode failure is a G_IO_ERROR_INVALID_DATA error,
 * and the stream stays failed.
 */

#include <gio/gio.h>

G_BEGIN_DECLS

/* Raw bytes taken from the base stream per decode call. */
#define TETHER_SPICE_LAYER_READ_CHUNK  (64u * 1024u)
/* At most this many decoded bytes wait to be read (a decode that leaves
 * more is an error: no codec of ours expands data). */
#define TETHER_SPICE_LAYER_MAX_PENDING (16u * 1024u * 1024u)

typedef struct {
  /* Encodes @len (> 0) bytes into *@out, *@out_len (a buffer the codec owns,
   * valid until its next call). */
  gboolean (*encode) (gpointer       codec,
                      const guint8  *in,
                      gsize          len,
                      const guint8 **out,
                      gsize         *out_len,
                      GError       **error);
  /* Decodes @len (> 0) raw bytes; *@out_len may be 0 (a partial packet). */
  gboolean (*decode) (gpointer       codec,
                      const guint8  *in,
                      gsize          len,
                      const guint8 **out,
                      gsize         *out_len,
                      GError       **error);
  /* Frees @codec (may be NULL). */
  void     (*free)   (gpointer       codec);
} TetherSpiceLayerCodec;

#define TETHER_SPICE_TYPE_LAYER_STREAM (tether_spice_layer_stream_get_type ())
G_DECLARE_FINAL_TYPE (TetherSpiceLayerStream, tether_spice_layer_stream, TETHER_SPICE, LAYER_STREAM, GIOStream)

/* Takes @codec (freed with @klass->free when the stream goes); @max_chunk:
 * the most plain bytes one encode() call takes (> 0). The new stream keeps
 * a reference to @base, available as the "base-io-stream" property. */
GIOStream *tether_spice_layer_stream_new (GIOStream                   *base,
                                          const TetherSpiceLayerCodec *klass,
                                          gpointer                     codec,
                                          gsize                        max_chunk);

/* The stream under the layer (borrowed). */
GIOStream *tether_spice_layer_stream_get_base (TetherSpiceLayerStream      *self);

G_END_DECLS
