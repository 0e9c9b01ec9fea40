/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: keepalive and the death of the connection.
 * The table of tests and main() are in test-ssh-x2go-peer.c.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "ssh-x2go-peer-fixture.h"

/* ---- keepalive and death -------------------------------------------------------- */

void
test_keepalive_healthy (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  Disconnected d = { 0 };

  if (!need_peer ())
    return;
  conn = key_conn ();
  g_object_set (conn, "keepalive-interval", 1, NULL);
  g_signal_connect (conn, "disconnected", G_CALLBACK (disconnected_cb), &d);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (connect_sync (conn, NULL, &error));
  }
  /* Idle for several intervals: the probes are answered. */
  spin_for (3500);
  g_assert_cmpuint (d.calls, ==, 0);
  g_assert_true (tether_ssh_connection_is_connected (conn));
  expect_echo (conn);
}

void
test_keepalive_transport_killed (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  Disconnected d = { 0 };
  AsyncWait wait = { 0 };
  gint64 start;
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  conn = key_conn ();
  g_object_set (conn, "keepalive-interval", 2, NULL);
  g_signal_connect (conn, "disconnected", G_CALLBACK (disconnected_cb), &d);
  g_assert_true (connect_sync (conn, NULL, &error));
  tether_ssh_connection_exec_async (conn, "sleep 20", NULL, async_wait_cb, &wait);
  spin_for (200);

  start = g_get_monotonic_time ();
  tether_ssh_connection_kill_transport (conn);
  spin_until_disconnected (&d, 10);
  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_error (d.error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
  g_test_message ("%s (after %" G_GINT64_FORMAT " ms)", d.error->message, (d.when - start) / 1000);
  g_assert_cmpint (d.when - start, <, 2 * G_USEC_PER_SEC);
  g_assert_false (tether_ssh_connection_is_connected (conn));

  /* The command in flight fails with the same cause. */
  spin_until (&wait.done, 5);
  g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
  g_object_unref (wait.result);
  g_clear_error (&d.error);
  g_clear_object (&conn);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* The pids holding the server side of the TCP connection 127.0.0.1:client_port
 * -> 127.0.0.1:server_port (sshd's per-connection processes). */
static GArray *
server_side_pids (guint server_port, guint client_port)
{
  g_autofree char *tcp = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *inode = NULL;
  g_autofree char *want = NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GDir) proc = NULL;
  const char *name;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &tcp, NULL, NULL));
  lines = g_strsplit (tcp, "\n", 100000);
  for (guint i = 1; lines[i] != NULL && inode == NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();
      guint64 lport, rport;

      for (guint k = 0; f[k] != NULL; k++)
        if (f[k][0] != '\0')
          g_ptr_array_add (fields, f[k]);
      if (fields->len < 10)
        continue;
      /* local_address and rem_address are HEXIP:HEXPORT */
      if (strlen (fields->pdata[1]) != 13 || strlen (fields->pdata[2]) != 13 ||
          !g_ascii_string_to_unsigned ((char *) fields->pdata[1] + 9, 16, 0, 65535, &lport, NULL) ||
          !g_ascii_string_to_unsigned ((char *) fields->pdata[2] + 9, 16, 0, 65535, &rport, NULL))
        continue;
      if (lport == server_port && rport == client_port)
        inode = g_strdup (fields->pdata[9]);
    }
  g_assert_nonnull (inode);
  want = g_strdup_printf ("socket:[%s]", inode);

  proc = g_dir_open ("/proc", 0, NULL);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      guint64 pid;
      g_autofree char *fd_dir = NULL;
      g_autoptr(GDir) fds = NULL;
      const char *fd;

      if (!g_ascii_string_to_unsigned (name, 10, 1, G_MAXINT, &pid, NULL))
        continue;
      fd_dir = g_strdup_printf ("/proc/%s/fd", name);
      fds = g_dir_open (fd_dir, 0, NULL);
      while (fds != NULL && (fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link = g_build_filename (fd_dir, fd, NULL);
          g_autofree char *target = g_file_read_link (link, NULL);

          if (target != NULL && strcmp (target, want) == 0)
            {
              int p = (int) pid;

              g_array_append_val (pids, p);
              break;
            }
        }
    }
  return pids;
}

void
test_keepalive_silent_peer (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = NULL;
  Disconnected d = { 0 };
  const guint interval = 2;
  gint64 start;

  if (!need_peer ())
    return;
  conn = key_conn ();
  g_object_set (conn, "keepalive-interval", interval, NULL);
  g_signal_connect (conn, "disconnected", G_CALLBACK (disconnected_cb), &d);
  g_assert_true (connect_sync (conn, NULL, &error));
  expect_echo (conn);

  /* Freeze the sshd processes of this connection: TCP stays up, nothing answers. */
  pids = server_side_pids (peer.port, tether_ssh_connection_get_local_port (conn));
  g_assert_cmpuint (pids->len, >, 0);
  for (guint i = 0; i < pids->len; i++)
    {
      g_test_message ("stopping sshd pid %d", g_array_index (pids, int, i));
      kill (g_array_index (pids, int, i), SIGSTOP);
    }
  start = g_get_monotonic_time ();
  spin_until_disconnected (&d, 3 * interval + 5);
  /* They serve only this (now dead) connection. */
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), SIGKILL);

  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_error (d.error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
  g_test_message ("%s (after %" G_GINT64_FORMAT " ms)", d.error->message, (d.when - start) / 1000);
  g_assert_nonnull (strstr (d.error->message, "did not answer"));
  /* Noticed within one interval of the last sign of life (plus scheduling
   * slack on a busy machine), not after the many minutes TCP would take. */
  g_assert_cmpint (d.when - start, <=, (gint64) (interval + 1) * G_USEC_PER_SEC);
  g_clear_error (&d.error);
}
