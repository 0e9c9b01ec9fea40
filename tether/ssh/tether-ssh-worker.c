/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>   /* ssh_send_keepalive(), usable by clients too */

#include "tether-error.h"
#include "tether-ssh-auth-private.h"
#include "tether-ssh-known-hosts-private.h"
#include "tether-ssh-tunnels-private.h"
#include "tether-ssh-worker-private.h"

/*
 * The worker thread of one TetherSshConnection. It alone touches the
 * ssh_session and its channels (libssh's threading rule).
 *
 * Connect phase: sequential (GSocketClient, then libssh non-blocking, with
 * connect_wait() polling the socket and the wake-up pipe in between, bounded
 * by connect-timeout per step). Cancellation comes from outside as a flag, a
 * byte in the wake-up pipe and a shutdown() of the TCP socket, never as a
 * call into libssh.
 *
 * Connected phase: everything runs in one ssh_event: the session's socket, a
 * wake-up pipe for commands, each forward's listening socket and each
 * tunnel's local socket (tether-ssh-tunnels.c). fd callbacks only record
 * readiness; after every poll, pump() advances every exec job, forward and
 * tunnel until nothing moves, then the loop sleeps in poll() again, for at
 * most the time to the next keepalive deadline. No timed polling, no sleeps.
 */

/* poll() failures in a row after which the loop gives up. */
#define MAX_POLL_ERRORS     100
/* Longest signal name kept from an exit-signal message. */
#define MAX_SIGNAL_NAME     16

typedef struct _Worker Worker;

typedef enum {
  JOB_OPENING,
  JOB_REQUESTING,
  JOB_RUNNING,
  JOB_ABANDONED,   /* answered already; waits for its channel open to end */
} JobState;

typedef struct {
  Worker                              *w;
  GTask                               *task;       /* NULL once returned */
  char                                *command;
  char                                 log_name[48]; /* what the log may show of it */
  gsize                                limit;
  ssh_channel                          channel;
  struct ssh_channel_callbacks_struct  callbacks;
  gboolean                             callbacks_set;
  JobState                             state;
  gboolean                             agent_requested;
  GByteArray                          *out;
  GByteArray                          *err;
  int                                  exit_status;
  char                                *exit_signal;
  gboolean                             closed;      /* the server closed the channel */
  gboolean                             over_limit;
} ExecJob;


struct _Worker {
  TetherSshShared           *shared;
  GTask                     *connect_task;

  ssh_session                session;
  GSocketConnection         *tcp;         /* keeps the socket libssh uses a dup of */
  int                        ssh_fd;      /* that dup (libssh may close it) */
  ssh_event                  event;
  gboolean                   wake_registered;
  struct ssh_counter_struct  rx;          /* packets received, for keepalive */

  char                      *host;        /* as connected (after the SSH configuration) */
  guint                      port;
  char                      *username;

  GList                     *jobs;        /* ExecJob* */
  TetherSshTunnels           tunnels;     /* forwards and tunnels */

  gint64                     keepalive_us;
  gint64                     last_rx_us;
  guint64                    last_rx_packets;
  gboolean                   probe_outstanding;

  GError                    *death;       /* why the connected phase ended */
};

/* ---- small helpers ----------------------------------------------------- */

static gboolean
worker_aborted (gpointer data)
{
  Worker *w = data;
  gboolean aborted;

  g_mutex_lock (&w->shared->lock);
  aborted = w->shared->abort_connect;
  g_mutex_unlock (&w->shared->lock);
  return aborted;
}

static gboolean
stop_requested (Worker *w)
{
  gboolean stop;

  g_mutex_lock (&w->shared->lock);
  stop = w->shared->stop;
  g_mutex_unlock (&w->shared->lock);
  return stop;
}

static gboolean
set_cancelled (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection attempt was cancelled");
  return FALSE;
}

static GCancellable *
task_cancellable (GTask *task)
{
  return task != NULL ? g_task_get_cancellable (task) : NULL;
}

static gboolean
task_cancelled (GTask *task)
{
  GCancellable *c = task_cancellable (task);

  return c != NULL && g_cancellable_is_cancelled (c);
}

gpointer
tether_ssh_worker_new (TetherSshShared *shared, GTask *connect_task)
{
  Worker *w = g_new0 (Worker, 1);

  w->shared = tether_ssh_shared_ref (shared);
  w->connect_task = connect_task;
  w->ssh_fd = -1;
  return w;
}

GTask *
tether_ssh_worker_free_unstarted (gpointer data)
{
  Worker *w = data;
  GTask *task = g_steal_pointer (&w->connect_task);

  tether_ssh_shared_unref (w->shared);
  g_free (w);
  return task;
}

/* ---- connect phase -------------------------------------------------------- */

static int wake_cb (socket_t fd, int revents, void *data);

static gboolean
session_error (Worker *w, GError **error, const char *what)
{
  g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_FAILED, "%s: %s", what,
               ssh_get_error (w->session));
  return FALSE;
}

