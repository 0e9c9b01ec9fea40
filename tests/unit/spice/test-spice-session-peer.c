/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSpiceSession against real QEMU SPICE servers (tests/peers/spice-peer.sh):
 * plain, password, TLS only, TLS required for main (NEED_SECURED), unix
 * socket, application sockets (open_fd and the open-fd signal), and through
 * tinyproxy. Integration suite; the instances are this test's own (sess-*).
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-spice-session.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-main-channel.h"
#include "test-spice-session-helpers.h"
#include "test-spice-session-peer.h"

static GHashTable *plain_env, *pw_env, *tls_env, *tls_main_env, *unix_env;

static const char *
env (GHashTable *table, const char *key)
{
  const char *v = g_hash_table_lookup (table, key);

  g_assert_nonnull (v);
  return v;
}

typedef struct {
  gint     state;      /* 0 running, 1 ok, 2 failed */
  GError  *error;
} AsyncResult;

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;

  r->state = tether_spice_session_connect_finish (TETHER_SPICE_SESSION (source), result, &r->error) ? 1 : 2;
}

/* Connects @session and returns the outcome of its main channel. */
static gboolean
run_connect (TetherSpiceSession *session, GError **error)
{
  AsyncResult r = { 0 };
  gint64 end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;

  tether_spice_session_connect_async (session, NULL, connected, &r);
  while (r.state == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (r.state, !=, 0);
  if (r.error != NULL)
    {
      g_test_message ("connect: %s", r.error->message);
      g_propagate_error (error, r.error);
    }
  return r.state == 1;
}

static TetherSpiceChannel *
main_channel (TetherSpiceSession *session)
{
  g_autoptr(GList) channels = tether_spice_session_get_channels (session);

  for (GList *l = channels; l != NULL; l = l->next)
    if (TETHER_IS_SPICE_MAIN_CHANNEL (l->data))
      return l->data;
  return NULL;
}

/* After the main channel opened: the server's name and uuid arrive. */
static void
expect_vm (TetherSpiceSession *session, GHashTable *e)
{
  gint64 end = g_get_monotonic_time () + (gint64) TEST_TIMEOUT_MS * 1000;
  g_autofree char *uuid = NULL;

  while ((tether_spice_session_get_name (session) == NULL || tether_spice_session_get_uuid (session) == NULL) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (tether_spice_session_get_name (session), ==, env (e, "SPICE_NAME"));
  uuid = tether_spice_session_get_uuid_string (session);
  g_assert_cmpstr (uuid, ==, env (e, "SPICE_UUID"));
}

static void
end_session (TetherSpiceSession *session)
{
  tether_spice_session_disconnect (session);
  g_object_unref (session);
  drain_until_finalized (2000);
}

#define REQUIRE(table)                                          \
  G_STMT_START {                                                \
    if ((table) == NULL)                                        \
      {                                                         \
        g_test_skip ("the QEMU SPICE peer could not be started"); \
        return;                                                 \
      }                                                         \
  } G_STMT_END

static void
test_plain (void)
{
  TetherSpiceSession *session;
  g_autoptr(GError) error = NULL;
  TetherSpiceChannel *ch;

  REQUIRE (plain_env);
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (plain_env, "SPICE_URI"), NULL));
  g_assert_true (run_connect (session, &error));
  ch = main_channel (session);
  g_assert_nonnull (ch);
  g_assert_false (tether_spice_channel_is_tls (ch));
  expect_vm (session, plain_env);
  g_assert_cmpuint (tether_spice_channel_get_total_read_bytes (ch), >, 0);
  end_session (session);
}

static void
test_password (void)
{
  static const struct {
    const char *password;
    gboolean    ok;
  } v[] = {
    { NULL, TRUE },    /* filled in with the right one */
    { "wrong password", FALSE },
    { "", FALSE },
  };

  REQUIRE (pw_env);
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      const char *pw = i == 0 ? env (pw_env, "SPICE_PASSWORD") : v[i].password;
      TetherSpiceSession *session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION,
                                                                     "uri", env (pw_env, "SPICE_URI"),
                                                                     "password", pw, NULL));
      g_autoptr(GError) error = NULL;

      if (v[i].ok)
        {
          g_assert_true (run_connect (session, &error));
          expect_vm (session, pw_env);
        }
      else
        {
          g_assert_false (run_connect (session, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH);
          g_assert_null (strstr (error->message, env (pw_env, "SPICE_PASSWORD")));
        }
      end_session (session);
    }
}

