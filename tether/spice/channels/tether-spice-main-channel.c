/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-main-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-main-messages-private.h"
#include "tether-spice-link-private.h"
#include "tether-spice-common-messages-private.h"

/**
 * TetherSpiceMainChannel:
 *
 * The main channel of a [class@SpiceSession] (type 1), linked first: it
 * brings the session id, the VM's name and UUID, the list of the other
 * channels, the mouse mode, the multimedia clock and the guest agent's
 * state.
 *
 * On the server's INIT it stores the session id, asks for client (absolute)
 * mouse mode when the server offers it, sets the session's multimedia
 * clock, starts the agent if it is connected and asks for the channel list;
 * each entry of CHANNELS_LIST that Tether implements and the session
 * enables becomes a [signal@SpiceSession::channel-new], and the whole list,
 * implemented or not, is kept in [property@SpiceMainChannel:channel-list].
 * Migration requests
 * are recognised and refused (Tether does not migrate): the server is told
 * the connection to the destination failed.
 */

struct _TetherSpiceMainChannel {
  TetherSpiceChannel parent_instance;

  int                mouse_mode;
  gboolean           agent_connected;
  guint32            agent_tokens;     /* AGENT_DATA messages we may send */
  gboolean           got_init;         /* INIT comes first, exactly once */
  GVariant          *channel_list;     /* a(ii) from CHANNELS_LIST, or NULL */
};

enum {
  PROP_0,
  PROP_MOUSE_MODE,
  PROP_AGENT_CONNECTED,
  PROP_CHANNEL_LIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MAIN_MOUSE_UPDATE,
  SIGNAL_MAIN_AGENT_UPDATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherSpiceMainChannel, tether_spice_main_channel, TETHER_TYPE_SPICE_CHANNEL)

/* The main channel capabilities Tether announces: NAME_AND_UUID and
 * AGENT_CONNECTED_TOKENS. No migration capability: Tether does not migrate,
 * so it does not ask for the (semi-)seamless protocols. */
static void
main_fill_caps (TetherSpiceChannel *channel, GArray *caps)
{
  guint32 word = (1u << TETHER_SPICE_MAIN_CAP_NAME_AND_UUID) | (1u << TETHER_SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS);

  g_array_append_val (caps, word);
}

static void
set_mouse_mode (TetherSpiceMainChannel *self, int mode)
{
  if (self->mouse_mode == mode)
    return;
  self->mouse_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MOUSE_MODE]);
  g_signal_emit (self, signals[SIGNAL_MAIN_MOUSE_UPDATE], 0);
}

static void
set_agent (TetherSpiceMainChannel *self, gboolean connected)
{
  if (self->agent_connected == connected)
    return;
  self->agent_connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_CONNECTED]);
  g_signal_emit (self, signals[SIGNAL_MAIN_AGENT_UPDATE], 0);
}

static void
send_empty (TetherSpiceMainChannel *self, guint16 type)
{
  tether_spice_channel_send (TETHER_SPICE_CHANNEL (self), type, NULL);
}

/* The agent is there: grant the server unlimited AGENT_DATA tokens (as
 * spice-gtk does). */
static void
agent_start (TetherSpiceMainChannel *self, guint32 tokens)
{
  g_autoptr(GBytes) body = tether_spice_msgc_main_agent_start_encode (TETHER_SPICE_AGENT_TOKENS_UNLIMITED);

  self->agent_tokens = tokens;
  tether_spice_channel_send (TETHER_SPICE_CHANNEL (self), TETHER_SPICE_MSGC_MAIN_AGENT_START, body);
  set_agent (self, TRUE);
}

static void
request_client_mouse (TetherSpiceMainChannel *self, guint32 supported, guint32 current)
{
  if (current != TETHER_SPICE_MOUSE_MODE_CLIENT && (supported & TETHER_SPICE_MOUSE_MODE_CLIENT))
    {
      g_autoptr(GBytes) body = tether_spice_msgc_main_mouse_mode_request_encode (TETHER_SPICE_MOUSE_MODE_CLIENT);

      tether_spice_channel_send (TETHER_SPICE_CHANNEL (self), TETHER_SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST, body);
    }
}

