/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Channel transports: TCP (direct or through an HTTP CONNECT proxy), unix
 * sockets and application-given fds, with TLS on top when asked. See
 * tether-spice-transport-private.h.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>
#include <gio/gunixsocketaddress.h>

#include "tether-error.h"
#include "tether-spice-transport-private.h"
#include "tether-spice-secret-private.h"

/* A callback may run while another context is the thread's default: start
 * nested operations with the task's own context as the default, so that
 * they complete there too. */
#define IN_TASK_CONTEXT(task, stmt)                                   \
  G_STMT_START {                                                      \
    GMainContext *task_ctx_ = g_task_get_context (task);              \
    g_main_context_push_thread_default (task_ctx_);                   \
    stmt;                                                             \
    g_main_context_pop_thread_default (task_ctx_);                    \
  } G_STMT_END

void
tether_spice_transport_params_init (TetherSpiceTransportParams *params)
{
  memset (params, 0, sizeof *params);
  params->fd = -1;
}

void
tether_spice_transport_params_clear (TetherSpiceTransportParams *params)
{
  g_clear_pointer (&params->host, g_free);
  g_clear_pointer (&params->unix_path, g_free);
  if (params->fd >= 0)
    close (params->fd);
  params->fd = -1;
  tether_spice_tls_params_clear (&params->tls_params);
  tether_spice_proxy_clear (&params->proxy);
  params->use_proxy = FALSE;
}

/* ---- HTTP CONNECT ------------------------------------------------------------ */

#define HTTP_MAX_REASON_LENGTH 100u

gboolean
tether_spice_http_parse_status (const char *headers, gsize len, guint *status, char **reason, GError **error)
{
  const char *nl = memchr (headers, '\n', len);
  gsize line_len = nl != NULL ? (gsize) (nl - headers) : len;
  gsize pos;
  guint code = 0;
  GString *r;

  *status = 0;
  if (reason != NULL)
    *reason = NULL;
  if (line_len > 0 && headers[line_len - 1] == '\r')
    line_len--;
  /* HTTP/1.0 or HTTP/1.1, one space, three digits, then the end or a space. */
  if (line_len < 12 || memcmp (headers, "HTTP/1.", 7) != 0 ||
      (headers[7] != '0' && headers[7] != '1') || headers[8] != ' ')
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                   "The proxy did not answer with an HTTP/1.x status line");
      return FALSE;
    }
  for (pos = 9; pos < 12; pos++)
    {
      if (!g_ascii_isdigit (headers[pos]))
        {
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                       "The proxy's status line has no valid status code");
          return FALSE;
        }
      code = code * 10 + (guint) (headers[pos] - '0');
    }
  if (line_len > 12 && headers[12] != ' ')
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                   "The proxy's status line has no valid status code");
      return FALSE;
    }
  if (code < 100)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                   "The proxy's status code %03u is not valid", code);
      return FALSE;
    }
  *status = code;
  if (reason != NULL)
    {
      r = g_string_new (NULL);
      for (pos = 13; pos < line_len && r->len < HTTP_MAX_REASON_LENGTH; pos++)
        {
          guchar c = (guchar) headers[pos];

          g_string_append_c (r, c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
      *reason = g_string_free (r, FALSE);
    }
  return TRUE;
}

typedef struct {
  GIOStream  *stream;
  char       *request;   /* a secret when it carries credentials */
  GByteArray *reply;
  guint8      byte;
  char       *target;    /* host:port, for messages */
} HttpData;

static void
http_data_free (gpointer p)
{
  HttpData *d = p;

  g_clear_object (&d->stream);
  tether_spice_secret_free (d->request);
  g_byte_array_unref (d->reply);
  g_free (d->target);
  g_free (d);
}

static gboolean
reply_complete (const GByteArray *reply)
{
  gsize n = reply->len;

  return (n >= 4 && memcmp (reply->data + n - 4, "\r\n\r\n", 4) == 0) ||
         (n >= 2 && memcmp (reply->data + n - 2, "\n\n", 2) == 0);
}

static void http_read_next (GTask *task);

static void
http_read_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  guint status;
  g_autofree char *reason = NULL;

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                 "Reading the proxy's answer failed: %s", error->message);
      return;
    }
  if (n == 0)
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                               "The proxy closed the connection instead of answering CONNECT %s",
                               d->target);
      return;
    }
  g_byte_array_append (d->reply, &d->byte, 1);
  if (!reply_complete (d->reply))
    {
      if (d->reply->len >= TETHER_SPICE_HTTP_MAX_REPLY_SIZE)
        {
          g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                   "The proxy's answer is longer than %u bytes",
                                   TETHER_SPICE_HTTP_MAX_REPLY_SIZE);
          return;
        }
      http_read_next (g_steal_pointer (&task));
      return;
    }
  if (!tether_spice_http_parse_status ((const char *) d->reply->data, d->reply->len, &status, &reason, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status != 200)
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                               "The proxy refused CONNECT %s: %03u %s", d->target, status, reason);
      return;
    }
  g_debug ("proxy: CONNECT %s: %03u %s", d->target, status, reason);
  g_task_return_boolean (task, TRUE);
}

