/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the display channel: the input is a sequence of records
 * `u16 type, u16 length, body[length]` (little-endian), each decoded as the
 * display message of that type and applied, in order, to one small canvas
 * with its image cache, palette cache and GLZ window, as a display channel
 * would. So images cached by one record can be used by the next, and GLZ
 * images can refer to earlier ones. Type 0xffff encodes the primary
 * surface as PNG.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-canvas-private.h"
#include "tether-spice-display-wire-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define MAX_RECORDS 24

static void
check_error (gboolean ok, GError *error)
{
  /* TETHER_FUZZ_VERBOSE=1 shows what the seeds run into. */
  if (error != NULL && g_getenv ("TETHER_FUZZ_VERBOSE") != NULL)
    g_printerr ("%s\n", error->message);
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && error->message[0] == '\0')
    __builtin_trap ();
  if (error != NULL && error->domain != TETHER_SPICE_ERROR && error->domain != G_IO_ERROR)
    __builtin_trap ();
}

static void
check_region (const TetherSpiceCanvas *canvas, guint32 surface_id, const TetherSpiceRect *damage)
{
  TetherSpiceSurfaceInfo info;

  if (damage->right <= damage->left)
    return;
  if (!tether_spice_canvas_get_surface ((TetherSpiceCanvas *) canvas, surface_id, &info))
    __builtin_trap ();
  /* Damage is always inside the surface. */
  if (damage->left < 0 || damage->top < 0 || (guint) damage->right > info.width ||
      (guint) damage->bottom > info.height)
    __builtin_trap ();
}

