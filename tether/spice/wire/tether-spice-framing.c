/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-framing-private.h"

gboolean
tether_spice_mini_header_decode (const guint8 *data, gsize len,
                                 TetherSpiceDataHeader *out, GError **error)
{
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init (&r, data, len);
  tether_reader_u16_le (&r, &out->type);
  tether_reader_u32_le (&r, &out->size);
  return tether_spice_wire_finish (&r, TRUE, "SPICE mini data header", error);
}

gboolean
tether_spice_full_header_decode (const guint8 *data, gsize len,
                                 TetherSpiceDataHeader *out, GError **error)
{
  static const char what[] = "SPICE data header";
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init (&r, data, len);
  tether_reader_u64_le (&r, &out->serial);
  tether_reader_u16_le (&r, &out->type);
  tether_reader_u32_le (&r, &out->size);
  tether_reader_u32_le (&r, &out->sub_list);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  /* The list starts with a u16 count, so it needs 2 bytes inside the body. */
  if (out->sub_list != 0 && (out->sub_list >= out->size || out->size - out->sub_list < 2))
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "sub-message list at %u is outside a body of %u bytes",
                                    out->sub_list, out->size);
  return TRUE;
}

void
tether_spice_mini_header_encode (TetherWriter *w, guint16 type, guint32 size)
{
  tether_writer_u16_le (w, type);
  tether_writer_u32_le (w, size);
}

void
tether_spice_full_header_encode (TetherWriter *w, guint64 serial, guint16 type,
                                 guint32 size, guint32 sub_list)
{
  tether_writer_u64_le (w, serial);
  tether_writer_u16_le (w, type);
  tether_writer_u32_le (w, size);
  tether_writer_u32_le (w, sub_list);
}

GBytes *
tether_spice_message_frame (gboolean mini_header, guint64 serial,
                            guint16 type, GBytes *body)
{
  TetherWriter w;
  gsize len = 0;
  const guint8 *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  g_return_val_if_fail (len <= G_MAXUINT32, NULL);
  tether_writer_init (&w);
  if (mini_header)
    tether_spice_mini_header_encode (&w, type, (guint32) len);
  else
    tether_spice_full_header_encode (&w, serial, type, (guint32) len, 0);
  tether_writer_bytes (&w, data, len);
  return tether_spice_wire_take_bytes (&w);
}

static guint32
channel_max_size (guint8 channel_type)
{
  switch (channel_type)
    {
    case TETHER_SPICE_WIRE_CHANNEL_MAIN: return TETHER_SPICE_MAX_MAIN_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_DISPLAY: return TETHER_SPICE_MAX_DISPLAY_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_CURSOR: return TETHER_SPICE_MAX_CURSOR_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_INPUTS: return TETHER_SPICE_MAX_INPUTS_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_PLAYBACK: return TETHER_SPICE_MAX_PLAYBACK_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_RECORD: return TETHER_SPICE_MAX_RECORD_MESSAGE_SIZE;
    case TETHER_SPICE_WIRE_CHANNEL_SMARTCARD:
    case TETHER_SPICE_WIRE_CHANNEL_USBREDIR:
    case TETHER_SPICE_WIRE_CHANNEL_PORT:
    case TETHER_SPICE_WIRE_CHANNEL_WEBDAV:
      return TETHER_SPICE_MAX_SPICEVMC_MESSAGE_SIZE;
    default:
      return TETHER_SPICE_MAX_OTHER_MESSAGE_SIZE;
    }
}

/* Sizes of the server messages every channel may get (§4.4); LIST and
 * unknown types get the channel's limit. */
static guint32
common_max_size (guint8 channel_type, guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_MIGRATE: return 4;
    case TETHER_SPICE_MSG_MIGRATE_DATA: return TETHER_SPICE_MAX_MIGRATE_DATA_SIZE;
    case TETHER_SPICE_MSG_SET_ACK: return 8;
    case TETHER_SPICE_MSG_PING: return 12 + TETHER_SPICE_MAX_PING_DATA_SIZE;
    case TETHER_SPICE_MSG_WAIT_FOR_CHANNELS: return 1 + 10 * TETHER_SPICE_MAX_WAIT_CHANNELS;
    case TETHER_SPICE_MSG_DISCONNECTING: return 12;
    /* The counted text plus the NUL the server appends. */
    case TETHER_SPICE_MSG_NOTIFY: return 24 + TETHER_SPICE_MAX_NOTIFY_MESSAGE_LENGTH + 1;
    default: return channel_max_size (channel_type);
    }
}