/* One byte at a time: the proxy's answer ends with an empty line, and
 * nothing after it may be consumed here (it belongs to the tunnel). */
static void
http_read_next (GTask *task)
{
  HttpData *d = g_task_get_task_data (task);

  IN_TASK_CONTEXT (task,
                   g_input_stream_read_async (g_io_stream_get_input_stream (d->stream), &d->byte, 1,
                                              G_PRIORITY_DEFAULT, g_task_get_cancellable (task), http_read_done,
                                              task));
}

static void
http_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  HttpData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                 "Sending CONNECT to the proxy failed: %s", error->message);
      return;
    }
  /* The request held the credentials: gone as soon as it is sent. */
  tether_spice_secret_clear (&d->request);
  http_read_next (g_steal_pointer (&task));
}

static char *
host_port_string (const char *host, guint16 port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, (guint) port);
  return g_strdup_printf ("%s:%u", host, (guint) port);
}

void
tether_spice_http_connect_async (GIOStream *stream, const char *host, guint16 port, const char *user,
                                 const char *password, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  HttpData *d = g_new0 (HttpData, 1);
  GString *req;

  g_task_set_source_tag (task, tether_spice_http_connect_async);
  g_task_set_task_data (task, d, http_data_free);
  d->stream = g_object_ref (stream);
  d->reply = g_byte_array_new ();
  if (!tether_spice_host_is_valid (host) || port == 0)
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                               "Not a valid host and port for a proxy tunnel");
      return;
    }
  d->target = host_port_string (host, port);
  req = g_string_new (NULL);
  g_string_append_printf (req, "CONNECT %s HTTP/1.0\r\nHost: %s\r\n", d->target, d->target);
  if (user != NULL)
    {
      g_autofree char *cred = g_strconcat (user, ":", password != NULL ? password : "", NULL);
      char *b64 = g_base64_encode ((const guchar *) cred, strlen (cred));

      g_string_append_printf (req, "Proxy-Authorization: Basic %s\r\n", b64);
      explicit_bzero (cred, strlen (cred));
      tether_spice_secret_free (b64);
    }
  g_string_append (req, "\r\n");
  d->request = g_string_free (req, FALSE);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), d->request, strlen (d->request),
                                   G_PRIORITY_DEFAULT, cancellable, http_written, g_steal_pointer (&task));
}

gboolean
tether_spice_http_connect_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- connecting ------------------------------------------------------------------ */

typedef struct {
  TetherSpiceTransportParams p;
  GIOStream                 *stream;
  char                      *what;   /* "127.0.0.1:5900", for messages */
} ConnectData;

static void
connect_data_free (gpointer p)
{
  ConnectData *d = p;

  tether_spice_transport_params_clear (&d->p);
  g_clear_object (&d->stream);
  g_free (d->what);
  g_free (d);
}

static void
return_error (GTask *task, GError *error, TetherSpiceError code, const char *context)
{
  if (error->domain == TETHER_SPICE_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, code, "%s: %s", context, error->message);
      g_error_free (error);
    }
}

static void
set_socket_options (GSocketConnection *conn)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  GError *error = NULL;

  /* GSocketClient's timeout was for connecting; channels may idle longer. */
  g_socket_set_timeout (sock, 0);
  if (g_socket_get_family (sock) != G_SOCKET_FAMILY_IPV4 && g_socket_get_family (sock) != G_SOCKET_FAMILY_IPV6)
    return;
  if (!g_socket_set_option (sock, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    {
      g_debug ("TCP_NODELAY: %s", error->message);
      g_clear_error (&error);
    }
  g_socket_set_keepalive (sock, TRUE);
  if (!g_socket_set_option (sock, IPPROTO_TCP, TCP_KEEPIDLE, TETHER_SPICE_KEEPALIVE_IDLE_SECONDS, &error) ||
      !g_socket_set_option (sock, IPPROTO_TCP, TCP_KEEPINTVL, TETHER_SPICE_KEEPALIVE_INTERVAL, &error) ||
      !g_socket_set_option (sock, IPPROTO_TCP, TCP_KEEPCNT, TETHER_SPICE_KEEPALIVE_COUNT, &error))
    {
      g_debug ("TCP keepalive options: %s", error->message);
      g_clear_error (&error);
    }
}

static void
tls_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GIOStream *tls = tether_spice_tls_wrap_finish (result, &error);

  if (tls == NULL)
    {
      return_error (task, error, TETHER_SPICE_ERROR_TLS, "TLS");
      return;
    }
  g_task_return_pointer (task, tls, g_object_unref);
}

/* Takes over the caller's reference to @task. */
static void
finish_or_tls (GTask *task)
{
  ConnectData *d = g_task_get_task_data (task);

  if (!d->p.tls)
    {
      g_task_return_pointer (task, g_steal_pointer (&d->stream), g_object_unref);
      g_object_unref (task);
      return;
    }
  IN_TASK_CONTEXT (task, tether_spice_tls_wrap_async (d->stream, &d->p.tls_params, g_task_get_cancellable (task),
                                                      tls_done, task));
}

