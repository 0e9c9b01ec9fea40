/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of tether-test-spice-server's core interface (timers and fd
 * watches on the GLib main loop, called from several threads) and of its
 * synthetic patterns. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "tss.h"

static SpiceCoreInterface *core;

/* Runs the default main context until *counter reaches @target or
 * @timeout_ms pass. */
static gboolean
run_until_count (const gint *counter, gint target, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_atomic_int_get (counter) < target && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (200);
  return g_atomic_int_get (counter) >= target;
}

static gboolean
run_until (const gint *flag, guint timeout_ms)
{
  return run_until_count (flag, 1, timeout_ms);
}

/* Runs the default main context for @ms milliseconds. */
static void
run_for (guint ms)
{
  static const gint never = 0;
  run_until (&never, ms);
}

/* ---- timers --------------------------------------------------------------- */

static void
count_cb (void *opaque)
{
  g_atomic_int_inc ((gint *) opaque);
}

static void
test_timer_fires_once (void)
{
  gint fired = 0;
  SpiceTimer *t = core->timer_add (count_cb, &fired);
  gint64 start = g_get_monotonic_time ();

  core->timer_start (t, 20);
  g_assert_true (run_until (&fired, 2000));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * 1000);
  run_for (60);
  g_assert_cmpint (g_atomic_int_get (&fired), ==, 1);
  core->timer_remove (t);
  g_assert_cmpuint (tss_core_live_timers (), ==, 0);
}

static void
test_timer_cancel (void)
{
  gint fired = 0;
  SpiceTimer *t = core->timer_add (count_cb, &fired);

  core->timer_start (t, 10);
  core->timer_cancel (t);
  run_for (60);
  g_assert_cmpint (fired, ==, 0);
  /* A cancelled timer can be started again. */
  core->timer_start (t, 0);
  g_assert_true (run_until (&fired, 2000));
  core->timer_remove (t);
}

static void
test_timer_restart_later (void)
{
  gint fired = 0;
  SpiceTimer *t = core->timer_add (count_cb, &fired);
  gint64 start = g_get_monotonic_time ();

  core->timer_start (t, 5);
  core->timer_start (t, 80);
  g_assert_true (run_until (&fired, 2000));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 80 * 1000);
  g_assert_cmpint (fired, ==, 1);
  core->timer_remove (t);
}

typedef struct {
  SpiceTimer *timer;
  gint fired;
} SelfRemoving;

static void
remove_self_cb (void *opaque)
{
  SelfRemoving *s = opaque;

  core->timer_remove (s->timer);
  s->timer = NULL;
  g_atomic_int_inc (&s->fired);
}

static void
test_timer_remove_in_callback (void)
{
  SelfRemoving s = { 0 };

  s.timer = core->timer_add (remove_self_cb, &s);
  core->timer_start (s.timer, 1);
  g_assert_true (run_until (&s.fired, 2000));
  run_for (20);
  g_assert_null (s.timer);
  g_assert_cmpuint (tss_core_live_timers (), ==, 0);
}

/* Threads that add, start, restart, cancel and remove timers while the main
 * thread dispatches them, as spice-server's worker thread may. Every start
 * that is not cancelled must fire exactly once. */
#define STRESS_THREADS 4
#define STRESS_ROUNDS 300

typedef struct {
  GMutex lock;
  GCond cond;
  gint fired;
} Waiter;

static void
waiter_cb (void *opaque)
{
  Waiter *w = opaque;

  g_mutex_lock (&w->lock);
  w->fired++;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
}

static gint stress_failures;
static gint stress_done;

/* Each thread's Waiter outlives the thread: a callback that was already
 * being dispatched when its timer was removed may still run (the same holds
 * for spice-server's opaque pointers). */
