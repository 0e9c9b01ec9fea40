/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSpiceDisplayChannel against the scripted fake server: DISPLAY_INIT
 * from the session's sizes, surfaces and the primary-surface signals,
 * drawing through the canvas, marks and readiness, monitors, a GLZ image
 * that another display channel delivers later (the channel holds its
 * messages, in order), what happens when nothing can deliver it, MJPEG
 * streams and the report that refuses other codecs, and GL scanout refused.
 */
#include "config.h"

#include <string.h>
#include <stdio.h>

#include <glib/gstdio.h>
#include <jpeglib.h>

#include "tether-error.h"
#include "tether-spice-display-channel.h"
#include "tether-lz-private.h"
#include "spice-channel-test.h"
#include "spice-display-test.h"
#include "../codecs/codec-test-support.h"

/* Message numbers and flags, from the brief (§7). */
#define MSG_MARK                 102
#define MSG_RESET                103
#define MSG_INVAL_ALL_PALETTES   108
#define MSG_STREAM_CREATE        122
#define MSG_STREAM_DATA          123
#define MSG_STREAM_DESTROY       125
#define MSG_DRAW_FILL            302
#define MSG_DRAW_COPY            304
#define MSG_SURFACE_CREATE       314
#define MSG_SURFACE_DESTROY      315
#define MSG_MONITORS_CONFIG      317
#define MSG_GL_SCANOUT_UNIX      320
#define MSGC_INIT                101
#define MSGC_STREAM_REPORT       102
#define MSGC_PREFERRED_COMPRESSION 103
#define MSGC_PREFERRED_VIDEO_CODEC 105
#define CAP_STREAM_REPORT        (1u << 4)
#define CAP_PREF_COMPRESSION     (1u << 6)
#define CAP_PREF_VIDEO_CODEC     (1u << 12)
#define ROPD_OP_PUT              (1u << 3)
#define IMAGE_GLZ_RGB            102
#define CHANNEL_DISPLAY_BIT      (1u << TETHER_SPICE_CHANNEL_TYPE_DISPLAY)

/* ---- server messages --------------------------------------------------------------------- */

static GBytes *
msg_surface_create (guint32 id, guint32 w, guint32 h, gboolean primary)
{
  TMsg m;

  tm_init (&m);
  tm_u32 (&m, id);
  tm_u32 (&m, w);
  tm_u32 (&m, h);
  tm_u32 (&m, 32);                    /* 32_xRGB */
  tm_u32 (&m, primary ? 1 : 0);
  return tm_finish (&m);
}

static void
tm_no_mask (TMsg *m)
{
  tm_u8 (m, 0);
  tm_point (m, 0, 0);
  tm_u32 (m, 0);
}

static GBytes *
msg_fill (gint32 l, gint32 t, gint32 r, gint32 b, guint32 color)
{
  TMsg m;

  tm_init (&m);
  tm_base (&m, 0, l, t, r, b);
  tm_u8 (&m, 1);                      /* SOLID */
  tm_u32 (&m, color);
  tm_u16 (&m, ROPD_OP_PUT);
  tm_no_mask (&m);
  return tm_finish (&m);
}

/* DRAW_COPY of a 32-bit bitmap to (l, t). */
static GBytes *
msg_copy_bitmap (gint32 l, gint32 t, guint32 w, guint32 h, const guint32 *pixels)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, l, t, l + (gint32) w, t + (gint32) h);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, (gint32) w, (gint32) h);
  tm_u16 (&m, ROPD_OP_PUT);
  tm_u8 (&m, 1);                      /* NEAREST */
  tm_no_mask (&m);
  tm_here (&m, src);
  tm_bitmap32 (&m, 7, 0, w, h, pixels);
  return tm_finish (&m);
}

/* DRAW_COPY of a GLZ image (GLZ stream @glz) to (0, 0). */
static GBytes *
msg_copy_glz (guint64 image_id, guint32 w, guint32 h, const GByteArray *glz)
{
  TMsg m;
  gsize src;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, (gint32) w, (gint32) h);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, (gint32) w, (gint32) h);
  tm_u16 (&m, ROPD_OP_PUT);
  tm_u8 (&m, 1);
  tm_no_mask (&m);
  tm_here (&m, src);
  tm_descriptor (&m, image_id, IMAGE_GLZ_RGB, 0, w, h);
  tm_u32 (&m, glz->len);
  tm_bytes (&m, glz->data, glz->len);
  return tm_finish (&m);
}

