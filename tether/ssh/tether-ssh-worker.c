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
 * Connected phase: the session is non-blocking and everything runs in one
 * ssh_event: the session's socket, a wake-up pipe for commands, each forward's
 * listening socket and each tunnel's local socket. fd callbacks only record
 * readiness; after every poll, pump() advances every exec job, forward and
 * tunnel until nothing moves, then the loop sleeps in poll() again, for at
 * most the time to the next keepalive deadline. No timed polling, no sleeps.
 */

/* Bytes moved per read in each direction of a tunnel. */
#define TUNNEL_BUFFER_SIZE  (32 * 1024)
/* Reads per tunnel direction or accepts per listener in one pump, so that one
 * busy tunnel cannot starve the others. */
#define PUMP_ROUNDS         16
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
  GByteArray                          *out;
  GByteArray                          *err;
  int                                  exit_status;
  char                                *exit_signal;
  gboolean                             closed;      /* the server closed the channel */
  gboolean                             over_limit;
} ExecJob;

typedef struct {
  guint     id;
  GSocket  *listener;
  int       fd;
  guint     local_port;
  char     *remote_host;
  guint     remote_port;
  gboolean  accept_ready;
} Forward;

typedef enum {
  TUNNEL_OPENING,
  TUNNEL_OPEN,
} TunnelState;

typedef struct {
  guint        forward_id;
  char        *remote_host;
  guint        remote_port;
  int          fd;            /* the accepted local socket; -1 once abandoned */
  guint        peer_port;
  ssh_channel  channel;
  TunnelState  state;
  short        registered;    /* poll events registered with the ssh_event */
  short        revents;       /* readiness seen since the last pump */
  guint8      *to_local;      /* channel → local socket */
  gsize        to_local_off, to_local_len;
  guint8      *to_remote;     /* local socket → channel */
  gsize        to_remote_off, to_remote_len;
  gboolean     local_eof;     /* the local side sent EOF */
  gboolean     eof_sent;      /* ...and it went on to the channel */
  gboolean     remote_eof;    /* the channel sent EOF */
  gboolean     local_shut;    /* ...and the local socket's write side is shut */
  /* A tunnel for another connection (TUNNEL command): the far end of the
   * socket pair, handed over through @done once the channel is open. */
  int                  far_fd;
  TetherSshTunnelDone  done;
  gpointer             done_data;
  GDestroyNotify       done_destroy;
} Tunnel;

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
  GList                     *forwards;    /* Forward* */
  GList                     *tunnels;     /* Tunnel*, including abandoned ones */

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
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_CHANGED,
                   "The host key of %s port %u has changed: the server shows the %s key %s, "
                   "which is not the one in known_hosts. Someone may be intercepting the "
                   "connection. If the key was changed on purpose, remove the old entry.",
                   w->host, w->port, key_type, fingerprint);
      break;
    case SSH_KNOWN_HOSTS_OTHER:
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_CHANGED,
                   "The host key of %s port %u has changed: the server shows the %s key %s, "
                   "but known_hosts holds a key of another type for it. Someone may be "
                   "intercepting the connection. If the key was changed on purpose, remove "
                   "the old entry.", w->host, w->port, key_type, fingerprint);
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

/* ---- forwards and tunnels -------------------------------------------------- */

static int
tunnel_fd_cb (socket_t fd, int revents, void *data)
{
  Tunnel *t = data;

  t->revents |= (short) revents;
  return 0;
}

static void
tunnel_set_events (Worker *w, Tunnel *t, short want)
{
  if (want == t->registered)
    return;
  if (t->registered != 0)
    ssh_event_remove_fd (w->event, t->fd);
  t->registered = 0;
  if (want != 0 && ssh_event_add_fd (w->event, t->fd, want, tunnel_fd_cb, t) == SSH_OK)
    t->registered = want;
}

/* Answers a TUNNEL command (at most once). */
static void
tunnel_answer (Tunnel *t, GError *error)
{
  int fd = -1;

  if (t->done == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error == NULL)
    {
      fd = t->far_fd;
      t->far_fd = -1;
    }
  t->done (t->done_data, fd, error);
  t->done = NULL;
  if (t->done_destroy != NULL)
    t->done_destroy (t->done_data);
  t->done_destroy = NULL;
  t->done_data = NULL;
}

