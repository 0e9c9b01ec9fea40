/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include "tether-spice-wire-private.h"

gboolean
tether_spice_wire_error (GError **error, TetherSpiceError code, const char *what,
                         const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TETHER_SPICE_ERROR, code, "%s: %s", what, text);
  return FALSE;
}

gboolean
tether_spice_wire_finish (const TetherReader *r, gboolean exact, const char *what,
                          GError **error)
{
  if (tether_reader_finish_full (r, exact, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, error))
    return TRUE;
  g_prefix_error (error, "%s: ", what);
  return FALSE;
}

gboolean
tether_spice_caps_test (const guint32 *caps, gsize n_words, guint cap)
{
  if (caps == NULL || cap / 32u >= n_words)
    return FALSE;
  return (caps[cap / 32u] >> (cap % 32u)) & 1u;
}

void
tether_spice_caps_set (guint32 *caps, gsize n_words, guint cap)
{
  g_return_if_fail (caps != NULL);
  g_return_if_fail (cap / 32u < n_words);
  caps[cap / 32u] |= 1u << (cap % 32u);
}

const char *
tether_spice_channel_type_name (guint8 channel_type)
{
  switch (channel_type)
    {
    case TETHER_SPICE_WIRE_CHANNEL_MAIN: return "main";
    case TETHER_SPICE_WIRE_CHANNEL_DISPLAY: return "display";
    case TETHER_SPICE_WIRE_CHANNEL_INPUTS: return "inputs";
    case TETHER_SPICE_WIRE_CHANNEL_CURSOR: return "cursor";
    case TETHER_SPICE_WIRE_CHANNEL_PLAYBACK: return "playback";
    case TETHER_SPICE_WIRE_CHANNEL_RECORD: return "record";
    case TETHER_SPICE_WIRE_CHANNEL_TUNNEL: return "tunnel";
    case TETHER_SPICE_WIRE_CHANNEL_SMARTCARD: return "smartcard";
    case TETHER_SPICE_WIRE_CHANNEL_USBREDIR: return "usbredir";
    case TETHER_SPICE_WIRE_CHANNEL_PORT: return "port";
    case TETHER_SPICE_WIRE_CHANNEL_WEBDAV: return "webdav";
    default: return NULL;
    }
}

static const char *
common_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_MIGRATE: return "MIGRATE";
    case TETHER_SPICE_MSG_MIGRATE_DATA: return "MIGRATE_DATA";
    case TETHER_SPICE_MSG_SET_ACK: return "SET_ACK";
    case TETHER_SPICE_MSG_PING: return "PING";
    case TETHER_SPICE_MSG_WAIT_FOR_CHANNELS: return "WAIT_FOR_CHANNELS";
    case TETHER_SPICE_MSG_DISCONNECTING: return "DISCONNECTING";
    case TETHER_SPICE_MSG_NOTIFY: return "NOTIFY";
    case TETHER_SPICE_MSG_LIST: return "LIST";
    default: return NULL;
    }
}

static const char *
main_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN: return "MAIN_MIGRATE_BEGIN";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL: return "MAIN_MIGRATE_CANCEL";
    case TETHER_SPICE_MSG_MAIN_INIT: return "MAIN_INIT";
    case TETHER_SPICE_MSG_MAIN_CHANNELS_LIST: return "MAIN_CHANNELS_LIST";
    case TETHER_SPICE_MSG_MAIN_MOUSE_MODE: return "MAIN_MOUSE_MODE";
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME: return "MAIN_MULTI_MEDIA_TIME";
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED: return "MAIN_AGENT_CONNECTED";
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED: return "MAIN_AGENT_DISCONNECTED";
    case TETHER_SPICE_MSG_MAIN_AGENT_DATA: return "MAIN_AGENT_DATA";
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN: return "MAIN_AGENT_TOKEN";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST: return "MAIN_MIGRATE_SWITCH_HOST";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_END: return "MAIN_MIGRATE_END";
    case TETHER_SPICE_MSG_MAIN_NAME: return "MAIN_NAME";
    case TETHER_SPICE_MSG_MAIN_UUID: return "MAIN_UUID";
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS: return "MAIN_AGENT_CONNECTED_TOKENS";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS: return "MAIN_MIGRATE_BEGIN_SEAMLESS";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK: return "MAIN_MIGRATE_DST_SEAMLESS_ACK";
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK: return "MAIN_MIGRATE_DST_SEAMLESS_NACK";
    default: return NULL;
    }
}