static guint32 *
units (guint n, guint32 seed)
{
  guint32 *u = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    u[i] = (i * 0x01020304u + seed * 0x9e3779b9u) & 0xffffff;
  return u;
}

/* A one-row GLZ image @id of @w pixels: with @dist, its first two pixels
 * come from the image @dist ids back, the rest are units (w, seed). */
static GByteArray *
glz_row (guint64 id, guint w, guint64 dist, guint32 seed)
{
  GByteArray *s = g_byte_array_new ();
  g_autofree guint32 *u = units (w, seed);

  test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, w, 1, w * 4, id, 10);
  if (dist != 0)
    {
      test_glz_put_match (s, &test_lz_coding_rgb32, dist, 0, 2);
      test_lz_put_literals (s, &test_lz_coding_rgb32, u + 2, w - 2);
    }
  else
    test_lz_put_literals (s, &test_lz_coding_rgb32, u, w);
  return s;
}

static guint32
primary_pixel (TetherSpiceDisplayChannel *d, int x, int y)
{
  TetherSpiceDisplayPrimary p;
  const guint8 *px;

  g_assert_true (tether_spice_display_channel_get_primary (d, 0, &p));
  g_assert_cmpint (x, <, p.width);
  g_assert_cmpint (y, <, p.height);
  px = p.data + (gsize) y * p.stride + (gsize) x * 4;
  return (guint32) px[0] | (guint32) px[1] << 8 | (guint32) px[2] << 16;
}

/* ---- what the client's signals said ---------------------------------------------------------- */

typedef struct {
  GPtrArray *log;        /* "create 32 64x48 256", "invalidate 0,0 64x48", "mark 1", "destroy" */
  guint      ready_notifies;
} Seen;

static void
on_create (TetherSpiceDisplayChannel *d, int format, int w, int h, int stride, int shmid, gpointer data, Seen *s)
{
  g_assert_cmpint (shmid, ==, -1);
  g_assert_nonnull (data);
  g_ptr_array_add (s->log, g_strdup_printf ("create %d %dx%d %d", format, w, h, stride));
}

static void
on_destroy (TetherSpiceDisplayChannel *d, Seen *s)
{
  g_ptr_array_add (s->log, g_strdup ("destroy"));
}

static void
on_invalidate (TetherSpiceDisplayChannel *d, int x, int y, int w, int h, Seen *s)
{
  g_ptr_array_add (s->log, g_strdup_printf ("invalidate %d,%d %dx%d", x, y, w, h));
}

static void
on_mark (TetherSpiceDisplayChannel *d, int mark, Seen *s)
{
  g_ptr_array_add (s->log, g_strdup_printf ("mark %d", mark));
}

static void
on_ready (GObject *o, GParamSpec *pspec, Seen *s)
{
  s->ready_notifies++;
}

static void
seen_watch (Seen *s, TetherSpiceChannel *channel)
{
  s->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (channel, "display-primary-create", G_CALLBACK (on_create), s);
  g_signal_connect (channel, "display-primary-destroy", G_CALLBACK (on_destroy), s);
  g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), s);
  g_signal_connect (channel, "display-mark", G_CALLBACK (on_mark), s);
  g_signal_connect (channel, "notify::ready", G_CALLBACK (on_ready), s);
}

static char *
seen_text (Seen *s)
{
  g_ptr_array_add (s->log, NULL);
  {
    char *text = g_strjoinv ("; ", (char **) s->log->pdata);

    g_ptr_array_remove_index (s->log, s->log->len - 1);
    return text;
  }
}

typedef struct {
  Seen *seen;
  guint n;
} LogLen;

static gboolean
pred_log_len (gpointer data)
{
  LogLen *l = data;

  return l->seen->log->len >= l->n;
}

static gboolean
pred_ready (gpointer data)
{
  return tether_spice_display_channel_get_ready (data);
}

typedef struct {
  TestClient *tc;
  int         id;
} Which;

static gboolean
pred_display_created (gpointer data)
{
  Which *w = data;

  return tc_channel (w->tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, w->id) != NULL;
}

static TetherSpiceDisplayChannel *
wait_display (TestClient *tc, int id)
{
  Which w = { tc, id };

  tc_wait (pred_display_created, &w);
  return TETHER_SPICE_DISPLAY_CHANNEL (tc_channel (tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, id));
}

