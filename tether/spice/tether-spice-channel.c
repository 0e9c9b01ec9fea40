/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "tether-error.h"
#include "tether-enum-types.h"
#include "tether-spice-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-layer-stream-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-transport-private.h"
#include "tether-spice-tls-stream-private.h"
#include "tether-spice-main-channel.h"
#include "tether-spice-display-channel.h"
#include "tether-spice-inputs-channel.h"
#include "tether-spice-cursor-channel.h"
#include "tether-spice-link-private.h"

/**
 * TetherSpiceChannel:
 *
 * One connection of a [class@SpiceSession]: the main channel, a display, the
 * inputs… Each channel kind is a final subclass ([class@SpiceMainChannel],
 * …); this base class runs the connection.
 *
 * A channel goes through explicit states on the session's main context:
 * connecting (TCP, unix socket or an application-given fd, then TLS when
 * needed), link (the SPICE link handshake), auth (the ticket), ready, and
 * closed. [signal@SpiceChannel::channel-event] reports the outcome
 * (%TETHER_SPICE_CHANNEL_EVENT_OPENED, or an error event with the reason in
 * [method@SpiceChannel.get_error]). A server that requires TLS for the
 * channel (link error NEED_SECURED) is answered by reconnecting over the TLS
 * port, without an event.
 *
 * Channels are created by the session ([signal@SpiceSession::channel-new]);
 * the session connects the main channel, the application connects the
 * others it wants with [method@SpiceChannel.connect].
 */

typedef struct {
  GMainContext                *context;      /* the owner context */
  TetherSpiceSession          *session;      /* weak */
  int                          type;
  int                          id;
  const TetherSpiceChannelOps *ops;

  TetherSpiceChannelState      state;
  guint                        generation;
  GCancellable                *cancellable;
  GSource                     *start_source;
  GIOStream                   *stream;
  gboolean                     tls;
  gboolean                     tls_relinked;
  int                          pending_fd;
  gboolean                     request_fd;
  gboolean                     waiting_for_fd;
  GError                      *error;
  guint64                      total_read;

  GArray                      *common_caps;  /* guint32 words, ours */
  GArray                      *channel_caps;
  GArray                      *remote_common_caps;
  GArray                      *remote_channel_caps;

  GQueue                       write_queue;  /* GBytes */
  gboolean                     writing;
  GQueue                       flush_tasks;  /* GTask: tether_spice_channel_flush_async */

  TetherSpiceChannelLoop       loop;
} TetherSpiceChannelPrivate;

enum {
  PROP_0,
  PROP_CHANNEL_TYPE,
  PROP_CHANNEL_ID,
  PROP_SPICE_SESSION,
  PROP_TOTAL_READ_BYTES,
  PROP_SOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANNEL_EVENT,
  SIGNAL_OPEN_FD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* At most this many queued buffers go into one writev. */
#define MAX_WRITE_VECTORS 64u

/* Common capability bits (docs/spice-protocol.md §3.5) that Tether sets:
 * PROTOCOL_AUTH_SELECTION (0), AUTH_SPICE (1), MINI_HEADER (3), and
 * AUTH_SASL (2) when built with libsasl2 (tether-spice-channel-sasl.c). */
#if HAVE_SASL
#define LOCAL_COMMON_CAPS ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3))
#else
#define LOCAL_COMMON_CAPS ((1u << 0) | (1u << 1) | (1u << 3))
#endif

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TetherSpiceChannel, tether_spice_channel, G_TYPE_OBJECT)

#define PRIV(self) ((TetherSpiceChannelPrivate *) tether_spice_channel_get_instance_private (self))

/* Asynchronous operations start with the owner context as the thread's
 * default, so they complete there whatever context runs the caller. */
#define IN_OWNER_CONTEXT(priv, stmt)                                  \
  G_STMT_START {                                                      \
    g_main_context_push_thread_default ((priv)->context);             \
    stmt;                                                             \
    g_main_context_pop_thread_default ((priv)->context);              \
  } G_STMT_END

static const char * const type_names[] = {
  [TETHER_SPICE_CHANNEL_TYPE_MAIN] = "main",
  [TETHER_SPICE_CHANNEL_TYPE_DISPLAY] = "display",
  [TETHER_SPICE_CHANNEL_TYPE_INPUTS] = "inputs",
  [TETHER_SPICE_CHANNEL_TYPE_CURSOR] = "cursor",
  [TETHER_SPICE_CHANNEL_TYPE_PLAYBACK] = "playback",
  [TETHER_SPICE_CHANNEL_TYPE_RECORD] = "record",
  [TETHER_SPICE_CHANNEL_TYPE_TUNNEL] = "tunnel",
  [TETHER_SPICE_CHANNEL_TYPE_SMARTCARD] = "smartcard",
  [TETHER_SPICE_CHANNEL_TYPE_USBREDIR] = "usbredir",
  [TETHER_SPICE_CHANNEL_TYPE_PORT] = "port",
  [TETHER_SPICE_CHANNEL_TYPE_WEBDAV] = "webdav",
};

/**
 * tether_spice_channel_type_to_string:
 * @type: a channel type
 *
 * The protocol's name of a channel type: `main`, `display`, `inputs`,
 * `cursor`, `playback`, `record`, `tunnel`, `smartcard`, `usbredir`, `port`
 * or `webdav`.
 *
 * Returns: the name, or `unknown` for any other value
 */