static void
tunnel_free (Worker *w, Tunnel *t)
{
  if (t->done != NULL)
    tunnel_answer (t, g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                                           "The tunnel through the SSH proxy was closed"));
  if (t->far_fd >= 0)
    close (t->far_fd);
  w->tunnels = g_list_remove (w->tunnels, t);
  if (t->fd >= 0)
    {
      tunnel_set_events (w, t, 0);
      close (t->fd);
    }
  if (t->channel != NULL)
    ssh_channel_free (t->channel);
  g_free (t->remote_host);
  g_free (t->to_local);
  g_free (t->to_remote);
  g_free (t);
}

/* Closes the local side now; a channel still being opened is kept until its
 * open ends, then closed. */
static void
tunnel_close (Worker *w, Tunnel *t)
{
  if (t->state == TUNNEL_OPENING && t->channel != NULL)
    {
      if (t->fd >= 0)
        {
          tunnel_set_events (w, t, 0);
          close (t->fd);
          t->fd = -1;
        }
      return;
    }
  tunnel_free (w, t);
}

static void
tunnel_failed (Worker *w, guint forward_id, const char *host, guint port, GError *error)
{
  g_debug ("tunnel to %s port %u failed: %s", host, port, error->message);
  tether_ssh_owner_tunnel_failed (w->shared, forward_id, host, port, error);
  g_error_free (error);
}

static guint
count_tunnels (Worker *w, guint forward_id)
{
  guint n = 0;

  for (GList *l = w->tunnels; l != NULL; l = l->next)
    if (((Tunnel *) l->data)->forward_id == forward_id && ((Tunnel *) l->data)->fd >= 0)
      n++;
  return n;
}

static Tunnel *
tunnel_new (Worker *w, guint forward_id, const char *host, guint port, int fd, guint peer_port)
{
  Tunnel *t = g_new0 (Tunnel, 1);

  t->forward_id = forward_id;
  t->remote_host = g_strdup (host);
  t->remote_port = port;
  t->fd = fd;
  t->far_fd = -1;
  t->peer_port = peer_port;
  t->state = TUNNEL_OPENING;
  t->to_local = g_malloc (TUNNEL_BUFFER_SIZE);
  t->to_remote = g_malloc (TUNNEL_BUFFER_SIZE);
  w->tunnels = g_list_append (w->tunnels, t);
  t->channel = ssh_channel_new (w->session);
  return t;
}

static void
tunnel_start (Worker *w, Forward *fwd, int fd, guint peer_port)
{
  Tunnel *t;
  int one = 1;

  if (count_tunnels (w, fwd->id) >= TETHER_SSH_MAX_TUNNELS_PER_FORWARD)
    {
      close (fd);
      tunnel_failed (w, fwd->id, fwd->remote_host, fwd->remote_port,
                     g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                  "Too many connections through the tunnel to %s port %u "
                                  "(at most %d)", fwd->remote_host, fwd->remote_port,
                                  TETHER_SSH_MAX_TUNNELS_PER_FORWARD));
      return;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  t = tunnel_new (w, fwd->id, fwd->remote_host, fwd->remote_port, fd, peer_port);
  if (t->channel == NULL)
    {
      tunnel_failed (w, t->forward_id, t->remote_host, t->remote_port,
                     g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                  "Could not create a channel: %s", ssh_get_error (w->session)));
      tunnel_free (w, t);
    }
}

/* A TUNNEL command: a socket pair, one end pumped through a new channel, the
 * other handed to the asking connection once the channel is open. */
