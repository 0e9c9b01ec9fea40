/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cursor channel messages, shapes and the cursor cache
 * (docs/spice-protocol.md §13), from hand-written vectors.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-common-messages-private.h"
#include "tether-spice-cursor-wire-private.h"
#include "spice-display-test.h"
#include "spice-wire-test.h"

static gboolean
decode_init (GBytes *b, GError **error)
{
  TetherSpiceMsgCursorInit m;
  gboolean ok = tether_spice_msg_cursor_init_decode (b, &m, error);

  g_assert_true (ok == (m.body != NULL));
  tether_spice_msg_cursor_init_clear (&m);
  return ok;
}

static gboolean
decode_set (GBytes *b, GError **error)
{
  TetherSpiceMsgCursorSet m;
  gboolean ok = tether_spice_msg_cursor_set_decode (b, &m, error);

  g_assert_true (ok == (m.body != NULL));
  tether_spice_msg_cursor_set_clear (&m);
  return ok;
}

static gboolean
decode_move (GBytes *b, GError **error)
{
  TetherSpicePoint16 p;

  return tether_spice_msg_cursor_move_decode (b, &p, error);
}

static gboolean
decode_trail (GBytes *b, GError **error)
{
  guint16 l, f;

  return tether_spice_msg_cursor_trail_decode (b, &l, &f, error);
}

static gboolean
decode_inval_one (GBytes *b, GError **error)
{
  guint64 id;

  return tether_spice_msg_cursor_inval_one_decode (b, &id, error);
}

/* INIT: position (10, -2), trail 3 / 4, visible; an ALPHA 2×1 cursor
 * 0x1234 with CACHE_ME, hot spot (1, 0). */
static const guint8 init_alpha[] = {
  0x0a, 0x00, 0xfe, 0xff,  0x03, 0x00,  0x04, 0x00,  0x01,
  0x02, 0x00,
  0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  0x00,  0x02, 0x00,  0x01, 0x00,  0x01, 0x00,  0x00, 0x00,
  0x10, 0x20, 0x30, 0x40,  0xff, 0xee, 0xdd, 0xcc,
};
/* SET: position (5, 6), hidden; MONO 3×2: AND rows 101/011, XOR rows 100/110. */
static const guint8 set_mono[] = {
  0x05, 0x00, 0x06, 0x00,  0x00,
  0x00, 0x00,
  0x07, 0, 0, 0, 0, 0, 0, 0,  0x01,  0x03, 0x00,  0x02, 0x00,  0x09, 0x00,  0x09, 0x00,
  0xa0, 0x60,  0x80, 0xc0,
};
/* SET with NONE: nothing after the flags. */
static const guint8 set_none[] = { 0x00, 0x00, 0x00, 0x00, 0x01,  0x01, 0x00 };
/* SET from the cache: a header, no shape. */
static const guint8 set_cached[] = {
  0x00, 0x00, 0x00, 0x00, 0x01,
  0x04, 0x00,
  0x34, 0x12, 0, 0, 0, 0, 0, 0,  0x00,  0x02, 0x00,  0x01, 0x00,  0x00, 0x00,  0x00, 0x00,
};
static const guint8 move[] = { 0xff, 0x7f, 0x00, 0x80 };
static const guint8 trail[] = { 0x02, 0x00, 0x03, 0x00 };
static const guint8 inval_one[] = { 0x34, 0x12, 0, 0, 0, 0, 0, 0 };

static const SpiceValidVector valid[] = {
  { "init-alpha", decode_init, SPICE_VEC (init_alpha), 0 },
  { "set-mono", decode_set, SPICE_VEC (set_mono), 0 },
  { "set-none", decode_set, SPICE_VEC (set_none), 0 },
  { "set-cached", decode_set, SPICE_VEC (set_cached), 0 },
  { "move", decode_move, SPICE_VEC (move), 0 },
  { "trail", decode_trail, SPICE_VEC (trail), 0 },
  { "inval-one", decode_inval_one, SPICE_VEC (inval_one), 0 },
};