/* ---- /spice/display/draw ---------------------------------------------------------------------- */

static const guint32 block[4] = { 0x00ff0000, 0x0000ff00, 0x000000ff, 0x00ffffff };

static void
script_draw (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GBytes) codecs = NULL;
  const guint8 *p;
  TMsg m;

  if (init == NULL)
    return;
  /* pixmap_cache_id 1, cache 4 MiB / 4, glz id 1, window 16 MiB / 4 (§7.4). */
  p = g_bytes_get_data (init, NULL);
  if (g_bytes_get_size (init) != 14 || p[0] != 1 || p[1] != 0x00 || p[2] != 0x00 || p[3] != 0x10 || p[4] != 0 ||
      p[9] != 1 || p[10] != 0 || p[11] != 0 || p[12] != 0x40 || p[13] != 0)
    fake_fail (c, "DISPLAY_INIT does not carry the session's cache sizes in pixels");
  /* The server takes a preferred video codec: MJPEG, Tether's only one. */
  codecs = fake_expect (c, MSGC_PREFERRED_VIDEO_CODEC);
  if (codecs == NULL || g_bytes_get_size (codecs) != 2 || memcmp (g_bytes_get_data (codecs, NULL), "\x01\x01", 2) != 0)
    fake_fail (c, "PREFERRED_VIDEO_CODEC_TYPE is not [MJPEG]");
  fake_send (c, MSG_INVAL_ALL_PALETTES, NULL, 0);
  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, 64, 48, TRUE));
  fake_send_bytes (c, MSG_DRAW_FILL, msg_fill (0, 0, 64, 48, 0x00336699));
  fake_send_bytes (c, MSG_DRAW_COPY, msg_copy_bitmap (8, 4, 2, 2, block));
  /* A fill outside the surface draws nothing, so it invalidates nothing. */
  fake_send_bytes (c, MSG_DRAW_FILL, msg_fill (100, 100, 120, 120, 0x00ffffff));
  tm_init (&m);
  tm_u16 (&m, 1);
  tm_u16 (&m, 4);
  tm_u32 (&m, 0);
  tm_u32 (&m, 0);
  tm_u32 (&m, 64);
  tm_u32 (&m, 48);
  tm_u32 (&m, 0);
  tm_u32 (&m, 0);
  tm_u32 (&m, 0);
  fake_send_bytes (c, MSG_MONITORS_CONFIG, tm_finish (&m));
  fake_send (c, MSG_MARK, NULL, 0);
  fake_wait_release (c, "reset");
  fake_send (c, MSG_RESET, NULL, 0);
  /* A new primary of another size replaces the first. */
  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, 32, 16, TRUE));
  /* The same size again keeps it (and its pixels). */
  fake_send_bytes (c, MSG_DRAW_FILL, msg_fill (0, 0, 4, 4, 0x00abcdef));
  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, 32, 16, TRUE));
  fake_send (c, MSG_MARK, NULL, 0);
  fake_signal (c, "second-mark");
  fake_wait_release (c, "destroy");
  fake_send_bytes (c, MSG_SURFACE_DESTROY, g_bytes_new ("\x00\x00\x00\x00", 4));
  fake_send (c, MSG_MARK, NULL, 0);   /* without a primary: ignored */
  fake_signal (c, "destroyed");
  fake_drain (c);
}

