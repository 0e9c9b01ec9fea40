/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers shared by the SSH layer's test programs. */

#include <gio/gio.h>

#include "tether-error.h"
#include "tether-ssh-connection-private.h"
#include "tether-test-utils.h"

/* What an async call delivered. */
typedef struct {
  gboolean      done;
  GAsyncResult *result;
} AsyncWait;

static inline void
async_wait_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *wait = data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static inline gboolean
timeout_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *flag is set, failing after @seconds. */
static inline void
spin_until (const gboolean *flag, guint seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_flag_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_true (*flag);
}

/* Runs the context for @ms milliseconds. */
static inline void
spin_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Lets pending idles (the worker's hops) run. */
static inline void
spin_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static inline gboolean
connect_sync (TetherSshConnection *conn, GCancellable *cancellable, GError **error)
{
  AsyncWait wait = { 0 };
  gboolean ok;

  tether_ssh_connection_connect_async (conn, cancellable, async_wait_cb, &wait);
  spin_until (&wait.done, 60);
  ok = tether_ssh_connection_connect_finish (conn, wait.result, error);
  g_object_unref (wait.result);
  return ok;
}

static inline TetherSshExecResult *
exec_sync (TetherSshConnection *conn, const char *command, GError **error)
{
  AsyncWait wait = { 0 };
  TetherSshExecResult *result;

  tether_ssh_connection_exec_async (conn, command, NULL, async_wait_cb, &wait);
  spin_until (&wait.done, 60);
  result = tether_ssh_connection_exec_finish (conn, wait.result, error);
  g_object_unref (wait.result);
  return result;
}

/* A port on 127.0.0.1 where nothing listens (bound, then released). */
static inline guint
unused_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (sock);
  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  g_assert_nonnull (bound);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* GIO without desktop proxy settings, so that no test loads GSettings. */
static inline void
ssh_test_environment (void)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
}

/* Creates what GLib and GIO keep open for the life of the process (the main
 * context's wake-up fd, GIO's default resolver...), so that the fd counts of
 * the first test are not off. Call after tether_test_init(). */
static inline void
ssh_test_warm_up (void)
{
  TetherSshConnection *conn = tether_ssh_connection_new ("127.0.0.1", unused_port (), "nobody");
  g_autoptr(GError) error = NULL;

  g_object_set (conn, "use-ssh-config", FALSE, NULL);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_object_unref (conn);
  spin_idle ();
}
