/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The channel state machine, link step, message loop and main channel
 * against a scripted fake SPICE server. The server runs in a thread of its
 * own with blocking sockets and writes the protocol byte by byte from the
 * brief (docs/spice-protocol.md), independently of the wire layer; it
 * decrypts the ticket with its RSA key to check the password that came.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>


#include "tether-error.h"
#include "tether-reader-private.h"
#include "tether-writer-private.h"
#include "tether-spice-session.h"
#include "tether-spice-session-private.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-main-channel.h"
#include "tether-spice-tls-stream-private.h"
#include "test-spice-session-helpers.h"
#include "test-spice-session-pki.h"

/* Protocol numbers, from the brief. */
#define CAP_AUTH_SELECTION (1u << 0)
#define CAP_AUTH_SPICE     (1u << 1)
#define CAP_AUTH_SASL      (1u << 2)
#define CAP_MINI_HEADER    (1u << 3)
/* The fake server's caps (ticket auth, no SASL). */
#define COMMON_CAPS        (CAP_AUTH_SELECTION | CAP_AUTH_SPICE | CAP_MINI_HEADER)
/* What Tether announces: AUTH_SASL too when built with libsasl2. */
#if HAVE_SASL
#define CLIENT_COMMON_CAPS (COMMON_CAPS | CAP_AUTH_SASL)
#else
#define CLIENT_COMMON_CAPS COMMON_CAPS
#endif

#define LINK_OK             0u
#define LINK_INVALID_DATA   3u
#define LINK_NEED_SECURED   5u
#define LINK_PERMISSION_DENIED 7u

#define MSG_SET_ACK 3
#define MSG_PING 4
#define MSG_WAIT_FOR_CHANNELS 5
#define MSG_DISCONNECTING 6
#define MSG_NOTIFY 7
#define MSG_LIST 8
#define MSGC_ACK_SYNC 1
#define MSGC_ACK 2
#define MSGC_PONG 3
#define MSG_MAIN_MIGRATE_BEGIN 101
#define MSG_MAIN_INIT 103
#define MSG_MAIN_CHANNELS_LIST 104
#define MSG_MAIN_MOUSE_MODE 105
#define MSG_MAIN_NAME 113
#define MSG_MAIN_UUID 114
#define MSGC_MAIN_MIGRATE_CONNECT_ERROR 103
#define MSGC_MAIN_ATTACH_CHANNELS 104
#define MSGC_MAIN_MOUSE_MODE_REQUEST 105

#define SESSION_ID 0x1234abcdu
#define PASSWORD "s3cret-ticket"

static const guint8 test_uuid[16] = { 0xb7, 0x56, 0x45, 0x1f, 0xd8, 0xff, 0x37, 0x31,
                                      0xa4, 0xb4, 0x59, 0xfa, 0x50, 0xe8, 0x58, 0x55 };

/* ---- the fake server ------------------------------------------------------------ */

typedef struct FakeServer FakeServer;
typedef void (*Script) (FakeServer *f, GIOStream *stream, guint index);

struct FakeServer {
  GSocketListener *listener;
  guint16          port;
  GSocketListener *tls_listener;
  guint16          tls_port;
  SSL_CTX         *tls_ctx;
  EVP_PKEY        *rsa;
  guint8           spki[162];
  GThread         *thread;
  Script           script;
  guint            connections;   /* how many to accept */
  guint            tls_from;      /* connections from this index on are TLS */
  gconstpointer    data;
  gint             done;          /* atomic */
  gint             reached;       /* atomic: the script got what it waited for */
  gboolean         mini;          /* mini header after the link */
  guint64          out_serial;

  /* What the client sent; written by the server thread, read after join. */
  char            *password;
  gboolean         got_mechanism;
  guint32          mechanism;
  guint32          connection_id;
  guint8           channel_type;
  guint32          client_common_caps;
  guint32          client_channel_caps;
  GArray          *client_types;   /* guint16 */
  GPtrArray       *client_bodies;  /* GBytes */
  guint            accepted;
  gboolean         saw_eof;
  char            *failure;        /* the script's own failure, reported by the test */
};

static void
fake_fail (FakeServer *f, const char *what)
{
  if (f->failure == NULL)
    f->failure = g_strdup (what);
}

static gboolean
srv_read (FakeServer *f, GIOStream *s, void *buf, gsize n)
{
  gsize got = 0;

  if (!g_input_stream_read_all (g_io_stream_get_input_stream (s), buf, n, &got, NULL, NULL) || got != n)
    {
      if (got == 0)
        f->saw_eof = TRUE;
      return FALSE;
    }
  return TRUE;
}

static void
srv_write (GIOStream *s, const void *data, gsize n)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (s), data, n, NULL, NULL, NULL);
  g_output_stream_flush (g_io_stream_get_output_stream (s), NULL, NULL);
}

static void
srv_write_writer (GIOStream *s, TetherWriter *w)
{
  srv_write (s, tether_writer_data (w), tether_writer_len (w));
  tether_writer_clear (w);
}

