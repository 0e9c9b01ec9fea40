/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: exec channels (output, status, concurrency, caps,
 * cancellation) and port forwards.
 * The table of tests and main() are in test-ssh-x2go-peer.c.
 */
#include "config.h"

#include "ssh-x2go-peer-fixture.h"

/* ---- exec -------------------------------------------------------------------------- */

void
test_exec (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  conn = connected ();
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "x2golistsessions", &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->exit_status, ==, 0);
    g_test_message ("x2golistsessions: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (r->stdout_bytes));
    g_assert_null (r->exit_signal);
  }
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "echo out; echo err >&2; exit 3", &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->exit_status, ==, 3);
    g_assert_cmpmem (g_bytes_get_data (r->stdout_bytes, NULL), g_bytes_get_size (r->stdout_bytes), "out\n", 4);
    g_assert_cmpmem (g_bytes_get_data (r->stderr_bytes, NULL), g_bytes_get_size (r->stderr_bytes), "err\n", 4);
  }
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "no-such-command-tether", &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->exit_status, ==, 127);
    g_assert_cmpuint (g_bytes_get_size (r->stderr_bytes), >, 0);
  }
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "kill -TERM $$", &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->exit_status, ==, -1);
    g_assert_cmpstr (r->exit_signal, ==, "TERM");
  }
  {
    /* Binary output survives. */
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "printf 'a\\000b\\377'", &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (r->stdout_bytes, NULL), g_bytes_get_size (r->stdout_bytes), "a\0b\377", 4);
  }
  g_clear_object (&conn);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

typedef struct {
  guint         remaining;
  GPtrArray    *results;
} Many;

static void
many_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Many *m = data;
  GError *error = NULL;
  TetherSshExecResult *r = tether_ssh_connection_exec_finish (TETHER_SSH_CONNECTION (source), res, &error);

  g_assert_no_error (error);
  g_ptr_array_add (m->results, r);
  m->remaining--;
}

void
test_exec_concurrent (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  Many m = { 5, NULL };
  gint64 start, took;
  gboolean seen[5] = { FALSE };
  gboolean done = FALSE;

  if (!need_peer ())
    return;
  conn = connected ();
  m.results = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_ssh_exec_result_free);
  start = g_get_monotonic_time ();
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *cmd = g_strdup_printf ("sleep 1; echo %d", i);

      tether_ssh_connection_exec_async (conn, cmd, NULL, many_cb, &m);
    }
  while (m.remaining > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () - start > 30 * G_USEC_PER_SEC)
        break;
    }
  took = g_get_monotonic_time () - start;
  done = m.remaining == 0;
  g_assert_true (done);
  g_test_message ("5 x 'sleep 1' took %" G_GINT64_FORMAT " ms", took / 1000);
  /* Serialized they would take at least 5 s. */
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  for (guint i = 0; i < m.results->len; i++)
    {
      TetherSshExecResult *r = m.results->pdata[i];
      gsize len;
      const char *out = g_bytes_get_data (r->stdout_bytes, &len);
      guint64 n;
      g_autofree char *text = g_strndup (out, len);

      g_assert_cmpint (r->exit_status, ==, 0);
      g_strchomp (text);
      g_assert_true (g_ascii_string_to_unsigned (text, 10, 0, 4, &n, NULL));
      g_assert_false (seen[n]);
      seen[n] = TRUE;
    }
  g_ptr_array_unref (m.results);
}

void
test_exec_output_cap (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_peer ())
    return;
  conn = connected ();
  tether_ssh_connection_set_exec_output_limit (conn, 64 * 1024);
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "head -c 100000 /dev/zero", &error);

    g_assert_null (r);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  {
    /* stdout and stderr count together. */
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "head -c 40000 /dev/zero; head -c 40000 /dev/zero >&2",
                                                  &error);

    g_assert_null (r);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
    g_clear_error (&error);
  }
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "head -c 65536 /dev/zero", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (r->stdout_bytes), ==, 65536);
  }
  /* Still usable. */
  expect_echo (conn);
}

