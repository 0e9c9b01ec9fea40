/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "tether-test-utils.h"

typedef struct {
  GWeakRef    ref;
  char       *type_name;
  const char *file;
  int         line;
} Tracked;

static guint live_tracked;

void
tether_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
}

static void
tracked_finalized (gpointer data, GObject *where_the_object_was)
{
  live_tracked--;
}

/* Runs when the test case ends, after its teardown. */
static void
tracked_check (gpointer data)
{
  Tracked *t = data;
  GObject *obj = g_weak_ref_get (&t->ref);

  if (obj != NULL)
    {
      /* g_weak_ref_get added one reference of its own. */
      guint refs = g_atomic_int_get ((gint *) &obj->ref_count) - 1;

      g_object_weak_unref (obj, tracked_finalized, NULL);
      live_tracked--;
      g_test_message ("%s:%d: %s %p is still alive at the end of the test (%u reference%s)",
                      t->file, t->line, t->type_name, (void *) obj, refs, refs == 1 ? "" : "s");
      fprintf (stderr, "%s:%d: leaked %s %p (%u reference%s)\n",
               t->file, t->line, t->type_name, (void *) obj, refs, refs == 1 ? "" : "s");
      g_object_unref (obj);
      g_test_fail ();
    }
  g_weak_ref_clear (&t->ref);
  g_free (t->type_name);
  g_free (t);
}

gpointer
tether_test_track_full (gpointer object, const char *file, int line)
{
  Tracked *t;

  g_assert_true (G_IS_OBJECT (object));
  t = g_new0 (Tracked, 1);
  g_weak_ref_init (&t->ref, object);
  t->type_name = g_strdup (G_OBJECT_TYPE_NAME (object));
  t->file = file;
  t->line = line;
  live_tracked++;
  g_object_weak_ref (object, tracked_finalized, NULL);
  g_test_queue_destroy (tracked_check, t);
  return object;
}

guint
tether_test_live_objects (void)
{
  return live_tracked;
}

guint
tether_test_count_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *e;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((e = readdir (dir)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir (dir);
  return n - 1;  /* the directory stream's own fd */
}

void
tether_test_assert_no_fd_leak (guint before)
{
  guint now = tether_test_count_fds ();

  if (now > before)
    {
      g_test_message ("%u file descriptor(s) leaked (%u open at start, %u now)",
                      now - before, before, now);
      g_test_fail ();
    }
}