static void
tunnel_start_pair (Worker *w, TetherSshCmd *cmd)
{
  Tunnel *t;
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
    {
      int saved_errno = errno;

      cmd->done (cmd->done_data, -1, g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                                  "Could not create a socket pair: %s",
                                                  g_strerror (saved_errno)));
      cmd->done = NULL;
      return;
    }
  /* The far end goes to another thread's blocking-free code: keep it
   * non-blocking (GSocket makes it so anyway). */
  t = tunnel_new (w, 0, cmd->remote_host, cmd->remote_port, sv[0], 0);
  t->far_fd = sv[1];
  t->done = g_steal_pointer (&cmd->done);
  t->done_data = g_steal_pointer (&cmd->done_data);
  t->done_destroy = g_steal_pointer (&cmd->done_destroy);
  if (t->channel == NULL)
    {
      tunnel_answer (t, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                                     "The SSH proxy could not create a channel: %s",
                                     ssh_get_error (w->session)));
      tunnel_free (w, t);
    }
}

/* Writes what waits for the channel, as far as its window allows. FALSE on a
 * channel error. */
static gboolean
tunnel_flush_remote (Tunnel *t, gboolean *progress)
{
  while (t->to_remote_len > 0)
    {
      uint32_t window = ssh_channel_window_size (t->channel);
      int n;

      if (window == 0)
        break;
      n = ssh_channel_write (t->channel, t->to_remote + t->to_remote_off,
                             (uint32_t) MIN (t->to_remote_len, window));
      if (n == SSH_ERROR)
        return FALSE;
      if (n <= 0)
        break;
      t->to_remote_off += (gsize) n;
      t->to_remote_len -= (gsize) n;
      *progress = TRUE;
    }
  return TRUE;
}

/* Moves bytes both ways on an open tunnel; TRUE when something changed. May
 * free the tunnel. */
static gboolean
tunnel_pump_open (Worker *w, Tunnel *t)
{
  gboolean progress = FALSE;
  short want = 0;

  if (t->revents & (POLLERR | POLLNVAL))
    {
      g_debug ("tunnel to %s port %u: local socket error", t->remote_host, t->remote_port);
      tunnel_close (w, t);
      return TRUE;
    }

  /* Channel → local socket. */
  for (int i = 0; i < PUMP_ROUNDS; i++)
    {
      int r;

      if (t->to_local_len > 0)
        {
          ssize_t n = send (t->fd, t->to_local + t->to_local_off, t->to_local_len,
                            MSG_NOSIGNAL | MSG_DONTWAIT);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
          if (n < 0)
            {
              g_debug ("tunnel to %s port %u: local write: %s", t->remote_host,
                       t->remote_port, g_strerror (errno));
              tunnel_close (w, t);
              return TRUE;
            }
          t->to_local_off += (gsize) n;
          t->to_local_len -= (gsize) n;
          progress = TRUE;
          if (t->to_local_len > 0)
            break;
        }
      if (t->remote_eof)
        break;
      r = ssh_channel_read_nonblocking (t->channel, t->to_local, TUNNEL_BUFFER_SIZE, 0);
      if (r > 0)
        {
          t->to_local_off = 0;
          t->to_local_len = (gsize) r;
          progress = TRUE;
          continue;
        }
      if (r == SSH_EOF || (r == 0 && ssh_channel_is_eof (t->channel)))
        {
          t->remote_eof = TRUE;
          progress = TRUE;
          break;
        }
      if (r == 0 || r == SSH_AGAIN)
        break;
      g_debug ("tunnel to %s port %u: channel read failed", t->remote_host, t->remote_port);
      tunnel_close (w, t);
      return TRUE;
    }
  if (t->remote_eof && t->to_local_len == 0 && !t->local_shut)
    {
      shutdown (t->fd, SHUT_WR);
      t->local_shut = TRUE;
      progress = TRUE;
    }

  /* Local socket → channel, never more than the channel's window. */
  if (!tunnel_flush_remote (t, &progress))
    {
      tunnel_close (w, t);
      return TRUE;
    }
  if (t->to_remote_len == 0 && !t->local_eof && (t->revents & (POLLIN | POLLHUP)))
    {
      uint32_t window = ssh_channel_window_size (t->channel);

      if (window > 0)
        {
          ssize_t n = recv (t->fd, t->to_remote, MIN ((gsize) TUNNEL_BUFFER_SIZE, window),
                            MSG_DONTWAIT);

          t->revents &= (short) ~(POLLIN | POLLHUP);
          if (n > 0)
            {
              t->to_remote_off = 0;
              t->to_remote_len = (gsize) n;
              progress = TRUE;
              if (!tunnel_flush_remote (t, &progress))
                {
                  tunnel_close (w, t);
                  return TRUE;
                }
            }
          else if (n == 0)
            {
              t->local_eof = TRUE;
              progress = TRUE;
            }
          else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            {
              g_debug ("tunnel to %s port %u: local read: %s", t->remote_host,
                       t->remote_port, g_strerror (errno));
              tunnel_close (w, t);
              return TRUE;
            }
        }
    }
  t->revents &= (short) ~POLLOUT;
  if (t->local_eof && t->to_remote_len == 0 && !t->eof_sent)
    {
      ssh_channel_send_eof (t->channel);
      t->eof_sent = TRUE;
      progress = TRUE;
    }

  /* Both directions done, or the server closed the channel. */
  if ((t->eof_sent && t->local_shut) ||
      (ssh_channel_is_closed (t->channel) && t->to_local_len == 0))
    {
      g_debug ("tunnel to %s port %u closed", t->remote_host, t->remote_port);
      tunnel_close (w, t);
      return TRUE;
    }

  if (!t->local_eof && t->to_remote_len == 0 && ssh_channel_window_size (t->channel) > 0)
    want |= POLLIN;
  if (t->to_local_len > 0)
    want |= POLLOUT;
  tunnel_set_events (w, t, want);
  return progress;
}