const char *
tether_spice_channel_type_to_string (int type)
{
  if (type > 0 && (gsize) type < G_N_ELEMENTS (type_names) && type_names[type] != NULL)
    return type_names[type];
  return "unknown";
}

/**
 * tether_spice_channel_string_to_type:
 * @str: a channel type name
 *
 * The reverse of [func@spice_channel_type_to_string].
 *
 * Returns: the channel type, or -1 if @str is not a channel name
 */
int
tether_spice_channel_string_to_type (const char *str)
{
  g_return_val_if_fail (str != NULL, -1);
  for (gsize i = 1; i < G_N_ELEMENTS (type_names); i++)
    if (type_names[i] != NULL && strcmp (str, type_names[i]) == 0)
      return (int) i;
  return -1;
}

const char *
tether_spice_channel_state_to_string (TetherSpiceChannelState state)
{
  switch (state)
    {
    case TETHER_SPICE_CHANNEL_STATE_UNCONNECTED: return "unconnected";
    case TETHER_SPICE_CHANNEL_STATE_CONNECTING: return "connecting";
    case TETHER_SPICE_CHANNEL_STATE_LINK: return "link";
    case TETHER_SPICE_CHANNEL_STATE_AUTH: return "auth";
    case TETHER_SPICE_CHANNEL_STATE_READY: return "ready";
    case TETHER_SPICE_CHANNEL_STATE_CLOSED: return "closed";
    default: return "invalid";
    }
}

/* ---- factory ------------------------------------------------------------------------ */

gboolean
tether_spice_channel_type_is_implemented (int type)
{
  switch (type)
    {
    case TETHER_SPICE_CHANNEL_TYPE_MAIN:
    case TETHER_SPICE_CHANNEL_TYPE_DISPLAY:
    case TETHER_SPICE_CHANNEL_TYPE_INPUTS:
    case TETHER_SPICE_CHANNEL_TYPE_CURSOR:
      return TRUE;
    default:
      return FALSE;
    }
}

TetherSpiceChannel *
tether_spice_channel_new (TetherSpiceSession *session, int type, int id)
{
  GType gtype;

  switch (type)
    {
    case TETHER_SPICE_CHANNEL_TYPE_MAIN:
      gtype = TETHER_TYPE_SPICE_MAIN_CHANNEL;
      break;
    case TETHER_SPICE_CHANNEL_TYPE_DISPLAY:
      gtype = TETHER_TYPE_SPICE_DISPLAY_CHANNEL;
      break;
    case TETHER_SPICE_CHANNEL_TYPE_INPUTS:
      gtype = TETHER_TYPE_SPICE_INPUTS_CHANNEL;
      break;
    case TETHER_SPICE_CHANNEL_TYPE_CURSOR:
      gtype = TETHER_TYPE_SPICE_CURSOR_CHANNEL;
      break;
    default:
      return NULL;
    }
  return g_object_new (gtype, "spice-session", session, "channel-type", type, "channel-id", id, NULL);
}

/* ---- small accessors ---------------------------------------------------------------- */

void
tether_spice_channel_set_ops (TetherSpiceChannel *self, const TetherSpiceChannelOps *ops)
{
  PRIV (self)->ops = ops;
}

const TetherSpiceChannelOps *
tether_spice_channel_get_ops (TetherSpiceChannel *self)
{
  return PRIV (self)->ops;
}

guint
tether_spice_channel_get_generation (TetherSpiceChannel *self)
{
  return PRIV (self)->generation;
}

TetherSpiceChannelState
tether_spice_channel_get_state (TetherSpiceChannel *self)
{
  return PRIV (self)->state;
}

TetherSpiceSession *
tether_spice_channel_peek_session (TetherSpiceChannel *self)
{
  return PRIV (self)->session;
}

void
tether_spice_channel_set_state (TetherSpiceChannel *self, TetherSpiceChannelState state)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  g_debug ("%s channel %d: %s -> %s", tether_spice_channel_type_to_string (priv->type), priv->id,
           tether_spice_channel_state_to_string (priv->state), tether_spice_channel_state_to_string (state));
  priv->state = state;
}

TetherSpiceChannelLoop *
tether_spice_channel_get_loop (TetherSpiceChannel *self)
{
  return &PRIV (self)->loop;
}

gboolean
tether_spice_channel_is_tls (TetherSpiceChannel *self)
{
  return PRIV (self)->tls;
}

GIOStream *
tether_spice_channel_peek_stream (TetherSpiceChannel *self)
{
  return PRIV (self)->stream;
}

void
tether_spice_channel_push_stream (TetherSpiceChannel *self, GIOStream *stream)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  g_return_if_fail (priv->stream != NULL);
  g_return_if_fail (G_IS_IO_STREAM (stream));
  /* The new stream keeps the old one as its base. */
  g_set_object (&priv->stream, stream);
}

GArray *
tether_spice_channel_get_local_common_caps (TetherSpiceChannel *self)
{
  return PRIV (self)->common_caps;
}

GArray *
tether_spice_channel_get_local_channel_caps (TetherSpiceChannel *self)
{
  return PRIV (self)->channel_caps;
}

