/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TetherX2goTransport: what one X2Go session needs from its SSH connection
 * (the "control session"), behind a small internal base class so that the
 * session state machine can be driven by the real SSH layer
 * (tether-x2go-client-ssh.c, over TetherSshConnection) or by a scripted fake
 * in the unit tests.
 *
 * The shape follows TetherSshConnection: connect (host-key check + auth),
 * exec (stdout, stderr, exit status; several at once), local forwards to a
 * host:port seen from the server, and a "disconnected" signal.
 *
 * Threading: a transport belongs to the owner context it was created in;
 * every callback and signal comes back there.
 *
 * Signals:
 *   gboolean check-host (const char *host, guint port,
 *                        const char *fingerprint, const char *key_type)
 *     The host key is unknown. Return TRUE to accept it.
 *   void disconnected (GError *error)
 *     The connection died after a successful connect (not emitted for
 *     tether_x2go_transport_disconnect()).
 *   void tunnel-failed (guint forward_id, const char *remote_host,
 *                       guint remote_port, GError *error)
 *     A connection accepted by a local forward could not be tunnelled.
 */

/* What connect needs: address, identity and how to check the host key.
 * Secrets are owned by the caller and wiped by it after connect. */
typedef struct {
  const char         *host;
  guint               port;
  const char         *username;
  const char         *password;          /* nullable */
  const char         *passphrase;        /* nullable */
  const char *const  *key_files;         /* nullable, NULL-terminated */
  const char         *known_hosts;       /* nullable: the SSH layer's default */
  gboolean            add_to_known_hosts;
  gboolean            look_for_keys;     /* try ~/.ssh/id_* when no key file works */
  gboolean            allow_agent;
  gboolean            force_password_auth;
  gboolean            forward_agent;     /* forward the local SSH agent ($SSH_AUTH_SOCK) */
  guint               connect_timeout;   /* seconds; 0: the SSH layer's default */
  /* An SSH proxy (jump host): connected first, the target through it. Same
   * known_hosts handling as the target. */
  const char         *proxy_host;        /* nullable: no proxy */
  guint               proxy_port;
  const char         *proxy_username;
  const char         *proxy_password;    /* nullable */
  const char         *proxy_passphrase;  /* nullable */
  const char *const  *proxy_key_files;   /* nullable, NULL-terminated */
  gboolean            proxy_allow_agent;
  gboolean            proxy_force_password_auth;
} TetherX2goConnectParams;

/* The outcome of one remote command. */
typedef struct {
  GBytes *stdout_bytes;
  GBytes *stderr_bytes;
  int     exit_status;    /* -1: killed by a signal or no status sent */
} TetherX2goExecResult;

void tether_x2go_exec_result_free (TetherX2goExecResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherX2goExecResult, tether_x2go_exec_result_free)

#define TETHER_X2GO_TYPE_TRANSPORT (tether_x2go_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (TetherX2goTransport, tether_x2go_transport, TETHER_X2GO, TRANSPORT, GObject)

struct _TetherX2goTransportClass {
  GObjectClass parent_class;

  void                  (*connect_async)  (TetherX2goTransport           *self,
                                           const TetherX2goConnectParams *params,
                                           GCancellable                  *cancellable,
                                           GAsyncReadyCallback            callback,
                                           gpointer                       user_data);
  gboolean              (*connect_finish) (TetherX2goTransport           *self,
                                           GAsyncResult                  *result,
                                           GError                       **error);
  void                  (*exec_async)     (TetherX2goTransport           *self,
                                           const char                    *command,
                                           GCancellable                  *cancellable,
                                           GAsyncReadyCallback            callback,
                                           gpointer                       user_data);
  TetherX2goExecResult *(*exec_finish)    (TetherX2goTransport           *self,
                                           GAsyncResult                  *result,
                                           GError                       **error);
  void                  (*forward_async)  (TetherX2goTransport           *self,
                                           const char                    *remote_host,
                                           guint                          remote_port,
                                           GCancellable                  *cancellable,
                                           GAsyncReadyCallback            callback,
                                           gpointer                       user_data);
  gboolean              (*forward_finish) (TetherX2goTransport           *self,
                                           GAsyncResult                  *result,
                                           guint                         *forward_id,
                                           guint                         *local_port,
                                           GError                       **error);
  void                  (*close_forward)  (TetherX2goTransport           *self,
                                           guint                          forward_id);
  void                  (*disconnect)     (TetherX2goTransport           *self);
  /* The address actually connected to (numeric), or NULL before connect. */
  char                 *(*get_peer_name)  (TetherX2goTransport           *self,
                                           guint                         *port);
};

