/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: the jump host (SSH proxy) and the SSH
 * configuration file.
 * The table of tests and main() are in test-ssh-x2go-peer.c.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ssh-x2go-peer-fixture.h"

/* ---- jump host -------------------------------------------------------------------- */

void
test_proxy (void)
{
  g_autoptr(TetherSshConnection) proxy = NULL;
  g_autoptr(GError) error = NULL;
  Disconnected d = { 0 };
  guint fds;

  if (!need_peer ())
    return;
  if (peer.kbdint_port == 0)
    {
      g_test_skip ("the peer has no second sshd");
      return;
    }
  fds = tether_test_count_fds ();
  proxy = connected ();

  /* The second sshd, reached from the first one. */
  {
    g_autoptr(TetherSshConnection) conn = key_conn ();

    g_object_set (conn, "port", peer.kbdint_port, "proxy", proxy, "keepalive-interval", 2, NULL);
    g_signal_connect (conn, "disconnected", G_CALLBACK (disconnected_cb), &d);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    /* Not over TCP of ours: over a socket pair pumped by the proxy's worker. */
    g_assert_cmpuint (tether_ssh_connection_get_local_port (conn), ==, 0);
    expect_echo (conn);

    /* A dead proxy takes the connection through it along. */
    tether_ssh_connection_kill_transport (proxy);
    spin_until_disconnected (&d, 10);
    g_assert_cmpuint (d.calls, ==, 1);
    g_assert_error (d.error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
    g_test_message ("%s", d.error->message);
    g_clear_error (&d.error);
  }
  g_clear_object (&proxy);

  /* A target the jump host cannot reach; and host keys are checked for the target. */
  proxy = connected ();
  {
    g_autoptr(TetherSshConnection) conn = key_conn ();

    g_object_set (conn, "port", unused_port (), "proxy", proxy, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  {
    g_autofree char *dir = temp_dir ();
    g_autofree char *kh = g_build_filename (dir, "known_hosts", NULL);
    CheckHost check = { .answer = FALSE };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);

    g_object_set (conn, "port", peer.kbdint_port, "proxy", proxy, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN);
    g_assert_cmpuint (check.calls, ==, 1);
    g_assert_cmpuint (check.port, ==, peer.kbdint_port);
    g_assert_cmpstr (check.fingerprint, ==, peer.fingerprint);
    g_clear_error (&error);
    check_host_clear (&check);
    g_rmdir (dir);
  }
  g_clear_object (&proxy);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* ---- SSH configuration -------------------------------------------------------- */

void
test_ssh_config (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "config", NULL };

  if (!need_peer ())
    return;
  dir = temp_dir ();
  config = g_build_filename (dir, "config", NULL);
  text = g_strdup_printf ("Host x2go-test-alias\n  HostName %s\n  Port %u\n  User %s\n"
                          "  UserKnownHostsFile %s\n", peer.host, peer.port, peer.user, peer.known_hosts);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  {
    TetherSshConnection *conn = tether_test_track (tether_ssh_connection_new ("x2go-test-alias", 0, NULL));
    const char *keys[] = { peer.key, NULL };

    g_object_set (conn, "ssh-config-file", config, "private-key-files", keys, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    expect_echo (conn);
    g_object_unref (conn);
  }
  remove_temp (dir, files);
}
