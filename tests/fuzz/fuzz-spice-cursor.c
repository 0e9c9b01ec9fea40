/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the cursor channel: the input is a sequence of records
 * `u16 type, u16 length, body[length]` decoded as cursor messages and
 * applied in order to one cursor cache, as a cursor channel would (INIT
 * and RESET clear it, SET with CACHE_ME fills it, FROM_CACHE reads it).
 */
#include "config.h"

#include "tether-spice-common-messages-private.h"
#include "tether-spice-cursor-wire-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define MAX_RECORDS 32

static void
check_error (gboolean ok, GError *error)
{
  if (error != NULL && g_getenv ("TETHER_FUZZ_VERBOSE") != NULL)
    g_printerr ("%s\n", error->message);
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && (error->domain != TETHER_SPICE_ERROR || error->message[0] == '\0'))
    __builtin_trap ();
}

static void
check_image (const TetherSpiceCursor *cursor, TetherSpiceCursorImage *image)
{
  volatile guint32 sink = 0;

  if (image == NULL)
    {
      if (!(cursor->flags & TETHER_SPICE_CURSOR_FLAG_NONE))
        __builtin_trap ();
      return;
    }
  if (image->width > TETHER_SPICE_MAX_CURSOR_SIDE || image->height > TETHER_SPICE_MAX_CURSOR_SIDE)
    __builtin_trap ();
  if (image->width > 0 && image->height > 0 &&
      (image->hot_x >= image->width || image->hot_y >= image->height))
    __builtin_trap ();
  /* Touch every pixel (ASan checks the allocation). */
  for (gsize i = 0; i < (gsize) image->width * image->height; i++)
    sink ^= image->pixels[i];
  (void) sink;
}

static void
resolve (TetherSpiceCursorCache *cache, const TetherSpiceCursor *cursor)
{
  TetherSpiceCursorImage *image = NULL;
  GError *error = NULL;
  gboolean ok = tether_spice_cursor_resolve (cache, cursor, &image, &error);

  check_error (ok, error);
  if (ok)
    check_image (cursor, image);
  g_clear_pointer (&image, tether_spice_cursor_image_unref);
  g_clear_error (&error);
}

static void
apply (TetherSpiceCursorCache *cache, guint16 type, GBytes *body)
{
  GError *error = NULL;
  gboolean ok = TRUE;

  switch (type)
    {
    case TETHER_SPICE_MSG_CURSOR_INIT:
      {
        TetherSpiceMsgCursorInit m;

        ok = tether_spice_msg_cursor_init_decode (body, &m, &error);
        if (ok)
          {
            tether_spice_cursor_cache_clear (cache);
            resolve (cache, &m.cursor);
          }
        tether_spice_msg_cursor_init_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_CURSOR_SET:
      {
        TetherSpiceMsgCursorSet m;

        ok = tether_spice_msg_cursor_set_decode (body, &m, &error);
        if (ok)
          resolve (cache, &m.cursor);
        tether_spice_msg_cursor_set_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_CURSOR_MOVE:
      {
        TetherSpicePoint16 p;

        ok = tether_spice_msg_cursor_move_decode (body, &p, &error);
      }
      break;
    case TETHER_SPICE_MSG_CURSOR_TRAIL:
      {
        guint16 l, f;

        ok = tether_spice_msg_cursor_trail_decode (body, &l, &f, &error);
      }
      break;
    case TETHER_SPICE_MSG_CURSOR_INVAL_ONE:
      {
        guint64 id;

        ok = tether_spice_msg_cursor_inval_one_decode (body, &id, &error);
        if (ok)
          tether_spice_cursor_cache_remove (cache, id);
      }
      break;
    case TETHER_SPICE_MSG_CURSOR_RESET:
    case TETHER_SPICE_MSG_CURSOR_INVAL_ALL:
      ok = tether_spice_msg_empty_decode (body, "SPICE message CURSOR_RESET", &error);
      if (ok)
        tether_spice_cursor_cache_clear (cache);
      break;
    case TETHER_SPICE_MSG_CURSOR_HIDE:
      ok = tether_spice_msg_empty_decode (body, "SPICE message CURSOR_HIDE", &error);
      break;
    default:
      return;
    }
  check_error (ok, error);
  g_clear_error (&error);
  if (tether_spice_cursor_cache_get_n_entries (cache) > TETHER_SPICE_CURSOR_CACHE_MAX)
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSpiceCursorCache *cache = tether_spice_cursor_cache_new ();
  TetherReader r;

  tether_reader_init (&r, data, size);
  for (guint n = 0; n < MAX_RECORDS && tether_reader_remaining (&r) >= 4; n++)
    {
      guint16 type, len;
      gsize count;
      const guint8 *body;
      GBytes *bytes;

      tether_reader_u16_le (&r, &type);
      tether_reader_u16_le (&r, &len);
      count = MIN ((gsize) len, tether_reader_remaining (&r));
      if (!tether_reader_borrow (&r, count, &body))
        break;
      bytes = g_bytes_new (body, count);
      apply (cache, type, bytes);
      g_bytes_unref (bytes);
    }
  tether_spice_cursor_cache_free (cache);
  return 0;
}
