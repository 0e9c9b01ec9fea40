/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spice-wire-probe: links a SPICE main channel to a real server with
 * nothing but the wire layer (tether/spice/wire) and a blocking socket, and
 * prints what the server said: the link reply and its caps, the auth
 * result, then the main channel's first messages (INIT, NAME, UUID, the
 * network-test PINGs, answered with PONGs) up to CHANNELS_LIST, after
 * sending ATTACH_CHANNELS. A test tool: blocking I/O is fine here.
 *
 *   spice-wire-probe HOST PORT [PASSWORD] [--expect-auth-failure]
 *                   [--expect-name NAME] [--expect-uuid UUID]
 *
 * Exit status 0 when everything expected happened.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tether-spice-agent-private.h"
#include "tether-spice-common-messages-private.h"
#include "tether-spice-framing-private.h"
#include "tether-spice-link-private.h"
#include "tether-spice-main-messages-private.h"
#include "tether-spice-ticket-private.h"

#define TIMEOUT_SECONDS 10
/* Messages to read before giving up on CHANNELS_LIST. */
#define MAX_MESSAGES 64

typedef struct {
  GSocketConnection *conn;
  GInputStream *in;
  GOutputStream *out;
  gboolean mini;
} Probe;

static gboolean
read_exactly (Probe *p, guint8 *buf, gsize n, GError **error)
{
  gsize got = 0;

  if (!g_input_stream_read_all (p->in, buf, n, &got, NULL, error))
    return FALSE;
  if (got != n)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                   "the server closed the connection after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                   got, n);
      return FALSE;
    }
  return TRUE;
}

static gboolean
send_bytes (Probe *p, GBytes *bytes, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return g_output_stream_write_all (p->out, data, len, NULL, NULL, error);
}

static gboolean
send_message (Probe *p, guint16 type, GBytes *body, GError **error)
{
  static guint64 serial = 0;
  g_autoptr(GBytes) frame = tether_spice_message_frame (p->mini, ++serial, type, body);

  return send_bytes (p, frame, error);
}

static void
print_caps (const char *what, const guint32 *caps, guint n)
{
  printf ("%s:", what);
  for (guint i = 0; i < n; i++)
    printf (" 0x%08x", caps[i]);
  printf ("%s\n", n == 0 ? " (none)" : "");
}

/* The link stage: returns TRUE when the channel is up. */
static gboolean
do_link (Probe *p, guint8 channel_type, guint32 connection_id, const char *password,
         GError **error)
{
  guint32 common[1] = { 0 }, channel[1] = { 0 };
  TetherSpiceLinkMess mess = {
    .connection_id = connection_id,
    .channel_type = channel_type,
    .common_caps = common, .n_common_caps = 1,
    .channel_caps = channel,
    .n_channel_caps = channel_type == TETHER_SPICE_WIRE_CHANNEL_MAIN ? 1 : 0,
  };
  g_autoptr(GBytes) link = NULL;
  g_autoptr(GBytes) ticket = NULL;
  g_autofree guint8 *body = NULL;
  guint8 hdr[TETHER_SPICE_LINK_HEADER_SIZE], result[TETHER_SPICE_LINK_RESULT_SIZE];
  TetherSpiceLinkHeader header;
  TetherSpiceLinkReply reply = { 0 };
  gboolean send_mechanism, ok = FALSE;
  guint32 mechanism, code;

  tether_spice_caps_set (common, 1, TETHER_SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION);
  tether_spice_caps_set (common, 1, TETHER_SPICE_COMMON_CAP_AUTH_SPICE);
  tether_spice_caps_set (common, 1, TETHER_SPICE_COMMON_CAP_MINI_HEADER);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_NAME_AND_UUID);
  tether_spice_caps_set (channel, 1, TETHER_SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS);
  link = tether_spice_link_mess_encode (&mess);
  if (!send_bytes (p, link, error) ||
      !read_exactly (p, hdr, sizeof hdr, error) ||
      !tether_spice_link_header_decode (hdr, sizeof hdr, &header, error))
    return FALSE;
  printf ("link header: version %u.%u, reply size %u\n",
          header.major_version, header.minor_version, header.size);

  body = g_malloc (header.size);   /* capped by the header decoder */
  if (!read_exactly (p, body, header.size, error) ||
      !tether_spice_link_reply_decode (body, header.size, &reply, error))
    goto out;
  printf ("link reply: error %u (%s), public key %02x %02x %02x ... (%u bytes)\n",
          reply.error, tether_spice_link_err_name (reply.error),
          reply.pub_key[0], reply.pub_key[1], reply.pub_key[2], TETHER_SPICE_TICKET_PUBKEY_BYTES);
  print_caps ("server common caps", reply.common_caps, reply.n_common_caps);
  print_caps ("server channel caps", reply.channel_caps, reply.n_channel_caps);
  p->mini = tether_spice_caps_test (reply.common_caps, reply.n_common_caps,
                                    TETHER_SPICE_COMMON_CAP_MINI_HEADER);
  printf ("data header: %s\n", p->mini ? "mini (6 bytes)" : "full (18 bytes)");

  if (!tether_spice_link_choose_auth (&reply, FALSE, &send_mechanism, &mechanism, error))
    goto out;
  printf ("auth: %s mechanism word, mechanism %u\n", send_mechanism ? "send" : "no", mechanism);
  if (send_mechanism)
    {
      g_autoptr(GBytes) word = tether_spice_auth_mechanism_encode (mechanism);

      if (!send_bytes (p, word, error))
        goto out;
    }
  ticket = tether_spice_ticket_encrypt (reply.pub_key, sizeof reply.pub_key, password, error);
  if (ticket == NULL || !send_bytes (p, ticket, error))
    goto out;
  printf ("ticket: %" G_GSIZE_FORMAT " bytes sent\n", g_bytes_get_size (ticket));
  if (!read_exactly (p, result, sizeof result, error))
    goto out;
  ok = tether_spice_link_result_decode (result, sizeof result, &code, error);
  printf ("link result: %u (%s)\n", code, tether_spice_link_err_name (code));

