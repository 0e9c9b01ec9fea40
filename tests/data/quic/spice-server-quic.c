/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spice-server-quic: makes the real spice-server (libspice-server1) encode
 * known images with its QUIC encoder, for Tether's decoder test vectors.
 *
 * Not part of the build: make-vectors.sh compiles it against
 * libspice-server-dev and runs it with capture-quic.py as the client.
 *
 * It is a minimal QXL device: one memory slot mapping our own address
 * space, a primary surface, and one QXL_DRAW_COPY drawable per test image
 * (at its own place on the surface, so none hides another). The server
 * runs with image-compression=quic, no JPEG, no video streaming, so every
 * bitmap it sends to the client that is big enough goes out as a QUIC
 * image. The images are pushed only once a display channel client is
 * present, so each reaches the client in its own DRAW_COPY.
 *
 * Usage: spice-server-quic OUTDIR PORT
 * Writes OUTDIR/manifest (one line per image: name x y width height
 * quic-type) and OUTDIR/NAME.bgrx (the pixels a QUIC decoder must produce:
 * B, G, R, X per pixel, top row first; X is 0 except for RGBA, where it is
 * A), then serves on 127.0.0.1:PORT until killed.
 */
#include <glib.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spice.h>
#include <spice/qxl_dev.h>

/* ---- test images --------------------------------------------------------- */

enum { PAT_PHOTO, PAT_TEXT, PAT_MIXED };

typedef struct {
  const char *name;
  int         format;      /* SPICE_BITMAP_FMT_* */
  guint32     width, height;
  int         pattern;
  gboolean    bottom_up;   /* bitmap rows stored bottom row first */
} Spec;

static const Spec specs[] = {
  { "rgb32-photo-67x41",   SPICE_BITMAP_FMT_32BIT, 67, 41, PAT_PHOTO, FALSE },
  { "rgb32-text-120x50",   SPICE_BITMAP_FMT_32BIT, 120, 50, PAT_TEXT, FALSE },
  { "rgb32-mixed-160x100", SPICE_BITMAP_FMT_32BIT, 160, 100, PAT_MIXED, FALSE },
  { "rgb32-wide-2100x4",   SPICE_BITMAP_FMT_32BIT, 2100, 4, PAT_MIXED, FALSE },
  { "rgb32-bottomup-40x30", SPICE_BITMAP_FMT_32BIT, 40, 30, PAT_PHOTO, TRUE },
  { "rgb24-photo-67x41",   SPICE_BITMAP_FMT_24BIT, 67, 41, PAT_PHOTO, FALSE },
  { "rgb24-text-120x50",   SPICE_BITMAP_FMT_24BIT, 120, 50, PAT_TEXT, FALSE },
  { "rgb24-mixed-160x100", SPICE_BITMAP_FMT_24BIT, 160, 100, PAT_MIXED, FALSE },
  { "rgb16-photo-67x41",   SPICE_BITMAP_FMT_16BIT, 67, 41, PAT_PHOTO, FALSE },
  { "rgb16-text-120x50",   SPICE_BITMAP_FMT_16BIT, 120, 50, PAT_TEXT, FALSE },
  { "rgb16-mixed-160x100", SPICE_BITMAP_FMT_16BIT, 160, 100, PAT_MIXED, FALSE },
  { "rgb16-wide-2100x4",   SPICE_BITMAP_FMT_16BIT, 2100, 4, PAT_TEXT, FALSE },
  { "rgba-photo-67x41",    SPICE_BITMAP_FMT_RGBA, 67, 41, PAT_PHOTO, FALSE },
  { "rgba-text-120x50",    SPICE_BITMAP_FMT_RGBA, 120, 50, PAT_TEXT, FALSE },
  { "rgba-mixed-160x100",  SPICE_BITMAP_FMT_RGBA, 160, 100, PAT_MIXED, FALSE },
  { "rgba-wide-2100x4",    SPICE_BITMAP_FMT_RGBA, 2100, 4, PAT_PHOTO, FALSE },
};