static void
test_draw (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceDisplayChannel *d;
  Seen seen = { 0 };
  g_autofree char *log = NULL;
  g_autoptr(GBytes) copy = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GVariant) monitors = NULL;
  g_autofree char *monitors_text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  TetherSpiceDisplayPrimary p;
  int format, w, h, stride;
  guint monitors_max;
  gsize len;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_set_caps (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, CAP_PREF_VIDEO_CODEC);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_draw, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_object_set (tc.session, "cache-size", 4 << 20, "glz-window-size", 16 << 20, NULL);
  g_assert_true (tether_spice_session_connect (tc.session));
  d = wait_display (&tc, 0);
  tether_test_track (d);
  seen_watch (&seen, TETHER_SPICE_CHANNEL (d));
  g_assert_false (tether_spice_display_channel_get_ready (d));
  g_assert_null (tether_spice_display_channel_copy_primary (d, NULL, NULL, NULL, NULL));
  png = tether_spice_display_channel_encode_primary_png (d, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (png);
  g_clear_error (&error);
  tc_wait (pred_ready, d);

  log = seen_text (&seen);
  g_assert_cmpstr (log, ==, "create 32 64x48 256; invalidate 0,0 64x48; invalidate 8,4 2x2; mark 1");
  g_assert_cmpuint (seen.ready_notifies, ==, 1);
  g_assert_cmpuint (tether_spice_display_channel_get_frame_count (d), ==, 2);
  g_assert_true (tether_spice_session_has_channel_type (tc.session, TETHER_SPICE_CHANNEL_TYPE_DISPLAY));

  /* The pixels, as get_primary shows them and as copies. */
  g_assert_true (tether_spice_display_channel_get_primary (d, 0, &p));
  g_assert_cmpint (p.format, ==, 32);
  g_assert_cmpint (p.width, ==, 64);
  g_assert_cmpint (p.height, ==, 48);
  g_assert_cmpint (p.stride, ==, 256);
  g_assert_cmpint (p.shmid, ==, -1);
  g_assert_true (p.marked);
  g_assert_false (tether_spice_display_channel_get_primary (d, 5, &p));
  g_assert_cmphex (primary_pixel (d, 0, 0), ==, 0x336699);
  g_assert_cmphex (primary_pixel (d, 63, 47), ==, 0x336699);
  g_assert_cmphex (primary_pixel (d, 8, 4), ==, block[0]);
  g_assert_cmphex (primary_pixel (d, 9, 4), ==, block[1]);
  g_assert_cmphex (primary_pixel (d, 8, 5), ==, block[2]);
  g_assert_cmphex (primary_pixel (d, 9, 5), ==, block[3]);
  g_assert_cmphex (primary_pixel (d, 10, 5), ==, 0x336699);
  copy = tether_spice_display_channel_copy_primary (d, &format, &w, &h, &stride);
  g_assert_nonnull (copy);
  g_assert_cmpint (format, ==, 32);
  g_assert_cmpint (w, ==, 64);
  g_assert_cmpint (h, ==, 48);
  g_assert_cmpint (stride, ==, 256);
  g_assert_cmpuint (g_bytes_get_size (copy), ==, 256 * 48);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (copy, NULL))[(5 * 256 + 9 * 4) + 2], ==, 0xff);

  /* The PNG, in memory and on disk. */
  png = tether_spice_display_channel_encode_primary_png (d, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (png, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
  path = g_build_filename (g_get_tmp_dir (), "tether-display-test-XXXXXX.png", NULL);
  g_close (g_mkstemp (path), NULL);
  g_assert_true (tether_spice_display_channel_save_primary_png (d, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_unlink (path);
  g_assert_false (tether_spice_display_channel_save_primary_png (d, "/nonexistent-dir/x.png", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Monitors, as the guest reported them. */
  monitors = tether_spice_display_channel_dup_monitors (d);
  monitors_text = g_variant_print (monitors, FALSE);
  g_assert_cmpstr (monitors_text, ==, "[(0, 0, 0, 0, 64, 48)]");
  g_object_get (d, "monitors-max", &monitors_max, NULL);
  g_assert_cmpuint (monitors_max, ==, 4);

  /* RESET clears the mark; a new primary of another size replaces the
   * old; one of the same size is kept. */
  g_ptr_array_set_size (seen.log, 0);
  fake_server_release (f, "reset");
  tc_wait_signalled (f, "second-mark");
  tc_wait (pred_log_len, &(LogLen) { &seen, 6 });
  g_assert_true (tether_spice_display_channel_get_ready (d));
  g_clear_pointer (&log, g_free);
  log = seen_text (&seen);
  g_assert_cmpstr (log, ==, "mark 0; invalidate 0,0 64x48; destroy; create 32 32x16 128; invalidate 0,0 4x4; mark 1");
  g_assert_cmphex (primary_pixel (d, 3, 3), ==, 0xabcdef);
  g_assert_cmphex (primary_pixel (d, 4, 4), ==, 0);
  g_object_get (d, "width", &w, "height", &h, NULL);
  g_assert_cmpint (w, ==, 32);
  g_assert_cmpint (h, ==, 16);

  /* SURFACE_DESTROY of the primary. */
  g_ptr_array_set_size (seen.log, 0);
  fake_server_release (f, "destroy");
  tc_wait_signalled (f, "destroyed");
  tc_wait (pred_log_len, &(LogLen) { &seen, 1 });
  tc_run_for (50);
  g_clear_pointer (&log, g_free);
  log = seen_text (&seen);
  g_assert_cmpstr (log, ==, "destroy");
  g_assert_false (tether_spice_display_channel_get_ready (d));
  g_assert_null (tether_spice_display_channel_copy_primary (d, NULL, NULL, NULL, NULL));

  g_ptr_array_unref (seen.log);
  tc_finish (&tc, f);
}

/* ---- /spice/display/glz-hold: an image from another display channel ----------------------------- */

#define GLZ_W 6

static void
script_glz_d0 (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GByteArray) first = glz_row (1, GLZ_W, 0, 11);

  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, GLZ_W, 1, TRUE));
  fake_signal (c, "d0-surface");
  fake_wait_release (c, "d0-go");
  fake_send_bytes (c, MSG_DRAW_COPY, msg_copy_glz (201, GLZ_W, 1, first));
  fake_drain (c);
}

static void
script_glz_d1 (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GByteArray) second = glz_row (2, GLZ_W, 1, 12);

  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, GLZ_W, 1, TRUE));
  fake_signal (c, "d1-surface");
  fake_wait_release (c, "d1-go");
  /* Image 2 copies from image 1, which display 0 has not sent yet; the
   * fill after it must wait its turn. */
  fake_send_bytes (c, MSG_DRAW_COPY, msg_copy_glz (202, GLZ_W, 1, second));
  fake_send_bytes (c, MSG_DRAW_FILL, msg_fill (5, 0, 6, 1, 0x00123456));
  fake_signal (c, "d1-sent");
  fake_drain (c);
}

