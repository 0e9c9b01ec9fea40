/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-reader-private.h"
#include "tether-writer-private.h"
#include "tether-test-utils.h"

/* ---- basic reads ------------------------------------------------------ */

static void
test_reader_integers (void)
{
  static const guint8 data[] = {
    0x01,
    0x02, 0x03,
    0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x12, 0x34,
    0x12, 0x34, 0x56, 0x78,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0xfe, 0xff, 0xff, 0xff,
  };
  TetherReader r;
  guint8 u8;
  guint16 u16;
  guint32 u32;
  guint64 u64;
  gint32 i32;
  g_autoptr(GError) error = NULL;

  tether_reader_init (&r, data, sizeof data);
  g_assert_cmpuint (tether_reader_remaining (&r), ==, sizeof data);
  g_assert_true (tether_reader_u8 (&r, &u8));
  g_assert_cmphex (u8, ==, 0x01);
  g_assert_true (tether_reader_u16_le (&r, &u16));
  g_assert_cmphex (u16, ==, 0x0302);
  g_assert_true (tether_reader_u32_le (&r, &u32));
  g_assert_cmphex (u32, ==, 0x07060504);
  g_assert_true (tether_reader_u64_le (&r, &u64));
  g_assert_cmphex (u64, ==, G_GUINT64_CONSTANT (0x0f0e0d0c0b0a0908));
  g_assert_true (tether_reader_u16_be (&r, &u16));
  g_assert_cmphex (u16, ==, 0x1234);
  g_assert_true (tether_reader_u32_be (&r, &u32));
  g_assert_cmphex (u32, ==, 0x12345678);
  g_assert_true (tether_reader_u64_be (&r, &u64));
  g_assert_cmphex (u64, ==, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_true (tether_reader_i32_le (&r, &i32));
  g_assert_cmpint (i32, ==, -2);
  g_assert_cmpuint (tether_reader_remaining (&r), ==, 0);
  g_assert_true (tether_reader_finish (&r, TRUE, &error));
  g_assert_no_error (error);
}

static void
test_reader_i32_extremes (void)
{
  static const guint8 data[] = { 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f };
  TetherReader r;
  gint32 a, b;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_i32_le (&r, &a));
  g_assert_true (tether_reader_i32_le (&r, &b));
  g_assert_cmpint (a, ==, G_MININT32);
  g_assert_cmpint (b, ==, G_MAXINT32);
}

static void
test_reader_sticky (void)
{
  static const guint8 data[] = { 1, 2, 3, 4, 5, 6 };
  TetherReader r;
  guint32 u32 = 99;
  guint8 u8 = 99;
  g_autoptr(GError) error = NULL;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_u32_le (&r, &u32));
  /* 2 bytes left: a u32 fails and yields 0 ... */
  g_assert_false (tether_reader_u32_le (&r, &u32));
  g_assert_cmpuint (u32, ==, 0);
  g_assert_true (tether_reader_failed (&r));
  /* ... and so does every later read, even one that would fit. */
  g_assert_false (tether_reader_u8 (&r, &u8));
  g_assert_cmpuint (u8, ==, 0);
  g_assert_cmpuint (tether_reader_remaining (&r), ==, 0);
  g_assert_false (tether_reader_finish (&r, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* The message says what and where. */
  g_assert_nonnull (strstr (error->message, "4 bytes wanted at byte 4 of 6"));
}

static void
test_reader_trailing (void)
{
  static const guint8 data[] = { 1, 2, 3 };
  TetherReader r;
  guint16 u16;
  g_autoptr(GError) error = NULL;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_u16_le (&r, &u16));
  g_assert_true (tether_reader_finish (&r, FALSE, NULL));
  g_assert_false (tether_reader_finish_full (&r, TRUE, TETHER_TEST_QUARK, 7, &error));
  g_assert_error (error, TETHER_TEST_QUARK, 7);
  g_assert_nonnull (strstr (error->message, "1 unexpected trailing bytes at byte 2"));
}

static void
test_reader_empty (void)
{
  TetherReader r;
  guint8 u8;
  const guint8 *p = (const guint8 *) "x";

  TetherReader child;

  tether_reader_init (&r, NULL, 10);   /* NULL data: treated as empty */
  g_assert_cmpuint (tether_reader_remaining (&r), ==, 0);
  /* Zero-length reads of an empty buffer succeed without NULL pointer
   * arithmetic (an empty GBytes has a NULL buffer). */
  g_assert_true (tether_reader_borrow (&r, 0, &p));
  g_assert_nonnull (p);
  g_assert_true (tether_reader_at (&r, 0, 0, &child));
  g_assert_true (tether_reader_sub (&r, 0, &child));
  g_assert_cmpuint (tether_reader_remaining (&child), ==, 0);
  g_assert_true (tether_reader_skip (&r, 0));
  g_assert_true (tether_reader_finish (&r, TRUE, NULL));
  g_assert_false (tether_reader_u8 (&r, &u8));
  g_assert_false (tether_reader_borrow (&r, 0, &p));
  g_assert_null (p);
}