static const guint8 set_bad_type[] = {
  0, 0, 0, 0, 1,  0x00, 0x00,
  0x07, 0, 0, 0, 0, 0, 0, 0,  0x07,  0x01, 0x00,  0x01, 0x00,  0, 0,  0, 0,  0, 0, 0, 0,
};
static const guint8 set_too_wide[] = {
  0, 0, 0, 0, 1,  0x00, 0x00,
  0x07, 0, 0, 0, 0, 0, 0, 0,  0x00,  0x01, 0x04,  0x01, 0x00,  0, 0,  0, 0,
};
static const guint8 set_short[] = {
  0, 0, 0, 0, 1,  0x00, 0x00,
  0x07, 0, 0, 0, 0, 0, 0, 0,  0x06,  0x02, 0x00,  0x02, 0x00,  0, 0,  0, 0,  1, 2, 3,
};
static const guint8 set_none_trailing[] = { 0, 0, 0, 0, 1,  0x01, 0x00,  0x00 };
static const guint8 move_trailing[] = { 0, 0, 0, 0, 0 };

static const SpiceBadVector bad[] = {
  { "bad-type", decode_set, SPICE_VEC (set_bad_type), TETHER_SPICE_ERROR_PROTOCOL, "unknown type 7" },
  { "too-wide", decode_set, SPICE_VEC (set_too_wide), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1025" },
  { "short-shape", decode_set, SPICE_VEC (set_short), TETHER_SPICE_ERROR_PROTOCOL, "3 bytes of shape, 18 needed" },
  { "none-trailing", decode_set, SPICE_VEC (set_none_trailing), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
  { "move-trailing", decode_move, SPICE_VEC (move_trailing), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
};

static void
test_vectors (void)
{
  spice_test_valid_table (valid, G_N_ELEMENTS (valid));
  spice_test_prefix_table (valid, G_N_ELEMENTS (valid));
  spice_test_bad_table (bad, G_N_ELEMENTS (bad));
}

static void
test_values (void)
{
  g_autoptr(GBytes) bi = spice_test_bytes (SPICE_VEC (init_alpha));
  g_autoptr(GBytes) bs = spice_test_bytes (SPICE_VEC (set_mono));
  g_autoptr(GBytes) bm = spice_test_bytes (SPICE_VEC (move));
  g_autoptr(GBytes) bt = spice_test_bytes (SPICE_VEC (trail));
  g_autoptr(GBytes) bo = spice_test_bytes (SPICE_VEC (inval_one));
  g_autoptr(GError) error = NULL;
  TetherSpiceMsgCursorInit init;
  TetherSpiceMsgCursorSet set;
  TetherSpicePoint16 p;
  guint16 l, f;
  guint64 id;

  g_assert_true (tether_spice_msg_cursor_init_decode (bi, &init, &error));
  g_assert_cmpint (init.position.x, ==, 10);
  g_assert_cmpint (init.position.y, ==, -2);
  g_assert_cmpuint (init.trail_length, ==, 3);
  g_assert_cmpuint (init.trail_frequency, ==, 4);
  g_assert_true (init.visible);
  g_assert_cmpuint (init.cursor.flags, ==, TETHER_SPICE_CURSOR_FLAG_CACHE_ME);
  g_assert_cmpuint (init.cursor.unique, ==, 0x1234);
  g_assert_cmpuint (init.cursor.type, ==, TETHER_SPICE_CURSOR_ALPHA);
  g_assert_cmpuint (init.cursor.width, ==, 2);
  g_assert_cmpuint (init.cursor.height, ==, 1);
  g_assert_cmpuint (init.cursor.hot_spot_x, ==, 1);
  g_assert_cmpuint (init.cursor.data_size, ==, 8);
  tether_spice_msg_cursor_init_clear (&init);

  g_assert_true (tether_spice_msg_cursor_set_decode (bs, &set, &error));
  g_assert_cmpint (set.position.x, ==, 5);
  g_assert_false (set.visible);
  g_assert_cmpuint (set.cursor.type, ==, TETHER_SPICE_CURSOR_MONO);
  g_assert_cmpuint (set.cursor.hot_spot_x, ==, 9);
  tether_spice_msg_cursor_set_clear (&set);

  g_assert_true (tether_spice_msg_cursor_move_decode (bm, &p, &error));
  g_assert_cmpint (p.x, ==, 32767);
  g_assert_cmpint (p.y, ==, -32768);
  g_assert_true (tether_spice_msg_cursor_trail_decode (bt, &l, &f, &error));
  g_assert_cmpuint (l, ==, 2);
  g_assert_cmpuint (f, ==, 3);
  g_assert_true (tether_spice_msg_cursor_inval_one_decode (bo, &id, &error));
  g_assert_cmpuint (id, ==, 0x1234);
  g_assert_no_error (error);

  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_ALPHA, 3, 2), ==, 24);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_MONO, 9, 2), ==, 8);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_COLOR4, 3, 2), ==, 4 + 64 + 2);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_COLOR8, 3, 2), ==, 6 + 1024 + 2);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_COLOR16, 3, 2), ==, 12 + 2);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_COLOR24, 3, 2), ==, 18 + 2);
  g_assert_cmpuint (tether_spice_cursor_data_size (TETHER_SPICE_CURSOR_COLOR32, 3, 2), ==, 24 + 2);
  g_assert_cmpuint (tether_spice_cursor_data_size (7, 3, 2), ==, 0);
}