static gpointer
timer_stress_thread (gpointer data)
{
  Waiter *w = data;
  GRand *rand = g_rand_new_with_seed (g_random_int ());

  for (guint round = 0; round < STRESS_ROUNDS; round++)
    {
      SpiceTimer *t = core->timer_add (waiter_cb, w);
      gint64 end;
      gboolean ok = TRUE;

      /* Noise: starts and cancels that must leave nothing behind. */
      for (guint i = g_rand_int_range (rand, 0, 4); i > 0; i--)
        {
          core->timer_start (t, g_rand_int_range (rand, 0, 3));
          core->timer_cancel (t);
        }
      /* A cancel may lose a race with a dispatch that was due: start over. */
      g_mutex_lock (&w->lock);
      w->fired = 0;
      g_mutex_unlock (&w->lock);

      core->timer_start (t, g_rand_int_range (rand, 0, 3));
      end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      g_mutex_lock (&w->lock);
      while (w->fired == 0 && ok)
        ok = g_cond_wait_until (&w->cond, &w->lock, end);
      g_mutex_unlock (&w->lock);
      if (!ok)
        g_atomic_int_inc (&stress_failures);
      if (round % 2 == 0)
        core->timer_start (t, 0);   /* removed while possibly due */
      core->timer_remove (t);
    }
  g_rand_free (rand);
  g_atomic_int_inc (&stress_done);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_timer_threads (void)
{
  GThread *threads[STRESS_THREADS];
  Waiter waiters[STRESS_THREADS];

  stress_failures = 0;
  stress_done = 0;
  for (guint i = 0; i < STRESS_THREADS; i++)
    {
      g_mutex_init (&waiters[i].lock);
      g_cond_init (&waiters[i].cond);
      threads[i] = g_thread_new ("timer-stress", timer_stress_thread, &waiters[i]);
    }
  while (g_atomic_int_get (&stress_done) < STRESS_THREADS)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < STRESS_THREADS; i++)
    g_thread_join (threads[i]);
  run_for (20);   /* let removed sources finalize */
  for (guint i = 0; i < STRESS_THREADS; i++)
    {
      g_cond_clear (&waiters[i].cond);
      g_mutex_clear (&waiters[i].lock);
    }
  g_assert_cmpint (stress_failures, ==, 0);
  g_assert_cmpuint (tss_core_live_timers (), ==, 0);
  g_assert_cmpuint (tss_core_foreign_calls (), >=, STRESS_THREADS * STRESS_ROUNDS * 3);
}

/* ---- watches -------------------------------------------------------------- */

typedef struct {
  int fd;
  gint reads;
  gint writes;
  gint bytes;
  SpiceWatch *self;   /* removed in the callback when set */
} WatchState;

static void
watch_cb (int fd, int event, void *opaque)
{
  WatchState *s = opaque;
  char buf[64];

  g_assert_cmpint (fd, ==, s->fd);
  if (event == SPICE_WATCH_EVENT_READ)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      g_atomic_int_inc (&s->reads);
      if (n > 0)
        g_atomic_int_add (&s->bytes, (gint) n);
      if (s->self != NULL)
        {
          core->watch_remove (s->self);
          s->self = NULL;
        }
    }
  else if (event == SPICE_WATCH_EVENT_WRITE)
    g_atomic_int_inc (&s->writes);
  else
    g_assert_not_reached ();
}

static void
test_watch_read_write (void)
{
  int fds[2];
  WatchState r = { 0 }, w = { 0 };
  SpiceWatch *rw, *ww;

  g_assert_no_errno (pipe (fds));
  r.fd = fds[0];
  w.fd = fds[1];
  rw = core->watch_add (fds[0], SPICE_WATCH_EVENT_READ, watch_cb, &r);
  ww = core->watch_add (fds[1], SPICE_WATCH_EVENT_WRITE, watch_cb, &w);
  g_assert_true (run_until (&w.writes, 2000));
  core->watch_update_mask (ww, 0);
  g_atomic_int_set (&w.writes, 0);
  run_for (30);
  g_assert_cmpint (w.writes, ==, 0);
  g_assert_cmpint (r.reads, ==, 0);

  g_assert_cmpint (write (fds[1], "abc", 3), ==, 3);
  g_assert_true (run_until (&r.bytes, 2000));
  g_assert_cmpint (r.bytes, ==, 3);
  core->watch_remove (rw);
  core->watch_remove (ww);
  run_for (10);
  g_assert_cmpuint (tss_core_live_watches (), ==, 0);
  close (fds[0]);
  close (fds[1]);
}

/* A hung-up fd with an empty mask must neither call back nor spin the loop;
 * once the mask asks for reads, the hang-up arrives as a read event. */