static gboolean
handle_init (TetherSpiceMainChannel *self, TetherSpiceSession *session, GBytes *body, GError **error)
{
  TetherSpiceMsgMainInit init;

  if (!tether_spice_msg_main_init_decode (body, &init, error))
    return FALSE;
  self->got_init = TRUE;
  tether_spice_session_set_connection_id (session, init.session_id);
  tether_spice_session_set_caches_hints (session, init.ram_hint);
  set_mouse_mode (self, (int) init.current_mouse_mode);
  request_client_mouse (self, init.supported_mouse_modes, init.current_mouse_mode);
  tether_spice_session_set_mm_time (session, init.multi_media_time);
  if (init.agent_connected)
    agent_start (self, init.agent_tokens);
  else
    self->agent_tokens = init.agent_tokens;
  g_debug ("main channel: session %08x, mouse mode %u, agent %s, %u display(s) hinted", init.session_id,
           init.current_mouse_mode, init.agent_connected ? "connected" : "absent", init.display_channels_hint);
  send_empty (self, TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS);
  return TRUE;
}

static gboolean
handle_channels_list (TetherSpiceMainChannel *self, TetherSpiceSession *session, GBytes *body, GError **error)
{
  TetherSpiceMsgMainChannelsList list;
  guint generation = tether_spice_channel_get_generation (TETHER_SPICE_CHANNEL (self));

  GVariantBuilder builder;

  if (!tether_spice_msg_main_channels_list_decode (body, &list, error))
    return FALSE;
  /* The server's list as it came, for tools that report it: types Tether
   * does not know included. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ii)"));
  for (guint i = 0; i < list.n_channels; i++)
    g_variant_builder_add (&builder, "(ii)", (gint32) list.channels[i].type, (gint32) list.channels[i].id);
  g_clear_pointer (&self->channel_list, g_variant_unref);
  self->channel_list = g_variant_ref_sink (g_variant_builder_end (&builder));
  /* As spice-gtk: uuid is notified before the channels come, even if no
   * UUID message came. */
  tether_spice_session_notify_uuid (session);
  for (guint i = 0; i < list.n_channels; i++)
    {
      /* channel-new handlers may disconnect everything. */
      if (tether_spice_channel_get_generation (TETHER_SPICE_CHANNEL (self)) != generation ||
          tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self)) == NULL)
        break;
      tether_spice_session_add_channel (session, list.channels[i].type, list.channels[i].id);
    }
  tether_spice_msg_main_channels_list_clear (&list);
  /* After the channel-new signals, so that a notify handler sees the
   * channels the list brought. */
  if (tether_spice_channel_get_generation (TETHER_SPICE_CHANNEL (self)) == generation)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL_LIST]);
  return TRUE;
}

static gboolean
handle_migrate (TetherSpiceMainChannel *self, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceMsgMainMigrate migrate;
  g_autoptr(GError) why = NULL;

  if (!tether_spice_msg_main_migrate_decode (type, body, &migrate, error))
    return FALSE;
  tether_spice_migration_unsupported (&migrate, &why);
  g_info ("main channel: %s", why->message);
  tether_spice_msg_main_migrate_clear (&migrate);
  /* Tell a (semi-)seamless source that the destination is out of reach, so
   * it carries on without us. A host switch needs no answer. */
  if (type != TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST)
    send_empty (self, TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR);
  return TRUE;
}