void
tether_spice_channel_set_remote_caps (TetherSpiceChannel *self, const guint32 *common, gsize n_common,
                                      const guint32 *channel, gsize n_channel)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  g_array_set_size (priv->remote_common_caps, 0);
  g_array_set_size (priv->remote_channel_caps, 0);
  if (n_common > 0)
    g_array_append_vals (priv->remote_common_caps, common, (guint) n_common);
  if (n_channel > 0)
    g_array_append_vals (priv->remote_channel_caps, channel, (guint) n_channel);
}

static gboolean
caps_test (GArray *caps, guint32 cap)
{
  guint word = cap / 32;

  return word < caps->len && (g_array_index (caps, guint32, word) & (1u << (cap % 32))) != 0;
}

/* ---- public getters -------------------------------------------------------------------- */

/**
 * tether_spice_channel_get_channel_type:
 * @self: a channel
 *
 * Returns: the channel's type ([enum@SpiceChannelType] value)
 */
int
tether_spice_channel_get_channel_type (TetherSpiceChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), 0);
  return PRIV (self)->type;
}

/**
 * tether_spice_channel_get_channel_id:
 * @self: a channel
 *
 * Returns: the channel's id among the channels of its type
 */
int
tether_spice_channel_get_channel_id (TetherSpiceChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), 0);
  return PRIV (self)->id;
}

/**
 * tether_spice_channel_get_session:
 * @self: a channel
 *
 * Returns: (transfer none) (nullable): the channel's session, or %NULL once
 *   the session destroyed the channel
 */
TetherSpiceSession *
tether_spice_channel_get_session (TetherSpiceChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), NULL);
  return PRIV (self)->session;
}

/**
 * tether_spice_channel_get_tls_protocol:
 * @self: a channel
 *
 * The TLS protocol version of the channel's connection, as OpenSSL names it.
 *
 * Returns: (transfer none) (nullable): "TLSv1.2" or "TLSv1.3" while the
 *   channel is connected over TLS, else %NULL
 */
const char *
tether_spice_channel_get_tls_protocol (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv;

  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), NULL);
  priv = PRIV (self);
  if (!TETHER_SPICE_IS_TLS_STREAM (priv->stream))
    return NULL;
  return tether_spice_tls_stream_get_protocol (TETHER_SPICE_TLS_STREAM (priv->stream));
}

/**
 * tether_spice_channel_get_tls_cipher:
 * @self: a channel
 *
 * The cipher suite of the channel's TLS connection, by OpenSSL's name
 * ("TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES128-GCM-SHA256", ...).
 *
 * Returns: (transfer none) (nullable): the cipher suite while the channel is
 *   connected over TLS, else %NULL
 */
const char *
tether_spice_channel_get_tls_cipher (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv;

  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), NULL);
  priv = PRIV (self);
  if (!TETHER_SPICE_IS_TLS_STREAM (priv->stream))
    return NULL;
  return tether_spice_tls_stream_get_cipher (TETHER_SPICE_TLS_STREAM (priv->stream));
}

/**
 * tether_spice_channel_get_total_read_bytes:
 * @self: a channel
 *
 * Returns: how many bytes the channel has read from the server, over all its
 *   connections (TLS records counted as plain text)
 */
guint64
tether_spice_channel_get_total_read_bytes (TetherSpiceChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), 0);
  return PRIV (self)->total_read;
}

/**
 * tether_spice_channel_get_error:
 * @self: a channel
 *
 * The reason of the channel's last error event, in the %TETHER_SPICE_ERROR
 * domain (CONNECT, TLS, LINK, AUTH, PROTOCOL, LIMIT_EXCEEDED…) or
 * `G_IO_ERROR`.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL if the last
 *   connection did not fail
 */
const GError *
tether_spice_channel_get_error (TetherSpiceChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), NULL);
  return PRIV (self)->error;
}

/**
 * tether_spice_channel_test_capability:
 * @self: a channel
 * @cap: a channel capability bit number
 *
 * Returns: whether the server announced channel capability @cap when the
 *   channel was linked
 */
gboolean
tether_spice_channel_test_capability (TetherSpiceChannel *self, guint32 cap)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), FALSE);
  return caps_test (PRIV (self)->remote_channel_caps, cap);
}

/**
 * tether_spice_channel_test_common_capability:
 * @self: a channel
 * @cap: a common capability bit number
 *
 * Returns: whether the server announced common capability @cap when the
 *   channel was linked
 */
gboolean
tether_spice_channel_test_common_capability (TetherSpiceChannel *self, guint32 cap)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), FALSE);
  return caps_test (PRIV (self)->remote_common_caps, cap);
}

/* ---- connection teardown and events ------------------------------------------------------ */

static GSocket *find_socket (GIOStream *stream);

/* Completes every pending flush: with @error (taken; NULL for success). */
static void
flush_tasks_complete (TetherSpiceChannel *self, GError *error)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  GTask *task;

  while ((task = g_queue_pop_head (&priv->flush_tasks)) != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  g_clear_error (&error);
}

static void
stream_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
}

