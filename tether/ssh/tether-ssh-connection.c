/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-ssh-connection-private.h"
#include "tether-ssh-validate-private.h"
#include "tether-ssh-worker-private.h"

/* The owner side of TetherSshConnection: properties, signals, the async API
 * and the hops that bring the worker's results home. Everything here runs on
 * the owner thread unless a comment says otherwise. */

typedef enum {
  STATE_NEW,
  STATE_CONNECTING,
  STATE_CONNECTED,
  STATE_CLOSED,
} ConnState;

struct _TetherSshConnection {
  GObject          parent_instance;

  GMainContext    *owner_ctx;
  ConnState        state;
  TetherSshShared *shared;          /* from connect_async on */
  GThread         *thread;
  guint            next_forward_id;
  gsize            exec_output_limit;

  /* Properties. */
  char            *host;
  guint            port;
  char            *username;
  char            *password;
  char            *passphrase;
  char           **key_files;
  gboolean         use_agent;
  char            *agent_socket;
  gboolean         force_password_auth;
  gboolean         allow_keyboard_interactive;
  char            *known_hosts_file;
  gboolean         add_to_known_hosts;
  gboolean         hash_known_hosts;
  guint            connect_timeout;
  guint            keepalive_interval;
  gboolean         use_ssh_config;
  char            *ssh_config_file;
  gboolean         forward_agent;
  TetherSshConnection *proxy;
};

G_DEFINE_FINAL_TYPE (TetherSshConnection, tether_ssh_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_USERNAME,
  PROP_PASSWORD,
  PROP_PASSPHRASE,
  PROP_PRIVATE_KEY_FILES,
  PROP_USE_AGENT,
  PROP_AGENT_SOCKET,
  PROP_FORCE_PASSWORD_AUTH,
  PROP_ALLOW_KEYBOARD_INTERACTIVE,
  PROP_KNOWN_HOSTS_FILE,
  PROP_ADD_TO_KNOWN_HOSTS,
  PROP_HASH_KNOWN_HOSTS,
  PROP_CONNECT_TIMEOUT,
  PROP_KEEPALIVE_INTERVAL,
  PROP_USE_SSH_CONFIG,
  PROP_SSH_CONFIG_FILE,
  PROP_FORWARD_AGENT,
  PROP_PROXY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHECK_HOST,
  SIGNAL_DISCONNECTED,
  SIGNAL_TUNNEL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- secrets ----------------------------------------------------------- */

static void
secret_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

static void
secret_replace (char **slot, const char *value)
{
  secret_free (*slot);
  *slot = g_strdup (value);
}

void
tether_ssh_params_wipe_secrets (TetherSshParams *params)
{
  g_clear_pointer (&params->password, secret_free);
  g_clear_pointer (&params->passphrase, secret_free);
}

void
tether_ssh_params_free (TetherSshParams *params)
{
  if (params == NULL)
    return;
  tether_ssh_params_wipe_secrets (params);
  g_free (params->host);
  g_free (params->username);
  g_strfreev (params->key_files);
  g_free (params->agent_socket);
  g_free (params->known_hosts_file);
  g_free (params->ssh_config_file);
  g_free (params);
}

void
tether_ssh_cmd_free (TetherSshCmd *cmd)
{
  if (cmd == NULL)
    return;
  g_clear_object (&cmd->task);
  g_free (cmd->command);
  g_free (cmd->remote_host);
  if (cmd->done != NULL)
    cmd->done (cmd->done_data, -1, g_error_new_literal (TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                                                        "The SSH proxy connection is closed"));
  if (cmd->done_destroy != NULL)
    cmd->done_destroy (cmd->done_data);
  g_free (cmd);
}

void
tether_ssh_exec_result_free (TetherSshExecResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&result->stderr_bytes, g_bytes_unref);
  g_free (result->exit_signal);
  g_free (result);
}

/* ---- shared state (any thread) ------------------------------------------ */

