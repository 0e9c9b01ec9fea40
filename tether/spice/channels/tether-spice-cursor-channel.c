/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-cursor-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-cursor-wire-private.h"
#include "tether-spice-protocol-private.h"

/**
 * TetherSpiceCursorChannel:
 *
 * The cursor channel of a display (type 4), as spice-gtk's
 * `SpiceCursorChannel`: the guest's mouse cursor shape, its position (in
 * server mouse mode) and visibility. Shapes of every protocol type (alpha,
 * monochrome, 4/8/16/24/32-bit colour with an AND mask) are decoded to RGBA
 * and kept in the channel's cursor cache as the server asks.
 *
 * [signal@SpiceCursorChannel::cursor-set] brings a new shape,
 * [signal@SpiceCursorChannel::cursor-move] a position,
 * [signal@SpiceCursorChannel::cursor-hide] hides the cursor and
 * [signal@SpiceCursorChannel::cursor-reset] returns to the default one.
 * Mouse trails are accepted and ignored.
 */

struct _TetherSpiceCursorChannel {
  TetherSpiceChannel      parent_instance;

  TetherSpiceCursorCache *cache;
  gboolean                got_init;
  TetherSpiceCursorImage *shape;       /* the current shape, or NULL */
  gboolean                visible;
  gboolean                has_position;
  int                     x;
  int                     y;
};

enum {
  PROP_0,
  PROP_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CURSOR_SET,
  SIGNAL_CURSOR_MOVE,
  SIGNAL_CURSOR_HIDE,
  SIGNAL_CURSOR_RESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherSpiceCursorChannel, tether_spice_cursor_channel, TETHER_TYPE_SPICE_CHANNEL)

static void
set_visible (TetherSpiceCursorChannel *self, gboolean visible)
{
  if (self->visible == visible)
    return;
  self->visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
}

/* The shape as bytes R, G, B, A (straight alpha), as spice-gtk hands it on. */
static GBytes *
shape_rgba (const TetherSpiceCursorImage *shape)
{
  gsize n = (gsize) shape->width * shape->height;
  guint8 *rgba = g_malloc (MAX (n, 1) * 4);

  for (gsize i = 0; i < n; i++)
    {
      guint32 p = shape->pixels[i];

      rgba[4 * i] = (guint8) (p >> 16);
      rgba[4 * i + 1] = (guint8) (p >> 8);
      rgba[4 * i + 2] = (guint8) p;
      rgba[4 * i + 3] = (guint8) (p >> 24);
    }
  return g_bytes_new_take (rgba, n * 4);
}

static void
hide (TetherSpiceCursorChannel *self)
{
  set_visible (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_CURSOR_HIDE], 0);
}

static void
set_position (TetherSpiceCursorChannel *self, const TetherSpicePoint16 *p)
{
  self->has_position = TRUE;
  self->x = p->x;
  self->y = p->y;
}

/* Resolves @cursor; a shape of a kind Tether cannot decode hides the
 * cursor rather than closing the channel. */
