/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-common-messages-private.h"
#include "tether-writer-private.h"

gboolean
tether_spice_msg_empty_decode (GBytes *body, const char *what, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  return tether_spice_wire_finish (&r, TRUE, what, error);
}

gboolean
tether_spice_msg_migrate_decode (GBytes *body, guint32 *flags, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, flags);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message MIGRATE", error);
}

gboolean
tether_spice_msg_migrate_data_decode (GBytes *body, GBytes **data, GError **error)
{
  gsize len = g_bytes_get_size (body);

  *data = NULL;
  if (len > TETHER_SPICE_MAX_MIGRATE_DATA_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                                    "SPICE message MIGRATE_DATA",
                                    "%" G_GSIZE_FORMAT " bytes, over the limit of %u",
                                    len, TETHER_SPICE_MAX_MIGRATE_DATA_SIZE);
  *data = g_bytes_ref (body);
  return TRUE;
}

gboolean
tether_spice_msg_set_ack_decode (GBytes *body, TetherSpiceMsgSetAck *out, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->generation);
  tether_reader_u32_le (&r, &out->window);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message SET_ACK", error);
}

void
tether_spice_msg_ping_clear (TetherSpiceMsgPing *ping)
{
  g_clear_pointer (&ping->data, g_bytes_unref);
}

gboolean
tether_spice_msg_ping_decode (GBytes *body, TetherSpiceMsgPing *out, GError **error)
{
  static const char what[] = "SPICE message PING";
  TetherReader r;
  gsize rest;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->id);
  tether_reader_u64_le (&r, &out->timestamp);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  /* The rest of the body is padding for the bandwidth test. */
  rest = tether_reader_remaining (&r);
  if (rest > TETHER_SPICE_MAX_PING_DATA_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%" G_GSIZE_FORMAT " bytes of data, over the limit of %u",
                                    rest, TETHER_SPICE_MAX_PING_DATA_SIZE);
  out->data = g_bytes_new_from_bytes (body, tether_reader_offset (&r), rest);
  return TRUE;
}

void
tether_spice_msg_wait_for_channels_clear (TetherSpiceMsgWaitForChannels *wait)
{
  g_clear_pointer (&wait->channels, g_free);
  wait->n_channels = 0;
}

gboolean
tether_spice_msg_wait_for_channels_decode (GBytes *body, TetherSpiceMsgWaitForChannels *out,
                                           GError **error)
{
  static const char what[] = "SPICE message WAIT_FOR_CHANNELS";
  TetherReader r;
  guint8 count;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u8 (&r, &count);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  if (count > TETHER_SPICE_MAX_WAIT_CHANNELS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%u channels, over the limit of %u",
                                    count, TETHER_SPICE_MAX_WAIT_CHANNELS);
  /* Each entry: u8 type, u8 id, u64 serial. */
  if (!tether_reader_can_hold (&r, count, 10))
    return tether_spice_wire_finish (&r, TRUE, what, error);
  out->channels = g_new0 (TetherSpiceWaitForChannel, MAX (count, 1));
  out->n_channels = count;
  for (guint i = 0; i < count; i++)
    {
      tether_reader_u8 (&r, &out->channels[i].channel_type);
      tether_reader_u8 (&r, &out->channels[i].channel_id);
      tether_reader_u64_le (&r, &out->channels[i].message_serial);
    }
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    {
      tether_spice_msg_wait_for_channels_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_msg_disconnecting_decode (GBytes *body, TetherSpiceMsgDisconnecting *out,
                                       GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u64_le (&r, &out->time_stamp);
  tether_reader_u32_le (&r, &out->reason);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISCONNECTING", error);
}

void
tether_spice_msg_notify_clear (TetherSpiceMsgNotify *notify)
{
  g_clear_pointer (&notify->message, g_free);
}

gboolean
tether_spice_msg_notify_decode (GBytes *body, TetherSpiceMsgNotify *out, GError **error)
{
  static const char what[] = "SPICE message NOTIFY";
  TetherReader r;
  guint32 len;
  const guint8 *text;
  guint8 terminator;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u64_le (&r, &out->time_stamp);
  tether_reader_u32_le (&r, &out->severity);
  tether_reader_u32_le (&r, &out->visibility);
  tether_reader_u32_le (&r, &out->what);
  tether_reader_u32_le (&r, &len);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  if (len > TETHER_SPICE_MAX_NOTIFY_MESSAGE_LENGTH)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "text of %u bytes, over the limit of %u",
                                    len, TETHER_SPICE_MAX_NOTIFY_MESSAGE_LENGTH);
  tether_reader_borrow (&r, len, &text);
  /* spice-server appends a NUL after the counted bytes; allow it. */
  if (tether_reader_remaining (&r) == 1)
    {
      tether_reader_u8 (&r, &terminator);
      if (terminator != 0)
        return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                        "text is followed by byte 0x%02x, not a NUL",
                                        terminator);
    }
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;

  switch (out->severity)
    {
    case TETHER_SPICE_NOTIFY_SEVERITY_INFO:
    case TETHER_SPICE_NOTIFY_SEVERITY_WARN:
    case TETHER_SPICE_NOTIFY_SEVERITY_ERROR:
      break;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                      "unknown severity %u", out->severity);
    }
  switch (out->visibility)
    {
    case TETHER_SPICE_NOTIFY_VISIBILITY_LOW:
    case TETHER_SPICE_NOTIFY_VISIBILITY_MEDIUM:
    case TETHER_SPICE_NOTIFY_VISIBILITY_HIGH:
      break;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                      "unknown visibility %u", out->visibility);
    }

  /* Text for a person: stop at an embedded NUL, repair invalid UTF-8. */
  if (len > 0)
    len = (guint32) strnlen ((const char *) text, len);
  out->message = len > 0 ? g_utf8_make_valid ((const char *) text, len) : g_strdup ("");
  return TRUE;
}

/* ---- client -> server --------------------------------------------------- */

static GBytes *
empty_body (void)
{
  return g_bytes_new (NULL, 0);
}

GBytes *
tether_spice_msgc_ack_sync_encode (guint32 generation)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, generation);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_ack_encode (void)
{
  return empty_body ();
}

GBytes *
tether_spice_msgc_pong_encode (guint32 id, guint64 timestamp)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, id);
  tether_writer_u64_le (&w, timestamp);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_migrate_flush_mark_encode (void)
{
  return empty_body ();
}

GBytes *
tether_spice_msgc_migrate_data_encode (GBytes *data)
{
  g_return_val_if_fail (data != NULL, NULL);
  return g_bytes_ref (data);
}

GBytes *
tether_spice_msgc_disconnecting_encode (guint64 time_stamp, guint32 reason)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u64_le (&w, time_stamp);
  tether_writer_u32_le (&w, reason);
  return tether_spice_wire_take_bytes (&w);
}