static gboolean
pred_two_frames (gpointer data)
{
  return tether_spice_display_channel_get_frame_count (data) >= 2;
}

static void
script_glz_both (FakeConn *c, gpointer data)
{
  if (fake_conn_id (c) == 0)
    script_glz_d0 (c, data);
  else
    script_glz_d1 (c, data);
}

static void
test_glz_hold (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceDisplayChannel *d0, *d1;
  g_autofree guint32 *u1 = units (GLZ_W, 11);
  g_autofree guint32 *u2 = units (GLZ_W, 12);

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 1);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_glz_both, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_assert_true (tether_spice_session_connect (tc.session));
  d0 = wait_display (&tc, 0);
  d1 = wait_display (&tc, 1);
  tc_wait_signalled (f, "d0-surface");
  tc_wait_signalled (f, "d1-surface");
  fake_server_release (f, "d1-go");
  tc_wait_signalled (f, "d1-sent");
  tc_run_for (100);
  /* Held: neither the GLZ copy nor the fill behind it was drawn. */
  g_assert_cmpuint (tether_spice_display_channel_get_frame_count (d1), ==, 0);
  g_assert_cmphex (primary_pixel (d1, 5, 0), ==, 0);
  g_assert_false (tc_has_event (&tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 1, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO));
  fake_server_release (f, "d0-go");
  tc_wait (pred_two_frames, d1);
  g_assert_cmpuint (tether_spice_display_channel_get_frame_count (d0), ==, 1);
  g_assert_cmphex (primary_pixel (d0, 0, 0), ==, u1[0]);
  g_assert_cmphex (primary_pixel (d0, 5, 0), ==, u1[5]);
  /* Image 2: two pixels of image 1, then its own; the fill came after. */
  g_assert_cmphex (primary_pixel (d1, 0, 0), ==, u1[0]);
  g_assert_cmphex (primary_pixel (d1, 1, 0), ==, u1[1]);
  g_assert_cmphex (primary_pixel (d1, 2, 0), ==, u2[2]);
  g_assert_cmphex (primary_pixel (d1, 4, 0), ==, u2[4]);
  g_assert_cmphex (primary_pixel (d1, 5, 0), ==, 0x123456);
  tc_finish (&tc, f);
}

/* ---- /spice/display/glz-missing: nothing could deliver the image --------------------------------- */

static void
script_glz_missing (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GByteArray) second = glz_row (2, GLZ_W, 1, 12);

  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, GLZ_W, 1, TRUE));
  fake_send_bytes (c, MSG_DRAW_COPY, msg_copy_glz (202, GLZ_W, 1, second));
  fake_drain (c);
}

