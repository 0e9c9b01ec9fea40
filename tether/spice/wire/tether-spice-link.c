/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-link-private.h"
#include "tether-writer-private.h"

const char *
tether_spice_link_err_name (guint32 code)
{
  switch (code)
    {
    case TETHER_SPICE_LINK_ERR_OK: return "OK";
    case TETHER_SPICE_LINK_ERR_ERROR: return "ERROR";
    case TETHER_SPICE_LINK_ERR_INVALID_MAGIC: return "INVALID_MAGIC";
    case TETHER_SPICE_LINK_ERR_INVALID_DATA: return "INVALID_DATA";
    case TETHER_SPICE_LINK_ERR_VERSION_MISMATCH: return "VERSION_MISMATCH";
    case TETHER_SPICE_LINK_ERR_NEED_SECURED: return "NEED_SECURED";
    case TETHER_SPICE_LINK_ERR_NEED_UNSECURED: return "NEED_UNSECURED";
    case TETHER_SPICE_LINK_ERR_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case TETHER_SPICE_LINK_ERR_BAD_CONNECTION_ID: return "BAD_CONNECTION_ID";
    case TETHER_SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE: return "CHANNEL_NOT_AVAILABLE";
    default: return NULL;
    }
}

const char *
tether_spice_link_err_message (guint32 code)
{
  switch (code)
    {
    case TETHER_SPICE_LINK_ERR_OK:
      return "no error";
    case TETHER_SPICE_LINK_ERR_ERROR:
      return "the server reported a generic error";
    case TETHER_SPICE_LINK_ERR_INVALID_MAGIC:
      return "the server did not recognise the link message (bad magic)";
    case TETHER_SPICE_LINK_ERR_INVALID_DATA:
      return "the server rejected the link data as invalid";
    case TETHER_SPICE_LINK_ERR_VERSION_MISMATCH:
      return "the server does not support this protocol version or authentication method";
    case TETHER_SPICE_LINK_ERR_NEED_SECURED:
      return "the server requires a TLS connection for this channel";
    case TETHER_SPICE_LINK_ERR_NEED_UNSECURED:
      return "the server requires a connection without TLS for this channel";
    case TETHER_SPICE_LINK_ERR_PERMISSION_DENIED:
      return "the server refused the password (wrong or expired)";
    case TETHER_SPICE_LINK_ERR_BAD_CONNECTION_ID:
      return "the server has no session with this connection id";
    case TETHER_SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE:
      return "the server does not offer this channel";
    default:
      return "the server reported an unknown error";
    }
}

/* "the server ... (VERSION_MISMATCH, 4)" for one code. */
static gboolean
link_err_set (GError **error, TetherSpiceError domain_code, const char *what, guint32 code)
{
  const char *name = tether_spice_link_err_name (code);

  return tether_spice_wire_error (error, domain_code, what, "%s (%s, %u)",
                                  tether_spice_link_err_message (code),
                                  name != NULL ? name : "unknown", code);
}

GBytes *
tether_spice_link_mess_encode (const TetherSpiceLinkMess *mess)
{
  TetherWriter w;
  guint32 n_words;

  g_return_val_if_fail (mess != NULL, NULL);
  g_return_val_if_fail (mess->n_common_caps <= TETHER_SPICE_MAX_CAPS_WORDS, NULL);
  g_return_val_if_fail (mess->n_channel_caps <= TETHER_SPICE_MAX_CAPS_WORDS, NULL);
  g_return_val_if_fail (mess->n_common_caps == 0 || mess->common_caps != NULL, NULL);
  g_return_val_if_fail (mess->n_channel_caps == 0 || mess->channel_caps != NULL, NULL);

  n_words = mess->n_common_caps + mess->n_channel_caps;
  tether_writer_init (&w);
  /* SpiceLinkHeader */
  tether_writer_u32_le (&w, TETHER_SPICE_MAGIC);
  tether_writer_u32_le (&w, TETHER_SPICE_VERSION_MAJOR);
  tether_writer_u32_le (&w, TETHER_SPICE_VERSION_MINOR);
  tether_writer_u32_le (&w, TETHER_SPICE_LINK_MESS_SIZE + 4u * n_words);
  /* SpiceLinkMess */
  tether_writer_u32_le (&w, mess->connection_id);
  tether_writer_u8 (&w, mess->channel_type);
  tether_writer_u8 (&w, mess->channel_id);
  tether_writer_u32_le (&w, mess->n_common_caps);
  tether_writer_u32_le (&w, mess->n_channel_caps);
  tether_writer_u32_le (&w, TETHER_SPICE_LINK_MESS_SIZE);   /* caps right after */
  for (guint i = 0; i < mess->n_common_caps; i++)
    tether_writer_u32_le (&w, mess->common_caps[i]);
  for (guint i = 0; i < mess->n_channel_caps; i++)
    tether_writer_u32_le (&w, mess->channel_caps[i]);
  return tether_spice_wire_take_bytes (&w);
}

gboolean
tether_spice_link_header_decode (const guint8 *data, gsize len,
                                 TetherSpiceLinkHeader *out, GError **error)
{
  static const char what[] = "SPICE link header";
  TetherReader r;
  guint32 magic;

  memset (out, 0, sizeof *out);
  tether_reader_init (&r, data, len);
  tether_reader_u32_le (&r, &magic);
  tether_reader_u32_le (&r, &out->major_version);
  tether_reader_u32_le (&r, &out->minor_version);
  tether_reader_u32_le (&r, &out->size);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;

  if (magic != TETHER_SPICE_MAGIC)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LINK, what,
                                    "the peer is not a SPICE server (bad magic 0x%08x)", magic);
  /* Only the major version matters (§3.10). */
  if (out->major_version != TETHER_SPICE_VERSION_MAJOR)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LINK, what,
                                    "the server speaks SPICE protocol %u, not %u",
                                    out->major_version, TETHER_SPICE_VERSION_MAJOR);
  if (out->size < TETHER_SPICE_LINK_REPLY_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "link reply of %u bytes is shorter than %u",
                                    out->size, TETHER_SPICE_LINK_REPLY_SIZE);
  if (out->size > TETHER_SPICE_MAX_LINK_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "link reply of %u bytes is over the limit of %u",
                                    out->size, TETHER_SPICE_MAX_LINK_SIZE);
  return TRUE;
}

