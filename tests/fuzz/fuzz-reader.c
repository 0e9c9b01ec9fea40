/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes TetherReader: the first part of the input is a program of reader
 * operations, the rest is the data they read. After every step the reader's
 * invariants must hold; a sanitizer catches any access outside the data.
 */
#include "config.h"

#include <string.h>

#include "tether-reader-private.h"
#include "fuzz-common.h"

static void
check_invariants (const TetherReader *r)
{
  if (r->pos > r->len)
    __builtin_trap ();
  if (r->failed && tether_reader_remaining (r) != 0)
    __builtin_trap ();
}

static void
run_program (TetherReader *ops, TetherReader *r, int depth)
{
  guint8 op;

  while (tether_reader_u8 (ops, &op))
    {
      gboolean was_failed = tether_reader_failed (r);
      guint8 u8;
      guint16 u16;
      guint32 u32;
      guint64 u64;
      gint32 i32;
      const guint8 *p;
      guint8 buf[64];
      TetherReader child;

      switch (op % 16)
        {
        case 0: tether_reader_u8 (r, &u8); break;
        case 1: tether_reader_u16_le (r, &u16); break;
        case 2: tether_reader_u32_le (r, &u32); break;
        case 3: tether_reader_u64_le (r, &u64); break;
        case 4: tether_reader_u16_be (r, &u16); break;
        case 5: tether_reader_u32_be (r, &u32); break;
        case 6: tether_reader_u64_be (r, &u64); break;
        case 7: tether_reader_i32_le (r, &i32); break;
        case 8:
          /* A length from the data itself, as wire formats do. */
          tether_reader_u32_le (ops, &u32);
          if (tether_reader_borrow (r, u32, &p) && u32 > 0)
            (void) *(volatile const guint8 *) (p + u32 - 1);
          break;
        case 9:
          tether_reader_u8 (ops, &u8);
          tether_reader_copy (r, u8 % sizeof buf, buf);
          break;
        case 10:
          tether_reader_u64_le (ops, &u64);
          tether_reader_skip (r, (gsize) u64);
          break;
        case 11:
          tether_reader_u32_le (ops, &u32);
          if (depth < 8 && tether_reader_sub (r, u32, &child))
            run_program (ops, &child, depth + 1);
          break;
        case 12:
          tether_reader_u64_le (ops, &u64);
          tether_reader_u32_le (ops, &u32);
          if (depth < 8 && tether_reader_at (r, u64, u32, &child))
            run_program (ops, &child, depth + 1);
          break;
        case 13:
          tether_reader_u64_le (ops, &u64);
          tether_reader_u8 (ops, &u8);
          tether_reader_can_hold (r, u64, u8);
          break;
        case 14:
          {
            GError *error = NULL;

            if (!tether_reader_finish (r, op & 0x10, &error))
              {
                if (error == NULL || error->message == NULL)
                  __builtin_trap ();
                g_error_free (error);
              }
            else if (error != NULL)
              __builtin_trap ();
          }
          break;
        default:
          return;  /* ends this nesting level */
        }
      check_invariants (r);
      if (was_failed && !tether_reader_failed (r))
        __builtin_trap ();  /* the error must be sticky */
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader all, ops, payload;
  guint16 ops_len;

  tether_reader_init (&all, data, size);
  if (!tether_reader_u16_le (&all, &ops_len) ||
      !tether_reader_sub (&all, MIN ((gsize) ops_len, tether_reader_remaining (&all)), &ops))
    return 0;
  tether_reader_sub (&all, tether_reader_remaining (&all), &payload);
  run_program (&ops, &payload, 0);
  return 0;
}
