/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-agent-private.h"
#include "tether-writer-private.h"

static const char what[] = "SPICE agent stream";

/* The first allocation for a message body; it grows as bytes arrive. */
#define INITIAL_BODY_ALLOC (64u * 1024u)

guint
tether_spice_agent_chunk_count (gsize data_len)
{
  guint64 total = (guint64) data_len + TETHER_SPICE_VD_AGENT_HEADER_SIZE;

  return (guint) ((total + TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE - 1) / TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE);
}

GPtrArray *
tether_spice_agent_message_encode (guint32 type, guint64 opaque,
                                   const guint8 *data, gsize len)
{
  TetherWriter w;
  g_autoptr(GBytes) whole = NULL;
  GPtrArray *chunks;
  gsize total;

  g_return_val_if_fail (len <= G_MAXUINT32 - TETHER_SPICE_VD_AGENT_HEADER_SIZE, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  tether_writer_init (&w);
  tether_writer_u32_le (&w, TETHER_SPICE_VD_AGENT_PROTOCOL);
  tether_writer_u32_le (&w, type);
  tether_writer_u64_le (&w, opaque);
  tether_writer_u32_le (&w, (guint32) len);
  tether_writer_bytes (&w, data, len);
  whole = tether_spice_wire_take_bytes (&w);

  /* Each chunk is a slice of the one serialized message. */
  total = g_bytes_get_size (whole);
  chunks = g_ptr_array_new_full (tether_spice_agent_chunk_count (len),
                                 (GDestroyNotify) g_bytes_unref);
  for (gsize off = 0; off < total; off += TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE)
    {
      gsize n = MIN (total - off, (gsize) TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE);

      g_ptr_array_add (chunks, g_bytes_new_from_bytes (whole, off, n));
    }
  return chunks;
}

void
tether_spice_agent_message_free (TetherSpiceAgentMessage *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message);
}

struct _TetherSpiceAgentReassembler {
  gsize       max_size;
  gboolean    failed;
  /* The header of the current message, possibly split over chunks. */
  guint8      header[TETHER_SPICE_VD_AGENT_HEADER_SIZE];
  gsize       header_fill;
  gboolean    have_header;
  guint32     type;
  guint64     opaque;
  guint32     size;
  GByteArray *body;       /* bytes of the current message so far */
};

TetherSpiceAgentReassembler *
tether_spice_agent_reassembler_new (gsize max_message_size)
{
  TetherSpiceAgentReassembler *self = g_new0 (TetherSpiceAgentReassembler, 1);

  self->max_size = max_message_size != 0 ? max_message_size : TETHER_SPICE_MAX_AGENT_MESSAGE_SIZE;
  return self;
}

void
tether_spice_agent_reassembler_reset (TetherSpiceAgentReassembler *self)
{
  g_clear_pointer (&self->body, g_byte_array_unref);
  self->failed = FALSE;
  self->header_fill = 0;
  self->have_header = FALSE;
  self->type = 0;
  self->opaque = 0;
  self->size = 0;
}

void
tether_spice_agent_reassembler_free (TetherSpiceAgentReassembler *self)
{
  if (self == NULL)
    return;
  tether_spice_agent_reassembler_reset (self);
  g_free (self);
}

gboolean
tether_spice_agent_reassembler_is_idle (const TetherSpiceAgentReassembler *self)
{
  return !self->have_header && self->header_fill == 0;
}

static void
emit (TetherSpiceAgentReassembler *self, GBytes *data, GPtrArray *messages)
{
  TetherSpiceAgentMessage *m = g_new0 (TetherSpiceAgentMessage, 1);

  m->type = self->type;
  m->opaque = self->opaque;
  m->data = data;
  g_ptr_array_add (messages, m);
  g_clear_pointer (&self->body, g_byte_array_unref);
  self->header_fill = 0;
  self->have_header = FALSE;
}