void                  tether_x2go_transport_connect_async  (TetherX2goTransport           *self,
                                                            const TetherX2goConnectParams *params,
                                                            GCancellable                  *cancellable,
                                                            GAsyncReadyCallback            callback,
                                                            gpointer                       user_data);
gboolean              tether_x2go_transport_connect_finish (TetherX2goTransport           *self,
                                                            GAsyncResult                  *result,
                                                            GError                       **error);
void                  tether_x2go_transport_exec_async     (TetherX2goTransport           *self,
                                                            const char                    *command,
                                                            GCancellable                  *cancellable,
                                                            GAsyncReadyCallback            callback,
                                                            gpointer                       user_data);
TetherX2goExecResult *tether_x2go_transport_exec_finish    (TetherX2goTransport           *self,
                                                            GAsyncResult                  *result,
                                                            GError                       **error);
void                  tether_x2go_transport_forward_async  (TetherX2goTransport           *self,
                                                            const char                    *remote_host,
                                                            guint                          remote_port,
                                                            GCancellable                  *cancellable,
                                                            GAsyncReadyCallback            callback,
                                                            gpointer                       user_data);
gboolean              tether_x2go_transport_forward_finish (TetherX2goTransport           *self,
                                                            GAsyncResult                  *result,
                                                            guint                         *forward_id,
                                                            guint                         *local_port,
                                                            GError                       **error);
void                  tether_x2go_transport_close_forward  (TetherX2goTransport           *self,
                                                            guint                          forward_id);
void                  tether_x2go_transport_disconnect     (TetherX2goTransport           *self);
char                 *tether_x2go_transport_get_peer_name  (TetherX2goTransport           *self,
                                                            guint                         *port);

/* For subclasses: emit the signals. */
gboolean tether_x2go_transport_emit_check_host   (TetherX2goTransport *self,
                                                  const char          *host,
                                                  guint                port,
                                                  const char          *fingerprint,
                                                  const char          *key_type);
void     tether_x2go_transport_emit_disconnected (TetherX2goTransport *self,
                                                  const GError        *error);
void     tether_x2go_transport_emit_tunnel_failed (TetherX2goTransport *self,
                                                   guint                forward_id,
                                                   const char          *remote_host,
                                                   guint                remote_port,
                                                   const GError        *error);

/* The transport the client makes for a session unless a test replaced the
 * factory (tether_x2go_client_set_transport_factory()): the SSH layer. */
TetherX2goTransport *tether_x2go_transport_new_ssh (const char *host,
                                                    guint       port,
                                                    const char *username);

/* ---- remote command output framing -------------------------------------- */

/*
 * Every server command runs as
 *   echo X2GODATABEGIN:<id>; sh -c '<command>'; echo X2GODATAEND:<id>:$?
 * so that text printed by the user's shell start-up files around it is
 * dropped and the command's own exit status is read even through the
 * wrapper. <id> is a fresh random UUID per command.
 */

/* Longest command line the wrapper accepts (the builders stay far below). */
#define TETHER_X2GO_MAX_WRAPPED_COMMAND   (64 * 1024)
/* Longest stdout accepted from one command, markers included. */
#define TETHER_X2GO_MAX_COMMAND_OUTPUT    (4 * 1024 * 1024)

char    *tether_x2go_wrap_command   (const char  *command,
                                     const char  *marker);

/* Finds the line "X2GODATABEGIN:<marker>" and the line
 * "X2GODATAEND:<marker>:<status>" after it in @data and returns what lies
 * between (the begin line's newline excluded, the text up to and including
 * the newline before the end line) and the status. Fails with
 * TETHER_X2GO_ERROR_MALFORMED_OUTPUT naming @what when a marker is missing,
 * duplicated, or the status is not a number in 0..255. */
gboolean tether_x2go_unwrap_output  (const char  *what,
                                     const char  *data,
                                     gsize        len,
                                     const char  *marker,
                                     char       **out,
                                     gsize       *out_len,
                                     int         *status,
                                     GError     **error);

G_END_DECLS
