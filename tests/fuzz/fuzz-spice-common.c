/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the messages every SPICE channel has, and the framing: byte 0
 * picks what to decode, byte 1 is a channel type for the size caps, the
 * rest is the input.
 */
#include "config.h"

#include "tether-spice-common-messages-private.h"
#include "tether-spice-framing-private.h"
#include "fuzz-common.h"

static void
check_error (gboolean ok, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && (error->domain != TETHER_SPICE_ERROR || error->message[0] == '\0'))
    __builtin_trap ();
}

static void
parse_list (guint8 channel_type, GBytes *body, guint32 list_offset)
{
  GError *error = NULL;
  gsize main_len = 0;
  GArray *subs = tether_spice_sub_messages_parse (channel_type, body, list_offset, &main_len, &error);

  check_error (subs != NULL, error);
  g_clear_error (&error);
  if (subs == NULL)
    return;
  if (subs->len > TETHER_SPICE_MAX_SUB_MESSAGES || main_len > g_bytes_get_size (body))
    __builtin_trap ();
  for (guint i = 0; i < subs->len; i++)
    {
      TetherSpiceSubMessage *sub = &g_array_index (subs, TetherSpiceSubMessage, i);
      gsize len;
      const guint8 *p = g_bytes_get_data (sub->body, &len);

      if (len > tether_spice_message_max_size (channel_type, sub->type))
        __builtin_trap ();
      if (len > 0)
        (void) *(volatile const guint8 *) &p[len - 1];
    }
  g_array_unref (subs);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  gboolean ok = TRUE;
  guint8 selector, channel_type;
  GBytes *body;

  if (size < 2)
    return 0;
  selector = data[0];
  channel_type = data[1];
  body = g_bytes_new (data + 2, size - 2);

  switch (selector % 12)
    {
    case 0:
      {
        guint32 flags;

        ok = tether_spice_msg_migrate_decode (body, &flags, &error);
      }
      break;
    case 1:
      {
        GBytes *opaque = NULL;

        ok = tether_spice_msg_migrate_data_decode (body, &opaque, &error);
        g_clear_pointer (&opaque, g_bytes_unref);
      }
      break;
    case 2:
      {
        TetherSpiceMsgSetAck m;

        ok = tether_spice_msg_set_ack_decode (body, &m, &error);
      }
      break;
    case 3:
      {
        TetherSpiceMsgPing m;

        ok = tether_spice_msg_ping_decode (body, &m, &error);
        if (ok && g_bytes_get_size (m.data) + 12 != g_bytes_get_size (body))
          __builtin_trap ();
        tether_spice_msg_ping_clear (&m);
      }
      break;
    case 4:
      {
        TetherSpiceMsgWaitForChannels m;

        ok = tether_spice_msg_wait_for_channels_decode (body, &m, &error);
        for (guint i = 0; ok && i < m.n_channels; i++)
          (void) *(volatile guint64 *) &m.channels[i].message_serial;
        tether_spice_msg_wait_for_channels_clear (&m);
      }
      break;
    case 5:
      {
        TetherSpiceMsgDisconnecting m;

        ok = tether_spice_msg_disconnecting_decode (body, &m, &error);
      }
      break;
    case 6:
      {
        TetherSpiceMsgNotify m;

        ok = tether_spice_msg_notify_decode (body, &m, &error);
        if (ok && !g_utf8_validate (m.message, -1, NULL))
          __builtin_trap ();
        tether_spice_msg_notify_clear (&m);
      }
      break;
    case 7:
      parse_list (channel_type, body, 0);
      break;
    case 8:
      {
        /* A full-header message: the header, then the body it announces. */
        TetherSpiceDataHeader h;

        ok = tether_spice_full_header_decode (data + 2, MIN (size - 2, (size_t) TETHER_SPICE_FULL_HEADER_SIZE),
                                              &h, &error);
        if (ok && size - 2 > TETHER_SPICE_FULL_HEADER_SIZE && h.sub_list != 0)
          {
            GBytes *rest = g_bytes_new_from_bytes (body, TETHER_SPICE_FULL_HEADER_SIZE,
                                                   size - 2 - TETHER_SPICE_FULL_HEADER_SIZE);

            parse_list (channel_type, rest, h.sub_list);
            g_bytes_unref (rest);
          }
      }
      break;
    case 9:
      {
        TetherSpiceDataHeader h;

        ok = tether_spice_mini_header_decode (data + 2, MIN (size - 2, (size_t) TETHER_SPICE_MINI_HEADER_SIZE),
                                              &h, &error);
        if (ok)
          {
            check_error (ok, error);
            ok = tether_spice_message_check_size (channel_type, h.type, h.size, &error);
          }
      }
      break;
    case 10:
      ok = tether_spice_msg_empty_decode (body, "empty", &error);
      break;
    default:
      {
        /* A list at an offset taken from the input. */
        guint32 offset = size >= 6 ? (guint32) (data[2] | data[3] << 8 | data[4] << 16 | (guint32) data[5] << 24) : 0;

        parse_list (channel_type, body, offset);
      }
      break;
    }
  check_error (ok, error);
  g_clear_error (&error);
  g_bytes_unref (body);
  return 0;
}