/* Reads SpiceLinkHeader + SpiceLinkMess and records them. */
static gboolean
srv_read_link (FakeServer *f, GIOStream *s)
{
  guint8 header[16];
  guint8 *body;
  TetherReader r;
  guint32 magic, major, minor, size, n_common, n_channel, offset;
  guint8 type, id;

  if (!srv_read (f, s, header, sizeof header))
    return FALSE;
  tether_reader_init (&r, header, sizeof header);
  tether_reader_u32_le (&r, &magic);
  tether_reader_u32_le (&r, &major);
  tether_reader_u32_le (&r, &minor);
  tether_reader_u32_le (&r, &size);
  if (magic != 0x51444552u || major != 2 || size < 18 || size > 4096)
    {
      fake_fail (f, "bad link header from the client");
      return FALSE;
    }
  body = g_malloc (size);
  if (!srv_read (f, s, body, size))
    {
      g_free (body);
      return FALSE;
    }
  tether_reader_init (&r, body, size);
  tether_reader_u32_le (&r, &f->connection_id);
  tether_reader_u8 (&r, &type);
  tether_reader_u8 (&r, &id);
  tether_reader_u32_le (&r, &n_common);
  tether_reader_u32_le (&r, &n_channel);
  tether_reader_u32_le (&r, &offset);
  f->channel_type = type;
  if (offset != 18 || size != 18 + 4 * (n_common + n_channel) || n_common < 1)
    fake_fail (f, "bad link message from the client");
  else
    {
      tether_reader_u32_le (&r, &f->client_common_caps);
      for (guint i = 1; i < n_common; i++)
        tether_reader_skip (&r, 4);
      if (n_channel > 0)
        tether_reader_u32_le (&r, &f->client_channel_caps);
    }
  g_free (body);
  return TRUE;
}

static void
srv_reply_bytes (FakeServer *f, TetherWriter *w, guint32 error, guint32 common, guint32 channel)
{
  tether_writer_init (w);
  tether_writer_bytes (w, "REDQ", 4);
  tether_writer_u32_le (w, 2);
  tether_writer_u32_le (w, 2);
  tether_writer_u32_le (w, 178 + 8);
  tether_writer_u32_le (w, error);
  if (error == 0)
    tether_writer_bytes (w, f->spki, sizeof f->spki);
  else
    tether_writer_zeros (w, sizeof f->spki);
  tether_writer_u32_le (w, 1);
  tether_writer_u32_le (w, 1);
  tether_writer_u32_le (w, 178);
  tether_writer_u32_le (w, common);
  tether_writer_u32_le (w, channel);
}

static void
srv_send_reply (FakeServer *f, GIOStream *s, guint32 error, guint32 common, guint32 channel)
{
  TetherWriter w;

  srv_reply_bytes (f, &w, error, common, channel);
  srv_write_writer (s, &w);
  f->mini = (common & CAP_MINI_HEADER) != 0;
}

/* Reads the mechanism word (when expected) and the ticket; decrypts it. */
static gboolean
srv_read_auth (FakeServer *f, GIOStream *s, gboolean mechanism)
{
  guint8 word[4], ticket[128];
  guint8 plain[128];
  size_t plain_len = sizeof plain;
  EVP_PKEY_CTX *ctx;

  if (mechanism)
    {
      if (!srv_read (f, s, word, 4))
        return FALSE;
      f->got_mechanism = TRUE;
      f->mechanism = (guint32) word[0] | (guint32) word[1] << 8 | (guint32) word[2] << 16 | (guint32) word[3] << 24;
    }
  if (!srv_read (f, s, ticket, sizeof ticket))
    return FALSE;
  ctx = EVP_PKEY_CTX_new (f->rsa, NULL);
  if (EVP_PKEY_decrypt_init (ctx) <= 0 || EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_decrypt (ctx, plain, &plain_len, ticket, sizeof ticket) <= 0 || plain_len == 0 ||
      plain[plain_len - 1] != 0)
    fake_fail (f, "the ticket does not decrypt to a NUL-terminated password");
  else
    f->password = g_strndup ((const char *) plain, plain_len - 1);
  EVP_PKEY_CTX_free (ctx);
  return TRUE;
}

static void
srv_send_u32 (GIOStream *s, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  srv_write (s, b, 4);
}

static void
srv_send_msg (FakeServer *f, GIOStream *s, guint16 type, const void *body, gsize len)
{
  TetherWriter w;

  tether_writer_init (&w);
  if (f->mini)
    {
      tether_writer_u16_le (&w, type);
      tether_writer_u32_le (&w, (guint32) len);
    }
  else
    {
      tether_writer_u64_le (&w, ++f->out_serial);
      tether_writer_u16_le (&w, type);
      tether_writer_u32_le (&w, (guint32) len);
      tether_writer_u32_le (&w, 0);
    }
  tether_writer_bytes (&w, body, len);
  srv_write_writer (s, &w);
}

/* Reads one client message; records it. */
static gboolean
srv_read_msg (FakeServer *f, GIOStream *s, guint16 *type, GBytes **body)
{
  guint8 h[18];
  TetherReader r;
  guint32 size;
  guint8 *data;
  guint64 serial;

  if (!srv_read (f, s, h, f->mini ? 6 : 18))
    return FALSE;
  tether_reader_init (&r, h, f->mini ? 6 : 18);
  if (!f->mini)
    tether_reader_u64_le (&r, &serial);
  tether_reader_u16_le (&r, type);
  tether_reader_u32_le (&r, &size);
  if (size > 65536)
    {
      fake_fail (f, "client message too large");
      return FALSE;
    }
  data = g_malloc (MAX (size, 1));
  if (!srv_read (f, s, data, size))
    {
      g_free (data);
      return FALSE;
    }
  *body = g_bytes_new_take (data, size);
  g_array_append_val (f->client_types, *type);
  g_ptr_array_add (f->client_bodies, g_bytes_ref (*body));
  return TRUE;
}

/* Reads client messages until one of @type; FALSE at EOF. */
static gboolean
srv_expect (FakeServer *f, GIOStream *s, guint16 type)
{
  for (int i = 0; i < 32; i++)
    {
      guint16 t;
      g_autoptr(GBytes) body = NULL;

      if (!srv_read_msg (f, s, &t, &body))
        {
          g_autofree char *why = g_strdup_printf ("client message %u never came", type);

          fake_fail (f, why);
          return FALSE;
        }
      if (t == type)
        return TRUE;
    }
  return FALSE;
}

/* Reads until the client closes the connection. */
static void
srv_drain (FakeServer *f, GIOStream *s)
{
  g_atomic_int_set (&f->reached, 1);
  guint16 t;
  GBytes *body = NULL;

  while (srv_read_msg (f, s, &t, &body))
    g_clear_pointer (&body, g_bytes_unref);
}

