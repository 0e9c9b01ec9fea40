/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The X2Go peer fixture of test-ssh-x2go-peer (see ssh-x2go-peer-fixture.h): the
 * peer script's values, connections to its sshd, and the helpers more than one
 * group of tests uses.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ssh-x2go-peer-fixture.h"

Peer peer;
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

void
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

gboolean
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
TetherSshConnection *
peer_conn (void)
{
  TetherSshConnection *conn =
    tether_test_track (tether_ssh_connection_new (peer.host, peer.port, peer.user));

  g_object_set (conn, "use-ssh-config", FALSE, "known-hosts-file", peer.known_hosts,
                "connect-timeout", 20, NULL);
  return conn;
}

TetherSshConnection *
key_conn (void)
{
  TetherSshConnection *conn = peer_conn ();
  const char *keys[] = { peer.key, NULL };

  g_object_set (conn, "private-key-files", keys, NULL);
  return conn;
}

char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tether-ssh-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
remove_temp (const char *dir, const char *const *files)
{
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

char *
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

char *
read_text (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* ---- shared by several groups of tests ----------------------------------------- */

void
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

TetherSshConnection *
connected (void)
{
  TetherSshConnection *conn = key_conn ();
  g_autoptr(GError) error = NULL;

  g_assert_true (connect_sync (conn, NULL, &error));
  g_assert_no_error (error);
  return conn;
}

gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

gboolean
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

void
check_host_clear (CheckHost *c)
{
  g_free (c->host);
  g_free (c->fingerprint);
  g_free (c->key_type);
}

TetherSshConnection *
conn_with_known_hosts (const char *path, CheckHost *check)
{
  TetherSshConnection *conn = key_conn ();

  g_object_set (conn, "known-hosts-file", path, NULL);
  if (check != NULL)
    g_signal_connect (conn, "check-host", G_CALLBACK (check_host_cb), check);
  return conn;
}

void
disconnected_cb (TetherSshConnection *conn, const GError *error, gpointer data)
{
  Disconnected *d = data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  d->calls++;
  d->when = g_get_monotonic_time ();
  g_clear_error (&d->error);
  d->error = g_error_copy (error);
}

gboolean
flag_when_disconnected (gpointer data)
{
  return ((Disconnected *) data)->calls > 0;
}

void
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

/* The SSH layer's debug lines about agent channels, whatever G_MESSAGES_DEBUG
 * says (they come from the worker thread). */
static GMutex agent_log_lock;
GPtrArray *agent_log;

GLogWriterOutput
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

void
agent_log_clear (void)
{
  g_mutex_lock (&agent_log_lock);
  g_ptr_array_set_size (agent_log, 0);
  g_mutex_unlock (&agent_log_lock);
}

/* How many captured lines contain @needle (and @needle2, when not NULL). */
guint
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

void
spin_until_logged (const char *needle, guint count, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (agent_log_count (needle, NULL) < count && g_get_monotonic_time () < deadline)
    spin_for (20);
  g_assert_cmpuint (agent_log_count (needle, NULL), >=, count);
}

void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->fds = tether_test_count_fds ();
}

void
fixture_run (Fixture *f, gconstpointer data)
{
  ((const TestCase *) data)->func ();
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  spin_idle ();
  tether_test_assert_no_fd_leak (f->fds);
}