static gboolean
setup_session (Worker *w, GError **error)
{
  TetherSshParams *p = w->shared->params;
  ssh_session s;
  char *value = NULL;
  unsigned int port = 0;
  int verbosity = SSH_LOG_NOLOG, strict = 1;
  long timeout = p->connect_timeout;

  s = w->session = ssh_new ();
  if (s == NULL)
    {
      g_set_error_literal (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_FAILED,
                           "libssh could not create a session");
      return FALSE;
    }
  ssh_options_set (s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  if (ssh_options_set (s, SSH_OPTIONS_HOST, p->host) < 0)
    return session_error (w, error, "Invalid host name");

  if (p->use_ssh_config)
    {
      if (ssh_options_parse_config (s, p->ssh_config_file) < 0)
        {
          g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_FAILED,
                       "Could not read the SSH configuration %s: %s",
                       p->ssh_config_file != NULL ? p->ssh_config_file : "(~/.ssh/config)",
                       ssh_get_error (s));
          return FALSE;
        }
      if (ssh_options_get (s, SSH_OPTIONS_PROXYCOMMAND, &value) == SSH_OK)
        {
          ssh_string_free_char (value);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "The SSH configuration sets a ProxyCommand or ProxyJump for %s, "
                       "which Tether does not support yet", p->host);
          return FALSE;
        }
    }
  else
    {
      bool process = false;

      ssh_options_set (s, SSH_OPTIONS_PROCESS_CONFIG, &process);
    }

  /* The configuration's HostName, Port and User; explicit settings win. */
  if (ssh_options_get (s, SSH_OPTIONS_HOST, &value) != SSH_OK)
    return session_error (w, error, "No host name");
  w->host = g_strdup (value);
  ssh_string_free_char (value);
  if (!tether_ssh_validate_host (w->host, error))
    {
      g_prefix_error (error, "The SSH configuration gives a bad host name: ");
      return FALSE;
    }
  if (p->port != 0)
    {
      port = p->port;
      if (ssh_options_set (s, SSH_OPTIONS_PORT, &port) < 0)
        return session_error (w, error, "Invalid port");
    }
  ssh_options_get_port (s, &port);
  w->port = port;
  if (p->username != NULL && ssh_options_set (s, SSH_OPTIONS_USER, p->username) < 0)
    return session_error (w, error, "Invalid user name");
  if (ssh_options_get (s, SSH_OPTIONS_USER, &value) != SSH_OK)
    {
      /* The local user's name. */
      if (ssh_options_set (s, SSH_OPTIONS_USER, NULL) < 0 ||
          ssh_options_get (s, SSH_OPTIONS_USER, &value) != SSH_OK)
        return session_error (w, error, "No user name");
    }
  w->username = g_strdup (value);
  ssh_string_free_char (value);
  if (!tether_ssh_validate_username (w->username, error))
    return FALSE;

  if (p->known_hosts_file != NULL &&
      ssh_options_set (s, SSH_OPTIONS_KNOWNHOSTS, p->known_hosts_file) < 0)
    return session_error (w, error, "Invalid known_hosts file");
  /* Only the user's known_hosts file counts (x2go-protocol.md §2.2), and an
   * unknown key is always a question: a configuration's
   * "StrictHostKeyChecking no" must not make libssh call it known. */
  if (ssh_options_set (s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
      ssh_options_set (s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict) < 0 ||
      ssh_options_set (s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
      ssh_options_set (s, SSH_OPTIONS_COMPRESSION, "no") < 0 ||
      ssh_options_set (s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0)
    return session_error (w, error, "Could not set up the SSH session");
  if (p->agent_socket != NULL &&
      ssh_options_set (s, SSH_OPTIONS_IDENTITY_AGENT, p->agent_socket) < 0)
    return session_error (w, error, "Invalid SSH agent socket");
  return TRUE;
}

static guint
socket_local_port (GSocket *sock)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (sock, NULL);

  if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
}

/* Runs on the proxy's worker: the answer to our TUNNEL command. */
static void
proxy_tunnel_done (gpointer data, int fd, GError *error)
{
  TetherSshShared *shared = data;

  g_mutex_lock (&shared->lock);
  if (shared->tunnel_waiting && !shared->tunnel_answered)
    {
      shared->tunnel_answered = TRUE;
      shared->tunnel_fd = fd;
      shared->tunnel_error = error;
      fd = -1;
      error = NULL;
      g_cond_broadcast (&shared->cond);
    }
  g_mutex_unlock (&shared->lock);
  /* Nobody waits any more. */
  if (fd >= 0)
    close (fd);
  g_clear_error (&error);
}

/* Instead of TCP: a stream through a direct-tcpip channel of the proxy
 * connection (x2go-protocol.md §2.4, without its local listener). */
static GSocketConnection *
connect_through_proxy (Worker *w, GError **error)
{
  TetherSshShared *shared = w->shared;
  TetherSshCmd *cmd = g_new0 (TetherSshCmd, 1);
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) shared->params->connect_timeout * G_USEC_PER_SEC;
  g_autoptr(GSocket) sock = NULL;
  GError *tunnel_error;
  gboolean aborted, answered;
  int fd;

  g_debug ("connecting to %s port %u through the SSH proxy", w->host, w->port);
  cmd->kind = TETHER_SSH_CMD_TUNNEL;
  cmd->remote_host = g_strdup (w->host);
  cmd->remote_port = w->port;
  cmd->done = proxy_tunnel_done;
  cmd->done_data = tether_ssh_shared_ref (shared);
  cmd->done_destroy = (GDestroyNotify) tether_ssh_shared_unref;

  g_mutex_lock (&shared->lock);
  shared->tunnel_waiting = TRUE;
  g_mutex_unlock (&shared->lock);
  if (!tether_ssh_shared_post (shared->proxy, cmd))
    tether_ssh_cmd_free (cmd);   /* answers "closed" */

  g_mutex_lock (&shared->lock);
  while (!shared->tunnel_answered && !shared->abort_connect)
    if (!g_cond_wait_until (&shared->cond, &shared->lock, deadline))
      break;
  shared->tunnel_waiting = FALSE;
  answered = shared->tunnel_answered;
  aborted = shared->abort_connect;
  fd = shared->tunnel_fd;
  shared->tunnel_fd = -1;
  tunnel_error = g_steal_pointer (&shared->tunnel_error);
  g_mutex_unlock (&shared->lock);

  if (aborted || !answered)
    {
      if (fd >= 0)
        close (fd);
      g_clear_error (&tunnel_error);
      if (aborted)
        {
          set_cancelled (error);
          return NULL;
        }
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                   "The SSH proxy did not open a tunnel to %s port %u within %u seconds",
                   w->host, w->port, shared->params->connect_timeout);
      return NULL;
    }
  if (tunnel_error != NULL)
    {
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                   "Could not reach %s port %u through the SSH proxy: %s",
                   w->host, w->port, tunnel_error->message);
      g_error_free (tunnel_error);
      return NULL;
    }
  sock = g_socket_new_from_fd (fd, error);
  if (sock == NULL)
    {
      close (fd);
      return NULL;
    }
  return g_socket_connection_factory_create_connection (sock);
}