static void
srv_link_ok (FakeServer *f, GIOStream *s, guint32 common)
{
  if (!srv_read_link (f, s))
    return;
  srv_send_reply (f, s, LINK_OK, common, 0);
  if (srv_read_auth (f, s, (common & CAP_AUTH_SELECTION) != 0))
    srv_send_u32 (s, LINK_OK);
}

static void
srv_send_init (FakeServer *f, GIOStream *s, guint32 supported_modes, guint32 current_mode, guint32 agent)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, SESSION_ID);
  tether_writer_u32_le (&w, 1);               /* display channels hint */
  tether_writer_u32_le (&w, supported_modes);
  tether_writer_u32_le (&w, current_mode);
  tether_writer_u32_le (&w, agent);
  tether_writer_u32_le (&w, 10);              /* agent tokens */
  tether_writer_u32_le (&w, 5000);            /* mm time */
  tether_writer_u32_le (&w, 0);               /* ram hint */
  srv_send_msg (f, s, MSG_MAIN_INIT, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
}

static void
srv_send_ping (FakeServer *f, GIOStream *s, guint32 id, guint64 ts, gsize data_len)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, id);
  tether_writer_u64_le (&w, ts);
  tether_writer_zeros (&w, data_len);
  srv_send_msg (f, s, MSG_PING, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
}

static gpointer
server_thread (gpointer data)
{
  FakeServer *f = data;

  for (guint i = 0; i < f->connections; i++)
    {
      GSocketListener *l = i >= f->tls_from ? f->tls_listener : f->listener;
      g_autoptr(GSocketConnection) conn = g_socket_listener_accept (l, NULL, NULL, NULL);
      g_autoptr(GIOStream) stream = NULL;

      if (conn == NULL)
        break;
      f->accepted++;
      f->mini = TRUE;
      f->out_serial = 0;
      g_socket_set_timeout (g_socket_connection_get_socket (conn), 20);
      if (i >= f->tls_from)
        {
          SSL *ssl = SSL_new (f->tls_ctx);

          SSL_set_accept_state (ssl);
          stream = G_IO_STREAM (tether_spice_tls_stream_new (G_IO_STREAM (conn), ssl, NULL));
          if (stream == NULL || !tether_spice_tls_stream_handshake (TETHER_SPICE_TLS_STREAM (stream), NULL, NULL))
            {
              fake_fail (f, "TLS handshake failed on the server");
              break;
            }
        }
      else
        stream = g_object_ref (G_IO_STREAM (conn));
      f->script (f, stream, i);
      g_io_stream_close (stream, NULL, NULL);
    }
  g_atomic_int_set (&f->done, 1);
  return NULL;
}

static FakeServer *
fake_new (Script script, guint connections, gconstpointer data)
{
  FakeServer *f = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketAddress) tls_bound = NULL;
  unsigned char *der = NULL;
  int n;

  f->script = script;
  f->connections = connections;
  f->tls_from = G_MAXUINT;
  f->data = data;
  f->client_types = g_array_new (FALSE, FALSE, sizeof (guint16));
  f->client_bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  f->rsa = EVP_RSA_gen (1024);
  n = i2d_PUBKEY (f->rsa, &der);
  g_assert_cmpint (n, ==, 162);
  memcpy (f->spki, der, 162);
  OPENSSL_free (der);
  f->listener = g_socket_listener_new ();
  g_assert_true (g_socket_listener_add_address (f->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, NULL));
  f->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  f->tls_listener = g_socket_listener_new ();
  g_assert_true (g_socket_listener_add_address (f->tls_listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &tls_bound, NULL));
  f->tls_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (tls_bound));
  f->tls_ctx = pki_server_ctx (pki.server_pem);
  return f;
}

static void
fake_start (FakeServer *f)
{
  f->thread = g_thread_new ("fake-spice-server", server_thread, f);
}

/* Waits for the server thread to finish its script, iterating the client's
 * main context meanwhile. */
static void
fake_join (FakeServer *f)
{
  gint64 end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;

  while (!g_atomic_int_get (&f->done) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_true (g_atomic_int_get (&f->done));
  g_thread_join (f->thread);
  f->thread = NULL;
  if (f->failure != NULL)
    {
      g_test_message ("fake server: %s", f->failure);
      g_test_fail ();
    }
}

static void
fake_free (FakeServer *f)
{
  g_socket_listener_close (f->listener);
  g_socket_listener_close (f->tls_listener);
  g_object_unref (f->listener);
  g_object_unref (f->tls_listener);
  SSL_CTX_free (f->tls_ctx);
  EVP_PKEY_free (f->rsa);
  g_free (f->password);
  g_free (f->failure);
  g_array_unref (f->client_types);
  g_ptr_array_unref (f->client_bodies);
  g_free (f);
}

static gboolean
client_sent (FakeServer *f, guint16 type)
{
  for (guint i = 0; i < f->client_types->len; i++)
    if (g_array_index (f->client_types, guint16, i) == type)
      return TRUE;
  return FALSE;
}

static GBytes *
client_body (FakeServer *f, guint16 type)
{
  for (guint i = 0; i < f->client_types->len; i++)
    if (g_array_index (f->client_types, guint16, i) == type)
      return f->client_bodies->pdata[i];
  return NULL;
}

/* ---- the client side ------------------------------------------------------------------- */

typedef struct {
  GArray     *events;      /* TetherSpiceChannelEvent of the main channel */
  GError     *error;       /* the main channel's error at its first error event */
  guint       created, destroyed, disconnected;
  guint       list_notified;   /* notify::channel-list of the main channel */
  gboolean    opened, ended;
  TetherSpiceChannel *main_channel;
} Client;

static void
on_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  Client *c = user_data;

  g_array_append_val (c->events, event);
  if (event == TETHER_SPICE_CHANNEL_EVENT_OPENED)
    c->opened = TRUE;
  else
    {
      if (c->error == NULL && tether_spice_channel_get_error (channel) != NULL)
        c->error = g_error_copy (tether_spice_channel_get_error (channel));
      c->ended = TRUE;
    }
}

