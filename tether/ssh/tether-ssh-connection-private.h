/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TetherSshConnection: one SSH connection (the X2Go "control session"), over
 * libssh. Internal to Tether.
 *
 * Threading: the object belongs to the thread-default GMainContext current
 * when it was created (its owner context) and must only be used from that
 * thread. A worker thread started by connect_async owns the ssh_session and
 * every channel; the API posts jobs to it, and its results come back through
 * GTask, its signals on the owner context. Nothing of libssh is ever touched
 * from another thread; a cancelled connect shuts the TCP socket down from
 * outside instead.
 *
 * Properties (read when connect starts): host, port (0: SSH configuration or
 * 22), username (NULL: SSH configuration or the local user), password and
 * passphrase (write-only, wiped when replaced and at finalize),
 * private-key-files, use-agent, agent-socket, force-password-auth,
 * allow-keyboard-interactive, known-hosts-file (NULL: ~/.ssh/known_hosts),
 * add-to-known-hosts, hash-known-hosts, connect-timeout, keepalive-interval,
 * use-ssh-config, ssh-config-file, proxy (a connected TetherSshConnection to a
 * jump host: the server is then reached through a direct-tcpip channel of it,
 * and its host key is looked up under its own name), forward-agent (asks
 * for agent forwarding on every exec channel, and serves the server's
 * auth-agent@openssh.com channels from the agent at agent-socket, else
 * $SSH_AUTH_SOCK, at most TETHER_SSH_MAX_AGENT_CHANNELS at once; with no
 * agent reachable they are refused, and a debug message says why). A
 * ProxyCommand or ProxyJump in the SSH configuration is not supported.
 *
 * Signals (all emitted on the owner context):
 *   gboolean check-host (host, port, fingerprint "SHA256:…", key type)
 *     The server's host key is not in known_hosts. Return TRUE to accept it.
 *     With no handler connected, the key is accepted only when
 *     add-to-known-hosts is set (trust on first use); accepted keys are
 *     written to known_hosts only when add-to-known-hosts is set.
 *   void disconnected (GError *error)
 *     The connection died after connect_async had succeeded (keepalive
 *     timeout, EOF, socket error, server disconnect). Not emitted for
 *     tether_ssh_connection_disconnect().
 *   void tunnel-failed (guint forward_id, const char *remote_host,
 *                       guint remote_port, GError *error)
 *     A connection accepted by a local forward could not be tunnelled.
 */

/* Caps, in one place. */
/* stdout + stderr of one exec; more is an error (G_IO_ERROR_MESSAGE_TOO_LARGE). */
#define TETHER_SSH_EXEC_MAX_OUTPUT          (16 * 1024 * 1024)
/* Local forwards on one connection, and tunnels (accepted local connections)
 * open at once per forward. */
#define TETHER_SSH_MAX_FORWARDS             64
#define TETHER_SSH_MAX_TUNNELS_PER_FORWARD  64
/* Rounds of keyboard-interactive questions answered before giving up. */
#define TETHER_SSH_KBDINT_MAX_ROUNDS        8
/* SSH agent channels (forward-agent) open at once per connection. */
#define TETHER_SSH_MAX_AGENT_CHANNELS       16
/* Private key files tried per connection. */
#define TETHER_SSH_MAX_KEY_FILES            16

#define TETHER_SSH_DEFAULT_CONNECT_TIMEOUT  30   /* seconds */
#define TETHER_SSH_DEFAULT_KEEPALIVE        5    /* seconds; py-x2go's value */

#define TETHER_TYPE_SSH_CONNECTION (tether_ssh_connection_get_type ())
G_DECLARE_FINAL_TYPE (TetherSshConnection, tether_ssh_connection, TETHER, SSH_CONNECTION, GObject)

/* The outcome of one command run on an exec channel. */
typedef struct {
  GBytes *stdout_bytes;
  GBytes *stderr_bytes;
  /* The command's exit status, or -1 when it died of a signal (see
   * exit_signal) or the server sent no status. */
  int     exit_status;
  /* The signal name without "SIG" ("TERM"), or NULL. */
  char   *exit_signal;
} TetherSshExecResult;

void tether_ssh_exec_result_free (TetherSshExecResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSshExecResult, tether_ssh_exec_result_free)

TetherSshConnection *tether_ssh_connection_new            (const char           *host,
                                                           guint                 port,
                                                           const char           *username);

const char          *tether_ssh_connection_get_host       (TetherSshConnection  *self);
guint                tether_ssh_connection_get_port       (TetherSshConnection  *self);
const char          *tether_ssh_connection_get_username   (TetherSshConnection  *self);
gboolean             tether_ssh_connection_is_connected   (TetherSshConnection  *self);

/* Connects, checks the host key and authenticates. Can be called once per
 * object. */
void                 tether_ssh_connection_connect_async  (TetherSshConnection  *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             tether_ssh_connection_connect_finish (TetherSshConnection  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Runs @command (through the remote user's shell) on a fresh exec channel,
 * collecting stdout and stderr (together at most TETHER_SSH_EXEC_MAX_OUTPUT
 * bytes) and the exit status. Several may run at once. */
void                 tether_ssh_connection_exec_async     (TetherSshConnection  *self,
                                                           const char           *command,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
TetherSshExecResult *tether_ssh_connection_exec_finish    (TetherSshConnection  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Listens on 127.0.0.1:@local_port (0: any free port) and tunnels every
 * accepted connection through a direct-tcpip channel to
 * @remote_host:@remote_port (as seen from the server). */
void                 tether_ssh_connection_forward_local_async  (TetherSshConnection *self,
                                                                 guint                local_port,
                                                                 const char          *remote_host,
                                                                 guint                remote_port,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean             tether_ssh_connection_forward_local_finish (TetherSshConnection *self,
                                                                 GAsyncResult        *result,
                                                                 guint               *forward_id,
                                                                 guint               *local_port,
                                                                 GError             **error);
/* Stops listening and closes the forward's tunnels. Unknown ids are ignored. */
void                 tether_ssh_connection_close_forward  (TetherSshConnection  *self,
                                                           guint                 forward_id);

/* Closes the connection and joins the worker. Pending operations fail.
 * Safe to call more than once, and before or during connect. */
void                 tether_ssh_connection_disconnect     (TetherSshConnection  *self);

/* ---- For tests only -------------------------------------------------- */

/* Lowers the exec output cap (0 restores TETHER_SSH_EXEC_MAX_OUTPUT). Takes
 * effect for later exec calls. */
void                 tether_ssh_connection_set_exec_output_limit (TetherSshConnection *self,
                                                                  gsize                limit);
/* Shuts the TCP connection down from outside, as a dying network would. */
void                 tether_ssh_connection_kill_transport        (TetherSshConnection *self);
/* The local TCP port of the connection to the server, or 0. */
guint                tether_ssh_connection_get_local_port        (TetherSshConnection *self);

G_END_DECLS