static gboolean
connect_tcp (Worker *w, GError **error)
{
  TetherSshParams *p = w->shared->params;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = g_network_address_new (w->host, (guint16) w->port);
  g_autoptr(GError) local = NULL;
  GSocketConnection *conn;
  GSocket *sock;
  int fd;

  if (w->shared->proxy != NULL)
    {
      conn = connect_through_proxy (w, error);
      if (conn == NULL)
        return FALSE;
    }
  else
    {
      g_debug ("TCP connect to %s port %u", w->host, w->port);
      g_socket_client_set_timeout (client, p->connect_timeout);
      conn = g_socket_client_connect (client, address, w->shared->connect_cancellable, &local);
    }
  if (conn == NULL)
    {
      if (worker_aborted (w) || g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return set_cancelled (error);
      /* GIO says "Could not connect to <host>: <reason>": keep the reason. */
      const char *reason = g_str_has_prefix (local->message, "Could not connect to ") ?
                           strstr (local->message, ": ") : NULL;

      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                   "Could not connect to %s port %u: %s", w->host, w->port,
                   reason != NULL ? reason + 2 : local->message);
      return FALSE;
    }
  w->tcp = conn;
  sock = g_socket_connection_get_socket (conn);
  if (g_socket_get_family (sock) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  fd = g_socket_get_fd (sock);

  g_mutex_lock (&w->shared->lock);
  if (!w->shared->abort_connect)
    {
      w->shared->abort_fd = fd;
      w->shared->local_port = socket_local_port (sock);
    }
  g_mutex_unlock (&w->shared->lock);
  if (worker_aborted (w))
    return set_cancelled (error);

  /* libssh closes the fd it is given: it gets a duplicate, and the original
   * stays ours, for shutdown() from outside. */
  w->ssh_fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (w->ssh_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not duplicate a socket: %s", g_strerror (saved_errno));
      return FALSE;
    }
  if (ssh_options_set (w->session, SSH_OPTIONS_FD, &w->ssh_fd) < 0)
    return session_error (w, error, "Could not hand the socket to libssh");
  return TRUE;
}

/* Is @fd still our duplicate of the TCP socket? (libssh may have closed it,
 * and the number may be in use for something else by now.) */
static gboolean
fd_is_our_socket (Worker *w, int fd)
{
  struct stat a, b;

  if (w->tcp == NULL || fstat (fd, &a) != 0 ||
      fstat (g_socket_get_fd (g_socket_connection_get_socket (w->tcp)), &b) != 0)
    return FALSE;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Connect phase, non-blocking session: waits until the socket can move, the
 * connect is aborted (the wake-up pipe), or *deadline (set on first use to
 * connect-timeout from now) passes. libssh's own blocking waits cannot be
 * interrupted, and some keep polling a socket that already died. */
static gboolean
connect_wait (gpointer data, gint64 *deadline, GError **error)
{
  Worker *w = data;
  guint timeout_s = w->shared->params->connect_timeout;

  if (*deadline == 0)
    *deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd fds[2];
      gint64 now = g_get_monotonic_time ();
      int n;

      if (worker_aborted (w))
        return set_cancelled (error);
      if (ssh_get_status (w->session) & (SSH_CLOSED | SSH_CLOSED_ERROR) ||
          ssh_get_fd (w->session) < 0)
        {
          g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                       "The connection to %s port %u was lost: %s", w->host, w->port,
                       ssh_get_error (w->session));
          return FALSE;
        }
      if (now >= *deadline)
        {
          g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                       "%s port %u did not answer within %u second%s", w->host, w->port, timeout_s,
                       timeout_s == 1 ? "" : "s");
          return FALSE;
        }

      fds[0].fd = ssh_get_fd (w->session);
      fds[0].events = POLLIN;
      if (ssh_get_poll_flags (w->session) & SSH_WRITE_PENDING)
        fds[0].events |= POLLOUT;
      fds[0].revents = 0;
      fds[1].fd = w->shared->wake_fds[0];
      fds[1].events = POLLIN;
      fds[1].revents = 0;
      n = poll (fds, 2, (int) MIN ((*deadline - now + 999) / 1000, G_MAXINT));
      if (n < 0 && errno != EINTR)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Waiting for %s failed: %s", w->host, g_strerror (saved_errno));
          return FALSE;
        }
      if (fds[1].revents != 0)
        wake_cb (fds[1].fd, fds[1].revents, w);
      if (fds[0].revents != 0)
        return TRUE;   /* libssh has something to do */
    }
}

