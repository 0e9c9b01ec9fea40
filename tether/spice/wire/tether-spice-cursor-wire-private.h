/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Cursor channel (docs/spice-protocol.md §13): decoders for the server's
 * messages, the cursor shapes decoded to 32-bit pixels, and a cursor
 * cache. The channel has no client messages of its own.
 */

#include <gio/gio.h>

#include "tether-spice-display-wire-private.h"

G_BEGIN_DECLS

/* The longest side of a cursor shape (Tether's cap; real ones are ≤ 256). */
#define TETHER_SPICE_MAX_CURSOR_SIDE         1024u
/* The cursor cache: the server keeps at most 256; beyond these the least
 * recently used entries go. */
#define TETHER_SPICE_CURSOR_CACHE_MAX        512u
#define TETHER_SPICE_CURSOR_CACHE_MAX_BYTES  ((gsize) 64 << 20)

/* SpiceCursorFlags */
#define TETHER_SPICE_CURSOR_FLAG_NONE        (1u << 0)
#define TETHER_SPICE_CURSOR_FLAG_CACHE_ME    (1u << 1)
#define TETHER_SPICE_CURSOR_FLAG_FROM_CACHE  (1u << 2)

/* SpiceCursorType */
typedef enum {
  TETHER_SPICE_CURSOR_ALPHA   = 0,
  TETHER_SPICE_CURSOR_MONO    = 1,
  TETHER_SPICE_CURSOR_COLOR4  = 2,
  TETHER_SPICE_CURSOR_COLOR8  = 3,
  TETHER_SPICE_CURSOR_COLOR16 = 4,
  TETHER_SPICE_CURSOR_COLOR24 = 5,
  TETHER_SPICE_CURSOR_COLOR32 = 6,
} TetherSpiceCursorType;

/* A Cursor: with NONE, nothing else is meaningful; otherwise the header,
 * and (unless FROM_CACHE) the shape's bytes, borrowed from the message. */
typedef struct {
  guint16       flags;       /* TETHER_SPICE_CURSOR_FLAG_* */
  guint64       unique;
  guint8        type;        /* TetherSpiceCursorType, checked */
  guint16       width;       /* ≤ TETHER_SPICE_MAX_CURSOR_SIDE */
  guint16       height;
  guint16       hot_spot_x;
  guint16       hot_spot_y;
  const guint8 *data;        /* at least tether_spice_cursor_data_size() bytes */
  gsize         data_size;
} TetherSpiceCursor;

/* Bytes a shape of this type and size needs (0 for an unknown type). */
gsize tether_spice_cursor_data_size (guint type, guint width, guint height);

typedef struct {
  TetherSpicePoint16 position;
  guint16            trail_length;
  guint16            trail_frequency;
  gboolean           visible;
  TetherSpiceCursor  cursor;
  GBytes            *body;     /* keeps cursor.data valid */
} TetherSpiceMsgCursorInit;
gboolean tether_spice_msg_cursor_init_decode (GBytes *body, TetherSpiceMsgCursorInit *out,
                                              GError **error);
void     tether_spice_msg_cursor_init_clear  (TetherSpiceMsgCursorInit *msg);

typedef struct {
  TetherSpicePoint16 position;
  gboolean           visible;
  TetherSpiceCursor  cursor;
  GBytes            *body;
} TetherSpiceMsgCursorSet;
gboolean tether_spice_msg_cursor_set_decode (GBytes *body, TetherSpiceMsgCursorSet *out,
                                             GError **error);
void     tether_spice_msg_cursor_set_clear  (TetherSpiceMsgCursorSet *msg);

gboolean tether_spice_msg_cursor_move_decode  (GBytes *body, TetherSpicePoint16 *position,
                                               GError **error);
gboolean tether_spice_msg_cursor_trail_decode (GBytes *body, guint16 *length, guint16 *frequency,
                                               GError **error);
gboolean tether_spice_msg_cursor_inval_one_decode (GBytes *body, guint64 *id, GError **error);
/* RESET, HIDE and INVAL_ALL have empty bodies: tether_spice_msg_empty_decode(). */

/* ---- shapes ------------------------------------------------------------- */

/*
 * A decoded cursor shape: width × height pixels, rows top-down, each a
 * 0xAARRGGBB value with straight (not premultiplied) alpha, as spice-gtk
 * hands cursors on. Pixels that invert the screen (MONO with AND = XOR = 1,
 * and color cursors' white pixels under a set AND bit) cannot be drawn as
 * such; like spice-gtk, they become a black and white checker.
 */
typedef struct {
  gint      ref_count;
  guint64   unique;
  guint     width;
  guint     height;
  guint     hot_x;      /* clamped to the shape */
  guint     hot_y;
  guint32  *pixels;     /* width × height; NULL when empty */
} TetherSpiceCursorImage;

TetherSpiceCursorImage *tether_spice_cursor_image_ref   (TetherSpiceCursorImage *image);
void                    tether_spice_cursor_image_unref (TetherSpiceCursorImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceCursorImage, tether_spice_cursor_image_unref)

/* Decodes a cursor that is neither NONE nor FROM_CACHE. */
TetherSpiceCursorImage *tether_spice_cursor_decode_image (const TetherSpiceCursor *cursor,
                                                          GError **error);

/* ---- the cursor cache ---------------------------------------------------- */

typedef struct _TetherSpiceCursorCache TetherSpiceCursorCache;

TetherSpiceCursorCache *tether_spice_cursor_cache_new    (void);
void                    tether_spice_cursor_cache_free   (TetherSpiceCursorCache *cache);
void                    tether_spice_cursor_cache_put    (TetherSpiceCursorCache *cache,
                                                          TetherSpiceCursorImage *image);
/* A new reference, or NULL. */
TetherSpiceCursorImage *tether_spice_cursor_cache_lookup (TetherSpiceCursorCache *cache, guint64 unique);
void                    tether_spice_cursor_cache_remove (TetherSpiceCursorCache *cache, guint64 unique);
void                    tether_spice_cursor_cache_clear  (TetherSpiceCursorCache *cache);
guint                   tether_spice_cursor_cache_get_n_entries (TetherSpiceCursorCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceCursorCache, tether_spice_cursor_cache_free)

/*
 * The shape a cursor stands for: NULL with TRUE for NONE (no cursor); the
 * cached shape for FROM_CACHE (a miss is TETHER_SPICE_ERROR_PROTOCOL: the
 * cursor cache is per channel, nothing else fills it); else the decoded
 * shape, cached when CACHE_ME says so.
 */
gboolean tether_spice_cursor_resolve (TetherSpiceCursorCache *cache, const TetherSpiceCursor *cursor,
                                      TetherSpiceCursorImage **image, GError **error);

G_END_DECLS
