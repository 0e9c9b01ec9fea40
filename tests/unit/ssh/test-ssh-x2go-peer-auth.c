/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: authentication (key, passphrase, password,
 * keyboard-interactive) and the SSH agent: agent authentication and agent
 * forwarding.
 * The table of tests and main() are in test-ssh-x2go-peer.c.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "tether-ssh-known-hosts-private.h"
#include "ssh-x2go-peer-fixture.h"

/* ---- authentication ------------------------------------------------------- */

void
test_auth_key (void)
{
  guint fds;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  conn = key_conn ();
  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tether_ssh_connection_is_connected (conn));
  g_assert_cmpuint (tether_ssh_connection_get_local_port (conn), >, 0);
  expect_echo (conn);
  tether_ssh_connection_disconnect (conn);
  g_assert_false (tether_ssh_connection_is_connected (conn));
  tether_ssh_connection_disconnect (conn);
  g_clear_object (&conn);
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

void
test_auth_passphrase (void)
{
  const char *keys[] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  keys[0] = peer.key_pp;

  /* Right. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "private-key-files", keys, "passphrase", peer.passphrase, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    expect_echo (conn);
  }
  /* Wrong: refused at once, even with a good password. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "private-key-files", keys, "passphrase", "not-the-passphrase",
                  "password", peer.password, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PASSPHRASE);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, peer.key_pp));
    g_assert_null (strstr (error->message, "not-the-passphrase"));
    g_clear_error (&error);
  }
  /* None at all. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "private-key-files", keys, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PASSPHRASE);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  /* The password is not the passphrase, but it logs in. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "private-key-files", keys, "password", peer.password, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
  }
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

void
test_auth_password (void)
{
  g_autoptr(GError) error = NULL;
  guint fds;

  if (!need_peer ())
    return;
  fds = tether_test_count_fds ();
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "password", peer.password, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    expect_echo (conn);
  }
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "password", "wrong-password", NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "password"));
    g_assert_nonnull (strstr (error->message, peer.user));
    g_assert_null (strstr (error->message, "wrong-password"));
    g_clear_error (&error);
  }
  /* No credentials at all. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  /* A key the server does not know, then the password. */
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();
    const char *keys[] = { "/nonexistent/id_ed25519", NULL };

    g_object_set (conn, "private-key-files", keys, "password", peer.password, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
  }
  spin_idle ();
  tether_test_assert_no_fd_leak (fds);
}

void
test_auth_force_password (void)
{
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  const char *keys[] = { NULL, NULL };

  if (!need_peer ())
    return;
  /* The key would fail on its passphrase: forced password auth never touches it. */
  keys[0] = peer.key_pp;
  conn = peer_conn ();
  g_object_set (conn, "private-key-files", keys, "passphrase", "wrong", "password", peer.password,
                "force-password-auth", TRUE, NULL);
  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);
}

void
test_auth_keyboard_interactive (void)
{
  g_autoptr(GError) error = NULL;

  if (!need_peer ())
    return;
  if (peer.kbdint_port == 0)
    {
      g_test_skip ("the peer has no keyboard-interactive sshd");
      return;
    }
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "port", peer.kbdint_port, "password", peer.password, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    expect_echo (conn);
  }
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "port", peer.kbdint_port, "password", "wrong-password", NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "keyboard-interactive"));
    g_clear_error (&error);
  }
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "port", peer.kbdint_port, "password", peer.password,
                  "allow-keyboard-interactive", FALSE, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_clear_error (&error);
  }
}

/* ---- the SSH agent ------------------------------------------------------------ */

/* An ssh-agent of the test's own (by pid, in a temporary directory). */
typedef struct {
  char        *dir;
  char        *sock;
  GSubprocess *proc;
} TestAgent;

/* Runs ssh-add against the agent at @sock; retried a while, as the agent
 * may have bound its socket without listening on it yet. */
static void
run_ssh_add (const char *sock, const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "SSH_AUTH_SOCK", sock, TRUE);
  for (int attempt = 0; ; attempt++)
    {
      g_autoptr(GSubprocess) add = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_autofree char *err = NULL;

      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (add, NULL, NULL, NULL, &err, &error));
      g_assert_no_error (error);
      if (g_subprocess_get_successful (add))
        return;
      if (attempt >= 100)
        g_error ("%s failed: %s", argv[0], err);
      spin_for (20);
    }
}

/* In the agent's process: it goes when this test program goes, even when an
 * assertion aborts it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* FALSE (test skipped) when there is no ssh-agent. */