static gboolean
handshake (Worker *w, GError **error)
{
  gint64 deadline = 0;
  int rc;

  ssh_set_blocking (w->session, 0);
  while ((rc = ssh_connect (w->session)) == SSH_AGAIN)
    if (!connect_wait (w, &deadline, error))
      {
        if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
          g_prefix_error (error, "The SSH handshake with %s port %u failed: ", w->host, w->port);
        return FALSE;
      }
  if (rc == SSH_OK)
    return TRUE;
  if (worker_aborted (w))
    return set_cancelled (error);
  g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
               "The SSH handshake with %s port %u failed: %s", w->host, w->port,
               ssh_get_error (w->session));
  return FALSE;
}

/* The known_hosts file libssh reads (expanded), for messages and for writing. */
static char *
known_hosts_path (Worker *w)
{
  char *path = NULL;
  char *copy;

  if (ssh_options_get (w->session, SSH_OPTIONS_KNOWNHOSTS, &path) != SSH_OK)
    return g_strdup ("known_hosts");
  copy = g_strdup (path);
  ssh_string_free_char (path);
  return copy;
}

static void
save_host_key (Worker *w, const char *key_type, const char *key_base64)
{
  TetherSshParams *p = w->shared->params;
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = NULL;
  guint8 salt[TETHER_SSH_KNOWN_HOSTS_SALT_LEN];
  char *path = NULL;

  if (ssh_options_get (w->session, SSH_OPTIONS_KNOWNHOSTS, &path) != SSH_OK)
    {
      g_message ("Could not add the host key of %s to known_hosts: no known_hosts file", w->host);
      return;
    }
  if (p->hash_known_hosts && getentropy (salt, sizeof salt) != 0)
    {
      g_message ("Could not add the host key of %s to %s: no random salt", w->host, path);
      ssh_string_free_char (path);
      return;
    }
  entry = tether_ssh_known_hosts_format_entry (w->host, w->port, key_type, key_base64,
                                               p->hash_known_hosts ? salt : NULL, &error);
  if (entry == NULL || !tether_ssh_known_hosts_append (path, entry, &error))
    g_message ("%s", error->message);   /* the key stays accepted for this connection */
  ssh_string_free_char (path);
}