static gboolean
apply_cursor (TetherSpiceCursorChannel *self, const TetherSpiceCursor *cursor, gboolean visible, GError **error)
{
  TetherSpiceCursorImage *image = NULL;
  g_autoptr(GError) local = NULL;

  if (!tether_spice_cursor_resolve (self->cache, cursor, &image, &local))
    {
      if (!g_error_matches (local, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_info ("cursor channel: %s", local->message);
      image = NULL;
    }
  /* An empty shape (0 wide or high) shows nothing: no shape. */
  if (image != NULL && (image->width == 0 || image->height == 0))
    g_clear_pointer (&image, tether_spice_cursor_image_unref);
  g_clear_pointer (&self->shape, tether_spice_cursor_image_unref);
  self->shape = image;
  if (image != NULL)
    {
      g_autoptr(GBytes) rgba = shape_rgba (image);

      set_visible (self, visible);
      g_signal_emit (self, signals[SIGNAL_CURSOR_SET], 0, (int) image->width, (int) image->height,
                     (int) image->hot_x, (int) image->hot_y, (gpointer) g_bytes_get_data (rgba, NULL));
    }
  if (image == NULL || !visible)
    hide (self);
  return TRUE;
}

static gboolean
cursor_handle_message (TetherSpiceChannel *channel, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceCursorChannel *self = TETHER_SPICE_CURSOR_CHANNEL (channel);

  switch (type)
    {
    case TETHER_SPICE_MSG_CURSOR_SET:
    case TETHER_SPICE_MSG_CURSOR_MOVE:
    case TETHER_SPICE_MSG_CURSOR_TRAIL:
    case TETHER_SPICE_MSG_CURSOR_INVAL_ONE:
      /* The state filter: these need INIT first. */
      if (!self->got_init)
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                            "The server sent %s before CURSOR_INIT",
                            tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_CURSOR, type)), FALSE;
      break;
    default:
      break;
    }

  switch (type)
    {
    case TETHER_SPICE_MSG_CURSOR_INIT:
      {
        TetherSpiceMsgCursorInit msg;
        gboolean ok;

        if (!tether_spice_msg_cursor_init_decode (body, &msg, error))
          return FALSE;
        tether_spice_cursor_cache_clear (self->cache);
        self->got_init = TRUE;
        set_position (self, &msg.position);
        ok = apply_cursor (self, &msg.cursor, msg.visible, error);
        tether_spice_msg_cursor_init_clear (&msg);
        return ok;
      }
    case TETHER_SPICE_MSG_CURSOR_RESET:
      if (!tether_spice_msg_empty_decode (body, "CURSOR_RESET", error))
        return FALSE;
      tether_spice_cursor_cache_clear (self->cache);
      g_clear_pointer (&self->shape, tether_spice_cursor_image_unref);
      self->got_init = FALSE;
      set_visible (self, FALSE);
      g_signal_emit (self, signals[SIGNAL_CURSOR_RESET], 0);
      return TRUE;
    case TETHER_SPICE_MSG_CURSOR_SET:
      {
        TetherSpiceMsgCursorSet msg;
        gboolean ok;

        if (!tether_spice_msg_cursor_set_decode (body, &msg, error))
          return FALSE;
        set_position (self, &msg.position);
        ok = apply_cursor (self, &msg.cursor, msg.visible, error);
        tether_spice_msg_cursor_set_clear (&msg);
        return ok;
      }
    case TETHER_SPICE_MSG_CURSOR_MOVE:
      {
        TetherSpicePoint16 p;

        if (!tether_spice_msg_cursor_move_decode (body, &p, error))
          return FALSE;
        set_position (self, &p);
        g_signal_emit (self, signals[SIGNAL_CURSOR_MOVE], 0, (int) p.x, (int) p.y);
        return TRUE;
      }
    case TETHER_SPICE_MSG_CURSOR_HIDE:
      if (!tether_spice_msg_empty_decode (body, "CURSOR_HIDE", error))
        return FALSE;
      hide (self);
      return TRUE;
    case TETHER_SPICE_MSG_CURSOR_TRAIL:
      {
        guint16 length, frequency;

        /* Mouse trails: checked, then ignored (as spice-gtk does). */
        return tether_spice_msg_cursor_trail_decode (body, &length, &frequency, error);
      }
    case TETHER_SPICE_MSG_CURSOR_INVAL_ONE:
      {
        guint64 id;

        if (!tether_spice_msg_cursor_inval_one_decode (body, &id, error))
          return FALSE;
        tether_spice_cursor_cache_remove (self->cache, id);
        return TRUE;
      }
    case TETHER_SPICE_MSG_CURSOR_INVAL_ALL:
      if (!tether_spice_msg_empty_decode (body, "CURSOR_INVAL_ALL", error))
        return FALSE;
      tether_spice_cursor_cache_clear (self->cache);
      return TRUE;
    default:
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                          "Unknown cursor channel message %u", type), FALSE;
    }
}

static void
cursor_channel_reset (TetherSpiceChannel *channel)
{
  TetherSpiceCursorChannel *self = TETHER_SPICE_CURSOR_CHANNEL (channel);

  /* No signals here (this also runs from dispose): just forget. */
  self->got_init = FALSE;
  tether_spice_cursor_cache_clear (self->cache);
}

static const TetherSpiceChannelOps cursor_ops = {
  .handle_message = cursor_handle_message,
  .channel_reset = cursor_channel_reset,
};

/**
 * tether_spice_cursor_channel_get_shape:
 * @self: a cursor channel
 * @width: (out) (optional): width in pixels
 * @height: (out) (optional): height in pixels
 * @hot_x: (out) (optional): the hot spot's column
 * @hot_y: (out) (optional): the hot spot's row
 *
 * The current cursor shape, as [signal@SpiceCursorChannel::cursor-set]
 * gave it: @width × @height pixels, rows top-down, 4 bytes each (R, G, B,
 * A, straight alpha). Pixels that invert the screen are a black and white
 * checker, as in spice-gtk.
 *
 * Returns: (transfer full) (nullable): the pixels, or %NULL when there is
 *   no shape
 */