static void
on_list_notify (GObject *channel, GParamSpec *pspec, gpointer user_data)
{
  ((Client *) user_data)->list_notified++;
}

static void
on_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  Client *c = user_data;

  c->created++;
  tether_test_track (channel);
  if (TETHER_IS_SPICE_MAIN_CHANNEL (channel))
    {
      c->main_channel = channel;
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_event), c);
      g_signal_connect (channel, "notify::channel-list", G_CALLBACK (on_list_notify), c);
    }
}

static void
on_destroy (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  ((Client *) user_data)->destroyed++;
}

static void
on_disconnected (TetherSpiceSession *session, gpointer user_data)
{
  ((Client *) user_data)->disconnected++;
}

static TetherSpiceSession *
client_new_full (Client *c, FakeServer *f, gboolean with_tls_port, gboolean read_only)
{
  TetherSpiceSession *session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "read-only", read_only,
                                                                 NULL));
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  g_autofree char *tls_port = g_strdup_printf ("%u", f->tls_port);

  memset (c, 0, sizeof *c);
  c->events = g_array_new (FALSE, FALSE, sizeof (TetherSpiceChannelEvent));
  g_object_set (session, "host", "127.0.0.1", "port", port, "password", PASSWORD, NULL);
  if (with_tls_port)
    {
      g_autoptr(GByteArray) ca = g_byte_array_new ();

      g_byte_array_append (ca, (const guint8 *) pki.ca_pem, strlen (pki.ca_pem));
      g_object_set (session, "tls-port", tls_port, "ca", ca, NULL);
    }
  g_signal_connect (session, "channel-new", G_CALLBACK (on_new), c);
  g_signal_connect (session, "channel-destroy", G_CALLBACK (on_destroy), c);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_disconnected), c);
  return session;
}

static TetherSpiceSession *
client_new (Client *c, FakeServer *f, gboolean with_tls_port)
{
  return client_new_full (c, f, with_tls_port, FALSE);
}

static void
client_clear (Client *c)
{
  g_array_unref (c->events);
  g_clear_error (&c->error);
}

static void
finish (TetherSpiceSession *session, FakeServer *f, Client *c)
{
  tether_spice_session_disconnect (session);
  fake_join (f);
  g_object_unref (session);
  drain_until_finalized (2000);
  fake_free (f);
  client_clear (c);
}

/* ---- the happy path ---------------------------------------------------------------------------- */

