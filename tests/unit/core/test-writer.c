/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "tether-reader-private.h"
#include "tether-writer-private.h"
#include "tether-test-utils.h"

static void
test_writer_encoding (void)
{
  static const guint8 expected[] = {
    0x7f,
    0x34, 0x12,
    0x78, 0x56, 0x34, 0x12,
    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
    0x12, 0x34,
    0x12, 0x34, 0x56, 0x78,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0xff, 0xff, 0xff, 0xff,
    'h', 'i',
    0, 0, 0,
  };
  TetherWriter w;
  g_autoptr(GBytes) bytes = NULL;

  tether_writer_init (&w);
  tether_writer_u8 (&w, 0x7f);
  tether_writer_u16_le (&w, 0x1234);
  tether_writer_u32_le (&w, 0x12345678);
  tether_writer_u64_le (&w, G_GUINT64_CONSTANT (0x0102030405060708));
  tether_writer_u16_be (&w, 0x1234);
  tether_writer_u32_be (&w, 0x12345678);
  tether_writer_u64_be (&w, G_GUINT64_CONSTANT (0x0102030405060708));
  tether_writer_i32_le (&w, -1);
  tether_writer_bytes (&w, "hi", 2);
  tether_writer_zeros (&w, 3);
  g_assert_cmpuint (tether_writer_len (&w), ==, sizeof expected);
  bytes = tether_writer_steal_bytes (&w);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected);
  /* The writer is empty, holds no memory and is reusable after a steal. */
  g_assert_cmpuint (tether_writer_len (&w), ==, 0);
  g_assert_null (w.buf);
  tether_writer_u8 (&w, 1);
  g_assert_cmpuint (tether_writer_len (&w), ==, 1);
  tether_writer_clear (&w);
  g_assert_null (w.buf);
}

static void
test_writer_reserve_patch (void)
{
  TetherWriter w;
  gsize len_at, len16_at;
  g_autoptr(GBytes) bytes = NULL;
  TetherReader r;
  guint32 magic, size, be;
  guint16 size16;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, 0xcafe);
  len_at = tether_writer_reserve_u32 (&w);
  len16_at = tether_writer_reserve_u16 (&w);
  tether_writer_u32_be (&w, 0);
  tether_writer_zeros (&w, 10);
  tether_writer_patch_u32_le (&w, len_at, (guint32) (tether_writer_len (&w) - 8));
  tether_writer_patch_u16_le (&w, len16_at, 0xbeef);
  tether_writer_patch_u32_be (&w, 10, 0xdeadbeef);
  bytes = tether_writer_steal_bytes (&w);
  tether_writer_clear (&w);

  tether_reader_init_bytes (&r, bytes);
  tether_reader_u32_le (&r, &magic);
  tether_reader_u32_le (&r, &size);
  tether_reader_u16_le (&r, &size16);
  tether_reader_u32_be (&r, &be);
  g_assert_cmphex (magic, ==, 0xcafe);
  g_assert_cmpuint (size, ==, 16);
  g_assert_cmphex (size16, ==, 0xbeef);
  g_assert_cmphex (be, ==, 0xdeadbeef);
  g_assert_true (tether_reader_skip (&r, size - 6));
  g_assert_true (tether_reader_finish (&r, TRUE, NULL));
}

static void
test_writer_patch_out_of_range (void)
{
  if (g_test_subprocess ())
    {
      TetherWriter w;

      tether_writer_init (&w);
      tether_writer_u16_le (&w, 0);
      tether_writer_patch_u32_le (&w, 0, 1);  /* only 2 bytes there */
      tether_writer_clear (&w);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*tether_writer_patch_u32_le*");
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/core/writer/encoding", test_writer_encoding);
  g_test_add_func ("/core/writer/reserve-and-patch", test_writer_reserve_patch);
  g_test_add_func ("/core/writer/patch-out-of-range", test_writer_patch_out_of_range);
  return g_test_run ();
}
