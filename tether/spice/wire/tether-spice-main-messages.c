/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-main-messages-private.h"
#include "tether-writer-private.h"

/* ---- helpers ------------------------------------------------------------ */

static gboolean
check_mouse_modes (guint32 supported, guint32 current, const char *what, GError **error)
{
  if (supported == 0 || (supported & ~TETHER_SPICE_MOUSE_MODE_MASK) != 0)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "invalid supported mouse modes 0x%x", supported);
  switch (current)
    {
    case TETHER_SPICE_MOUSE_MODE_SERVER:
    case TETHER_SPICE_MOUSE_MODE_CLIENT:
      return TRUE;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                      "invalid current mouse mode %u", current);
    }
}

/*
 * A counted string from the server: @n bytes that end with a NUL (which
 * @nul_optional lets be missing) and hold no other NUL. Returns valid UTF-8.
 */
static gboolean
decode_counted_string (const guint8 *p, gsize n, gboolean nul_optional,
                       const char *what, const char *field, char **out, GError **error)
{
  *out = NULL;
  if (n > 0 && p[n - 1] == '\0')
    n--;
  else if (!nul_optional)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%s is not NUL-terminated", field);
  if (n > 0 && memchr (p, '\0', n) != NULL)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%s holds a NUL byte", field);
  *out = n > 0 ? g_utf8_make_valid ((const char *) p, n) : g_strdup ("");
  return TRUE;
}

/* ---- server -> client --------------------------------------------------- */

gboolean
tether_spice_msg_main_init_decode (GBytes *body, TetherSpiceMsgMainInit *out, GError **error)
{
  static const char what[] = "SPICE message MAIN_INIT";
  TetherReader r;
  guint32 agent_connected;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->session_id);
  tether_reader_u32_le (&r, &out->display_channels_hint);
  tether_reader_u32_le (&r, &out->supported_mouse_modes);
  tether_reader_u32_le (&r, &out->current_mouse_mode);
  tether_reader_u32_le (&r, &agent_connected);
  tether_reader_u32_le (&r, &out->agent_tokens);
  tether_reader_u32_le (&r, &out->multi_media_time);
  tether_reader_u32_le (&r, &out->ram_hint);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  out->agent_connected = agent_connected != 0;
  return check_mouse_modes (out->supported_mouse_modes, out->current_mouse_mode, what, error);
}

void
tether_spice_msg_main_channels_list_clear (TetherSpiceMsgMainChannelsList *list)
{
  g_clear_pointer (&list->channels, g_free);
  list->n_channels = 0;
}

gboolean
tether_spice_msg_main_channels_list_decode (GBytes *body, TetherSpiceMsgMainChannelsList *out,
                                            GError **error)
{
  static const char what[] = "SPICE message MAIN_CHANNELS_LIST";
  TetherReader r;
  guint32 count;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &count);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  if (count > TETHER_SPICE_MAX_CHANNELS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%u channels, over the limit of %u",
                                    count, TETHER_SPICE_MAX_CHANNELS);
  if (!tether_reader_can_hold (&r, count, 2))
    return tether_spice_wire_finish (&r, TRUE, what, error);
  out->channels = g_new0 (TetherSpiceChannelEntry, MAX (count, 1));
  out->n_channels = count;
  for (guint i = 0; i < count; i++)
    {
      tether_reader_u8 (&r, &out->channels[i].type);
      tether_reader_u8 (&r, &out->channels[i].id);
    }
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    {
      tether_spice_msg_main_channels_list_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_msg_main_mouse_mode_decode (GBytes *body, TetherSpiceMsgMainMouseMode *out,
                                         GError **error)
{
  static const char what[] = "SPICE message MAIN_MOUSE_MODE";
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u16_le (&r, &out->supported_modes);
  tether_reader_u16_le (&r, &out->current_mode);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  return check_mouse_modes (out->supported_modes, out->current_mode, what, error);
}

gboolean
tether_spice_msg_main_u32_decode (guint16 type, GBytes *body, guint32 *value, GError **error)
{
  g_autofree char *what = NULL;
  TetherReader r;

  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_MULTI_MEDIA_TIME:
    case TETHER_SPICE_MSG_MAIN_AGENT_DISCONNECTED:
    case TETHER_SPICE_MSG_MAIN_AGENT_TOKEN:
    case TETHER_SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS:
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  what = g_strdup_printf ("SPICE message %s",
                          tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type));
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, value);
  return tether_spice_wire_finish (&r, TRUE, what, error);
}

gboolean
tether_spice_msg_main_agent_data_decode (GBytes *body, GBytes **data, GError **error)
{
  gsize len = g_bytes_get_size (body);

  *data = NULL;
  if (len > TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                                    "SPICE message MAIN_AGENT_DATA",
                                    "%" G_GSIZE_FORMAT " bytes, over the limit of %u",
                                    len, TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE);
  *data = g_bytes_ref (body);
  return TRUE;
}

gboolean
tether_spice_msg_main_name_decode (GBytes *body, char **name, GError **error)
{
  static const char what[] = "SPICE message MAIN_NAME";
  TetherReader r;
  guint32 len;
  const guint8 *p;

  *name = NULL;
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &len);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  if (len > TETHER_SPICE_MAX_NAME_LENGTH)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "name of %u bytes, over the limit of %u",
                                    len, TETHER_SPICE_MAX_NAME_LENGTH);
  tether_reader_borrow (&r, len, &p);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  return decode_counted_string (p, len, TRUE, what, "the name", name, error);
}