static void
test_glz_missing (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceDisplayChannel *d;
  const GError *e;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_glz_missing, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_assert_true (tether_spice_session_connect (tc.session));
  d = wait_display (&tc, 0);
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO);
  e = tether_spice_channel_get_error (TETHER_SPICE_CHANNEL (d));
  g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (e->message, "GLZ image 1"));
  /* The primary stays readable after the error. */
  g_assert_true (tether_spice_display_channel_get_primary (d, 0, &(TetherSpiceDisplayPrimary) { 0 }));
  tc_finish (&tc, f);
}

/* ---- /spice/display/streams --------------------------------------------------------------------- */

#define STREAM_W 16
#define STREAM_H 8

static GBytes *
jpeg_solid (guint w, guint h, guint8 r, guint8 g, guint8 b)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *out = NULL;
  unsigned long out_len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) w * 3);
  GBytes *bytes;

  for (guint x = 0; x < w; x++)
    {
      row[3 * x] = r;
      row[3 * x + 1] = g;
      row[3 * x + 2] = b;
    }
  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &out, &out_len);
  c.image_width = w;
  c.image_height = h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 95, TRUE);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < h)
    {
      JSAMPROW rp = row;

      jpeg_write_scanlines (&c, &rp, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  bytes = g_bytes_new (out, out_len);
  free (out);
  return bytes;
}

static GBytes *
msg_stream_create (guint32 id, guint8 codec, gint32 l, gint32 t)
{
  TMsg m;

  tm_init (&m);
  tm_u32 (&m, 0);                     /* surface */
  tm_u32 (&m, id);
  tm_u8 (&m, 1);                      /* TOP_DOWN */
  tm_u8 (&m, codec);
  tm_u64 (&m, 0);                     /* stamp */
  tm_u32 (&m, STREAM_W);
  tm_u32 (&m, STREAM_H);
  tm_u32 (&m, STREAM_W);
  tm_u32 (&m, STREAM_H);
  tm_rect (&m, l, t, l + STREAM_W, t + STREAM_H);
  tm_u8 (&m, 0);                      /* no clip */
  return tm_finish (&m);
}

static GBytes *
msg_stream_data (guint32 id, GBytes *frame)
{
  TMsg m;

  tm_init (&m);
  tm_u32 (&m, id);
  tm_u32 (&m, 2000);                  /* mm time */
  tm_u32 (&m, (guint32) g_bytes_get_size (frame));
  tm_bytes (&m, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  return tm_finish (&m);
}

/* Checks a STREAM_REPORT that refuses stream @id: zero frames, all drops. */
static void
expect_refusal (FakeConn *c, guint32 id)
{
  g_autoptr(GBytes) report = fake_expect (c, MSGC_STREAM_REPORT);
  const guint8 *p;

  if (report == NULL)
    return;
  p = g_bytes_get_data (report, NULL);
  if (g_bytes_get_size (report) != 32 || p[0] != id || p[16] != 0 || p[17] != 0 || p[18] != 0 || p[19] != 0 ||
      p[20] != 0xff || p[21] != 0xff || p[22] != 0xff || p[23] != 0xff)
    fake_fail (c, "STREAM_REPORT is not a refusal (0 frames, 0xffffffff drops)");
}

static void
script_streams (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GBytes) frame = jpeg_solid (STREAM_W, STREAM_H, 0x20, 0xc0, 0x40);
  g_autoptr(GBytes) not_jpeg = g_bytes_new_static ("not a jpeg", 10);

  fake_send_bytes (c, MSG_SURFACE_CREATE, msg_surface_create (0, 64, 32, TRUE));
  fake_send_bytes (c, MSG_STREAM_CREATE, msg_stream_create (3, 1 /* MJPEG */, 8, 8));
  fake_send_bytes (c, MSG_STREAM_DATA, msg_stream_data (3, frame));
  fake_send_bytes (c, MSG_STREAM_DESTROY, g_bytes_new ("\x03\x00\x00\x00", 4));
  /* VP8: Tether says it cannot decode it, at once and for each frame. */
  fake_send_bytes (c, MSG_STREAM_CREATE, msg_stream_create (4, 2 /* VP8 */, 0, 0));
  expect_refusal (c, 4);
  fake_send_bytes (c, MSG_STREAM_DATA, msg_stream_data (4, frame));
  expect_refusal (c, 4);
  /* A frame that is no JPEG ends the stream the same way. */
  fake_send_bytes (c, MSG_STREAM_CREATE, msg_stream_create (5, 1, 0, 0));
  fake_send_bytes (c, MSG_STREAM_DATA, msg_stream_data (5, not_jpeg));
  expect_refusal (c, 5);
  fake_signal (c, "streams-done");
  fake_drain (c);
}

static void
test_streams (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceDisplayChannel *d;
  guint32 px;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_set_caps (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, CAP_STREAM_REPORT);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_streams, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_assert_true (tether_spice_session_connect (tc.session));
  d = wait_display (&tc, 0);
  tc_wait_signalled (f, "streams-done");
  tc_run_for (50);
  g_assert_cmpuint (tether_spice_display_channel_get_frame_count (d), ==, 1);
  /* The MJPEG frame, painted at (8, 8)-(24, 16); JPEG is lossy. */
  px = primary_pixel (d, 8, 8);
  g_assert_cmpint (ABS ((int) ((px >> 16) & 255) - 0x20), <=, 4);
  g_assert_cmpint (ABS ((int) ((px >> 8) & 255) - 0xc0), <=, 4);
  g_assert_cmpint (ABS ((int) (px & 255) - 0x40), <=, 4);
  px = primary_pixel (d, 23, 15);
  g_assert_cmpint (ABS ((int) ((px >> 8) & 255) - 0xc0), <=, 4);
  g_assert_cmphex (primary_pixel (d, 24, 16), ==, 0);
  g_assert_cmphex (primary_pixel (d, 7, 7), ==, 0);
  g_assert_false (tc_has_event (&tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO));
  tc_finish (&tc, f);
}

/* ---- /spice/display/gl-scanout-refused ------------------------------------------------------------ */

static void
script_gl (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  guint8 body[20] = { 0 };

  fake_send (c, MSG_GL_SCANOUT_UNIX, body, sizeof body);
  fake_drain (c);
}

static void
test_gl_scanout (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceChannel *d;
  const GError *e;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_gl, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_assert_true (tether_spice_session_connect (tc.session));
  d = TETHER_SPICE_CHANNEL (wait_display (&tc, 0));
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO);
  e = tether_spice_channel_get_error (d);
  g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (e->message, "GL scanout"));
  /* Tether never offers GL scanout (capability 7). */
  g_assert_false (tether_spice_channel_test_capability (d, 7));
  tc_finish (&tc, f);
}

