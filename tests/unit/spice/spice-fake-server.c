/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fake SPICE server of the channel tests (see spice-fake-server.h). */
#include "config.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "spice-fake-server.h"

#define LINK_MAGIC          0x51444552u
#define SPKI_SIZE           162
#define COMMON_CAPS         ((1u << 0) | (1u << 1) | (1u << 3))   /* AUTH_SELECTION, AUTH_SPICE, MINI_HEADER */
#define MAX_CLIENT_MESSAGE  (1u << 20)
#define FAKE_TIMEOUT_S      20

struct _FakeServer {
  GSocketListener *listener;
  guint16          port;
  EVP_PKEY        *rsa;
  guint8           spki[SPKI_SIZE];
  GCancellable    *cancellable;
  GThread         *accept_thread;
  GMutex           lock;
  GCond            cond;
  GPtrArray       *conns;            /* FakeConn* */
  GArray          *channels;         /* guint8 pairs: type, id */
  guint32          caps[16];
  FakeScript       scripts[16];
  gpointer         script_data[16];
  guint32          mouse_supported;
  guint32          mouse_current;
  guint32          ram_hint;
  GHashTable      *signals;          /* names set by fake_signal() */
  GHashTable      *released;         /* names set by fake_server_release() */
  GString         *failures;
  gboolean         stopping;         /* fake_server_free() runs: no more waiting */
};

struct _FakeConn {
  FakeServer        *server;
  GSocketConnection *conn;
  GIOStream         *stream;
  GThread           *thread;
  guint8             type;
  guint8             id;
  guint32            client_caps;
  gboolean           mini;
  guint64            serial;
  GArray            *seen;           /* guint16 types of client messages */
};

static void
record_failure (FakeServer *f, const char *what)
{
  g_mutex_lock (&f->lock);
  g_string_append_printf (f->failures, "%s%s", f->failures->len > 0 ? "; " : "", what);
  g_mutex_unlock (&f->lock);
}

void
fake_fail (FakeConn *c, const char *what)
{
  g_autofree char *text = g_strdup_printf ("channel %u:%u: %s", c->type, c->id, what);

  record_failure (c->server, text);
}

static gboolean
conn_read (FakeConn *c, void *buf, gsize n)
{
  gsize got = 0;

  return g_input_stream_read_all (g_io_stream_get_input_stream (c->stream), buf, n, &got, NULL, NULL) && got == n;
}

static void
conn_write (FakeConn *c, const void *data, gsize n)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (c->stream), data, n, NULL, NULL, NULL);
}

static void
put_u16 (GByteArray *b, guint16 v)
{
  guint8 p[2] = { v & 0xff, v >> 8 };

  g_byte_array_append (b, p, 2);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 p[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (b, p, 4);
}

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

void
fake_send (FakeConn *c, guint16 type, const void *body, gsize len)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();

  if (c->mini)
    {
      put_u16 (b, type);
      put_u32 (b, (guint32) len);
    }
  else
    {
      c->serial++;
      put_u32 (b, (guint32) c->serial);
      put_u32 (b, (guint32) (c->serial >> 32));
      put_u16 (b, type);
      put_u32 (b, (guint32) len);
      put_u32 (b, 0);
    }
  if (len > 0)
    g_byte_array_append (b, body, (guint) len);
  conn_write (c, b->data, b->len);
}

void
fake_send_bytes (FakeConn *c, guint16 type, GBytes *body)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  fake_send (c, type, data, len);
  g_bytes_unref (body);
}

gboolean
fake_read (FakeConn *c, guint16 *type, GBytes **body)
{
  guint8 h[18];
  gsize hl = c->mini ? 6 : 18;
  guint32 size;
  guint8 *data;

  if (!conn_read (c, h, hl))
    return FALSE;
  *type = c->mini ? (guint16) (h[0] | h[1] << 8) : (guint16) (h[8] | h[9] << 8);
  size = get_u32 (c->mini ? h + 2 : h + 10);
  if (size > MAX_CLIENT_MESSAGE)
    {
      fake_fail (c, "a client message is too large");
      return FALSE;
    }
  data = g_malloc (MAX (size, 1));
  if (!conn_read (c, data, size))
    {
      g_free (data);
      return FALSE;
    }
  *body = g_bytes_new_take (data, size);
  g_mutex_lock (&c->server->lock);
  g_array_append_val (c->seen, *type);
  g_mutex_unlock (&c->server->lock);
  return TRUE;
}

GBytes *
fake_expect (FakeConn *c, guint16 type)
{
  for (;;)
    {
      guint16 t;
      GBytes *body = NULL;

      if (!fake_read (c, &t, &body))
        {
          g_autofree char *why = g_strdup_printf ("client message %u never came", type);

          fake_fail (c, why);
          return NULL;
        }
      if (t == type)
        return body;
      g_bytes_unref (body);
    }
}

void
fake_drain (FakeConn *c)
{
  guint16 t;
  GBytes *body = NULL;

  while (fake_read (c, &t, &body))
    g_clear_pointer (&body, g_bytes_unref);
}