static guint32
main_max_size (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_END:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK:
      return 0;
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED:
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
    case TETHER_SPICE_MSG_MAIN_MOUSE_MODE:
      return 4;
    case TETHER_SPICE_MSG_MAIN_UUID:
      return TETHER_SPICE_UUID_SIZE;
    case TETHER_SPICE_MSG_MAIN_INIT:
      return TETHER_SPICE_MAIN_INIT_SIZE;
    case TETHER_SPICE_MSG_MAIN_CHANNELS_LIST:
      return 4 + 2 * TETHER_SPICE_MAX_CHANNELS;
    case TETHER_SPICE_MSG_MAIN_AGENT_DATA:
      return TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE;
    case TETHER_SPICE_MSG_MAIN_NAME:
      return 4 + TETHER_SPICE_MAX_NAME_LENGTH;
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST:
      return TETHER_SPICE_MIGRATE_DST_INFO_SIZE + TETHER_SPICE_MAX_HOST_LENGTH
             + TETHER_SPICE_MAX_CERT_SUBJECT_LENGTH;
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS:
      return TETHER_SPICE_MIGRATE_DST_INFO_SIZE + 4 + TETHER_SPICE_MAX_HOST_LENGTH
             + TETHER_SPICE_MAX_CERT_SUBJECT_LENGTH;
    default:
      return TETHER_SPICE_MAX_MAIN_MESSAGE_SIZE;
    }
}

guint32
tether_spice_message_max_size (guint8 channel_type, guint16 type)
{
  if (type < TETHER_SPICE_MSG_BASE_LAST)
    return common_max_size (channel_type, type);
  if (channel_type == TETHER_SPICE_WIRE_CHANNEL_MAIN)
    return main_max_size (type);
  return channel_max_size (channel_type);
}

gboolean
tether_spice_message_check_size (guint8 channel_type, guint16 type,
                                 guint32 size, GError **error)
{
  guint32 max = tether_spice_message_max_size (channel_type, type);
  const char *name = tether_spice_message_name (channel_type, type);
  const char *channel = tether_spice_channel_type_name (channel_type);
  g_autofree char *what = NULL;

  if (size <= max)
    return TRUE;
  if (name != NULL)
    what = g_strdup_printf ("SPICE message %s", name);
  else
    what = g_strdup_printf ("SPICE %s message %u", channel != NULL ? channel : "channel", type);
  return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                  "body of %u bytes is over the limit of %u", size, max);
}

static void
sub_message_clear (gpointer p)
{
  TetherSpiceSubMessage *sub = p;

  g_clear_pointer (&sub->body, g_bytes_unref);
}

GArray *
tether_spice_sub_messages_parse (guint8 channel_type, GBytes *body,
                                 guint32 list_offset, gsize *main_len,
                                 GError **error)
{
  static const char what[] = "SPICE sub-message list";
  g_autoptr(GArray) subs = NULL;
  TetherReader msg, list;
  guint16 count = 0;
  gsize body_len = g_bytes_get_size (body);
  gsize first = list_offset;

  tether_reader_init_bytes (&msg, body);
  /* The list: u16 count, then count u32 body offsets. */
  if (tether_reader_at (&msg, list_offset, body_len - MIN (body_len, list_offset), &list))
    tether_reader_u16_le (&list, &count);
  if (!tether_spice_wire_finish (&msg, FALSE, what, error) ||
      !tether_spice_wire_finish (&list, FALSE, what, error))
    return NULL;
  if (count > TETHER_SPICE_MAX_SUB_MESSAGES)
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                               "%u sub-messages, over the limit of %u",
                               count, TETHER_SPICE_MAX_SUB_MESSAGES);
      return NULL;
    }
  if (!tether_reader_can_hold (&list, count, 4))
    {
      tether_spice_wire_finish (&list, FALSE, what, error);
      return NULL;
    }

  subs = g_array_sized_new (FALSE, TRUE, sizeof (TetherSpiceSubMessage), count);
  g_array_set_clear_func (subs, sub_message_clear);
  for (guint i = 0; i < count; i++)
    {
      TetherSpiceSubMessage sub = { 0 };
      TetherReader head, sub_body;
      guint32 offset, size = 0;

      tether_reader_u32_le (&list, &offset);
      if (tether_reader_at (&msg, offset, TETHER_SPICE_SUB_MESSAGE_HEADER_SIZE, &head))
        {
          tether_reader_u16_le (&head, &sub.type);
          tether_reader_u32_le (&head, &size);
          tether_reader_at (&msg, (guint64) offset + TETHER_SPICE_SUB_MESSAGE_HEADER_SIZE,
                            size, &sub_body);
        }
      if (!tether_spice_wire_finish (&list, FALSE, what, error) ||
          !tether_spice_wire_finish (&msg, FALSE, what, error))
        {
          g_prefix_error (error, "sub-message %u: ", i);
          return NULL;
        }
      if (sub.type == TETHER_SPICE_MSG_LIST)
        {
          tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                   "sub-message %u is itself a list", i);
          return NULL;
        }
      if (!tether_spice_message_check_size (channel_type, sub.type, size, error))
        {
          g_prefix_error (error, "%s: sub-message %u: ", what, i);
          return NULL;
        }
      first = MIN (first, offset);
      sub.body = g_bytes_new_from_bytes (body, (gsize) offset + TETHER_SPICE_SUB_MESSAGE_HEADER_SIZE,
                                         size);
      g_array_append_val (subs, sub);
    }
  /* The main message's own data comes before its sub-messages and list;
   * MSG_LIST (list at offset 0) has none. */
  if (main_len != NULL)
    *main_len = first;
  return g_steal_pointer (&subs);
}