static gboolean
ask_owner (Worker *w, const char *fingerprint, const char *key_type, GError **error)
{
  TetherSshShared *shared = w->shared;
  gboolean accepted, aborted;
  guint serial;

  g_mutex_lock (&shared->lock);
  serial = ++shared->question_serial;
  shared->question_answered = FALSE;
  shared->question_accepted = FALSE;
  g_mutex_unlock (&shared->lock);

  tether_ssh_owner_ask_host_key (shared, serial, w->host, w->port, fingerprint, key_type);

  g_mutex_lock (&shared->lock);
  while (!shared->question_answered && !shared->abort_connect)
    g_cond_wait (&shared->cond, &shared->lock);
  accepted = shared->question_answered && shared->question_accepted;
  aborted = shared->abort_connect;
  g_mutex_unlock (&shared->lock);

  if (aborted)
    return set_cancelled (error);
  if (!accepted)
    {
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN,
                   "The host key of %s port %u (%s %s) is not known, and it was not accepted",
                   w->host, w->port, key_type, fingerprint);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_host_key (Worker *w, GError **error)
{
  ssh_key key = NULL;
  char *b64 = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *key_type = NULL;
  gsize blob_len = 0;
  enum ssh_known_hosts_e state;
  gboolean ok = FALSE;

  if (ssh_get_server_publickey (w->session, &key) != SSH_OK)
    {
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                   "%s port %u sent no host key: %s", w->host, w->port, ssh_get_error (w->session));
      return FALSE;
    }
  if (ssh_pki_export_pubkey_base64 (key, &b64) != SSH_OK)
    {
      ssh_key_free (key);
      return session_error (w, error, "Could not read the host key");
    }
  key_type = g_strdup (ssh_key_type_to_char (ssh_key_type (key)));
  ssh_key_free (key);
  blob = g_base64_decode (b64, &blob_len);
  fingerprint = tether_ssh_fingerprint_sha256 (blob, blob_len);
  if (key_type == NULL || key_type[0] == '\0')
    {
      g_free (key_type);
      key_type = g_strdup ("unknown");
    }

  state = ssh_session_is_known_server (w->session);
  switch (state)
    {
    case SSH_KNOWN_HOSTS_OK:
      g_debug ("host key %s %s of %s is known", key_type, fingerprint, w->host);
      ok = TRUE;
      break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      {
        g_autofree char *file = known_hosts_path (w);

        g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_CHANGED,
                     "The host key of %s port %u has changed: the server shows the %s key %s, "
                     "but %s holds %s for it. Someone may be intercepting the connection. "
                     "If the key was changed on purpose, remove the old entry from that file.",
                     w->host, w->port, key_type, fingerprint, file,
                     state == SSH_KNOWN_HOSTS_CHANGED ? "another key" : "a key of another type");
      }
      break;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      ok = ask_owner (w, fingerprint, key_type, error);
      if (ok && w->shared->params->add_to_known_hosts)
        save_host_key (w, key_type, b64);
      break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                   "Could not check the host key of %s port %u: %s", w->host, w->port,
                   ssh_get_error (w->session));
      break;
    }
  ssh_string_free_char (b64);
  return ok;
}

static int
wake_cb (socket_t fd, int revents, void *data)
{
  char buf[64];

  /* Drain: the commands themselves are in the queue. */
  while (read (fd, buf, sizeof buf) > 0)
    ;
  return 0;
}

static gboolean
start_loop (Worker *w, GError **error)
{
  ssh_set_counters (w->session, NULL, &w->rx);
  w->event = ssh_event_new ();
  if (w->event == NULL || ssh_event_add_session (w->event, w->session) != SSH_OK)
    return session_error (w, error, "Could not set up the event loop");
  if (ssh_event_add_fd (w->event, w->shared->wake_fds[0], POLLIN, wake_cb, w) != SSH_OK)
    return session_error (w, error, "Could not set up the event loop");
  w->wake_registered = TRUE;
  w->tunnels.shared = w->shared;
  w->tunnels.session = w->session;
  w->tunnels.event = w->event;
  if (w->shared->params->forward_agent)
    {
      const char *agent = w->shared->params->agent_socket;

      /* auth.c reads it the same way, on this thread. */
      if (agent == NULL)
        agent = g_getenv ("SSH_AUTH_SOCK");
      if (agent != NULL && agent[0] == '\0')
        agent = NULL;
      tether_ssh_tunnels_serve_agent (&w->tunnels, agent);
    }
  w->keepalive_us = (gint64) w->shared->params->keepalive_interval * G_USEC_PER_SEC;
  w->last_rx_us = g_get_monotonic_time ();
  w->last_rx_packets = w->rx.in_packets;
  return TRUE;
}

static gboolean
worker_connect (Worker *w, GError **error)
{
  return setup_session (w, error) &&
         connect_tcp (w, error) &&
         handshake (w, error) &&
         check_host_key (w, error) &&
         tether_ssh_authenticate (w->session, w->shared->params, w->username,
                                  connect_wait, worker_aborted, w, error) &&
         (!worker_aborted (w) || set_cancelled (error)) &&
         start_loop (w, error);
}

/* ---- exec jobs ------------------------------------------------------------ */

static int
exec_data_cb (ssh_session session, ssh_channel channel, void *data, uint32_t len,
              int is_stderr, void *userdata)
{
  ExecJob *job = userdata;

  if (!job->over_limit)
    {
      gsize used = job->out->len + job->err->len;

      if (len > job->limit - used)
        job->over_limit = TRUE;   /* reported by the next pump */
      else
        g_byte_array_append (is_stderr ? job->err : job->out, data, len);
    }
  return (int) len;
}

static void
exec_exit_status_cb (ssh_session session, ssh_channel channel, int exit_status, void *userdata)
{
  ExecJob *job = userdata;

  job->exit_status = exit_status;
}

