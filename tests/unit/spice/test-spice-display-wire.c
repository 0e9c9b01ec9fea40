/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Display channel messages without drawing structures, and the client's
 * display messages: vectors written by hand from docs/spice-protocol.md
 * §7.3, §7.4 and §9.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-display-wire-private.h"
#include "spice-wire-test.h"

/* ---- wrappers ----------------------------------------------------------- */

static gboolean
decode_mode (GBytes *b, GError **error)
{
  TetherSpiceMsgDisplayMode m;

  return tether_spice_msg_display_mode_decode (b, &m, error);
}

static gboolean
decode_surface_create (GBytes *b, GError **error)
{
  TetherSpiceMsgSurfaceCreate m;

  return tether_spice_msg_display_surface_create_decode (b, &m, error);
}

static gboolean
decode_surface_destroy (GBytes *b, GError **error)
{
  guint32 id;

  return tether_spice_msg_display_surface_destroy_decode (b, &id, error);
}

static gboolean
decode_inval_list (GBytes *b, GError **error)
{
  TetherSpiceMsgInvalList m;
  gboolean ok = tether_spice_msg_display_inval_list_decode (b, &m, error);

  if (!ok)
    g_assert_null (m.resources);
  tether_spice_msg_display_inval_list_clear (&m);
  return ok;
}

static gboolean
decode_inval_all_pixmaps (GBytes *b, GError **error)
{
  TetherSpiceMsgWaitForChannels m;
  gboolean ok = tether_spice_msg_display_inval_all_pixmaps_decode (b, &m, error);

  tether_spice_msg_wait_for_channels_clear (&m);
  return ok;
}

static gboolean
decode_inval_palette (GBytes *b, GError **error)
{
  guint64 id;

  return tether_spice_msg_display_inval_palette_decode (b, &id, error);
}

static gboolean
decode_stream_create (GBytes *b, GError **error)
{
  TetherSpiceMsgStreamCreate m;
  gboolean ok = tether_spice_msg_display_stream_create_decode (b, &m, error);

  if (!ok)
    g_assert_null (m.clip.rects);
  tether_spice_msg_display_stream_create_clear (&m);
  return ok;
}

static gboolean
decode_stream_data (GBytes *b, GError **error)
{
  TetherSpiceMsgStreamData m;
  gboolean ok = tether_spice_msg_display_stream_data_decode (TETHER_SPICE_MSG_DISPLAY_STREAM_DATA,
                                                             b, &m, error);

  g_assert_true (ok == (m.data != NULL));
  tether_spice_msg_display_stream_data_clear (&m);
  return ok;
}

static gboolean
decode_stream_data_sized (GBytes *b, GError **error)
{
  TetherSpiceMsgStreamData m;
  gboolean ok = tether_spice_msg_display_stream_data_decode (TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED,
                                                             b, &m, error);

  g_assert_true (ok == (m.data != NULL));
  tether_spice_msg_display_stream_data_clear (&m);
  return ok;
}

static gboolean
decode_stream_clip (GBytes *b, GError **error)
{
  TetherSpiceMsgStreamClip m;
  gboolean ok = tether_spice_msg_display_stream_clip_decode (b, &m, error);

  tether_spice_msg_display_stream_clip_clear (&m);
  return ok;
}

static gboolean
decode_stream_destroy (GBytes *b, GError **error)
{
  guint32 id;

  return tether_spice_msg_display_stream_destroy_decode (b, &id, error);
}

static gboolean
decode_activate_report (GBytes *b, GError **error)
{
  TetherSpiceMsgStreamActivateReport m;

  return tether_spice_msg_display_stream_activate_report_decode (b, &m, error);
}

static gboolean
decode_monitors (GBytes *b, GError **error)
{
  TetherSpiceMsgMonitorsConfig m;
  gboolean ok = tether_spice_msg_display_monitors_config_decode (b, &m, error);

  if (!ok)
    g_assert_null (m.heads);
  tether_spice_msg_display_monitors_config_clear (&m);
  return ok;
}