static gboolean
main_handle_message (TetherSpiceChannel *channel, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceMainChannel *self = TETHER_SPICE_MAIN_CHANNEL (channel);
  TetherSpiceSession *session = tether_spice_channel_peek_session (channel);
  guint32 value;

  if (session == NULL)
    return TRUE;
  /* The state filter: INIT first, and only once per connection. */
  if (!self->got_init && type != TETHER_SPICE_MSG_MAIN_INIT)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "The server sent %s before MAIN_INIT",
                        tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type) != NULL
                          ? tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type) : "a message"),
           FALSE;

  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_INIT:
      if (self->got_init)
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                            "The server sent MAIN_INIT twice"), FALSE;
      return handle_init (self, session, body, error);
    case TETHER_SPICE_MSG_MAIN_CHANNELS_LIST:
      return handle_channels_list (self, session, body, error);
    case TETHER_SPICE_MSG_MAIN_MOUSE_MODE:
      {
        TetherSpiceMsgMainMouseMode mode;

        if (!tether_spice_msg_main_mouse_mode_decode (body, &mode, error))
          return FALSE;
        set_mouse_mode (self, mode.current_mode);
        return TRUE;
      }
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
      if (!tether_spice_msg_main_u32_decode (type, body, &value, error))
        return FALSE;
      tether_spice_session_set_mm_time (session, value);
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED:
      if (!tether_spice_msg_empty_decode (body, "MAIN_AGENT_CONNECTED", error))
        return FALSE;
      agent_start (self, self->agent_tokens);
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
      if (!tether_spice_msg_main_u32_decode (type, body, &value, error))
        return FALSE;
      agent_start (self, value);
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED:
      if (!tether_spice_msg_main_u32_decode (type, body, &value, error))
        return FALSE;
      g_debug ("main channel: the agent disconnected (%s)", tether_spice_link_err_message (value));
      self->agent_tokens = 0;
      set_agent (self, FALSE);
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN:
      if (!tether_spice_msg_main_u32_decode (type, body, &value, error))
        return FALSE;
      self->agent_tokens = value > G_MAXUINT32 - self->agent_tokens ? G_MAXUINT32 : self->agent_tokens + value;
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_AGENT_DATA:
      {
        g_autoptr(GBytes) data = NULL;

        /* Checked, then dropped: Tether has no agent features yet, and the
         * server was granted unlimited tokens. */
        return tether_spice_msg_main_agent_data_decode (body, &data, error);
      }
    case TETHER_SPICE_MSG_MAIN_NAME:
      {
        g_autofree char *name = NULL;

        if (!tether_spice_msg_main_name_decode (body, &name, error))
          return FALSE;
        tether_spice_session_set_name (session, name);
        return TRUE;
      }
    case TETHER_SPICE_MSG_MAIN_UUID:
      {
        guint8 uuid[TETHER_SPICE_UUID_SIZE];

        if (!tether_spice_msg_main_uuid_decode (body, uuid, error))
          return FALSE;
        tether_spice_session_set_uuid (session, uuid);
        return TRUE;
      }
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST:
      return handle_migrate (self, type, body, error);
    case TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_END:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK:
      /* Only meaningful during a migration, which Tether never starts. */
      return tether_spice_msg_empty_decode (body, tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type),
                                            error);
    default:
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                          "Unknown main channel message %u", type), FALSE;
    }
}

static void
main_channel_reset (TetherSpiceChannel *channel)
{
  TetherSpiceMainChannel *self = TETHER_SPICE_MAIN_CHANNEL (channel);

  self->got_init = FALSE;
  self->agent_tokens = 0;
  /* Notifying from dispose would be wrong: just forget. */
  self->agent_connected = FALSE;
  g_clear_pointer (&self->channel_list, g_variant_unref);
}

static const TetherSpiceChannelOps main_ops = {
  .fill_caps = main_fill_caps,
  .handle_message = main_handle_message,
  .channel_reset = main_channel_reset,
};

/**
 * tether_spice_main_channel_get_mouse_mode:
 * @self: the main channel
 *
 * Returns: the server's current mouse mode: 1 (server: relative motion) or
 *   2 (client: absolute positions); 0 before the server said
 */
int
tether_spice_main_channel_get_mouse_mode (TetherSpiceMainChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_MAIN_CHANNEL (self), 0);
  return self->mouse_mode;
}