#define SURFACE_WIDTH  2200
#define SURFACE_HEIGHT 800

typedef struct {
  QXLCommandExt ext;
  QXLDrawable   drawable;
  QXLImage      image;
  guint8       *bitmap;
} Update;

typedef struct {
  const Spec *spec;
  guint32     x, y;
  guint8     *bitmap;     /* as handed to spice-server */
  guint32     stride;
  guint8     *expected;   /* BGRX */
} Vector;

static Vector vectors[G_N_ELEMENTS (specs)];

/* Channel values 0..255 for pixel (x, y) of channel c (0 R, 1 G, 2 B, 3 A). */
static guint
pattern_value (GRand *rand, int pattern, guint32 x, guint32 y, guint c, guint32 w, guint32 h)
{
  switch (pattern)
    {
    case PAT_PHOTO:
      {
        /* A smooth field plus a little noise. */
        int v = (int) (x * 255 / MAX (w, 1u) * (c + 1) / 3 + y * 255 / MAX (h, 1u) * (3 - c) / 3) / 2;

        v += g_rand_int_range (rand, -3, 4);
        if (c == 3)
          v = (int) (x * 255 / MAX (w, 1u));
        return (guint) CLAMP (v, 0, 255);
      }
    case PAT_TEXT:
      {
        /* Two colours in glyph-like strokes on a flat background. */
        gboolean ink = (x % 9 < 2 && (y / 3) % 4 != 3) || ((y % 11) == 5 && x % 17 < 12) ||
                       ((x + 2 * y) % 23 == 0);
        static const guint8 ink_rgba[4] = { 20, 30, 140, 255 };
        static const guint8 paper_rgba[4] = { 250, 248, 240, 128 };

        if (c == 3)
          return ink ? 255 : (x / 10) % 2 ? 0 : 128;
        return ink ? ink_rgba[c] : paper_rgba[c];
      }
    case PAT_MIXED:
    default:
      /* Left: a gradient; right: flat blocks with stray noise pixels. */
      if (x < w / 2)
        return (x * 3 + y * 5 + c * 60) & 0xff;
      if (g_rand_int_range (rand, 0, 40) == 0)
        return g_rand_int_range (rand, 0, 256);
      return ((x / 13) * 37 + (y / 7) * 91 + c * 50) & 0xff;
    }
}

static guint8
widen5 (guint v)
{
  return (guint8) ((v << 3) | (v >> 2));
}

static void
make_vector (Vector *v, const Spec *spec, GRand *rand)
{
  guint32 w = spec->width, h = spec->height;
  guint bpp = spec->format == SPICE_BITMAP_FMT_16BIT ? 2 : spec->format == SPICE_BITMAP_FMT_24BIT ? 3 : 4;

  v->spec = spec;
  /* Extra stride: QUIC ignores it, and it keeps noisy images under the
   * server's "compressed bigger than raw" cut-off. */
  v->stride = w * bpp + 4 * ((w * bpp) / 8 + 4);
  v->bitmap = g_malloc0 ((gsize) v->stride * h);
  v->expected = g_malloc0 ((gsize) w * h * 4);

  for (guint32 y = 0; y < h; y++)
    for (guint32 x = 0; x < w; x++)
      {
        guint rgba[4];
        guint32 mem_row = spec->bottom_up ? h - 1 - y : y;
        guint8 *p = v->bitmap + (gsize) mem_row * v->stride + (gsize) x * bpp;
        guint8 *e = v->expected + ((gsize) y * w + x) * 4;

        for (guint c = 0; c < 4; c++)
          rgba[c] = pattern_value (rand, spec->pattern, x, y, c, w, h);

        switch (spec->format)
          {
          case SPICE_BITMAP_FMT_16BIT:
            {
              guint r5 = rgba[0] >> 3, g5 = rgba[1] >> 3, b5 = rgba[2] >> 3;
              /* Bit 15 is unused: set it at random, the encoder must ignore it. */
              guint16 px = (guint16) ((g_rand_boolean (rand) ? 0x8000 : 0) | r5 << 10 | g5 << 5 | b5);

              p[0] = (guint8) px;
              p[1] = (guint8) (px >> 8);
              e[0] = widen5 (b5);
              e[1] = widen5 (g5);
              e[2] = widen5 (r5);
              e[3] = 0;
            }
            break;
          case SPICE_BITMAP_FMT_24BIT:
            p[0] = (guint8) rgba[2];
            p[1] = (guint8) rgba[1];
            p[2] = (guint8) rgba[0];
            e[0] = p[0];
            e[1] = p[1];
            e[2] = p[2];
            e[3] = 0;
            break;
          case SPICE_BITMAP_FMT_32BIT:
            p[0] = (guint8) rgba[2];
            p[1] = (guint8) rgba[1];
            p[2] = (guint8) rgba[0];
            /* The pad byte holds junk: QUIC RGB32 does not code it and the
             * decoder writes 0. */
            p[3] = (guint8) g_rand_int_range (rand, 0, 256);
            e[0] = p[0];
            e[1] = p[1];
            e[2] = p[2];
            e[3] = 0;
            break;
          case SPICE_BITMAP_FMT_RGBA:
          default:
            p[0] = (guint8) rgba[2];
            p[1] = (guint8) rgba[1];
            p[2] = (guint8) rgba[0];
            p[3] = (guint8) rgba[3];
            memcpy (e, p, 4);
            break;
          }
      }
}

