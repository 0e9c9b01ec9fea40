/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The client side of the channel tests: a session on the fake server whose
 * channels of chosen types are connected as they are created, and waiting
 * on the main loop for a condition. */

#include "tether-spice-session.h"
#include "tether-spice-channel-private.h"
#include "spice-fake-server.h"
#include "test-spice-session-helpers.h"

typedef struct {
  TetherSpiceSession *session;
  GPtrArray          *channels;       /* every channel created (refs) */
  guint32             connect_types;  /* bit per type: connect when created */
  GPtrArray          *events;         /* "type:id:event" strings */
} TestClient;

static void
tc_on_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  TestClient *tc = user_data;

  g_ptr_array_add (tc->events, g_strdup_printf ("%d:%d:%d", tether_spice_channel_get_channel_type (channel),
                                                tether_spice_channel_get_channel_id (channel), (int) event));
}

static void
tc_on_channel_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  TestClient *tc = user_data;
  int type = tether_spice_channel_get_channel_type (channel);

  g_ptr_array_add (tc->channels, g_object_ref (channel));
  g_signal_connect (channel, "channel-event", G_CALLBACK (tc_on_event), tc);
  if (type != TETHER_SPICE_CHANNEL_TYPE_MAIN && (tc->connect_types & (1u << type)))
    tether_spice_channel_connect (channel);
}

static inline void
tc_init (TestClient *tc, FakeServer *f, guint32 connect_types)
{
  g_autofree char *port = g_strdup_printf ("%u", fake_server_get_port (f));

  memset (tc, 0, sizeof *tc);
  tc->channels = g_ptr_array_new_with_free_func (g_object_unref);
  tc->events = g_ptr_array_new_with_free_func (g_free);
  tc->connect_types = connect_types;
  tc->session = tether_spice_session_new ();
  tether_test_track (tc->session);
  g_object_set (tc->session, "host", "127.0.0.1", "port", port, NULL);
  g_signal_connect (tc->session, "channel-new", G_CALLBACK (tc_on_channel_new), tc);
}

/* The channel of @type and @id, once created (borrowed), or NULL. */
static inline TetherSpiceChannel *
tc_channel (TestClient *tc, int type, int id)
{
  for (guint i = 0; i < tc->channels->len; i++)
    {
      TetherSpiceChannel *c = tc->channels->pdata[i];

      if (tether_spice_channel_get_channel_type (c) == type && tether_spice_channel_get_channel_id (c) == id)
        return c;
    }
  return NULL;
}

static inline gboolean
tc_has_event (TestClient *tc, int type, int id, TetherSpiceChannelEvent event)
{
  g_autofree char *want = g_strdup_printf ("%d:%d:%d", type, id, (int) event);

  for (guint i = 0; i < tc->events->len; i++)
    if (g_str_equal (tc->events->pdata[i], want))
      return TRUE;
  return FALSE;
}

typedef gboolean (*TcPredicate) (gpointer data);

/* Iterates the main context until @pred holds; fails the test after
 * TEST_TIMEOUT_MS. */
static inline gboolean
tc_wait (TcPredicate pred, gpointer data)
{
  gint64 end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > end)
        {
          g_test_message ("timed out waiting");
          g_test_fail ();
          return FALSE;
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
  return TRUE;
}

typedef struct {
  TestClient *tc;
  int         type;
  int         id;
  TetherSpiceChannelEvent event;
  FakeServer *f;
  const char *signal;
} TcWhat;

static inline gboolean
tc_pred_event (gpointer data)
{
  TcWhat *w = data;

  return tc_has_event (w->tc, w->type, w->id, w->event);
}

static inline gboolean
tc_pred_signalled (gpointer data)
{
  TcWhat *w = data;

  return fake_server_signalled (w->f, w->signal);
}

static inline void
tc_wait_event (TestClient *tc, int type, int id, TetherSpiceChannelEvent event)
{
  TcWhat w = { .tc = tc, .type = type, .id = id, .event = event };

  tc_wait (tc_pred_event, &w);
}

static inline void
tc_wait_signalled (FakeServer *f, const char *name)
{
  TcWhat w = { .f = f, .signal = name };

  tc_wait (tc_pred_signalled, &w);
}

/* Runs the main loop for @ms. */
static inline void
tc_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

/* Disconnects and frees everything, then the fake server. */
static inline void
tc_finish (TestClient *tc, FakeServer *f)
{
  tether_spice_session_disconnect (tc->session);
  g_ptr_array_unref (tc->channels);
  g_ptr_array_unref (tc->events);
  g_object_unref (tc->session);
  fake_server_free (f);
  drain_until_finalized (2000);
}
