/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-ssh-tunnels-private.h"

/*
 * Local forwards and tunnels, on the worker's ssh_event. A forward is a
 * listening socket on 127.0.0.1; every connection it accepts becomes a tunnel:
 * a local socket pumped both ways through a direct-tcpip channel. A tunnel
 * can also start from a socket pair (for a connection through a jump host),
 * or from the server: with agent forwarding on, every auth-agent@openssh.com
 * channel the server opens is pumped to a new connection to the local SSH
 * agent's socket (x2go-protocol.md §2.5).
 *
 * fd callbacks only record readiness; tether_ssh_tunnels_pump() moves the
 * bytes, never more towards the channel than its window takes, and never more
 * towards the local socket than it takes (the rest waits in libssh, and the
 * channel's window closes): memory stays bounded both ways.
 */

/* Bytes moved per read in each direction of a tunnel. */
#define TUNNEL_BUFFER_SIZE  (32 * 1024)
/* Reads per tunnel direction or accepts per listener in one pump, so that one
 * busy tunnel cannot starve the others. */
#define PUMP_ROUNDS         16

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
  gboolean     agent;         /* an auth-agent@openssh.com channel from the server */
  char        *label;         /* for the log: "tunnel to HOST port N" or "SSH agent channel" */
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

static gboolean
task_cancelled (GTask *task)
{
  GCancellable *c = task != NULL ? g_task_get_cancellable (task) : NULL;

  return c != NULL && g_cancellable_is_cancelled (c);
}

static guint
socket_local_port (GSocket *sock)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (sock, NULL);

  if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr));
}

static int
tunnel_fd_cb (socket_t fd, int revents, void *data)
{
  Tunnel *t = data;

  t->revents |= (short) revents;
  return 0;
}

static void
tunnel_set_events (TetherSshTunnels *ts, Tunnel *t, short want)
{
  if (want == t->registered)
    return;
  if (t->registered != 0)
    ssh_event_remove_fd (ts->event, t->fd);
  t->registered = 0;
  if (want != 0 && ssh_event_add_fd (ts->event, t->fd, want, tunnel_fd_cb, t) == SSH_OK)
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
tunnel_free (TetherSshTunnels *ts, Tunnel *t)
{
  if (t->done != NULL)
    tunnel_answer (t, g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                                           "The tunnel through the SSH proxy was closed"));
  if (t->far_fd >= 0)
    close (t->far_fd);
  ts->tunnels = g_list_remove (ts->tunnels, t);
  if (t->fd >= 0)
    {
      tunnel_set_events (ts, t, 0);
      close (t->fd);
    }
  if (t->channel != NULL)
    ssh_channel_free (t->channel);
  g_free (t->remote_host);
  g_free (t->label);
  g_free (t->to_local);
  g_free (t->to_remote);
  g_free (t);
}

/* Closes the local side now; a channel still being opened is kept until its
 * open ends, then closed. */
static void
tunnel_close (TetherSshTunnels *ts, Tunnel *t)
{
  if (t->state == TUNNEL_OPENING && t->channel != NULL)
    {
      if (t->fd >= 0)
        {
          tunnel_set_events (ts, t, 0);
          close (t->fd);
          t->fd = -1;
        }
      return;
    }
  tunnel_free (ts, t);
}

static void
tunnel_failed (TetherSshTunnels *ts, guint forward_id, const char *host, guint port, GError *error)
{
  g_debug ("tunnel to %s port %u failed: %s", host, port, error->message);
  tether_ssh_owner_tunnel_failed (ts->shared, forward_id, host, port, error);
  g_error_free (error);
}

static guint
count_tunnels (TetherSshTunnels *ts, guint forward_id)
{
  guint n = 0;

  for (GList *l = ts->tunnels; l != NULL; l = l->next)
    {
      Tunnel *t = l->data;

      if (!t->agent && t->forward_id == forward_id && t->fd >= 0)
        n++;
    }
  return n;
}