GBytes *
tether_spice_cursor_channel_get_shape (TetherSpiceCursorChannel *self, int *width, int *height, int *hot_x,
                                       int *hot_y)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CURSOR_CHANNEL (self), NULL);
  if (self->shape == NULL)
    return NULL;
  if (width != NULL)
    *width = (int) self->shape->width;
  if (height != NULL)
    *height = (int) self->shape->height;
  if (hot_x != NULL)
    *hot_x = (int) self->shape->hot_x;
  if (hot_y != NULL)
    *hot_y = (int) self->shape->hot_y;
  return shape_rgba (self->shape);
}

/**
 * tether_spice_cursor_channel_get_position:
 * @self: a cursor channel
 * @x: (out) (optional): the cursor's column on the display
 * @y: (out) (optional): the cursor's row on the display
 *
 * The last cursor position the server sent (it sends them in server mouse
 * mode; in client mode the pointer is the client's own).
 *
 * Returns: %TRUE when the server sent a position
 */
gboolean
tether_spice_cursor_channel_get_position (TetherSpiceCursorChannel *self, int *x, int *y)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CURSOR_CHANNEL (self), FALSE);
  if (x != NULL)
    *x = self->has_position ? self->x : 0;
  if (y != NULL)
    *y = self->has_position ? self->y : 0;
  return self->has_position;
}

/**
 * tether_spice_cursor_channel_get_visible:
 * @self: a cursor channel
 *
 * Returns: whether the cursor is shown ([property@SpiceCursorChannel:visible])
 */
gboolean
tether_spice_cursor_channel_get_visible (TetherSpiceCursorChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CURSOR_CHANNEL (self), FALSE);
  return self->visible;
}

static void
tether_spice_cursor_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceCursorChannel *self = TETHER_SPICE_CURSOR_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_VISIBLE: g_value_set_boolean (value, self->visible); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_cursor_channel_finalize (GObject *object)
{
  TetherSpiceCursorChannel *self = TETHER_SPICE_CURSOR_CHANNEL (object);

  g_clear_pointer (&self->shape, tether_spice_cursor_image_unref);
  tether_spice_cursor_cache_free (self->cache);
  G_OBJECT_CLASS (tether_spice_cursor_channel_parent_class)->finalize (object);
}

static void
tether_spice_cursor_channel_class_init (TetherSpiceCursorChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tether_spice_cursor_channel_get_property;
  object_class->finalize = tether_spice_cursor_channel_finalize;

  /**
   * TetherSpiceCursorChannel:visible:
   *
   * Whether the cursor is shown.
   */
  properties[PROP_VISIBLE] = g_param_spec_boolean ("visible", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                   G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSpiceCursorChannel::cursor-set:
   * @cursor: the channel
   * @width: width in pixels
   * @height: height in pixels
   * @hot_x: the hot spot's column
   * @hot_y: the hot spot's row
   * @rgba: the pixels, R, G, B, A bytes (straight alpha), valid during the
   *   emission only; bindings use [method@SpiceCursorChannel.get_shape]
   *
   * A new cursor shape (the cursor is shown unless
   * [signal@SpiceCursorChannel::cursor-hide] follows).
   */
  signals[SIGNAL_CURSOR_SET] = g_signal_new ("cursor-set", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT,
                                             G_TYPE_INT, G_TYPE_POINTER);
  /**
   * TetherSpiceCursorChannel::cursor-move:
   * @cursor: the channel
   * @x: column on the display
   * @y: row on the display
   *
   * The cursor moved (server mouse mode).
   */
  signals[SIGNAL_CURSOR_MOVE] = g_signal_new ("cursor-move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  /**
   * TetherSpiceCursorChannel::cursor-hide:
   * @cursor: the channel
   *
   * The cursor is hidden.
   */
  signals[SIGNAL_CURSOR_HIDE] = g_signal_new ("cursor-hide", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TetherSpiceCursorChannel::cursor-reset:
   * @cursor: the channel
   *
   * The server reset the cursor: show the default one until it sends a
   * shape again.
   */
  signals[SIGNAL_CURSOR_RESET] = g_signal_new ("cursor-reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0,
                                               NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tether_spice_cursor_channel_init (TetherSpiceCursorChannel *self)
{
  self->cache = tether_spice_cursor_cache_new ();
  tether_spice_channel_set_ops (TETHER_SPICE_CHANNEL (self), &cursor_ops);
}