TetherSshShared *
tether_ssh_shared_new (GObject *owner, GMainContext *owner_ctx, TetherSshParams *params,
                       GError **error)
{
  TetherSshShared *shared;
  int fds[2];

  if (pipe2 (fds, O_CLOEXEC | O_NONBLOCK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create a pipe: %s", g_strerror (saved_errno));
      return NULL;
    }
  shared = g_atomic_rc_box_new0 (TetherSshShared);
  shared->params = params;
  shared->owner_ctx = g_main_context_ref (owner_ctx);
  g_weak_ref_init (&shared->owner, owner);
  shared->connect_cancellable = g_cancellable_new ();
  g_mutex_init (&shared->lock);
  g_cond_init (&shared->cond);
  g_queue_init (&shared->cmds);
  shared->wake_fds[0] = fds[0];
  shared->wake_fds[1] = fds[1];
  shared->abort_fd = -1;
  shared->tunnel_fd = -1;
  return shared;
}

TetherSshShared *
tether_ssh_shared_ref (TetherSshShared *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_clear (TetherSshShared *shared)
{
  /* The worker has ended: nobody else can hold the fds. */
  for (int i = 0; i < 2; i++)
    if (shared->wake_fds[i] >= 0)
      close (shared->wake_fds[i]);
  g_queue_clear_full (&shared->cmds, (GDestroyNotify) tether_ssh_cmd_free);
  g_mutex_clear (&shared->lock);
  g_cond_clear (&shared->cond);
  g_weak_ref_clear (&shared->owner);
  g_clear_object (&shared->connect_cancellable);
  g_clear_pointer (&shared->proxy, tether_ssh_shared_unref);
  if (shared->tunnel_fd >= 0)
    close (shared->tunnel_fd);
  g_clear_error (&shared->tunnel_error);
  g_main_context_unref (shared->owner_ctx);
  tether_ssh_params_free (shared->params);
}

void
tether_ssh_shared_unref (TetherSshShared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

void
tether_ssh_shared_wake (TetherSshShared *shared)
{
  g_mutex_lock (&shared->lock);
  if (shared->wake_fds[1] >= 0)
    {
      static const char byte = 'w';
      ssize_t n;

      /* A full pipe already means "wake up". */
      do
        n = write (shared->wake_fds[1], &byte, 1);
      while (n < 0 && errno == EINTR);
    }
  g_mutex_unlock (&shared->lock);
}

gboolean
tether_ssh_shared_post (TetherSshShared *shared, TetherSshCmd *cmd)
{
  gboolean accepted;

  g_mutex_lock (&shared->lock);
  accepted = shared->accepting;
  if (accepted)
    g_queue_push_tail (&shared->cmds, cmd);
  g_mutex_unlock (&shared->lock);
  if (accepted)
    tether_ssh_shared_wake (shared);
  return accepted;
}

void
tether_ssh_shared_abort_connect (TetherSshShared *shared)
{
  gboolean was_connecting;

  g_mutex_lock (&shared->lock);
  was_connecting = shared->connecting;
  if (was_connecting)
    {
      shared->abort_connect = TRUE;
      /* Interrupts a blocking libssh call without touching libssh: the
       * worker's next read sees EOF. */
      if (shared->abort_fd >= 0)
        shutdown (shared->abort_fd, SHUT_RDWR);
      g_cond_broadcast (&shared->cond);
    }
  g_mutex_unlock (&shared->lock);
  if (was_connecting)
    g_cancellable_cancel (shared->connect_cancellable);
}

/* ---- cancellation hooks ------------------------------------------------- */

/* Attached to a task as its task data: the handler that wakes the worker
 * when the operation's cancellable fires. Disconnected on the owner thread
 * when the task is returned. */
typedef struct {
  GCancellable *cancellable;
  gulong        handler_id;
} CancelHook;

static void
cancel_hook_free (CancelHook *hook)
{
  if (hook->handler_id != 0)
    g_cancellable_disconnect (hook->cancellable, hook->handler_id);
  g_clear_object (&hook->cancellable);
  g_free (hook);
}

/* Any thread. */
static void
wake_on_cancel (GCancellable *cancellable, gpointer data)
{
  tether_ssh_shared_wake (data);
}

/* Any thread. */
static void
abort_on_cancel (GCancellable *cancellable, gpointer data)
{
  tether_ssh_shared_abort_connect (data);
}

static void
task_hook_cancellable (GTask *task, TetherSshShared *shared, GCallback handler)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  CancelHook *hook;

  if (cancellable == NULL)
    return;
  hook = g_new0 (CancelHook, 1);
  hook->cancellable = g_object_ref (cancellable);
  g_task_set_task_data (task, hook, (GDestroyNotify) cancel_hook_free);
  /* When already cancelled, the handler runs right here and returns 0. */
  hook->handler_id = g_cancellable_connect (cancellable, handler,
                                            tether_ssh_shared_ref (shared),
                                            (GDestroyNotify) tether_ssh_shared_unref);
}

/* ---- hops from the worker to the owner ---------------------------------- */

typedef struct {
  GTask          *task;
  gpointer        value;
  GDestroyNotify  destroy;
  GError         *error;
} TaskReturn;

static gboolean
task_return_cb (gpointer data)
{
  TaskReturn *ret = data;
  GTask *task = g_steal_pointer (&ret->task);
  TetherSshConnection *self = g_task_get_source_object (task);

  /* No more wake-ups for this operation. */
  g_task_set_task_data (task, NULL, NULL);

  if (g_task_get_source_tag (task) == tether_ssh_connection_connect_async)
    {
      if (ret->error == NULL && self->state != STATE_CONNECTING)
        ret->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          "The connection was closed while it was being set up");
      if (self->state == STATE_CONNECTING)
        self->state = ret->error == NULL ? STATE_CONNECTED : STATE_CLOSED;
      if (ret->error == NULL)
        g_debug ("connected to %s", self->host);
    }

  if (ret->error != NULL)
    g_task_return_error (task, g_steal_pointer (&ret->error));
  else if (ret->value != NULL)
    g_task_return_pointer (task, g_steal_pointer (&ret->value), ret->destroy);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
task_return_free (TaskReturn *ret)
{
  /* Only left over when the context went away before the callback ran. */
  if (ret->value != NULL && ret->destroy != NULL)
    ret->destroy (ret->value);
  g_clear_error (&ret->error);
  g_clear_object (&ret->task);
  g_free (ret);
}

/* Any thread (the worker). */
void
tether_ssh_task_return (GTask *task, gpointer value, GDestroyNotify destroy, GError *error)
{
  TaskReturn *ret = g_new0 (TaskReturn, 1);

  ret->task = task;
  ret->value = value;
  ret->destroy = destroy;
  ret->error = error;
  /* Never returned (or unreffed) on the worker: the last reference to the
   * connection must not be dropped there. */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              task_return_cb, ret, (GDestroyNotify) task_return_free);
}

typedef void (*OwnerFunc) (TetherSshConnection *self, TetherSshShared *shared, gpointer data);

typedef struct {
  TetherSshShared *shared;
  OwnerFunc        func;
  gpointer         data;
  GDestroyNotify   destroy;
} OwnerCall;

static gboolean
owner_call_cb (gpointer data)
{
  OwnerCall *call = data;
  TetherSshConnection *self = g_weak_ref_get (&call->shared->owner);

  call->func (self, call->shared, call->data);
  g_clear_object (&self);
  return G_SOURCE_REMOVE;
}

static void
owner_call_free (OwnerCall *call)
{
  if (call->destroy != NULL)
    call->destroy (call->data);
  tether_ssh_shared_unref (call->shared);
  g_free (call);
}

/* Any thread: runs @func on the owner context, with the connection or NULL
 * when it is gone. */
static void
owner_invoke (TetherSshShared *shared, OwnerFunc func, gpointer data, GDestroyNotify destroy)
{
  OwnerCall *call = g_new0 (OwnerCall, 1);

  call->shared = tether_ssh_shared_ref (shared);
  call->func = func;
  call->data = data;
  call->destroy = destroy;
  g_main_context_invoke_full (shared->owner_ctx, G_PRIORITY_DEFAULT,
                              owner_call_cb, call, (GDestroyNotify) owner_call_free);
}

typedef struct {
  guint  serial;
  char  *host;
  guint  port;
  char  *fingerprint;
  char  *key_type;
} HostKeyQuestion;

static void
host_key_question_free (HostKeyQuestion *q)
{
  g_free (q->host);
  g_free (q->fingerprint);
  g_free (q->key_type);
  g_free (q);
}

static void
ask_host_key_in_owner (TetherSshConnection *self, TetherSshShared *shared, gpointer data)
{
  HostKeyQuestion *q = data;
  gboolean accepted = FALSE, current;

  /* Not after the connect was given up (cancel, disconnect). */
  g_mutex_lock (&shared->lock);
  current = shared->question_serial == q->serial && !shared->abort_connect;
  g_mutex_unlock (&shared->lock);

  if (self != NULL && current)
    {
      if (g_signal_has_handler_pending (self, signals[SIGNAL_CHECK_HOST], 0, FALSE))
        g_signal_emit (self, signals[SIGNAL_CHECK_HOST], 0,
                       q->host, q->port, q->fingerprint, q->key_type, &accepted);
      else
        accepted = shared->params->add_to_known_hosts;
      g_debug ("host key %s of %s:%u %s", q->fingerprint, q->host, q->port,
               accepted ? "accepted" : "refused");
    }

  g_mutex_lock (&shared->lock);
  if (shared->question_serial == q->serial)
    {
      shared->question_answered = TRUE;
      shared->question_accepted = accepted;
      g_cond_broadcast (&shared->cond);
    }
  g_mutex_unlock (&shared->lock);
}

void
tether_ssh_owner_ask_host_key (TetherSshShared *shared,
                               guint            serial,
                               const char      *host,
                               guint            port,
                               const char      *fingerprint,
                               const char      *key_type)
{
  HostKeyQuestion *q = g_new0 (HostKeyQuestion, 1);

  q->serial = serial;
  q->host = g_strdup (host);
  q->port = port;
  q->fingerprint = g_strdup (fingerprint);
  q->key_type = g_strdup (key_type);
  owner_invoke (shared, ask_host_key_in_owner, q, (GDestroyNotify) host_key_question_free);
}

static void
disconnected_in_owner (TetherSshConnection *self, TetherSshShared *shared, gpointer data)
{
  GError *error = data;

  /* Not after disconnect(), and not for a connect attempt (its task reports it). */
  if (self == NULL || self->state != STATE_CONNECTED || self->shared != shared)
    return;
  self->state = STATE_CLOSED;
  g_debug ("connection to %s lost: %s", self->host, error->message);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
}

void
tether_ssh_owner_disconnected (TetherSshShared *shared, const GError *error)
{
  owner_invoke (shared, disconnected_in_owner, g_error_copy (error), (GDestroyNotify) g_error_free);
}

typedef struct {
  guint   forward_id;
  char   *remote_host;
  guint   remote_port;
  GError *error;
} TunnelFailure;

static void
tunnel_failure_free (TunnelFailure *f)
{
  g_free (f->remote_host);
  g_clear_error (&f->error);
  g_free (f);
}

static void
tunnel_failed_in_owner (TetherSshConnection *self, TetherSshShared *shared, gpointer data)
{
  TunnelFailure *f = data;

  if (self == NULL || self->shared != shared)
    return;
  g_signal_emit (self, signals[SIGNAL_TUNNEL_FAILED], 0,
                 f->forward_id, f->remote_host, f->remote_port, f->error);
}

void
tether_ssh_owner_tunnel_failed (TetherSshShared *shared,
                                guint            forward_id,
                                const char      *remote_host,
                                guint            remote_port,
                                const GError    *error)
{
  TunnelFailure *f = g_new0 (TunnelFailure, 1);

  f->forward_id = forward_id;
  f->remote_host = g_strdup (remote_host);
  f->remote_port = remote_port;
  f->error = g_error_copy (error);
  owner_invoke (shared, tunnel_failed_in_owner, f, (GDestroyNotify) tunnel_failure_free);
}

/* ---- GObject -------------------------------------------------------------- */

static void
tether_ssh_connection_init (TetherSshConnection *self)
{
  self->owner_ctx = g_main_context_ref_thread_default ();
  self->state = STATE_NEW;
  self->next_forward_id = 1;
  self->exec_output_limit = TETHER_SSH_EXEC_MAX_OUTPUT;
  self->allow_keyboard_interactive = TRUE;
  self->hash_known_hosts = TRUE;
  self->connect_timeout = TETHER_SSH_DEFAULT_CONNECT_TIMEOUT;
  self->keepalive_interval = TETHER_SSH_DEFAULT_KEEPALIVE;
  self->use_ssh_config = TRUE;
}

static void
tether_ssh_connection_dispose (GObject *object)
{
  TetherSshConnection *self = TETHER_SSH_CONNECTION (object);

  tether_ssh_connection_disconnect (self);
  g_clear_object (&self->proxy);
  G_OBJECT_CLASS (tether_ssh_connection_parent_class)->dispose (object);
}

static void
tether_ssh_connection_finalize (GObject *object)
{
  TetherSshConnection *self = TETHER_SSH_CONNECTION (object);

  g_assert (self->thread == NULL);
  g_clear_pointer (&self->shared, tether_ssh_shared_unref);
  g_main_context_unref (self->owner_ctx);
  g_free (self->host);
  g_free (self->username);
  secret_free (self->password);
  secret_free (self->passphrase);
  g_strfreev (self->key_files);
  g_free (self->agent_socket);
  g_free (self->known_hosts_file);
  g_free (self->ssh_config_file);
  G_OBJECT_CLASS (tether_ssh_connection_parent_class)->finalize (object);
}

static void
tether_ssh_connection_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TetherSshConnection *self = TETHER_SSH_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_PRIVATE_KEY_FILES: g_value_set_boxed (value, self->key_files); break;
    case PROP_USE_AGENT: g_value_set_boolean (value, self->use_agent); break;
    case PROP_AGENT_SOCKET: g_value_set_string (value, self->agent_socket); break;
    case PROP_FORCE_PASSWORD_AUTH: g_value_set_boolean (value, self->force_password_auth); break;
    case PROP_ALLOW_KEYBOARD_INTERACTIVE:
      g_value_set_boolean (value, self->allow_keyboard_interactive);
      break;
    case PROP_KNOWN_HOSTS_FILE: g_value_set_string (value, self->known_hosts_file); break;
    case PROP_ADD_TO_KNOWN_HOSTS: g_value_set_boolean (value, self->add_to_known_hosts); break;
    case PROP_HASH_KNOWN_HOSTS: g_value_set_boolean (value, self->hash_known_hosts); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, self->connect_timeout); break;
    case PROP_KEEPALIVE_INTERVAL: g_value_set_uint (value, self->keepalive_interval); break;
    case PROP_USE_SSH_CONFIG: g_value_set_boolean (value, self->use_ssh_config); break;
    case PROP_SSH_CONFIG_FILE: g_value_set_string (value, self->ssh_config_file); break;
    case PROP_FORWARD_AGENT: g_value_set_boolean (value, self->forward_agent); break;
    case PROP_PROXY: g_value_set_object (value, self->proxy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (TetherSshConnection *self, char **slot, const GValue *value, guint prop_id)
{
  const char *s = g_value_get_string (value);

  if (g_strcmp0 (*slot, s) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (s);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_boolean (TetherSshConnection *self, gboolean *slot, const GValue *value, guint prop_id)
{
  gboolean b = g_value_get_boolean (value);

  if (*slot == b)
    return;
  *slot = b;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint (TetherSshConnection *self, guint *slot, const GValue *value, guint prop_id)
{
  guint u = g_value_get_uint (value);

  if (*slot == u)
    return;
  *slot = u;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
tether_ssh_connection_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  TetherSshConnection *self = TETHER_SSH_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_HOST: set_string (self, &self->host, value, prop_id); break;
    case PROP_PORT: set_uint (self, &self->port, value, prop_id); break;
    case PROP_USERNAME: set_string (self, &self->username, value, prop_id); break;
    /* Secrets: write-only, never notified, wiped when replaced. */
    case PROP_PASSWORD: secret_replace (&self->password, g_value_get_string (value)); break;
    case PROP_PASSPHRASE: secret_replace (&self->passphrase, g_value_get_string (value)); break;
    case PROP_PRIVATE_KEY_FILES:
      g_strfreev (self->key_files);
      self->key_files = g_value_dup_boxed (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_USE_AGENT: set_boolean (self, &self->use_agent, value, prop_id); break;
    case PROP_AGENT_SOCKET: set_string (self, &self->agent_socket, value, prop_id); break;
    case PROP_FORCE_PASSWORD_AUTH:
      set_boolean (self, &self->force_password_auth, value, prop_id);
      break;
    case PROP_ALLOW_KEYBOARD_INTERACTIVE:
      set_boolean (self, &self->allow_keyboard_interactive, value, prop_id);
      break;
    case PROP_KNOWN_HOSTS_FILE: set_string (self, &self->known_hosts_file, value, prop_id); break;
    case PROP_ADD_TO_KNOWN_HOSTS:
      set_boolean (self, &self->add_to_known_hosts, value, prop_id);
      break;
    case PROP_HASH_KNOWN_HOSTS: set_boolean (self, &self->hash_known_hosts, value, prop_id); break;
    case PROP_CONNECT_TIMEOUT: set_uint (self, &self->connect_timeout, value, prop_id); break;
    case PROP_KEEPALIVE_INTERVAL: set_uint (self, &self->keepalive_interval, value, prop_id); break;
    case PROP_USE_SSH_CONFIG: set_boolean (self, &self->use_ssh_config, value, prop_id); break;
    case PROP_SSH_CONFIG_FILE: set_string (self, &self->ssh_config_file, value, prop_id); break;
    case PROP_FORWARD_AGENT: set_boolean (self, &self->forward_agent, value, prop_id); break;
    case PROP_PROXY:
      if (g_set_object (&self->proxy, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_ssh_connection_class_init (TetherSshConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags wo = G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tether_ssh_connection_dispose;
  object_class->finalize = tether_ssh_connection_finalize;
  object_class->get_property = tether_ssh_connection_get_property;
  object_class->set_property = tether_ssh_connection_set_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, "The server's host name or address "
                         "(or a Host alias of the SSH configuration)", NULL, rw);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, "The server's SSH port; 0: from the SSH configuration, else 22",
                       0, 65535, 0, rw);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, "The login name; NULL: from the SSH "
                         "configuration, else the local user's", NULL, rw);
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, "The password (also the key passphrase "
                         "when none is given); write-only", NULL, wo);
  properties[PROP_PASSPHRASE] =
    g_param_spec_string ("passphrase", NULL, "The passphrase of the private keys; write-only",
                         NULL, wo);
  properties[PROP_PRIVATE_KEY_FILES] =
    g_param_spec_boxed ("private-key-files", NULL, "Private key files to authenticate with",
                        G_TYPE_STRV, rw);
  properties[PROP_USE_AGENT] =
    g_param_spec_boolean ("use-agent", NULL, "Authenticate with the keys of the SSH agent",
                          FALSE, rw);
  properties[PROP_AGENT_SOCKET] =
    g_param_spec_string ("agent-socket", NULL, "The SSH agent's socket; NULL: $SSH_AUTH_SOCK",
                         NULL, rw);
  properties[PROP_FORCE_PASSWORD_AUTH] =
    g_param_spec_boolean ("force-password-auth", NULL, "With a password, use only password "
                          "authentication (no keys, no agent)", FALSE, rw);
  properties[PROP_ALLOW_KEYBOARD_INTERACTIVE] =
    g_param_spec_boolean ("allow-keyboard-interactive", NULL, "Answer keyboard-interactive "
                          "password prompts with the password", TRUE, rw);
  properties[PROP_KNOWN_HOSTS_FILE] =
    g_param_spec_string ("known-hosts-file", NULL, "The known_hosts file; NULL: "
                         "~/.ssh/known_hosts (or the SSH configuration's)", NULL, rw);
  properties[PROP_ADD_TO_KNOWN_HOSTS] =
    g_param_spec_boolean ("add-to-known-hosts", NULL, "Write accepted host keys to "
                          "known_hosts; without a check-host handler, accept unknown keys",
                          FALSE, rw);
  properties[PROP_HASH_KNOWN_HOSTS] =
    g_param_spec_boolean ("hash-known-hosts", NULL, "Write new known_hosts entries with "
                          "the host name hashed", TRUE, rw);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, "Seconds allowed for each step of the "
                       "connect (TCP, handshake, each authentication request)",
                       1, 3600, TETHER_SSH_DEFAULT_CONNECT_TIMEOUT, rw);
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, "Seconds of silence after which the "
                       "server counts as dead (probed half-way); 0: off",
                       0, 3600, TETHER_SSH_DEFAULT_KEEPALIVE, rw);
  properties[PROP_USE_SSH_CONFIG] =
    g_param_spec_boolean ("use-ssh-config", NULL, "Read the OpenSSH client configuration "
                          "(HostName, Port, User, ...); explicit properties win", TRUE, rw);
  properties[PROP_SSH_CONFIG_FILE] =
    g_param_spec_string ("ssh-config-file", NULL, "The SSH configuration file; NULL: "
                         "~/.ssh/config and /etc/ssh/ssh_config", NULL, rw);
  properties[PROP_FORWARD_AGENT] =
    g_param_spec_boolean ("forward-agent", NULL, "Forward the SSH agent (agent-socket, "
                          "else $SSH_AUTH_SOCK) to the server's sessions", FALSE, rw);
  properties[PROP_PROXY] =
    g_param_spec_object ("proxy", NULL, "A connection to an SSH jump host: when set, "
                         "the server is reached through a direct-tcpip channel of it",
                         TETHER_TYPE_SSH_CONNECTION, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHECK_HOST] =
    g_signal_new ("check-host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 4, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_TUNNEL_FAILED] =
    g_signal_new ("tunnel-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_ERROR);
}

/* ---- API -------------------------------------------------------------- */

TetherSshConnection *
tether_ssh_connection_new (const char *host, guint port, const char *username)
{
  return g_object_new (TETHER_TYPE_SSH_CONNECTION,
                       "host", host, "port", port, "username", username, NULL);
}

const char *
tether_ssh_connection_get_host (TetherSshConnection *self)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), NULL);
  return self->host;
}

guint
tether_ssh_connection_get_port (TetherSshConnection *self)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), 0);
  return self->port;
}

