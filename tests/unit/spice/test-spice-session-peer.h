/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Real peers for the SPICE integration tests: QEMU SPICE instances started
 * with tests/peers/spice-peer.sh (instance names of these tests only, stopped
 * by name at the end), and a tinyproxy of the test's own, started on a free
 * loopback port and stopped by its pid.
 */

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* The environment for spice-peer.sh: without the tests' G_DEBUG, which QEMU
 * would inherit and abort on spice-server's first warning (a client that
 * goes away mid-link is one). */
static inline char **
peer_environ (void)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "G_DEBUG");
  envp = g_environ_unsetenv (envp, "G_MESSAGES_DEBUG");
  return envp;
}

static inline char *
peer_script (void)
{
  const char *root = g_getenv ("TETHER_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "peers", "spice-peer.sh", NULL);
}

/* Starts instance @name with the options in @args (NULL-terminated); returns
 * its KEY=VALUE details, or NULL (with a test message) on failure. */
static inline GHashTable *
peer_start (const char *name, const char * const *args)
{
  g_autofree char *script = peer_script ();
  g_auto(GStrv) envp = peer_environ ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *env;
  int status = 0;

  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (gpointer) "start");
  g_ptr_array_add (argv, (gpointer) name);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--replace");
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("spice-peer.sh start %s failed: %s\n%s", name, error->message, err != NULL ? err : "");
      return NULL;
    }
  env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (out, "\n", 64);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      char *value;

      if (eq == NULL || !g_str_has_prefix (lines[i], "SPICE_"))
        continue;
      *eq = '\0';
      value = g_shell_unquote (eq + 1, NULL);
      if (value != NULL)
        g_hash_table_insert (env, g_strdup (lines[i]), value);
    }
  return env;
}

static inline void
peer_stop (const char *name)
{
  g_autofree char *script = peer_script ();
  g_auto(GStrv) envp = peer_environ ();
  const char *argv[] = { script, "stop", name, NULL };

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, NULL, NULL);
}

/* A free TCP port on 127.0.0.1 (racy by nature; good enough for tests). */
static inline guint16
peer_free_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (s, addr, TRUE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

typedef struct {
  GPid    pid;
  guint16 port;
  char   *dir;
} TinyProxy;

/* Installs tinyproxy from Debian when missing. */
static inline gboolean
tinyproxy_ensure (void)
{
  const char *install[] = { "apt-get", "install", "-y", "-q", "--no-install-recommends",
                            "-o", "DPkg::Lock::Timeout=300", "tinyproxy", NULL };
  const char *update[] = { "apt-get", "update", "-q", NULL };
  g_autofree char *path = g_find_program_in_path ("tinyproxy");
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "DEBIAN_FRONTEND", "noninteractive", TRUE);
  int status = 0;

  if (path != NULL)
    return TRUE;
  if (!g_spawn_sync (NULL, (char **) install, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_spawn_sync (NULL, (char **) update, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, NULL, NULL);
      g_spawn_sync (NULL, (char **) install, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, NULL, NULL);
    }
  path = g_find_program_in_path ("tinyproxy");
  if (path == NULL)
    path = g_strdup (g_file_test ("/usr/bin/tinyproxy", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/tinyproxy" : NULL);
  return path != NULL;
}

/* Starts tinyproxy in the foreground on a free 127.0.0.1 port with a
 * configuration of the test's own; waits until it listens. */
static inline gboolean
tinyproxy_start (TinyProxy *proxy)
{
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *bin = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[5];

  memset (proxy, 0, sizeof *proxy);
  if (!tinyproxy_ensure ())
    return FALSE;
  bin = g_find_program_in_path ("tinyproxy");
  if (bin == NULL)
    bin = g_strdup ("/usr/bin/tinyproxy");
  proxy->dir = g_dir_make_tmp ("tether-tinyproxy-XXXXXX", &error);
  g_assert_no_error (error);
  /* tinyproxy drops to nobody when started as root: let it write its log. */
  g_chmod (proxy->dir, 0777);
  proxy->port = peer_free_port ();
  /* No ConnectPort line: CONNECT is allowed to any port. */
  conf = g_strdup_printf ("Port %u\nListen 127.0.0.1\nTimeout 60\nMaxClients 20\nAllow 127.0.0.1\n"
                          "LogFile \"%s/tinyproxy.log\"\nLogLevel Info\nDisableViaHeader Yes\n"
                          "User nobody\nGroup nogroup\n",
                          proxy->port, proxy->dir);
  conf_path = g_build_filename (proxy->dir, "tinyproxy.conf", NULL);
  g_assert_true (g_file_set_contents (conf_path, conf, -1, NULL));
  argv[0] = bin;
  argv[1] = "-d";
  argv[2] = "-c";
  argv[3] = conf_path;
  argv[4] = NULL;
  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &proxy->pid, &error))
    {
      g_test_message ("cannot start tinyproxy: %s", error->message);
      return FALSE;
    }
  /* Wait until it accepts connections. */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) conn = NULL;

      g_socket_client_set_enable_proxy (client, FALSE);
      conn = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->port, NULL, NULL);
      if (conn != NULL)
        return TRUE;
      g_usleep (25000);
    }
  g_test_message ("tinyproxy did not start listening on %u", proxy->port);
  return FALSE;
}

static inline void
tinyproxy_stop (TinyProxy *proxy)
{
  if (proxy->pid > 0)
    {
      int status;

      kill (proxy->pid, SIGTERM);
      waitpid (proxy->pid, &status, 0);
      g_spawn_close_pid (proxy->pid);
      proxy->pid = 0;
    }
  if (proxy->dir != NULL)
    {
      g_autofree char *log = g_build_filename (proxy->dir, "tinyproxy.log", NULL);
      g_autofree char *conf = g_build_filename (proxy->dir, "tinyproxy.conf", NULL);

      g_unlink (log);
      g_unlink (conf);
      g_rmdir (proxy->dir);
      g_clear_pointer (&proxy->dir, g_free);
    }
}

G_END_DECLS
