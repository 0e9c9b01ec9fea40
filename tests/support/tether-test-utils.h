/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* An error domain for tests of code that takes one from its caller. */
#define TETHER_TEST_QUARK (g_quark_from_static_string ("tether-test-quark"))

/* Common set-up for every test binary: g_test_init, fatal criticals and
 * warnings, and no stray debug output unless G_MESSAGES_DEBUG asks for it. */
void      tether_test_init (int *argc, char ***argv);

/* Tracks @object: the current test fails when it ends (after its teardown)
 * while @object is still alive, naming the object's type and where it was
 * tracked. Returns @object, so it wraps a constructor call. */
#define tether_test_track(object) \
  tether_test_track_full ((object), __FILE__, __LINE__)
gpointer  tether_test_track_full (gpointer object, const char *file, int line);

/* How many tracked objects are alive right now. */
guint     tether_test_live_objects (void);

/* The number of open file descriptors of this process. */
guint     tether_test_count_fds (void);

/* Fails the test when more fds are open than @before. Pass the value of
 * tether_test_count_fds() taken at the start of the test. */
void      tether_test_assert_no_fd_leak (guint before);

G_END_DECLS
