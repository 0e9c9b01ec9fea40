/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include "tether-spice-main-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-session-private.h"

/**
 * TetherSpiceMainChannel:
 *
 * The main channel of a [class@SpiceSession] (type 1), linked first: it
 * brings the session id, the VM's name and UUID, the list of the other
 * channels, the mouse mode, the multimedia clock and the guest agent's
 * state.
 */

struct _TetherSpiceMainChannel {
  TetherSpiceChannel parent_instance;

  int                mouse_mode;
  gboolean           agent_connected;
};

enum {
  PROP_0,
  PROP_MOUSE_MODE,
  PROP_AGENT_CONNECTED,
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

static const TetherSpiceChannelOps main_ops = {
  NULL,
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

static void
tether_spice_main_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceMainChannel *self = TETHER_SPICE_MAIN_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_MOUSE_MODE: g_value_set_int (value, self->mouse_mode); break;
    case PROP_AGENT_CONNECTED: g_value_set_boolean (value, self->agent_connected); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_main_channel_class_init (TetherSpiceMainChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_spice_main_channel_get_property;

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
