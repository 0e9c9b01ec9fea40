/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The message loop of a linked channel (docs/spice-protocol.md §4): read a
 * data header (mini or full), check the body size against the per-channel,
 * per-type cap before reading it, split sub-message lists, handle the
 * messages every channel has (SET_ACK, PING, WAIT_FOR_CHANNELS,
 * DISCONNECTING, NOTIFY, MIGRATE, MIGRATE_DATA), hand the rest to the
 * channel kind, and keep the ACK window. Sending frames client messages with
 * the header the link chose, with the read-only filter.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-framing-private.h"
#include "tether-spice-link-private.h"
#include "tether-spice-common-messages-private.h"

static void read_header (TetherSpiceChannel *self);

void
tether_spice_channel_loop_clear (TetherSpiceChannelLoop *loop)
{
  g_clear_pointer (&loop->wait, g_array_unref);
  memset (loop, 0, sizeof *loop);
}

guint64
tether_spice_channel_get_last_serial (TetherSpiceChannel *self)
{
  return tether_spice_channel_get_loop (self)->last_processed;
}

static const char *
channel_name (TetherSpiceChannel *self)
{
  return tether_spice_channel_type_to_string (tether_spice_channel_get_channel_type (self));
}

/* ---- sending ------------------------------------------------------------------ */

/* §4.9: what a read-only client still sends. */
static gboolean
allowed_read_only (int channel_type, guint16 type)
{
  if (type < TETHER_SPICE_MSG_BASE_LAST || channel_type == TETHER_SPICE_CHANNEL_TYPE_DISPLAY)
    return TRUE;
  if (channel_type != TETHER_SPICE_CHANNEL_TYPE_MAIN)
    return FALSE;
  switch (type)
    {
    case TETHER_SPICE_MSGC_MAIN_CLIENT_INFO:
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECTED:
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR:
    case TETHER_SPICE_MSGC_MAIN_ATTACH_CHANNELS:
    case TETHER_SPICE_MSGC_MAIN_MIGRATE_END:
      return TRUE;
    default:
      return FALSE;
    }
}

void
tether_spice_channel_send (TetherSpiceChannel *self, guint16 type, GBytes *body)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  int channel_type = tether_spice_channel_get_channel_type (self);
  g_autoptr(GBytes) frame = NULL;

  if (tether_spice_channel_get_state (self) != TETHER_SPICE_CHANNEL_STATE_READY)
    {
      g_debug ("%s channel: not ready, dropping %s", channel_name (self),
               tether_spice_message_c_name ((guint8) channel_type, type));
      return;
    }
  if (session != NULL && tether_spice_session_get_read_only (session) && !allowed_read_only (channel_type, type))
    {
      g_debug ("%s channel: read-only session, not sending %s", channel_name (self),
               tether_spice_message_c_name ((guint8) channel_type, type));
      return;
    }
  loop->out_serial++;
  frame = tether_spice_message_frame (loop->mini_header, loop->out_serial, type, body);
  tether_spice_channel_write (self, frame);
}

/* ---- WAIT_FOR_CHANNELS --------------------------------------------------------------- */

