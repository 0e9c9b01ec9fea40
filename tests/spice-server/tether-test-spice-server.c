/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether-test-spice-server: a SPICE server on libspice-server that serves a
 * deterministic synthetic picture, for Tether's tests and benchmarks.
 *
 * The picture lives in a model framebuffer (tss-pattern.c). spice-server
 * sees a QXL device: one identity memory slot (guest address = our
 * address), a primary surface whose memory starts as frame 0 and is then
 * written only by spice-server's renderer, and for each later frame one
 * QXL_DRAW_COPY drawable carrying a bitmap of the changed rectangle.
 *
 * Threads: the main thread runs the GLib main loop (spice-server's core
 * interface, frame production, signals); spice-server's worker thread calls
 * get_command, req_cmd_notification and release_resource. The command
 * queue and counters between the two are guarded by server.lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "tss.h"

#define PROGRAM_NAME "tether-test-spice-server"
#define MAX_PENDING_DRAWS 4u     /* drawables queued for the worker */
#define MAX_FPS 1000u
#define MAX_PASSWORD_LENGTH 60u  /* SPICE tickets are at most 60 bytes */
#define MAX_PASSWORD_FILE_SIZE 4096u
#define CURSOR_SIZE 32u
#define SURFACE_COUNT 16u
#define MEMSLOT_GROUP 0u

typedef enum {
  CMD_DRAW = 0x44524157,   /* "DRAW" */
  CMD_CURSOR = 0x43555253, /* "CURS" */
} CmdKind;

/* A command handed to spice-server with everything it points at, freed on
 * release_resource. The QXL structs are packed, so the pixel rows follow
 * the image header directly. */
typedef struct {
  CmdKind kind;
  QXLDrawable drawable;
  QXLImage image;
  guint8 pixels[];
} DrawCmd;

typedef struct {
  CmdKind kind;
  QXLCursorCmd cmd;
  QXLCursor cursor;
  guint8 shape[CURSOR_SIZE * CURSOR_SIZE * 4];
} CursorCmd;

/* QXLCursor ends in a chunk whose data must follow it in memory. */
G_STATIC_ASSERT (offsetof (CursorCmd, shape) == offsetof (CursorCmd, cursor) + sizeof (QXLCursor));

typedef struct {
  /* options */
  char *addr;
  gint64 port;              /* -1: none */
  gint64 tls_port;          /* -1: none */
  char *x509_dir;
  char *unix_path;
  char *password;
  char *password_file;
  char *name;
  char *uuid;
  guint width;
  guint height;
  SpiceImageCompression image_compression;
  spice_wan_compression_t jpeg_wan;
  spice_wan_compression_t zlib_glz_wan;
  int streaming_video;
  TssPatternKind pattern_kind;
  guint32 seed;
  guint fps;
  guint64 frame_limit;      /* 0: unlimited */
  int ready_fd;             /* -1: READY on stdout */
  char *pidfile;
  gboolean print_input;
  gboolean print_channels;
  gboolean wait_for_client;

  /* main thread */
  SpiceServer *spice;
  QXLInstance qxl;
  TssPattern *pattern;
  guint8 *surface_memory;
  GSocket *listen_socket;   /* ours when --port 0 */
  gboolean unix_bound;      /* spice-server made the socket at unix_path */
  GMainLoop *loop;
  GSource *tick;            /* frame pacing; also poked by the worker */
  gint64 next_due;
  gint64 period;            /* µs; 0: as fast as spice-server takes frames */
  guint32 image_serial;

  /* shared with spice-server's worker thread */
  GMutex lock;
  GQueue pending;           /* DrawCmd * not yet taken */
  CursorCmd *cursor_pending;
  GHashTable *in_flight;    /* commands taken and not yet released */
  gboolean notify_wanted;   /* the worker asked for a wakeup */
  gboolean pump_waiting;    /* the producer waits for room in pending */
  guint64 produced;
  guint64 taken;
  guint64 released;
} Server;

static Server server = {
  .port = -1,
  .tls_port = -1,
  .width = 1024,
  .height = 768,
  .image_compression = SPICE_IMAGE_COMPRESSION_AUTO_GLZ,
  .jpeg_wan = SPICE_WAN_COMPRESSION_AUTO,
  .zlib_glz_wan = SPICE_WAN_COMPRESSION_AUTO,
  .streaming_video = SPICE_STREAM_VIDEO_OFF,
  .pattern_kind = TSS_PATTERN_STATIC,
  .seed = 1,
  .fps = 30,
  .ready_fd = -1,
};

static inline QXLPHYSICAL
phys (const void *p)
{
  /* Identity memory slot 0, generation 0: the address itself. */
  return (QXLPHYSICAL) (guintptr) p;
}

/* --- commands ----------------------------------------------------------------- */

