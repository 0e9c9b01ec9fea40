/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-reader-private.h"
#include "tether-x2go-client-transport-private.h"

enum {
  SIGNAL_CHECK_HOST,
  SIGNAL_DISCONNECTED,
  SIGNAL_TUNNEL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_ABSTRACT_TYPE (TetherX2goTransport, tether_x2go_transport, G_TYPE_OBJECT)

void
tether_x2go_exec_result_free (TetherX2goExecResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&result->stderr_bytes, g_bytes_unref);
  g_free (result);
}

static void
tether_x2go_transport_init (TetherX2goTransport *self)
{
}

static void
tether_x2go_transport_class_init (TetherX2goTransportClass *klass)
{
  signals[SIGNAL_CHECK_HOST] =
    g_signal_new ("check-host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_BOOLEAN, 4,
                  G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_TUNNEL_FAILED] =
    g_signal_new ("tunnel-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_UINT, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_ERROR);
}

void
tether_x2go_transport_connect_async (TetherX2goTransport           *self,
                                     const TetherX2goConnectParams *params,
                                     GCancellable                  *cancellable,
                                     GAsyncReadyCallback            callback,
                                     gpointer                       user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_TRANSPORT (self));
  TETHER_X2GO_TRANSPORT_GET_CLASS (self)->connect_async (self, params, cancellable,
                                                         callback, user_data);
}

gboolean
tether_x2go_transport_connect_finish (TetherX2goTransport  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  return TETHER_X2GO_TRANSPORT_GET_CLASS (self)->connect_finish (self, result, error);
}

void
tether_x2go_transport_exec_async (TetherX2goTransport *self,
                                  const char          *command,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_TRANSPORT (self));
  TETHER_X2GO_TRANSPORT_GET_CLASS (self)->exec_async (self, command, cancellable,
                                                      callback, user_data);
}

TetherX2goExecResult *
tether_x2go_transport_exec_finish (TetherX2goTransport  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  return TETHER_X2GO_TRANSPORT_GET_CLASS (self)->exec_finish (self, result, error);
}

void
tether_x2go_transport_forward_async (TetherX2goTransport *self,
                                     const char          *remote_host,
                                     guint                remote_port,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_TRANSPORT (self));
  TETHER_X2GO_TRANSPORT_GET_CLASS (self)->forward_async (self, remote_host, remote_port,
                                                         cancellable, callback, user_data);
}

gboolean
tether_x2go_transport_forward_finish (TetherX2goTransport  *self,
                                      GAsyncResult         *result,
                                      guint                *forward_id,
                                      guint                *local_port,
                                      GError              **error)
{
  return TETHER_X2GO_TRANSPORT_GET_CLASS (self)->forward_finish (self, result, forward_id,
                                                                 local_port, error);
}

void
tether_x2go_transport_close_forward (TetherX2goTransport *self,
                                     guint                forward_id)
{
  g_return_if_fail (TETHER_X2GO_IS_TRANSPORT (self));
  TETHER_X2GO_TRANSPORT_GET_CLASS (self)->close_forward (self, forward_id);
}

void
tether_x2go_transport_disconnect (TetherX2goTransport *self)
{
  g_return_if_fail (TETHER_X2GO_IS_TRANSPORT (self));
  TETHER_X2GO_TRANSPORT_GET_CLASS (self)->disconnect (self);
}

char *
tether_x2go_transport_get_peer_name (TetherX2goTransport *self,
                                     guint               *port)
{
  g_return_val_if_fail (TETHER_X2GO_IS_TRANSPORT (self), NULL);
  if (port != NULL)
    *port = 0;
  return TETHER_X2GO_TRANSPORT_GET_CLASS (self)->get_peer_name (self, port);
}

gboolean
tether_x2go_transport_emit_check_host (TetherX2goTransport *self,
                                       const char          *host,
                                       guint                port,
                                       const char          *fingerprint,
                                       const char          *key_type)
{
  gboolean accept = FALSE;

  g_signal_emit (self, signals[SIGNAL_CHECK_HOST], 0, host, port, fingerprint,
                 key_type, &accept);
  return accept;
}

void
tether_x2go_transport_emit_disconnected (TetherX2goTransport *self,
                                         const GError        *error)
{
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
}

void
tether_x2go_transport_emit_tunnel_failed (TetherX2goTransport *self,
                                          guint                forward_id,
                                          const char          *remote_host,
                                          guint                remote_port,
                                          const GError        *error)
{
  g_signal_emit (self, signals[SIGNAL_TUNNEL_FAILED], 0, forward_id, remote_host,
                 remote_port, error);
}

/* ---- command framing ------------------------------------------------------ */

#define BEGIN_PREFIX "X2GODATABEGIN:"
#define END_PREFIX   "X2GODATAEND:"