static void
script_happy (FakeServer *f, GIOStream *s, guint index)
{
  static const char name[] = "fake-vm";
  TetherWriter w;

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 3, 1, 0);
  tether_writer_init (&w);
  tether_writer_u32_le (&w, sizeof name);
  tether_writer_bytes (&w, name, sizeof name);
  srv_send_msg (f, s, MSG_MAIN_NAME, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  srv_send_msg (f, s, MSG_MAIN_UUID, test_uuid, sizeof test_uuid);
  srv_send_ping (f, s, 7, G_GUINT64_CONSTANT (0x1122334455), 1000);
  if (!srv_expect (f, s, MSGC_MAIN_ATTACH_CHANNELS) || !srv_expect (f, s, MSGC_PONG))
    return;
  /* Display and inputs (implemented), playback (not yet), and an unknown type. */
  tether_writer_init (&w);
  tether_writer_u32_le (&w, 4);
  tether_writer_u8 (&w, 2);
  tether_writer_u8 (&w, 0);
  tether_writer_u8 (&w, 3);
  tether_writer_u8 (&w, 0);
  tether_writer_u8 (&w, 5);
  tether_writer_u8 (&w, 0);
  tether_writer_u8 (&w, 99);
  tether_writer_u8 (&w, 0);
  srv_send_msg (f, s, MSG_MAIN_CHANNELS_LIST, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  {
    guint8 mode[4] = { 3, 0, 2, 0 };

    srv_send_msg (f, s, MSG_MAIN_MOUSE_MODE, mode, sizeof mode);
  }
  srv_send_ping (f, s, 8, 1, 0);
  srv_expect (f, s, MSGC_PONG);
  srv_drain (f, s);
}

static void
connect_async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gint *state = user_data;
  g_autoptr(GError) error = NULL;

  *state = tether_spice_session_connect_finish (TETHER_SPICE_SESSION (source), result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

static void
test_link_happy (void)
{
  guint fds = tether_test_count_fds ();
  FakeServer *f = fake_new (script_happy, 1, NULL);
  Client c;
  TetherSpiceSession *session = client_new (&c, f, FALSE);
  gint async_state = 0;
  gboolean done = FALSE;
  GBytes *pong, *mouse;
  g_autofree char *uuid = NULL;

  fake_start (f);
  tether_spice_session_connect_async (session, NULL, connect_async_done, &async_state);
  while (async_state == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (async_state, ==, 1);
  g_assert_true (c.opened);
  g_assert_nonnull (c.main_channel);
  g_assert_cmpint (tether_spice_channel_get_state (c.main_channel), ==, TETHER_SPICE_CHANNEL_STATE_READY);
  g_assert_null (tether_spice_channel_get_tls_protocol (c.main_channel));
  g_assert_null (tether_spice_channel_get_tls_cipher (c.main_channel));
  g_assert_true (tether_spice_channel_test_common_capability (c.main_channel, 3));
  /* Wait for the second PONG (all messages handled). */
  while (!done)
    {
      g_main_context_iteration (NULL, FALSE);
      done = tether_spice_main_channel_get_mouse_mode (TETHER_SPICE_MAIN_CHANNEL (c.main_channel)) == 2 &&
             tether_spice_channel_get_last_serial (c.main_channel) >= 7;
    }
  g_assert_cmpstr (tether_spice_session_get_name (session), ==, "fake-vm");
  uuid = tether_spice_session_get_uuid_string (session);
  g_assert_cmpstr (uuid, ==, "b756451f-d8ff-3731-a4b4-59fa50e85855");
  g_assert_cmpuint (tether_spice_session_get_connection_id (session), ==, SESSION_ID);
  g_assert_cmpuint (tether_spice_session_get_mm_time (session), >=, 5000);
  /* Main, display and inputs: playback is not implemented yet, type 99 is
   * unknown. */
  g_assert_cmpuint (c.created, ==, 3);
  g_assert_true (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_DISPLAY));
  g_assert_true (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_INPUTS));
  g_assert_false (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_PLAYBACK));
  /* The whole list as the server sent it, unknown type included. */
  {
    g_autoptr(GVariant) list = tether_spice_main_channel_dup_channel_list (TETHER_SPICE_MAIN_CHANNEL (c.main_channel));
    g_autoptr(GVariant) prop = NULL;
    g_autofree char *text = NULL;

    g_assert_nonnull (list);
    text = g_variant_print (list, FALSE);
    g_assert_cmpstr (text, ==, "[(2, 0), (3, 0), (5, 0), (99, 0)]");
    g_object_get (c.main_channel, "channel-list", &prop, NULL);
    g_assert_true (g_variant_equal (prop, list));
    g_assert_cmpuint (c.list_notified, ==, 1);
  }
  g_assert_cmpuint (c.events->len, ==, 1);
  sleep_ms (50);

  g_object_ref (c.main_channel);
  tether_spice_session_disconnect (session);
  /* A closed connection forgets its list. */
  g_assert_null (tether_spice_main_channel_dup_channel_list (TETHER_SPICE_MAIN_CHANNEL (c.main_channel)));
  g_object_unref (c.main_channel);
  fake_join (f);
  /* What the server saw. */
  g_assert_cmpstr (f->password, ==, PASSWORD);
  g_assert_true (f->got_mechanism);
  g_assert_cmpuint (f->mechanism, ==, 1);   /* AUTH_SPICE */
  g_assert_cmpuint (f->connection_id, ==, 0);
  g_assert_cmpuint (f->channel_type, ==, 1);
  g_assert_cmphex (f->client_common_caps, ==, CLIENT_COMMON_CAPS);
  g_assert_cmphex (f->client_channel_caps, ==, (1u << 1) | (1u << 2));
  mouse = client_body (f, MSGC_MAIN_MOUSE_MODE_REQUEST);
  g_assert_nonnull (mouse);
  g_assert_cmpmem (g_bytes_get_data (mouse, NULL), g_bytes_get_size (mouse), "\x02\x00", 2);
  pong = client_body (f, MSGC_PONG);
  g_assert_nonnull (pong);
  /* PONG echoes id and timestamp, never the ping's data. */
  g_assert_cmpmem (g_bytes_get_data (pong, NULL), g_bytes_get_size (pong),
                   "\x07\x00\x00\x00\x55\x44\x33\x22\x11\x00\x00\x00", 12);
  g_assert_true (f->saw_eof);
  g_assert_cmpuint (c.destroyed, ==, 3);
  g_assert_cmpuint (c.disconnected, ==, 1);
  g_object_unref (session);
  drain_until_finalized (2000);
  fake_free (f);
  client_clear (&c);
  tether_test_assert_no_fd_leak (fds);
}

/* ---- link failures -------------------------------------------------------------------------------- */

typedef struct {
  const char             *name;
  Script                  script;
  TetherSpiceChannelEvent event;
  GQuark                  (*domain) (void);
  gint                    code;
  const char             *in_message;
  gboolean                with_tls_port;
  guint                   connections;
  guint                   tls_from;
} Failure;

static void
script_denied (FakeServer *f, GIOStream *s, guint index)
{
  if (!srv_read_link (f, s))
    return;
  srv_send_reply (f, s, LINK_OK, COMMON_CAPS, 0);
  if (srv_read_auth (f, s, TRUE))
    srv_send_u32 (s, LINK_PERMISSION_DENIED);
  srv_drain (f, s);
}

static void
script_refused (FakeServer *f, GIOStream *s, guint index)
{
  if (srv_read_link (f, s))
    srv_send_reply (f, s, LINK_INVALID_DATA, 0, 0);
}

static void
script_bad_magic (FakeServer *f, GIOStream *s, guint index)
{
  if (srv_read_link (f, s))
    srv_write (s, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
}

static void
script_huge_reply (FakeServer *f, GIOStream *s, guint index)
{
  static const guint8 header[] = { 'R', 'E', 'D', 'Q', 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x10 };

  if (srv_read_link (f, s))
    srv_write (s, header, sizeof header);
}

static void
script_need_secured (FakeServer *f, GIOStream *s, guint index)
{
  if (index == 0)
    {
      if (srv_read_link (f, s))
        srv_send_reply (f, s, LINK_NEED_SECURED, 0, 0);
      return;
    }
  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 1, 1, 0);
  srv_expect (f, s, MSGC_MAIN_ATTACH_CHANNELS);
  srv_drain (f, s);
}

static void
script_sasl_only (FakeServer *f, GIOStream *s, guint index)
{
  if (srv_read_link (f, s))
    srv_send_reply (f, s, LINK_OK, CAP_AUTH_SELECTION | CAP_AUTH_SASL | CAP_MINI_HEADER, 0);
  srv_drain (f, s);
}