const char *
tether_ssh_connection_get_username (TetherSshConnection *self)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), NULL);
  return self->username;
}

gboolean
tether_ssh_connection_is_connected (TetherSshConnection *self)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), FALSE);
  return self->state == STATE_CONNECTED;
}

static gboolean
check_file_name (const char *name, const char *what, GError **error)
{
  if (name == NULL)
    return TRUE;
  if (name[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The %s name is empty", what);
      return FALSE;
    }
  if (strchr (name, '%') != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The %s name %s must not contain '%%'", what, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_settings (TetherSshConnection *self, GError **error)
{
  guint n_keys;

  if (!tether_ssh_validate_host (self->host, error) ||
      !tether_ssh_validate_port (self->port, TRUE, "Port", error))
    return FALSE;
  if (self->username != NULL && !tether_ssh_validate_username (self->username, error))
    return FALSE;
  n_keys = self->key_files != NULL ? g_strv_length (self->key_files) : 0;
  if (n_keys > TETHER_SSH_MAX_KEY_FILES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Too many private key files (%u; at most %d)", n_keys, TETHER_SSH_MAX_KEY_FILES);
      return FALSE;
    }
  for (guint i = 0; i < n_keys; i++)
    if (self->key_files[i][0] == '\0')
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "A private key file name is empty");
        return FALSE;
      }
  /* libssh expands %-escapes in these two names: none may be left. */
  if (!check_file_name (self->known_hosts_file, "known_hosts file", error) ||
      !check_file_name (self->ssh_config_file, "SSH configuration file", error))
    return FALSE;
  if (self->agent_socket != NULL && self->agent_socket[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The SSH agent socket name is empty");
      return FALSE;
    }
  if (self->proxy == self)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "A connection cannot be its own SSH proxy");
      return FALSE;
    }
  if (self->proxy != NULL && !tether_ssh_connection_is_connected (self->proxy))
    {
      g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PROXY,
                   "The connection to the SSH proxy %s is not up", self->proxy->host);
      return FALSE;
    }
  return TRUE;
}