static void
test_tls_only (void)
{
  TetherSpiceSession *session;
  g_autoptr(GError) error = NULL;

  REQUIRE (tls_env);
  /* Right CA, checked by host name. */
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (tls_env, "SPICE_URI"),
                                             "ca-file", env (tls_env, "SPICE_CA_FILE"), NULL));
  g_assert_true (run_connect (session, &error));
  g_assert_true (tether_spice_channel_is_tls (main_channel (session)));
  expect_vm (session, tls_env);
  end_session (session);

  /* Right CA, checked by subject. */
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (tls_env, "SPICE_URI"),
                                             "ca-file", env (tls_env, "SPICE_CA_FILE"),
                                             "cert-subject", env (tls_env, "SPICE_CERT_SUBJECT"), NULL));
  g_assert_true (run_connect (session, &error));
  end_session (session);

  /* Wrong CA: error-tls with the reason. */
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (tls_env, "SPICE_URI"),
                                             "ca-file", env (tls_env, "SPICE_WRONG_CA_FILE"), NULL));
  g_assert_false (run_connect (session, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "unknown CA"));
  g_clear_error (&error);
  end_session (session);
}

/* main must use TLS (tls-channel=main): the plain link gets NEED_SECURED and
 * the channel reconnects on the TLS port without an error event. */
static void
on_event_count (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  g_ptr_array_add (user_data, GINT_TO_POINTER (event));
}

static void
on_new_count (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  if (TETHER_IS_SPICE_MAIN_CHANNEL (channel))
    g_signal_connect (channel, "channel-event", G_CALLBACK (on_event_count), user_data);
}

static void
test_need_secured (void)
{
  TetherSpiceSession *session;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new ();

  REQUIRE (tls_main_env);
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (tls_main_env, "SPICE_URI"),
                                             "ca-file", env (tls_main_env, "SPICE_CA_FILE"), NULL));
  g_signal_connect (session, "channel-new", G_CALLBACK (on_new_count), events);
  g_assert_nonnull (tether_spice_session_get_port (session));
  g_assert_true (run_connect (session, &error));
  g_assert_true (tether_spice_channel_is_tls (main_channel (session)));
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (events->pdata[0]), ==, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  expect_vm (session, tls_main_env);
  end_session (session);

  /* Without the TLS port the server's demand cannot be met. */
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "host", env (tls_main_env, "SPICE_HOST"),
                                             "port", env (tls_main_env, "SPICE_PORT"), NULL));
  g_assert_false (run_connect (session, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LINK);
  g_clear_error (&error);
  end_session (session);
}

static void
test_unix (void)
{
  TetherSpiceSession *session;
  g_autoptr(GError) error = NULL;

  REQUIRE (unix_env);
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (unix_env, "SPICE_URI"), NULL));
  g_assert_cmpstr (tether_spice_session_get_unix_path (session), ==, env (unix_env, "SPICE_UNIX_PATH"));
  g_assert_true (run_connect (session, &error));
  expect_vm (session, unix_env);
  end_session (session);
}

/* A connected socket's fd, detached from its GSocket. */
static int
connected_fd (const char *host, const char *port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  guint64 p;
  int fd;

  g_assert_true (g_ascii_string_to_unsigned (port, 10, 1, 65535, &p, NULL));
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, host, (guint16) p, NULL, NULL);
  g_assert_nonnull (conn);
  fd = dup (g_socket_get_fd (g_socket_connection_get_socket (conn)));
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

static void
on_open_fd (TetherSpiceChannel *channel, int with_tls, gpointer user_data)
{
  guint *asked = user_data;

  (*asked)++;
  g_assert_true (tether_spice_channel_open_fd (channel, connected_fd (env (plain_env, "SPICE_HOST"),
                                                                    env (plain_env, "SPICE_PORT"))));
}

static void
on_new_open_fd (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  g_signal_connect (channel, "open-fd", G_CALLBACK (on_open_fd), user_data);
}