void
tether_spice_link_reply_clear (TetherSpiceLinkReply *reply)
{
  g_clear_pointer (&reply->common_caps, g_free);
  g_clear_pointer (&reply->channel_caps, g_free);
  reply->n_common_caps = 0;
  reply->n_channel_caps = 0;
}

static guint32 *
read_caps (TetherReader *r, guint n)
{
  guint32 *caps;

  if (n == 0 || !tether_reader_can_hold (r, n, 4))
    return NULL;
  caps = g_new (guint32, n);
  for (guint i = 0; i < n; i++)
    tether_reader_u32_le (r, &caps[i]);
  return caps;
}

gboolean
tether_spice_link_reply_decode (const guint8 *data, gsize len,
                                TetherSpiceLinkReply *out, GError **error)
{
  static const char what[] = "SPICE link reply";
  TetherReader r, caps_r;
  guint32 n_common, n_channel, caps_offset;
  guint64 caps_len;

  memset (out, 0, sizeof *out);
  tether_reader_init (&r, data, len);
  tether_reader_u32_le (&r, &out->error);
  /* After an error the rest is zeros and the server closes: report it
   * whatever follows. */
  if (!tether_reader_failed (&r) && out->error != TETHER_SPICE_LINK_ERR_OK)
    return link_err_set (error, TETHER_SPICE_ERROR_LINK, what, out->error);

  tether_reader_copy (&r, sizeof out->pub_key, out->pub_key);
  tether_reader_u32_le (&r, &n_common);
  tether_reader_u32_le (&r, &n_channel);
  tether_reader_u32_le (&r, &caps_offset);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;

  if (n_common > TETHER_SPICE_MAX_CAPS_WORDS || n_channel > TETHER_SPICE_MAX_CAPS_WORDS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%u common and %u channel capability words, over the limit of %u",
                                    n_common, n_channel, TETHER_SPICE_MAX_CAPS_WORDS);
  if (caps_offset < TETHER_SPICE_LINK_REPLY_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "capabilities offset %u points into the fixed part",
                                    caps_offset);
  caps_len = 4u * ((guint64) n_common + n_channel);
  if (!tether_reader_at (&r, caps_offset, caps_len, &caps_r))
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%" G_GUINT64_FORMAT " bytes of capabilities at offset %u "
                                    "do not fit in a reply of %" G_GSIZE_FORMAT " bytes",
                                    caps_len, caps_offset, len);
  out->common_caps = read_caps (&caps_r, n_common);
  out->n_common_caps = n_common;
  out->channel_caps = read_caps (&caps_r, n_channel);
  out->n_channel_caps = n_channel;
  if (!tether_spice_wire_finish (&caps_r, TRUE, what, error))
    {
      tether_spice_link_reply_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_link_choose_auth (const TetherSpiceLinkReply *reply,
                               gboolean client_can_sasl,
                               gboolean *send_mechanism,
                               guint32 *mechanism, GError **error)
{
  static const char what[] = "SPICE authentication";
  gboolean selection = tether_spice_caps_test (reply->common_caps, reply->n_common_caps,
                                               TETHER_SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION);
  gboolean spice = tether_spice_caps_test (reply->common_caps, reply->n_common_caps,
                                           TETHER_SPICE_COMMON_CAP_AUTH_SPICE);
  gboolean sasl = tether_spice_caps_test (reply->common_caps, reply->n_common_caps,
                                          TETHER_SPICE_COMMON_CAP_AUTH_SASL);

  *send_mechanism = FALSE;
  *mechanism = TETHER_SPICE_AUTH_MECHANISM_SPICE;
  /* Without selection the ticket is implied (§3.6). */
  if (!selection)
    return TRUE;
  *send_mechanism = TRUE;
  if (sasl && client_can_sasl)
    *mechanism = TETHER_SPICE_AUTH_MECHANISM_SASL;
  else if (spice)
    *mechanism = TETHER_SPICE_AUTH_MECHANISM_SPICE;
  else if (sasl)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_UNSUPPORTED, what,
                                    "the server requires SASL authentication, "
                                    "which this build does not support");
  else
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LINK, what,
                                    "the server offers no authentication method Tether knows");
  return TRUE;
}

GBytes *
tether_spice_auth_mechanism_encode (guint32 mechanism)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, mechanism);
  return tether_spice_wire_take_bytes (&w);
}

gboolean
tether_spice_link_result_decode (const guint8 *data, gsize len,
                                 guint32 *code, GError **error)
{
  static const char what[] = "SPICE link result";
  TetherReader r;

  tether_reader_init (&r, data, len);
  tether_reader_u32_le (&r, code);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  switch (*code)
    {
    case TETHER_SPICE_LINK_ERR_OK:
      return TRUE;
    case TETHER_SPICE_LINK_ERR_PERMISSION_DENIED:
      return link_err_set (error, TETHER_SPICE_ERROR_AUTH, what, *code);
    default:
      return link_err_set (error, TETHER_SPICE_ERROR_LINK, what, *code);
    }
}
