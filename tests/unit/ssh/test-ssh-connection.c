/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection without an SSH server: settings checks, refused and
 * silent TCP peers, a peer that does not speak SSH, cancellation and
 * disconnect during connect. Everything runs on 127.0.0.1.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "ssh-test-helpers.h"

static TetherSshConnection *
new_conn (const char *host, guint port)
{
  TetherSshConnection *conn = tether_test_track (tether_ssh_connection_new (host, port, "nobody"));

  g_object_set (conn, "use-ssh-config", FALSE, "password", "not-a-real-one", NULL);
  return conn;
}

/* ---- settings ------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *prop;
  const char *value;      /* a string property */
  gboolean    flag;       /* or a boolean one, when value is NULL */
  GQuark      domain;
  gint        code;
} SettingCase;

static void
test_settings_refused (void)
{
  const SettingCase cases[] = {
    { "empty host", "host", "", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "bad host", "host", "a b", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "option host", "host", "-oProxyCommand=sh", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "bad user", "username", "-l", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "empty known_hosts", "known-hosts-file", "", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "percent known_hosts", "known-hosts-file", "/tmp/%d/kh", FALSE, G_IO_ERROR,
      G_IO_ERROR_INVALID_ARGUMENT },
    { "empty config", "ssh-config-file", "", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
    { "empty agent", "agent-socket", "", FALSE, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint fds = tether_test_count_fds ();
      g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", 22);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].name);
      if (cases[i].value != NULL)
        g_object_set (conn, cases[i].prop, cases[i].value, NULL);
      else
        g_object_set (conn, cases[i].prop, cases[i].flag, NULL);
      g_assert_false (connect_sync (conn, NULL, &error));
      g_assert_error (error, cases[i].domain, cases[i].code);
      g_assert_false (tether_ssh_connection_is_connected (conn));
      tether_ssh_connection_disconnect (conn);
      tether_test_assert_no_fd_leak (fds);
    }
}

static void
test_settings_proxy (void)
{
  g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", 22);
  g_autoptr(TetherSshConnection) proxy = new_conn ("127.0.0.1", 22);
  g_autoptr(TetherSshConnection) got = NULL;
  g_autoptr(GError) error = NULL;

  /* The jump host's connection must be up. */
  g_object_set (conn, "proxy", proxy, NULL);
  g_object_get (conn, "proxy", &got, NULL);
  g_assert_true (got == proxy);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY);
  g_clear_error (&error);

  /* Not itself. */
  g_object_set (proxy, "proxy", proxy, NULL);
  g_assert_false (connect_sync (proxy, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_object_set (proxy, "proxy", NULL, NULL);
}

static void
test_settings_key_files (void)
{
  g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", 22);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func (g_free);
  const char *const empty[] = { "/tmp/id", "", NULL };

  g_object_set (conn, "private-key-files", empty, NULL);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  for (int i = 0; i <= TETHER_SSH_MAX_KEY_FILES; i++)
    g_ptr_array_add (many, g_strdup_printf ("/tmp/id_%d", i));
  g_ptr_array_add (many, NULL);
  g_object_set (conn, "private-key-files", many->pdata, NULL);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_properties (void)
{
  g_autoptr(TetherSshConnection) conn = tether_test_track (tether_ssh_connection_new ("h.example", 2222, "u"));
  g_autofree char *host = NULL;
  guint port = 0, timeout = 0, keepalive = 0;
  gboolean config = FALSE, hash = FALSE, kbd = FALSE;

  g_object_get (conn, "host", &host, "port", &port, "connect-timeout", &timeout,
                "keepalive-interval", &keepalive, "use-ssh-config", &config,
                "hash-known-hosts", &hash, "allow-keyboard-interactive", &kbd, NULL);
  g_assert_cmpstr (host, ==, "h.example");
  g_assert_cmpuint (port, ==, 2222);
  g_assert_cmpuint (timeout, ==, TETHER_SSH_DEFAULT_CONNECT_TIMEOUT);
  g_assert_cmpuint (keepalive, ==, TETHER_SSH_DEFAULT_KEEPALIVE);
  g_assert_true (config);
  g_assert_true (hash);
  g_assert_true (kbd);
  g_assert_cmpstr (tether_ssh_connection_get_host (conn), ==, "h.example");
  g_assert_cmpuint (tether_ssh_connection_get_port (conn), ==, 2222);
  g_assert_cmpstr (tether_ssh_connection_get_username (conn), ==, "u");
  /* Secrets are write-only. */
  g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (conn), "password")->flags &
                  G_PARAM_READABLE);
  g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (conn), "passphrase")->flags &
                  G_PARAM_READABLE);
}