static DrawCmd *
draw_cmd_new (const TssRect *r)
{
  gsize stride = (gsize) r->width * 4, size;
  const guint32 *src = tss_pattern_get_pixels (server.pattern);
  DrawCmd *cmd;
  QXLDrawable *d;
  QXLImage *img;

  /* r lies inside a picture of at most TSS_MAX_DIMENSION squared. */
  size = sizeof (DrawCmd) + stride * r->height;
  cmd = g_malloc (size);
  memset (cmd, 0, sizeof (DrawCmd));
  cmd->kind = CMD_DRAW;

  d = &cmd->drawable;
  d->release_info.id = (guint64) (guintptr) cmd;
  d->surface_id = 0;
  d->effect = QXL_EFFECT_OPAQUE;
  d->type = QXL_DRAW_COPY;
  d->bbox.top = r->y;
  d->bbox.left = r->x;
  d->bbox.bottom = r->y + r->height;
  d->bbox.right = r->x + r->width;
  d->clip.type = SPICE_CLIP_TYPE_NONE;
  for (guint i = 0; i < 3; i++)
    d->surfaces_dest[i] = -1;
  d->u.copy.src_bitmap = phys (&cmd->image);
  d->u.copy.src_area.right = r->width;
  d->u.copy.src_area.bottom = r->height;
  d->u.copy.rop_descriptor = SPICE_ROPD_OP_PUT;
  d->u.copy.scale_mode = SPICE_IMAGE_SCALE_MODE_NEAREST;

  img = &cmd->image;
  QXL_SET_IMAGE_ID (img, QXL_IMAGE_GROUP_DEVICE, ++server.image_serial);
  img->descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
  img->descriptor.width = r->width;
  img->descriptor.height = r->height;
  img->bitmap.format = SPICE_BITMAP_FMT_32BIT;
  img->bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
  img->bitmap.x = r->width;
  img->bitmap.y = r->height;
  img->bitmap.stride = stride;
  img->bitmap.data = phys (cmd->pixels);

  for (guint y = 0; y < r->height; y++)
    memcpy (cmd->pixels + y * stride, src + (gsize) (r->y + y) * server.width + r->x, stride);
  return cmd;
}

/* A 32 x 32 arrow, black with a white outline, hot spot at its tip. */
static CursorCmd *
cursor_cmd_new (void)
{
  CursorCmd *cmd = g_new0 (CursorCmd, 1);

  cmd->kind = CMD_CURSOR;
  cmd->cmd.release_info.id = (guint64) (guintptr) cmd;
  cmd->cmd.type = QXL_CURSOR_SET;
  cmd->cmd.u.set.visible = 1;
  cmd->cmd.u.set.shape = phys (&cmd->cursor);
  cmd->cursor.header.type = SPICE_CURSOR_TYPE_ALPHA;
  cmd->cursor.header.width = CURSOR_SIZE;
  cmd->cursor.header.height = CURSOR_SIZE;
  cmd->cursor.data_size = sizeof (cmd->shape);
  cmd->cursor.chunk.data_size = sizeof (cmd->shape);

  for (guint y = 0; y < CURSOR_SIZE; y++)
    for (guint x = 0; x < CURSOR_SIZE; x++)
      {
        guint edge = y * 2 / 3;
        gboolean inside = y < 24 && x <= edge;
        gboolean outline = inside && (x == 0 || x == edge || y == 23);
        guint8 *px = cmd->shape + (y * CURSOR_SIZE + x) * 4;
        guint8 level = outline ? 0xff : 0x00;

        /* ARGB, little-endian: B, G, R, A */
        px[0] = px[1] = px[2] = inside ? level : 0;
        px[3] = inside ? 0xff : 0;
      }
  return cmd;
}

static void
cmd_free (gpointer p)
{
  g_free (p);
}

/* --- frame production (main thread) --------------------------------------------- */

static gboolean
frames_remain (void)
{
  return server.pattern_kind != TSS_PATTERN_STATIC
         && (server.frame_limit == 0 || tss_pattern_get_frame (server.pattern) < server.frame_limit);
}

static void
produce_frame (void)
{
  TssRect dirty;
  DrawCmd *cmd;
  gboolean wake;

  if (!tss_pattern_next_frame (server.pattern, &dirty))
    return;
  cmd = draw_cmd_new (&dirty);
  g_mutex_lock (&server.lock);
  g_queue_push_tail (&server.pending, cmd);
  server.produced++;
  wake = server.notify_wanted;
  server.notify_wanted = FALSE;
  g_mutex_unlock (&server.lock);
  if (wake)
    spice_qxl_wakeup (&server.qxl);
}

/* Produces the frames that are due while the worker has room for them, at
 * most MAX_PENDING_DRAWS per run so that the main loop gets back to
 * spice-server's sockets and the signals (the tick also runs at a lower
 * priority than those). Runs from the tick source: at the next frame time,
 * right away when it stopped at the per-run limit, or when the worker took
 * a command while the producer waited for room. Keeping the queue full
 * matters: a worker that finds it empty polls again only some milliseconds
 * later. */