void
test_exec_cancel (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  gint64 start;

  if (!need_peer ())
    return;
  conn = connected ();
  tether_ssh_connection_exec_async (conn, "sleep 20", cancellable, async_wait_cb, &wait);
  g_timeout_add (300, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  spin_until (&wait.done, 10);
  g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_object_unref (wait.result);
  expect_echo (conn);
}

void
test_exec_disconnect (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0 };
  gint64 start;

  if (!need_peer ())
    return;
  conn = connected ();
  tether_ssh_connection_exec_async (conn, "sleep 20", NULL, async_wait_cb, &wait);
  spin_for (200);
  start = g_get_monotonic_time ();
  tether_ssh_connection_disconnect (conn);
  spin_until (&wait.done, 5);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
  g_object_unref (wait.result);
  g_clear_error (&error);

  /* Later calls fail at once. */
  {
    g_autoptr(TetherSshExecResult) r = exec_sync (conn, "echo", &error);

    g_assert_null (r);
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
  }
}

/* ---- forwards -------------------------------------------------------------------- */

static guint
forward_sync (TetherSshConnection *conn, const char *host, guint port, guint *id, GError **error)
{
  AsyncWait wait = { 0 };
  guint local_port = 0;

  tether_ssh_connection_forward_local_async (conn, 0, host, port, NULL, async_wait_cb, &wait);
  spin_until (&wait.done, 10);
  if (!tether_ssh_connection_forward_local_finish (conn, wait.result, id, &local_port, error))
    local_port = 0;
  g_object_unref (wait.result);
  return local_port;
}

static GSocketConnection *
connect_local (guint port, GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, (guint16) port);

  g_socket_client_set_enable_proxy (client, FALSE);
  return g_socket_client_connect (client, G_SOCKET_CONNECTABLE (addr), NULL, error);
}

void
test_forward_banner (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  guint id = 0, port, fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  conn = connected ();
  port = forward_sync (conn, "127.0.0.1", peer.port, &id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (id, >, 0);

  /* Two clients one after the other, each reads the sshd's banner. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GSocketConnection) c = connect_local (port, &error);
      g_autoptr(GDataInputStream) in = NULL;
      g_autofree char *line = NULL;

      g_assert_no_error (error);
      in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (c)));
      line = g_data_input_stream_read_line (in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("through the tunnel: %s", line);
      g_assert_true (g_str_has_prefix (line, "SSH-2.0-"));
      g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
    }

  tether_ssh_connection_close_forward (conn, id);
  /* The listener goes away (the close is asynchronous: ask the worker twice). */
  expect_echo (conn);
  {
    g_autoptr(GSocketConnection) c = connect_local (port, &error);

    g_assert_null (c);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
    g_clear_error (&error);
  }
  g_clear_object (&conn);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* An echo service on 127.0.0.1, reached through the tunnel (the server is this machine). */
static void
echo_splice_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), res, NULL);
  g_object_unref (data);
}

static gboolean
echo_incoming (GSocketService *service, GSocketConnection *c, GObject *source, gpointer data)
{
  g_output_stream_splice_async (g_io_stream_get_output_stream (G_IO_STREAM (c)),
                                g_io_stream_get_input_stream (G_IO_STREAM (c)),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, echo_splice_done, g_object_ref (c));
  return TRUE;
}

typedef struct {
  gboolean written, read;
  gsize    n_read;
} Transfer;

static void
write_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Transfer *t = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error));
  g_assert_no_error (error);
  t->written = TRUE;
}

static void
read_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Transfer *t = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &t->n_read, &error));
  g_assert_no_error (error);
  t->read = TRUE;
}

