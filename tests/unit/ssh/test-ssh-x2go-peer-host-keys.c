/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: host keys (unknown, added to known_hosts,
 * changed), connect failures and cancellation.
 * The table of tests and main() are in test-ssh-x2go-peer.c.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ssh-x2go-peer-fixture.h"

/* ---- host keys -------------------------------------------------------------- */

void
test_host_key_unknown (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *kh = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "known_hosts", NULL };
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  dir = temp_dir ();
  kh = g_build_filename (dir, "known_hosts", NULL);

  /* Missing file, a handler that says no. */
  {
    CheckHost check = { .answer = FALSE };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);

    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, peer.fingerprint));
    g_assert_cmpuint (check.calls, ==, 1);
    g_assert_cmpstr (check.host, ==, peer.host);
    g_assert_cmpuint (check.port, ==, peer.port);
    g_assert_cmpstr (check.fingerprint, ==, peer.fingerprint);
    g_assert_cmpstr (check.key_type, ==, "ssh-ed25519");
    g_assert_false (g_file_test (kh, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
    check_host_clear (&check);
  }
  /* Empty file, no handler, not adding: refused. */
  g_assert_true (g_file_set_contents (kh, "", 0, NULL));
  {
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, NULL);

    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN);
    g_clear_error (&error);
  }
  /* Accepted by a handler, for this connection only. */
  {
    CheckHost check = { .answer = TRUE };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);
    g_autofree char *text = NULL;

    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (check.calls, ==, 1);
    expect_echo (conn);
    text = read_text (kh);
    g_assert_cmpstr (text, ==, "");
    check_host_clear (&check);
  }
  remove_temp (dir, files);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

void
test_host_key_added (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *kh = NULL;
  g_autofree char *key_b64 = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "known_hosts", "plain_known_hosts", NULL };
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  dir = temp_dir ();
  kh = g_build_filename (dir, "known_hosts", NULL);
  key_b64 = host_key_base64 ("ed25519");

  /* Accepted by a handler and written (hashed). */
  {
    CheckHost check = { .answer = TRUE };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);
    g_autofree char *text = NULL;
    g_autofree char *suffix = g_strdup_printf (" ssh-ed25519 %s\n", key_b64);

    g_object_set (conn, "add-to-known-hosts", TRUE, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (check.calls, ==, 1);
    text = read_text (kh);
    g_test_message ("known_hosts: %s", text);
    g_assert_true (g_str_has_prefix (text, "|1|"));
    g_assert_true (g_str_has_suffix (text, suffix));
    g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);   /* one line */
    check_host_clear (&check);
  }
  /* Known now: no question. */
  {
    CheckHost check = { .answer = FALSE };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);

    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (check.calls, ==, 0);
  }
  /* Trust on first use: no handler, add-to-known-hosts, plain entry. */
  {
    g_autofree char *plain = g_build_filename (dir, "plain_known_hosts", NULL);
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (plain, NULL);
    g_autofree char *text = NULL;
    g_autofree char *expected = g_strdup_printf ("[%s]:%u ssh-ed25519 %s\n", peer.host, peer.port, key_b64);

    g_object_set (conn, "add-to-known-hosts", TRUE, "hash-known-hosts", FALSE, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    text = read_text (plain);
    g_assert_cmpstr (text, ==, expected);
  }
  remove_temp (dir, files);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

void
test_host_key_changed (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *kh = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "known_hosts", NULL };
  /* Some other ed25519 key (from the unit tests' vectors). */
  g_autofree char *other = g_strdup_printf ("[%s]:%u ssh-ed25519 "
                                            "AAAAC3NzaC1lZDI1NTE5AAAAIDkImNkCG6B7w34tfFm3Y2ZQnsyGAwsLTkNmMArBgMW6\n",
                                            peer.host, peer.port);
  /* A key of a type this server does not have. */
  g_autofree char *other_type = NULL;
  guint fds;

  if (!need_peer ())
    return;
  other_type = g_strdup_printf ("[%s]:%u ecdsa-sha2-nistp384 "
                                "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBCsFIFA5JdGA"
                                "fx2BQLXLbxfZ9KBFCIX6Q3711cOcF3xJ3gexsboKYEaDQj4637J6NNsv9vSxtHx/"
                                "UPAPqgNzHZZufHXxjf8mibZ8R2D/hvbTlihTCk8ckC3yUY0NwoYOtg==\n",
                                peer.host, peer.port);
  fds = tether_test_count_fds ();
  dir = temp_dir ();
  kh = g_build_filename (dir, "known_hosts", NULL);

  for (int round = 0; round < 2; round++)
    {
      CheckHost check = { .answer = TRUE };
      g_autoptr(TetherSshConnection) conn = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents (kh, round == 0 ? other : other_type, -1, NULL));
      before = read_text (kh);
      /* Refused even with an accepting handler and add-to-known-hosts. */
      conn = conn_with_known_hosts (kh, &check);
      g_object_set (conn, "add-to-known-hosts", TRUE, NULL);
      g_assert_false (connect_sync (conn, NULL, &error));
      g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_CHANGED);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "SHA256:"));
      g_assert_cmpuint (check.calls, ==, 0);
      after = read_text (kh);
      g_assert_cmpstr (before, ==, after);
      g_clear_error (&error);
      check_host_clear (&check);
    }
  remove_temp (dir, files);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

/* ---- connect failures and cancellation --------------------------------------- */

void
test_unreachable (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (!need_peer ())
    return;
  conn = key_conn ();
  g_object_set (conn, "port", unused_port (), NULL);
  start = g_get_monotonic_time ();
  g_assert_false (connect_sync (conn, NULL, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

void
test_cancel_connect (void)
{
  guint fds;
  g_autoptr(GError) error = NULL;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();

  /* While the worker waits for the host key answer. */
  {
    g_autofree char *dir = temp_dir ();
    g_autofree char *kh = g_build_filename (dir, "known_hosts", NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    CheckHost check = { .answer = TRUE, .cancel = cancellable };
    g_autoptr(TetherSshConnection) conn = conn_with_known_hosts (kh, &check);

    g_assert_false (connect_sync (conn, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (check.calls, ==, 1);
    g_assert_false (tether_ssh_connection_is_connected (conn));
    g_clear_error (&error);
    check_host_clear (&check);
    g_rmdir (dir);
  }
  /* At different moments of the handshake and authentication. */
  for (guint delay = 0; delay <= 60; delay += 5)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(TetherSshConnection) conn = key_conn ();
      gint64 start = g_get_monotonic_time ();
      gboolean ok;

      g_timeout_add (delay, cancel_cb, cancellable);
      ok = connect_sync (conn, cancellable, &error);
      /* Either it was done before the cancel, or it was cancelled promptly. */
      if (!ok)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_cmpint (g_get_monotonic_time () - start, <, (delay + 1000) * 1000);
        }
      g_test_message ("cancel after %u ms: %s", delay, ok ? "connected first" : "cancelled");
      g_clear_error (&error);
      spin_idle ();
    }
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}
