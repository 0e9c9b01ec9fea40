/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-reader-private.h"
#include "tether-spice-sasl-wire-private.h"
#include "tether-spice-wire-private.h"

gboolean
tether_spice_sasl_length_decode (const guint8 *data, gsize len,
                                 guint32 min, guint32 max,
                                 const char *what,
                                 guint32 *out, GError **error)
{
  TetherReader r;
  guint32 v = 0;

  tether_reader_init (&r, data, len);
  tether_reader_u32_le (&r, &v);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  if (v > max)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                        "%s: the server announced %" G_GUINT32_FORMAT " bytes, more than the limit of %"
                        G_GUINT32_FORMAT, what, v, max), FALSE;
  if (v < min)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "%s: the server announced %" G_GUINT32_FORMAT " bytes, less than the minimum of %"
                        G_GUINT32_FORMAT, what, v, min), FALSE;
  *out = v;
  return TRUE;
}

static gboolean
is_mechanism_char (guint8 c)
{
  /* RFC 4422 §3.1: upper-case letters, digits, hyphen and underscore. */
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char *
tether_spice_sasl_mechlist_decode (const guint8 *data, gsize len, GError **error)
{
  static const char what[] = "SASL mechanism list";
  TetherReader r;
  const guint8 *p = NULL;
  gboolean any = FALSE;

  if (len == 0 || len > TETHER_SPICE_SASL_MAX_MECHLIST_LEN)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "%s: %" G_GSIZE_FORMAT " bytes, not 1 to %u", what, len,
                        TETHER_SPICE_SASL_MAX_MECHLIST_LEN), NULL;
  tether_reader_init (&r, data, len);
  tether_reader_borrow (&r, len, &p);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] == ',')
        continue;
      if (!is_mechanism_char (p[i]))
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                            "%s: byte 0x%02x at offset %" G_GSIZE_FORMAT " is not part of a mechanism name",
                            what, p[i], i), NULL;
      any = TRUE;
    }
  if (!any)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "%s: the server offers no mechanism", what), NULL;
  return g_strndup ((const char *) p, len);
}

gboolean
tether_spice_sasl_server_step_decode (const guint8 *data, gsize len,
                                      TetherSpiceSaslServerStep *out,
                                      GError **error)
{
  static const char what[] = "SASL server step";
  TetherReader r;
  const guint8 *p = NULL;
  guint8 complete = 0;
  gsize data_len;

  memset (out, 0, sizeof *out);
  if (len == 0 || len > (gsize) TETHER_SPICE_SASL_MAX_DATA_LEN + 1)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "%s: %" G_GSIZE_FORMAT " bytes, not 1 to %u", what, len,
                        TETHER_SPICE_SASL_MAX_DATA_LEN + 1), FALSE;
  data_len = len - 1;
  tether_reader_init (&r, data, len);
  if (data_len > 0)
    tether_reader_borrow (&r, data_len, &p);
  tether_reader_u8 (&r, &complete);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  switch (complete)
    {
    case 0:
    case 1:
      break;
    default:
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                          "%s: the complete flag is %u, not 0 or 1", what, complete), FALSE;
    }
  /* A non-zero length counts a trailing NUL, which is not SASL data (the
   * server's NUL is not checked: spice-gtk drops the last byte as well). */
  out->data = data_len > 0 ? (const char *) p : NULL;
  out->data_len = data_len > 0 ? (guint) (data_len - 1) : 0;
  out->complete = complete == 1;
  return TRUE;
}

/* Splits one length-prefixed message: the length (@min..@max) and exactly
 * that many body bytes plus @extra. */
static gboolean
split_message (const guint8 *data, gsize len, guint32 min, guint32 max, gsize extra,
               const char *what, const guint8 **body, gsize *body_len, GError **error)
{
  TetherReader r;
  guint32 n = 0;

  if (!tether_spice_sasl_length_decode (data, MIN (len, (gsize) TETHER_SPICE_SASL_LENGTH_SIZE),
                                        min, max, what, &n, error))
    return FALSE;
  tether_reader_init (&r, data, len);
  tether_reader_skip (&r, TETHER_SPICE_SASL_LENGTH_SIZE);
  *body = NULL;
  *body_len = (gsize) n + extra;
  if (*body_len > 0)
    tether_reader_borrow (&r, *body_len, body);
  return tether_spice_wire_finish (&r, TRUE, what, error);
}