gboolean
tether_spice_msg_main_uuid_decode (GBytes *body, guint8 uuid[TETHER_SPICE_UUID_SIZE],
                                   GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_copy (&r, TETHER_SPICE_UUID_SIZE, uuid);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message MAIN_UUID", error);
}

void
tether_spice_msg_main_migrate_clear (TetherSpiceMsgMainMigrate *migrate)
{
  g_clear_pointer (&migrate->host, g_free);
  g_clear_pointer (&migrate->cert_subject, g_free);
}

static gboolean
host_is_valid (const char *host)
{
  if (*host == '\0')
    return FALSE;
  /* Names, IPv4, IPv6 (maybe bracketed, with a zone). */
  for (const char *c = host; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr (".-_:[]%", *c) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
subject_is_valid (const char *subject)
{
  for (const char *c = subject; *c != '\0'; c = g_utf8_next_char (c))
    if (g_unichar_iscntrl (g_utf8_get_char (c)))
      return FALSE;
  return TRUE;
}

/* A string reached through a (size, offset) pair; size includes the NUL. */
static gboolean
read_pointed_string (TetherReader *msg, guint32 size, guint32 ptr, guint32 max,
                     const char *what, const char *field, char **out, GError **error)
{
  TetherReader s;
  const guint8 *p;

  *out = NULL;
  if (size > max)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%s of %u bytes, over the limit of %u", field, size, max);
  if (ptr == 0)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%s has a NULL offset", field);
  if (!tether_reader_at (msg, ptr, size, &s))
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%s (%u bytes at offset %u) lies outside the message",
                                    field, size, ptr);
  tether_reader_borrow (&s, size, &p);
  return decode_counted_string (p, size, FALSE, what, field, out, error);
}

gboolean
tether_spice_msg_main_migrate_decode (guint16 type, GBytes *body,
                                      TetherSpiceMsgMainMigrate *out, GError **error)
{
  g_autofree char *what = NULL;
  TetherReader r;
  guint32 host_size, host_ptr, subject_size, subject_ptr;

  switch (type)
    {
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS:
    case TETHER_SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST:
      break;
    default:
      g_return_val_if_reached (FALSE);
    }
  what = g_strdup_printf ("SPICE message %s",
                          tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_MAIN, type));

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  /* DstInfo (MIGRATE_SWITCH_HOST has the same layout). */
  tether_reader_u16_le (&r, &out->port);
  tether_reader_u16_le (&r, &out->sport);
  tether_reader_u32_le (&r, &host_size);
  tether_reader_u32_le (&r, &host_ptr);
  tether_reader_u32_le (&r, &subject_size);
  tether_reader_u32_le (&r, &subject_ptr);
  if (type == TETHER_SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS)
    tether_reader_u32_le (&r, &out->src_mig_version);
  /* The strings follow, reached by offset. */
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;

  if (!read_pointed_string (&r, host_size, host_ptr, TETHER_SPICE_MAX_HOST_LENGTH,
                            what, "the host", &out->host, error))
    goto fail;
  if (!host_is_valid (out->host))
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                               "the host is not a host name or address");
      goto fail;
    }
  if (subject_size != 0 || subject_ptr != 0)
    {
      if (!read_pointed_string (&r, subject_size, subject_ptr,
                                TETHER_SPICE_MAX_CERT_SUBJECT_LENGTH,
                                what, "the certificate subject", &out->cert_subject, error))
        goto fail;
      if (!subject_is_valid (out->cert_subject))
        {
          tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                   "the certificate subject holds control characters");
          goto fail;
        }
    }
  return TRUE;

fail:
  tether_spice_msg_main_migrate_clear (out);
  return FALSE;
}

gboolean
tether_spice_migration_unsupported (const TetherSpiceMsgMainMigrate *migrate, GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "The SPICE server asked to migrate this session to %s (port %u, TLS port %u); "
               "Tether does not support migration",
               migrate->host != NULL ? migrate->host : "another host",
               migrate->port, migrate->sport);
  return FALSE;
}

/* ---- client -> server --------------------------------------------------- */

static GBytes *
u32_body (guint32 v)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, v);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_main_client_info_encode (guint64 cache_size)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u64_le (&w, cache_size);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_main_attach_channels_encode (void)
{
  return g_bytes_new (NULL, 0);
}

GBytes *
tether_spice_msgc_main_mouse_mode_request_encode (guint16 mode)
{
  TetherWriter w;

  g_return_val_if_fail (mode == TETHER_SPICE_MOUSE_MODE_SERVER ||
                        mode == TETHER_SPICE_MOUSE_MODE_CLIENT, NULL);
  tether_writer_init (&w);
  tether_writer_u16_le (&w, mode);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_main_agent_start_encode (guint32 num_tokens)
{
  return u32_body (num_tokens);
}

GBytes *
tether_spice_msgc_main_agent_data_encode (const guint8 *data, gsize len)
{
  g_return_val_if_fail (len <= TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  return g_bytes_new (data, len);
}

GBytes *
tether_spice_msgc_main_agent_token_encode (guint32 num_tokens)
{
  return u32_body (num_tokens);
}