/* Drops the current connection, whatever its state, without an event. */
static void
close_connection (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  GBytes *b;

  priv->generation++;
  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->start_source, g_source_destroy);
  if (priv->stream != NULL)
    {
      GSocket *sock = find_socket (priv->stream);

      /* Shut the socket down first: the peer sees the end at once and
       * nothing waits for its answer to a TLS close_notify. The fd itself
       * stays valid (no reuse under a TLS worker thread) until the socket
       * goes. The close operation keeps the stream alive until it is done. */
      if (sock != NULL)
        g_socket_shutdown (sock, TRUE, TRUE, NULL);
      IN_OWNER_CONTEXT (priv, g_io_stream_close_async (priv->stream, G_PRIORITY_DEFAULT, NULL, stream_closed, NULL));
      g_clear_object (&priv->stream);
    }
  while ((b = g_queue_pop_head (&priv->write_queue)) != NULL)
    g_bytes_unref (b);
  priv->writing = FALSE;
  flush_tasks_complete (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                           "The %s channel was closed before its data was written",
                                           tether_spice_channel_type_to_string (priv->type)));
  priv->waiting_for_fd = FALSE;
  priv->request_fd = FALSE;
  if (priv->pending_fd >= 0)
    close (priv->pending_fd);
  priv->pending_fd = -1;
  g_array_set_size (priv->remote_common_caps, 0);
  g_array_set_size (priv->remote_channel_caps, 0);
  tether_spice_channel_loop_clear (&priv->loop);
  if (priv->ops != NULL && priv->ops->channel_reset != NULL)
    priv->ops->channel_reset (self);
}

static void
emit_event (TetherSpiceChannel *self, TetherSpiceChannelEvent event)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  /* Handlers may drop the last outside reference. */
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CHANNEL_EVENT], 0, event);
  if (priv->session != NULL)
    tether_spice_session_channel_event (priv->session, self, event);
  g_object_unref (self);
}

static const char *
event_name (TetherSpiceChannelEvent event)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TETHER_TYPE_SPICE_CHANNEL_EVENT);
  GEnumValue *v = g_enum_get_value (klass, event);

  return v != NULL ? v->value_nick : "unknown";
}

void
tether_spice_channel_fail (TetherSpiceChannel *self, TetherSpiceChannelEvent event, GError *error)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  close_connection (self);
  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_CLOSED);
  g_clear_error (&priv->error);
  priv->error = error;
  g_debug ("%s channel %d: %s%s%s", tether_spice_channel_type_to_string (priv->type), priv->id, event_name (event),
           error != NULL ? ": " : "", error != NULL ? error->message : "");
  emit_event (self, event);
}

/**
 * tether_spice_channel_disconnect:
 * @self: a channel
 * @reason: the event to report, or %TETHER_SPICE_CHANNEL_EVENT_NONE for none
 *
 * Closes the channel's connection. Unless @reason is
 * %TETHER_SPICE_CHANNEL_EVENT_NONE, [signal@SpiceChannel::channel-event] is
 * emitted with it. The channel may be connected again later.
 */
void
tether_spice_channel_disconnect (TetherSpiceChannel *self, TetherSpiceChannelEvent reason)
{
  TetherSpiceChannelPrivate *priv;

  g_return_if_fail (TETHER_IS_SPICE_CHANNEL (self));
  priv = PRIV (self);
  if (priv->state == TETHER_SPICE_CHANNEL_STATE_UNCONNECTED || priv->state == TETHER_SPICE_CHANNEL_STATE_CLOSED)
    return;
  close_connection (self);
  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_CLOSED);
  if (reason != TETHER_SPICE_CHANNEL_EVENT_NONE)
    emit_event (self, reason);
}

void
tether_spice_channel_detach (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  close_connection (self);
  if (priv->state != TETHER_SPICE_CHANNEL_STATE_UNCONNECTED)
    priv->state = TETHER_SPICE_CHANNEL_STATE_CLOSED;
  if (priv->session != NULL)
    g_object_remove_weak_pointer (G_OBJECT (priv->session), (gpointer *) &priv->session);
  priv->session = NULL;
}

/* ---- connecting ------------------------------------------------------------------------------- */

typedef struct {
  TetherSpiceChannel *self;
  guint               generation;
} Op;

static Op *
op_new (TetherSpiceChannel *self)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->generation = PRIV (self)->generation;
  return op;
}

static void
op_free (Op *op)
{
  g_object_unref (op->self);
  g_free (op);
}

static gboolean
op_current (Op *op)
{
  return op->generation == PRIV (op->self)->generation;
}

static void
transport_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  TetherSpiceChannel *self = op->self;
  TetherSpiceChannelPrivate *priv = PRIV (self);
  GError *error = NULL;
  GIOStream *stream = tether_spice_transport_connect_finish (result, &error);

  if (!op_current (op))
    {
      g_clear_error (&error);
      if (stream != NULL)
        {
          IN_OWNER_CONTEXT (priv, g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, stream_closed, NULL));
          g_object_unref (stream);
        }
      op_free (op);
      return;
    }
  if (stream == NULL)
    {
      TetherSpiceChannelEvent event = g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS)
                                        ? TETHER_SPICE_CHANNEL_EVENT_ERROR_TLS
                                        : TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT;

      tether_spice_channel_fail (self, event, error);
      op_free (op);
      return;
    }
  priv->stream = stream;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET]);
  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_LINK);
  tether_spice_channel_link_start (self);
  op_free (op);
}