out:
  tether_spice_link_reply_clear (&reply);
  return ok;
}

typedef struct {
  gboolean init, name, uuid, channels;
  guint32 session_id;
  char *name_value;
  guint8 uuid_value[TETHER_SPICE_UUID_SIZE];
} Seen;

static gboolean handle (Probe *p, guint16 type, GBytes *body, Seen *seen, GError **error);

static gboolean
handle (Probe *p, guint16 type, GBytes *body, Seen *seen, GError **error)
{
  const char *name = tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type);

  printf ("message %u %s, %" G_GSIZE_FORMAT " bytes\n", type, name ? name : "(unknown)",
          g_bytes_get_size (body));
  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_INIT:
      {
        TetherSpiceMsgMainInit m;

        if (!tether_spice_msg_main_init_decode (body, &m, error))
          return FALSE;
        printf ("  session_id 0x%08x, display hint %u, mouse modes 0x%x (current %u), agent %s, "
                "agent tokens %u, mm time %u, ram hint %u\n",
                m.session_id, m.display_channels_hint, m.supported_mouse_modes,
                m.current_mouse_mode, m.agent_connected ? "connected" : "not connected",
                m.agent_tokens, m.multi_media_time, m.ram_hint);
        seen->init = TRUE;
        seen->session_id = m.session_id;
        {
          g_autoptr(GBytes) attach = tether_spice_msgc_main_attach_channels_encode ();

          printf ("  -> ATTACH_CHANNELS\n");
          return send_message (p, TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS, attach, error);
        }
      }
    case TETHER_SPICE_MSG_MAIN_NAME:
      if (!tether_spice_msg_main_name_decode (body, &seen->name_value, error))
        return FALSE;
      printf ("  name \"%s\"\n", seen->name_value);
      seen->name = TRUE;
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_UUID:
      if (!tether_spice_msg_main_uuid_decode (body, seen->uuid_value, error))
        return FALSE;
      printf ("  uuid ");
      for (guint i = 0; i < TETHER_SPICE_UUID_SIZE; i++)
        printf ("%02x%s", seen->uuid_value[i], i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
      printf ("\n");
      seen->uuid = TRUE;
      return TRUE;
    case TETHER_SPICE_MSG_MAIN_CHANNELS_LIST:
      {
        TetherSpiceMsgMainChannelsList m;

        if (!tether_spice_msg_main_channels_list_decode (body, &m, error))
          return FALSE;
        printf ("  %u channels:", m.n_channels);
        for (guint i = 0; i < m.n_channels; i++)
          {
            const char *t = tether_spice_channel_type_name (m.channels[i].type);

            printf (" %s:%u", t ? t : "?", m.channels[i].id);
          }
        printf ("\n");
        tether_spice_msg_main_channels_list_clear (&m);
        seen->channels = TRUE;
        return TRUE;
      }
    case TETHER_SPICE_MSG_MAIN_MOUSE_MODE:
      {
        TetherSpiceMsgMainMouseMode m;

        if (!tether_spice_msg_main_mouse_mode_decode (body, &m, error))
          return FALSE;
        printf ("  supported 0x%x current %u\n", m.supported_modes, m.current_mode);
        return TRUE;
      }
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED:
      {
        guint32 v;

        if (!tether_spice_msg_main_u32_decode (type, body, &v, error))
          return FALSE;
        printf ("  value %u\n", v);
        return TRUE;
      }
    case TETHER_SPICE_MSG_PING:
      {
        TetherSpiceMsgPing m;
        g_autoptr(GBytes) pong = NULL;

        if (!tether_spice_msg_ping_decode (body, &m, error))
          return FALSE;
        printf ("  id %u, timestamp %" G_GUINT64_FORMAT ", %" G_GSIZE_FORMAT " bytes of data -> PONG\n",
                m.id, m.timestamp, g_bytes_get_size (m.data));
        pong = tether_spice_msgc_pong_encode (m.id, m.timestamp);
        tether_spice_msg_ping_clear (&m);
        return send_message (p, TETHER_SPICE_MSGC_PONG, pong, error);
      }
    case TETHER_SPICE_MSG_SET_ACK:
      {
        TetherSpiceMsgSetAck m;
        g_autoptr(GBytes) sync = NULL;

        if (!tether_spice_msg_set_ack_decode (body, &m, error))
          return FALSE;
        printf ("  generation %u window %u -> ACK_SYNC\n", m.generation, m.window);
        sync = tether_spice_msgc_ack_sync_encode (m.generation);
        return send_message (p, TETHER_SPICE_MSGC_ACK_SYNC, sync, error);
      }
    case TETHER_SPICE_MSG_NOTIFY:
      {
        TetherSpiceMsgNotify m;

        if (!tether_spice_msg_notify_decode (body, &m, error))
          return FALSE;
        printf ("  severity %u: %s\n", m.severity, m.message);
        tether_spice_msg_notify_clear (&m);
        return TRUE;
      }
    case TETHER_SPICE_MSG_LIST:
      {
        g_autoptr(GArray) subs = tether_spice_sub_messages_parse (TETHER_SPICE_WIRE_CHANNEL_MAIN,
                                                                  body, 0, NULL, error);

        if (subs == NULL)
          return FALSE;
        for (guint i = 0; i < subs->len; i++)
          {
            TetherSpiceSubMessage *sub = &g_array_index (subs, TetherSpiceSubMessage, i);

            if (!handle (p, sub->type, sub->body, seen, error))
              return FALSE;
          }
        return TRUE;
      }
    default:
      printf ("  (not decoded by the probe)\n");
      return TRUE;
    }
}