static gboolean
tunnel_pump (Worker *w, Tunnel *t)
{
  int rc;

  if (t->state == TUNNEL_OPEN)
    return tunnel_pump_open (w, t);

  rc = ssh_channel_open_forward (t->channel, t->remote_host, (int) t->remote_port,
                                 "127.0.0.1", (int) t->peer_port);
  if (rc == SSH_AGAIN)
    return FALSE;
  if (t->fd < 0)
    {
      /* Abandoned while opening. */
      tunnel_free (w, t);
      return TRUE;
    }
  if (rc != SSH_OK)
    {
      GError *error = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                   "Could not open a tunnel to %s port %u: %s", t->remote_host,
                                   t->remote_port, ssh_get_error (w->session));

      if (t->done != NULL)
        tunnel_answer (t, error);
      else
        tunnel_failed (w, t->forward_id, t->remote_host, t->remote_port, error);
      tunnel_free (w, t);
      return TRUE;
    }
  g_debug ("tunnel to %s port %u open", t->remote_host, t->remote_port);
  t->state = TUNNEL_OPEN;
  tunnel_answer (t, NULL);
  /* Nothing is known about the local socket yet: look at it at once. */
  t->revents |= POLLIN;
  tunnel_pump_open (w, t);
  return TRUE;
}

static int
forward_accept_cb (socket_t fd, int revents, void *data)
{
  Forward *fwd = data;

  fwd->accept_ready = TRUE;
  return 0;
}

static gboolean
forward_pump (Worker *w, Forward *fwd)
{
  gboolean progress = FALSE;

  if (!fwd->accept_ready)
    return FALSE;
  fwd->accept_ready = FALSE;
  for (int i = 0; i < PUMP_ROUNDS; i++)
    {
      struct sockaddr_in peer;
      socklen_t peer_len = sizeof peer;
      int fd = accept4 (fwd->fd, (struct sockaddr *) &peer, &peer_len,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            g_debug ("forward %u: accept: %s", fwd->id, g_strerror (errno));
          break;
        }
      progress = TRUE;
      tunnel_start (w, fwd, fd, peer.sin_family == AF_INET ? ntohs (peer.sin_port) : 0);
    }
  return progress;
}

static void
forward_free (Worker *w, Forward *fwd)
{
  GList *l, *next;

  w->forwards = g_list_remove (w->forwards, fwd);
  ssh_event_remove_fd (w->event, fwd->fd);
  g_socket_close (fwd->listener, NULL);
  g_object_unref (fwd->listener);
  for (l = w->tunnels; l != NULL; l = next)
    {
      Tunnel *t = l->data;

      next = l->next;
      if (t->forward_id == fwd->id)
        tunnel_close (w, t);
    }
  g_debug ("forward %u closed", fwd->id);
  g_free (fwd->remote_host);
  g_free (fwd);
}