static const char *
quic_type_name (int format)
{
  switch (format)
    {
    case SPICE_BITMAP_FMT_16BIT: return "RGB16";
    case SPICE_BITMAP_FMT_24BIT: return "RGB24";
    case SPICE_BITMAP_FMT_32BIT: return "RGB32";
    default: return "RGBA";
    }
}

/* ---- command queue (get_command runs in spice-server's worker thread) ---- */

static GMutex queue_lock;
static GQueue queue = G_QUEUE_INIT;
static QXLInstance qxl;
static guint8 *surface_mem;

static Update *
make_update (const Vector *v, guint64 unique)
{
  Update *u = g_new0 (Update, 1);
  QXLDrawable *d = &u->drawable;
  QXLImage *img = &u->image;

  d->surface_id = 0;
  d->bbox.left = (int32_t) v->x;
  d->bbox.top = (int32_t) v->y;
  d->bbox.right = (int32_t) (v->x + v->spec->width);
  d->bbox.bottom = (int32_t) (v->y + v->spec->height);
  d->clip.type = SPICE_CLIP_TYPE_NONE;
  d->effect = QXL_EFFECT_OPAQUE;
  d->release_info.id = (uint64_t) (uintptr_t) u;
  d->type = QXL_DRAW_COPY;
  d->surfaces_dest[0] = d->surfaces_dest[1] = d->surfaces_dest[2] = -1;
  d->u.copy.rop_descriptor = SPICE_ROPD_OP_PUT;
  d->u.copy.src_bitmap = (QXLPHYSICAL) (uintptr_t) img;
  d->u.copy.src_area.right = (int32_t) v->spec->width;
  d->u.copy.src_area.bottom = (int32_t) v->spec->height;

  QXL_SET_IMAGE_ID (img, QXL_IMAGE_GROUP_DEVICE, unique);
  img->descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
  img->descriptor.width = img->bitmap.x = v->spec->width;
  img->descriptor.height = img->bitmap.y = v->spec->height;
  img->bitmap.format = (uint8_t) v->spec->format;
  img->bitmap.flags = QXL_BITMAP_DIRECT | (v->spec->bottom_up ? 0 : QXL_BITMAP_TOP_DOWN);
  img->bitmap.stride = v->stride;
  img->bitmap.palette = 0;
  img->bitmap.data = (QXLPHYSICAL) (uintptr_t) v->bitmap;

  u->ext.cmd.type = QXL_CMD_DRAW;
  u->ext.cmd.data = (QXLPHYSICAL) (uintptr_t) d;
  u->ext.group_id = 0;
  return u;
}