/* Is the channel of @w at its serial yet (or gone, or not ready)? */
static gboolean
wait_done (GList *channels, const TetherSpiceWaitForChannel *w)
{
  for (GList *l = channels; l != NULL; l = l->next)
    {
      TetherSpiceChannel *other = l->data;

      if (tether_spice_channel_get_channel_type (other) == w->channel_type &&
          tether_spice_channel_get_channel_id (other) == w->channel_id &&
          tether_spice_channel_get_state (other) == TETHER_SPICE_CHANNEL_STATE_READY &&
          tether_spice_channel_get_last_serial (other) < w->message_serial)
        return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_channel_waits_satisfied (TetherSpiceChannel *self, const TetherSpiceWaitForChannel *waits,
                                      guint n_waits)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  g_autoptr(GList) channels = NULL;

  if (session == NULL || n_waits == 0)
    return TRUE;
  channels = tether_spice_session_get_channels (session);
  for (guint i = 0; i < n_waits; i++)
    if (!wait_done (channels, &waits[i]))
      return FALSE;
  return TRUE;
}

/* Is every awaited channel at its serial yet (or gone)? */
static gboolean
wait_satisfied (TetherSpiceChannel *self)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  g_autoptr(GList) channels = NULL;

  if (loop->wait == NULL || session == NULL)
    return TRUE;
  channels = tether_spice_session_get_channels (session);
  for (guint i = 0; i < loop->wait->len;)
    {
      if (wait_done (channels, &g_array_index (loop->wait, TetherSpiceWaitForChannel, i)))
        g_array_remove_index_fast (loop->wait, i);
      else
        i++;
    }
  return loop->wait->len == 0;
}

/* ---- receiving -------------------------------------------------------------------------- */

static gboolean
handle_common (TetherSpiceChannel *self, guint16 type, GBytes *body, gboolean *count_ack, GError **error)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);

  switch (type)
    {
    case TETHER_SPICE_MSG_SET_ACK:
      {
        TetherSpiceMsgSetAck ack;
        g_autoptr(GBytes) reply = NULL;

        if (!tether_spice_msg_set_ack_decode (body, &ack, error))
          return FALSE;
        reply = tether_spice_msgc_ack_sync_encode (ack.generation);
        tether_spice_channel_send (self, TETHER_SPICE_MSGC_ACK_SYNC, reply);
        loop->ack_window = ack.window;
        loop->ack_remaining = ack.window;
        *count_ack = FALSE;  /* SET_ACK itself is not counted */
        return TRUE;
      }
    case TETHER_SPICE_MSG_PING:
      {
        TetherSpiceMsgPing ping;
        g_autoptr(GBytes) pong = NULL;

        if (!tether_spice_msg_ping_decode (body, &ping, error))
          return FALSE;
        pong = tether_spice_msgc_pong_encode (ping.id, ping.timestamp);
        tether_spice_msg_ping_clear (&ping);
        tether_spice_channel_send (self, TETHER_SPICE_MSGC_PONG, pong);
        return TRUE;
      }
    case TETHER_SPICE_MSG_WAIT_FOR_CHANNELS:
      {
        TetherSpiceMsgWaitForChannels wait;

        if (!tether_spice_msg_wait_for_channels_decode (body, &wait, error))
          return FALSE;
        g_clear_pointer (&loop->wait, g_array_unref);
        loop->wait = g_array_sized_new (FALSE, FALSE, sizeof (TetherSpiceWaitForChannel), wait.n_channels);
        g_array_append_vals (loop->wait, wait.channels, wait.n_channels);
        tether_spice_msg_wait_for_channels_clear (&wait);
        if (!wait_satisfied (self))
          {
            g_debug ("%s channel: waiting for %u other channel(s)", channel_name (self), loop->wait->len);
            loop->waiting = TRUE;
          }
        return TRUE;
      }
    case TETHER_SPICE_MSG_DISCONNECTING:
      {
        TetherSpiceMsgDisconnecting d;

        if (!tether_spice_msg_disconnecting_decode (body, &d, error))
          return FALSE;
        loop->server_disconnecting = TRUE;
        loop->disconnect_reason = d.reason;
        g_debug ("%s channel: the server is disconnecting: %s", channel_name (self),
                 tether_spice_link_err_message (d.reason));
        return TRUE;
      }
    case TETHER_SPICE_MSG_NOTIFY:
      {
        TetherSpiceMsgNotify notify;
        g_autofree char *shown = NULL;

        if (!tether_spice_msg_notify_decode (body, &notify, error))
          return FALSE;
        /* Server text: escaped before it reaches a log. */
        shown = g_strescape (notify.message, NULL);
        if (notify.severity == TETHER_SPICE_NOTIFY_SEVERITY_ERROR)
          g_info ("%s channel: server error notice (%s): %s", channel_name (self),
                  tether_spice_link_err_message (notify.what), shown);
        else
          g_debug ("%s channel: server notice: %s", channel_name (self), shown);
        tether_spice_msg_notify_clear (&notify);
        return TRUE;
      }
    case TETHER_SPICE_MSG_MIGRATE:
      {
        guint32 flags;

        if (!tether_spice_msg_migrate_decode (body, &flags, error))
          return FALSE;
        g_info ("%s channel: the server is migrating the VM; Tether does not support migration, "
                "so this connection will end", channel_name (self));
        return TRUE;
      }
    case TETHER_SPICE_MSG_MIGRATE_DATA:
      {
        g_autoptr(GBytes) data = NULL;

        return tether_spice_msg_migrate_data_decode (body, &data, error);
      }
    default:
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "Unknown common message %u on the %s channel", type, channel_name (self));
      return FALSE;
    }
}