static void
pump (void)
{
  gint64 now = g_get_monotonic_time ();

  g_source_set_ready_time (server.tick, -1);
  for (guint made = 0; frames_remain (); made++)
    {
      gboolean room;

      if (server.period > 0 && now < server.next_due)
        {
          g_source_set_ready_time (server.tick, server.next_due);
          return;
        }
      if (made == MAX_PENDING_DRAWS)
        {
          g_source_set_ready_time (server.tick, 0);   /* next iteration */
          return;
        }
      g_mutex_lock (&server.lock);
      room = g_queue_get_length (&server.pending) < MAX_PENDING_DRAWS;
      if (!room)
        server.pump_waiting = TRUE;   /* qxl_get_command wakes us */
      g_mutex_unlock (&server.lock);
      if (!room)
        return;

      produce_frame ();
      if (server.period > 0)
        {
          server.next_due += server.period;
          /* After a stall, carry on at the frame rate instead of bursting. */
          if (server.next_due < now - server.period)
            server.next_due = now;
        }
    }
}

static gboolean
tick_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  pump ();
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs tick_funcs = {
  .dispatch = tick_dispatch,
};

static void
start_frames (void)
{
  if (!frames_remain ())
    return;
  server.period = server.fps > 0 ? G_USEC_PER_SEC / server.fps : 0;
  server.next_due = g_get_monotonic_time ();
  g_source_set_ready_time (server.tick, 0);
}

static gboolean
start_frames_once (gpointer data)
{
  static gboolean started;

  if (!started)
    {
      started = TRUE;
      start_frames ();
    }
  return G_SOURCE_REMOVE;
}

/* The display channel linked (any thread): start the updates on the main
 * thread, once. */
static void
on_display_linked (void)
{
  g_main_context_invoke (NULL, start_frames_once, NULL);
}

/* --- QXL interface (spice-server's threads) --------------------------------------- */

static void
qxl_attached_worker (QXLInstance *qin)
{
  QXLDevMemSlot slot = {
    .slot_group_id = MEMSLOT_GROUP,
    .slot_id = 0,
    .generation = 0,
    .virt_start = 0,
    .virt_end = UINTPTR_MAX,
    .addr_delta = 0,
    .qxl_ram_size = G_MAXUINT32,
  };
  QXLDevSurfaceCreate surface = {
    .width = server.width,
    .height = server.height,
    .stride = (int32_t) (server.width * 4),
    .format = SPICE_SURFACE_FMT_32_xRGB,
    .mouse_mode = 1,                        /* allow client mouse mode */
    .flags = QXL_SURF_FLAG_KEEP_DATA,       /* the memory holds frame 0 */
    .type = QXL_SURF_TYPE_PRIMARY,
    .mem = phys (server.surface_memory),
    .group_id = MEMSLOT_GROUP,
  };

  spice_qxl_add_memslot (qin, &slot);
  spice_qxl_create_primary_surface (qin, 0, &surface);
}

static void
qxl_set_compression_level (QXLInstance *qin, int level)
{
}

static void
qxl_get_init_info (QXLInstance *qin, QXLDevInitInfo *info)
{
  memset (info, 0, sizeof (*info));
  info->num_memslots_groups = 1;
  info->num_memslots = 1;
  info->memslot_gen_bits = 1;
  info->memslot_id_bits = 1;
  info->qxl_ram_size = G_MAXUINT32;
  info->internal_groupslot_id = MEMSLOT_GROUP;
  info->n_surfaces = SURFACE_COUNT;
}

static int
qxl_get_command (QXLInstance *qin, QXLCommandExt *ext)
{
  DrawCmd *cmd;
  gboolean wake_producer = FALSE;

  g_mutex_lock (&server.lock);
  cmd = g_queue_pop_head (&server.pending);
  if (cmd != NULL)
    {
      g_hash_table_add (server.in_flight, cmd);
      server.taken++;
      wake_producer = server.pump_waiting;
      server.pump_waiting = FALSE;
    }
  g_mutex_unlock (&server.lock);
  if (cmd == NULL)
    return 0;

  if (wake_producer)
    g_source_set_ready_time (server.tick, 0);
  memset (ext, 0, sizeof (*ext));
  ext->cmd.data = phys (&cmd->drawable);
  ext->cmd.type = QXL_CMD_DRAW;
  ext->group_id = MEMSLOT_GROUP;
  return 1;
}

static int
qxl_req_cmd_notification (QXLInstance *qin)
{
  int wait;

  g_mutex_lock (&server.lock);
  wait = g_queue_is_empty (&server.pending);
  if (wait)
    server.notify_wanted = TRUE;
  g_mutex_unlock (&server.lock);
  return wait;
}

static void
qxl_release_resource (QXLInstance *qin, QXLReleaseInfoExt release_info)
{
  gpointer cmd = (gpointer) (guintptr) release_info.info->id;
  gboolean known;

  g_mutex_lock (&server.lock);
  known = g_hash_table_steal (server.in_flight, cmd);
  if (known)
    server.released++;
  g_mutex_unlock (&server.lock);
  if (known)
    cmd_free (cmd);
  else
    g_printerr (PROGRAM_NAME ": spice-server released an unknown resource\n");
}

