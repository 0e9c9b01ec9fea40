/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSshConnection against the real X2Go server's sshd of
 * tests/peers/x2go-peer.sh: authentication, host keys, exec, forwards,
 * keepalive. The peer is started (or found running) by this program and left
 * running. TETHER_X2GO_PEER_SCRIPT overrides the script's path.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-ssh-known-hosts-private.h"
#include "ssh-test-helpers.h"

typedef struct {
  char  *host;
  guint  port;
  guint  kbdint_port;
  char  *user;
  char  *password;
  char  *key;
  char  *key_pp;
  char  *passphrase;
  char  *known_hosts;
  char  *fingerprint;
  char  *state_dir;
} Peer;

static Peer peer;
static gboolean peer_missing;   /* no peer script: skip */
static char *peer_problem;      /* the script failed: fail */

/* ---- the peer ------------------------------------------------------------- */

static gboolean
parse_uint (const char *text, guint *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* KEY=VALUE lines, values quoted by bash's printf %q. */
static gboolean
parse_peer_env (const char *text, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", 256);
  guint found = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) kv = NULL;
      g_autofree char *value = NULL;

      if (lines[i][0] == '\0')
        continue;
      kv = g_strsplit (lines[i], "=", 2);
      if (g_strv_length (kv) != 2)
        continue;
      value = g_shell_unquote (kv[1], error);
      if (value == NULL)
        return FALSE;

#define TAKE(name, field) \
      if (strcmp (kv[0], name) == 0) { g_free (peer.field); peer.field = g_steal_pointer (&value); found++; continue; }
      TAKE ("X2GO_HOST", host);
      TAKE ("X2GO_USER", user);
      TAKE ("X2GO_PASSWORD", password);
      TAKE ("X2GO_KEY", key);
      TAKE ("X2GO_KEY_PASSPHRASED", key_pp);
      TAKE ("X2GO_KEY_PASSPHRASE", passphrase);
      TAKE ("X2GO_KNOWN_HOSTS", known_hosts);
      TAKE ("X2GO_HOST_KEY_FP", fingerprint);
      TAKE ("X2GO_STATE_DIR", state_dir);
#undef TAKE
      if (strcmp (kv[0], "X2GO_PORT") == 0 && parse_uint (value, &peer.port))
        found++;
      else if (strcmp (kv[0], "X2GO_KBDINT_PORT") == 0)
        parse_uint (value, &peer.kbdint_port);
    }
  if (found != 10)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the peer script printed %u of the 10 values needed", found);
      return FALSE;
    }
  return TRUE;
}

static void
start_peer (void)
{
  const char *root = g_getenv ("TETHER_SOURCE_ROOT");
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (g_getenv ("TETHER_X2GO_PEER_SCRIPT") != NULL)
    script = g_strdup (g_getenv ("TETHER_X2GO_PEER_SCRIPT"));
  else if (root != NULL)
    script = g_build_filename (root, "tests", "peers", "x2go-peer.sh", NULL);
  if (script == NULL || !g_file_test (script, G_FILE_TEST_EXISTS))
    {
      peer_missing = TRUE;
      return;
    }
  {
    const char *argv[] = { "bash", script, "start", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                       &out, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error) ||
        !parse_peer_env (out, &error))
      peer_problem = g_strdup_printf ("%s start: %s", script, error->message);
  }
}

static gboolean
need_peer (void)
{
  if (peer_missing)
    {
      g_test_skip ("tests/peers/x2go-peer.sh is not there");
      return FALSE;
    }
  if (peer_problem != NULL)
    {
      g_test_fail_printf ("the X2Go peer did not start: %s", peer_problem);
      return FALSE;
    }
  return TRUE;
}

/* A connection to the peer's sshd that knows its host keys. */
static TetherSshConnection *
peer_conn (void)
{
  TetherSshConnection *conn =
    tether_test_track (tether_ssh_connection_new (peer.host, peer.port, peer.user));

  g_object_set (conn, "use-ssh-config", FALSE, "known-hosts-file", peer.known_hosts,
                "connect-timeout", 20, NULL);
  return conn;
}