/**
 * tether_spice_main_channel_get_agent_connected:
 * @self: the main channel
 *
 * Returns: whether the guest agent is connected
 */
gboolean
tether_spice_main_channel_get_agent_connected (TetherSpiceMainChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_MAIN_CHANNEL (self), FALSE);
  return self->agent_connected;
}

/**
 * tether_spice_main_channel_dup_channel_list:
 * @self: the main channel
 *
 * The channels the server offered in its last CHANNELS_LIST message, as it
 * sent them: every entry is a `(type, id)` pair of integers, types Tether
 * does not implement (and types it does not know) included. The session
 * creates channels only for the entries Tether implements and the session
 * enables; this is the whole list, for tools that report it. spice-gtk has
 * no equivalent.
 *
 * Returns: (transfer full) (nullable): a #GVariant of type `a(ii)`, or %NULL
 *   before the list came on the current connection
 */
GVariant *
tether_spice_main_channel_dup_channel_list (TetherSpiceMainChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_MAIN_CHANNEL (self), NULL);
  return self->channel_list != NULL ? g_variant_ref (self->channel_list) : NULL;
}

static void
tether_spice_main_channel_finalize (GObject *object)
{
  TetherSpiceMainChannel *self = TETHER_SPICE_MAIN_CHANNEL (object);

  g_clear_pointer (&self->channel_list, g_variant_unref);
  G_OBJECT_CLASS (tether_spice_main_channel_parent_class)->finalize (object);
}

static void
tether_spice_main_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceMainChannel *self = TETHER_SPICE_MAIN_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_MOUSE_MODE: g_value_set_int (value, self->mouse_mode); break;
    case PROP_AGENT_CONNECTED: g_value_set_boolean (value, self->agent_connected); break;
    case PROP_CHANNEL_LIST: g_value_set_variant (value, self->channel_list); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_main_channel_class_init (TetherSpiceMainChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_spice_main_channel_get_property;
  object_class->finalize = tether_spice_main_channel_finalize;

  /**
   * TetherSpiceMainChannel:mouse-mode:
   *
   * The server's mouse mode: 1 server (relative), 2 client (absolute), 0
   * before it is known.
   */
  properties[PROP_MOUSE_MODE] = g_param_spec_int ("mouse-mode", NULL, NULL, 0, 2, 0, ro);
  /**
   * TetherSpiceMainChannel:agent-connected:
   *
   * Whether the guest agent is connected.
   */
  properties[PROP_AGENT_CONNECTED] = g_param_spec_boolean ("agent-connected", NULL, NULL, FALSE, ro);
  /**
   * TetherSpiceMainChannel:channel-list:
   *
   * The server's channel list as [method@SpiceMainChannel.dup_channel_list]
   * returns it (`a(ii)`, or %NULL before it came). Notified when the list
   * arrives, after the [signal@SpiceSession::channel-new] signals it caused.
   */
  properties[PROP_CHANNEL_LIST] = g_param_spec_variant ("channel-list", NULL, NULL, G_VARIANT_TYPE ("a(ii)"), NULL,
                                                        ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSpiceMainChannel::main-mouse-update:
   * @channel: the main channel
   *
   * The mouse mode changed.
   */
  signals[SIGNAL_MAIN_MOUSE_UPDATE] = g_signal_new ("main-mouse-update", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_FIRST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TetherSpiceMainChannel::main-agent-update:
   * @channel: the main channel
   *
   * The agent connected, disconnected or changed its state.
   */
  signals[SIGNAL_MAIN_AGENT_UPDATE] = g_signal_new ("main-agent-update", G_TYPE_FROM_CLASS (klass),
                                                    G_SIGNAL_RUN_FIRST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tether_spice_main_channel_init (TetherSpiceMainChannel *self)
{
  tether_spice_channel_set_ops (TETHER_SPICE_CHANNEL (self), &main_ops);
}
