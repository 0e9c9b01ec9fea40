/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes every main channel server message decoder: the first two bytes
 * (u16 LE) are the message type, the rest is the body. Common message
 * types (below 100) go to the common decoders, as a channel would route
 * them.
 */
#include "config.h"

#include "tether-spice-main-messages-private.h"
#include "tether-spice-common-messages-private.h"
#include "tether-spice-framing-private.h"
#include "fuzz-common.h"

static void
check_error (gboolean ok, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && error->message[0] == '\0')
    __builtin_trap ();
  if (error != NULL && error->domain != TETHER_SPICE_ERROR)
    __builtin_trap ();
}

static void
check_string (const char *s)
{
  if (s == NULL || !g_utf8_validate (s, -1, NULL))
    __builtin_trap ();
}

/* Decodes @body as main message @type, the way a main channel would. */
static void
decode_main (guint16 type, GBytes *body)
{
  GError *error = NULL;
  gboolean ok = TRUE;

  /* The framing cap comes first in a real channel. */
  if (!tether_spice_message_check_size (TETHER_SPICE_WIRE_CHANNEL_MAIN, type,
                                        (guint32) MIN (g_bytes_get_size (body), G_MAXUINT32), &error))
    {
      check_error (FALSE, error);
      g_clear_error (&error);
    }

  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_INIT:
      {
        TetherSpiceMsgMainInit m;

        ok = tether_spice_msg_main_init_decode (body, &m, &error);
        if (ok && (m.current_mouse_mode & ~TETHER_SPICE_MOUSE_MODE_MASK) != 0)
          __builtin_trap ();
      }
      break;
    case TETHER_SPICE_MSG_MAIN_CHANNELS_LIST:
      {
        TetherSpiceMsgMainChannelsList m;

        ok = tether_spice_msg_main_channels_list_decode (body, &m, &error);
        if (ok && m.n_channels > TETHER_SPICE_MAX_CHANNELS)
          __builtin_trap ();
        for (guint i = 0; ok && i < m.n_channels; i++)
          (void) *(volatile guint8 *) &m.channels[i].id;
        tether_spice_msg_main_channels_list_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_MOUSE_MODE:
      {
        TetherSpiceMsgMainMouseMode m;

        ok = tether_spice_msg_main_mouse_mode_decode (body, &m, &error);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED:
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
      {
        guint32 v;

        ok = tether_spice_msg_main_u32_decode (type, body, &v, &error);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_AGENT_DATA:
      {
        GBytes *data = NULL;

        ok = tether_spice_msg_main_agent_data_decode (body, &data, &error);
        g_clear_pointer (&data, g_bytes_unref);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_NAME:
      {
        char *name = NULL;

        ok = tether_spice_msg_main_name_decode (body, &name, &error);
        if (ok)
          check_string (name);
        g_free (name);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_UUID:
      {
        guint8 uuid[TETHER_SPICE_UUID_SIZE];

        ok = tether_spice_msg_main_uuid_decode (body, uuid, &error);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST:
      {
        TetherSpiceMsgMainMigrate m;

        ok = tether_spice_msg_main_migrate_decode (type, body, &m, &error);
        if (ok)
          {
            GError *unsupported = NULL;

            check_string (m.host);
            if (m.cert_subject != NULL)
              check_string (m.cert_subject);
            if (tether_spice_migration_unsupported (&m, &unsupported) ||
                !g_error_matches (unsupported, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
              __builtin_trap ();
            g_error_free (unsupported);
          }
        tether_spice_msg_main_migrate_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_MAIN_MIGRATE_CANCEL:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_END:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK:
      ok = tether_spice_msg_empty_decode (body, "main empty message", &error);
      break;
    case TETHER_SPICE_MSG_PING:
      {
        TetherSpiceMsgPing m;

        ok = tether_spice_msg_ping_decode (body, &m, &error);
        tether_spice_msg_ping_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_NOTIFY:
      {
        TetherSpiceMsgNotify m;

        ok = tether_spice_msg_notify_decode (body, &m, &error);
        if (ok)
          check_string (m.message);
        tether_spice_msg_notify_clear (&m);
      }
      break;
    case TETHER_SPICE_MSG_LIST:
      {
        gsize main_len;
        GArray *subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_MAIN, body, 0,
                                                        &main_len, &error);

        ok = subs != NULL;
        for (guint i = 0; ok && i < subs->len; i++)
          {
            TetherSpiceSubMessage *sub = &g_array_index (subs, TetherSpiceSubMessage, i);

            /* One level only: a LIST inside is refused by the parser. */
            if (sub->type == TETHER_SPICE_MSG_LIST)
              __builtin_trap ();
            decode_main (sub->type, sub->body);
          }
        g_clear_pointer (&subs, g_array_unref);
      }
      break;
    default:
      return;
    }
  check_error (ok, error);
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint16 type;
  GBytes *body;

  if (size < 2)
    return 0;
  type = (guint16) (data[0] | data[1] << 8);
  /* Keep the fuzzer on the main channel's types: fold the rest onto them. */
  if (type >= TETHER_SPICE_MSG_BASE_LAST &&
      (type < TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN || type > TETHER_SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK))
    type = TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN + type % 18;
  body = g_bytes_new (data + 2, size - 2);
  decode_main (type, body);
  g_bytes_unref (body);
  return 0;
}