static TetherSshConnection *
key_conn (void)
{
  TetherSshConnection *conn = peer_conn ();
  const char *keys[] = { peer.key, NULL };

  g_object_set (conn, "private-key-files", keys, NULL);
  return conn;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tether-ssh-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp (const char *dir, const char *const *files)
{
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static char *
host_key_base64 (const char *type)
{
  g_autofree char *path = g_strdup_printf ("%s/hostkeys/ssh_host_%s_key.pub", peer.state_dir, type);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  fields = g_strsplit (text, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_strdup (fields[1]);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* ---- authentication ------------------------------------------------------- */

static void
expect_echo (TetherSshConnection *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherSshExecResult) result = exec_sync (conn, "echo tether-ok", &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->exit_status, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (result->stdout_bytes, NULL), g_bytes_get_size (result->stdout_bytes),
                   "tether-ok\n", 10);
}

static void
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

static void
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

static void
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

static void
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

static void
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

/* The SSH layer's debug lines about agent channels, whatever G_MESSAGES_DEBUG
 * says (they come from the worker thread). */
static GMutex agent_log_lock;
static GPtrArray *agent_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
      domain = fields[i].value;
    else if (strcmp (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      message = fields[i].value;
  if (g_strcmp0 (domain, "Tether-Ssh") == 0 && message != NULL &&
      strstr (message, "SSH agent") != NULL)
    {
      g_mutex_lock (&agent_log_lock);
      g_ptr_array_add (agent_log, g_strdup (message));
      g_mutex_unlock (&agent_log_lock);
    }
  return g_log_writer_default (level, fields, n_fields, data);
}

static void
agent_log_clear (void)
{
  g_mutex_lock (&agent_log_lock);
  g_ptr_array_set_size (agent_log, 0);
  g_mutex_unlock (&agent_log_lock);
}

/* How many captured lines contain @needle (and @needle2, when not NULL). */
static guint
agent_log_count (const char *needle, const char *needle2)
{
  guint n = 0;

  g_mutex_lock (&agent_log_lock);
  for (guint i = 0; i < agent_log->len; i++)
    {
      const char *line = agent_log->pdata[i];

      if (strstr (line, needle) != NULL && (needle2 == NULL || strstr (line, needle2) != NULL))
        n++;
    }
  g_mutex_unlock (&agent_log_lock);
  return n;
}

static void
spin_until_logged (const char *needle, guint count, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (agent_log_count (needle, NULL) < count && g_get_monotonic_time () < deadline)
    spin_for (20);
  g_assert_cmpuint (agent_log_count (needle, NULL), >=, count);
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

static void
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

static void
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

static void
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

static void
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

static void
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

/* ---- host keys -------------------------------------------------------------- */

typedef struct {
  guint         calls;
  gboolean      answer;
  char         *host;
  guint         port;
  char         *fingerprint;
  char         *key_type;
  GCancellable *cancel;   /* cancelled from the handler when set */
} CheckHost;

static gboolean
check_host_cb (TetherSshConnection *conn, const char *host, guint port, const char *fingerprint,
               const char *key_type, gpointer data)
{
  CheckHost *c = data;

  /* Emitted on the owner's context. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  c->calls++;
  g_free (c->host);
  g_free (c->fingerprint);
  g_free (c->key_type);
  c->host = g_strdup (host);
  c->port = port;
  c->fingerprint = g_strdup (fingerprint);
  c->key_type = g_strdup (key_type);
  if (c->cancel != NULL)
    g_cancellable_cancel (c->cancel);
  return c->answer;
}

static void
check_host_clear (CheckHost *c)
{
  g_free (c->host);
  g_free (c->fingerprint);
  g_free (c->key_type);
}

static TetherSshConnection *
conn_with_known_hosts (const char *path, CheckHost *check)
{
  TetherSshConnection *conn = key_conn ();

  g_object_set (conn, "known-hosts-file", path, NULL);
  if (check != NULL)
    g_signal_connect (conn, "check-host", G_CALLBACK (check_host_cb), check);
  return conn;
}

static void
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

static void
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

static void
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

static void
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

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
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

/* ---- exec -------------------------------------------------------------------------- */

static TetherSshConnection *
connected (void)
{
  TetherSshConnection *conn = key_conn ();
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);
  return conn;
}

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

/* ---- keepalive and death -------------------------------------------------------- */

typedef struct {
  guint   calls;
  GError *error;
  gint64  when;
} Disconnected;

static void
disconnected_cb (TetherSshConnection *conn, const GError *error, gpointer data)
{
  Disconnected *d = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  d->calls++;
  d->when = g_get_monotonic_time ();
  g_clear_error (&d->error);
  d->error = g_error_copy (error);
}

static gboolean
flag_when_disconnected (gpointer data)
{
  return ((Disconnected *) data)->calls > 0;
}

static void
spin_until_disconnected (Disconnected *d, guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!flag_when_disconnected (d) && g_get_monotonic_time () < end)
    {
      gboolean tick = FALSE;

      g_timeout_add (50, timeout_flag_cb, &tick);
      while (!tick)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
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

static void
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

static void
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

/* ---- jump host -------------------------------------------------------------------- */

static void
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

static void
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
    { "/ssh/x2go/auth/key", test_auth_key },
    { "/ssh/x2go/auth/passphrase", test_auth_passphrase },
    { "/ssh/x2go/auth/password", test_auth_password },
    { "/ssh/x2go/auth/force-password", test_auth_force_password },
    { "/ssh/x2go/auth/keyboard-interactive", test_auth_keyboard_interactive },
    { "/ssh/x2go/auth/agent", test_auth_agent },
    { "/ssh/x2go/agent/forward", test_agent_forward },
    { "/ssh/x2go/agent/forward-off", test_agent_forward_off },
    { "/ssh/x2go/agent/forward-cap", test_agent_forward_cap },
    { "/ssh/x2go/agent/forward-gone", test_agent_forward_gone },
    { "/ssh/x2go/host-key/unknown", test_host_key_unknown },
    { "/ssh/x2go/host-key/added", test_host_key_added },
    { "/ssh/x2go/host-key/changed", test_host_key_changed },
    { "/ssh/x2go/connect/unreachable", test_unreachable },
    { "/ssh/x2go/connect/cancel", test_cancel_connect },
    { "/ssh/x2go/exec/basic", test_exec },
    { "/ssh/x2go/exec/concurrent", test_exec_concurrent },
    { "/ssh/x2go/exec/output-cap", test_exec_output_cap },
    { "/ssh/x2go/exec/cancel", test_exec_cancel },
    { "/ssh/x2go/exec/disconnect", test_exec_disconnect },
    { "/ssh/x2go/forward/banner", test_forward_banner },
    { "/ssh/x2go/forward/echo", test_forward_echo },
    { "/ssh/x2go/forward/refused", test_forward_refused },
    { "/ssh/x2go/forward/finalize", test_forward_finalize },
    { "/ssh/x2go/keepalive/healthy", test_keepalive_healthy },
    { "/ssh/x2go/keepalive/transport-killed", test_keepalive_transport_killed },
    { "/ssh/x2go/keepalive/silent-peer", test_keepalive_silent_peer },
    { "/ssh/x2go/ssh-config", test_ssh_config },
    { "/ssh/x2go/proxy", test_proxy },
  };

  agent_log = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  ssh_test_environment ();
  tether_test_init (&argc, &argv);
  start_peer ();
  ssh_test_warm_up ();

  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, &tests[i], fixture_setup, fixture_run, fixture_teardown);

  return g_test_run ();
}