/* ---- operations on a connection that is not up ------------------------- */

static void
test_not_connected (void)
{
  g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", 22);
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  AsyncWait fwait = { 0 };
  guint id = 99, port = 99;

  tether_ssh_connection_exec_async (conn, "echo hi", NULL, async_wait_cb, &wait);
  spin_until (&wait.done, 5);
  g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_clear_object (&wait.result);

  tether_ssh_connection_forward_local_async (conn, 0, "127.0.0.1", 80, NULL, async_wait_cb, &fwait);
  spin_until (&fwait.done, 5);
  g_assert_false (tether_ssh_connection_forward_local_finish (conn, fwait.result, &id, &port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpuint (id, ==, 99);
  g_clear_error (&error);
  g_clear_object (&fwait.result);

  /* Bad arguments are refused before the state is looked at. */
  memset (&wait, 0, sizeof wait);
  tether_ssh_connection_exec_async (conn, "", NULL, async_wait_cb, &wait);
  spin_until (&wait.done, 5);
  g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&wait.result);

  memset (&fwait, 0, sizeof fwait);
  tether_ssh_connection_forward_local_async (conn, 0, "127.0.0.1", 0, NULL, async_wait_cb, &fwait);
  spin_until (&fwait.done, 5);
  g_assert_false (tether_ssh_connection_forward_local_finish (conn, fwait.result, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_object (&fwait.result);

  /* Harmless before connect, and repeatable. */
  tether_ssh_connection_close_forward (conn, 1);
  tether_ssh_connection_disconnect (conn);
  tether_ssh_connection_disconnect (conn);
}

/* ---- TCP peers --------------------------------------------------------------- */

static void
test_refused (void)
{
  guint fds = tether_test_count_fds ();
  g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", unused_port ());
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_false (tether_ssh_connection_is_connected (conn));

  /* One attempt per object. */
  g_clear_error (&error);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  tether_ssh_connection_disconnect (conn);
  g_clear_object (&conn);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* A peer that accepts (through the kernel's backlog) and never says a word. */
typedef struct {
  GSocket *sock;
  guint    port;
} SilentPeer;

static void
silent_peer_start (SilentPeer *peer)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  peer->sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (peer->sock, any, TRUE, NULL));
  g_assert_true (g_socket_listen (peer->sock, NULL));
  bound = g_socket_get_local_address (peer->sock, NULL);
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
silent_peer_stop (SilentPeer *peer)
{
  g_socket_close (peer->sock, NULL);
  g_clear_object (&peer->sock);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_handshake (void)
{
  guint fds = tether_test_count_fds ();
  SilentPeer peer;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start, took;

  silent_peer_start (&peer);
  conn = new_conn ("127.0.0.1", peer.port);
  g_timeout_add (300, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (connect_sync (conn, cancellable, &error));
  took = g_get_monotonic_time () - start;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled after %" G_GINT64_FORMAT " ms", took / 1000);
  g_assert_cmpint (took, <, 2 * G_USEC_PER_SEC);
  g_assert_false (tether_ssh_connection_is_connected (conn));
  g_clear_object (&conn);
  silent_peer_stop (&peer);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

static void
test_cancel_before (void)
{
  g_autoptr(TetherSshConnection) conn = new_conn ("127.0.0.1", unused_port ());
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (connect_sync (conn, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
disconnect_cb (gpointer data)
{
  tether_ssh_connection_disconnect (data);
  return G_SOURCE_REMOVE;
}

static void
test_disconnect_during_connect (void)
{
  guint fds = tether_test_count_fds ();
  SilentPeer peer;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, took;

  silent_peer_start (&peer);
  conn = new_conn ("127.0.0.1", peer.port);
  g_timeout_add (300, disconnect_cb, conn);
  start = g_get_monotonic_time ();
  g_assert_false (connect_sync (conn, NULL, &error));
  took = g_get_monotonic_time () - start;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (took, <, 2 * G_USEC_PER_SEC);
  g_clear_object (&conn);
  silent_peer_stop (&peer);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

static void
test_connect_twice (void)
{
  SilentPeer peer;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait first = { 0 };

  silent_peer_start (&peer);
  conn = new_conn ("127.0.0.1", peer.port);
  tether_ssh_connection_connect_async (conn, NULL, async_wait_cb, &first);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  tether_ssh_connection_disconnect (conn);
  spin_until (&first.done, 5);
  g_clear_error (&error);
  g_assert_false (tether_ssh_connection_connect_finish (conn, first.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (first.result);
  silent_peer_stop (&peer);
}

static void
test_handshake_timeout (void)
{
  guint fds = tether_test_count_fds ();
  SilentPeer peer;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, took;

  silent_peer_start (&peer);
  conn = new_conn ("127.0.0.1", peer.port);
  g_object_set (conn, "connect-timeout", 1, NULL);
  start = g_get_monotonic_time ();
  g_assert_false (connect_sync (conn, NULL, &error));
  took = g_get_monotonic_time () - start;
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_test_message ("%s (after %" G_GINT64_FORMAT " ms)", error->message, took / 1000);
  g_assert_cmpint (took, >=, G_USEC_PER_SEC * 9 / 10);
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  g_clear_object (&conn);
  silent_peer_stop (&peer);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* A peer that answers with something other than SSH. */
static gboolean
not_ssh_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer data)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";

  g_output_stream_write_all (out, reply, sizeof reply - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_not_ssh (void)
{
  guint fds = tether_test_count_fds ();
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_signal_connect (service, "incoming", G_CALLBACK (not_ssh_incoming), NULL);
  g_socket_service_start (service);

  conn = new_conn ("127.0.0.1", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "handshake"));
  g_clear_object (&conn);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_clear_object (&service);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* ---- SSH configuration ------------------------------------------------------ */

static char *
write_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("tether-ssh-config-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  return path;
}

static void
test_config_proxy_command (void)
{
  g_autofree char *path = write_config ("Host jumped\n  HostName 127.0.0.1\n  ProxyJump gate.example\n");
  g_autoptr(TetherSshConnection) conn = new_conn ("jumped", 0);
  g_autoptr(GError) error = NULL;

  g_object_set (conn, "use-ssh-config", TRUE, "ssh-config-file", path, NULL);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "ProxyCommand or ProxyJump"));
  g_unlink (path);
}

static void
test_config_host_name (void)
{
  guint port = unused_port ();
  g_autofree char *text = g_strdup_printf ("Host alias\n  HostName 127.0.0.1\n  Port %u\n", port);
  g_autofree char *path = write_config (text);
  g_autofree char *bad_path = write_config ("Host bad\n  HostName evil$(touch /tmp/x)\n");
  g_autoptr(TetherSshConnection) conn = new_conn ("alias", 0);
  g_autoptr(TetherSshConnection) bad = new_conn ("bad", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("127.0.0.1 port %u", port);

  /* The alias resolves to the configured address and port (where nothing listens). */
  g_object_set (conn, "use-ssh-config", TRUE, "ssh-config-file", path, NULL);
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  /* libssh drops a HostName that is no host name: the alias itself is
   * looked up (and not found), the configured text is never used. */
  g_object_set (bad, "use-ssh-config", TRUE, "ssh-config-file", bad_path, NULL);
  g_assert_false (connect_sync (bad, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_assert_null (strstr (error->message, "evil"));
  g_unlink (path);
  g_unlink (bad_path);
}

/* Every test: no fd left open at its end (after the worker's hops ran). */
typedef struct {
  guint fds;
} Fixture;

typedef struct {
  const char *path;
  void      (*func) (void);
} TestCase;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->fds = tether_test_count_fds ();
}

static void
fixture_run (Fixture *f, gconstpointer data)
{
  ((const TestCase *) data)->func ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  spin_idle ();
  tether_test_assert_no_fd_leak (f->fds);
}

int
main (int argc, char **argv)
{
  static const TestCase tests[] = {
    { "/ssh/connection/settings-refused", test_settings_refused },
    { "/ssh/connection/settings-key-files", test_settings_key_files },
    { "/ssh/connection/settings-proxy", test_settings_proxy },
    { "/ssh/connection/properties", test_properties },
    { "/ssh/connection/not-connected", test_not_connected },
    { "/ssh/connection/refused", test_refused },
    { "/ssh/connection/cancel-during-handshake", test_cancel_during_handshake },
    { "/ssh/connection/cancel-before", test_cancel_before },
    { "/ssh/connection/disconnect-during-connect", test_disconnect_during_connect },
    { "/ssh/connection/connect-twice", test_connect_twice },
    { "/ssh/connection/handshake-timeout", test_handshake_timeout },
    { "/ssh/connection/not-ssh", test_not_ssh },
    { "/ssh/connection/config-proxy-command", test_config_proxy_command },
    { "/ssh/connection/config-host-name", test_config_host_name },
  };

  ssh_test_environment ();
  tether_test_init (&argc, &argv);
  ssh_test_warm_up ();

  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, &tests[i], fixture_setup, fixture_run, fixture_teardown);

  return g_test_run ();
}