static gboolean
agent_start (TestAgent *a, gboolean add_key)
{
  g_autofree char *agent_path = g_find_program_in_path ("ssh-agent");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;

  memset (a, 0, sizeof *a);
  if (agent_path == NULL)
    {
      g_test_skip ("no ssh-agent");
      return FALSE;
    }
  a->dir = temp_dir ();
  a->sock = g_build_filename (a->dir, "agent.sock", NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  a->proc = g_subprocess_launcher_spawn (launcher, &error, agent_path, "-D", "-a", a->sock, NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 250 && !g_file_test (a->sock, G_FILE_TEST_EXISTS); i++)
    spin_for (20);
  g_assert_true (g_file_test (a->sock, G_FILE_TEST_EXISTS));
  if (add_key)
    {
      const char *argv[] = { "ssh-add", "-q", peer.key, NULL };

      run_ssh_add (a->sock, argv);
    }
  return TRUE;
}

/* Stops the agent (it removes its socket) and the directory. Idempotent. */
static void
agent_stop (TestAgent *a)
{
  const char *files[] = { "agent.sock", NULL };

  if (a->proc != NULL)
    {
      g_subprocess_send_signal (a->proc, SIGTERM);
      g_subprocess_wait (a->proc, NULL, NULL);
      g_clear_object (&a->proc);
    }
  if (a->dir != NULL)
    remove_temp (a->dir, files);
  g_clear_pointer (&a->dir, g_free);
  g_clear_pointer (&a->sock, g_free);
}

/* "SHA256:…" of the peer's client key, as ssh-add -l prints it. */
static char *
peer_key_fingerprint (void)
{
  g_autofree char *path = g_strdup_printf ("%s.pub", peer.key);
  g_autofree char *text = read_text (path);
  g_auto(GStrv) fields = g_strsplit (text, " ", 3);
  g_autofree guint8 *blob = NULL;
  gsize len = 0;

  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  blob = g_base64_decode (fields[1], &len);
  g_assert_cmpuint (len, >, 0);
  return tether_ssh_fingerprint_sha256 (blob, len);
}

static TetherSshExecResult *
exec_ok (TetherSshConnection *conn, const char *command)
{
  g_autoptr(GError) error = NULL;
  TetherSshExecResult *result = exec_sync (conn, command, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
result_text (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return len > 0 ? g_strndup (data, len) : g_strdup ("");
}

void
test_auth_agent (void)
{
  TestAgent agent;
  g_autoptr(GError) error = NULL;

  if (!need_peer () || !agent_start (&agent, TRUE))
    return;
  {
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "use-agent", TRUE, "agent-socket", agent.sock, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    expect_echo (conn);
  }
  {
    /* No agent socket anywhere: agent auth is not tried, and says why. */
    g_autoptr(TetherSshConnection) conn = peer_conn ();

    g_object_set (conn, "use-agent", TRUE, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "SSH_AUTH_SOCK"));
    g_clear_error (&error);
  }
  {
    /* An agent without the key. */
    g_autoptr(TetherSshConnection) conn = peer_conn ();
    const char *argv[] = { "ssh-add", "-q", "-D", NULL };

    run_ssh_add (agent.sock, argv);
    g_object_set (conn, "use-agent", TRUE, "agent-socket", agent.sock, NULL);
    g_assert_false (connect_sync (conn, NULL, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  agent_stop (&agent);
}

/* A command that logs in from the server back to the same sshd, with nothing
 * but the forwarded agent to authenticate with. */
static char *
hop_command (void)
{
  return g_strdup_printf ("ssh -F /dev/null -p %u -o BatchMode=yes -o StrictHostKeyChecking=no "
                          "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
                          "-o IdentityFile=/dev/null -o PasswordAuthentication=no "
                          "-o KbdInteractiveAuthentication=no %s@%s echo hop-ok",
                          peer.port, peer.user, peer.host);
}

void
test_agent_forward (void)
{
  TestAgent agent;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *hop = hop_command ();

  if (!need_peer () || !agent_start (&agent, TRUE))
    return;
  fingerprint = peer_key_fingerprint ();
  agent_log_clear ();

  /* Logged in through the same agent (use-agent), and forwarding it. */
  conn = peer_conn ();
  g_object_set (conn, "use-agent", TRUE, "agent-socket", agent.sock, "forward-agent", TRUE, NULL);
  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);

  /* The server's ssh-add sees the key. */
  {
    g_autoptr(TetherSshExecResult) r = exec_ok (conn, "ssh-add -l");
    g_autofree char *out = result_text (r->stdout_bytes);
    g_autofree char *err = result_text (r->stderr_bytes);

    g_test_message ("ssh-add -l: status %d, stdout '%s', stderr '%s'", r->exit_status, out, err);
    g_assert_cmpint (r->exit_status, ==, 0);
    g_assert_nonnull (strstr (out, fingerprint));
    g_assert_nonnull (strstr (out, "tether-x2go-test"));
  }
  g_assert_cmpuint (agent_log_count ("SSH agent channel open", agent.sock), >=, 1);

  /* The agent signs: a login from the server with nothing but the agent. */
  {
    g_autoptr(TetherSshExecResult) r = exec_ok (conn, hop);
    g_autofree char *out = result_text (r->stdout_bytes);
    g_autofree char *err = result_text (r->stderr_bytes);

    g_test_message ("hop: status %d, stdout '%s', stderr '%s'", r->exit_status, out, err);
    g_assert_cmpint (r->exit_status, ==, 0);
    g_assert_cmpstr (out, ==, "hop-ok\n");
  }

  /* Several at once. */
  {
    g_autoptr(TetherSshExecResult) r =
      exec_ok (conn, "for i in 1 2 3 4 5 6 7 8; do (ssh-add -l >/dev/null && echo ok) & done; wait");
    g_autofree char *out = result_text (r->stdout_bytes);

    g_assert_cmpstr (out, ==, "ok\nok\nok\nok\nok\nok\nok\nok\n");
  }

  /* Every channel was closed again: none refused so far. */
  g_assert_cmpuint (agent_log_count ("refused", NULL), ==, 0);
  tether_ssh_connection_disconnect (conn);
  g_clear_object (&conn);
  agent_stop (&agent);
}

/* Connections to $SSH_AUTH_SOCK on the server held open at once: prints how
 * many got an answer to a request-identities from the agent, then holds them
 * for the seconds of its second argument, if any. */
#define HOLD_AGENT_SCRIPT \
  "/usr/bin/python3 -c '\n" \
  "import os, socket, sys, time\n" \
  "n = int(sys.argv[1])\n" \
  "socks = []\n" \
  "for i in range(n):\n" \
  "    s = socket.socket(socket.AF_UNIX)\n" \
  "    s.settimeout(15)\n" \
  "    s.connect(os.environ[\"SSH_AUTH_SOCK\"])\n" \
  "    socks.append(s)\n" \
  "for s in socks:\n" \
  "    try:\n" \
  "        s.sendall(bytes([0, 0, 0, 1, 11]))\n" \
  "    except OSError:\n" \
  "        pass\n" \
  "ok = 0\n" \
  "for s in socks:\n" \
  "    got = b\"\"\n" \
  "    try:\n" \
  "        while len(got) < 5:\n" \
  "            b = s.recv(5 - len(got))\n" \
  "            if not b:\n" \
  "                break\n" \
  "            got += b\n" \
  "    except OSError:\n" \
  "        pass\n" \
  "    if len(got) == 5 and got[4] == 12:\n" \
  "        ok += 1\n" \
  "print(ok, flush=True)\n" \
  "if len(sys.argv) > 2:\n" \
  "    time.sleep(float(sys.argv[2]))\n" \
  "' "

void
test_agent_forward_cap (void)
{
  TestAgent agent;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf (HOLD_AGENT_SCRIPT "%d",
                                              TETHER_SSH_MAX_AGENT_CHANNELS + 4);
  g_autofree char *expected = g_strdup_printf ("%d\n", TETHER_SSH_MAX_AGENT_CHANNELS);

  if (!need_peer () || !agent_start (&agent, TRUE))
    return;
  agent_log_clear ();
  conn = key_conn ();
  g_object_set (conn, "agent-socket", agent.sock, "forward-agent", TRUE, NULL);
  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);

  /* At most the cap at once; the others are refused, and the log says so. */
  {
    g_autoptr(TetherSshExecResult) r = exec_ok (conn, command);
    g_autofree char *out = result_text (r->stdout_bytes);
    g_autofree char *err = result_text (r->stderr_bytes);

    g_test_message ("holder: status %d, stdout '%s', stderr '%s'", r->exit_status, out, err);
    g_assert_cmpint (r->exit_status, ==, 0);
    g_assert_cmpstr (out, ==, expected);
  }
  g_assert_cmpuint (agent_log_count ("refused", "open already"), ==, 4);
  /* Once they closed, there is room again. */
  {
    g_autoptr(TetherSshExecResult) r = exec_ok (conn, "ssh-add -l");

    g_assert_cmpint (r->exit_status, ==, 0);
  }

  /* A disconnect with agent channels open closes them (no fd is left). */
  {
    AsyncWait wait = { 0 };
    g_autofree char *hold = g_strdup_printf (HOLD_AGENT_SCRIPT "%d 15", 3);
    guint opened = agent_log_count ("SSH agent channel open", NULL);

    tether_ssh_connection_exec_async (conn, hold, NULL, async_wait_cb, &wait);
    spin_until_logged ("SSH agent channel open", opened + 3, 20);
    tether_ssh_connection_disconnect (conn);
    spin_until (&wait.done, 10);
    g_assert_null (tether_ssh_connection_exec_finish (conn, wait.result, &error));
    g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED);
    g_clear_error (&error);
    g_object_unref (wait.result);
  }
  g_clear_object (&conn);
  agent_stop (&agent);
}

void
test_agent_forward_off (void)
{
  TestAgent agent;
  g_autoptr(TetherSshConnection) conn = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_peer () || !agent_start (&agent, TRUE))
    return;
  /* The agent logs in, but is not forwarded. */
  conn = peer_conn ();
  g_object_set (conn, "use-agent", TRUE, "agent-socket", agent.sock, NULL);
  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TetherSshExecResult) r = exec_ok (conn, "echo \"[$SSH_AUTH_SOCK]\"; ssh-add -l");
    g_autofree char *out = result_text (r->stdout_bytes);
    g_autofree char *err = result_text (r->stderr_bytes);

    g_test_message ("ssh-add -l: status %d, stdout '%s', stderr '%s'", r->exit_status, out, err);
    g_assert_cmpstr (out, ==, "[]\n");
    g_assert_cmpint (r->exit_status, ==, 2);   /* "Could not open a connection to your agent" */
    g_assert_nonnull (strstr (err, "agent"));
  }
  tether_ssh_connection_disconnect (conn);
  g_clear_object (&conn);
  agent_stop (&agent);
}