static void
forward_open (Worker *w, TetherSshCmd *cmd)
{
  GTask *task = g_steal_pointer (&cmd->task);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) sock = NULL;
  GError *error = NULL;
  TetherSshForwardInfo *info;
  Forward *fwd;

  if (task_cancelled (task))
    {
      tether_ssh_task_return (task, NULL, NULL,
                              g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   "The port forward was cancelled"));
      return;
    }
  if (g_list_length (w->forwards) >= TETHER_SSH_MAX_FORWARDS)
    {
      tether_ssh_task_return (task, NULL, NULL,
                              g_error_new (G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                                           "Too many port forwards on one connection (at most %d)",
                                           TETHER_SSH_MAX_FORWARDS));
      return;
    }

  address = g_inet_socket_address_new (loopback, (guint16) cmd->local_port);
  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (sock == NULL ||
      !g_socket_bind (sock, address, TRUE, &error) ||
      !g_socket_listen (sock, &error))
    {
      g_prefix_error (&error, "Could not listen on 127.0.0.1 port %u: ", cmd->local_port);
      tether_ssh_task_return (task, NULL, NULL, error);
      return;
    }
  g_socket_set_blocking (sock, FALSE);

  fwd = g_new0 (Forward, 1);
  fwd->id = cmd->forward_id;
  fwd->listener = g_steal_pointer (&sock);
  fwd->fd = g_socket_get_fd (fwd->listener);
  fwd->local_port = socket_local_port (fwd->listener);
  fwd->remote_host = g_steal_pointer (&cmd->remote_host);
  fwd->remote_port = cmd->remote_port;
  if (ssh_event_add_fd (w->event, fwd->fd, POLLIN, forward_accept_cb, fwd) != SSH_OK)
    {
      g_object_unref (fwd->listener);
      g_free (fwd->remote_host);
      g_free (fwd);
      tether_ssh_task_return (task, NULL, NULL,
                              g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_FAILED,
                                                   "Could not watch the forward's socket"));
      return;
    }
  w->forwards = g_list_append (w->forwards, fwd);
  g_debug ("forward %u: 127.0.0.1 port %u -> %s port %u", fwd->id, fwd->local_port,
           fwd->remote_host, fwd->remote_port);

  info = g_new0 (TetherSshForwardInfo, 1);
  info->forward_id = fwd->id;
  info->local_port = fwd->local_port;
  tether_ssh_task_return (task, info, g_free, NULL);
}

static void
forward_close (Worker *w, guint forward_id)
{
  for (GList *l = w->forwards; l != NULL; l = l->next)
    if (((Forward *) l->data)->id == forward_id)
      {
        forward_free (w, l->data);
        return;
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
          forward_open (w, cmd);
          break;
        case TETHER_SSH_CMD_CLOSE_FORWARD:
          forward_close (w, cmd->forward_id);
          break;
        case TETHER_SSH_CMD_TUNNEL:
          tunnel_start_pair (w, cmd);
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
  for (l = w->forwards; l != NULL; l = next)
    {
      next = l->next;
      progress |= forward_pump (w, l->data);
    }
  /* New tunnels are appended: they are pumped in this same pass. */
  for (l = w->tunnels; l != NULL; l = next)
    {
      next = l->next;
      progress |= tunnel_pump (w, l->data);
    }
  return progress;
}

static gboolean
session_dead (Worker *w)
{
  const char *message;

  if (ssh_is_connected (w->session) &&
      !(ssh_get_status (w->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
    return FALSE;
  message = ssh_get_disconnect_message (w->session);
  if (message != NULL)
    w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "%s port %u closed the connection: %s", w->host, w->port, message);
  else
    w->death = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "The connection to %s port %u was lost (%s)", w->host, w->port,
                            ssh_get_error (w->session));
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
  while (w->forwards != NULL)
    forward_free (w, w->forwards->data);
  while (w->tunnels != NULL)
    {
      Tunnel *t = w->tunnels->data;

      tunnel_set_events (w, t, 0);
      tunnel_free (w, t);
    }

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
