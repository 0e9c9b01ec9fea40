/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tss-core.c: spice-server's core interface on the default GMainContext.
 *
 * spice-server calls timer_* and watch_* mostly from the main thread, but
 * some callers run on its worker thread, so every entry point here is safe
 * from any thread:
 * - a timer is a GSource attached from timer_add until timer_remove; start
 *   and cancel only move its ready time (g_source_set_ready_time takes the
 *   context lock and wakes the context), under the timer's own mutex;
 * - a watch is a GSource with one unix fd, whose condition is changed with
 *   g_source_{add,modify,remove}_unix_fd (all take the context lock);
 * - callbacks run on the main thread only. GLib holds a reference on a
 *   source while it dispatches, so a callback may remove its own timer or
 *   watch.
 * Lock order: a timer's or watch's mutex, then GLib's context lock; GLib
 * never calls into this file with its context lock held (no prepare/check). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "tss.h"

static GMutex emit_lock;
static gint live_timers;
static gint live_watches;
static gboolean print_channels;
static GThread *main_thread;
static gint foreign_calls;     /* entry points called off the main thread */
static void (*display_hook) (void);

void
tss_emit (const char *format, ...)
{
  va_list args;

  g_mutex_lock (&emit_lock);
  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
  fputc ('\n', stdout);
  fflush (stdout);
  g_mutex_unlock (&emit_lock);
}

static inline void
note_caller (void)
{
  if (g_thread_self () != main_thread)
    g_atomic_int_inc (&foreign_calls);
}

/* --- timers ------------------------------------------------------------------- */

struct SpiceTimer {
  GSource source;
  GMutex lock;          /* guards armed and deadline */
  gboolean armed;
  gint64 deadline;      /* monotonic µs */
  SpiceTimerFunc func;
  void *opaque;
};

static gboolean
timer_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SpiceTimer *timer = (SpiceTimer *) source;
  gboolean fire = FALSE;

  g_mutex_lock (&timer->lock);
  if (timer->armed && g_get_monotonic_time () >= timer->deadline)
    {
      timer->armed = FALSE;
      fire = TRUE;
    }
  /* Not due (restarted later from another thread meanwhile) or cancelled:
   * re-arm for the current deadline or sleep. */
  g_source_set_ready_time (source, timer->armed ? timer->deadline : -1);
  g_mutex_unlock (&timer->lock);

  if (fire)
    timer->func (timer->opaque);
  return G_SOURCE_CONTINUE;
}

static void
timer_finalize (GSource *source)
{
  SpiceTimer *timer = (SpiceTimer *) source;

  g_mutex_clear (&timer->lock);
  g_atomic_int_dec_and_test (&live_timers);
}

static GSourceFuncs timer_funcs = {
  .dispatch = timer_dispatch,
  .finalize = timer_finalize,
};

static SpiceTimer *
core_timer_add (SpiceTimerFunc func, void *opaque)
{
  GSource *source = g_source_new (&timer_funcs, sizeof (SpiceTimer));
  SpiceTimer *timer = (SpiceTimer *) source;

  note_caller ();
  g_mutex_init (&timer->lock);
  timer->func = func;
  timer->opaque = opaque;
  g_source_set_name (source, "spice-timer");
  g_source_set_ready_time (source, -1);
  g_atomic_int_inc (&live_timers);
  g_source_attach (source, NULL);
  return timer;
}

static void
core_timer_start (SpiceTimer *timer, uint32_t ms)
{
  note_caller ();
  g_mutex_lock (&timer->lock);
  timer->armed = TRUE;
  timer->deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  g_source_set_ready_time (&timer->source, timer->deadline);
  g_mutex_unlock (&timer->lock);
}

static void
core_timer_cancel (SpiceTimer *timer)
{
  note_caller ();
  g_mutex_lock (&timer->lock);
  timer->armed = FALSE;
  g_source_set_ready_time (&timer->source, -1);
  g_mutex_unlock (&timer->lock);
}

static void
core_timer_remove (SpiceTimer *timer)
{
  core_timer_cancel (timer);   /* counts the caller */
  g_source_destroy (&timer->source);
  g_source_unref (&timer->source);
}

/* --- fd watches --------------------------------------------------------------- */

struct SpiceWatch {
  GSource source;
  GMutex lock;          /* guards tag and mask */
  gpointer tag;         /* NULL while the mask is empty: a polled fd with no
                         * events would still report HUP and spin the loop */
  int mask;             /* SPICE_WATCH_EVENT_* */
  int fd;
  SpiceWatchFunc func;
  void *opaque;
};

static GIOCondition
mask_to_condition (int mask)
{
  GIOCondition cond = 0;

  if (mask & SPICE_WATCH_EVENT_READ)
    cond |= G_IO_IN;
  if (mask & SPICE_WATCH_EVENT_WRITE)
    cond |= G_IO_OUT;
  return cond;
}

/* Caller holds watch->lock. */
static void
watch_apply_mask (SpiceWatch *watch, int mask)
{
  GIOCondition cond = mask_to_condition (mask);

  watch->mask = mask;
  if (cond == 0)
    {
      if (watch->tag != NULL)
        g_source_remove_unix_fd (&watch->source, watch->tag);
      watch->tag = NULL;
    }
  else if (watch->tag == NULL)
    watch->tag = g_source_add_unix_fd (&watch->source, watch->fd, cond);
  else
    g_source_modify_unix_fd (&watch->source, watch->tag, cond);
}