guint
fake_conn_count (FakeConn *c, guint16 type)
{
  guint n = 0;

  g_mutex_lock (&c->server->lock);
  for (guint i = 0; i < c->seen->len; i++)
    if (g_array_index (c->seen, guint16, i) == type)
      n++;
  g_mutex_unlock (&c->server->lock);
  return n;
}

guint8
fake_conn_type (FakeConn *c)
{
  return c->type;
}

guint8
fake_conn_id (FakeConn *c)
{
  return c->id;
}

guint32
fake_conn_client_caps (FakeConn *c)
{
  return c->client_caps;
}

void
fake_signal (FakeConn *c, const char *name)
{
  g_mutex_lock (&c->server->lock);
  g_hash_table_add (c->server->signals, g_strdup (name));
  g_mutex_unlock (&c->server->lock);
}

gboolean
fake_server_signalled (FakeServer *f, const char *name)
{
  gboolean set;

  g_mutex_lock (&f->lock);
  set = g_hash_table_contains (f->signals, name);
  g_mutex_unlock (&f->lock);
  return set;
}

void
fake_wait_release (FakeConn *c, const char *name)
{
  FakeServer *f = c->server;
  gint64 end = g_get_monotonic_time () + (gint64) FAKE_TIMEOUT_S * G_USEC_PER_SEC;

  g_mutex_lock (&f->lock);
  while (!g_hash_table_contains (f->released, name) && !f->stopping)
    if (!g_cond_wait_until (&f->cond, &f->lock, end))
      break;
  g_mutex_unlock (&f->lock);
}

void
fake_server_release (FakeServer *f, const char *name)
{
  g_mutex_lock (&f->lock);
  g_hash_table_add (f->released, g_strdup (name));
  g_cond_broadcast (&f->cond);
  g_mutex_unlock (&f->lock);
}

/* ---- link ------------------------------------------------------------------------ */

static gboolean
link_connection (FakeConn *c)
{
  FakeServer *f = c->server;
  guint8 h[16], ticket[128], word[4];
  g_autofree guint8 *body = NULL;
  guint32 size, n_common, n_channel;
  g_autoptr(GByteArray) reply = g_byte_array_new ();

  if (!conn_read (c, h, sizeof h))
    return FALSE;
  size = get_u32 (h + 12);
  if (get_u32 (h) != LINK_MAGIC || get_u32 (h + 4) != 2 || size < 18 || size > 4096)
    {
      fake_fail (c, "bad link header");
      return FALSE;
    }
  body = g_malloc (size);
  if (!conn_read (c, body, size))
    return FALSE;
  c->type = body[4];
  c->id = body[5];
  n_common = get_u32 (body + 6);
  n_channel = get_u32 (body + 10);
  if (get_u32 (body + 14) != 18 || size != 18 + 4 * (n_common + n_channel) || n_common < 1)
    {
      fake_fail (c, "bad link message");
      return FALSE;
    }
  c->client_caps = n_channel > 0 ? get_u32 (body + 18 + 4 * n_common) : 0;
  c->mini = (get_u32 (body + 18) & (1u << 3)) != 0;

  /* Link header + SpiceLinkReply: error, pubkey, 1 common and 1 channel
   * caps word. */
  put_u32 (reply, LINK_MAGIC);
  put_u32 (reply, 2);
  put_u32 (reply, 2);
  put_u32 (reply, 4 + SPKI_SIZE + 12 + 8);
  put_u32 (reply, 0);
  g_byte_array_append (reply, f->spki, SPKI_SIZE);
  put_u32 (reply, 1);
  put_u32 (reply, 1);
  put_u32 (reply, 4 + SPKI_SIZE + 12);
  put_u32 (reply, COMMON_CAPS);
  put_u32 (reply, c->type < G_N_ELEMENTS (f->caps) ? f->caps[c->type] : 0);
  conn_write (c, reply->data, reply->len);

  /* The client announced AUTH_SELECTION too: mechanism word, then the
   * ticket (not checked: these tests have no password). */
  if (!conn_read (c, word, 4) || !conn_read (c, ticket, sizeof ticket))
    return FALSE;
  put_u32 (reply, 0);
  conn_write (c, reply->data + reply->len - 4, 4);
  return TRUE;
}

static void
main_script (FakeConn *c)
{
  FakeServer *f = c->server;
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GBytes) attach = NULL;

  put_u32 (b, 0x5eed1234u);          /* session id */
  put_u32 (b, 1);                    /* display channels hint */
  put_u32 (b, f->mouse_supported);
  put_u32 (b, f->mouse_current);
  put_u32 (b, 0);                    /* agent */
  put_u32 (b, 0);                    /* agent tokens */
  put_u32 (b, 1000);                 /* mm time */
  put_u32 (b, f->ram_hint);
  fake_send (c, FAKE_MSG_MAIN_INIT, b->data, b->len);
  attach = fake_expect (c, FAKE_MSGC_MAIN_ATTACH_CHANNELS);
  if (attach == NULL)
    return;
  g_byte_array_set_size (b, 0);
  put_u32 (b, f->channels->len / 2);
  g_byte_array_append (b, (const guint8 *) f->channels->data, f->channels->len);
  fake_send (c, FAKE_MSG_MAIN_CHANNELS_LIST, b->data, b->len);
  fake_drain (c);
}