static Tunnel *
tunnel_new (TetherSshTunnels *ts, guint forward_id, const char *host, guint port, int fd, guint peer_port)
{
  Tunnel *t = g_new0 (Tunnel, 1);

  t->forward_id = forward_id;
  t->remote_host = g_strdup (host);
  t->remote_port = port;
  t->label = host != NULL ? g_strdup_printf ("tunnel to %s port %u", host, port)
                          : g_strdup ("SSH agent channel");
  t->fd = fd;
  t->far_fd = -1;
  t->peer_port = peer_port;
  t->state = TUNNEL_OPENING;
  t->to_local = g_malloc (TUNNEL_BUFFER_SIZE);
  t->to_remote = g_malloc (TUNNEL_BUFFER_SIZE);
  ts->tunnels = g_list_append (ts->tunnels, t);
  t->channel = ssh_channel_new (ts->session);
  return t;
}

static void
tunnel_start (TetherSshTunnels *ts, Forward *fwd, int fd, guint peer_port)
{
  Tunnel *t;
  int one = 1;

  if (count_tunnels (ts, fwd->id) >= TETHER_SSH_MAX_TUNNELS_PER_FORWARD)
    {
      close (fd);
      tunnel_failed (ts, fwd->id, fwd->remote_host, fwd->remote_port,
                     g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                  "Too many connections through the tunnel to %s port %u "
                                  "(at most %d)", fwd->remote_host, fwd->remote_port,
                                  TETHER_SSH_MAX_TUNNELS_PER_FORWARD));
      return;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  t = tunnel_new (ts, fwd->id, fwd->remote_host, fwd->remote_port, fd, peer_port);
  if (t->channel == NULL)
    {
      tunnel_failed (ts, t->forward_id, t->remote_host, t->remote_port,
                     g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                  "Could not create a channel: %s", ssh_get_error (ts->session)));
      tunnel_free (ts, t);
    }
}

/* A TUNNEL command: a socket pair, one end pumped through a new channel, the
 * other handed to the asking connection once the channel is open. */
void
tether_ssh_tunnels_open_pair (TetherSshTunnels *ts, TetherSshCmd *cmd)
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
  t = tunnel_new (ts, 0, cmd->remote_host, cmd->remote_port, sv[0], 0);
  t->far_fd = sv[1];
  t->done = g_steal_pointer (&cmd->done);
  t->done_data = g_steal_pointer (&cmd->done_data);
  t->done_destroy = g_steal_pointer (&cmd->done_destroy);
  if (t->channel == NULL)
    {
      tunnel_answer (t, g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                                     "The SSH proxy could not create a channel: %s",
                                     ssh_get_error (ts->session)));
      tunnel_free (ts, t);
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
tunnel_pump_open (TetherSshTunnels *ts, Tunnel *t)
{
  gboolean progress = FALSE;
  short want = 0;

  if (t->revents & (POLLERR | POLLNVAL))
    {
      g_debug ("%s: local socket error", t->label);
      tunnel_close (ts, t);
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
              g_debug ("%s: local write: %s", t->label, g_strerror (errno));
              tunnel_close (ts, t);
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
      g_debug ("%s: channel read failed", t->label);
      tunnel_close (ts, t);
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
      tunnel_close (ts, t);
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
                  tunnel_close (ts, t);
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
              g_debug ("%s: local read: %s", t->label, g_strerror (errno));
              tunnel_close (ts, t);
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
      g_debug ("%s closed", t->label);
      tunnel_close (ts, t);
      return TRUE;
    }

  if (!t->local_eof && t->to_remote_len == 0 && ssh_channel_window_size (t->channel) > 0)
    want |= POLLIN;
  if (t->to_local_len > 0)
    want |= POLLOUT;
  tunnel_set_events (ts, t, want);
  return progress;
}