static gboolean
push_all (gpointer data)
{
  (void) data;
  g_mutex_lock (&queue_lock);
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    g_queue_push_tail (&queue, make_update (&vectors[i], 1000 + i));
  g_mutex_unlock (&queue_lock);
  spice_qxl_wakeup (&qxl);
  fprintf (stderr, "spice-server-quic: pushed %u drawables\n", (guint) G_N_ELEMENTS (vectors));
  return G_SOURCE_REMOVE;
}

static gboolean
client_arrived (gpointer data)
{
  static gboolean pushed;

  (void) data;
  if (!pushed)
    {
      pushed = TRUE;
      g_timeout_add (500, push_all, NULL);
    }
  return G_SOURCE_REMOVE;
}

/* ---- QXL interface ------------------------------------------------------- */

static void
qxl_attached_worker (QXLInstance *qin)
{
  QXLDevMemSlot slot = {
    .slot_group_id = 0, .slot_id = 0, .generation = 0,
    .virt_start = 0, .virt_end = ~(uintptr_t) 0, .addr_delta = 0, .qxl_ram_size = ~0u,
  };
  QXLDevSurfaceCreate surface = { 0 };

  spice_qxl_add_memslot (qin, &slot);
  surface_mem = g_malloc0 ((gsize) SURFACE_WIDTH * SURFACE_HEIGHT * 4);
  surface.format = SPICE_SURFACE_FMT_32_xRGB;
  surface.width = SURFACE_WIDTH;
  surface.height = SURFACE_HEIGHT;
  surface.stride = -SURFACE_WIDTH * 4;
  surface.mouse_mode = TRUE;
  surface.mem = (uint64_t) (uintptr_t) surface_mem;
  surface.group_id = 0;
  spice_qxl_create_primary_surface (qin, 0, &surface);
}

static void
qxl_set_compression_level (QXLInstance *qin, int level)
{
  (void) qin; (void) level;
}

static void
qxl_get_init_info (QXLInstance *qin, QXLDevInitInfo *info)
{
  (void) qin;
  memset (info, 0, sizeof *info);
  info->num_memslots = 1;
  info->num_memslots_groups = 1;
  info->memslot_id_bits = 1;
  info->memslot_gen_bits = 1;
  info->n_surfaces = 1;
}

static int
qxl_get_command (QXLInstance *qin, QXLCommandExt *ext)
{
  Update *u;

  (void) qin;
  g_mutex_lock (&queue_lock);
  u = g_queue_pop_head (&queue);
  g_mutex_unlock (&queue_lock);
  if (u == NULL)
    return FALSE;
  *ext = u->ext;
  return TRUE;
}

static int
qxl_req_cmd_notification (QXLInstance *qin)
{
  gboolean empty;

  (void) qin;
  g_mutex_lock (&queue_lock);
  empty = g_queue_is_empty (&queue);
  g_mutex_unlock (&queue_lock);
  return empty;
}

static void
qxl_release_resource (QXLInstance *qin, QXLReleaseInfoExt release_info)
{
  (void) qin;
  g_free ((Update *) (uintptr_t) release_info.info->id);
}

static int
qxl_get_cursor_command (QXLInstance *qin, QXLCommandExt *ext)
{
  (void) qin; (void) ext;
  return FALSE;
}

static int
qxl_req_cursor_notification (QXLInstance *qin)
{
  (void) qin;
  return TRUE;
}

static void
qxl_notify_update (QXLInstance *qin, uint32_t update_id)
{
  (void) qin; (void) update_id;
}

static int
qxl_flush_resources (QXLInstance *qin)
{
  (void) qin;
  return 0;
}

static void
qxl_set_client_capabilities (QXLInstance *qin, uint8_t client_present, uint8_t caps[58])
{
  (void) qin; (void) caps;
  if (client_present)
    g_idle_add (client_arrived, NULL);   /* back to the main thread */
}