static gpointer
conn_thread (gpointer data)
{
  FakeConn *c = data;
  FakeServer *f = c->server;

  if (link_connection (c))
    {
      if (c->type == 1 && f->scripts[1] == NULL)
        main_script (c);
      else if (c->type < G_N_ELEMENTS (f->scripts) && f->scripts[c->type] != NULL)
        f->scripts[c->type] (c, f->script_data[c->type]);
      else
        fake_drain (c);
    }
  g_io_stream_close (c->stream, NULL, NULL);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  FakeServer *f = data;

  for (;;)
    {
      GSocketConnection *conn = g_socket_listener_accept (f->listener, NULL, f->cancellable, NULL);
      FakeConn *c;

      if (conn == NULL)
        break;
      g_socket_set_timeout (g_socket_connection_get_socket (conn), FAKE_TIMEOUT_S);
      c = g_new0 (FakeConn, 1);
      c->server = f;
      c->conn = conn;
      c->stream = G_IO_STREAM (conn);
      c->seen = g_array_new (FALSE, FALSE, sizeof (guint16));
      g_mutex_lock (&f->lock);
      g_ptr_array_add (f->conns, c);
      g_mutex_unlock (&f->lock);
      c->thread = g_thread_new ("fake-spice-conn", conn_thread, c);
    }
  return NULL;
}

FakeServer *
fake_server_new (void)
{
  FakeServer *f = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  unsigned char *der = NULL;
  int n;

  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  f->conns = g_ptr_array_new ();
  f->channels = g_array_new (FALSE, FALSE, 1);
  f->signals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->released = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->failures = g_string_new (NULL);
  f->mouse_supported = 1;
  f->mouse_current = 1;
  f->cancellable = g_cancellable_new ();
  f->rsa = EVP_RSA_gen (1024);
  n = i2d_PUBKEY (f->rsa, &der);
  g_assert_cmpint (n, ==, SPKI_SIZE);
  memcpy (f->spki, der, SPKI_SIZE);
  OPENSSL_free (der);
  f->listener = g_socket_listener_new ();
  g_assert_true (g_socket_listener_add_address (f->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, NULL));
  f->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return f;
}

void
fake_server_add_channel (FakeServer *f, guint8 type, guint8 id)
{
  g_array_append_val (f->channels, type);
  g_array_append_val (f->channels, id);
}

void
fake_server_set_caps (FakeServer *f, guint8 type, guint32 caps)
{
  g_assert_cmpuint (type, <, G_N_ELEMENTS (f->caps));
  f->caps[type] = caps;
}

void
fake_server_set_mouse (FakeServer *f, guint32 supported, guint32 current)
{
  f->mouse_supported = supported;
  f->mouse_current = current;
}

void
fake_server_set_ram_hint (FakeServer *f, guint32 ram_hint)
{
  f->ram_hint = ram_hint;
}

void
fake_server_set_script (FakeServer *f, guint8 type, FakeScript script, gpointer data)
{
  g_assert_cmpuint (type, <, G_N_ELEMENTS (f->scripts));
  f->scripts[type] = script;
  f->script_data[type] = data;
}

void
fake_server_start (FakeServer *f)
{
  f->accept_thread = g_thread_new ("fake-spice-accept", accept_thread, f);
}

guint16
fake_server_get_port (FakeServer *f)
{
  return f->port;
}

void
fake_server_free (FakeServer *f)
{
  gint64 end = g_get_monotonic_time () + (gint64) FAKE_TIMEOUT_S * G_USEC_PER_SEC;

  g_cancellable_cancel (f->cancellable);
  g_thread_join (f->accept_thread);
  /* Release scripts that still wait; the connections end when the client
   * closes them. */
  g_mutex_lock (&f->lock);
  f->stopping = TRUE;
  g_cond_broadcast (&f->cond);
  g_mutex_unlock (&f->lock);
  for (guint i = 0; i < f->conns->len; i++)
    {
      FakeConn *c = f->conns->pdata[i];

      /* Let the client's closes (and its main loop) run while waiting. */
      while (g_get_monotonic_time () < end && !g_io_stream_is_closed (c->stream))
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (500);
        }
      g_socket_shutdown (g_socket_connection_get_socket (c->conn), TRUE, TRUE, NULL);
      g_thread_join (c->thread);
      g_object_unref (c->conn);
      g_array_unref (c->seen);
      g_free (c);
    }
  if (f->failures->len > 0)
    {
      g_test_message ("fake server: %s", f->failures->str);
      g_test_fail ();
    }
  g_ptr_array_unref (f->conns);
  g_array_unref (f->channels);
  g_hash_table_unref (f->signals);
  g_hash_table_unref (f->released);
  g_string_free (f->failures, TRUE);
  g_socket_listener_close (f->listener);
  g_object_unref (f->listener);
  g_object_unref (f->cancellable);
  EVP_PKEY_free (f->rsa);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
  g_free (f);
}