char *
tether_x2go_wrap_command (const char *command,
                          const char *marker)
{
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (command != NULL && marker != NULL, NULL);
  g_return_val_if_fail (strlen (command) <= TETHER_X2GO_MAX_WRAPPED_COMMAND, NULL);

  /* The marker is a UUID we made ([0-9a-f-]): no quoting needed. The
   * command is one single-quoted word for the inner sh. */
  quoted = g_shell_quote (command);
  return g_strdup_printf ("echo " BEGIN_PREFIX "%s; sh -c %s; echo " END_PREFIX "%s:$?",
                          marker, quoted, marker);
}

/* The next line of @r: its start and length (without the newline); whether
 * it ended in a newline goes to @terminated. FALSE at the end of the data. */
static gboolean
next_line (TetherReader  *r,
           const char   **line,
           gsize         *len,
           gboolean      *terminated)
{
  gsize remaining = tether_reader_remaining (r);
  const guint8 *p = NULL;
  const guint8 *nl;

  if (remaining == 0)
    return FALSE;
  {
    TetherReader peek = *r;
    tether_reader_borrow (&peek, remaining, &p);
  }
  nl = memchr (p, '\n', remaining);
  if (nl != NULL)
    {
      *len = (gsize) (nl - p);
      *terminated = TRUE;
      tether_reader_skip (r, *len + 1);
    }
  else
    {
      *len = remaining;
      *terminated = FALSE;
      tether_reader_skip (r, remaining);
    }
  *line = (const char *) p;
  return TRUE;
}

static gboolean
line_equals (const char *line, gsize len, const char *prefix, const char *marker)
{
  gsize plen = strlen (prefix), mlen = strlen (marker);

  return len == plen + mlen && memcmp (line, prefix, plen) == 0 &&
         memcmp (line + plen, marker, mlen) == 0;
}

static gboolean
line_has_prefix (const char *line, gsize len, const char *prefix, const char *marker)
{
  gsize plen = strlen (prefix), mlen = strlen (marker);

  return len > plen + mlen && memcmp (line, prefix, plen) == 0 &&
         memcmp (line + plen, marker, mlen) == 0 && line[plen + mlen] == ':';
}

static gboolean
malformed (GError **error, const char *what, const char *why)
{
  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
               "%s: %s", what, why);
  return FALSE;
}

gboolean
tether_x2go_unwrap_output (const char  *what,
                           const char  *data,
                           gsize        len,
                           const char  *marker,
                           char       **out,
                           gsize       *out_len,
                           int         *status,
                           GError     **error)
{
  TetherReader r;
  const char *line;
  gsize line_len, body_start = 0, body_end = 0;
  gboolean terminated, in_body = FALSE, done = FALSE;
  guint64 value = 0;

  *out = NULL;
  *out_len = 0;
  *status = -1;
  if (len > TETHER_X2GO_MAX_COMMAND_OUTPUT)
    return malformed (error, what, "the command printed too much output");

  tether_reader_init (&r, (const guint8 *) data, data != NULL ? len : 0);
  while (!done)
    {
      gsize line_start = tether_reader_offset (&r);

      if (!next_line (&r, &line, &line_len, &terminated))
        break;
      if (!in_body)
        {
          if (line_equals (line, line_len, BEGIN_PREFIX, marker))
            {
              if (!terminated)
                break;
              in_body = TRUE;
              body_start = tether_reader_offset (&r);
            }
          continue;
        }
      if (line_equals (line, line_len, BEGIN_PREFIX, marker))
        return malformed (error, what, "the output frame begins twice");
      if (line_has_prefix (line, line_len, END_PREFIX, marker))
        {
          gsize skip = strlen (END_PREFIX) + strlen (marker) + 1;
          g_autofree char *digits = g_strndup (line + skip, line_len - skip);

          if (!terminated)
            return malformed (error, what, "the output frame's end line is cut short");
          if (strlen (digits) != line_len - skip || digits[0] == '\0' ||
              strspn (digits, "0123456789") != strlen (digits) || strlen (digits) > 3 ||
              !g_ascii_string_to_unsigned (digits, 10, 0, 255, &value, NULL))
            return malformed (error, what, "the output frame's exit status is not a number in 0..255");
          body_end = line_start;
          done = TRUE;
        }
    }

  if (!in_body)
    return malformed (error, what,
                      "the server's shell printed no output frame (the command did not run)");
  if (!done)
    return malformed (error, what, "the output ends before the end of its frame (truncated output?)");

  /* A second frame after the end is as suspicious as a second begin. */
  while (next_line (&r, &line, &line_len, &terminated))
    if (line_equals (line, line_len, BEGIN_PREFIX, marker) ||
        line_has_prefix (line, line_len, END_PREFIX, marker))
      return malformed (error, what, "the output frame ends twice");

  {
    TetherReader whole, body;
    const guint8 *p = NULL;

    tether_reader_init (&whole, (const guint8 *) data, len);
    tether_reader_at (&whole, body_start, body_end - body_start, &body);
    if (!tether_reader_borrow (&body, body_end - body_start, &p))
      return malformed (error, what, "internal framing error");
    *out_len = body_end - body_start;
    *out = g_malloc (*out_len + 1);
    if (*out_len > 0)
      memcpy (*out, p, *out_len);
    (*out)[*out_len] = '\0';
  }
  *status = (int) value;
  return TRUE;
}
