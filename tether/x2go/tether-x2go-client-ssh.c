/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-ssh-connection-private.h"
#include "tether-x2go-client-transport-private.h"

/*
 * The X2Go session transport over the SSH layer: a thin adapter from
 * TetherX2goTransport to TetherSshConnection (tether/ssh/), which owns the
 * libssh session on its worker thread.
 */

#define TETHER_X2GO_TYPE_SSH_TRANSPORT (tether_x2go_ssh_transport_get_type ())
G_DECLARE_FINAL_TYPE (TetherX2goSshTransport, tether_x2go_ssh_transport,
                      TETHER_X2GO, SSH_TRANSPORT, TetherX2goTransport)

struct _TetherX2goSshTransport {
  TetherX2goTransport  parent_instance;

  TetherSshConnection *conn;
  char                *host;
  guint                port;
  gulong               check_host_id;
  gulong               disconnected_id;
  gulong               tunnel_failed_id;
  TetherSshConnection *proxy;            /* the jump host, when there is one */
  gulong               proxy_check_host_id;
};

G_DEFINE_FINAL_TYPE (TetherX2goSshTransport, tether_x2go_ssh_transport,
                     TETHER_X2GO_TYPE_TRANSPORT)

static gboolean
on_check_host (TetherSshConnection *conn,
               const char          *host,
               guint                port,
               const char          *fingerprint,
               const char          *key_type,
               gpointer             user_data)
{
  return tether_x2go_transport_emit_check_host (TETHER_X2GO_TRANSPORT (user_data), host, port,
                                                fingerprint, key_type);
}

static void
on_disconnected (TetherSshConnection *conn,
                 GError              *error,
                 gpointer             user_data)
{
  tether_x2go_transport_emit_disconnected (TETHER_X2GO_TRANSPORT (user_data), error);
}

static void
on_tunnel_failed (TetherSshConnection *conn,
                  guint                forward_id,
                  const char          *remote_host,
                  guint                remote_port,
                  GError              *error,
                  gpointer             user_data)
{
  tether_x2go_transport_emit_tunnel_failed (TETHER_X2GO_TRANSPORT (user_data), forward_id,
                                            remote_host, remote_port, error);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (tether_ssh_connection_connect_finish (TETHER_SSH_CONNECTION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
drop_proxy (TetherX2goSshTransport *self)
{
  if (self->proxy == NULL)
    return;
  g_clear_signal_handler (&self->proxy_check_host_id, self->proxy);
  tether_ssh_connection_disconnect (self->proxy);
  g_clear_object (&self->proxy);
}

static void
on_proxy_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherX2goSshTransport *self = g_task_get_source_object (task);
  TetherSshConnection *proxy = TETHER_SSH_CONNECTION (source);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!tether_ssh_connection_connect_finish (proxy, result, &error))
    {
      g_autofree char *host = NULL;
      guint port = 0;

      g_object_get (proxy, "host", &host, "port", &port, NULL);
      g_prefix_error (&error, "SSH proxy (jump host) %s:%u: ", host, port);
      if (proxy == self->proxy)
        drop_proxy (self);
      g_task_return_error (task, error);
      return;
    }
  if (proxy != self->proxy || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "the connection was closed");
      return;
    }
  g_object_set (self->conn, "proxy", self->proxy, NULL);
  cancellable = g_task_get_cancellable (task);
  tether_ssh_connection_connect_async (self->conn, cancellable, on_connected,
                                       g_steal_pointer (&task));
}