static gboolean
read_messages (Probe *p, Seen *seen, GError **error)
{
  for (guint n = 0; n < MAX_MESSAGES && !seen->channels; n++)
    {
      guint8 hdr[TETHER_SPICE_FULL_HEADER_SIZE];
      gsize hdr_len = p->mini ? TETHER_SPICE_MINI_HEADER_SIZE : TETHER_SPICE_FULL_HEADER_SIZE;
      TetherSpiceDataHeader h;
      g_autofree guint8 *data = NULL;
      g_autoptr(GBytes) body = NULL;

      if (!read_exactly (p, hdr, hdr_len, error))
        return FALSE;
      if (!(p->mini ? tether_spice_mini_header_decode (hdr, hdr_len, &h, error)
                    : tether_spice_full_header_decode (hdr, hdr_len, &h, error)))
        return FALSE;
      if (!tether_spice_message_check_size (TETHER_SPICE_WIRE_CHANNEL_MAIN, h.type, h.size, error))
        return FALSE;
      data = g_malloc (MAX (h.size, 1));
      if (!read_exactly (p, data, h.size, error))
        return FALSE;
      body = g_bytes_new_take (g_steal_pointer (&data), h.size);
      if (!handle (p, h.type, body, seen, error))
        return FALSE;
    }
  if (!seen->channels)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no CHANNELS_LIST after %u messages",
                   MAX_MESSAGES);
      return FALSE;
    }
  return TRUE;
}

/* A secondary channel: inputs:0 with the session id must link and send
 * its first message; with a wrong id the server must refuse it. */