static const char *
display_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_MODE: return "DISPLAY_MODE";
    case TETHER_SPICE_MSG_DISPLAY_MARK: return "DISPLAY_MARK";
    case TETHER_SPICE_MSG_DISPLAY_RESET: return "DISPLAY_RESET";
    case TETHER_SPICE_MSG_DISPLAY_COPY_BITS: return "DISPLAY_COPY_BITS";
    case TETHER_SPICE_MSG_DISPLAY_INVAL_LIST: return "DISPLAY_INVAL_LIST";
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS: return "DISPLAY_INVAL_ALL_PIXMAPS";
    case TETHER_SPICE_MSG_DISPLAY_INVAL_PALETTE: return "DISPLAY_INVAL_PALETTE";
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES: return "DISPLAY_INVAL_ALL_PALETTES";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE: return "DISPLAY_STREAM_CREATE";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA: return "DISPLAY_STREAM_DATA";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP: return "DISPLAY_STREAM_CLIP";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY: return "DISPLAY_STREAM_DESTROY";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL: return "DISPLAY_STREAM_DESTROY_ALL";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL: return "DISPLAY_DRAW_FILL";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE: return "DISPLAY_DRAW_OPAQUE";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY: return "DISPLAY_DRAW_COPY";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND: return "DISPLAY_DRAW_BLEND";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS: return "DISPLAY_DRAW_BLACKNESS";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS: return "DISPLAY_DRAW_WHITENESS";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS: return "DISPLAY_DRAW_INVERS";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3: return "DISPLAY_DRAW_ROP3";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE: return "DISPLAY_DRAW_STROKE";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT: return "DISPLAY_DRAW_TEXT";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT: return "DISPLAY_DRAW_TRANSPARENT";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND: return "DISPLAY_DRAW_ALPHA_BLEND";
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_CREATE: return "DISPLAY_SURFACE_CREATE";
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_DESTROY: return "DISPLAY_SURFACE_DESTROY";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED: return "DISPLAY_STREAM_DATA_SIZED";
    case TETHER_SPICE_MSG_DISPLAY_MONITORS_CONFIG: return "DISPLAY_MONITORS_CONFIG";
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE: return "DISPLAY_DRAW_COMPOSITE";
    case TETHER_SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT: return "DISPLAY_STREAM_ACTIVATE_REPORT";
    case TETHER_SPICE_MSG_DISPLAY_GL_SCANOUT_UNIX: return "DISPLAY_GL_SCANOUT_UNIX";
    case TETHER_SPICE_MSG_DISPLAY_GL_DRAW: return "DISPLAY_GL_DRAW";
    case TETHER_SPICE_MSG_DISPLAY_QUALITY_INDICATOR: return "DISPLAY_QUALITY_INDICATOR";
    default: return NULL;
    }
}

static const char *
inputs_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_INPUTS_INIT: return "INPUTS_INIT";
    case TETHER_SPICE_MSG_INPUTS_KEY_MODIFIERS: return "INPUTS_KEY_MODIFIERS";
    case TETHER_SPICE_MSG_INPUTS_MOUSE_MOTION_ACK: return "INPUTS_MOUSE_MOTION_ACK";
    default: return NULL;
    }
}

static const char *
cursor_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_CURSOR_INIT: return "CURSOR_INIT";
    case TETHER_SPICE_MSG_CURSOR_RESET: return "CURSOR_RESET";
    case TETHER_SPICE_MSG_CURSOR_SET: return "CURSOR_SET";
    case TETHER_SPICE_MSG_CURSOR_MOVE: return "CURSOR_MOVE";
    case TETHER_SPICE_MSG_CURSOR_HIDE: return "CURSOR_HIDE";
    case TETHER_SPICE_MSG_CURSOR_TRAIL: return "CURSOR_TRAIL";
    case TETHER_SPICE_MSG_CURSOR_INVAL_ONE: return "CURSOR_INVAL_ONE";
    case TETHER_SPICE_MSG_CURSOR_INVAL_ALL: return "CURSOR_INVAL_ALL";
    default: return NULL;
    }
}

static const char *
playback_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_PLAYBACK_DATA: return "PLAYBACK_DATA";
    case TETHER_SPICE_MSG_PLAYBACK_MODE: return "PLAYBACK_MODE";
    case TETHER_SPICE_MSG_PLAYBACK_START: return "PLAYBACK_START";
    case TETHER_SPICE_MSG_PLAYBACK_STOP: return "PLAYBACK_STOP";
    case TETHER_SPICE_MSG_PLAYBACK_VOLUME: return "PLAYBACK_VOLUME";
    case TETHER_SPICE_MSG_PLAYBACK_MUTE: return "PLAYBACK_MUTE";
    case TETHER_SPICE_MSG_PLAYBACK_LATENCY: return "PLAYBACK_LATENCY";
    default: return NULL;
    }
}