static void
exec_exit_signal_cb (ssh_session session, ssh_channel channel, const char *signal,
                     int core, const char *errmsg, const char *lang, void *userdata)
{
  ExecJob *job = userdata;
  gsize len = signal != NULL ? strnlen (signal, MAX_SIGNAL_NAME + 1) : 0;
  gboolean valid = len > 0 && len <= MAX_SIGNAL_NAME;

  for (gsize i = 0; valid && i < len; i++)
    valid = g_ascii_isupper (signal[i]) || g_ascii_isdigit (signal[i]);
  g_free (job->exit_signal);
  job->exit_signal = g_strdup (valid ? signal : "UNKNOWN");
  job->exit_status = -1;
}

static void
exec_close_cb (ssh_session session, ssh_channel channel, void *userdata)
{
  ExecJob *job = userdata;

  job->closed = TRUE;
}

static void
job_return_error (ExecJob *job, GError *error)
{
  if (job->task != NULL)
    tether_ssh_task_return (g_steal_pointer (&job->task), NULL, NULL, error);
  else
    g_error_free (error);
}

static void
job_free (Worker *w, ExecJob *job)
{
  w->jobs = g_list_remove (w->jobs, job);
  if (job->task != NULL)
    job_return_error (job, g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                                                "The connection was closed"));
  if (job->channel != NULL)
    {
      /* libssh may call back for this channel after it is freed (a late
       * close): nothing of ours may be reached from it. */
      if (job->callbacks_set)
        ssh_remove_channel_callbacks (job->channel, &job->callbacks);
      ssh_channel_free (job->channel);
    }
  g_free (job->command);
  g_byte_array_unref (job->out);
  g_byte_array_unref (job->err);
  g_free (job->exit_signal);
  g_free (job);
}

/* Commands may carry secrets (X2Go substitutes the password into some): the
 * log shows the first word only, and the length. */
static void
exec_log_name (ExecJob *job)
{
  gsize n = strcspn (job->command, " \t\n;|&<>");

  n = MIN (n, (gsize) 24);
  g_snprintf (job->log_name, sizeof job->log_name, "%.*s… (%" G_GSIZE_FORMAT " bytes)",
              (int) n, job->command, strlen (job->command));
}

static void
exec_start (Worker *w, TetherSshCmd *cmd)
{
  ExecJob *job = g_new0 (ExecJob, 1);

  job->w = w;
  job->task = g_steal_pointer (&cmd->task);
  job->command = g_steal_pointer (&cmd->command);
  job->limit = cmd->output_limit;
  job->exit_status = -1;
  job->out = g_byte_array_new ();
  job->err = g_byte_array_new ();
  w->jobs = g_list_append (w->jobs, job);

  job->channel = ssh_channel_new (w->session);
  if (job->channel == NULL)
    {
      job_return_error (job, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                          "Could not create a channel: %s",
                                          ssh_get_error (w->session)));
      job_free (w, job);
      return;
    }
  ssh_callbacks_init (&job->callbacks);
  job->callbacks.userdata = job;
  job->callbacks.channel_data_function = exec_data_cb;
  job->callbacks.channel_exit_status_function = exec_exit_status_cb;
  job->callbacks.channel_exit_signal_function = exec_exit_signal_cb;
  job->callbacks.channel_close_function = exec_close_cb;
  ssh_set_channel_callbacks (job->channel, &job->callbacks);
  job->callbacks_set = TRUE;
  job->state = JOB_OPENING;
  exec_log_name (job);
  g_debug ("exec: %s", job->log_name);
}

static void
job_succeed (ExecJob *job)
{
  TetherSshExecResult *result = g_new0 (TetherSshExecResult, 1);

  result->stdout_bytes = g_bytes_new (job->out->data, job->out->len);
  result->stderr_bytes = g_bytes_new (job->err->data, job->err->len);
  result->exit_status = job->exit_status;
  result->exit_signal = g_steal_pointer (&job->exit_signal);
  g_debug ("exec done (status %d, %u+%u bytes): %s", job->exit_status,
           job->out->len, job->err->len, job->log_name);
  tether_ssh_task_return (g_steal_pointer (&job->task), result,
                          (GDestroyNotify) tether_ssh_exec_result_free, NULL);
}