static gboolean
link_inputs (GSocketClient *client, const char *host, guint16 port, const char *password,
             guint32 session_id, GError **error)
{
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      guint32 id = attempt == 0 ? session_id : session_id ^ 0x5a5a5a5a;
      g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, host, port, NULL, error);
      Probe q = { 0 };
      gboolean ok;

      if (conn == NULL)
        return FALSE;
      q.conn = conn;
      q.in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
      q.out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
      printf ("== inputs channel, connection id 0x%08x (%s)\n", id, attempt == 0 ? "the session's" : "wrong");
      ok = do_link (&q, TETHER_SPICE_WIRE_CHANNEL_INPUTS, id, password, error);
      if (attempt == 1)
        {
          if (ok || !g_error_matches (*error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK))
            {
              g_clear_error (error);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "a wrong connection id was not refused");
              return FALSE;
            }
          printf ("refused as expected: %s\n", (*error)->message);
          g_clear_error (error);
          return TRUE;
        }
      if (!ok)
        return FALSE;
      {
        guint8 hdr[TETHER_SPICE_MINI_HEADER_SIZE];
        TetherSpiceDataHeader h;
        const char *name;

        if (!q.mini)
          return TRUE;
        if (!read_exactly (&q, hdr, sizeof hdr, error) ||
            !tether_spice_mini_header_decode (hdr, sizeof hdr, &h, error) ||
            !tether_spice_message_check_size (TETHER_SPICE_WIRE_CHANNEL_INPUTS, h.type, h.size, error))
          return FALSE;
        name = tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_INPUTS, h.type);
        printf ("first inputs message: %u %s, %u bytes\n", h.type, name ? name : "(unknown)", h.size);
      }
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expect_name = NULL;
  g_autofree char *expect_uuid = NULL;
  gboolean expect_auth_failure = FALSE;
  GOptionEntry entries[] = {
    { "expect-name", 0, 0, G_OPTION_ARG_STRING, &expect_name, "fail unless MAIN_NAME is NAME", "NAME" },
    { "expect-uuid", 0, 0, G_OPTION_ARG_STRING, &expect_uuid, "fail unless MAIN_UUID is UUID", "UUID" },
    { "expect-auth-failure", 0, 0, G_OPTION_ARG_NONE, &expect_auth_failure,
      "succeed only if the password is refused", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("HOST PORT [PASSWORD]");
  Probe p = { 0 };
  Seen seen = { 0 };
  guint64 port;
  int status = 1;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 3 || argc > 4 ||
      !g_ascii_string_to_unsigned (argv[2], 10, 1, 65535, &port, NULL))
    {
      fprintf (stderr, "usage: %s HOST PORT [PASSWORD] [OPTIONS]%s%s\n", g_get_prgname (),
               error ? ": " : "", error ? error->message : "");
      return 2;
    }

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, TIMEOUT_SECONDS);
  p.conn = g_socket_client_connect_to_host (client, argv[1], (guint16) port, NULL, &error);
  if (p.conn == NULL)
    goto out;
  p.in = g_io_stream_get_input_stream (G_IO_STREAM (p.conn));
  p.out = g_io_stream_get_output_stream (G_IO_STREAM (p.conn));

  printf ("== main channel\n");
  if (!do_link (&p, TETHER_SPICE_WIRE_CHANNEL_MAIN, 0, argc > 3 ? argv[3] : NULL, &error))
    {
      if (expect_auth_failure && g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH))
        {
          printf ("refused as expected: %s\n", error->message);
          status = 0;
        }
      goto out;
    }
  if (expect_auth_failure)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server accepted the password");
      goto out;
    }
  if (!read_messages (&p, &seen, &error))
    goto out;
  if (!seen.init)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "no MAIN_INIT");
  else if (expect_name != NULL && g_strcmp0 (seen.name_value, expect_name) != 0)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "name \"%s\", expected \"%s\"",
                 seen.name_value ? seen.name_value : "(none)", expect_name);
  else if (expect_uuid != NULL)
    {
      char text[37];

      g_snprintf (text, sizeof text,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  seen.uuid_value[0], seen.uuid_value[1], seen.uuid_value[2], seen.uuid_value[3],
                  seen.uuid_value[4], seen.uuid_value[5], seen.uuid_value[6], seen.uuid_value[7],
                  seen.uuid_value[8], seen.uuid_value[9], seen.uuid_value[10], seen.uuid_value[11],
                  seen.uuid_value[12], seen.uuid_value[13], seen.uuid_value[14], seen.uuid_value[15]);
      if (!seen.uuid || g_ascii_strcasecmp (text, expect_uuid) != 0)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "uuid %s, expected %s",
                     seen.uuid ? text : "(none)", expect_uuid);
    }
  if (error == NULL && !link_inputs (client, argv[1], (guint16) port, argc > 3 ? argv[3] : NULL,
                                     seen.session_id, &error))
    g_prefix_error (&error, "inputs channel: ");
  if (error == NULL)
    status = 0;

out:
  if (error != NULL && status != 0)
    fprintf (stderr, "spice-wire-probe: %s\n", error->message);
  g_free (seen.name_value);
  g_clear_object (&p.conn);
  return status;
}