static void
test_watch_hangup (void)
{
  int fds[2];
  WatchState r = { 0 };
  SpiceWatch *rw;
  guint dispatches = 0;
  gint64 end;

  g_assert_no_errno (pipe (fds));
  r.fd = fds[0];
  rw = core->watch_add (fds[0], 0, watch_cb, &r);
  close (fds[1]);
  end = g_get_monotonic_time () + 50 * 1000;
  while (g_get_monotonic_time () < end)
    dispatches += g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (dispatches, <, 5);
  g_assert_cmpint (r.reads, ==, 0);

  r.self = rw;   /* the callback removes the watch */
  core->watch_update_mask (rw, SPICE_WATCH_EVENT_READ);
  g_assert_true (run_until (&r.reads, 2000));
  run_for (20);
  g_assert_cmpint (r.reads, ==, 1);
  g_assert_null (r.self);
  g_assert_cmpuint (tss_core_live_watches (), ==, 0);
  close (fds[0]);
}

typedef struct {
  SpiceWatch *watch;
  gint stop;
} MaskFlipper;

static gpointer
mask_flip_thread (gpointer data)
{
  MaskFlipper *f = data;
  guint i = 0;

  while (!g_atomic_int_get (&f->stop))
    core->watch_update_mask (f->watch, (i++ % 3 == 0) ? 0 : SPICE_WATCH_EVENT_READ);
  core->watch_update_mask (f->watch, SPICE_WATCH_EVENT_READ);
  return NULL;
}

/* Another thread flips the mask while the main thread dispatches reads:
 * every byte written must still be read. */
static void
test_watch_threads (void)
{
  int fds[2];
  WatchState r = { 0 };
  MaskFlipper f = { 0 };
  GThread *thread;
  const guint total = 2000;

  g_assert_no_errno (pipe (fds));
  g_assert_no_errno (fcntl (fds[0], F_SETFL, O_NONBLOCK));
  r.fd = fds[0];
  f.watch = core->watch_add (fds[0], SPICE_WATCH_EVENT_READ, watch_cb, &r);
  thread = g_thread_new ("mask-flip", mask_flip_thread, &f);
  for (guint i = 0; i < total; i++)
    {
      g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
      g_main_context_iteration (NULL, FALSE);
    }
  g_atomic_int_set (&f.stop, 1);
  g_thread_join (thread);
  g_assert_true (run_until_count (&r.bytes, (gint) total, 5000));
  g_assert_cmpint (r.bytes, ==, total);
  core->watch_remove (f.watch);
  run_for (10);
  close (fds[0]);
  close (fds[1]);
}

/* ---- patterns ------------------------------------------------------------- */

/* Known answers of the formulas in README.md, computed with the independent
 * Python implementation (tss_expected.py). */
static void
test_pattern_hash (void)
{
  g_assert_cmphex (tss_hash3 (0, 0, 0), ==, 0x562ff0a0);
  g_assert_cmphex (tss_hash3 (1, 2, 3), ==, 0x76f318b8);
  g_assert_cmphex (tss_hash3 (0xffffffff, 0x12345678, 0x9abcdef0), ==, 0xc06bf58d);
  g_assert_cmphex (tss_hash3 (7, 100, 200), ==, 0xc73ea4e9);
}

static guint32
pixel_after (TssPatternKind kind, guint32 seed, guint w, guint h, guint frames, guint x, guint y)
{
  TssPattern *p = tss_pattern_new (kind, seed, w, h);
  TssRect dirty;
  guint32 v;

  for (guint i = 0; i < frames; i++)
    g_assert_true (tss_pattern_next_frame (p, &dirty));
  g_assert_cmpuint (tss_pattern_get_frame (p), ==, frames);
  v = tss_pattern_get_pixels (p)[y * w + x];
  tss_pattern_free (p);
  return v;
}

static void
test_pattern_pixels (void)
{
  g_assert_cmphex (pixel_after (TSS_PATTERN_STATIC, 1, 64, 64, 0, 33, 40), ==, 0x4cfb41);
  g_assert_cmphex (pixel_after (TSS_PATTERN_MOVING_BARS, 3, 64, 32, 5, 10, 7), ==, 0x0a2a3d);
  g_assert_cmphex (pixel_after (TSS_PATTERN_GRADIENT, 1, 64, 32, 7, 60, 30), ==, 0x432c42);
  g_assert_cmphex (pixel_after (TSS_PATTERN_NOISE, 2, 64, 32, 4, 5, 6), ==, 0x7b8ebe);
}

static void
test_pattern_static (void)
{
  TssPattern *p = tss_pattern_new (TSS_PATTERN_STATIC, 5, 100, 50);
  TssRect dirty = { 1, 2, 3, 4 };

  g_assert_false (tss_pattern_next_frame (p, &dirty));
  g_assert_cmpuint (tss_pattern_get_frame (p), ==, 0);
  g_assert_cmpuint (dirty.x, ==, 1);   /* untouched */
  tss_pattern_free (p);
}