static int
qxl_get_cursor_command (QXLInstance *qin, QXLCommandExt *ext)
{
  CursorCmd *cmd;

  g_mutex_lock (&server.lock);
  cmd = server.cursor_pending;
  server.cursor_pending = NULL;
  if (cmd != NULL)
    g_hash_table_add (server.in_flight, cmd);
  g_mutex_unlock (&server.lock);
  if (cmd == NULL)
    return 0;

  memset (ext, 0, sizeof (*ext));
  ext->cmd.data = phys (&cmd->cmd);
  ext->cmd.type = QXL_CMD_CURSOR;
  ext->group_id = MEMSLOT_GROUP;
  return 1;
}

static int
qxl_req_cursor_notification (QXLInstance *qin)
{
  int wait;

  g_mutex_lock (&server.lock);
  wait = server.cursor_pending == NULL;
  g_mutex_unlock (&server.lock);
  return wait;
}

static void
qxl_notify_update (QXLInstance *qin, uint32_t update_id)
{
}

static int
qxl_flush_resources (QXLInstance *qin)
{
  return 0;
}

static void
qxl_async_complete (QXLInstance *qin, uint64_t cookie)
{
}

static void
qxl_update_area_complete (QXLInstance *qin, uint32_t surface_id,
                          struct QXLRect *updated_rects, uint32_t num_updated_rects)
{
}

static void
qxl_set_client_capabilities (QXLInstance *qin, uint8_t client_present,
                             uint8_t caps[SPICE_CAPABILITIES_SIZE])
{
}

static int
qxl_client_monitors_config (QXLInstance *qin, VDAgentMonitorsConfig *monitors_config)
{
  return 0;   /* no guest to resize: not supported */
}

static const QXLInterface qxl_interface = {
  .base = {
    .type = SPICE_INTERFACE_QXL,
    .description = PROGRAM_NAME " synthetic display",
    .major_version = SPICE_INTERFACE_QXL_MAJOR,
    .minor_version = SPICE_INTERFACE_QXL_MINOR,
  },
  .attached_worker = qxl_attached_worker,
  .set_compression_level = qxl_set_compression_level,
  .get_init_info = qxl_get_init_info,
  .get_command = qxl_get_command,
  .req_cmd_notification = qxl_req_cmd_notification,
  .release_resource = qxl_release_resource,
  .get_cursor_command = qxl_get_cursor_command,
  .req_cursor_notification = qxl_req_cursor_notification,
  .notify_update = qxl_notify_update,
  .flush_resources = qxl_flush_resources,
  .async_complete = qxl_async_complete,
  .update_area_complete = qxl_update_area_complete,
  .set_client_capabilities = qxl_set_client_capabilities,
  .client_monitors_config = qxl_client_monitors_config,
};

/* --- options -------------------------------------------------------------------- */

typedef struct {
  const char *name;
  int value;
} NamedValue;

static const NamedValue image_compressions[] = {
  { "quic", SPICE_IMAGE_COMPRESSION_QUIC },
  { "lz", SPICE_IMAGE_COMPRESSION_LZ },
  { "glz", SPICE_IMAGE_COMPRESSION_GLZ },
  { "auto_glz", SPICE_IMAGE_COMPRESSION_AUTO_GLZ },
  { "auto_lz", SPICE_IMAGE_COMPRESSION_AUTO_LZ },
  { "lz4", SPICE_IMAGE_COMPRESSION_LZ4 },
  { "off", SPICE_IMAGE_COMPRESSION_OFF },
  { NULL, 0 },
};

static const NamedValue wan_compressions[] = {
  { "auto", SPICE_WAN_COMPRESSION_AUTO },
  { "always", SPICE_WAN_COMPRESSION_ALWAYS },
  { "never", SPICE_WAN_COMPRESSION_NEVER },
  { NULL, 0 },
};

static const NamedValue streaming_modes[] = {
  { "off", SPICE_STREAM_VIDEO_OFF },
  { "all", SPICE_STREAM_VIDEO_ALL },
  { "filter", SPICE_STREAM_VIDEO_FILTER },
  { NULL, 0 },
};

static gboolean
lookup_name (const char *option, const char *value, const NamedValue *table, int *out,
             GError **error)
{
  GString *names;

  for (const NamedValue *e = table; e->name != NULL; e++)
    if (g_str_equal (e->name, value))
      {
        *out = e->value;
        return TRUE;
      }
  names = g_string_new (NULL);
  for (const NamedValue *e = table; e->name != NULL; e++)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", e->name);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s: '%s' is not one of: %s", option, value, names->str);
  g_string_free (names, TRUE);
  return FALSE;
}