char *
tether_spice_sasl_mechlist_message_decode (const guint8 *data, gsize len, GError **error)
{
  const guint8 *body;
  gsize n;

  if (!split_message (data, len, 1, TETHER_SPICE_SASL_MAX_MECHLIST_LEN, 0, "SASL mechanism list",
                      &body, &n, error))
    return NULL;
  return tether_spice_sasl_mechlist_decode (body, n, error);
}

gboolean
tether_spice_sasl_server_step_message_decode (const guint8 *data, gsize len,
                                              TetherSpiceSaslServerStep *out, GError **error)
{
  const guint8 *body;
  gsize n;

  memset (out, 0, sizeof *out);
  if (!split_message (data, len, 0, TETHER_SPICE_SASL_MAX_DATA_LEN, 1, "SASL server step",
                      &body, &n, error))
    return FALSE;
  return tether_spice_sasl_server_step_decode (body, n, out, error);
}

/* A buffer that remembers its size, so that its free function can wipe it. */
typedef struct {
  gsize  size;
  guint8 data[];
} WipedBuffer;

static void
wiped_buffer_free (gpointer user_data)
{
  WipedBuffer *w = user_data;

  explicit_bzero (w->data, w->size);
  g_free (w);
}

static void
put_u32 (guint8 *p, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);

  memcpy (p, &le, sizeof le);
}

/* [u32 len][mechanism] [u32 len][out][NUL], the mechanism part when @mechanism
 * is not NULL. One exact allocation, wiped when the GBytes is freed. */
static GBytes *
encode (const char *mechanism, const char *out, guint out_len, GError **error)
{
  gsize mech_len = mechanism != NULL ? strlen (mechanism) : 0;
  gsize size = 0, at = 0;
  WipedBuffer *w;
  guint8 *buf;

  if (mechanism != NULL && (mech_len == 0 || mech_len > TETHER_SPICE_SASL_MAX_MECHNAME_LEN))
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                        "The SASL mechanism name is %" G_GSIZE_FORMAT " bytes, not 1 to %u",
                        mech_len, TETHER_SPICE_SASL_MAX_MECHNAME_LEN), NULL;
  /* With its NUL the data must fit in the limit. */
  if (out != NULL && out_len >= TETHER_SPICE_SASL_MAX_DATA_LEN)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                        "The SASL client data is %u bytes, over the limit of %u",
                        out_len, TETHER_SPICE_SASL_MAX_DATA_LEN - 1), NULL;
  if (mechanism != NULL)
    size += TETHER_SPICE_SASL_LENGTH_SIZE + mech_len;
  size += TETHER_SPICE_SASL_LENGTH_SIZE + (out != NULL ? (gsize) out_len + 1 : 0);
  w = g_malloc (sizeof *w + size);
  w->size = size;
  buf = w->data;
  if (mechanism != NULL)
    {
      put_u32 (buf + at, (guint32) mech_len);
      at += TETHER_SPICE_SASL_LENGTH_SIZE;
      memcpy (buf + at, mechanism, mech_len);
      at += mech_len;
    }
  if (out != NULL)
    {
      put_u32 (buf + at, out_len + 1);
      at += TETHER_SPICE_SASL_LENGTH_SIZE;
      if (out_len > 0)
        memcpy (buf + at, out, out_len);
      at += out_len;
      buf[at++] = 0;
    }
  else
    {
      put_u32 (buf + at, 0);
      at += TETHER_SPICE_SASL_LENGTH_SIZE;
    }
  g_assert (at == size);
  return g_bytes_new_with_free_func (buf, size, wiped_buffer_free, w);
}

GBytes *
tether_spice_sasl_start_encode (const char *mechanism, const char *out, guint out_len,
                                GError **error)
{
  g_return_val_if_fail (mechanism != NULL, NULL);
  return encode (mechanism, out, out_len, error);
}

GBytes *
tether_spice_sasl_step_encode (const char *out, guint out_len, GError **error)
{
  return encode (NULL, out, out_len, error);
}