static void
ssh_connect_async (TetherX2goTransport           *transport,
                   const TetherX2goConnectParams *params,
                   GCancellable                  *cancellable,
                   GAsyncReadyCallback            callback,
                   gpointer                       user_data)
{
  TetherX2goSshTransport *self = TETHER_X2GO_SSH_TRANSPORT (transport);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ssh_connect_async);
  drop_proxy (self);
  if (params->proxy_host != NULL)
    {
      self->proxy = tether_ssh_connection_new (params->proxy_host,
                                               params->proxy_port != 0 ? params->proxy_port : 22,
                                               params->proxy_username);
      self->proxy_check_host_id = g_signal_connect (self->proxy, "check-host",
                                                    G_CALLBACK (on_check_host), self);
      g_object_set (self->proxy,
                    "private-key-files", params->proxy_key_files,
                    "use-agent", params->proxy_allow_agent,
                    "force-password-auth", params->proxy_force_password_auth,
                    "known-hosts-file", params->known_hosts,
                    "add-to-known-hosts", params->add_to_known_hosts,
                    NULL);
      if (params->proxy_password != NULL)
        g_object_set (self->proxy, "password", params->proxy_password, NULL);
      if (params->proxy_passphrase != NULL)
        g_object_set (self->proxy, "passphrase", params->proxy_passphrase, NULL);
      if (params->connect_timeout != 0)
        g_object_set (self->proxy, "connect-timeout", params->connect_timeout, NULL);
    }
  g_object_set (self->conn,
                "private-key-files", params->key_files,
                "use-agent", params->allow_agent,
                "force-password-auth", params->force_password_auth,
                "forward-agent", params->forward_agent,
                "known-hosts-file", params->known_hosts,
                "add-to-known-hosts", params->add_to_known_hosts,
                NULL);
  /* Secrets are write-only there and wiped by the connection itself. */
  if (params->password != NULL)
    g_object_set (self->conn, "password", params->password, NULL);
  if (params->passphrase != NULL)
    g_object_set (self->conn, "passphrase", params->passphrase, NULL);
  if (params->connect_timeout != 0)
    g_object_set (self->conn, "connect-timeout", params->connect_timeout, NULL);
  if (self->proxy != NULL)
    tether_ssh_connection_connect_async (self->proxy, cancellable, on_proxy_connected, task);
  else
    tether_ssh_connection_connect_async (self->conn, cancellable, on_connected, task);
}

static gboolean
ssh_connect_finish (TetherX2goTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exec_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(TetherSshExecResult) res =
    tether_ssh_connection_exec_finish (TETHER_SSH_CONNECTION (source), result, &error);
  TetherX2goExecResult *out;

  if (res == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  out = g_new0 (TetherX2goExecResult, 1);
  out->stdout_bytes = g_steal_pointer (&res->stdout_bytes);
  out->stderr_bytes = g_steal_pointer (&res->stderr_bytes);
  out->exit_status = res->exit_status;
  g_task_return_pointer (task, out, (GDestroyNotify) tether_x2go_exec_result_free);
}

static void
ssh_exec_async (TetherX2goTransport *transport,
                const char          *command,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  TetherX2goSshTransport *self = TETHER_X2GO_SSH_TRANSPORT (transport);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ssh_exec_async);
  tether_ssh_connection_exec_async (self->conn, command, cancellable, on_exec_done, task);
}

static TetherX2goExecResult *
ssh_exec_finish (TetherX2goTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  guint forward_id;
  guint local_port;
} ForwardResult;

static void
on_forward_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ForwardResult *fr = g_new0 (ForwardResult, 1);
  GError *error = NULL;

  if (!tether_ssh_connection_forward_local_finish (TETHER_SSH_CONNECTION (source), result,
                                                   &fr->forward_id, &fr->local_port, &error))
    {
      g_free (fr);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, fr, g_free);
}

static void
ssh_forward_async (TetherX2goTransport *transport,
                   const char          *remote_host,
                   guint                remote_port,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TetherX2goSshTransport *self = TETHER_X2GO_SSH_TRANSPORT (transport);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ssh_forward_async);
  tether_ssh_connection_forward_local_async (self->conn, 0, remote_host, remote_port,
                                             cancellable, on_forward_done, task);
}

