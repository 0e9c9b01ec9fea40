/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Main-loop helpers shared by the SPICE session, transport and channel tests. */

#include <gio/gio.h>

#include "tether-test-utils.h"

G_BEGIN_DECLS

#define TEST_TIMEOUT_MS 20000

/* g_test_message for test vectors: escaped, so control bytes and invalid
 * UTF-8 do not break the TAP output. */
static inline void
test_note (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("%s", escaped);
}

/* Iterates the thread-default main context until *@flag is set or
 * @timeout_ms passed; fails the test on timeout. */
static inline void
spin_until (const gboolean *flag, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GMainContext *ctx = g_main_context_get_thread_default ();

  while (!*flag)
    {
      if (g_get_monotonic_time () > end)
        {
          g_test_message ("timed out after %u ms", timeout_ms);
          g_test_fail ();
          return;
        }
      g_main_context_iteration (ctx, FALSE);
      if (!*flag && !g_main_context_pending (ctx))
        g_usleep (1000);
    }
}

/* Runs the main context until the tracked objects are gone (closing streams
 * finish asynchronously) or @timeout_ms passed. */
static inline void
drain_until_finalized (guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GMainContext *ctx = g_main_context_get_thread_default ();

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (ctx, FALSE))
        ;
      if (tether_test_live_objects () == 0)
        break;
      g_usleep (1000);
    }
  /* Let pending closes complete too. */
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (ctx, FALSE))
        ;
      g_usleep (1000);
    }
}

static inline gboolean
set_flag_source_cb (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

static inline void
sleep_ms (guint ms)
{
  gboolean done = FALSE;
  GSource *s = g_timeout_source_new (ms);

  g_source_set_callback (s, set_flag_source_cb, &done, NULL);
  g_source_attach (s, g_main_context_get_thread_default ());
  spin_until (&done, ms + 10000);
  g_source_destroy (s);
  g_source_unref (s);
}

static inline void
warm_up_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GSocketConnection *conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);

  g_clear_object (&conn);
  *(gboolean *) user_data = TRUE;
}

/* GIO opens a few descriptors once per process (the worker context's wakeup
 * fd, the resolver's): make them exist before a test counts descriptors. */
static inline void
warm_up_gio (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) addr = g_network_address_new ("127.0.0.1", 1);
  gboolean done = FALSE;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_async (client, addr, NULL, warm_up_done, &done);
  spin_until (&done, TEST_TIMEOUT_MS);
}

G_END_DECLS