static void
script_oversize (FakeServer *f, GIOStream *s, guint index)
{
  static const guint8 h[] = { MSG_PING, 0, 0xff, 0xff, 0xff, 0x7f };

  srv_link_ok (f, s, COMMON_CAPS);
  srv_write (s, h, sizeof h);
  srv_drain (f, s);
}

static void
script_before_init (FakeServer *f, GIOStream *s, guint index)
{
  static const guint8 list[] = { 0, 0, 0, 0 };

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_msg (f, s, MSG_MAIN_CHANNELS_LIST, list, sizeof list);
  srv_drain (f, s);
}

static void
script_unknown (FakeServer *f, GIOStream *s, guint index)
{
  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 1, 1, 0);
  srv_send_msg (f, s, 199, "x", 1);
  srv_drain (f, s);
}

static void
script_truncated_init (FakeServer *f, GIOStream *s, guint index)
{
  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_msg (f, s, MSG_MAIN_INIT, "\x01\x02\x03", 3);
  srv_drain (f, s);
}

static void
script_disconnecting (FakeServer *f, GIOStream *s, guint index)
{
  TetherWriter w;

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 1, 1, 0);
  srv_expect (f, s, MSGC_MAIN_ATTACH_CHANNELS);
  tether_writer_init (&w);
  tether_writer_u64_le (&w, 42);
  tether_writer_u32_le (&w, 0);
  srv_send_msg (f, s, MSG_DISCONNECTING, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  /* ... and the server closes. */
}

static void
script_close_after_auth (FakeServer *f, GIOStream *s, guint index)
{
  if (!srv_read_link (f, s))
    return;
  srv_send_reply (f, s, LINK_OK, COMMON_CAPS, 0);
  srv_read_auth (f, s, TRUE);
}

static const Failure failures[] = {
  { "password-denied", script_denied, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, tether_spice_error_quark,
    TETHER_SPICE_ERROR_AUTH, NULL, FALSE, 1, G_MAXUINT },
  { "link-refused", script_refused, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, tether_spice_error_quark,
    TETHER_SPICE_ERROR_LINK, NULL, FALSE, 1, G_MAXUINT },
  { "bad-magic", script_bad_magic, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, tether_spice_error_quark,
    TETHER_SPICE_ERROR_LINK, NULL, FALSE, 1, G_MAXUINT },
  { "huge-reply", script_huge_reply, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK, tether_spice_error_quark,
    TETHER_SPICE_ERROR_LIMIT_EXCEEDED, NULL, FALSE, 1, G_MAXUINT },
  { "need-secured-without-tls-port", script_need_secured, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
    tether_spice_error_quark, TETHER_SPICE_ERROR_LINK, "TLS", FALSE, 1, G_MAXUINT },
#if HAVE_SASL
  /* SASL chosen (without TLS, with a security layer to come); the server
   * hangs up before its mechanism list. */
  { "sasl-only", script_sasl_only, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, tether_spice_error_quark,
    TETHER_SPICE_ERROR_AUTH, "closed", FALSE, 1, G_MAXUINT },
#else
  { "sasl-only", script_sasl_only, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, g_io_error_quark,
    G_IO_ERROR_NOT_SUPPORTED, "SASL", FALSE, 1, G_MAXUINT },
#endif
  { "close-after-auth", script_close_after_auth, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, tether_spice_error_quark,
    TETHER_SPICE_ERROR_AUTH, "closed", FALSE, 1, G_MAXUINT },
  { "oversize-message", script_oversize, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, tether_spice_error_quark,
    TETHER_SPICE_ERROR_LIMIT_EXCEEDED, NULL, FALSE, 1, G_MAXUINT },
  { "message-before-init", script_before_init, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, tether_spice_error_quark,
    TETHER_SPICE_ERROR_PROTOCOL, "before MAIN_INIT", FALSE, 1, G_MAXUINT },
  { "unknown-message", script_unknown, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, tether_spice_error_quark,
    TETHER_SPICE_ERROR_PROTOCOL, "199", FALSE, 1, G_MAXUINT },
  { "truncated-init", script_truncated_init, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO, tether_spice_error_quark,
    TETHER_SPICE_ERROR_PROTOCOL, NULL, FALSE, 1, G_MAXUINT },
  { "server-disconnecting", script_disconnecting, TETHER_SPICE_CHANNEL_EVENT_CLOSED, g_io_error_quark,
    G_IO_ERROR_CONNECTION_CLOSED, "disconnected", FALSE, 1, G_MAXUINT },
};

static void
test_link_failure (gconstpointer data)
{
  const Failure *v = data;
  guint fds = tether_test_count_fds ();
  FakeServer *f = fake_new (v->script, v->connections, NULL);
  Client c;
  TetherSpiceSession *session = client_new (&c, f, v->with_tls_port);

  f->tls_from = v->tls_from;
  fake_start (f);
  g_assert_true (tether_spice_session_connect (session));
  while (c.disconnected == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.events->len, >=, 1);
  g_assert_cmpint (g_array_index (c.events, TetherSpiceChannelEvent, c.events->len - 1), ==, v->event);
  g_assert_nonnull (c.error);
  g_test_message ("%s", c.error->message);
  g_assert_error (c.error, v->domain (), v->code);
  if (v->in_message != NULL)
    g_assert_nonnull (strstr (c.error->message, v->in_message));
  /* Never the password in an error. */
  g_assert_null (strstr (c.error->message, PASSWORD));
  g_assert_cmpuint (c.destroyed, ==, 1);
  finish (session, f, &c);
  tether_test_assert_no_fd_leak (fds);
}