static gboolean
parse_unsigned (const char *option, const char *value, guint64 min, guint64 max,
                guint64 *out, GError **error)
{
  GError *local = NULL;

  if (!g_ascii_string_to_unsigned (value, 10, min, max, out, &local))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", option,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
option_cb (const char *option, const char *value, gpointer data, GError **error)
{
  guint64 n;
  int v;

  if (g_str_equal (option, "--port") || g_str_equal (option, "--tls-port"))
    {
      if (!parse_unsigned (option, value, 0, 65535, &n, error))
        return FALSE;
      *(g_str_equal (option, "--port") ? &server.port : &server.tls_port) = (gint64) n;
    }
  else if (g_str_equal (option, "--width") || g_str_equal (option, "--height"))
    {
      if (!parse_unsigned (option, value, TSS_MIN_DIMENSION, TSS_MAX_DIMENSION, &n, error))
        return FALSE;
      *(g_str_equal (option, "--width") ? &server.width : &server.height) = (guint) n;
    }
  else if (g_str_equal (option, "--seed"))
    {
      if (!parse_unsigned (option, value, 0, G_MAXUINT32, &n, error))
        return FALSE;
      server.seed = (guint32) n;
    }
  else if (g_str_equal (option, "--fps"))
    {
      if (!parse_unsigned (option, value, 0, MAX_FPS, &n, error))
        return FALSE;
      server.fps = (guint) n;
    }
  else if (g_str_equal (option, "--frames"))
    {
      if (!parse_unsigned (option, value, 0, G_MAXINT64, &n, error))
        return FALSE;
      server.frame_limit = n;
    }
  else if (g_str_equal (option, "--ready-fd"))
    {
      if (!parse_unsigned (option, value, 3, G_MAXINT, &n, error))
        return FALSE;
      server.ready_fd = (int) n;
    }
  else if (g_str_equal (option, "--image-compression"))
    {
      if (!lookup_name (option, value, image_compressions, &v, error))
        return FALSE;
      server.image_compression = v;
    }
  else if (g_str_equal (option, "--jpeg-wan-compression")
           || g_str_equal (option, "--zlib-glz-wan-compression"))
    {
      if (!lookup_name (option, value, wan_compressions, &v, error))
        return FALSE;
      *(g_str_equal (option, "--jpeg-wan-compression") ? &server.jpeg_wan : &server.zlib_glz_wan) = v;
    }
  else if (g_str_equal (option, "--streaming-video"))
    {
      if (!lookup_name (option, value, streaming_modes, &server.streaming_video, error))
        return FALSE;
    }
  else if (g_str_equal (option, "--pattern"))
    {
      if (!tss_pattern_kind_from_string (value, &server.pattern_kind))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s: '%s' is not one of: static, moving-bars, noise, text, gradient",
                       option, value);
          return FALSE;
        }
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "unknown option %s", option);
      return FALSE;
    }
  return TRUE;
}

#define CB_OPTION(name, arg, help) \
  { name, 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) option_cb, help, arg }

static const GOptionEntry option_entries[] = {
  { "addr", 0, 0, G_OPTION_ARG_STRING, &server.addr, "Listen address (default 127.0.0.1)", "ADDR" },
  CB_OPTION ("port", "N", "Plain TCP port; 0 picks a free one (the default without --tls-port/--unix)"),
  CB_OPTION ("tls-port", "N", "TLS port (needs --x509-dir); 0 picks a free one"),
  { "x509-dir", 0, 0, G_OPTION_ARG_FILENAME, &server.x509_dir,
    "Directory with ca-cert.pem, server-cert.pem, server-key.pem", "DIR" },
  { "unix", 0, 0, G_OPTION_ARG_FILENAME, &server.unix_path, "Listen on a unix socket instead of TCP", "PATH" },
  { "password", 0, 0, G_OPTION_ARG_STRING, &server.password,
    "Ticket (visible in ps; prefer --password-file); default: no authentication", "PW" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &server.password_file,
    "Read the ticket from FILE (one trailing newline is dropped)", "FILE" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &server.name, "VM name sent to clients", "NAME" },
  { "uuid", 0, 0, G_OPTION_ARG_STRING, &server.uuid, "VM uuid sent to clients", "UUID" },
  CB_OPTION ("width", "N", "Picture width (default 1024)"),
  CB_OPTION ("height", "N", "Picture height (default 768)"),
  CB_OPTION ("image-compression", "MODE", "quic|lz|glz|auto_glz|auto_lz|lz4|off (default auto_glz)"),
  CB_OPTION ("jpeg-wan-compression", "MODE", "auto|always|never (default auto)"),
  CB_OPTION ("zlib-glz-wan-compression", "MODE", "auto|always|never (default auto)"),
  CB_OPTION ("streaming-video", "MODE", "off|all|filter (default off)"),
  CB_OPTION ("pattern", "NAME", "static|moving-bars|noise|text|gradient (default static)"),
  CB_OPTION ("seed", "N", "Pattern seed (default 1)"),
  CB_OPTION ("fps", "N", "Updates per second, 0 = as fast as spice-server takes them (default 30)"),
  CB_OPTION ("frames", "N", "Stop changing after N updates and keep serving (default 0 = never)"),
  CB_OPTION ("ready-fd", "FD", "Write the READY line to FD and close it, instead of stdout"),
  { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &server.pidfile, "Write the process id to FILE", "FILE" },
  { "print-input", 0, 0, G_OPTION_ARG_NONE, &server.print_input,
    "Print key and mouse events on stdout (KEY, MOUSE, MOTION, BUTTONS, WHEEL lines)", NULL },
  { "print-channels", 0, 0, G_OPTION_ARG_NONE, &server.print_channels,
    "Print channel links and disconnects on stdout (CHANNEL lines)", NULL },
  { "wait-for-client", 0, 0, G_OPTION_ARG_NONE, &server.wait_for_client,
    "Start the updates when the first display channel links, not at once", NULL },
  { NULL },
};