static TetherSshParams *
snapshot_params (TetherSshConnection *self)
{
  TetherSshParams *p = g_new0 (TetherSshParams, 1);

  p->host = g_strdup (self->host);
  p->port = self->port;
  p->username = g_strdup (self->username);
  p->password = g_strdup (self->password);
  p->passphrase = g_strdup (self->passphrase);
  p->key_files = g_strdupv (self->key_files);
  p->use_agent = self->use_agent;
  p->agent_socket = g_strdup (self->agent_socket);
  p->force_password_auth = self->force_password_auth;
  p->allow_keyboard_interactive = self->allow_keyboard_interactive;
  p->known_hosts_file = g_strdup (self->known_hosts_file);
  p->add_to_known_hosts = self->add_to_known_hosts;
  p->hash_known_hosts = self->hash_known_hosts;
  p->connect_timeout = self->connect_timeout;
  p->keepalive_interval = self->keepalive_interval;
  p->use_ssh_config = self->use_ssh_config;
  p->ssh_config_file = g_strdup (self->ssh_config_file);
  p->forward_agent = self->forward_agent;
  return p;
}

void
tether_ssh_connection_connect_async (TetherSshConnection *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  TetherSshParams *params;
  TetherSshShared *shared;
  gpointer worker;

  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_ssh_connection_connect_async);
  /* A connect that succeeded is reported as such even if cancelled late. */
  g_task_set_check_cancellable (task, FALSE);

  switch (self->state)
    {
    case STATE_NEW:
      break;
    case STATE_CONNECTING:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "A connection to %s is already being set up", self->host);
      return;
    case STATE_CONNECTED:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "Already connected to %s", self->host);
      return;
    case STATE_CLOSED:
    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "This connection was closed; a new one is needed");
      return;
    }

  if (!check_settings (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  params = snapshot_params (self);
  shared = tether_ssh_shared_new (G_OBJECT (self), self->owner_ctx, params, &error);
  if (shared == NULL)
    {
      tether_ssh_params_free (params);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  shared->connecting = TRUE;
  if (self->proxy != NULL)
    shared->proxy = tether_ssh_shared_ref (self->proxy->shared);
  self->shared = shared;
  self->state = STATE_CONNECTING;

  task_hook_cancellable (task, shared, G_CALLBACK (abort_on_cancel));
  worker = tether_ssh_worker_new (shared, g_object_ref (task));
  self->thread = g_thread_try_new ("tether-ssh", tether_ssh_worker_run, worker, &error);
  if (self->thread == NULL)
    {
      g_object_unref (tether_ssh_worker_free_unstarted (worker));
      self->state = STATE_CLOSED;
      g_task_set_task_data (task, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("connecting to %s", self->host);
}

gboolean
tether_ssh_connection_connect_finish (TetherSshConnection *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tether_ssh_connection_connect_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Checks common to operations on an established connection. */
static gboolean
check_connected (TetherSshConnection *self, GTask *task)
{
  switch (self->state)
    {
    case STATE_CONNECTED:
      break;
    case STATE_CLOSED:
      g_task_return_new_error (task, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                               "The connection to %s is closed", self->host);
      return FALSE;
    case STATE_NEW:
    case STATE_CONNECTING:
    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Not connected to %s yet", self->host);
      return FALSE;
    }
  return !g_task_return_error_if_cancelled (task);
}

static void
post_or_fail (TetherSshConnection *self, GTask *task, TetherSshCmd *cmd)
{
  task_hook_cancellable (task, self->shared, G_CALLBACK (wake_on_cancel));
  cmd->task = g_object_ref (task);
  if (!tether_ssh_shared_post (self->shared, cmd))
    {
      tether_ssh_cmd_free (cmd);
      g_task_set_task_data (task, NULL, NULL);
      g_task_return_new_error (task, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                               "The connection to %s is closed", self->host);
    }
}

void
tether_ssh_connection_exec_async (TetherSshConnection *self,
                                  const char          *command,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  TetherSshCmd *cmd;

  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_ssh_connection_exec_async);
  g_task_set_check_cancellable (task, FALSE);

  if (!tether_ssh_validate_command (command, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!check_connected (self, task))
    return;

  cmd = g_new0 (TetherSshCmd, 1);
  cmd->kind = TETHER_SSH_CMD_EXEC;
  cmd->command = g_strdup (command);
  cmd->output_limit = self->exec_output_limit;
  post_or_fail (self, task, cmd);
}

TetherSshExecResult *
tether_ssh_connection_exec_finish (TetherSshConnection *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tether_ssh_connection_exec_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tether_ssh_connection_forward_local_async (TetherSshConnection *self,
                                           guint                local_port,
                                           const char          *remote_host,
                                           guint                remote_port,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  TetherSshCmd *cmd;

  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_ssh_connection_forward_local_async);
  g_task_set_check_cancellable (task, FALSE);

  if (!tether_ssh_validate_port (local_port, TRUE, "Local port", &error) ||
      !tether_ssh_validate_host (remote_host, &error) ||
      !tether_ssh_validate_port (remote_port, FALSE, "Remote port", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!check_connected (self, task))
    return;

  cmd = g_new0 (TetherSshCmd, 1);
  cmd->kind = TETHER_SSH_CMD_FORWARD;
  cmd->forward_id = self->next_forward_id++;
  cmd->local_port = local_port;
  cmd->remote_host = g_strdup (remote_host);
  cmd->remote_port = remote_port;
  post_or_fail (self, task, cmd);
}

gboolean
tether_ssh_connection_forward_local_finish (TetherSshConnection *self,
                                            GAsyncResult        *result,
                                            guint               *forward_id,
                                            guint               *local_port,
                                            GError             **error)
{
  g_autofree TetherSshForwardInfo *info = NULL;

  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tether_ssh_connection_forward_local_async, FALSE);

  info = g_task_propagate_pointer (G_TASK (result), error);
  if (info == NULL)
    return FALSE;
  if (forward_id != NULL)
    *forward_id = info->forward_id;
  if (local_port != NULL)
    *local_port = info->local_port;
  return TRUE;
}

void
tether_ssh_connection_close_forward (TetherSshConnection *self, guint forward_id)
{
  TetherSshCmd *cmd;

  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));

  if (self->shared == NULL || forward_id == 0)
    return;
  cmd = g_new0 (TetherSshCmd, 1);
  cmd->kind = TETHER_SSH_CMD_CLOSE_FORWARD;
  cmd->forward_id = forward_id;
  if (!tether_ssh_shared_post (self->shared, cmd))
    tether_ssh_cmd_free (cmd);   /* the worker is gone, and its forwards with it */
}

void
tether_ssh_connection_disconnect (TetherSshConnection *self)
{
  TetherSshShared *shared;

  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));

  if (self->state != STATE_NEW)
    self->state = STATE_CLOSED;
  shared = self->shared;
  if (self->thread == NULL)
    return;

  g_mutex_lock (&shared->lock);
  shared->stop = TRUE;
  g_mutex_unlock (&shared->lock);
  /* Ends a connect in progress; a connected worker ends its loop and says
   * goodbye to the server. */
  tether_ssh_shared_abort_connect (shared);
  tether_ssh_shared_wake (shared);
  g_thread_join (g_steal_pointer (&self->thread));
  g_debug ("disconnected from %s", self->host);
}

/* ---- test hooks --------------------------------------------------------- */

void
tether_ssh_connection_set_exec_output_limit (TetherSshConnection *self, gsize limit)
{
  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));
  self->exec_output_limit = limit != 0 ? MIN (limit, TETHER_SSH_EXEC_MAX_OUTPUT)
                                       : TETHER_SSH_EXEC_MAX_OUTPUT;
}

void
tether_ssh_connection_kill_transport (TetherSshConnection *self)
{
  g_return_if_fail (TETHER_IS_SSH_CONNECTION (self));
  if (self->shared == NULL)
    return;
  g_mutex_lock (&self->shared->lock);
  if (self->shared->abort_fd >= 0)
    shutdown (self->shared->abort_fd, SHUT_RDWR);
  g_mutex_unlock (&self->shared->lock);
}

guint
tether_ssh_connection_get_local_port (TetherSshConnection *self)
{
  guint port;

  g_return_val_if_fail (TETHER_IS_SSH_CONNECTION (self), 0);
  if (self->shared == NULL)
    return 0;
  g_mutex_lock (&self->shared->lock);
  port = self->shared->local_port;
  g_mutex_unlock (&self->shared->lock);
  return port;
}
