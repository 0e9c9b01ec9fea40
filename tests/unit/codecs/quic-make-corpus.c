/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes the test-encoder part of the fuzz seed corpus for fuzz-codec-quic
 * (tests/fuzz/corpus/codec-quic/enc-*): small streams of every type,
 * including GRAY and sizes below 3 that spice-server never encodes, and
 * header-less bodies for the fuzz target's second input form.
 *
 * Usage: quic-make-corpus DIR   (built with the tests, not run by them)
 */
#include "config.h"

#include <stdio.h>

#include "quic-test-encoder.h"

static void
write_file (const char *dir, const char *name, const guint8 *prefix, gsize prefix_len,
            const guint8 *data, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_byte_array_append (all, prefix, (guint) prefix_len);
  g_byte_array_append (all, data, (guint) len);
  if (!g_file_set_contents (path, (const char *) all->data, all->len, &error))
    g_error ("%s", error->message);
}

int
main (int argc, char **argv)
{
  static const struct { TetherQuicType type; guint32 w, h; } shapes[] = {
    { TETHER_QUIC_TYPE_GRAY, 1, 1 },
    { TETHER_QUIC_TYPE_GRAY, 9, 7 },
    { TETHER_QUIC_TYPE_RGB16, 2, 2 },
    { TETHER_QUIC_TYPE_RGB16, 13, 5 },
    { TETHER_QUIC_TYPE_RGB24, 5, 3 },
    { TETHER_QUIC_TYPE_RGB32, 1, 9 },
    { TETHER_QUIC_TYPE_RGB32, 24, 8 },
    { TETHER_QUIC_TYPE_RGBA, 3, 1 },
    { TETHER_QUIC_TYPE_RGBA, 16, 6 },
  };
  GRand *rand;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DIR\n", argv[0]);
      return 2;
    }
  rand = g_rand_new_with_seed (7);
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      g_autoptr(QuicTestImage) img = quic_test_image_new (shapes[s].type, shapes[s].w, shapes[s].h);
      guint mask = shapes[s].type == TETHER_QUIC_TYPE_RGB16 ? 31 : 255;
      guint nch = quic_test_type_channels (shapes[s].type);
      g_autoptr(GBytes) stream = NULL;
      g_autofree char *name = NULL;
      gsize len;
      const guint8 *data;

      /* Half flat (runs from the second row on), half noisy. */
      for (guint c = 0; c < nch; c++)
        for (gsize p = 0; p < (gsize) shapes[s].w * shapes[s].h; p++)
          img->planes[c][p] = (guint8) ((p % shapes[s].w) * 2 < shapes[s].w
                                        ? 40 + c : g_rand_int (rand)) & mask;
      stream = quic_test_encode (img);
      data = g_bytes_get_data (stream, &len);
      name = g_strdup_printf ("enc-%s-%ux%u", tether_quic_type_to_string (shapes[s].type),
                              shapes[s].w, shapes[s].h);
      write_file (argv[1], name, NULL, 0, data, len);

      /* The same body behind the fuzz target's 3-byte type/size selector
       * (type = 1 + b0 % 5, width = 1 + b1 % 96, height = 1 + b2 % 48). */
      {
        const guint8 sel[3] = {
          (guint8) (shapes[s].type - 1), (guint8) (shapes[s].w - 1), (guint8) (shapes[s].h - 1),
        };
        g_autofree char *body_name = g_strconcat (name, "-body", NULL);

        write_file (argv[1], body_name, sel, sizeof sel,
                    data + TETHER_QUIC_HEADER_SIZE, len - TETHER_QUIC_HEADER_SIZE);
      }
    }
  g_rand_free (rand);
  return 0;
}
