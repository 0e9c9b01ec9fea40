/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The test helpers must be able to fail: a leaked object or fd fails the test. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include "tether-test-utils.h"

static void
test_track_finalized_passes (void)
{
  GObject *obj = tether_test_track (g_object_new (G_TYPE_OBJECT, NULL));

  g_assert_cmpuint (tether_test_live_objects (), ==, 1);
  g_object_unref (obj);
  g_assert_cmpuint (tether_test_live_objects (), ==, 0);
}

/* The helpers must be able to fail: each check runs in a child that leaks. */
static void
test_object_leak_fails (void)
{
  if (g_test_subprocess ())
    {
      GObject *obj = tether_test_track (g_object_new (G_TYPE_OBJECT, NULL));

      (void) obj;  /* never unreffed: the queued check must fail the test */
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*test-support.c:*leaked GObject*1 reference*");
}

static void
test_fd_leak_fails (void)
{
  if (g_test_subprocess ())
    {
      guint before = tether_test_count_fds ();
      int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

      g_assert_cmpint (fd, >=, 0);
      tether_test_assert_no_fd_leak (before);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static void
test_fd_count (void)
{
  guint before = tether_test_count_fds ();
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  g_assert_cmpuint (tether_test_count_fds (), ==, before + 1);
  close (fd);
  g_assert_cmpuint (tether_test_count_fds (), ==, before);
  tether_test_assert_no_fd_leak (before);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/support/track/finalized-passes", test_track_finalized_passes);
  g_test_add_func ("/support/track/leak-fails", test_object_leak_fails);
  g_test_add_func ("/support/fd-count", test_fd_count);
  g_test_add_func ("/support/fd-leak-fails", test_fd_leak_fails);
  return g_test_run ();
}