static gboolean
tunnel_pump (TetherSshTunnels *ts, Tunnel *t)
{
  int rc;

  if (t->state == TUNNEL_OPEN)
    return tunnel_pump_open (ts, t);

  rc = ssh_channel_open_forward (t->channel, t->remote_host, (int) t->remote_port,
                                 "127.0.0.1", (int) t->peer_port);
  if (rc == SSH_AGAIN)
    return FALSE;
  if (t->fd < 0)
    {
      /* Abandoned while opening. */
      tunnel_free (ts, t);
      return TRUE;
    }
  if (rc != SSH_OK)
    {
      GError *error = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_CHANNEL,
                                   "Could not open a tunnel to %s port %u: %s", t->remote_host,
                                   t->remote_port, ssh_get_error (ts->session));

      if (t->done != NULL)
        tunnel_answer (t, error);
      else
        tunnel_failed (ts, t->forward_id, t->remote_host, t->remote_port, error);
      tunnel_free (ts, t);
      return TRUE;
    }
  g_debug ("%s open", t->label);
  t->state = TUNNEL_OPEN;
  tunnel_answer (t, NULL);
  /* Nothing is known about the local socket yet: look at it at once. */
  t->revents |= POLLIN;
  tunnel_pump_open (ts, t);
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
forward_pump (TetherSshTunnels *ts, Forward *fwd)
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
      tunnel_start (ts, fwd, fd, peer.sin_family == AF_INET ? ntohs (peer.sin_port) : 0);
    }
  return progress;
}

static void
forward_free (TetherSshTunnels *ts, Forward *fwd)
{
  GList *l, *next;

  ts->forwards = g_list_remove (ts->forwards, fwd);
  ssh_event_remove_fd (ts->event, fwd->fd);
  g_socket_close (fwd->listener, NULL);
  g_object_unref (fwd->listener);
  for (l = ts->tunnels; l != NULL; l = next)
    {
      Tunnel *t = l->data;

      next = l->next;
      if (t->forward_id == fwd->id)
        tunnel_close (ts, t);
    }
  g_debug ("forward %u closed", fwd->id);
  g_free (fwd->remote_host);
  g_free (fwd);
}

void
tether_ssh_tunnels_open_forward (TetherSshTunnels *ts, TetherSshCmd *cmd)
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
  if (g_list_length (ts->forwards) >= TETHER_SSH_MAX_FORWARDS)
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
  if (ssh_event_add_fd (ts->event, fwd->fd, POLLIN, forward_accept_cb, fwd) != SSH_OK)
    {
      g_object_unref (fwd->listener);
      g_free (fwd->remote_host);
      g_free (fwd);
      tether_ssh_task_return (task, NULL, NULL,
                              g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_FAILED,
                                                   "Could not watch the forward's socket"));
      return;
    }
  ts->forwards = g_list_append (ts->forwards, fwd);
  g_debug ("forward %u: 127.0.0.1 port %u -> %s port %u", fwd->id, fwd->local_port,
           fwd->remote_host, fwd->remote_port);

  info = g_new0 (TetherSshForwardInfo, 1);
  info->forward_id = fwd->id;
  info->local_port = fwd->local_port;
  tether_ssh_task_return (task, info, g_free, NULL);
}

void
tether_ssh_tunnels_close_forward (TetherSshTunnels *ts, guint forward_id)
{
  for (GList *l = ts->forwards; l != NULL; l = l->next)
    if (((Forward *) l->data)->id == forward_id)
      {
        forward_free (ts, l->data);
        return;
      }
}

gboolean
tether_ssh_tunnels_pump (TetherSshTunnels *ts)
{
  gboolean progress = FALSE;
  GList *l, *next;

  for (l = ts->forwards; l != NULL; l = next)
    {
      next = l->next;
      progress |= forward_pump (ts, l->data);
    }
  /* New tunnels are appended: they are pumped in this same pass. */
  for (l = ts->tunnels; l != NULL; l = next)
    {
      next = l->next;
      progress |= tunnel_pump (ts, l->data);
    }
  return progress;
}

/* ---- agent forwarding ------------------------------------------------------ */

static guint
count_agent_tunnels (TetherSshTunnels *ts)
{
  guint n = 0;

  for (GList *l = ts->tunnels; l != NULL; l = l->next)
    if (((Tunnel *) l->data)->agent)
      n++;
  return n;
}