static const char *
record_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_RECORD_START: return "RECORD_START";
    case TETHER_SPICE_MSG_RECORD_STOP: return "RECORD_STOP";
    case TETHER_SPICE_MSG_RECORD_VOLUME: return "RECORD_VOLUME";
    case TETHER_SPICE_MSG_RECORD_MUTE: return "RECORD_MUTE";
    default: return NULL;
    }
}

static const char *
spicevmc_name (guint8 channel_type, guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_SPICEVMC_DATA: return "SPICEVMC_DATA";
    case TETHER_SPICE_MSG_SPICEVMC_COMPRESSED_DATA: return "SPICEVMC_COMPRESSED_DATA";
    case TETHER_SPICE_MSG_PORT_INIT:
      return channel_type == TETHER_SPICE_WIRE_CHANNEL_USBREDIR ? NULL : "PORT_INIT";
    case TETHER_SPICE_MSG_PORT_EVENT:
      return channel_type == TETHER_SPICE_WIRE_CHANNEL_USBREDIR ? NULL : "PORT_EVENT";
    default: return NULL;
    }
}

const char *
tether_spice_message_name (guint8 channel_type, guint16 type)
{
  if (type < TETHER_SPICE_MSG_BASE_LAST)
    return common_name (type);
  switch (channel_type)
    {
    case TETHER_SPICE_WIRE_CHANNEL_MAIN: return main_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_DISPLAY: return display_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_INPUTS: return inputs_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_CURSOR: return cursor_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_PLAYBACK: return playback_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_RECORD: return record_name (type);
    case TETHER_SPICE_WIRE_CHANNEL_SMARTCARD:
      return type == TETHER_SPICE_MSG_SMARTCARD_DATA ? "SMARTCARD_DATA" : NULL;
    case TETHER_SPICE_WIRE_CHANNEL_USBREDIR:
    case TETHER_SPICE_WIRE_CHANNEL_PORT:
    case TETHER_SPICE_WIRE_CHANNEL_WEBDAV:
      return spicevmc_name (channel_type, type);
    default:
      return NULL;
    }
}

static const char *
common_c_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSGC_ACK_SYNC: return "ACK_SYNC";
    case TETHER_SPICE_MSGC_ACK: return "ACK";
    case TETHER_SPICE_MSGC_PONG: return "PONG";
    case TETHER_SPICE_MSGC_MIGRATE_FLUSH_MARK: return "MIGRATE_FLUSH_MARK";
    case TETHER_SPICE_MSGC_MIGRATE_DATA: return "MIGRATE_DATA";
    case TETHER_SPICE_MSGC_DISCONNECTING: return "DISCONNECTING";
    default: return NULL;
    }
}

static const char *
main_c_name (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSGC_MAIN_CLIENT_INFO: return "MAIN_CLIENT_INFO";
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECTED: return "MAIN_MIGRATE_CONNECTED";
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR: return "MAIN_MIGRATE_CONNECT_ERROR";
    case TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS: return "MAIN_ATTACH_CHANNELS";
    case TETHER_SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST: return "MAIN_MOUSE_MODE_REQUEST";
    case TETHER_SPICE_MSGC_MAIN_AGENT_START: return "MAIN_AGENT_START";
    case TETHER_SPICE_MSGC_MAIN_AGENT_DATA: return "MAIN_AGENT_DATA";
    case TETHER_SPICE_MSGC_MAIN_AGENT_TOKEN: return "MAIN_AGENT_TOKEN";
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_END: return "MAIN_MIGRATE_END";
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_DST_DO_SEAMLESS: return "MAIN_MIGRATE_DST_DO_SEAMLESS";
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECTED_SEAMLESS: return "MAIN_MIGRATE_CONNECTED_SEAMLESS";
    case TETHER_SPICE_MSGC_MAIN_QUALITY_INDICATOR: return "MAIN_QUALITY_INDICATOR";
    default: return NULL;
    }
}

const char *
tether_spice_message_c_name (guint8 channel_type, guint16 type)
{
  if (type < TETHER_SPICE_MSG_BASE_LAST)
    return common_c_name (type);
  if (channel_type == TETHER_SPICE_WIRE_CHANNEL_MAIN)
    return main_c_name (type);
  /* The other channels' client messages are named by their own code. */
  return NULL;
}