static int
qxl_client_monitors_config (QXLInstance *qin, VDAgentMonitorsConfig *mc)
{
  (void) qin; (void) mc;
  return 0;
}

static QXLInterface qxl_sif = {
  .base = {
    .type = SPICE_INTERFACE_QXL,
    .description = "tether quic vectors",
    .major_version = SPICE_INTERFACE_QXL_MAJOR,
    .minor_version = SPICE_INTERFACE_QXL_MINOR,
  },
  { .attached_worker = qxl_attached_worker },
  .set_compression_level = qxl_set_compression_level,
  .get_init_info = qxl_get_init_info,
  .get_command = qxl_get_command,
  .req_cmd_notification = qxl_req_cmd_notification,
  .release_resource = qxl_release_resource,
  .get_cursor_command = qxl_get_cursor_command,
  .req_cursor_notification = qxl_req_cursor_notification,
  .notify_update = qxl_notify_update,
  .flush_resources = qxl_flush_resources,
  .set_client_capabilities = qxl_set_client_capabilities,
  .client_monitors_config = qxl_client_monitors_config,
};

/* ---- core interface on the GLib default main context --------------------- */

struct SpiceTimer {
  SpiceTimerFunc func;
  void          *opaque;
  GSource       *source;
};

struct SpiceWatch {
  int            fd;
  SpiceWatchFunc func;
  void          *opaque;
  GSource       *source;
};

static gboolean
timer_fire (gpointer data)
{
  SpiceTimer *t = data;

  g_source_unref (t->source);
  t->source = NULL;
  t->func (t->opaque);
  return G_SOURCE_REMOVE;
}

static SpiceTimer *
core_timer_add (SpiceTimerFunc func, void *opaque)
{
  SpiceTimer *t = g_new0 (SpiceTimer, 1);

  t->func = func;
  t->opaque = opaque;
  return t;
}

static void
core_timer_cancel (SpiceTimer *t)
{
  if (t->source != NULL)
    {
      g_source_destroy (t->source);
      g_source_unref (t->source);
      t->source = NULL;
    }
}

static void
core_timer_start (SpiceTimer *t, uint32_t ms)
{
  core_timer_cancel (t);
  t->source = g_timeout_source_new (ms);
  g_source_set_callback (t->source, timer_fire, t, NULL);
  g_source_attach (t->source, NULL);
}

static void
core_timer_remove (SpiceTimer *t)
{
  core_timer_cancel (t);
  g_free (t);
}

static gboolean
watch_fire (gint fd, GIOCondition cond, gpointer data)
{
  SpiceWatch *w = data;
  int events = 0;

  if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    events |= SPICE_WATCH_EVENT_READ;
  if (cond & G_IO_OUT)
    events |= SPICE_WATCH_EVENT_WRITE;
  w->func (fd, events, w->opaque);
  return G_SOURCE_CONTINUE;
}

static void
watch_arm (SpiceWatch *w, int mask)
{
  GIOCondition cond = 0;

  if (w->source != NULL)
    {
      g_source_destroy (w->source);
      g_source_unref (w->source);
      w->source = NULL;
    }
  if (mask & SPICE_WATCH_EVENT_READ)
    cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (mask & SPICE_WATCH_EVENT_WRITE)
    cond |= G_IO_OUT;
  if (cond == 0)
    return;
  w->source = g_unix_fd_source_new (w->fd, cond);
  g_source_set_callback (w->source, (GSourceFunc) (void (*) (void)) watch_fire, w, NULL);
  g_source_attach (w->source, NULL);
}

static SpiceWatch *
core_watch_add (int fd, int mask, SpiceWatchFunc func, void *opaque)
{
  SpiceWatch *w = g_new0 (SpiceWatch, 1);

  w->fd = fd;
  w->func = func;
  w->opaque = opaque;
  watch_arm (w, mask);
  return w;
}

static void
core_watch_update_mask (SpiceWatch *w, int mask)
{
  watch_arm (w, mask);
}