static void
test_reader_huge_lengths (void)
{
  static const guint8 data[16] = { 0 };
  TetherReader r, child;
  const guint8 *p;

  /* Lengths near SIZE_MAX must not wrap around. */
  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_skip (&r, 4));
  g_assert_false (tether_reader_skip (&r, G_MAXSIZE));
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_borrow (&r, G_MAXSIZE - 2, &p));
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_sub (&r, sizeof data + 1, &child));
  g_assert_true (tether_reader_failed (&child));
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_at (&r, G_MAXUINT64, 1, &child));
  g_assert_true (tether_reader_failed (&r));
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_at (&r, 8, G_MAXSIZE, &child));
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_at (&r, 17, 0, &child));
  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_at (&r, 16, 0, &child));  /* empty slice at the end is fine */
}

static void
test_reader_sub_and_at (void)
{
  static const guint8 data[] = { 0xaa, 1, 2, 3, 4, 0xbb, 0xcc, 0xdd };
  TetherReader r, child, at;
  guint8 u8;
  guint32 u32;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_u8 (&r, &u8));
  g_assert_true (tether_reader_sub (&r, 4, &child));
  /* The parent moved past the child's bytes. */
  g_assert_cmpuint (tether_reader_offset (&r), ==, 5);
  /* The child cannot see past its 4 bytes. */
  g_assert_true (tether_reader_u32_be (&child, &u32));
  g_assert_cmphex (u32, ==, 0x01020304);
  g_assert_false (tether_reader_u8 (&child, &u8));
  g_assert_false (tether_reader_failed (&r));
  /* at() is absolute and does not move the parent. */
  g_assert_true (tether_reader_at (&r, 5, 3, &at));
  g_assert_cmpuint (tether_reader_offset (&r), ==, 5);
  g_assert_true (tether_reader_u8 (&at, &u8));
  g_assert_cmphex (u8, ==, 0xbb);
  g_assert_false (tether_reader_at (&r, 6, 3, &at));
  g_assert_true (tether_reader_failed (&r));
}

static void
test_reader_can_hold (void)
{
  static const guint8 data[24] = { 0 };
  TetherReader r;
  g_autoptr(GError) error = NULL;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_can_hold (&r, 3, 8));
  g_assert_true (tether_reader_can_hold (&r, 0, 8));
  g_assert_true (tether_reader_can_hold (&r, G_MAXUINT64, 0));
  g_assert_false (tether_reader_failed (&r));
  g_assert_false (tether_reader_can_hold (&r, 4, 8));
  g_assert_true (tether_reader_failed (&r));
  g_assert_false (tether_reader_finish (&r, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "element count"));
  /* count × size would overflow 64 bits: still a clean refusal. */
  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_can_hold (&r, G_MAXUINT64 / 2, 16));
}

static void
test_reader_copy (void)
{
  static const guint8 data[] = { 'a', 'b', 'c' };
  TetherReader r;
  char out[4] = "zzz";

  tether_reader_init (&r, data, sizeof data);
  g_assert_false (tether_reader_copy (&r, 4, out));
  g_assert_cmpmem (out, 4, "\0\0\0\0", 4);
  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_copy (&r, 3, out));
  g_assert_cmpmem (out, 3, "abc", 3);
}

static void
test_reader_semantic_fail (void)
{
  static const guint8 data[] = { 9, 9 };
  TetherReader r;
  guint8 u8;
  g_autoptr(GError) error = NULL;

  tether_reader_init (&r, data, sizeof data);
  g_assert_true (tether_reader_u8 (&r, &u8));
  g_assert_false (tether_reader_fail (&r, "bad kind"));
  g_assert_false (tether_reader_u8 (&r, &u8));
  g_assert_false (tether_reader_finish (&r, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "bad kind at byte 1");
}

/* ---- every prefix of a valid message fails cleanly --------------------- */

/* A message shaped like the SPICE ones: a fixed header, a counted array,
 * an "offset from message start" pointer to a string, a nested slice. */
typedef struct {
  guint32 magic;
  guint16 n_points;
  gint32  xs[8];
  char    name[32];
  guint64 nested;
  guint8  tail;
} SampleMsg;

static gboolean
parse_sample (const guint8 *data, gsize len, SampleMsg *out, GError **error)
{
  TetherReader r, name, sub;
  guint32 name_off, name_len, sub_len;
  const guint8 *bytes;

  memset (out, 0, sizeof *out);
  tether_reader_init (&r, data, len);
  tether_reader_u32_le (&r, &out->magic);
  tether_reader_u16_le (&r, &out->n_points);
  if (out->n_points > G_N_ELEMENTS (out->xs))
    tether_reader_fail (&r, "too many points");
  tether_reader_can_hold (&r, out->n_points, 4);
  for (guint i = 0; i < out->n_points && !tether_reader_failed (&r); i++)
    tether_reader_i32_le (&r, &out->xs[i]);
  tether_reader_u32_le (&r, &name_off);
  tether_reader_u32_le (&r, &name_len);
  if (name_len >= sizeof out->name)
    tether_reader_fail (&r, "name too long");
  if (tether_reader_at (&r, name_off, name_len, &name) &&
      tether_reader_borrow (&name, name_len, &bytes))
    memcpy (out->name, bytes, name_len);
  tether_reader_u32_le (&r, &sub_len);
  tether_reader_sub (&r, sub_len, &sub);
  tether_reader_u64_le (&sub, &out->nested);
  if (!tether_reader_finish (&sub, TRUE, error))
    return FALSE;
  tether_reader_u8 (&r, &out->tail);
  return tether_reader_finish (&r, FALSE, error);
}

static GBytes *
build_sample (guint16 n_points, const char *name)
{
  TetherWriter w;
  gsize name_off_at;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, 0x51444552);
  tether_writer_u16_le (&w, n_points);
  for (guint i = 0; i < n_points; i++)
    tether_writer_i32_le (&w, (gint32) i * -1000);
  name_off_at = tether_writer_reserve_u32 (&w);
  tether_writer_u32_le (&w, (guint32) strlen (name));
  tether_writer_u32_le (&w, 8);
  tether_writer_u64_le (&w, G_GUINT64_CONSTANT (0x1122334455667788));
  tether_writer_u8 (&w, 0x5a);
  tether_writer_patch_u32_le (&w, name_off_at, (guint32) tether_writer_len (&w));
  tether_writer_bytes (&w, name, strlen (name));
  return tether_writer_steal_bytes (&w);
}