static void
start_transport (TetherSpiceChannel *self, TetherSpiceTransportParams *params)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  IN_OWNER_CONTEXT (priv, tether_spice_transport_connect_async (params, priv->cancellable, transport_done,
                                                                op_new (self)));
}

static gboolean
start_connection (gpointer user_data)
{
  Op *op = user_data;
  TetherSpiceChannel *self = op->self;
  TetherSpiceChannelPrivate *priv = PRIV (self);
  TetherSpiceTransportParams params;
  GError *error = NULL;

  g_clear_pointer (&priv->start_source, g_source_unref);
  if (!op_current (op) || priv->session == NULL)
    return G_SOURCE_REMOVE;

  tether_spice_transport_params_init (&params);
  if (priv->pending_fd >= 0)
    {
      params.kind = TETHER_SPICE_TRANSPORT_FD;
      params.fd = priv->pending_fd;
      priv->pending_fd = -1;
      start_transport (self, &params);
      return G_SOURCE_REMOVE;
    }
  if (priv->request_fd || tether_spice_session_get_client_sockets (priv->session))
    {
      priv->request_fd = FALSE;
      priv->waiting_for_fd = TRUE;
      g_debug ("%s channel %d: asking the application for a socket", tether_spice_channel_type_to_string (priv->type),
               priv->id);
      g_object_ref (self);
      g_signal_emit (self, signals[SIGNAL_OPEN_FD], 0, (int) priv->tls);
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    }
  if (!tether_spice_session_transport_params (priv->session, priv->tls, &params, &error))
    {
      tether_spice_transport_params_clear (&params);
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT, error);
      return G_SOURCE_REMOVE;
    }
  start_transport (self, &params);
  return G_SOURCE_REMOVE;
}

/* Starts a new connection attempt; the work begins from an idle callback so
 * that every outcome arrives after the caller has returned. */
static void
begin_connection (TetherSpiceChannel *self, gboolean tls)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  int fd = priv->pending_fd;
  gboolean request_fd = priv->request_fd;

  priv->pending_fd = -1;   /* keep it across close_connection */
  close_connection (self);
  priv->pending_fd = fd;
  priv->request_fd = request_fd;
  g_clear_error (&priv->error);
  priv->tls = tls;
  priv->cancellable = g_cancellable_new ();
  g_array_set_size (priv->channel_caps, 0);
  if (priv->ops != NULL && priv->ops->fill_caps != NULL)
    priv->ops->fill_caps (self, priv->channel_caps);
  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_CONNECTING);
  priv->start_source = g_idle_source_new ();
  g_source_set_callback (priv->start_source, start_connection, op_new (self), (GDestroyNotify) op_free);
  g_source_set_static_name (priv->start_source, "[tether] spice channel connect");
  g_source_attach (priv->start_source, priv->context);
}

/**
 * tether_spice_channel_connect:
 * @self: a channel
 *
 * Connects the channel: to the session's server, or, when the session has
 * [property@SpiceSession:client-sockets], through a socket asked for with
 * [signal@SpiceChannel::open-fd]. The outcome arrives as
 * [signal@SpiceChannel::channel-event].
 *
 * Returns: %TRUE if connecting started or was under way already; %FALSE if
 *   the channel has no session any more
 */
gboolean
tether_spice_channel_connect (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv;

  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), FALSE);
  priv = PRIV (self);
  if (priv->session == NULL)
    return FALSE;
  switch (priv->state)
    {
    case TETHER_SPICE_CHANNEL_STATE_CONNECTING:
    case TETHER_SPICE_CHANNEL_STATE_LINK:
    case TETHER_SPICE_CHANNEL_STATE_AUTH:
    case TETHER_SPICE_CHANNEL_STATE_READY:
      return TRUE;
    case TETHER_SPICE_CHANNEL_STATE_UNCONNECTED:
    case TETHER_SPICE_CHANNEL_STATE_CLOSED:
    default:
      break;
    }
  priv->tls_relinked = FALSE;
  begin_connection (self, tether_spice_session_channel_wants_tls (priv->session, priv->type));
  return TRUE;
}

/**
 * tether_spice_channel_open_fd:
 * @self: a channel
 * @fd: a connected socket to the server, or -1
 *
 * Connects the channel over @fd, typically from a
 * [signal@SpiceChannel::open-fd] handler. With -1, the channel asks for a
 * socket with [signal@SpiceChannel::open-fd]. On success the channel owns
 * @fd.
 *
 * Returns: %TRUE if the channel took @fd (or will ask for one); %FALSE if
 *   it is connected already or has no session (then @fd stays the caller's)
 */
gboolean
tether_spice_channel_open_fd (TetherSpiceChannel *self, int fd)
{
  TetherSpiceChannelPrivate *priv;
  TetherSpiceTransportParams params;

  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), FALSE);
  g_return_val_if_fail (fd >= -1, FALSE);
  priv = PRIV (self);
  if (priv->session == NULL)
    return FALSE;
  if (priv->state == TETHER_SPICE_CHANNEL_STATE_CONNECTING && priv->waiting_for_fd && fd >= 0)
    {
      priv->waiting_for_fd = FALSE;
      tether_spice_transport_params_init (&params);
      params.kind = TETHER_SPICE_TRANSPORT_FD;
      params.fd = fd;
      start_transport (self, &params);
      return TRUE;
    }
  if (priv->state != TETHER_SPICE_CHANNEL_STATE_UNCONNECTED && priv->state != TETHER_SPICE_CHANNEL_STATE_CLOSED)
    return FALSE;
  if (fd >= 0)
    priv->pending_fd = fd;
  else
    priv->request_fd = TRUE;
  priv->tls_relinked = FALSE;
  begin_connection (self, tether_spice_session_channel_wants_tls (priv->session, priv->type));
  return TRUE;
}