/* Advances one job; TRUE when something changed. May free the job. */
static gboolean
job_pump (Worker *w, ExecJob *job)
{
  gboolean progress = FALSE;
  int rc;

  if (job->task != NULL && task_cancelled (job->task))
    {
      job_return_error (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  "The command was cancelled"));
      if (job->state == JOB_OPENING)
        {
          job->state = JOB_ABANDONED;
          return TRUE;
        }
      job_free (w, job);
      return TRUE;
    }

  switch (job->state)
    {
    case JOB_OPENING:
    case JOB_ABANDONED:
      rc = ssh_channel_open_session (job->channel);
      if (rc == SSH_AGAIN)
        return FALSE;
      if (job->state == JOB_ABANDONED)
        {
          job_free (w, job);
          return TRUE;
        }
      if (rc != SSH_OK)
        {
          job_return_error (job, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                              "Could not open a channel for a command: %s",
                                              ssh_get_error (w->session)));
          job_free (w, job);
          return TRUE;
        }
      job->state = JOB_REQUESTING;
      progress = TRUE;
      G_GNUC_FALLTHROUGH;

    case JOB_REQUESTING:
      /* Agent forwarding is asked for on every session channel, before its
       * command starts (OpenSSH sets up one agent socket per connection, on
       * the first request, and hands it to every later session). No reply
       * is asked for: it never waits. */
      if (w->shared->params->forward_agent && !job->agent_requested)
        {
          job->agent_requested = TRUE;
          if (ssh_channel_request_auth_agent (job->channel) == SSH_ERROR)
            {
              job_return_error (job, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                                  "Could not ask for SSH agent forwarding: %s",
                                                  ssh_get_error (w->session)));
              job_free (w, job);
              return TRUE;
            }
        }
      rc = ssh_channel_request_exec (job->channel, job->command);
      if (rc == SSH_AGAIN)
        return progress;
      if (rc != SSH_OK)
        {
          job_return_error (job, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                              "The server refused to run a command: %s",
                                              ssh_get_error (w->session)));
          job_free (w, job);
          return TRUE;
        }
      job->state = JOB_RUNNING;
      progress = TRUE;
      G_GNUC_FALLTHROUGH;

    case JOB_RUNNING:
    default:
      if (job->over_limit)
        {
          job_return_error (job, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                              "The command printed more than %" G_GSIZE_FORMAT
                                              " bytes", job->limit));
          job_free (w, job);
          return TRUE;
        }
      /* The server sends exit-status before it closes. */
      if (job->closed)
        {
          job_succeed (job);
          job_free (w, job);
          return TRUE;
        }
      return progress;
    }
}

/* ---- the loop ----------------------------------------------------------- */

static void
take_commands (Worker *w)
{
  GQueue cmds = G_QUEUE_INIT;
  TetherSshCmd *cmd;

  g_mutex_lock (&w->shared->lock);
  cmds = w->shared->cmds;
  g_queue_init (&w->shared->cmds);
  g_mutex_unlock (&w->shared->lock);

  while ((cmd = g_queue_pop_head (&cmds)) != NULL)
    {
      switch (cmd->kind)
        {
        case TETHER_SSH_CMD_EXEC:
          exec_start (w, cmd);
          break;
        case TETHER_SSH_CMD_FORWARD:
          tether_ssh_tunnels_open_forward (&w->tunnels, cmd);
          break;
        case TETHER_SSH_CMD_CLOSE_FORWARD:
          tether_ssh_tunnels_close_forward (&w->tunnels, cmd->forward_id);
          break;
        case TETHER_SSH_CMD_TUNNEL:
          tether_ssh_tunnels_open_pair (&w->tunnels, cmd);
          break;
        default:
          g_assert_not_reached ();
        }
      tether_ssh_cmd_free (cmd);
    }
}

/* One pass over everything; TRUE when anything moved. */
static gboolean
pump (Worker *w)
{
  gboolean progress = FALSE;
  GList *l, *next;

  for (l = w->jobs; l != NULL; l = next)
    {
      next = l->next;
      progress |= job_pump (w, l->data);
    }
  progress |= tether_ssh_tunnels_pump (&w->tunnels);
  return progress;
}

static gboolean
session_dead (Worker *w)
{
  g_autofree char *reason = NULL;
  const char *message;

  if (ssh_is_connected (w->session) &&
      !(ssh_get_status (w->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
    return FALSE;
  /* Read before ssh_get_disconnect_message(), which overwrites it. A
   * non-fatal error text is stale (a refused keepalive request, say). */
  if (ssh_get_error_code (w->session) == SSH_FATAL)
    reason = g_strdup (ssh_get_error (w->session));
  message = ssh_get_disconnect_message (w->session);
  if (message != NULL)
    w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "%s port %u closed the connection: %s", w->host, w->port, message);
  else if (reason != NULL && reason[0] != '\0')
    w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "The connection to %s port %u was lost (%s)", w->host, w->port, reason);
  else
    w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "The connection to %s port %u was lost", w->host, w->port);
  return TRUE;
}

/* Keepalive: the server counts as dead when nothing (no packet at all) came
 * for keepalive-interval while a probe was out; a probe goes out after half
 * the interval of silence. So a dead peer is noticed within one interval.
 * Returns the poll timeout in ms, or -1 for none. */
