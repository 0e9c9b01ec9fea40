/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A driver for builds without libFuzzer: runs each file given (or every file
 * in each directory given) through the target once. The test suite uses it to
 * replay the seed corpora, so every corpus file is a regression test.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "fuzz-common.h"

static int
run_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  /* An exact-size copy, so a sanitizer sees any over-read. */
  {
    guint8 *copy = g_memdup2 (data, len);

    LLVMFuzzerTestOneInput (copy, len);
    g_free (copy);
  }
  return 0;
}

int
main (int argc, char **argv)
{
  guint files = 0;
  int status = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);

              status |= run_file (path);
              files++;
            }
        }
      else
        {
          status |= run_file (argv[i]);
          files++;
        }
    }
  if (files == 0)
    {
      fprintf (stderr, "no corpus files given\n");
      return 1;
    }
  printf ("ran %u input%s\n", files, files == 1 ? "" : "s");
  return status;
}