void
tether_spice_channel_relink_tls (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  if (priv->tls || priv->tls_relinked || priv->session == NULL ||
      tether_spice_session_get_client_sockets (priv->session) || !tether_spice_session_has_tls_port (priv->session))
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                                 g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK,
                                              "The server requires TLS for the %s channel, and there is no TLS "
                                              "port to use", tether_spice_channel_type_to_string (priv->type)));
      return;
    }
  g_debug ("%s channel %d: the server requires TLS; reconnecting on the TLS port",
           tether_spice_channel_type_to_string (priv->type), priv->id);
  priv->tls_relinked = TRUE;
  begin_connection (self, TRUE);
}

void
tether_spice_channel_link_done (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  guint generation = priv->generation;

  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_READY);
  g_object_ref (self);
  emit_event (self, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  /* Handlers may have closed the channel. */
  if (priv->generation == generation && priv->ops != NULL && priv->ops->channel_up != NULL)
    priv->ops->channel_up (self);
  if (priv->generation == generation)
    tether_spice_channel_loop_start (self);
  g_object_unref (self);
}

/* ---- reading and writing ----------------------------------------------------------------------- */

typedef struct {
  Op                          op;
  guint8                     *buf;
  gsize                       n;
  TetherSpiceChannelEvent     fail_event;
  gboolean                    eof_is_close;
  TetherSpiceChannelReadFunc  func;
} ReadOp;

static void
read_op_free (ReadOp *r)
{
  g_object_unref (r->op.self);
  g_free (r->buf);
  g_free (r);
}

static GError *
io_error (TetherSpiceChannelEvent event, const char *format, ...) G_GNUC_PRINTF (2, 3);

static GError *
io_error (TetherSpiceChannelEvent event, const char *format, ...)
{
  va_list args;
  GError *e;

  va_start (args, format);
  switch (event)
    {
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK:
      e = g_error_new_valist (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK, format, args);
      break;
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH:
      e = g_error_new_valist (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH, format, args);
      break;
    default:
      e = g_error_new_valist (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, format, args);
      break;
    }
  va_end (args);
  return e;
}

static void
read_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReadOp *r = user_data;
  TetherSpiceChannel *self = r->op.self;
  TetherSpiceChannelPrivate *priv = PRIV (self);
  g_autoptr(GError) error = NULL;
  gsize got = 0;
  gboolean ok = g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &got, &error);
  GBytes *data;

  if (!op_current (&r->op))
    {
      read_op_free (r);
      return;
    }
  priv->total_read += got;
  if (!ok)
    {
      GError *e = io_error (r->fail_event, "Reading from the server failed: %s", error->message);

      if (r->fail_event == TETHER_SPICE_CHANNEL_EVENT_ERROR_IO)
        {
          g_clear_error (&e);
          e = g_steal_pointer (&error);
          g_prefix_error (&e, "Reading from the server failed: ");
        }
      tether_spice_channel_fail (self, r->fail_event, e);
      read_op_free (r);
      return;
    }
  if (got == 0 && r->n > 0 && r->eof_is_close)
    {
      TetherSpiceChannelLoop *loop = &priv->loop;
      GError *e;

      if (loop->server_disconnecting)
        e = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "The server disconnected the %s channel (reason: %s)",
                         tether_spice_channel_type_to_string (priv->type),
                         tether_spice_link_err_message (loop->disconnect_reason));
      else
        e = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "The server closed the %s channel",
                         tether_spice_channel_type_to_string (priv->type));
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_CLOSED, e);
      read_op_free (r);
      return;
    }
  if (got < r->n)
    {
      tether_spice_channel_fail (self, r->fail_event,
                                 io_error (r->fail_event, "The server closed the %s channel (%s)",
                                           tether_spice_channel_type_to_string (priv->type),
                                           tether_spice_channel_state_to_string (priv->state)));
      read_op_free (r);
      return;
    }
  data = g_bytes_new_take (g_steal_pointer (&r->buf), r->n);
  r->func (self, data);
  g_bytes_unref (data);
  read_op_free (r);
}

static void
start_read (TetherSpiceChannel *self, gsize n, TetherSpiceChannelEvent fail_event, gboolean eof_is_close,
            TetherSpiceChannelReadFunc func)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  ReadOp *r;

  g_return_if_fail (priv->stream != NULL);
  r = g_new0 (ReadOp, 1);
  r->op.self = g_object_ref (self);
  r->op.generation = priv->generation;
  r->buf = g_malloc (MAX (n, 1));
  r->n = n;
  r->fail_event = fail_event;
  r->eof_is_close = eof_is_close;
  r->func = func;
  IN_OWNER_CONTEXT (priv, g_input_stream_read_all_async (g_io_stream_get_input_stream (priv->stream), r->buf, n,
                                                         G_PRIORITY_DEFAULT, priv->cancellable, read_done, r));
}