/* ---- shapes ------------------------------------------------------------- */

static TetherSpiceCursorImage *
shape (guint8 type, guint w, guint h, const guint8 *data, gsize len)
{
  TetherSpiceCursor c = { 0, 0x99, type, w, h, 100, 1, data, len };
  g_autoptr(GError) error = NULL;
  TetherSpiceCursorImage *image = tether_spice_cursor_decode_image (&c, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (image->width, ==, w);
  g_assert_cmpuint (image->height, ==, h);
  g_assert_cmpuint (image->hot_x, ==, w - 1);   /* 100 is clamped */
  g_assert_cmpuint (image->hot_y, ==, MIN (1, h - 1));
  return image;
}

#define BLACK 0xff000000u
#define WHITE 0xffffffffu
#define CLEAR 0x00000000u
/* An inverting pixel shows as a checker: white where x + y is odd. */
#define INV(x, y) (((x) + (y)) & 1 ? WHITE : BLACK)

static void
test_shapes (void)
{
  /* MONO 3×2, AND rows 101 / 011, XOR rows 100 / 110:
   * (0,0) A1 X1 invert, (1,0) A0 X0 black, (2,0) A1 X0 clear,
   * (0,1) A0 X1 white, (1,1) A1 X1 invert, (2,1) A1 X0 clear. */
  static const guint8 mono[] = { 0xa0, 0x60, 0x80, 0xc0 };
  static const guint8 alpha[] = { 0x10, 0x20, 0x30, 0x40,  0xff, 0xee, 0xdd, 0xcc };
  /* COLOR4 3×1: indices 1, 2, 15; palette 1 red, 2 white, 15 blue; AND 010. */
  guint8 c4[2 + 64 + 1] = { 0x12, 0xf0 };
  /* COLOR8 2×1: indices 3, 255; AND 10. */
  guint8 c8[2 + 1024 + 1] = { 3, 255 };
  /* COLOR16 2×1: 0x7fff (white) under AND, 0x001f blue; AND 10. */
  static const guint8 c16[] = { 0xff, 0x7f, 0x1f, 0x00, 0x80 };
  /* COLOR24 2×1: gray, white; AND 01 (white under AND inverts). */
  static const guint8 c24[] = { 0x80, 0x80, 0x80, 0xff, 0xff, 0xff, 0x40 };
  /* COLOR32 2×2: AND rows 01 / 10, colors with junk in the top byte. */
  static const guint8 c32[] = {
    0x01, 0x02, 0x03, 0x99,  0x04, 0x05, 0x06, 0x99,
    0x07, 0x08, 0x09, 0x99,  0xff, 0xff, 0xff, 0x99,
    0x40, 0x80,
  };
  TetherSpiceCursorImage *im;

  im = shape (TETHER_SPICE_CURSOR_MONO, 3, 2, mono, sizeof mono);
  g_assert_cmphex (im->pixels[0], ==, INV (0, 0));
  g_assert_cmphex (im->pixels[1], ==, BLACK);
  g_assert_cmphex (im->pixels[2], ==, CLEAR);
  g_assert_cmphex (im->pixels[3], ==, WHITE);
  g_assert_cmphex (im->pixels[4], ==, INV (1, 1));
  g_assert_cmphex (im->pixels[5], ==, CLEAR);
  tether_spice_cursor_image_unref (im);

  im = shape (TETHER_SPICE_CURSOR_ALPHA, 2, 1, alpha, sizeof alpha);
  g_assert_cmphex (im->pixels[0], ==, 0x40302010);
  g_assert_cmphex (im->pixels[1], ==, 0xccddeeff);
  tether_spice_cursor_image_unref (im);

  c4[2 + 4 * 1 + 2] = 0xff;                              /* entry 1: red */
  memset (c4 + 2 + 4 * 2, 0xff, 3);                      /* entry 2: white */
  c4[2 + 4 * 15] = 0xff;                                 /* entry 15: blue */
  c4[2 + 64] = 0x40;                                     /* AND 010 */
  im = shape (TETHER_SPICE_CURSOR_COLOR4, 3, 1, c4, sizeof c4);
  g_assert_cmphex (im->pixels[0], ==, 0xffff0000);
  g_assert_cmphex (im->pixels[1], ==, INV (1, 0));       /* white under AND */
  g_assert_cmphex (im->pixels[2], ==, 0xff0000ff);
  tether_spice_cursor_image_unref (im);

  c8[2 + 4 * 3 + 1] = 0x77;                              /* entry 3: green 0x77 */
  c8[2 + 4 * 255 + 2] = 0x11;                            /* entry 255: red 0x11 */
  c8[2 + 1024] = 0x80;                                   /* AND 10 */
  im = shape (TETHER_SPICE_CURSOR_COLOR8, 2, 1, c8, sizeof c8);
  g_assert_cmphex (im->pixels[0], ==, CLEAR);            /* green under AND: clear */
  g_assert_cmphex (im->pixels[1], ==, 0xff110000);
  tether_spice_cursor_image_unref (im);

  im = shape (TETHER_SPICE_CURSOR_COLOR16, 2, 1, c16, sizeof c16);
  g_assert_cmphex (im->pixels[0], ==, INV (0, 0));
  g_assert_cmphex (im->pixels[1], ==, 0xff0000ff);
  tether_spice_cursor_image_unref (im);

  im = shape (TETHER_SPICE_CURSOR_COLOR24, 2, 1, c24, sizeof c24);
  g_assert_cmphex (im->pixels[0], ==, 0xff808080);
  g_assert_cmphex (im->pixels[1], ==, INV (1, 0));
  tether_spice_cursor_image_unref (im);

  im = shape (TETHER_SPICE_CURSOR_COLOR32, 2, 2, c32, sizeof c32);
  g_assert_cmphex (im->pixels[0], ==, 0xff030201);
  g_assert_cmphex (im->pixels[1], ==, CLEAR);
  g_assert_cmphex (im->pixels[2], ==, CLEAR);
  g_assert_cmphex (im->pixels[3], ==, 0xffffffff);
  tether_spice_cursor_image_unref (im);

  /* An empty shape decodes to no pixels. */
  {
    TetherSpiceCursor c = { 0, 1, TETHER_SPICE_CURSOR_ALPHA, 0, 0, 0, 0, NULL, 0 };
    g_autoptr(TetherSpiceCursorImage) empty = tether_spice_cursor_decode_image (&c, NULL);

    g_assert_nonnull (empty);
    g_assert_null (empty->pixels);
  }
  /* Too few bytes, an unknown type, too large. */
  {
    TetherSpiceCursor c = { 0, 1, TETHER_SPICE_CURSOR_COLOR32, 2, 2, 0, 0, c32, sizeof c32 - 1 };
    g_autoptr(GError) error = NULL;

    g_assert_null (tether_spice_cursor_decode_image (&c, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    c.type = 9;
    c.data_size = sizeof c32;
    g_assert_null (tether_spice_cursor_decode_image (&c, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    c.type = TETHER_SPICE_CURSOR_ALPHA;
    c.width = 2000;
    g_assert_null (tether_spice_cursor_decode_image (&c, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  }
}

/* ---- the cache ------------------------------------------------------------ */

static void
test_cache (void)
{
  g_autoptr(TetherSpiceCursorCache) cache = tether_spice_cursor_cache_new ();
  g_autoptr(GBytes) bi = spice_test_bytes (SPICE_VEC (init_alpha));
  g_autoptr(GBytes) bc = spice_test_bytes (SPICE_VEC (set_cached));
  g_autoptr(GBytes) bn = spice_test_bytes (SPICE_VEC (set_none));
  TetherSpiceMsgCursorInit init;
  TetherSpiceMsgCursorSet set;
  TetherSpiceCursorImage *image = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 px[4] = { 1, 2, 3, 4 };

  /* INIT with CACHE_ME: decoded and kept. */
  g_assert_true (tether_spice_msg_cursor_init_decode (bi, &init, &error));
  g_assert_true (tether_spice_cursor_resolve (cache, &init.cursor, &image, &error));
  g_assert_nonnull (image);
  g_assert_cmpuint (image->unique, ==, 0x1234);
  g_clear_pointer (&image, tether_spice_cursor_image_unref);
  tether_spice_msg_cursor_init_clear (&init);
  g_assert_cmpuint (tether_spice_cursor_cache_get_n_entries (cache), ==, 1);

  /* SET FROM_CACHE finds it; NONE is no cursor. */
  g_assert_true (tether_spice_msg_cursor_set_decode (bc, &set, &error));
  g_assert_true (tether_spice_cursor_resolve (cache, &set.cursor, &image, &error));
  g_assert_nonnull (image);
  g_assert_cmphex (image->pixels[0], ==, 0x40302010);
  g_clear_pointer (&image, tether_spice_cursor_image_unref);
  /* After INVAL_ONE it is gone: a protocol error. */
  tether_spice_cursor_cache_remove (cache, 0x1234);
  g_assert_false (tether_spice_cursor_resolve (cache, &set.cursor, &image, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_null (image);
  g_clear_error (&error);
  tether_spice_msg_cursor_set_clear (&set);
  g_assert_true (tether_spice_msg_cursor_set_decode (bn, &set, &error));
  g_assert_true (tether_spice_cursor_resolve (cache, &set.cursor, &image, &error));
  g_assert_null (image);
  tether_spice_msg_cursor_set_clear (&set);

  /* At most 512 entries: the least recently used goes. */
  for (guint64 i = 0; i < TETHER_SPICE_CURSOR_CACHE_MAX + 3; i++)
    {
      TetherSpiceCursor c = { TETHER_SPICE_CURSOR_FLAG_CACHE_ME, i, TETHER_SPICE_CURSOR_ALPHA, 1, 1, 0, 0,
                              px, 4 };

      g_assert_true (tether_spice_cursor_resolve (cache, &c, &image, &error));
      g_clear_pointer (&image, tether_spice_cursor_image_unref);
      if (i == 100)
        {
          /* Use entry 0, so 1, 2 and 3 are the oldest. */
          image = tether_spice_cursor_cache_lookup (cache, 0);
          g_clear_pointer (&image, tether_spice_cursor_image_unref);
        }
    }
  g_assert_cmpuint (tether_spice_cursor_cache_get_n_entries (cache), ==, TETHER_SPICE_CURSOR_CACHE_MAX);
  image = tether_spice_cursor_cache_lookup (cache, 0);
  g_assert_nonnull (image);
  g_clear_pointer (&image, tether_spice_cursor_image_unref);
  g_assert_null (tether_spice_cursor_cache_lookup (cache, 1));
  g_assert_null (tether_spice_cursor_cache_lookup (cache, 3));
  g_assert_null (tether_spice_cursor_cache_lookup (cache, 2));
  tether_spice_cursor_cache_clear (cache);
  g_assert_cmpuint (tether_spice_cursor_cache_get_n_entries (cache), ==, 0);
}

static gboolean
decode_empty (GBytes *b, GError **error)
{
  return tether_spice_msg_empty_decode (b, "SPICE message CURSOR_HIDE", error);
}

/* RESET, HIDE and INVAL_ALL are empty. */
static void
test_empty (void)
{
  static const guint8 one[] = { 0 };
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) b = spice_test_bytes (one, 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_empty (empty, &error));
  g_assert_false (decode_empty (b, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/cursor/vectors", test_vectors);
  g_test_add_func ("/spice/cursor/values", test_values);
  g_test_add_func ("/spice/cursor/shapes", test_shapes);
  g_test_add_func ("/spice/cursor/cache", test_cache);
  g_test_add_func ("/spice/cursor/empty", test_empty);
  return g_test_run ();
}