static void
tunnel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!tether_spice_http_connect_finish (result, &error))
    {
      return_error (task, error, TETHER_SPICE_ERROR_CONNECT, "Proxy");
      g_object_unref (task);
      return;
    }
  finish_or_tls (task);
}

static void
start_tunnel (GTask *task)
{
  ConnectData *d = g_task_get_task_data (task);

  IN_TASK_CONTEXT (task, tether_spice_http_connect_async (d->stream, d->p.host, d->p.port, d->p.proxy.user,
                                                          d->p.proxy.password, g_task_get_cancellable (task),
                                                          tunnel_done, task));
}

static void
proxy_tls_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ConnectData *d = g_task_get_task_data (task);
  GError *error = NULL;
  GIOStream *tls = tether_spice_tls_wrap_finish (result, &error);

  if (tls == NULL)
    {
      g_prefix_error (&error, "HTTPS proxy: ");
      return_error (task, error, TETHER_SPICE_ERROR_CONNECT, "HTTPS proxy");
      g_object_unref (task);
      return;
    }
  g_clear_object (&d->stream);
  d->stream = tls;
  start_tunnel (task);
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ConnectData *d = g_task_get_task_data (task);
  GError *error = NULL;
  GSocketConnection *conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  g_autofree char *context = NULL;

  if (conn == NULL)
    {
      context = g_strdup_printf ("Cannot connect to %s%s", d->p.use_proxy ? "the proxy " : "", d->what);
      return_error (task, error, TETHER_SPICE_ERROR_CONNECT, context);
      g_object_unref (task);
      return;
    }
  set_socket_options (conn);
  d->stream = G_IO_STREAM (conn);
  g_debug ("connected to %s%s", d->p.use_proxy ? "proxy " : "", d->what);
  if (d->p.use_proxy)
    {
      if (d->p.proxy.https)
        {
          TetherSpiceTlsParams proxy_tls = { 0 };

          proxy_tls.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
          proxy_tls.host = d->p.proxy.host;
          IN_TASK_CONTEXT (task, tether_spice_tls_wrap_async (d->stream, &proxy_tls, g_task_get_cancellable (task),
                                                              proxy_tls_done, task));
          return;
        }
      start_tunnel (task);
      return;
    }
  finish_or_tls (task);
}

void
tether_spice_transport_connect_async (TetherSpiceTransportParams *params, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ConnectData *d = g_new0 (ConnectData, 1);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) addr = NULL;

  g_task_set_source_tag (task, tether_spice_transport_connect_async);
  g_task_set_task_data (task, d, connect_data_free);
  d->p = *params;
  tether_spice_transport_params_init (params);

  switch (d->p.kind)
    {
    case TETHER_SPICE_TRANSPORT_FD:
      {
        GError *error = NULL;
        g_autoptr(GSocket) sock = g_socket_new_from_fd (d->p.fd, &error);

        if (sock == NULL)
          {
            return_error (task, error, TETHER_SPICE_ERROR_CONNECT, "The given file descriptor is not a usable socket");
            return;
          }
        d->p.fd = -1;  /* the socket owns it now */
        /* spice-gtk does no TLS of its own over application sockets. */
        g_task_return_pointer (task, g_socket_connection_factory_create_connection (sock), g_object_unref);
        return;
      }
    case TETHER_SPICE_TRANSPORT_UNIX:
      if (d->p.unix_path == NULL || d->p.unix_path[0] == '\0' ||
          strlen (d->p.unix_path) > TETHER_SPICE_UNIX_PATH_MAX_LENGTH)
        {
          g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                   "No valid unix socket path to connect to");
          return;
        }
      if (d->p.tls)
        {
          g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                   "This channel needs TLS, which a unix socket cannot carry");
          return;
        }
      d->what = g_strdup (d->p.unix_path);
      addr = G_SOCKET_CONNECTABLE (g_unix_socket_address_new (d->p.unix_path));
      break;
    case TETHER_SPICE_TRANSPORT_TCP:
      if (!tether_spice_host_is_valid (d->p.host) || d->p.port == 0)
        {
          g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                   "No valid host and port to connect to");
          return;
        }
      /* A cipher list OpenSSL rejects is refused before connecting. */
      if (d->p.tls)
        {
          GError *error = NULL;

          if (!tether_spice_tls_check_ciphers (d->p.tls_params.ciphers, &error))
            {
              g_task_return_error (task, error);
              return;
            }
        }
      d->what = host_port_string (d->p.use_proxy ? d->p.proxy.host : d->p.host,
                                  d->p.use_proxy ? d->p.proxy.port : d->p.port);
      addr = d->p.use_proxy ? g_network_address_new (d->p.proxy.host, d->p.proxy.port)
                            : g_network_address_new (d->p.host, d->p.port);
      break;
    default:
      g_assert_not_reached ();
    }

  client = g_socket_client_new ();
  /* Tether does the proxying itself, from the session's settings only. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, d->p.timeout != 0 ? d->p.timeout : TETHER_SPICE_CONNECT_TIMEOUT_SECONDS);
  g_socket_client_connect_async (client, addr, cancellable, connected, g_steal_pointer (&task));
}

GIOStream *
tether_spice_transport_connect_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