static int
keepalive (Worker *w)
{
  gint64 now, deadline, wait_ms;

  if (w->keepalive_us == 0)
    return -1;
  now = g_get_monotonic_time ();
  if (w->rx.in_packets != w->last_rx_packets)
    {
      w->last_rx_packets = w->rx.in_packets;
      w->last_rx_us = now;
      w->probe_outstanding = FALSE;
    }
  if (w->probe_outstanding && now - w->last_rx_us >= w->keepalive_us)
    {
      w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                              "%s port %u did not answer for %u seconds: the connection is dead",
                              w->host, w->port, w->shared->params->keepalive_interval);
      return 0;
    }
  if (!w->probe_outstanding && now - w->last_rx_us >= w->keepalive_us / 2)
    {
      /* A keepalive@openssh.com global request (the server answers it, if
       * only with a failure). Non-blocking, libssh keeps the last request
       * pending until the next call collects its answer: the first call
       * collects the previous answer (or sends), the second sends (or waits
       * for a still unanswered one). Nothing else uses global requests. */
      ssh_send_keepalive (w->session);
      ssh_send_keepalive (w->session);
      w->probe_outstanding = TRUE;
    }
  deadline = w->last_rx_us + (w->probe_outstanding ? w->keepalive_us : w->keepalive_us / 2);
  wait_ms = (deadline - now + 999) / 1000;
  return (int) CLAMP (wait_ms, 0, G_MAXINT);
}

static void
worker_loop (Worker *w)
{
  guint poll_errors = 0;

  for (;;)
    {
      int timeout;

      if (stop_requested (w))
        return;
      take_commands (w);
      while (pump (w))
        ;
      if (session_dead (w))
        return;
      timeout = keepalive (w);
      if (w->death != NULL)
        return;
      if (ssh_event_dopoll (w->event, timeout) == SSH_ERROR && errno != EINTR)
        {
          if (++poll_errors >= MAX_POLL_ERRORS)
            {
              w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                                      "Waiting for the connection to %s port %u failed: %s",
                                      w->host, w->port, g_strerror (errno));
              return;
            }
        }
      else
        poll_errors = 0;
    }
}

/* ---- the end ------------------------------------------------------------- */

static void
worker_teardown (Worker *w)
{
  TetherSshShared *shared = w->shared;
  g_autoptr(GError) closed = NULL;
  GQueue cmds = G_QUEUE_INIT;
  TetherSshCmd *cmd;
  const GError *why;

  closed = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                        "The connection to %s was closed",
                        w->host != NULL ? w->host : shared->params->host);
  why = w->death != NULL ? w->death : closed;
  if (w->death != NULL)
    tether_ssh_owner_disconnected (shared, w->death);

  /* No more commands; fail those not taken yet. */
  g_mutex_lock (&shared->lock);
  shared->accepting = FALSE;
  cmds = shared->cmds;
  g_queue_init (&shared->cmds);
  g_mutex_unlock (&shared->lock);
  while ((cmd = g_queue_pop_head (&cmds)) != NULL)
    {
      if (cmd->task != NULL)
        tether_ssh_task_return (g_steal_pointer (&cmd->task), NULL, NULL, g_error_copy (why));
      tether_ssh_cmd_free (cmd);
    }

  while (w->jobs != NULL)
    {
      ExecJob *job = w->jobs->data;

      if (job->task != NULL)
        job_return_error (job, g_error_copy (why));
      job_free (w, job);
    }
  tether_ssh_tunnels_clear (&w->tunnels);

  if (w->event != NULL)
    {
      if (w->wake_registered)
        ssh_event_remove_fd (w->event, shared->wake_fds[0]);
      ssh_event_remove_session (w->event, w->session);
      ssh_event_free (w->event);
      w->event = NULL;
    }
  if (w->session != NULL)
    {
      if (ssh_is_connected (w->session))
        ssh_disconnect (w->session);
      ssh_free (w->session);
      w->session = NULL;
    }
  /* libssh closes the fd it was given on a socket error, but not in
   * ssh_disconnect(), nor when it failed before taking it: close it unless
   * it is gone (the number may be reused by now: compare the socket). */
  if (w->ssh_fd >= 0 && fd_is_our_socket (w, w->ssh_fd))
    close (w->ssh_fd);
  w->ssh_fd = -1;

  g_mutex_lock (&shared->lock);
  shared->abort_fd = -1;
  shared->local_port = 0;
  for (int i = 0; i < 2; i++)
    {
      if (shared->wake_fds[i] >= 0)
        close (shared->wake_fds[i]);
      shared->wake_fds[i] = -1;
    }
  g_mutex_unlock (&shared->lock);
  g_clear_object (&w->tcp);
}

gpointer
tether_ssh_worker_run (gpointer data)
{
  Worker *w = data;
  GError *error = NULL;
  gboolean ok;

  ok = worker_connect (w, &error);
  tether_ssh_params_wipe_secrets (w->shared->params);

  g_mutex_lock (&w->shared->lock);
  w->shared->connecting = FALSE;
  if (ok && (w->shared->stop || w->shared->abort_connect))
    ok = set_cancelled (&error);
  w->shared->accepting = ok;
  g_mutex_unlock (&w->shared->lock);
  if (!ok)
    g_debug ("connect failed: %s", error->message);

  tether_ssh_task_return (g_steal_pointer (&w->connect_task), NULL, NULL, error);
  if (ok)
    worker_loop (w);
  worker_teardown (w);

  g_free (w->host);
  g_free (w->username);
  g_clear_error (&w->death);
  tether_ssh_shared_unref (w->shared);
  g_free (w);
  return NULL;
}