static gboolean
parse_uuid (const char *text, guint8 out[16])
{
  guint n = 0;

  if (strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
          continue;
        }
      if (!g_ascii_isxdigit (text[i]) || !g_ascii_isxdigit (text[i + 1]))
        return FALSE;
      out[n++] = (guint8) (g_ascii_xdigit_value (text[i]) << 4 | g_ascii_xdigit_value (text[i + 1]));
      i++;
    }
  return n == 16;
}

/* Overwrites the ticket in the original argument vector, so that it does
 * not stay in /proc/PID/cmdline. */
static void
wipe_password_args (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--password") && i + 1 < argc)
        explicit_bzero (argv[i + 1], strlen (argv[i + 1]));
      else if (g_str_has_prefix (argv[i], "--password="))
        explicit_bzero (argv[i] + strlen ("--password="), strlen (argv[i]) - strlen ("--password="));
    }
}

static gboolean
validate_options (GError **error)
{
  if (server.unix_path != NULL && (server.port >= 0 || server.tls_port >= 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--unix cannot be combined with --port or --tls-port");
      return FALSE;
    }
  if (server.tls_port >= 0 && server.x509_dir == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--tls-port needs --x509-dir");
      return FALSE;
    }
  if (server.password != NULL && server.password_file != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--password and --password-file are exclusive");
      return FALSE;
    }
  if (server.uuid != NULL)
    {
      guint8 bytes[16];
      if (!parse_uuid (server.uuid, bytes))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--uuid: '%s' is not a uuid like 01234567-89ab-cdef-0123-456789abcdef",
                       server.uuid);
          return FALSE;
        }
    }
  if (server.ready_fd >= 0 && fcntl (server.ready_fd, F_GETFD) < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--ready-fd: %d is not an open file descriptor", server.ready_fd);
      return FALSE;
    }
  if (server.unix_path == NULL && server.port < 0 && server.tls_port < 0)
    server.port = 0;
  if (server.addr == NULL)
    server.addr = g_strdup ("127.0.0.1");
  if (server.name == NULL)
    server.name = g_strdup (PROGRAM_NAME);
  return TRUE;
}

/* --- server setup --------------------------------------------------------------- */

/* Binds ADDR:0 and returns the socket (listening if @listen) and its port. */
static GSocket *
bind_any_port (gboolean listen, guint16 *port, GError **error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (server.addr);
  g_autoptr (GSocketAddress) bind_address = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocket) sock = NULL;

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "port 0 needs a numeric --addr, not '%s'", server.addr);
      return NULL;
    }
  sock = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                       G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return NULL;
  bind_address = g_inet_socket_address_new (address, 0);
  if (!g_socket_bind (sock, bind_address, TRUE, error))
    return NULL;
  if (listen && !g_socket_listen (sock, error))
    return NULL;
  local = g_socket_get_local_address (sock, error);
  if (local == NULL)
    return NULL;
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  return g_steal_pointer (&sock);
}