/* ssh-add on the server found no agent behind its socket: sshd closes the
 * socket when the channel open is refused, so ssh-add either reads EOF
 * ("communication with agent failed", status 1) or, when its request is
 * written after the close, dies of SIGPIPE, as with OpenSSH's own client. */
static void
assert_agent_failed (TetherSshExecResult *r)
{
  g_autofree char *err = result_text (r->stderr_bytes);

  g_test_message ("ssh-add -l: status %d, signal %s, stderr '%s'", r->exit_status,
                  r->exit_signal, err);
  g_assert_cmpuint (g_bytes_get_size (r->stdout_bytes), ==, 0);
  if (r->exit_signal != NULL)
    g_assert_cmpstr (r->exit_signal, ==, "PIPE");
  else
    {
      g_assert_cmpint (r->exit_status, ==, 1);
      g_assert_nonnull (strstr (err, "agent"));
    }
}

void
test_agent_forward_gone (void)
{
  TestAgent agent;
  g_autoptr(GError) error = NULL;
  g_autofree char *hop = hop_command ();

  if (!need_peer () || !agent_start (&agent, TRUE))
    return;
  agent_log_clear ();
  {
    g_autoptr(TetherSshConnection) conn = key_conn ();

    g_object_set (conn, "agent-socket", agent.sock, "forward-agent", TRUE, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    {
      g_autoptr(TetherSshExecResult) r = exec_ok (conn, "ssh-add -l");

      g_assert_cmpint (r->exit_status, ==, 0);
    }

    /* The agent goes away while the connection lives: the server's requests
     * fail cleanly, the log says why, and the connection carries on. */
    agent_stop (&agent);
    {
      g_autoptr(TetherSshExecResult) r = exec_ok (conn, "ssh-add -l");

      assert_agent_failed (r);
    }
    {
      g_autoptr(TetherSshExecResult) r = exec_ok (conn, hop);

      g_assert_cmpint (r->exit_status, !=, 0);
    }
    g_assert_cmpuint (agent_log_count ("refused an SSH agent channel", "could not connect"), >=, 2);
    expect_echo (conn);
  }

  /* No local agent at all (SSH_AUTH_SOCK is unset in this program). */
  agent_log_clear ();
  {
    g_autoptr(TetherSshConnection) conn = key_conn ();

    g_object_set (conn, "forward-agent", TRUE, NULL);
    g_assert_true (connect_sync (conn, NULL, &error));
    g_assert_no_error (error);
    {
      g_autoptr(TetherSshExecResult) r = exec_ok (conn, "ssh-add -l");

      assert_agent_failed (r);
    }
    g_assert_cmpuint (agent_log_count ("refused an SSH agent channel", "SSH_AUTH_SOCK"), ==, 1);
    expect_echo (conn);
  }
}