static gboolean
dispatch (TetherSpiceChannel *self, const TetherSpiceChannelOps *ops, guint16 type, GBytes *body,
          gboolean *count_ack, GError **error)
{
  if (type < TETHER_SPICE_MSG_BASE_LAST)
    return handle_common (self, type, body, count_ack, error);
  if (ops == NULL || ops->handle_message == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "Unexpected message %u on the %s channel", type, channel_name (self));
      return FALSE;
    }
  return ops->handle_message (self, type, body, error);
}

/* The current message has been handled: account for it, then read on. */
static void
message_done (TetherSpiceChannel *self, gboolean count_ack)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);

  loop->last_processed = loop->in_serial;
  if (count_ack && loop->ack_window > 0 && --loop->ack_remaining == 0)
    {
      g_autoptr(GBytes) ack = tether_spice_msgc_ack_encode ();

      tether_spice_channel_send (self, TETHER_SPICE_MSGC_ACK, ack);
      loop->ack_remaining = loop->ack_window;
    }
  if (session != NULL)
    tether_spice_session_channel_progress (session, self);
  if (tether_spice_channel_get_state (self) == TETHER_SPICE_CHANNEL_STATE_READY)
    read_header (self);
}

void
tether_spice_channel_hold (TetherSpiceChannel *self)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);

  if (!loop->held)
    g_debug ("%s channel: holding its messages", channel_name (self));
  loop->held = TRUE;
}

/* The kind holds messages back: let it retry. FALSE when the loop is to
 * stay paused (still held, or the channel was closed meanwhile). */
static gboolean
retry_held (TetherSpiceChannel *self)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  const TetherSpiceChannelOps *ops = tether_spice_channel_get_ops (self);
  guint generation = tether_spice_channel_get_generation (self);
  GError *error = NULL;
  gboolean done;

  if (ops == NULL || ops->retry_held == NULL)
    return FALSE;
  done = ops->retry_held (self, &error);
  if (tether_spice_channel_get_generation (self) != generation)
    {
      /* A handler closed or failed the channel. */
      g_clear_error (&error);
      return FALSE;
    }
  if (error != NULL)
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, error);
      return FALSE;
    }
  if (!done)
    return FALSE;
  g_debug ("%s channel: released its held messages", channel_name (self));
  loop->held = FALSE;
  return TRUE;
}

void
tether_spice_channel_check_wait (TetherSpiceChannel *self)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);

  if (!loop->paused)
    return;
  g_object_ref (self);
  if (loop->held && !retry_held (self))
    goto out;
  if (loop->waiting)
    {
      if (!wait_satisfied (self))
        goto out;
      g_debug ("%s channel: the wait is over", channel_name (self));
      loop->waiting = FALSE;
    }
  loop->paused = FALSE;
  message_done (self, loop->paused_count_ack);
out:
  g_object_unref (self);
}