void
tether_spice_channel_read (TetherSpiceChannel *self, gsize n, TetherSpiceChannelEvent fail_event,
                           TetherSpiceChannelReadFunc func)
{
  start_read (self, n, fail_event, FALSE, func);
}

void
tether_spice_channel_read_or_close (TetherSpiceChannel *self, gsize n, TetherSpiceChannelReadFunc func)
{
  start_read (self, n, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, TRUE, func);
}

typedef struct {
  Op              op;
  GOutputVector   vectors[MAX_WRITE_VECTORS];
  GBytes         *bytes[MAX_WRITE_VECTORS];
  guint           n;
} WriteOp;

static void write_next (TetherSpiceChannel *self);

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteOp *w = user_data;
  TetherSpiceChannel *self = w->op.self;
  TetherSpiceChannelPrivate *priv = PRIV (self);
  GError *error = NULL;
  gboolean ok = g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);

  for (guint i = 0; i < w->n; i++)
    g_bytes_unref (w->bytes[i]);
  if (op_current (&w->op))
    {
      priv->writing = FALSE;
      if (!ok)
        {
          TetherSpiceChannelEvent event = priv->state == TETHER_SPICE_CHANNEL_STATE_LINK
                                            ? TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK
                                            : priv->state == TETHER_SPICE_CHANNEL_STATE_AUTH
                                                ? TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH
                                                : TETHER_SPICE_CHANNEL_EVENT_ERROR_IO;

          g_prefix_error (&error, "Writing to the server failed: ");
          tether_spice_channel_fail (self, event, g_steal_pointer (&error));
        }
      else
        write_next (self);
    }
  g_clear_error (&error);
  g_object_unref (w->op.self);
  g_free (w);
}

static void
write_next (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  WriteOp *w;

  if (priv->writing || priv->stream == NULL)
    return;
  if (g_queue_is_empty (&priv->write_queue))
    {
      flush_tasks_complete (self, NULL);
      return;
    }
  w = g_new0 (WriteOp, 1);
  w->op.self = g_object_ref (self);
  w->op.generation = priv->generation;
  while (w->n < MAX_WRITE_VECTORS && !g_queue_is_empty (&priv->write_queue))
    {
      GBytes *b = g_queue_pop_head (&priv->write_queue);
      gsize len;

      w->vectors[w->n].buffer = g_bytes_get_data (b, &len);
      w->vectors[w->n].size = len;
      w->bytes[w->n++] = b;
    }
  priv->writing = TRUE;
  IN_OWNER_CONTEXT (priv, g_output_stream_writev_all_async (g_io_stream_get_output_stream (priv->stream), w->vectors,
                                                            w->n, G_PRIORITY_DEFAULT, priv->cancellable, write_done,
                                                            w));
}

void
tether_spice_channel_write (TetherSpiceChannel *self, GBytes *data)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);

  if (priv->stream == NULL)
    return;
  g_queue_push_tail (&priv->write_queue, g_bytes_ref (data));
  write_next (self);
}

/**
 * tether_spice_channel_flush_async:
 * @self: a channel
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the data is written
 * @user_data: (closure): data for @callback
 *
 * Waits until every message queued on the channel so far has been handed to
 * the kernel, as spice-gtk's `spice_channel_flush_async` does, so that
 * a tool may disconnect without losing, say, the last key press. Fails with
 * %G_IO_ERROR_CLOSED when the channel closes first, and
 * %G_IO_ERROR_NOT_CONNECTED when it is not connected.
 */
void
tether_spice_channel_flush_async (TetherSpiceChannel *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  TetherSpiceChannelPrivate *priv;
  GTask *task;

  g_return_if_fail (TETHER_IS_SPICE_CHANNEL (self));
  priv = PRIV (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_spice_channel_flush_async);
  if (priv->stream == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The %s channel is not connected",
                               tether_spice_channel_type_to_string (priv->type));
      g_object_unref (task);
      return;
    }
  if (!priv->writing && g_queue_is_empty (&priv->write_queue))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_queue_push_tail (&priv->flush_tasks, task);
}

/**
 * tether_spice_channel_flush_finish:
 * @self: a channel
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when the queued data was written
 */
