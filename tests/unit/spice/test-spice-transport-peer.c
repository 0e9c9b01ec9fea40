/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transports against the real QEMU SPICE server (tests/peers/spice-peer.sh):
 * plain TCP, the unix socket, TLS with every verification outcome, and TLS
 * through a real HTTP CONNECT proxy (tinyproxy). Integration suite.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tether-error.h"
#include "tether-spice-transport-private.h"
#include "tether-spice-tls-stream-private.h"
#include "test-spice-session-helpers.h"
#include "test-spice-session-peer.h"

#define TLS_INSTANCE "sess-tls"
#define UNIX_INSTANCE "sess-unix"

static GHashTable *tls_env;
static GHashTable *unix_env;

static const char *
env (GHashTable *table, const char *key)
{
  const char *v = g_hash_table_lookup (table, key);

  g_assert_nonnull (v);
  return v;
}

static guint16
env_port (GHashTable *table, const char *key)
{
  guint64 v;

  g_assert_true (g_ascii_string_to_unsigned (env (table, key), 10, 1, 65535, &v, NULL));
  return (guint16) v;
}

typedef struct {
  gboolean   done;
  GIOStream *stream;
  GError    *error;
} Result;

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->stream = tether_spice_transport_connect_finish (result, &r->error);
  r->done = TRUE;
}

static void
run_connect (TetherSpiceTransportParams *params, Result *r)
{
  memset (r, 0, sizeof *r);
  tether_spice_transport_connect_async (params, NULL, connected, r);
  spin_until (&r->done, TEST_TIMEOUT_MS);
}

/* Sends a SPICE link header's magic and checks the server answers "REDQ":
 * the stream really reaches the SPICE server. */
static void
link_magic_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, NULL, NULL);
  *done = TRUE;
}

static void
expect_spice_server (GIOStream *stream)
{
  /* SpiceLinkHeader for a main channel link with no caps: magic, 2, 2, 18,
   * then SpiceLinkMess (connection 0, type 1, id 0, no caps, offset 18). */
  static const guint8 link[] = {
    'R', 'E', 'D', 'Q', 2, 0, 0, 0, 2, 0, 0, 0, 18, 0, 0, 0,
    0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 0,
  };
  static guint8 reply[4];
  gboolean done = FALSE;

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), link, sizeof link, NULL, NULL,
                                            NULL));
  memset (reply, 0, sizeof reply);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (stream), reply, 4, G_PRIORITY_DEFAULT, NULL,
                                 link_magic_read, &done);
  spin_until (&done, TEST_TIMEOUT_MS);
  g_assert_cmpmem (reply, 4, "REDQ", 4);
}