/* NEED_SECURED on the plain port: reconnect over TLS, silently. */
static void
test_link_need_secured (void)
{
  FakeServer *f = fake_new (script_need_secured, 2, NULL);
  Client c;
  TetherSpiceSession *session = client_new (&c, f, TRUE);
  g_autoptr(GSocket) sock = NULL;

  f->tls_from = 1;
  fake_start (f);
  g_assert_true (tether_spice_session_connect (session));
  while (!c.opened && !c.ended)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (c.opened);
  g_assert_cmpuint (c.events->len, ==, 1);
  g_assert_true (tether_spice_channel_is_tls (c.main_channel));
  g_assert_true (g_str_has_prefix (tether_spice_channel_get_tls_protocol (c.main_channel), "TLSv1."));
  g_assert_nonnull (tether_spice_channel_get_tls_cipher (c.main_channel));
  g_object_get (c.main_channel, "socket", &sock, NULL);
  g_assert_true (G_IS_SOCKET (sock));
  while (!g_atomic_int_get (&f->reached))
    {
      /* Set by the server thread, which does not wake this context. */
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  g_assert_cmpuint (f->accepted, ==, 2);
  finish (session, f, &c);
}

/* Every prefix of the link reply, then the server closes: a clean ERROR_LINK. */
static void
script_prefix (FakeServer *f, GIOStream *s, guint index)
{
  TetherWriter w;

  if (!srv_read_link (f, s))
    return;
  srv_reply_bytes (f, &w, LINK_OK, COMMON_CAPS, 0);
  srv_write (s, tether_writer_data (&w), MIN (index, tether_writer_len (&w) - 1));
  tether_writer_clear (&w);
}

static void
test_link_reply_prefixes (void)
{
  guint fds = tether_test_count_fds ();
  /* Header (16) + reply (178) + two caps words (8). */
  const guint total = 16 + 178 + 8;
  FakeServer *f = fake_new (script_prefix, total, NULL);
  Client c;
  TetherSpiceSession *session = client_new (&c, f, FALSE);

  fake_start (f);
  for (guint n = 0; n < total; n++)
    {
      guint before = c.disconnected;

      g_assert_true (tether_spice_session_connect (session));
      while (c.disconnected == before)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_array_index (c.events, TetherSpiceChannelEvent, c.events->len - 1), ==,
                       TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK);
      g_assert_nonnull (c.error);
      g_assert_true (c.error->domain == TETHER_SPICE_ERROR);
      g_clear_error (&c.error);
      c.ended = FALSE;
    }
  finish (session, f, &c);
  tether_test_assert_no_fd_leak (fds);
}

/* ---- message loop ------------------------------------------------------------------------------------ */

static void
script_ack (FakeServer *f, GIOStream *s, guint index)
{
  static const guint8 set_ack[] = { 5, 0, 0, 0, 2, 0, 0, 0 };
  static const guint8 uuid_body[16] = { 0 };

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_msg (f, s, MSG_SET_ACK, set_ack, sizeof set_ack);
  if (!srv_expect (f, s, MSGC_ACK_SYNC))
    return;
  srv_send_init (f, s, 1, 1, 0);
  srv_send_msg (f, s, MSG_MAIN_UUID, uuid_body, sizeof uuid_body);
  /* Two messages after SET_ACK: one ACK. */
  srv_expect (f, s, MSGC_ACK);
  srv_drain (f, s);
}

static void
script_migrate (FakeServer *f, GIOStream *s, guint index)
{
  TetherWriter w;

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 1, 1, 0);
  tether_writer_init (&w);
  tether_writer_u16_le (&w, 5930);
  tether_writer_u16_le (&w, 0);
  tether_writer_u32_le (&w, 4);
  tether_writer_u32_le (&w, 20);
  tether_writer_u32_le (&w, 0);
  tether_writer_u32_le (&w, 0);
  tether_writer_bytes (&w, "dst", 4);
  srv_send_msg (f, s, MSG_MAIN_MIGRATE_BEGIN, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  srv_expect (f, s, MSGC_MAIN_MIGRATE_CONNECT_ERROR);
  srv_drain (f, s);
}

/* MSG_LIST of two PINGs: both answered. Then WAIT_FOR_CHANNELS for a
 * display channel the session does not have: no wait. Then NOTIFY. */
