/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the display, cursor and inputs channel objects above the decoders:
 * the input is a sequence of records `u8 channel, u16 type, u16 length,
 * body[length]` (little-endian); channel 0 is a TetherSpiceDisplayChannel,
 * 1 a TetherSpiceCursorChannel, 2 a TetherSpiceInputsChannel, each fed
 * through its message handler in order, as the message loop would (so
 * surfaces, the primary surface's signals, caches, streams, monitors, the
 * cursor cache and the state filters carry over from record to record). A
 * handler's error resets that channel as a closed connection would, and
 * feeding goes on. The channels have no session and no connection: nothing
 * is sent, and an image that would have to come from another display
 * channel is an error. Invariants: every error is in the SPICE or GIO
 * domain with a message; every display-invalidate lies inside the primary
 * surface; the primary's pixels read back whole; the cursor shape matches
 * its size.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-display-channel.h"
#include "tether-spice-cursor-channel.h"
#include "tether-spice-inputs-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-display-channel-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define MAX_RECORDS 32

static void
on_invalidate (TetherSpiceDisplayChannel *display, int x, int y, int w, int h, gpointer user_data)
{
  int pw = 0, ph = 0;

  /* Invalidates are for the primary surface, inside it. */
  g_object_get (display, "width", &pw, "height", &ph, NULL);
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > pw - w || y > ph - h)
    __builtin_trap ();
}

static void
on_primary_create (TetherSpiceDisplayChannel *display, int format, int width, int height, int stride, int shmid,
                   gpointer data, gpointer user_data)
{
  if (data == NULL || width <= 0 || height <= 0 || stride < width || shmid != -1)
    __builtin_trap ();
  /* The whole buffer is there: touch its last byte. */
  ((volatile guint8 *) data)[(gsize) stride * (gsize) height - 1] ^= 0;
}

static void
on_cursor_set (TetherSpiceCursorChannel *cursor, int w, int h, int hx, int hy, gpointer rgba, gpointer user_data)
{
  if (w <= 0 || h <= 0 || hx < 0 || hy < 0 || hx >= w || hy >= h || rgba == NULL)
    __builtin_trap ();
  ((volatile guint8 *) rgba)[(gsize) w * (gsize) h * 4 - 1] ^= 0;
}

static TetherSpiceChannel *
new_channel (GType gtype, int type)
{
  TetherSpiceChannel *c = g_object_new (gtype, "channel-type", type, "channel-id", 0, NULL);

  return c;
}

static void
feed (TetherSpiceChannel *channel, guint16 type, GBytes *body)
{
  const TetherSpiceChannelOps *ops = tether_spice_channel_get_ops (channel);
  GError *error = NULL;
  gboolean ok;

  ok = ops->handle_message (channel, type, body, &error);
  if (error != NULL && g_getenv ("TETHER_FUZZ_VERBOSE") != NULL)
    g_printerr ("%s\n", error->message);
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && ((error->domain != TETHER_SPICE_ERROR && error->domain != G_IO_ERROR) ||
                        error->message[0] == '\0'))
    __builtin_trap ();
  if (!ok && ops->channel_reset != NULL)
    ops->channel_reset (channel);
  g_clear_error (&error);
}

static void
check_display (TetherSpiceDisplayChannel *display)
{
  int format = 0, w = 0, h = 0, stride = 0;
  g_autoptr(GBytes) copy = tether_spice_display_channel_copy_primary (display, &format, &w, &h, &stride);
  g_autoptr(GVariant) monitors = tether_spice_display_channel_dup_monitors (display);

  if (copy != NULL && g_bytes_get_size (copy) != (gsize) stride * (gsize) h)
    __builtin_trap ();
  if (tether_spice_display_channel_get_ready (display) && copy == NULL)
    __builtin_trap ();
  /* A primary surface is shown as at least one monitor. */
  if (copy != NULL && g_variant_n_children (monitors) == 0)
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSpiceChannel *channels[3];
  TetherReader r;

  channels[0] = new_channel (TETHER_TYPE_SPICE_DISPLAY_CHANNEL, TETHER_SPICE_CHANNEL_TYPE_DISPLAY);
  channels[1] = new_channel (TETHER_TYPE_SPICE_CURSOR_CHANNEL, TETHER_SPICE_CHANNEL_TYPE_CURSOR);
  channels[2] = new_channel (TETHER_TYPE_SPICE_INPUTS_CHANNEL, TETHER_SPICE_CHANNEL_TYPE_INPUTS);
  /* Small limits, so that a surface or an image costs little to make. */
  tether_spice_canvas_set_max_image_pixels (TETHER_SPICE_DISPLAY_CHANNEL (channels[0])->canvas, 1 << 14);
  tether_spice_canvas_set_max_surface_bytes (TETHER_SPICE_DISPLAY_CHANNEL (channels[0])->canvas, 1 << 18);
  g_signal_connect (channels[0], "display-invalidate", G_CALLBACK (on_invalidate), NULL);
  g_signal_connect (channels[0], "display-primary-create", G_CALLBACK (on_primary_create), NULL);
  g_signal_connect (channels[1], "cursor-set", G_CALLBACK (on_cursor_set), NULL);

  tether_reader_init (&r, data, size);
  for (guint k = 0; k < MAX_RECORDS && tether_reader_remaining (&r) >= 5; k++)
    {
      guint8 which;
      guint16 type, len;
      const guint8 *body;
      g_autoptr(GBytes) bytes = NULL;

      gsize n;

      tether_reader_u8 (&r, &which);
      tether_reader_u16_le (&r, &type);
      tether_reader_u16_le (&r, &len);
      n = MIN ((gsize) len, tether_reader_remaining (&r));
      if (!tether_reader_borrow (&r, n, &body))
        break;
      bytes = g_bytes_new (body, n);
      feed (channels[which % 3], type, bytes);
    }

  check_display (TETHER_SPICE_DISPLAY_CHANNEL (channels[0]));
  {
    int w = 0, h = 0;
    g_autoptr(GBytes) shape = tether_spice_cursor_channel_get_shape (TETHER_SPICE_CURSOR_CHANNEL (channels[1]), &w,
                                                                     &h, NULL, NULL);

    if (shape != NULL && g_bytes_get_size (shape) != (gsize) w * (gsize) h * 4)
      __builtin_trap ();
  }
  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    g_object_unref (channels[i]);
  return 0;
}