static gboolean
watch_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  SpiceWatch *watch = (SpiceWatch *) source;
  GIOCondition got = 0;
  int mask, events = 0;

  g_mutex_lock (&watch->lock);
  if (watch->tag != NULL)
    got = g_source_query_unix_fd (source, watch->tag);
  mask = watch->mask;
  g_mutex_unlock (&watch->lock);

  if (got & (G_IO_IN | G_IO_PRI))
    events |= SPICE_WATCH_EVENT_READ;
  if (got & G_IO_OUT)
    events |= SPICE_WATCH_EVENT_WRITE;
  /* Hang-up and errors go to whichever handler is listening, which then
   * sees the failing read or write. */
  if (got & (G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    events |= (mask & SPICE_WATCH_EVENT_READ) ? SPICE_WATCH_EVENT_READ : SPICE_WATCH_EVENT_WRITE;
  events &= mask;

  if (events & SPICE_WATCH_EVENT_READ)
    watch->func (watch->fd, SPICE_WATCH_EVENT_READ, watch->opaque);
  /* The read handler may have removed this watch or changed its mask. */
  if ((events & SPICE_WATCH_EVENT_WRITE) && !g_source_is_destroyed (source))
    {
      g_mutex_lock (&watch->lock);
      mask = watch->mask;
      g_mutex_unlock (&watch->lock);
      if (mask & SPICE_WATCH_EVENT_WRITE)
        watch->func (watch->fd, SPICE_WATCH_EVENT_WRITE, watch->opaque);
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_finalize (GSource *source)
{
  SpiceWatch *watch = (SpiceWatch *) source;

  g_mutex_clear (&watch->lock);
  g_atomic_int_dec_and_test (&live_watches);
}

static GSourceFuncs watch_funcs = {
  .dispatch = watch_dispatch,
  .finalize = watch_finalize,
};

static SpiceWatch *
core_watch_add (int fd, int event_mask, SpiceWatchFunc func, void *opaque)
{
  GSource *source = g_source_new (&watch_funcs, sizeof (SpiceWatch));
  SpiceWatch *watch = (SpiceWatch *) source;

  note_caller ();
  g_mutex_init (&watch->lock);
  watch->fd = fd;
  watch->func = func;
  watch->opaque = opaque;
  g_source_set_name (source, "spice-watch");
  g_mutex_lock (&watch->lock);
  watch_apply_mask (watch, event_mask);
  g_mutex_unlock (&watch->lock);
  g_atomic_int_inc (&live_watches);
  g_source_attach (source, NULL);
  return watch;
}

static void
core_watch_update_mask (SpiceWatch *watch, int event_mask)
{
  note_caller ();
  g_mutex_lock (&watch->lock);
  if (!g_source_is_destroyed (&watch->source))
    watch_apply_mask (watch, event_mask);
  g_mutex_unlock (&watch->lock);
}

static void
core_watch_remove (SpiceWatch *watch)
{
  note_caller ();
  g_mutex_lock (&watch->lock);
  g_source_destroy (&watch->source);
  g_mutex_unlock (&watch->lock);
  g_source_unref (&watch->source);
}

/* --- channel events ----------------------------------------------------------- */

static const char *
channel_type_name (int type)
{
  switch (type)
    {
    case SPICE_CHANNEL_MAIN: return "main";
    case SPICE_CHANNEL_DISPLAY: return "display";
    case SPICE_CHANNEL_INPUTS: return "inputs";
    case SPICE_CHANNEL_CURSOR: return "cursor";
    case SPICE_CHANNEL_PLAYBACK: return "playback";
    case SPICE_CHANNEL_RECORD: return "record";
    default: return "other";
    }
}

static void
core_channel_event (int event, SpiceChannelEventInfo *info)
{
  const char *what;

  note_caller ();
  if (info == NULL)
    return;
  if (event == SPICE_CHANNEL_EVENT_INITIALIZED && info->type == SPICE_CHANNEL_DISPLAY
      && display_hook != NULL)
    display_hook ();
  if (!print_channels || info->type == 0)   /* 0: the link never completed */
    return;
  /* CONNECTED comes before the link, when the channel type is not known
   * yet; INITIALIZED follows a successful link. */
  switch (event)
    {
    case SPICE_CHANNEL_EVENT_INITIALIZED: what = "initialized"; break;
    case SPICE_CHANNEL_EVENT_DISCONNECTED: what = "disconnected"; break;
    default: return;
    }
  tss_emit ("CHANNEL %s %s %d%s", what, channel_type_name (info->type), info->id,
            (info->flags & SPICE_CHANNEL_EVENT_FLAG_TLS) ? " tls" : "");
}

static SpiceCoreInterface core_interface = {
  .base = {
    .type = SPICE_INTERFACE_CORE,
    .description = "tether-test-spice-server GLib core",
    .major_version = SPICE_INTERFACE_CORE_MAJOR,
    .minor_version = SPICE_INTERFACE_CORE_MINOR,
  },
  .timer_add = core_timer_add,
  .timer_start = core_timer_start,
  .timer_cancel = core_timer_cancel,
  .timer_remove = core_timer_remove,
  .watch_add = core_watch_add,
  .watch_update_mask = core_watch_update_mask,
  .watch_remove = core_watch_remove,
  .channel_event = core_channel_event,
};

SpiceCoreInterface *
tss_core_interface (void)
{
  main_thread = g_thread_self ();
  return &core_interface;
}

guint
tss_core_foreign_calls (void)
{
  return (guint) g_atomic_int_get (&foreign_calls);
}

guint
tss_core_live_timers (void)
{
  return (guint) g_atomic_int_get (&live_timers);
}

guint
tss_core_live_watches (void)
{
  return (guint) g_atomic_int_get (&live_watches);
}

void
tss_core_set_print_channels (gboolean print)
{
  print_channels = print;
}

void
tss_core_set_display_hook (void (*hook) (void))
{
  display_hook = hook;
}