static void
apply (TetherSpiceCanvas *canvas, guint16 type, GBytes *body)
{
  GError *error = NULL;
  gboolean ok = TRUE;

  if (tether_spice_display_is_draw_type (type))
    {
      TetherSpiceDrawMsg msg;
      TetherSpiceRect damage;
      TetherSpiceImageWait wait = { 0 };

      ok = tether_spice_msg_display_draw_decode (type, body, &msg, &error);
      check_error (ok, error);
      g_clear_error (&error);
      if (!ok)
        return;
      ok = tether_spice_canvas_draw (canvas, &msg, &damage, &wait, &error);
      check_error (ok, error);
      if (ok)
        check_region (canvas, msg.base.surface_id, &damage);
      if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
          wait.kind == TETHER_SPICE_IMAGE_WAIT_NONE)
        __builtin_trap ();
      tether_spice_draw_msg_clear (&msg);
      g_clear_error (&error);
      return;
    }

  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_MODE:
      {
        TetherSpiceMsgDisplayMode m;

        ok = tether_spice_msg_display_mode_decode (body, &m, &error);
        if (ok)
          {
            check_error (ok, error);
            ok = tether_spice_canvas_set_mode (canvas, &m, &error);
          }
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_RESET:
      tether_spice_canvas_reset (canvas);
      break;
    case TETHER_SPICE_MSG_DISPLAY_INVAL_LIST:
      {
        TetherSpiceMsgInvalList m;

        ok = tether_spice_msg_display_inval_list_decode (body, &m, &error);
        if (ok)
          tether_spice_canvas_inval_list (canvas, &m);
        tether_spice_msg_display_inval_list_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS:
      {
        TetherSpiceMsgWaitForChannels m;

        ok = tether_spice_msg_display_inval_all_pixmaps_decode (body, &m, &error);
        if (ok)
          tether_spice_canvas_inval_all_pixmaps (canvas);
        tether_spice_msg_wait_for_channels_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_INVAL_PALETTE:
      {
        guint64 id;

        ok = tether_spice_msg_display_inval_palette_decode (body, &id, &error);
        if (ok)
          tether_spice_canvas_inval_palette (canvas, id);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES:
      tether_spice_canvas_inval_all_palettes (canvas);
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE:
      {
        TetherSpiceMsgStreamCreate m;

        ok = tether_spice_msg_display_stream_create_decode (body, &m, &error);
        if (ok && m.id >= TETHER_SPICE_MAX_STREAMS)
          __builtin_trap ();
        if (ok)
          {
            /* A frame of the stream's size, painted into its dest. */
            guint w = MIN (m.stream_width, 16u), h = MIN (m.stream_height, 16u);

            if (w > 0 && h > 0)
              {
                g_autofree guint32 *frame = g_new0 (guint32, (gsize) w * h);

                for (guint i = 0; i < w * h; i++)
                  frame[i] = i * 0x010203u;
                ok = tether_spice_canvas_put_frame (canvas, m.surface_id, &m.dest, &m.clip,
                                                    (const guint8 *) frame, w * 4, w, h,
                                                    (m.flags & TETHER_SPICE_STREAM_FLAG_TOP_DOWN) != 0,
                                                    &error);
              }
          }
        tether_spice_msg_display_stream_create_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
      {
        TetherSpiceMsgStreamData m;

        ok = tether_spice_msg_display_stream_data_decode (type, body, &m, &error);
        tether_spice_msg_display_stream_data_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP:
      {
        TetherSpiceMsgStreamClip m;

        ok = tether_spice_msg_display_stream_clip_decode (body, &m, &error);
        tether_spice_msg_display_stream_clip_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY:
      {
        guint32 id;

        ok = tether_spice_msg_display_stream_destroy_decode (body, &id, &error);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT:
      {
        TetherSpiceMsgStreamActivateReport m;

        ok = tether_spice_msg_display_stream_activate_report_decode (body, &m, &error);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_CREATE:
      {
        TetherSpiceMsgSurfaceCreate m;

        ok = tether_spice_msg_display_surface_create_decode (body, &m, &error);
        if (ok)
          ok = tether_spice_canvas_create_surface (canvas, &m, &error);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_DESTROY:
      {
        guint32 id;

        ok = tether_spice_msg_display_surface_destroy_decode (body, &id, &error);
        if (ok)
          tether_spice_canvas_destroy_surface (canvas, id);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_MONITORS_CONFIG:
      {
        TetherSpiceMsgMonitorsConfig m;

        ok = tether_spice_msg_display_monitors_config_decode (body, &m, &error);
        if (ok && m.n_heads > TETHER_SPICE_MAX_MONITORS)
          __builtin_trap ();
        tether_spice_msg_display_monitors_config_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_GL_SCANOUT_UNIX:
      {
        TetherSpiceMsgGlScanout m;

        ok = tether_spice_msg_display_gl_scanout_decode (body, &m, &error);
      }
      break;
    case TETHER_SPICE_MSG_DISPLAY_GL_DRAW:
      {
        TetherSpiceMsgGlDraw m;

        ok = tether_spice_msg_display_gl_draw_decode (body, &m, &error);
      }
      break;
    case 0xffff:
      {
        GBytes *png = tether_spice_canvas_encode_png (canvas, 0, &error);

        ok = png != NULL;
        if (png != NULL)
          g_bytes_unref (png);
      }
      break;
    default:
      return;
    }
  check_error (ok, error);
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader r;
  TetherSpiceImageCache *images = tether_spice_image_cache_new (1 << 14);
  TetherGlzWindow *glz = tether_glz_window_new (1 << 20);
  TetherSpiceCanvas *canvas = tether_spice_canvas_new (images, glz);
  TetherSpiceMsgSurfaceCreate surfaces[] = {
    { 0, 48, 32, TETHER_SPICE_SURFACE_FMT_32_xRGB, TETHER_SPICE_SURFACE_FLAG_PRIMARY },
    { 1, 16, 16, TETHER_SPICE_SURFACE_FMT_32_ARGB, 0 },
    { 2, 9, 7, TETHER_SPICE_SURFACE_FMT_16_555, 0 },
    { 3, 8, 8, TETHER_SPICE_SURFACE_FMT_8_A, 0 },
    { 4, 5, 5, TETHER_SPICE_SURFACE_FMT_16_565, 0 },
  };

  /* Small limits keep each input fast. */
  tether_spice_canvas_set_max_image_pixels (canvas, 1 << 14);
  tether_spice_canvas_set_max_surface_bytes (canvas, 1 << 18);
  for (guint i = 0; i < G_N_ELEMENTS (surfaces); i++)
    if (!tether_spice_canvas_create_surface (canvas, &surfaces[i], NULL))
      __builtin_trap ();

  tether_reader_init (&r, data, size);
  for (guint k = 0; k < MAX_RECORDS && tether_reader_remaining (&r) >= 4; k++)
    {
      guint16 type, len;
      gsize n;
      const guint8 *body;
      GBytes *bytes;

      tether_reader_u16_le (&r, &type);
      tether_reader_u16_le (&r, &len);
      n = MIN ((gsize) len, tether_reader_remaining (&r));
      if (!tether_reader_borrow (&r, n, &body))
        break;
      /* An exact-size copy, so a sanitizer sees any over-read. */
      bytes = g_bytes_new (body, n);
      apply (canvas, type, bytes);
      g_bytes_unref (bytes);
    }

  tether_spice_canvas_free (canvas);
  tether_glz_window_unref (glz);
  tether_spice_image_cache_unref (images);
  return 0;
}
