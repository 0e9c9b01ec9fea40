/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The link step of a channel connection (docs/spice-protocol.md §3), with
 * the wire layer's codecs:
 *
 *   LINK: send SpiceLinkHeader + SpiceLinkMess; read the 16-byte reply
 *         header, then exactly its (capped) size of SpiceLinkReply.
 *         NEED_SECURED -> reconnect over TLS once; any other refusal ->
 *         ERROR_LINK.
 *   AUTH: choose the mechanism (SPICE ticket, or SASL when the server offers
 *         it and tether-spice-channel-sasl.c can run it here), send the
 *         mechanism word when the server has AUTH_SELECTION and the
 *         RSA-OAEP ticket right behind it, read the u32 result.
 *         PERMISSION_DENIED -> ERROR_AUTH, other codes -> ERROR_LINK.
 *         SASL: the word, then tether-spice-channel-sasl.c's exchange.
 *   then READY: tether_spice_channel_link_done().
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include "tether-error.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-channel-sasl-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-link-private.h"
#include "tether-spice-ticket-private.h"

static void
link_result_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  guint32 code = 0;
  GError *error = NULL;

  if (!tether_spice_link_result_decode (d, n, &code, &error))
    {
      TetherSpiceChannelEvent event = g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH)
                                        ? TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH
                                        : TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK;

      tether_spice_channel_fail (self, event, error);
      return;
    }
  tether_spice_channel_link_done (self);
}

static void
authenticate (TetherSpiceChannel *self, const TetherSpiceLinkReply *reply)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  gboolean send_mechanism = FALSE;
  guint32 mechanism = 0;
  GError *error = NULL;
  g_autoptr(GBytes) ticket = NULL;
  const char *no_sasl = NULL;
  gboolean can_sasl = tether_spice_channel_sasl_available (self, &no_sasl);

  /* A server that requires SASL where this client cannot do it (built
   * without libsasl2, or no TLS) is refused clearly. */
  if (!tether_spice_link_choose_auth (reply, can_sasl, &send_mechanism, &mechanism, &error))
    {
      if (g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED))
        {
          GError *e;

#if HAVE_SASL
          /* SASL works over TLS here: take the TLS port when there is one. */
          if (!tether_spice_channel_is_tls (self) && session != NULL
              && !tether_spice_session_get_client_sockets (session)
              && tether_spice_session_has_tls_port (session))
            {
              g_error_free (error);
              tether_spice_channel_relink_tls (self);
              return;
            }
#endif
          e = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   no_sasl != NULL ? no_sasl
                                                   : "The server requires SASL authentication, which Tether cannot do here");

          g_error_free (error);
          error = e;
        }
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, error);
      return;
    }
  if (mechanism == TETHER_SPICE_AUTH_MECHANISM_SASL)
    {
      tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_AUTH);
      if (send_mechanism)
        {
          g_autoptr(GBytes) word = tether_spice_auth_mechanism_encode (mechanism);

          tether_spice_channel_write (self, word);
        }
      tether_spice_channel_sasl_start (self);
      return;
    }
  ticket = tether_spice_ticket_encrypt (reply->pub_key, sizeof reply->pub_key,
                                        session != NULL ? tether_spice_session_get_password (session) : NULL,
                                        &error);
  if (ticket == NULL)
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, error);
      return;
    }
  tether_spice_channel_set_state (self, TETHER_SPICE_CHANNEL_STATE_AUTH);
  /* The mechanism word and the ticket go back to back (as spice-gtk), in
   * one write: one segment, not two a main loop turn apart. */
  if (send_mechanism)
    {
      g_autoptr(GBytes) word = tether_spice_auth_mechanism_encode (mechanism);
      g_autoptr(GByteArray) both = g_byte_array_sized_new (g_bytes_get_size (word) + g_bytes_get_size (ticket));
      gsize n;
      const guint8 *p = g_bytes_get_data (word, &n);

      g_byte_array_append (both, p, (guint) n);
      p = g_bytes_get_data (ticket, &n);
      g_byte_array_append (both, p, (guint) n);
      g_bytes_unref (ticket);
      ticket = g_byte_array_free_to_bytes (g_steal_pointer (&both));
    }
  tether_spice_channel_write (self, ticket);
  tether_spice_channel_read (self, TETHER_SPICE_LINK_RESULT_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             link_result_read);
}

static void
link_reply_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  TetherSpiceLinkReply reply;
  GError *error = NULL;

  if (!tether_spice_link_reply_decode (d, n, &reply, &error))
    {
      guint32 code = reply.error;

      tether_spice_link_reply_clear (&reply);
      if (code == TETHER_SPICE_LINK_ERR_NEED_SECURED)
        {
          g_error_free (error);
          tether_spice_channel_relink_tls (self);
          return;
        }
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, error);
      return;
    }
  tether_spice_channel_set_remote_caps (self, reply.common_caps, reply.n_common_caps,
                                        reply.channel_caps, reply.n_channel_caps);
  /* Tether always announces MINI_HEADER; it is used when the server does. */
  tether_spice_channel_get_loop (self)->mini_header =
    tether_spice_caps_test (reply.common_caps, reply.n_common_caps, TETHER_SPICE_COMMON_CAP_MINI_HEADER);
  authenticate (self, &reply);
  tether_spice_link_reply_clear (&reply);
}

static void
link_header_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  TetherSpiceLinkHeader header;
  GError *error = NULL;

  /* The decoder caps header.size at TETHER_SPICE_MAX_LINK_SIZE. */
  if (!tether_spice_link_header_decode (d, n, &header, &error))
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, error);
      return;
    }
  tether_spice_channel_read (self, header.size, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, link_reply_read);
}

void
tether_spice_channel_link_start (TetherSpiceChannel *self)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  GArray *common = tether_spice_channel_get_local_common_caps (self);
  GArray *channel = tether_spice_channel_get_local_channel_caps (self);
  int type = tether_spice_channel_get_channel_type (self);
  int id = tether_spice_channel_get_channel_id (self);
  TetherSpiceLinkMess mess = { 0 };
  g_autoptr(GBytes) bytes = NULL;

  if (session == NULL)
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                                 g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK,
                                              "The channel no longer belongs to a session"));
      return;
    }
  if (type < 1 || type > G_MAXUINT8 || id < 0 || id > G_MAXUINT8)
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                                 g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK,
                                              "Channel type %d id %d cannot be linked", type, id));
      return;
    }
  {
    int protocol = 2;

    g_object_get (session, "protocol", &protocol, NULL);
    if (protocol != 2)
      {
        /* spice-gtk too accepts 1 in the property but never speaks it. */
        tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                                   g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                "SPICE protocol %d is not supported; Tether speaks protocol 2",
                                                protocol));
        return;
      }
  }
  mess.connection_id = tether_spice_session_get_connection_id (session);
  mess.channel_type = (guint8) type;
  mess.channel_id = (guint8) id;
  mess.common_caps = (const guint32 *) common->data;
  mess.n_common_caps = common->len;
  mess.channel_caps = channel->len > 0 ? (const guint32 *) channel->data : NULL;
  mess.n_channel_caps = channel->len;
  bytes = tether_spice_link_mess_encode (&mess);
  tether_spice_channel_write (self, bytes);
  tether_spice_channel_read (self, TETHER_SPICE_LINK_HEADER_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                             link_header_read);
  /* While the server makes the key for its reply: OpenSSL's one-time set-up,
   * off the way of the ticket. */
  tether_spice_ticket_warm_up ();
}