void
test_forward_echo (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  const gsize size = 4 * 1024 * 1024;
  g_autofree guint8 *out = g_malloc (size);
  g_autofree guint8 *in = g_malloc0 (size);
  guint port, fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_signal_connect (service, "incoming", G_CALLBACK (echo_incoming), NULL);
  g_socket_service_start (service);

  conn = connected ();
  port = forward_sync (conn, "127.0.0.1",
                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < size; i++)
    out[i] = (guint8) (i * 31 + (i >> 12));

  /* Three clients at once, 4 MiB each way: windows, back-pressure, interleaving. */
  {
    GSocketConnection *c[3];
    guint8 *back[3];
    Transfer t[3] = { { 0 } };
    gint64 start = g_get_monotonic_time ();

    for (int k = 0; k < 3; k++)
      {
        c[k] = connect_local (port, &error);
        g_assert_no_error (error);
        back[k] = k == 0 ? in : g_malloc0 (size);
        g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c[k])), out, size,
                                         G_PRIORITY_DEFAULT, NULL, write_done, &t[k]);
        g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (c[k])), back[k], size,
                                       G_PRIORITY_DEFAULT, NULL, read_done, &t[k]);
      }
    for (int k = 0; k < 3; k++)
      {
        spin_until (&t[k].written, 60);
        spin_until (&t[k].read, 60);
        g_assert_cmpuint (t[k].n_read, ==, size);
        g_assert_cmpmem (back[k], size, out, size);
      }
    g_test_message ("3 x %" G_GSIZE_FORMAT " bytes echoed in %" G_GINT64_FORMAT " ms", size,
                    (g_get_monotonic_time () - start) / 1000);
    for (int k = 0; k < 3; k++)
      {
        g_io_stream_close (G_IO_STREAM (c[k]), NULL, NULL);
        g_object_unref (c[k]);
        if (k > 0)
          g_free (back[k]);
      }
  }
  g_clear_object (&conn);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  spin_for (100);
  tether_test_assert_no_fd_leak (fds);
}

typedef struct {
  guint   calls;
  guint   forward_id;
  char   *host;
  guint   port;
  GError *error;
} TunnelFailed;

static void
tunnel_failed_cb (TetherSshConnection *conn, guint forward_id, const char *host, guint port,
                  const GError *error, gpointer data)
{
  TunnelFailed *f = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  f->calls++;
  f->forward_id = forward_id;
  g_free (f->host);
  f->host = g_strdup (host);
  f->port = port;
  g_clear_error (&f->error);
  f->error = g_error_copy (error);
}

void
test_forward_refused (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  TunnelFailed failed = { 0 };
  guint id = 0, port, dead_port = unused_port ();

  if (!need_peer ())
    return;
  conn = connected ();
  g_signal_connect (conn, "tunnel-failed", G_CALLBACK (tunnel_failed_cb), &failed);
  port = forward_sync (conn, "127.0.0.1", dead_port, &id, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GSocketConnection) c = connect_local (port, &error);
    char byte;
    gssize n;

    g_assert_no_error (error);
    /* The local side is closed when the server cannot connect. */
    n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (c)), &byte, 1, NULL, &error);
    g_assert_cmpint (n, <=, 0);
    g_clear_error (&error);
  }
  while (failed.calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (failed.calls, ==, 1);
  g_assert_cmpuint (failed.forward_id, ==, id);
  g_assert_cmpstr (failed.host, ==, "127.0.0.1");
  g_assert_cmpuint (failed.port, ==, dead_port);
  g_assert_error (failed.error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL);
  g_test_message ("%s", failed.error->message);
  g_free (failed.host);
  g_clear_error (&failed.error);

  /* Busy local port: the error says so. */
  {
    AsyncWait wait = { 0 };

    tether_ssh_connection_forward_local_async (conn, port, "127.0.0.1", peer.port, NULL,
                                               async_wait_cb, &wait);
    spin_until (&wait.done, 10);
    g_assert_false (tether_ssh_connection_forward_local_finish (conn, wait.result, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_object_unref (wait.result);
  }
}

void
test_forward_finalize (void)
{
  g_autoptr(GError) error = NULL;
  TetherSshConnection *conn;
  GSocketConnection *c;
  guint port, fds;
  char byte;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  conn = connected ();
  port = forward_sync (conn, "127.0.0.1", peer.port, NULL, &error);
  g_assert_no_error (error);
  c = connect_local (port, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (c)), &byte, 1,
                                        NULL, &error), ==, 1);
  /* Dropping the connection with a forward and a live tunnel: everything goes. */
  g_object_unref (conn);
  spin_idle ();
  while (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (c)), &byte, 1, NULL, NULL) > 0)
    ;
  g_object_unref (c);
  tether_test_assert_no_fd_leak (fds);
}