static gboolean
decode_gl_scanout (GBytes *b, GError **error)
{
  TetherSpiceMsgGlScanout m;

  return tether_spice_msg_display_gl_scanout_decode (b, &m, error);
}

static gboolean
decode_gl_draw (GBytes *b, GError **error)
{
  TetherSpiceMsgGlDraw m;

  return tether_spice_msg_display_gl_draw_decode (b, &m, error);
}

/* ---- vectors ------------------------------------------------------------ */

/* MODE 1024×768×32 */
static const guint8 mode[] = {
  0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
};
/* SURFACE_CREATE id 0, 640×480, 32_xRGB, PRIMARY */
static const guint8 surface_create[] = {
  0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x00, 0xe0, 0x01, 0x00, 0x00,
  0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};
static const guint8 surface_destroy[] = { 0x07, 0x00, 0x00, 0x00 };
/* INVAL_LIST: two pixmaps, ids 0x1122334455667788 and 5 */
static const guint8 inval_list[] = {
  0x02, 0x00,
  0x01, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
  0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* INVAL_ALL_PIXMAPS: wait for display channel 1 to reach serial 42 */
static const guint8 inval_all_pixmaps[] = {
  0x01, 0x02, 0x01, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const guint8 inval_palette[] = { 0x09, 0, 0, 0, 0, 0, 0, 0x80 };
/* STREAM_CREATE: surface 0, id 3, TOP_DOWN, MJPEG, stamp 7, 64×48 stream,
 * 128×96 source, dest (10,20)-(138,116), clip RECTS with (10,20)-(74,68) */
static const guint8 stream_create[] = {
  0x00, 0x00, 0x00, 0x00,  0x03, 0x00, 0x00, 0x00,  0x01,  0x01,
  0x07, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0x14, 0, 0, 0,  0x0a, 0, 0, 0,  0x74, 0, 0, 0,  0x8a, 0, 0, 0,
  0x01,  0x01, 0, 0, 0,
  0x14, 0, 0, 0,  0x0a, 0, 0, 0,  0x44, 0, 0, 0,  0x4a, 0, 0, 0,
};
/* STREAM_DATA id 3, mm time 1000, 5 bytes */
static const guint8 stream_data[] = {
  0x03, 0, 0, 0,  0xe8, 0x03, 0, 0,  0x05, 0, 0, 0,  0xff, 0xd8, 0xff, 0xd9, 0x00,
};
/* STREAM_DATA_SIZED id 3, mm time 1000, 32×16, dest (0,0)-(32,16), 2 bytes */
static const guint8 stream_data_sized[] = {
  0x03, 0, 0, 0,  0xe8, 0x03, 0, 0,  0x20, 0, 0, 0,  0x10, 0, 0, 0,
  0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x20, 0, 0, 0,
  0x02, 0, 0, 0,  0xab, 0xcd,
};
/* STREAM_CLIP id 3, NONE */
static const guint8 stream_clip[] = { 0x03, 0, 0, 0, 0x00 };
static const guint8 stream_destroy[] = { 0x3f, 0, 0, 0 };
static const guint8 activate_report[] = {
  0x02, 0, 0, 0,  0x99, 0, 0, 0,  0x05, 0, 0, 0,  0xe8, 0x03, 0, 0,
};
/* MONITORS_CONFIG: 2 of 4 allowed */
static const guint8 monitors[] = {
  0x02, 0x00, 0x04, 0x00,
  0, 0, 0, 0,  0, 0, 0, 0,  0x00, 0x04, 0, 0,  0x00, 0x03, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
  1, 0, 0, 0,  0, 0, 0, 0,  0x00, 0x05, 0, 0,  0x00, 0x04, 0, 0,  0x00, 0x04, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
};
static const guint8 gl_scanout[] = {
  0x80, 0x07, 0, 0,  0x38, 0x04, 0, 0,  0x00, 0x1e, 0, 0,  'X', 'R', '2', '4',  0x01, 0, 0, 0,
};
static const guint8 gl_draw[] = { 1, 0, 0, 0,  2, 0, 0, 0,  3, 0, 0, 0,  4, 0, 0, 0 };

static const SpiceValidVector valid_vectors[] = {
  { "mode", decode_mode, SPICE_VEC (mode), 0 },
  { "surface-create", decode_surface_create, SPICE_VEC (surface_create), 0 },
  { "surface-destroy", decode_surface_destroy, SPICE_VEC (surface_destroy), 0 },
  { "inval-list", decode_inval_list, SPICE_VEC (inval_list), 0 },
  { "inval-all-pixmaps", decode_inval_all_pixmaps, SPICE_VEC (inval_all_pixmaps), 0 },
  { "inval-palette", decode_inval_palette, SPICE_VEC (inval_palette), 0 },
  { "stream-create", decode_stream_create, SPICE_VEC (stream_create), 0 },
  { "stream-data", decode_stream_data, SPICE_VEC (stream_data), 0 },
  { "stream-data-sized", decode_stream_data_sized, SPICE_VEC (stream_data_sized), 0 },
  { "stream-clip", decode_stream_clip, SPICE_VEC (stream_clip), 0 },
  { "stream-destroy", decode_stream_destroy, SPICE_VEC (stream_destroy), 0 },
  { "stream-activate-report", decode_activate_report, SPICE_VEC (activate_report), 0 },
  { "monitors-config", decode_monitors, SPICE_VEC (monitors), 0 },
  { "gl-scanout", decode_gl_scanout, SPICE_VEC (gl_scanout), 0 },
  { "gl-draw", decode_gl_draw, SPICE_VEC (gl_draw), 0 },
};

/* ---- hostile vectors ---------------------------------------------------- */

static const guint8 mode_trailing[] = {
  0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
};
static const guint8 surface_bad_format[] = {
  0x00, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x00, 0xe0, 0x01, 0x00, 0x00,
  0x21, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};
static const guint8 inval_bad_type[] = { 0x01, 0x00, 0x02, 1, 0, 0, 0, 0, 0, 0, 0 };
static const guint8 inval_count_over_data[] = { 0xff, 0xff, 0x01, 1, 0, 0, 0, 0, 0, 0, 0 };
static const guint8 inval_all_too_many[] = { 0xff, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0 };
static const guint8 stream_create_bad_id[] = {
  0x00, 0x00, 0x00, 0x00,  0x40, 0x00, 0x00, 0x00,  0x01,  0x01,
  0, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x10, 0, 0, 0,
  0x00,
};
static const guint8 stream_create_bad_clip[] = {
  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x01,  0x01,
  0, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x10, 0, 0, 0,
  0x07,
};
static const guint8 stream_create_many_rects[] = {
  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x01,  0x01,
  0, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x10, 0, 0, 0,
  0x01,  0x01, 0x00, 0x01, 0x00,  /* 65537 rectangles */
};
static const guint8 stream_create_rects_over_data[] = {
  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x01,  0x01,
  0, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x10, 0, 0, 0,
  0x01,  0x00, 0x01, 0x00, 0x00,  /* 256 rectangles, none there */
};
static const guint8 stream_create_swapped_dest[] = {
  0x00, 0x00, 0x00, 0x00,  0x01, 0x00, 0x00, 0x00,  0x01,  0x01,
  0, 0, 0, 0, 0, 0, 0, 0,
  0x40, 0, 0, 0,  0x30, 0, 0, 0,  0x80, 0, 0, 0,  0x60, 0, 0, 0,
  0x20, 0, 0, 0,  0, 0, 0, 0,  0x10, 0, 0, 0,  0x10, 0, 0, 0,  /* top 32 > bottom 16 */
  0x00,
};
static const guint8 stream_data_bad_id[] = { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
static const guint8 stream_data_size_over[] = { 0x01, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1 };
static const guint8 stream_data_trailing[] = { 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 1, 2 };
static const guint8 stream_destroy_bad_id[] = { 0xff, 0xff, 0xff, 0xff };
static const guint8 activate_bad_id[] = {
  0x40, 0, 0, 0,  0x99, 0, 0, 0,  0x05, 0, 0, 0,  0xe8, 0x03, 0, 0,
};
static const guint8 monitors_too_many[] = { 0x01, 0x01, 0x04, 0x00 };
static const guint8 monitors_over_data[] = {
  0x02, 0x00, 0x04, 0x00,
  0, 0, 0, 0,  0, 0, 0, 0,  0x00, 0x04, 0, 0,  0x00, 0x03, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
};

static const SpiceBadVector bad_vectors[] = {
  { "mode-trailing", decode_mode, SPICE_VEC (mode_trailing), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
  { "surface-bad-format", decode_surface_create, SPICE_VEC (surface_bad_format),
    TETHER_SPICE_ERROR_PROTOCOL, "unknown format 33" },
  { "inval-bad-type", decode_inval_list, SPICE_VEC (inval_bad_type), TETHER_SPICE_ERROR_PROTOCOL,
    "unknown type 2" },
  { "inval-count-over-data", decode_inval_list, SPICE_VEC (inval_count_over_data),
    TETHER_SPICE_ERROR_PROTOCOL, "count" },
  { "inval-all-too-many", decode_inval_all_pixmaps, SPICE_VEC (inval_all_too_many),
    TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "INVAL_ALL_PIXMAPS" },
  { "stream-create-bad-id", decode_stream_create, SPICE_VEC (stream_create_bad_id),
    TETHER_SPICE_ERROR_PROTOCOL, "stream id 64" },
  { "stream-create-bad-clip", decode_stream_create, SPICE_VEC (stream_create_bad_clip),
    TETHER_SPICE_ERROR_PROTOCOL, "clip type 7" },
  { "stream-create-many-rects", decode_stream_create, SPICE_VEC (stream_create_many_rects),
    TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "65537" },
  { "stream-create-rects-over-data", decode_stream_create, SPICE_VEC (stream_create_rects_over_data),
    TETHER_SPICE_ERROR_PROTOCOL, NULL },
  { "stream-create-swapped-dest", decode_stream_create, SPICE_VEC (stream_create_swapped_dest),
    TETHER_SPICE_ERROR_PROTOCOL, "swapped" },
  { "stream-data-bad-id", decode_stream_data, SPICE_VEC (stream_data_bad_id),
    TETHER_SPICE_ERROR_PROTOCOL, "stream id 64" },
  { "stream-data-size-over", decode_stream_data, SPICE_VEC (stream_data_size_over),
    TETHER_SPICE_ERROR_PROTOCOL, "truncated" },
  { "stream-data-trailing", decode_stream_data, SPICE_VEC (stream_data_trailing),
    TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
  { "stream-destroy-bad-id", decode_stream_destroy, SPICE_VEC (stream_destroy_bad_id),
    TETHER_SPICE_ERROR_PROTOCOL, "4294967295" },
  { "activate-bad-id", decode_activate_report, SPICE_VEC (activate_bad_id),
    TETHER_SPICE_ERROR_PROTOCOL, "stream id 64" },
  { "monitors-too-many", decode_monitors, SPICE_VEC (monitors_too_many),
    TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "257 heads" },
  { "monitors-over-data", decode_monitors, SPICE_VEC (monitors_over_data),
    TETHER_SPICE_ERROR_PROTOCOL, NULL },
};

static void
test_valid (void)
{
  spice_test_valid_table (valid_vectors, G_N_ELEMENTS (valid_vectors));
}

static void
test_prefixes (void)
{
  spice_test_prefix_table (valid_vectors, G_N_ELEMENTS (valid_vectors));
}

static void
test_hostile (void)
{
  spice_test_bad_table (bad_vectors, G_N_ELEMENTS (bad_vectors));
}

/* ---- decoded values ------------------------------------------------------ */

static void
test_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b = NULL;
  TetherSpiceMsgDisplayMode m;
  TetherSpiceMsgSurfaceCreate sc;
  TetherSpiceMsgInvalList il;
  TetherSpiceMsgWaitForChannels wait;
  TetherSpiceMsgStreamCreate create;
  TetherSpiceMsgStreamData data;
  TetherSpiceMsgMonitorsConfig mon;
  TetherSpiceMsgStreamActivateReport ar;
  TetherSpiceMsgGlScanout gs;
  guint64 id64;

  b = spice_test_bytes (SPICE_VEC (mode));
  g_assert_true (tether_spice_msg_display_mode_decode (b, &m, &error));
  g_assert_cmpuint (m.x_res, ==, 1024);
  g_assert_cmpuint (m.y_res, ==, 768);
  g_assert_cmpuint (m.bits, ==, 32);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (surface_create));
  g_assert_true (tether_spice_msg_display_surface_create_decode (b, &sc, &error));
  g_assert_cmpuint (sc.surface_id, ==, 0);
  g_assert_cmpuint (sc.width, ==, 640);
  g_assert_cmpuint (sc.height, ==, 480);
  g_assert_cmpuint (sc.format, ==, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_assert_cmpuint (sc.flags, ==, TETHER_SPICE_SURFACE_FLAG_PRIMARY);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (inval_list));
  g_assert_true (tether_spice_msg_display_inval_list_decode (b, &il, &error));
  g_assert_cmpuint (il.n_resources, ==, 2);
  g_assert_cmpuint (il.resources[0].type, ==, TETHER_SPICE_RES_PIXMAP);
  g_assert_cmphex (il.resources[0].id, ==, G_GUINT64_CONSTANT (0x1122334455667788));
  g_assert_cmpuint (il.resources[1].id, ==, 5);
  tether_spice_msg_display_inval_list_clear (&il);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (inval_all_pixmaps));
  g_assert_true (tether_spice_msg_display_inval_all_pixmaps_decode (b, &wait, &error));
  g_assert_cmpuint (wait.n_channels, ==, 1);
  g_assert_cmpuint (wait.channels[0].channel_type, ==, TETHER_SPICE_WIRE_CHANNEL_DISPLAY);
  g_assert_cmpuint (wait.channels[0].channel_id, ==, 1);
  g_assert_cmpuint (wait.channels[0].message_serial, ==, 42);
  tether_spice_msg_wait_for_channels_clear (&wait);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (inval_palette));
  g_assert_true (tether_spice_msg_display_inval_palette_decode (b, &id64, &error));
  g_assert_cmphex (id64, ==, G_GUINT64_CONSTANT (0x8000000000000009));
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (stream_create));
  g_assert_true (tether_spice_msg_display_stream_create_decode (b, &create, &error));
  g_assert_cmpuint (create.id, ==, 3);
  g_assert_cmpuint (create.flags, ==, TETHER_SPICE_STREAM_FLAG_TOP_DOWN);
  g_assert_cmpuint (create.codec_type, ==, TETHER_SPICE_VIDEO_CODEC_MJPEG);
  g_assert_cmpuint (create.stamp, ==, 7);
  g_assert_cmpuint (create.stream_width, ==, 64);
  g_assert_cmpuint (create.stream_height, ==, 48);
  g_assert_cmpuint (create.src_width, ==, 128);
  g_assert_cmpuint (create.src_height, ==, 96);
  g_assert_cmpint (create.dest.left, ==, 10);
  g_assert_cmpint (create.dest.top, ==, 20);
  g_assert_cmpint (create.dest.right, ==, 138);
  g_assert_cmpint (create.dest.bottom, ==, 116);
  g_assert_cmpuint (create.clip.type, ==, TETHER_SPICE_CLIP_RECTS);
  g_assert_cmpuint (create.clip.n_rects, ==, 1);
  g_assert_cmpint (create.clip.rects[0].right, ==, 74);
  g_assert_cmpint (create.clip.rects[0].bottom, ==, 68);
  tether_spice_msg_display_stream_create_clear (&create);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (stream_data));
  g_assert_true (tether_spice_msg_display_stream_data_decode (TETHER_SPICE_MSG_DISPLAY_STREAM_DATA,
                                                              b, &data, &error));
  g_assert_false (data.sized);
  g_assert_cmpuint (data.id, ==, 3);
  g_assert_cmpuint (data.multi_media_time, ==, 1000);
  spice_test_assert_bytes (data.data, stream_data + 12, 5);
  tether_spice_msg_display_stream_data_clear (&data);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (stream_data_sized));
  g_assert_true (tether_spice_msg_display_stream_data_decode (TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED,
                                                              b, &data, &error));
  g_assert_true (data.sized);
  g_assert_cmpuint (data.width, ==, 32);
  g_assert_cmpuint (data.height, ==, 16);
  g_assert_cmpint (data.dest.right, ==, 32);
  g_assert_cmpint (data.dest.bottom, ==, 16);
  spice_test_assert_bytes (data.data, (const guint8 *) "\xab\xcd", 2);
  tether_spice_msg_display_stream_data_clear (&data);
  g_clear_pointer (&b, g_bytes_unref);

  /* Another type is refused. */
  b = spice_test_bytes (SPICE_VEC (stream_data));
  g_assert_false (tether_spice_msg_display_stream_data_decode (TETHER_SPICE_MSG_DISPLAY_MARK,
                                                               b, &data, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (monitors));
  g_assert_true (tether_spice_msg_display_monitors_config_decode (b, &mon, &error));
  g_assert_cmpuint (mon.n_heads, ==, 2);
  g_assert_cmpuint (mon.max_allowed, ==, 4);
  g_assert_cmpuint (mon.heads[1].monitor_id, ==, 1);
  g_assert_cmpuint (mon.heads[1].width, ==, 1280);
  g_assert_cmpuint (mon.heads[1].height, ==, 1024);
  g_assert_cmpuint (mon.heads[1].x, ==, 1024);
  tether_spice_msg_display_monitors_config_clear (&mon);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (activate_report));
  g_assert_true (tether_spice_msg_display_stream_activate_report_decode (b, &ar, &error));
  g_assert_cmpuint (ar.stream_id, ==, 2);
  g_assert_cmpuint (ar.unique_id, ==, 0x99);
  g_assert_cmpuint (ar.max_window_size, ==, 5);
  g_assert_cmpuint (ar.timeout_ms, ==, 1000);
  g_clear_pointer (&b, g_bytes_unref);

  b = spice_test_bytes (SPICE_VEC (gl_scanout));
  g_assert_true (tether_spice_msg_display_gl_scanout_decode (b, &gs, &error));
  g_assert_cmpuint (gs.width, ==, 1920);
  g_assert_cmpuint (gs.height, ==, 1080);
  g_assert_cmpuint (gs.stride, ==, 7680);
  g_assert_cmphex (gs.drm_fourcc_format, ==, 0x34325258);   /* "XR24" */
  g_assert_cmpuint (gs.flags, ==, TETHER_SPICE_GL_SCANOUT_FLAG_Y0TOP);
  g_assert_no_error (error);
}