/* ---- /spice/display/preferred-compression --------------------------------------------------------- */

static void
script_compression (FakeConn *c, gpointer data)
{
  g_autoptr(GBytes) init = fake_expect (c, MSGC_INIT);
  g_autoptr(GBytes) pref = fake_expect (c, MSGC_PREFERRED_COMPRESSION);

  if (pref == NULL || g_bytes_get_size (pref) != 1 || *(const guint8 *) g_bytes_get_data (pref, NULL) != 7)
    fake_fail (c, "PREFERRED_COMPRESSION is not LZ4 (7)");
  fake_signal (c, "compression");
  fake_drain (c);
}

static void
on_display_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  if (TETHER_IS_SPICE_DISPLAY_CHANNEL (channel))
    tether_spice_display_channel_change_preferred_compression (TETHER_SPICE_DISPLAY_CHANNEL (channel), 7);
}

static void
test_preferred_compression (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0);
  fake_server_set_caps (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, CAP_PREF_COMPRESSION);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_DISPLAY, script_compression, NULL);
  fake_server_start (f);
  tc_init (&tc, f, CHANNEL_DISPLAY_BIT);
  g_signal_connect (tc.session, "channel-new", G_CALLBACK (on_display_new), NULL);
  g_assert_true (tether_spice_session_connect (tc.session));
  tc_wait_signalled (f, "compression");
  tc_finish (&tc, f);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/display/draw", test_draw);
  g_test_add_func ("/spice/display/glz-hold", test_glz_hold);
  g_test_add_func ("/spice/display/glz-missing", test_glz_missing);
  g_test_add_func ("/spice/display/streams", test_streams);
  g_test_add_func ("/spice/display/gl-scanout-refused", test_gl_scanout);
  g_test_add_func ("/spice/display/preferred-compression", test_preferred_compression);
  return g_test_run ();
}