/* A non-blocking connection to the agent's socket, or -1 with @error. */
static int
agent_connect (const char *path, GError **error)
{
  struct sockaddr_un addr;
  gsize len = strlen (path);
  int fd, saved_errno;

  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (len == 0 || len >= sizeof addr.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the agent socket name %s is too long (at most %u bytes)", path,
                   (guint) (sizeof addr.sun_path - 1));
      return -1;
    }
  memcpy (addr.sun_path, path, len);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "could not create a socket: %s", g_strerror (saved_errno));
      return -1;
    }
  /* A Unix socket connects at once, or fails (EAGAIN: its backlog is full). */
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "could not connect to the agent at %s: %s", path, g_strerror (saved_errno));
      return -1;
    }
  return fd;
}

/* libssh asks, from inside its packet handling (an ssh_event poll or a
 * channel call of the pump): a channel to accept the server's
 * auth-agent@openssh.com open with, or NULL to refuse it. Only creates the
 * tunnel; the pump registers its socket and moves the bytes. */
static ssh_channel
agent_channel_open_cb (ssh_session session, void *userdata)
{
  TetherSshTunnels *ts = userdata;
  g_autoptr(GError) error = NULL;
  Tunnel *t;
  int fd;

  if (!ts->agent_serving)
    {
      g_debug ("refused an SSH agent channel from the server: the connection is closing");
      return NULL;
    }
  if (ts->agent_socket == NULL)
    {
      g_debug ("refused an SSH agent channel from the server: no local SSH agent "
               "(SSH_AUTH_SOCK is not set and no agent socket was given)");
      return NULL;
    }
  if (count_agent_tunnels (ts) >= TETHER_SSH_MAX_AGENT_CHANNELS)
    {
      g_debug ("refused an SSH agent channel from the server: %d are open already",
               TETHER_SSH_MAX_AGENT_CHANNELS);
      return NULL;
    }
  fd = agent_connect (ts->agent_socket, &error);
  if (fd < 0)
    {
      g_debug ("refused an SSH agent channel from the server: %s", error->message);
      return NULL;
    }
  t = tunnel_new (ts, 0, NULL, 0, fd, 0);
  t->agent = TRUE;
  if (t->channel == NULL)
    {
      g_debug ("refused an SSH agent channel from the server: could not create a channel: %s",
               ssh_get_error (ts->session));
      tunnel_free (ts, t);
      return NULL;
    }
  /* libssh confirms the open when this returns: the tunnel is open. Nothing
   * is known about the agent's socket yet: the pump looks at it. */
  t->state = TUNNEL_OPEN;
  t->revents |= POLLIN;
  g_debug ("SSH agent channel open (to %s)", ts->agent_socket);
  return t->channel;
}

void
tether_ssh_tunnels_serve_agent (TetherSshTunnels *ts, const char *agent_socket)
{
  g_free (ts->agent_socket);
  ts->agent_socket = g_strdup (agent_socket);
  ts->agent_serving = TRUE;
  ssh_callbacks_init (&ts->callbacks);
  ts->callbacks.userdata = ts;
  ts->callbacks.channel_open_request_auth_agent_function = agent_channel_open_cb;
  ssh_set_callbacks (ts->session, &ts->callbacks);
  if (agent_socket != NULL)
    g_debug ("forwarding the SSH agent at %s", agent_socket);
  else
    g_debug ("agent forwarding is on, but there is no local SSH agent (SSH_AUTH_SOCK is not "
             "set): the server's agent channels will be refused");
}

void
tether_ssh_tunnels_clear (TetherSshTunnels *ts)
{
  /* The callback stays registered until the session is freed: it refuses. */
  ts->agent_serving = FALSE;
  g_clear_pointer (&ts->agent_socket, g_free);
  while (ts->forwards != NULL)
    forward_free (ts, ts->forwards->data);
  while (ts->tunnels != NULL)
    tunnel_free (ts, ts->tunnels->data);
}