/* Every surface format the protocol names decodes; the rest do not. */
static void
test_surface_formats (void)
{
  static const guint32 known[] = { 1, 8, 16, 32, 80, 96 };

  for (guint32 format = 0; format < 128; format++)
    {
      guint8 body[20];
      g_autoptr(GBytes) b = NULL;
      g_autoptr(GError) error = NULL;
      TetherSpiceMsgSurfaceCreate sc;
      gboolean expected = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        expected |= known[i] == format;
      memcpy (body, surface_create, sizeof body);
      body[12] = (guint8) format;
      b = spice_test_bytes (body, sizeof body);
      g_assert_cmpint (tether_spice_msg_display_surface_create_decode (b, &sc, &error), ==, expected);
      if (!expected)
        g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    }
}

/* ---- client messages ------------------------------------------------------ */

static void
test_init_encode (void)
{
  /* spice-gtk's defaults: 80 MiB cache, 64 MiB window, both ÷ 4. */
  static const guint8 expected[] = {
    0x01,  0x00, 0x00, 0x40, 0x01, 0x00, 0x00, 0x00, 0x00,   /* 20971520 pixels */
    0x01,  0x00, 0x00, 0x00, 0x01,                           /* 16777216 pixels */
  };
  /* A window past LZ_MAX_WINDOW_SIZE is capped at 2^25 pixels. */
  static const guint8 capped[] = {
    0x01,  0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01,  0x00, 0x00, 0x00, 0x02,
  };
  g_autoptr(GBytes) b = tether_spice_msgc_display_init_encode (TETHER_SPICE_DEFAULT_CACHE_SIZE,
                                                               TETHER_SPICE_MAX_GLZ_WINDOW_SIZE);
  g_autoptr(GBytes) c = tether_spice_msgc_display_init_encode (1024, G_GUINT64_CONSTANT (1) << 40);

  spice_test_assert_bytes (b, expected, sizeof expected);
  spice_test_assert_bytes (c, capped, sizeof capped);

  g_assert_cmpuint (tether_spice_display_default_glz_window_size (0), ==, 12u << 20);
  g_assert_cmpuint (tether_spice_display_default_glz_window_size (G_GUINT64_CONSTANT (64) << 20), ==,
                    32u << 20);
  g_assert_cmpuint (tether_spice_display_default_glz_window_size (G_GUINT64_CONSTANT (8) << 30), ==,
                    64u << 20);
}

