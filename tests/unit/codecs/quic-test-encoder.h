/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A QUIC encoder for tests only: the model of spice-protocol.md §10.1 run
 * forwards, written separately from the decoder in tether/codecs/. Round
 * trips through it prove that the decoder is consistent with this reading
 * of the model; bit-exactness against spice-server comes from the vectors
 * in tests/data/quic/.
 */

#include <glib.h>

#include "tether-quic-private.h"

G_BEGIN_DECLS

/* An image as planes of channel values, each width × height bytes, row by
 * row. RGB types use planes 0, 1, 2 = R, G, B (5-bit values for RGB16);
 * RGBA adds plane 3 = A; GRAY uses plane 0 only. */
typedef struct {
  TetherQuicType type;
  guint32        width;
  guint32        height;
  guint8        *planes[4];
} QuicTestImage;

QuicTestImage *quic_test_image_new  (TetherQuicType type, guint32 width, guint32 height);
void           quic_test_image_free (QuicTestImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuicTestImage, quic_test_image_free)

guint          quic_test_type_channels (TetherQuicType type);
guint          quic_test_type_bpc      (TetherQuicType type);

/* The pixels tether_quic_decode() must produce: width × height × 4 bytes,
 * B, G, R, X per pixel (stride width × 4). */
guint8        *quic_test_image_expected (const QuicTestImage *image);

/* Encodes @image the way spice-common's encoder does: the header, the rows,
 * then zero bits up to a word boundary and one more zero word. */
GBytes        *quic_test_encode (const QuicTestImage *image);

/* Encodes with a header that claims @header_type / @header_width /
 * @header_height instead (for negative tests). */
GBytes        *quic_test_encode_with_header (const QuicTestImage *image,
                                             guint32 magic, guint32 version,
                                             guint32 header_type,
                                             guint32 header_width,
                                             guint32 header_height);

G_END_DECLS