static void
core_watch_remove (SpiceWatch *w)
{
  watch_arm (w, 0);
  g_free (w);
}

static void
core_channel_event (int event, SpiceChannelEventInfo *info)
{
  (void) event; (void) info;
}

static SpiceCoreInterface core = {
  .base = {
    .type = SPICE_INTERFACE_CORE,
    .description = "tether quic vectors",
    .major_version = SPICE_INTERFACE_CORE_MAJOR,
    .minor_version = SPICE_INTERFACE_CORE_MINOR,
  },
  .timer_add = core_timer_add,
  .timer_start = core_timer_start,
  .timer_cancel = core_timer_cancel,
  .timer_remove = core_timer_remove,
  .watch_add = core_watch_add,
  .watch_update_mask = core_watch_update_mask,
  .watch_remove = core_watch_remove,
  .channel_event = core_channel_event,
};

/* ---- main ---------------------------------------------------------------- */

static gboolean
quit_on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  SpiceServer *server;
  GMainLoop *loop;
  GRand *rand;
  g_autofree char *manifest_path = NULL;
  FILE *manifest;
  guint32 x = 0, y = 0, row_h = 0;
  int port;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s OUTDIR PORT\n", argv[0]);
      return 2;
    }
  port = (int) g_ascii_strtoll (argv[2], NULL, 10);
  signal (SIGPIPE, SIG_IGN);

  /* The images, laid out left to right, top to bottom, 4 pixels apart. */
  rand = g_rand_new_with_seed (20240601);
  manifest_path = g_build_filename (argv[1], "manifest", NULL);
  manifest = fopen (manifest_path, "w");
  if (manifest == NULL)
    {
      perror (manifest_path);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      Vector *v = &vectors[i];
      g_autofree char *name = g_strconcat (specs[i].name, ".bgrx", NULL);
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      g_autoptr(GError) error = NULL;

      make_vector (v, &specs[i], rand);
      if (x + specs[i].width > SURFACE_WIDTH)
        {
          x = 0;
          y += row_h + 4;
          row_h = 0;
        }
      v->x = x;
      v->y = y;
      x += specs[i].width + 4;
      row_h = MAX (row_h, specs[i].height);
      g_assert (v->y + specs[i].height <= SURFACE_HEIGHT);
      fprintf (manifest, "%s %u %u %u %u %s\n", specs[i].name, v->x, v->y,
               specs[i].width, specs[i].height, quic_type_name (specs[i].format));
      if (!g_file_set_contents (path, (const char *) v->expected,
                                (gssize) specs[i].width * specs[i].height * 4, &error))
        g_error ("%s", error->message);
    }
  fclose (manifest);
  g_rand_free (rand);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_on_signal, loop);
  g_unix_signal_add (SIGINT, quit_on_signal, loop);

  server = spice_server_new ();
  spice_server_set_addr (server, "127.0.0.1", 0);
  spice_server_set_port (server, port);
  spice_server_set_noauth (server);
  spice_server_set_image_compression (server, SPICE_IMAGE_COMPRESSION_QUIC);
  spice_server_set_jpeg_compression (server, SPICE_WAN_COMPRESSION_NEVER);
  spice_server_set_zlib_glz_compression (server, SPICE_WAN_COMPRESSION_NEVER);
  spice_server_set_streaming_video (server, SPICE_STREAM_VIDEO_OFF);
  if (spice_server_init (server, &core) != 0)
    {
      fprintf (stderr, "spice-server-quic: spice_server_init failed (port %d in use?)\n", port);
      return 1;
    }
  qxl.base.sif = &qxl_sif.base;
  qxl.id = 0;
  spice_server_add_interface (server, &qxl.base);
  spice_server_vm_start (server);
  fprintf (stderr, "spice-server-quic: listening on 127.0.0.1:%d\n", port);

  g_main_loop_run (loop);

  spice_server_destroy (server);
  g_main_loop_unref (loop);
  return 0;
}