static void
body_read (TetherSpiceChannel *self, GBytes *body)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  const TetherSpiceChannelOps *ops = tether_spice_channel_get_ops (self);
  guint8 channel_type = (guint8) tether_spice_channel_get_channel_type (self);
  guint generation = tether_spice_channel_get_generation (self);
  gboolean count_ack = TRUE;
  GError *error = NULL;
  gboolean ok = TRUE;

  g_object_ref (self);
  if (loop->type == TETHER_SPICE_MSG_LIST || loop->sub_list != 0)
    {
      gsize main_len = 0;
      GArray *subs = tether_spice_sub_messages_parse (channel_type, body,
                                                      loop->type == TETHER_SPICE_MSG_LIST ? 0 : loop->sub_list,
                                                      &main_len, &error);

      ok = subs != NULL;
      for (guint i = 0; ok && i < subs->len; i++)
        {
          TetherSpiceSubMessage *sub = &g_array_index (subs, TetherSpiceSubMessage, i);
          gboolean ignored;

          ok = dispatch (self, ops, sub->type, sub->body, &ignored, &error) &&
               tether_spice_channel_get_generation (self) == generation;
        }
      if (ok && loop->type != TETHER_SPICE_MSG_LIST)
        {
          g_autoptr(GBytes) main_body = g_bytes_new_from_bytes (body, 0, main_len);

          ok = dispatch (self, ops, loop->type, main_body, &count_ack, &error);
        }
      g_clear_pointer (&subs, g_array_unref);
    }
  else
    ok = dispatch (self, ops, loop->type, body, &count_ack, &error);

  if (tether_spice_channel_get_generation (self) != generation)
    {
      /* A handler closed or failed the channel. */
      g_clear_error (&error);
    }
  else if (!ok)
    {
      if (error == NULL)
        error = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "A %s message could not be handled",
                             channel_name (self));
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, error);
    }
  else if (loop->held || loop->waiting)
    {
      loop->paused = TRUE;
      loop->paused_count_ack = count_ack;
    }
  else
    message_done (self, count_ack);
  g_object_unref (self);
}

static void
header_read (TetherSpiceChannel *self, GBytes *data)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);
  const TetherSpiceChannelOps *ops = tether_spice_channel_get_ops (self);
  guint8 channel_type = (guint8) tether_spice_channel_get_channel_type (self);
  TetherSpiceDataHeader h;
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  GError *error = NULL;
  gboolean ok;

  ok = loop->mini_header ? tether_spice_mini_header_decode (d, n, &h, &error)
                         : tether_spice_full_header_decode (d, n, &h, &error);
  if (ok)
    ok = tether_spice_message_check_size (channel_type, h.type, h.size, &error);
  if (ok && ops != NULL && ops->max_message_size != NULL && h.size > ops->max_message_size (self, h.type))
    {
      g_set_error (&error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "%s message %u of %u bytes is over the %s channel's limit",
                   tether_spice_message_name (channel_type, h.type) != NULL
                     ? tether_spice_message_name (channel_type, h.type) : "A",
                   h.type, h.size, channel_name (self));
      ok = FALSE;
    }
  if (!ok)
    {
      tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, error);
      return;
    }
  loop->type = h.type;
  loop->sub_list = h.sub_list;
  /* With the mini header the n-th message has serial n (§4.1). */
  loop->in_serial = loop->mini_header ? loop->in_serial + 1 : h.serial;
  tether_spice_channel_read (self, h.size, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, body_read);
}

static void
read_header (TetherSpiceChannel *self)
{
  TetherSpiceChannelLoop *loop = tether_spice_channel_get_loop (self);

  tether_spice_channel_read_or_close (self, loop->mini_header ? TETHER_SPICE_MINI_HEADER_SIZE
                                                              : TETHER_SPICE_FULL_HEADER_SIZE,
                                      header_read);
}

void
tether_spice_channel_loop_start (TetherSpiceChannel *self)
{
  read_header (self);
}