static gboolean
fail (TetherSpiceAgentReassembler *self, GError **error, TetherSpiceError code,
      const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (TetherSpiceAgentReassembler *self, GError **error, TetherSpiceError code,
      const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  self->failed = TRUE;
  g_clear_pointer (&self->body, g_byte_array_unref);
  return tether_spice_wire_error (error, code, what, "%s", text);
}

/* The 20 header bytes are complete: check and take them. */
static gboolean
take_header (TetherSpiceAgentReassembler *self, GError **error)
{
  TetherReader h;
  guint32 protocol;

  tether_reader_init (&h, self->header, sizeof self->header);
  tether_reader_u32_le (&h, &protocol);
  tether_reader_u32_le (&h, &self->type);
  tether_reader_u64_le (&h, &self->opaque);
  tether_reader_u32_le (&h, &self->size);
  g_assert (!tether_reader_failed (&h));
  if (protocol != TETHER_SPICE_VD_AGENT_PROTOCOL)
    return fail (self, error, TETHER_SPICE_ERROR_PROTOCOL,
                 "agent message with protocol %u, not %u", protocol,
                 TETHER_SPICE_VD_AGENT_PROTOCOL);
  if (self->size > self->max_size)
    return fail (self, error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                 "agent message of type %u with %u bytes, over the limit of %" G_GSIZE_FORMAT,
                 self->type, self->size, self->max_size);
  self->have_header = TRUE;
  return TRUE;
}

gboolean
tether_spice_agent_reassembler_push (TetherSpiceAgentReassembler *self,
                                     GBytes *chunk, GPtrArray *messages,
                                     GError **error)
{
  TetherReader r;
  gsize len = g_bytes_get_size (chunk);

  if (self->failed)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "the stream broke earlier and was not reset");
  if (len > TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE)
    return fail (self, error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                 "chunk of %" G_GSIZE_FORMAT " bytes, over the limit of %u",
                 len, TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE);

  tether_reader_init_bytes (&r, chunk);
  while (tether_reader_remaining (&r) > 0)
    {
      gsize n;

      if (!self->have_header)
        {
          n = MIN (tether_reader_remaining (&r), sizeof self->header - self->header_fill);
          tether_reader_copy (&r, n, self->header + self->header_fill);
          self->header_fill += n;
          if (self->header_fill < sizeof self->header)
            break;
          if (!take_header (self, error))
            return FALSE;
          /* Fast path: the whole body is in this chunk; share its bytes. */
          if (self->size <= tether_reader_remaining (&r))
            {
              GBytes *data = g_bytes_new_from_bytes (chunk, tether_reader_offset (&r), self->size);

              tether_reader_skip (&r, self->size);
              emit (self, data, messages);
              continue;
            }
          self->body = g_byte_array_sized_new (MIN (self->size, INITIAL_BODY_ALLOC));
        }

      n = MIN (tether_reader_remaining (&r), (gsize) self->size - self->body->len);
      if (n > 0)
        {
          const guint8 *p;

          tether_reader_borrow (&r, n, &p);
          g_byte_array_append (self->body, p, (guint) n);
        }
      if (self->body->len == self->size)
        emit (self, g_byte_array_free_to_bytes (g_steal_pointer (&self->body)), messages);
    }
  return TRUE;
}

void
tether_spice_agent_announce_caps_clear (TetherSpiceAgentAnnounceCaps *caps)
{
  g_clear_pointer (&caps->caps, g_free);
  caps->n_caps = 0;
}

gboolean
tether_spice_agent_announce_caps_decode (GBytes *data, TetherSpiceAgentAnnounceCaps *out,
                                         GError **error)
{
  static const char what_caps[] = "SPICE agent ANNOUNCE_CAPABILITIES";
  TetherReader r;
  guint32 request;
  gsize rest;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, data);
  tether_reader_u32_le (&r, &request);
  if (!tether_spice_wire_finish (&r, FALSE, what_caps, error))
    return FALSE;
  out->request = request != 0;
  rest = tether_reader_remaining (&r);
  if (rest % 4 != 0)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what_caps,
                                    "%" G_GSIZE_FORMAT " bytes of capabilities are not whole words",
                                    rest);
  if (rest / 4 > TETHER_SPICE_MAX_AGENT_CAPS_WORDS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what_caps,
                                    "%" G_GSIZE_FORMAT " capability words, over the limit of %u",
                                    rest / 4, TETHER_SPICE_MAX_AGENT_CAPS_WORDS);
  out->n_caps = (guint) (rest / 4);
  if (out->n_caps > 0)
    {
      out->caps = g_new (guint32, out->n_caps);
      for (guint i = 0; i < out->n_caps; i++)
        tether_reader_u32_le (&r, &out->caps[i]);
    }
  if (!tether_spice_wire_finish (&r, TRUE, what_caps, error))
    {
      tether_spice_agent_announce_caps_clear (out);
      return FALSE;
    }
  return TRUE;
}

GBytes *
tether_spice_agent_announce_caps_encode (gboolean request, const guint32 *caps, guint n_caps)
{
  TetherWriter w;

  g_return_val_if_fail (caps != NULL || n_caps == 0, NULL);
  g_return_val_if_fail (n_caps <= TETHER_SPICE_MAX_AGENT_CAPS_WORDS, NULL);
  tether_writer_init (&w);
  tether_writer_u32_le (&w, request ? 1u : 0u);
  for (guint i = 0; i < n_caps; i++)
    tether_writer_u32_le (&w, caps[i]);
  return tether_spice_wire_take_bytes (&w);
}