static gboolean
read_password (char **out, GError **error)
{
  char *contents = NULL;
  gsize length = 0;

  if (server.password != NULL)
    {
      *out = g_steal_pointer (&server.password);
      length = strlen (*out);
    }
  else
    {
      GStatBuf st;
      if (g_stat (server.password_file, &st) != 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--password-file %s: %s", server.password_file, g_strerror (saved));
          return FALSE;
        }
      if (st.st_size > (goffset) MAX_PASSWORD_FILE_SIZE)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "--password-file %s: larger than %u bytes", server.password_file,
                       MAX_PASSWORD_FILE_SIZE);
          return FALSE;
        }
      if (!g_file_get_contents (server.password_file, &contents, &length, error))
        return FALSE;
      if (length > 0 && contents[length - 1] == '\n')
        contents[--length] = '\0';
      *out = contents;
    }
  if (length > MAX_PASSWORD_LENGTH || memchr (*out, '\0', length) != NULL)
    {
      explicit_bzero (*out, length);
      g_clear_pointer (out, g_free);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the password must be at most %u bytes, without NUL bytes", MAX_PASSWORD_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure_spice (guint16 *port_out, guint16 *tls_port_out, GError **error)
{
  SpiceServer *s = server.spice;

  if (server.unix_path != NULL)
    spice_server_set_addr (s, server.unix_path, SPICE_ADDR_FLAG_UNIX_ONLY);
  else
    spice_server_set_addr (s, server.addr, 0);

  if (server.port == 0)
    {
      server.listen_socket = bind_any_port (TRUE, port_out, error);
      if (server.listen_socket == NULL)
        return FALSE;
      /* Deprecated but kept by spice-server; it avoids a race for the port. */
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      spice_server_set_listen_socket_fd (s, g_socket_get_fd (server.listen_socket));
      G_GNUC_END_IGNORE_DEPRECATIONS
    }
  else if (server.port > 0)
    {
      *port_out = (guint16) server.port;
      spice_server_set_port (s, (int) server.port);
    }

  if (server.tls_port >= 0)
    {
      g_autofree char *ca = g_build_filename (server.x509_dir, "ca-cert.pem", NULL);
      g_autofree char *cert = g_build_filename (server.x509_dir, "server-cert.pem", NULL);
      g_autofree char *key = g_build_filename (server.x509_dir, "server-key.pem", NULL);
      guint16 tls_port = (guint16) server.tls_port;

      for (const char *const *f = (const char *const[]) { ca, cert, key, NULL }; *f; f++)
        if (g_access (*f, R_OK) != 0)
          {
            int saved = errno;
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                         "--x509-dir: cannot read %s: %s", *f, g_strerror (saved));
            return FALSE;
          }
      if (tls_port == 0)
        {
          /* Probe for a free port; another process may take it before
           * spice_server_init binds it (then start again). */
          g_autoptr (GSocket) probe = bind_any_port (FALSE, &tls_port, error);
          if (probe == NULL)
            return FALSE;
          g_socket_close (probe, NULL);
        }
      if (spice_server_set_tls (s, tls_port, ca, cert, key, NULL, NULL, NULL) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "spice_server_set_tls failed");
          return FALSE;
        }
      *tls_port_out = tls_port;
    }

  if (server.password != NULL || server.password_file != NULL)
    {
      char *password = NULL;
      int rc;

      if (!read_password (&password, error))
        return FALSE;
      rc = spice_server_set_ticket (s, password, 0, 0, 0);
      explicit_bzero (password, strlen (password));
      g_free (password);
      if (rc != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "spice_server_set_ticket failed");
          return FALSE;
        }
    }
  else
    spice_server_set_noauth (s);

  spice_server_set_name (s, server.name);
  if (server.uuid != NULL)
    {
      guint8 uuid[16];
      parse_uuid (server.uuid, uuid);
      spice_server_set_uuid (s, uuid);
    }
  if (spice_server_set_image_compression (s, server.image_compression) != 0
      || spice_server_set_jpeg_compression (s, server.jpeg_wan) != 0
      || spice_server_set_zlib_glz_compression (s, server.zlib_glz_wan) != 0
      || spice_server_set_streaming_video (s, server.streaming_video) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "spice-server refused a compression setting");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_ready (guint16 port, guint16 tls_port, GError **error)
{
  g_autoptr (GString) line = g_string_new ("READY");

  g_string_append_printf (line, " pid=%ld", (long) getpid ());
  if (server.unix_path != NULL)
    g_string_append_printf (line, " unix=%s", server.unix_path);
  if (server.port >= 0)
    g_string_append_printf (line, " port=%u", port);
  if (server.tls_port >= 0)
    g_string_append_printf (line, " tls-port=%u", tls_port);

  if (server.ready_fd < 0)
    {
      tss_emit ("%s", line->str);
      return TRUE;
    }
  g_string_append_c (line, '\n');
  for (gsize done = 0; done < line->len;)
    {
      ssize_t n = write (server.ready_fd, line->str + done, line->len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "--ready-fd %d: %s", server.ready_fd, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  close (server.ready_fd);
  server.ready_fd = -1;
  return TRUE;
}

static void
print_stats (const char *prefix, FILE *out)
{
  g_autofree char *line = NULL;
  guint64 produced, taken, released;

  g_mutex_lock (&server.lock);
  produced = server.produced;
  taken = server.taken;
  released = server.released;
  g_mutex_unlock (&server.lock);
  line = g_strdup_printf ("%s frames=%" G_GUINT64_FORMAT " taken=%" G_GUINT64_FORMAT
                          " released=%" G_GUINT64_FORMAT " keys=%" G_GUINT64_FORMAT
                          " mouse=%" G_GUINT64_FORMAT " timers=%u watches=%u foreign-core-calls=%u",
                          prefix, produced, taken, released, tss_input_key_count (),
                          tss_input_mouse_count (), tss_core_live_timers (),
                          tss_core_live_watches (), tss_core_foreign_calls ());
  if (out == stdout)
    tss_emit ("%s", line);
  else
    fprintf (out, "%s\n", line);
}

static gboolean
on_quit_signal (gpointer data)
{
  g_main_loop_quit (server.loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stats_signal (gpointer data)
{
  print_stats ("STATS", stdout);
  return G_SOURCE_CONTINUE;
}

static void
remove_pidfile (void)
{
  g_autofree char *contents = NULL;
  g_autofree char *mine = NULL;

  if (server.pidfile == NULL)
    return;
  mine = g_strdup_printf ("%ld\n", (long) getpid ());
  if (g_file_get_contents (server.pidfile, &contents, NULL, NULL) && g_str_equal (contents, mine))
    g_unlink (server.pidfile);
}

static void
shutdown_server (void)
{
  if (server.tick != NULL)
    g_source_destroy (server.tick);
  if (server.spice != NULL)
    {
      spice_server_vm_stop (server.spice);
      spice_server_destroy (server.spice);
      server.spice = NULL;
    }
  /* spice-server is gone: free what it never released, and the rest. */
  g_clear_pointer (&server.tick, g_source_unref);
  g_queue_clear_full (&server.pending, cmd_free);
  g_clear_pointer (&server.cursor_pending, cmd_free);
  g_clear_pointer (&server.in_flight, g_hash_table_unref);
  g_clear_object (&server.listen_socket);
  g_clear_pointer (&server.surface_memory, g_free);
  g_clear_pointer (&server.pattern, tss_pattern_free);
  g_clear_pointer (&server.loop, g_main_loop_unref);
  if (server.password != NULL)          /* not consumed: start failed early */
    {
      explicit_bzero (server.password, strlen (server.password));
      g_clear_pointer (&server.password, g_free);
    }
  if (server.unix_path != NULL && server.unix_bound)
    g_unlink (server.unix_path);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  char **args = g_memdup2 (argv, sizeof (char *) * (gsize) (argc + 1));
  int args_count = argc;
  guint16 port = 0, tls_port = 0;
  gsize surface_size;

  context = g_option_context_new ("- serve a synthetic picture over SPICE");
  g_option_context_set_summary (context,
    "A SPICE server on libspice-server that serves a deterministic synthetic picture\n"
    "for Tether's tests and benchmarks. Prints \"READY pid=N port=N\" once listening;\n"
    "SIGUSR1 prints a STATS line, SIGTERM stops it.");
  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !validate_options (&error))
    {
      wipe_password_args (args_count, args);
      g_free (args);
      g_printerr (PROGRAM_NAME ": %s\n", error->message);
      return 2;
    }
  wipe_password_args (args_count, args);
  g_free (args);
  if (argc > 1)
    {
      g_printerr (PROGRAM_NAME ": unexpected argument '%s'\n", argv[1]);
      return 2;
    }

  signal (SIGPIPE, SIG_IGN);
  server.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, NULL);
  g_unix_signal_add (SIGINT, on_quit_signal, NULL);
  g_unix_signal_add (SIGUSR1, on_stats_signal, NULL);

  g_mutex_init (&server.lock);
  g_queue_init (&server.pending);
  server.in_flight = g_hash_table_new_full (g_direct_hash, g_direct_equal, cmd_free, NULL);
  server.pattern = tss_pattern_new (server.pattern_kind, server.seed, server.width, server.height);
  surface_size = (gsize) server.width * server.height * 4;
  server.surface_memory = g_malloc (surface_size);
  memcpy (server.surface_memory, tss_pattern_get_pixels (server.pattern), surface_size);
  server.cursor_pending = cursor_cmd_new ();
  server.tick = g_source_new (&tick_funcs, sizeof (GSource));
  g_source_set_name (server.tick, "frame-tick");
  g_source_set_priority (server.tick, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_ready_time (server.tick, -1);
  g_source_attach (server.tick, NULL);
  tss_core_set_print_channels (server.print_channels);
  if (server.wait_for_client)
    tss_core_set_display_hook (on_display_linked);

  server.spice = spice_server_new ();
  if (!configure_spice (&port, &tls_port, &error))
    goto fail;
  if (spice_server_init (server.spice, tss_core_interface ()) != 0)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "spice_server_init failed (address or port in use? see above)");
      goto fail;
    }
  server.unix_bound = server.unix_path != NULL;
  server.qxl.base.sif = &qxl_interface.base;
  server.qxl.id = 0;
  if (spice_server_add_interface (server.spice, &server.qxl.base) != 0
      || !tss_input_attach (server.spice, server.print_input))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "spice_server_add_interface failed");
      goto fail;
    }
  spice_server_vm_start (server.spice);

  if (server.pidfile != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%ld\n", (long) getpid ());
      if (!g_file_set_contents (server.pidfile, pid, -1, &error))
        goto fail;
    }
  if (!write_ready (port, tls_port, &error))
    goto fail;

  if (!server.wait_for_client)
    start_frames_once (NULL);
  g_main_loop_run (server.loop);

  print_stats (PROGRAM_NAME ": stopping:", stderr);
  shutdown_server ();
  remove_pidfile ();
  return 0;

fail:
  g_printerr (PROGRAM_NAME ": %s\n", error->message);
  shutdown_server ();
  remove_pidfile ();
  return 1;
}