static void
script_list_wait_notify (FakeServer *f, GIOStream *s, guint index)
{
  TetherWriter w;
  static const char text[] = "hello \x01 from the server";

  srv_link_ok (f, s, COMMON_CAPS);
  srv_send_init (f, s, 1, 1, 0);
  tether_writer_init (&w);
  tether_writer_u16_le (&w, 2);         /* sub-messages */
  tether_writer_u32_le (&w, 10);        /* offset of the first */
  tether_writer_u32_le (&w, 28);        /* offset of the second */
  /* 10: PING id 1 */
  tether_writer_u16_le (&w, MSG_PING);
  tether_writer_u32_le (&w, 12);
  tether_writer_u32_le (&w, 1);
  tether_writer_u64_le (&w, 11);
  /* 28: PING id 2 */
  tether_writer_u16_le (&w, MSG_PING);
  tether_writer_u32_le (&w, 12);
  tether_writer_u32_le (&w, 2);
  tether_writer_u64_le (&w, 22);
  srv_send_msg (f, s, MSG_LIST, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  if (!srv_expect (f, s, MSGC_PONG) || !srv_expect (f, s, MSGC_PONG))
    return;
  tether_writer_init (&w);
  tether_writer_u8 (&w, 1);
  tether_writer_u8 (&w, 2);
  tether_writer_u8 (&w, 0);
  tether_writer_u64_le (&w, 1000);
  srv_send_msg (f, s, MSG_WAIT_FOR_CHANNELS, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  tether_writer_init (&w);
  tether_writer_u64_le (&w, 1);
  tether_writer_u32_le (&w, 1);
  tether_writer_u32_le (&w, 2);
  tether_writer_u32_le (&w, 0);
  tether_writer_u32_le (&w, sizeof text - 1);
  tether_writer_bytes (&w, text, sizeof text);
  srv_send_msg (f, s, MSG_NOTIFY, tether_writer_data (&w), tether_writer_len (&w));
  tether_writer_clear (&w);
  srv_send_ping (f, s, 3, 33, 0);
  srv_expect (f, s, MSGC_PONG);
  srv_drain (f, s);
}

/* No MINI_HEADER from the server: full 18-byte headers both ways. */
static void
script_full_header (FakeServer *f, GIOStream *s, guint index)
{
  srv_link_ok (f, s, CAP_AUTH_SELECTION | CAP_AUTH_SPICE);
  srv_send_init (f, s, 3, 1, 0);
  srv_send_ping (f, s, 9, 99, 0);
  srv_expect (f, s, MSGC_PONG);
  srv_drain (f, s);
}

/* No AUTH_SELECTION: the ticket comes without a mechanism word. */
static void
script_no_selection (FakeServer *f, GIOStream *s, guint index)
{
  srv_link_ok (f, s, CAP_AUTH_SPICE | CAP_MINI_HEADER);
  srv_send_init (f, s, 3, 1, 0);
  srv_expect (f, s, MSGC_MAIN_ATTACH_CHANNELS);
  srv_drain (f, s);
}

typedef struct {
  const char *name;
  Script      script;
  gboolean    read_only;
  guint16     must_send;
  guint16     must_not_send;
} Flow;

static const Flow flows[] = {
  { "ack-window", script_ack, FALSE, MSGC_ACK, 0 },
  { "migration-refused", script_migrate, FALSE, MSGC_MAIN_MIGRATE_CONNECT_ERROR, 0 },
  { "list-wait-notify", script_list_wait_notify, FALSE, MSGC_PONG, 0 },
  { "full-header", script_full_header, FALSE, MSGC_PONG, 0 },
  { "no-auth-selection", script_no_selection, FALSE, MSGC_MAIN_ATTACH_CHANNELS, 0 },
  { "read-only", script_full_header, TRUE, MSGC_PONG, MSGC_MAIN_MOUSE_MODE_REQUEST },
};

static void
test_flow (gconstpointer data)
{
  const Flow *v = data;
  guint fds = tether_test_count_fds ();
  FakeServer *f = fake_new (v->script, 1, NULL);
  Client c;
  TetherSpiceSession *session = client_new_full (&c, f, FALSE, v->read_only);
  gint64 end;

  fake_start (f);
  g_assert_true (tether_spice_session_connect (session));
  end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;
  while (!g_atomic_int_get (&f->reached) && !c.ended && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  g_assert_true (g_atomic_int_get (&f->reached));
  g_assert_false (c.ended);
  g_assert_true (c.opened);
  tether_spice_session_disconnect (session);
  fake_join (f);
  g_assert_true (client_sent (f, v->must_send));
  if (v->must_not_send != 0)
    g_assert_false (client_sent (f, v->must_not_send));
  g_assert_true (client_sent (f, MSGC_MAIN_ATTACH_CHANNELS));
  g_object_unref (session);
  drain_until_finalized (2000);
  fake_free (f);
  client_clear (&c);
  tether_test_assert_no_fd_leak (fds);
}

/* protocol=1 is accepted by the property (as in spice-gtk) but not spoken. */
static void
test_protocol_one (void)
{
  FakeServer *f = fake_new (script_refused, 1, NULL);
  Client c;
  TetherSpiceSession *session = client_new (&c, f, FALSE);

  g_object_set (session, "protocol", 1, NULL);
  fake_start (f);
  g_assert_true (tether_spice_session_connect (session));
  while (c.disconnected == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_array_index (c.events, TetherSpiceChannelEvent, 0), ==, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK);
  g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  finish (session, f, &c);
}

/* A session made while another context was the thread's default keeps to
 * that context, even when only that context is iterated and it is not the
 * thread's default any more. */
static void
test_owner_context (void)
{
  guint fds = tether_test_count_fds ();
  GMainContext *ctx = g_main_context_new ();
  FakeServer *f = fake_new (script_no_selection, 1, NULL);
  Client c;
  TetherSpiceSession *session;
  gint64 end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;

  g_main_context_push_thread_default (ctx);
  session = client_new (&c, f, FALSE);
  g_main_context_pop_thread_default (ctx);
  fake_start (f);
  g_assert_true (tether_spice_session_connect (session));
  while (!g_atomic_int_get (&f->reached) && !c.ended && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (ctx, FALSE);
      g_usleep (200);
    }
  g_assert_true (c.opened);
  g_assert_true (g_atomic_int_get (&f->reached));
  /* Nothing was left for the default context. */
  g_assert_false (g_main_context_pending (NULL));
  tether_spice_session_disconnect (session);
  while (!g_atomic_int_get (&f->done))
    {
      g_main_context_iteration (ctx, FALSE);
      g_usleep (200);
    }
  g_thread_join (f->thread);
  f->thread = NULL;
  g_object_unref (session);
  g_main_context_push_thread_default (ctx);
  drain_until_finalized (2000);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  fake_free (f);
  client_clear (&c);
  tether_test_assert_no_fd_leak (fds);
}

int
main (int argc, char **argv)
{
  int ret;

  tether_test_init (&argc, &argv);
  warm_up_gio ();
  pki_init ();
  g_test_add_func ("/spice/link/happy", test_link_happy);
  g_test_add_func ("/spice/link/need-secured", test_link_need_secured);
  g_test_add_func ("/spice/link/reply-prefixes", test_link_reply_prefixes);
  g_test_add_func ("/spice/link/owner-context", test_owner_context);
  g_test_add_func ("/spice/link/protocol-one", test_protocol_one);
  for (gsize i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/spice/link/failure/%s", failures[i].name);

      g_test_add_data_func (path, &failures[i], test_link_failure);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (flows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/spice/messages/%s", flows[i].name);

      g_test_add_data_func (path, &flows[i], test_flow);
    }
  ret = g_test_run ();
  pki_clear ();
  return ret;
}