static void
test_other_encoders (void)
{
  static const guint8 report_bytes[] = {
    0x02, 0, 0, 0,  0x99, 0, 0, 0,  0x10, 0, 0, 0,  0x20, 0, 0, 0,
    0x05, 0, 0, 0,  0xff, 0xff, 0xff, 0xff,  0xf6, 0xff, 0xff, 0xff,  0xff, 0xff, 0xff, 0xff,
  };
  TetherSpiceMsgcStreamReport report = {
    .stream_id = 2, .unique_id = 0x99, .start_frame_mm_time = 16, .end_frame_mm_time = 32,
    .num_frames = 5, .num_drops = 0xffffffff, .last_frame_delay = -10, .audio_delay = 0xffffffff,
  };
  static const guint8 codecs[] = { TETHER_SPICE_VIDEO_CODEC_H264, TETHER_SPICE_VIDEO_CODEC_MJPEG };
  static const guint8 codecs_bytes[] = { 0x02, 0x03, 0x01 };
  g_autoptr(GBytes) r = tether_spice_msgc_display_stream_report_encode (&report);
  g_autoptr(GBytes) pc = tether_spice_msgc_display_preferred_compression_encode (TETHER_SPICE_IMAGE_COMPRESSION_LZ4);
  g_autoptr(GBytes) pv = tether_spice_msgc_display_preferred_video_codec_type_encode (codecs, 2);
  g_autoptr(GBytes) pv0 = tether_spice_msgc_display_preferred_video_codec_type_encode (NULL, 0);
  g_autoptr(GBytes) done = tether_spice_msgc_display_gl_draw_done_encode ();

  spice_test_assert_bytes (r, report_bytes, sizeof report_bytes);
  spice_test_assert_bytes (pc, (const guint8 *) "\x07", 1);
  spice_test_assert_bytes (pv, codecs_bytes, sizeof codecs_bytes);
  spice_test_assert_bytes (pv0, (const guint8 *) "\x00", 1);
  g_assert_cmpuint (g_bytes_get_size (done), ==, 0);
  g_assert_null (tether_spice_msgc_display_preferred_compression_encode (TETHER_SPICE_IMAGE_COMPRESSION_INVALID));
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/display-wire/valid", test_valid);
  g_test_add_func ("/spice/display-wire/truncated", test_prefixes);
  g_test_add_func ("/spice/display-wire/hostile", test_hostile);
  g_test_add_func ("/spice/display-wire/values", test_values);
  g_test_add_func ("/spice/display-wire/surface-formats", test_surface_formats);
  g_test_add_func ("/spice/display-wire/init-encode", test_init_encode);
  g_test_add_func ("/spice/display-wire/encoders", test_other_encoders);
  return g_test_run ();
}