static void
check_every_prefix (GBytes *msg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);
  SampleMsg out;

  for (gsize cut = 0; cut < len; cut++)
    {
      /* An exact-size heap copy, so a sanitizer sees any over-read. */
      guint8 *copy = g_memdup2 (data, cut);
      g_autoptr(GError) error = NULL;

      g_assert_false (parse_sample (copy, cut, &out, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (error->message);
      g_free (copy);
    }
}

static void
test_reader_every_prefix (void)
{
  static const struct { guint16 n; const char *name; } cases[] = {
    { 0, "" }, { 1, "a" }, { 3, "main" }, { 8, "a-longer-channel-name" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) msg = build_sample (cases[i].n, cases[i].name);
      gsize len;
      const guint8 *data = g_bytes_get_data (msg, &len);
      guint8 *copy = g_memdup2 (data, len);
      SampleMsg out;
      g_autoptr(GError) error = NULL;

      /* The whole message parses, with every value back ... */
      g_assert_true (parse_sample (copy, len, &out, &error));
      g_assert_no_error (error);
      g_assert_cmphex (out.magic, ==, 0x51444552);
      g_assert_cmpuint (out.n_points, ==, cases[i].n);
      for (guint k = 0; k < cases[i].n; k++)
        g_assert_cmpint (out.xs[k], ==, (gint32) k * -1000);
      g_assert_cmpstr (out.name, ==, cases[i].name);
      g_assert_cmphex (out.nested, ==, G_GUINT64_CONSTANT (0x1122334455667788));
      g_assert_cmphex (out.tail, ==, 0x5a);
      g_free (copy);
      /* ... and every cut fails cleanly. */
      check_every_prefix (msg);
    }
}

static void
test_reader_hostile_values (void)
{
  g_autoptr(GBytes) msg = build_sample (2, "xy");
  gsize len = g_bytes_get_size (msg);
  guint8 *data = g_memdup2 (g_bytes_get_data (msg, NULL), len);
  SampleMsg out;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  /* A point count larger than the data can hold. */
  data[4] = 0xff;
  data[5] = 0x7f;
  g_assert_false (parse_sample (data, len, &out, &e1));
  g_assert_error (e1, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  /* A name offset pointing past the end. */
  data[4] = 2;
  data[5] = 0;
  data[14] = 0xff;
  data[15] = 0xff;
  g_assert_false (parse_sample (data, len, &out, &e2));
  g_test_message ("%s", e2->message);
  g_assert_nonnull (strstr (e2->message, "offset out of range"));
  g_free (data);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/core/reader/integers", test_reader_integers);
  g_test_add_func ("/core/reader/i32-extremes", test_reader_i32_extremes);
  g_test_add_func ("/core/reader/sticky-error", test_reader_sticky);
  g_test_add_func ("/core/reader/trailing-bytes", test_reader_trailing);
  g_test_add_func ("/core/reader/empty", test_reader_empty);
  g_test_add_func ("/core/reader/huge-lengths", test_reader_huge_lengths);
  g_test_add_func ("/core/reader/sub-and-at", test_reader_sub_and_at);
  g_test_add_func ("/core/reader/can-hold", test_reader_can_hold);
  g_test_add_func ("/core/reader/copy", test_reader_copy);
  g_test_add_func ("/core/reader/semantic-fail", test_reader_semantic_fail);
  g_test_add_func ("/core/reader/every-prefix", test_reader_every_prefix);
  g_test_add_func ("/core/reader/hostile-values", test_reader_hostile_values);
  return g_test_run ();
}