static gboolean
ssh_forward_finish (TetherX2goTransport *transport,
                    GAsyncResult        *result,
                    guint               *forward_id,
                    guint               *local_port,
                    GError             **error)
{
  ForwardResult *fr = g_task_propagate_pointer (G_TASK (result), error);

  if (fr == NULL)
    return FALSE;
  *forward_id = fr->forward_id;
  *local_port = fr->local_port;
  g_free (fr);
  return TRUE;
}

static void
ssh_close_forward (TetherX2goTransport *transport, guint forward_id)
{
  tether_ssh_connection_close_forward (TETHER_X2GO_SSH_TRANSPORT (transport)->conn, forward_id);
}

static void
ssh_disconnect (TetherX2goTransport *transport)
{
  tether_ssh_connection_disconnect (TETHER_X2GO_SSH_TRANSPORT (transport)->conn);
  drop_proxy (TETHER_X2GO_SSH_TRANSPORT (transport));
}

static char *
ssh_get_peer_name (TetherX2goTransport *transport, guint *port)
{
  TetherX2goSshTransport *self = TETHER_X2GO_SSH_TRANSPORT (transport);

  /* The SSH layer does not expose the resolved address; the host as given
   * is what it connected to. */
  if (!tether_ssh_connection_is_connected (self->conn))
    return NULL;
  if (port != NULL)
    *port = self->port;
  return g_strdup (self->host);
}

static void
tether_x2go_ssh_transport_dispose (GObject *object)
{
  TetherX2goSshTransport *self = TETHER_X2GO_SSH_TRANSPORT (object);

  if (self->conn != NULL)
    {
      g_clear_signal_handler (&self->check_host_id, self->conn);
      g_clear_signal_handler (&self->disconnected_id, self->conn);
      g_clear_signal_handler (&self->tunnel_failed_id, self->conn);
      tether_ssh_connection_disconnect (self->conn);
      g_clear_object (&self->conn);
    }
  drop_proxy (self);
  G_OBJECT_CLASS (tether_x2go_ssh_transport_parent_class)->dispose (object);
}

static void
tether_x2go_ssh_transport_finalize (GObject *object)
{
  g_free (TETHER_X2GO_SSH_TRANSPORT (object)->host);
  G_OBJECT_CLASS (tether_x2go_ssh_transport_parent_class)->finalize (object);
}

static void
tether_x2go_ssh_transport_init (TetherX2goSshTransport *self)
{
}

static void
tether_x2go_ssh_transport_class_init (TetherX2goSshTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TetherX2goTransportClass *transport_class = TETHER_X2GO_TRANSPORT_CLASS (klass);

  object_class->dispose = tether_x2go_ssh_transport_dispose;
  object_class->finalize = tether_x2go_ssh_transport_finalize;
  transport_class->connect_async = ssh_connect_async;
  transport_class->connect_finish = ssh_connect_finish;
  transport_class->exec_async = ssh_exec_async;
  transport_class->exec_finish = ssh_exec_finish;
  transport_class->forward_async = ssh_forward_async;
  transport_class->forward_finish = ssh_forward_finish;
  transport_class->close_forward = ssh_close_forward;
  transport_class->disconnect = ssh_disconnect;
  transport_class->get_peer_name = ssh_get_peer_name;
}

TetherX2goTransport *
tether_x2go_transport_new_ssh (const char *host,
                               guint       port,
                               const char *username)
{
  TetherX2goSshTransport *self = g_object_new (TETHER_X2GO_TYPE_SSH_TRANSPORT, NULL);

  self->host = g_strdup (host);
  self->port = port;
  self->conn = tether_ssh_connection_new (host, port, username);
  self->check_host_id = g_signal_connect (self->conn, "check-host",
                                          G_CALLBACK (on_check_host), self);
  self->disconnected_id = g_signal_connect (self->conn, "disconnected",
                                            G_CALLBACK (on_disconnected), self);
  self->tunnel_failed_id = g_signal_connect (self->conn, "tunnel-failed",
                                             G_CALLBACK (on_tunnel_failed), self);
  return TETHER_X2GO_TRANSPORT (self);
}