gboolean
tether_spice_channel_flush_finish (TetherSpiceChannel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (TETHER_IS_SPICE_CHANNEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_spice_channel_flush_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------------------------------- */

static GSocket *
find_socket (GIOStream *stream)
{
  while (stream != NULL)
    {
      if (G_IS_SOCKET_CONNECTION (stream))
        return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
      /* Borrowed: a TLS stream or a security layer keeps its base stream. */
      if (TETHER_SPICE_IS_TLS_STREAM (stream))
        stream = tether_spice_tls_stream_get_base (TETHER_SPICE_TLS_STREAM (stream));
      else if (TETHER_SPICE_IS_LAYER_STREAM (stream))
        stream = tether_spice_layer_stream_get_base (TETHER_SPICE_LAYER_STREAM (stream));
      else
        return NULL;
    }
  return NULL;
}

static void
tether_spice_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceChannel *self = TETHER_SPICE_CHANNEL (object);
  TetherSpiceChannelPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_CHANNEL_TYPE: g_value_set_int (value, priv->type); break;
    case PROP_CHANNEL_ID: g_value_set_int (value, priv->id); break;
    case PROP_SPICE_SESSION: g_value_set_object (value, priv->session); break;
    case PROP_TOTAL_READ_BYTES: g_value_set_uint64 (value, priv->total_read); break;
    case PROP_SOCKET: g_value_set_object (value, find_socket (priv->stream)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_channel_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TetherSpiceChannel *self = TETHER_SPICE_CHANNEL (object);
  TetherSpiceChannelPrivate *priv = PRIV (self);

  switch (prop_id)
    {
    case PROP_CHANNEL_TYPE: priv->type = g_value_get_int (value); break;
    case PROP_CHANNEL_ID: priv->id = g_value_get_int (value); break;
    case PROP_SPICE_SESSION:
      priv->session = g_value_get_object (value);
      if (priv->session != NULL)
        {
          g_object_add_weak_pointer (G_OBJECT (priv->session), (gpointer *) &priv->session);
          /* A channel lives on its session's context. */
          g_main_context_unref (priv->context);
          priv->context = g_main_context_ref (tether_spice_session_get_context (priv->session));
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_channel_dispose (GObject *object)
{
  tether_spice_channel_detach (TETHER_SPICE_CHANNEL (object));
  G_OBJECT_CLASS (tether_spice_channel_parent_class)->dispose (object);
}

static void
tether_spice_channel_finalize (GObject *object)
{
  TetherSpiceChannelPrivate *priv = PRIV (TETHER_SPICE_CHANNEL (object));

  g_clear_error (&priv->error);
  g_main_context_unref (priv->context);
  g_array_unref (priv->common_caps);
  g_array_unref (priv->channel_caps);
  g_array_unref (priv->remote_common_caps);
  g_array_unref (priv->remote_channel_caps);
  G_OBJECT_CLASS (tether_spice_channel_parent_class)->finalize (object);
}

static void
tether_spice_channel_class_init (TetherSpiceChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_spice_channel_get_property;
  object_class->set_property = tether_spice_channel_set_property;
  object_class->dispose = tether_spice_channel_dispose;
  object_class->finalize = tether_spice_channel_finalize;

  /**
   * TetherSpiceChannel:channel-type:
   *
   * The channel's type, a [enum@SpiceChannelType] value.
   */
  properties[PROP_CHANNEL_TYPE] = g_param_spec_int ("channel-type", NULL, NULL, -1, G_MAXINT, -1, co);
  /**
   * TetherSpiceChannel:channel-id:
   *
   * The channel's id among the channels of its type.
   */
  properties[PROP_CHANNEL_ID] = g_param_spec_int ("channel-id", NULL, NULL, -1, G_MAXINT, -1, co);
  /**
   * TetherSpiceChannel:spice-session:
   *
   * The session the channel belongs to; %NULL once the session destroyed
   * the channel.
   */
  properties[PROP_SPICE_SESSION] = g_param_spec_object ("spice-session", NULL, NULL, TETHER_TYPE_SPICE_SESSION, co);
  /**
   * TetherSpiceChannel:total-read-bytes:
   *
   * Bytes read from the server so far. Not notified.
   */
  properties[PROP_TOTAL_READ_BYTES] = g_param_spec_uint64 ("total-read-bytes", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /**
   * TetherSpiceChannel:socket:
   *
   * The socket of the current connection, or %NULL.
   */
  properties[PROP_SOCKET] = g_param_spec_object ("socket", NULL, NULL, G_TYPE_SOCKET, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSpiceChannel::channel-event:
   * @channel: the channel
   * @event: what happened
   *
   * The channel opened, closed or failed. After an error event,
   * [method@SpiceChannel.get_error] gives the reason.
   */
  signals[SIGNAL_CHANNEL_EVENT] = g_signal_new ("channel-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                TETHER_TYPE_SPICE_CHANNEL_EVENT);
  /**
   * TetherSpiceChannel::open-fd:
   * @channel: the channel
   * @with_tls: whether the channel would use TLS (informational: Tether does
   *   no TLS over application sockets)
   *
   * The channel needs a socket from the application (the session has
   * [property@SpiceSession:client-sockets]): answer with
   * [method@SpiceChannel.open_fd], now or later.
   */
  signals[SIGNAL_OPEN_FD] = g_signal_new ("open-fd", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
tether_spice_channel_init (TetherSpiceChannel *self)
{
  TetherSpiceChannelPrivate *priv = PRIV (self);
  guint32 common = LOCAL_COMMON_CAPS;

  priv->context = g_main_context_ref_thread_default ();
  priv->type = -1;
  priv->id = -1;
  priv->pending_fd = -1;
  priv->state = TETHER_SPICE_CHANNEL_STATE_UNCONNECTED;
  g_queue_init (&priv->write_queue);
  g_queue_init (&priv->flush_tasks);
  priv->common_caps = g_array_new (FALSE, TRUE, sizeof (guint32));
  g_array_append_val (priv->common_caps, common);
  priv->channel_caps = g_array_new (FALSE, TRUE, sizeof (guint32));
  priv->remote_common_caps = g_array_new (FALSE, TRUE, sizeof (guint32));
  priv->remote_channel_caps = g_array_new (FALSE, TRUE, sizeof (guint32));
}