static void
test_pattern_full_frames (void)
{
  static const TssPatternKind kinds[] = {
    TSS_PATTERN_MOVING_BARS, TSS_PATTERN_NOISE, TSS_PATTERN_GRADIENT,
  };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      TssPattern *p = tss_pattern_new (kinds[k], 9, 40, 30);
      guint32 *before = g_memdup2 (tss_pattern_get_pixels (p), 40 * 30 * 4);
      TssRect dirty;

      g_assert_true (tss_pattern_next_frame (p, &dirty));
      g_assert_cmpuint (dirty.x, ==, 0);
      g_assert_cmpuint (dirty.y, ==, 0);
      g_assert_cmpuint (dirty.width, ==, 40);
      g_assert_cmpuint (dirty.height, ==, 30);
      g_assert_true (memcmp (before, tss_pattern_get_pixels (p), 40 * 30 * 4) != 0);
      g_free (before);
      tss_pattern_free (p);
    }
}

/* Text: 16 cells of 8 x 16 per frame, row by row, the last chunk of a row
 * cut at the edge, starting over at the top; nothing outside the rectangle
 * changes. */
static void
test_pattern_text_rects (void)
{
  const guint w = 200, h = 40;   /* 25 columns (chunks of 16 and 9), 2 rows */
  static const TssRect want[] = {
    { 0, 0, 128, 16 }, { 128, 0, 72, 16 }, { 0, 16, 128, 16 }, { 128, 16, 72, 16 },
    { 0, 0, 128, 16 },
  };
  TssPattern *p = tss_pattern_new (TSS_PATTERN_TEXT, 1, w, h);
  guint32 *before = g_new (guint32, w * h);

  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      TssRect dirty;

      memcpy (before, tss_pattern_get_pixels (p), w * h * 4);
      g_assert_true (tss_pattern_next_frame (p, &dirty));
      g_assert_cmpuint (dirty.x, ==, want[i].x);
      g_assert_cmpuint (dirty.y, ==, want[i].y);
      g_assert_cmpuint (dirty.width, ==, want[i].width);
      g_assert_cmpuint (dirty.height, ==, want[i].height);
      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < w; x++)
          if (x < dirty.x || x >= dirty.x + dirty.width || y < dirty.y || y >= dirty.y + dirty.height)
            g_assert_cmphex (before[y * w + x], ==, tss_pattern_get_pixels (p)[y * w + x]);
    }
  g_free (before);
  tss_pattern_free (p);
}

static void
test_pattern_names (void)
{
  static const char *const names[] = { "static", "moving-bars", "noise", "text", "gradient" };
  TssPatternKind kind;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (tss_pattern_kind_from_string (names[i], &kind));
      g_assert_cmpstr (tss_pattern_kind_to_string (kind), ==, names[i]);
    }
  g_assert_false (tss_pattern_kind_from_string ("Static", &kind));
  g_assert_false (tss_pattern_kind_from_string ("", &kind));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core = tss_core_interface ();

  g_test_add_func ("/spice-test-server/core/timer/fires-once", test_timer_fires_once);
  g_test_add_func ("/spice-test-server/core/timer/cancel", test_timer_cancel);
  g_test_add_func ("/spice-test-server/core/timer/restart-later", test_timer_restart_later);
  g_test_add_func ("/spice-test-server/core/timer/remove-in-callback", test_timer_remove_in_callback);
  g_test_add_func ("/spice-test-server/core/timer/threads", test_timer_threads);
  g_test_add_func ("/spice-test-server/core/watch/read-write", test_watch_read_write);
  g_test_add_func ("/spice-test-server/core/watch/hangup", test_watch_hangup);
  g_test_add_func ("/spice-test-server/core/watch/threads", test_watch_threads);
  g_test_add_func ("/spice-test-server/pattern/hash", test_pattern_hash);
  g_test_add_func ("/spice-test-server/pattern/pixels", test_pattern_pixels);
  g_test_add_func ("/spice-test-server/pattern/static", test_pattern_static);
  g_test_add_func ("/spice-test-server/pattern/full-frames", test_pattern_full_frames);
  g_test_add_func ("/spice-test-server/pattern/text-rects", test_pattern_text_rects);
  g_test_add_func ("/spice-test-server/pattern/names", test_pattern_names);
  return g_test_run ();
}