static void
opened_cb (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  *(TetherSpiceChannelEvent *) user_data = event;
}

static void
test_open_fd (void)
{
  guint fds = tether_test_count_fds ();
  TetherSpiceSession *session;
  TetherSpiceChannelEvent event = TETHER_SPICE_CHANNEL_EVENT_NONE;
  guint asked = 0;

  REQUIRE (plain_env);
  /* open_fd with a socket of ours. */
  session = tether_test_track (tether_spice_session_new ());
  g_assert_true (tether_spice_session_open_fd (session, connected_fd (env (plain_env, "SPICE_HOST"),
                                                                      env (plain_env, "SPICE_PORT"))));
  g_signal_connect (main_channel (session), "channel-event", G_CALLBACK (opened_cb), &event);
  while (event == TETHER_SPICE_CHANNEL_EVENT_NONE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (event, ==, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  expect_vm (session, plain_env);
  end_session (session);

  /* open_fd (-1): the main channel asks with open-fd. */
  event = TETHER_SPICE_CHANNEL_EVENT_NONE;
  session = tether_test_track (tether_spice_session_new ());
  g_signal_connect (session, "channel-new", G_CALLBACK (on_new_open_fd), &asked);
  g_assert_true (tether_spice_session_open_fd (session, -1));
  g_signal_connect (main_channel (session), "channel-event", G_CALLBACK (opened_cb), &event);
  while (event == TETHER_SPICE_CHANNEL_EVENT_NONE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (event, ==, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  g_assert_cmpuint (asked, ==, 1);
  expect_vm (session, plain_env);
  end_session (session);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_proxy (void)
{
  TinyProxy proxy;
  TetherSpiceSession *session;
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy_uri = NULL;

  REQUIRE (tls_env);
  if (!tinyproxy_start (&proxy))
    {
      tinyproxy_stop (&proxy);
      g_test_fail_printf ("tinyproxy is not available");
      return;
    }
  proxy_uri = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "uri", env (tls_env, "SPICE_URI"),
                                             "ca-file", env (tls_env, "SPICE_CA_FILE"), "proxy", proxy_uri, NULL));
  g_assert_true (run_connect (session, &error));
  expect_vm (session, tls_env);
  end_session (session);
  tinyproxy_stop (&proxy);
}

int
main (int argc, char **argv)
{
  const char *none[] = { NULL };
  const char *pw[] = { "--password", "peer-secret", NULL };
  const char *tls_only[] = { "--tls-only", NULL };
  const char *tls_main[] = { "--tls", "--tls-channel", "main", NULL };
  const char *unix_args[] = { "--unix", NULL };
  int ret;

  tether_test_init (&argc, &argv);
  warm_up_gio ();
  plain_env = peer_start ("sess-plain", none);
  pw_env = peer_start ("sess-pw", pw);
  tls_env = peer_start ("sess-tlsonly", tls_only);
  tls_main_env = peer_start ("sess-tlsmain", tls_main);
  unix_env = peer_start ("sess-unix", unix_args);
  g_test_add_func ("/spice/session-peer/plain", test_plain);
  g_test_add_func ("/spice/session-peer/password", test_password);
  g_test_add_func ("/spice/session-peer/tls-only", test_tls_only);
  g_test_add_func ("/spice/session-peer/need-secured", test_need_secured);
  g_test_add_func ("/spice/session-peer/unix", test_unix);
  g_test_add_func ("/spice/session-peer/open-fd", test_open_fd);
  g_test_add_func ("/spice/session-peer/proxy", test_proxy);
  ret = g_test_run ();
  peer_stop ("sess-plain");
  peer_stop ("sess-pw");
  peer_stop ("sess-tlsonly");
  peer_stop ("sess-tlsmain");
  peer_stop ("sess-unix");
  g_clear_pointer (&plain_env, g_hash_table_unref);
  g_clear_pointer (&pw_env, g_hash_table_unref);
  g_clear_pointer (&tls_env, g_hash_table_unref);
  g_clear_pointer (&tls_main_env, g_hash_table_unref);
  g_clear_pointer (&unix_env, g_hash_table_unref);
  return ret;
}