static void
close_stream (GIOStream *stream)
{
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

static GBytes *
read_file_bytes (const char *path)
{
  char *data;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static GBytes *
pubkey_of_pem_cert (const char *path)
{
  g_autoptr(GBytes) pem = read_file_bytes (path);
  gsize n;
  const void *data = g_bytes_get_data (pem, &n);
  BIO *bio = BIO_new_mem_buf (data, (int) n);
  X509 *x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  unsigned char *der = NULL;
  int len;
  GBytes *out;

  g_assert_nonnull (x);
  len = i2d_PUBKEY (X509_get0_pubkey (x), &der);
  g_assert_cmpint (len, >, 0);
  out = g_bytes_new (der, (gsize) len);
  OPENSSL_free (der);
  X509_free (x);
  BIO_free (bio);
  return out;
}

static gboolean
have_peers (void)
{
  if (tls_env == NULL)
    {
      g_test_skip ("the QEMU SPICE peer could not be started");
      return FALSE;
    }
  return TRUE;
}

static void
test_peer_tcp (void)
{
  TetherSpiceTransportParams p;
  Result r;

  if (!have_peers ())
    return;
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup (env (tls_env, "SPICE_HOST"));
  p.port = env_port (tls_env, "SPICE_PORT");
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  expect_spice_server (r.stream);
  close_stream (r.stream);
}

static void
test_peer_unix (void)
{
  TetherSpiceTransportParams p;
  Result r;

  if (unix_env == NULL)
    {
      g_test_skip ("the unix-socket SPICE peer could not be started");
      return;
    }
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_UNIX;
  p.unix_path = g_strdup (env (unix_env, "SPICE_UNIX_PATH"));
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  expect_spice_server (r.stream);
  close_stream (r.stream);
}

typedef struct {
  const char              *name;
  TetherSpiceSessionVerify verify;
  const char              *ca;        /* "right", "wrong", "none" */
  const char              *host;      /* NULL: SPICE_HOST */
  const char              *subject;   /* "right", or a literal subject */
  const char              *pubkey;    /* "right", "wrong", NULL */
  const char              *expect;    /* NULL: success */
} PeerTls;

static const PeerTls peer_tls[] = {
  { "right CA", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "right", NULL, NULL, NULL, NULL },
  { "right CA, localhost", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "right", "localhost", NULL, NULL, NULL },
  { "wrong CA", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "wrong", NULL, NULL, NULL, "unknown CA" },
  { "wrong host name", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "right", "spice.invalid", NULL, NULL, "bad identity" },
  { "right subject", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "right", "spice.invalid", "right", NULL, NULL },
  { "wrong subject", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "right", NULL, "C=XX,O=Tether Test,CN=other", NULL,
    "does not match" },
  { "right pubkey, wrong CA", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "wrong", "spice.invalid", NULL, "right", NULL },
  { "wrong pubkey", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "right", NULL, NULL, "wrong", "pubkey mismatch" },
  { "no verification", 0, "wrong", "spice.invalid", NULL, NULL, NULL },
};

static void
test_peer_tls (gconstpointer data)
{
  const PeerTls *c = data;
  TetherSpiceTransportParams p;
  Result r;

  if (!have_peers ())
    return;
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup (env (tls_env, "SPICE_HOST"));
  p.port = env_port (tls_env, "SPICE_TLS_PORT");
  p.tls = TRUE;
  p.tls_params.verify = c->verify;
  p.tls_params.host = g_strdup (c->host != NULL ? c->host : env (tls_env, "SPICE_HOST"));
  if (g_str_equal (c->ca, "right"))
    p.tls_params.ca_file = g_strdup (env (tls_env, "SPICE_CA_FILE"));
  else if (g_str_equal (c->ca, "wrong"))
    p.tls_params.ca = read_file_bytes (env (tls_env, "SPICE_WRONG_CA_FILE"));
  if (c->subject != NULL)
    p.tls_params.cert_subject = g_strdup (g_str_equal (c->subject, "right") ? env (tls_env, "SPICE_CERT_SUBJECT")
                                                                            : c->subject);
  if (c->pubkey != NULL && g_str_equal (c->pubkey, "right"))
    p.tls_params.pubkey = read_file_bytes (env (tls_env, "SPICE_SERVER_PUBKEY_FILE"));
  else if (c->pubkey != NULL)
    p.tls_params.pubkey = pubkey_of_pem_cert (env (tls_env, "SPICE_WRONG_CA_FILE"));

  run_connect (&p, &r);
  if (c->expect == NULL)
    {
      g_assert_no_error (r.error);
      expect_spice_server (r.stream);
      close_stream (r.stream);
    }
  else
    {
      g_assert_null (r.stream);
      g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
      g_test_message ("%s", r.error->message);
      g_assert_nonnull (strstr (r.error->message, c->expect));
      g_clear_error (&r.error);
    }
}

/* TLS to the SPICE server through tinyproxy: the tunnel carries the
 * handshake, and the host name checked is still the SPICE server's. */
static void
test_peer_proxy (void)
{
  TinyProxy proxy;
  TetherSpiceTransportParams p;
  Result r;

  if (!have_peers ())
    return;
  if (!tinyproxy_start (&proxy))
    {
      tinyproxy_stop (&proxy);
      g_test_fail_printf ("tinyproxy is not available");
      return;
    }
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup (env (tls_env, "SPICE_HOST"));
  p.port = env_port (tls_env, "SPICE_TLS_PORT");
  p.tls = TRUE;
  p.tls_params.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
  p.tls_params.host = g_strdup (env (tls_env, "SPICE_HOST"));
  p.tls_params.ca_file = g_strdup (env (tls_env, "SPICE_CA_FILE"));
  p.use_proxy = TRUE;
  p.proxy.host = g_strdup ("127.0.0.1");
  p.proxy.port = proxy.port;
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  g_assert_true (TETHER_SPICE_IS_TLS_STREAM (r.stream));
  expect_spice_server (r.stream);
  close_stream (r.stream);

  /* Plain SPICE through the proxy too. */
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup (env (tls_env, "SPICE_HOST"));
  p.port = env_port (tls_env, "SPICE_PORT");
  p.use_proxy = TRUE;
  p.proxy.host = g_strdup ("127.0.0.1");
  p.proxy.port = proxy.port;
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  expect_spice_server (r.stream);
  close_stream (r.stream);

  /* A port nothing listens on: tinyproxy answers with an error status. */
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup ("127.0.0.1");
  p.port = peer_free_port ();
  p.use_proxy = TRUE;
  p.proxy.host = g_strdup ("127.0.0.1");
  p.proxy.port = proxy.port;
  run_connect (&p, &r);
  g_assert_null (r.stream);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_test_message ("%s", r.error->message);
  g_assert_nonnull (strstr (r.error->message, "The proxy refused CONNECT"));
  g_clear_error (&r.error);
  tinyproxy_stop (&proxy);
}

int
main (int argc, char **argv)
{
  const char *tls_args[] = { "--tls", NULL };
  const char *unix_args[] = { "--unix", NULL };
  int ret;

  tether_test_init (&argc, &argv);
  tls_env = peer_start (TLS_INSTANCE, tls_args);
  unix_env = peer_start (UNIX_INSTANCE, unix_args);
  g_test_add_func ("/spice/transport-peer/tcp", test_peer_tcp);
  g_test_add_func ("/spice/transport-peer/unix", test_peer_unix);
  for (gsize i = 0; i < G_N_ELEMENTS (peer_tls); i++)
    {
      g_autofree char *path = g_strdup_printf ("/spice/transport-peer/tls/%s", peer_tls[i].name);

      g_strdelimit (path, " ,", '-');
      g_test_add_data_func (path, &peer_tls[i], test_peer_tls);
    }
  g_test_add_func ("/spice/transport-peer/proxy", test_peer_proxy);
  ret = g_test_run ();
  peer_stop (TLS_INSTANCE);
  peer_stop (UNIX_INSTANCE);
  g_clear_pointer (&tls_env, g_hash_table_unref);
  g_clear_pointer (&unix_env, g_hash_table_unref);
  return ret;
}
