/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherSpiceSession: its interface against spice-gtk's, and its behaviour
 * without a server (a refused port, a local listener, application sockets). */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-enum-types.h"
#include "tether-spice-session.h"
#include "tether-spice-session-private.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-main-channel.h"
#include "test-spice-session-helpers.h"

/* ---- the interface: spice-gtk's SpiceSession property table ---------------------- */

typedef enum { T_STR, T_INT, T_BOOL, T_STRV, T_BYTE_ARRAY, T_BYTES, T_MIGRATION, T_VERIFY } PropType;

#define R  G_PARAM_READABLE
#define RW (G_PARAM_READABLE | G_PARAM_WRITABLE)
#define RWC (RW | G_PARAM_CONSTRUCT)
#define D  G_PARAM_DEPRECATED

typedef struct {
  const char *name;
  PropType    type;
  GParamFlags flags;
  const char *str_default;
  gint64      num_default;
} RefProp;

/* From the reference documentation of SpiceClientGLib.Session (names, types,
 * flags, defaults). The one deliberate difference: uuid is a GBytes. */
static const RefProp reference[] = {
  { "ca", T_BYTE_ARRAY, RW, NULL, 0 },
  { "ca-file", T_STR, RW, NULL, 0 },
  { "cache-size", T_INT, RW, NULL, 0 },
  { "cert-subject", T_STR, RW, NULL, 0 },
  { "ciphers", T_STR, RW, NULL, 0 },
  { "client-sockets", T_BOOL, RW, NULL, FALSE },
  { "color-depth", T_INT, D | RW, NULL, 0 },
  { "disable-effects", T_STRV, RW, NULL, 0 },
  { "enable-audio", T_BOOL, RWC, NULL, TRUE },
  { "enable-smartcard", T_BOOL, RW, NULL, FALSE },
  { "enable-usbredir", T_BOOL, RWC, NULL, TRUE },
  { "gl-scanout", T_BOOL, RWC, NULL, TRUE },
  { "glz-window-size", T_INT, RW, NULL, 0 },
  { "host", T_STR, RWC, "localhost", 0 },
  { "inhibit-keyboard-grab", T_BOOL, RW, NULL, FALSE },
  { "migration-state", T_MIGRATION, R, NULL, TETHER_SPICE_SESSION_MIGRATION_NONE },
  { "name", T_STR, R, NULL, 0 },
  { "password", T_STR, RW, NULL, 0 },
  { "port", T_STR, RW, NULL, 0 },
  { "protocol", T_INT, RWC, NULL, 2 },
  { "proxy", T_STR, RW, NULL, 0 },
  { "pubkey", T_BYTE_ARRAY, RW, NULL, 0 },
  { "read-only", T_BOOL, RWC, NULL, FALSE },
  { "secure-channels", T_STRV, RW, NULL, 0 },
  { "share-dir-ro", T_BOOL, RWC, NULL, FALSE },
  { "shared-dir", T_STR, RWC, NULL, 0 },
  { "smartcard-certificates", T_STRV, RW, NULL, 0 },
  { "smartcard-db", T_STR, RW, NULL, 0 },
  { "tls-port", T_STR, RW, NULL, 0 },
  { "unix-path", T_STR, RWC, NULL, 0 },
  { "uri", T_STR, RW, NULL, 0 },
  { "username", T_STR, RW, NULL, 0 },
  { "uuid", T_BYTES, R, NULL, 0 },
  { "verify", T_VERIFY, RWC, NULL, TETHER_SPICE_SESSION_VERIFY_HOSTNAME },
};

static GType
prop_gtype (PropType t)
{
  switch (t)
    {
    case T_STR: return G_TYPE_STRING;
    case T_INT: return G_TYPE_INT;
    case T_BOOL: return G_TYPE_BOOLEAN;
    case T_STRV: return G_TYPE_STRV;
    case T_BYTE_ARRAY: return G_TYPE_BYTE_ARRAY;
    case T_BYTES: return G_TYPE_BYTES;
    case T_MIGRATION: return TETHER_TYPE_SPICE_SESSION_MIGRATION;
    case T_VERIFY: return TETHER_TYPE_SPICE_SESSION_VERIFY;
    default: g_assert_not_reached ();
    }
}

static void
check_value (const RefProp *ref, const GValue *v)
{
  switch (ref->type)
    {
    case T_STR: g_assert_cmpstr (g_value_get_string (v), ==, ref->str_default); break;
    case T_INT: g_assert_cmpint (g_value_get_int (v), ==, ref->num_default); break;
    case T_BOOL: g_assert_cmpint (g_value_get_boolean (v), ==, ref->num_default); break;
    case T_STRV:
    case T_BYTE_ARRAY:
    case T_BYTES: g_assert_null (g_value_get_boxed (v)); break;
    case T_MIGRATION: g_assert_cmpint (g_value_get_enum (v), ==, ref->num_default); break;
    case T_VERIFY: g_assert_cmpuint (g_value_get_flags (v), ==, ref->num_default); break;
    default: g_assert_not_reached ();
    }
}

static void
test_session_properties (void)
{
  g_autoptr(GTypeClass) type_class = g_type_class_ref (TETHER_TYPE_SPICE_SESSION);
  GObjectClass *klass = G_OBJECT_CLASS (type_class);
  TetherSpiceSession *session;
  guint n_props = 0;

  g_free (g_object_class_list_properties (klass, &n_props));

  g_unsetenv ("SPICE_PROXY");
  g_unsetenv ("SPICE_DISABLE_GL_SCANOUT");
  session = tether_test_track (tether_spice_session_new ());
  g_assert_cmpuint (n_props, ==, G_N_ELEMENTS (reference));
  for (gsize i = 0; i < G_N_ELEMENTS (reference); i++)
    {
      const RefProp *ref = &reference[i];
      GParamSpec *pspec = g_object_class_find_property (klass, ref->name);
      const GParamFlags mask = G_PARAM_READABLE | G_PARAM_WRITABLE | G_PARAM_CONSTRUCT | G_PARAM_CONSTRUCT_ONLY |
                               G_PARAM_DEPRECATED;
      g_auto(GValue) value = G_VALUE_INIT;

      g_test_message ("property %s", ref->name);
      g_assert_nonnull (pspec);
      g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == prop_gtype (ref->type));
      g_assert_cmphex (pspec->flags & mask, ==, ref->flags);
      /* The declared default, and the value of a new session. */
      check_value (ref, g_param_spec_get_default_value (pspec));
      if (pspec->flags & G_PARAM_READABLE)
        {
          g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
          g_object_get_property (G_OBJECT (session), ref->name, &value);
          check_value (ref, &value);
        }
    }
  g_object_unref (session);
}

static void
test_session_enums (void)
{
  g_autoptr(GFlagsClass) verify = g_type_class_ref (TETHER_TYPE_SPICE_SESSION_VERIFY);
  g_autoptr(GEnumClass) migration = g_type_class_ref (TETHER_TYPE_SPICE_SESSION_MIGRATION);
  g_autoptr(GEnumClass) event = g_type_class_ref (TETHER_TYPE_SPICE_CHANNEL_EVENT);

  /* spice-gtk's numbers. */
  g_assert_cmpuint (g_flags_get_value_by_nick (verify, "pubkey")->value, ==, 1);
  g_assert_cmpuint (g_flags_get_value_by_nick (verify, "hostname")->value, ==, 2);
  g_assert_cmpuint (g_flags_get_value_by_nick (verify, "subject")->value, ==, 4);
  g_assert_cmpint (g_enum_get_value_by_nick (migration, "none")->value, ==, 0);
  g_assert_cmpint (g_enum_get_value_by_nick (migration, "switching")->value, ==, 1);
  g_assert_cmpint (g_enum_get_value_by_nick (migration, "migrating")->value, ==, 2);
  g_assert_cmpint (g_enum_get_value_by_nick (migration, "connecting")->value, ==, 3);
  g_assert_cmpint (g_enum_get_value_by_nick (event, "opened")->value, ==, 10);
  g_assert_cmpint (g_enum_get_value_by_nick (event, "closed")->value, ==, 12);
  g_assert_cmpint (g_enum_get_value_by_nick (event, "error-connect")->value, ==, 20);
  g_assert_cmpint (g_enum_get_value_by_nick (event, "error-io")->value, ==, 24);
}

static void
test_session_signals (void)
{
  static const struct {
    const char *name;
    guint       n_params;
  } expected[] = {
    { "channel-new", 1 },
    { "channel-destroy", 1 },
    { "disconnected", 0 },
    { "mm-time-reset", 0 },
  };
  /* The signals exist once the class does. */
  g_type_class_unref (g_type_class_ref (TETHER_TYPE_SPICE_SESSION));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GSignalQuery q;
      guint id = g_signal_lookup (expected[i].name, TETHER_TYPE_SPICE_SESSION);

      g_assert_cmpuint (id, !=, 0);
      g_signal_query (id, &q);
      g_assert_cmpuint (q.n_params, ==, expected[i].n_params);
      g_assert_true (q.signal_flags & G_SIGNAL_RUN_FIRST);
      g_assert_true (q.return_type == G_TYPE_NONE);
      if (q.n_params == 1)
        g_assert_true (q.param_types[0] == TETHER_TYPE_SPICE_CHANNEL);
    }
}

static void
count_notify (GObject *obj, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* For signals without parameters, connected with g_signal_connect_swapped. */
static void
count_swapped (gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_session_verify_follows (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autoptr(GByteArray) key = g_byte_array_new ();
  TetherSpiceSessionVerify verify;
  guint notifies = 0;

  g_signal_connect (session, "notify::verify", G_CALLBACK (count_notify), &notifies);
  g_object_set (session, "cert-subject", "CN=x", NULL);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT);
  g_assert_cmpuint (notifies, ==, 1);
  g_byte_array_append (key, (const guint8 *) "k", 1);
  g_object_set (session, "pubkey", key, NULL);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT |
                                  TETHER_SPICE_SESSION_VERIFY_PUBKEY);
  g_object_set (session, "cert-subject", NULL, "pubkey", NULL, NULL);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME);
  g_object_set (session, "verify", 0, NULL);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, 0);
  g_object_unref (session);
}

/* The GBytes accessors for ca and pubkey: the same storage as the
 * GByteArray properties, copied in and out, with the same notifications
 * and the same effect on verify. */
static void
test_session_bytes_accessors (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  static const guint8 pem[] = "-----BEGIN CERTIFICATE-----\n\0x\n";
  g_autoptr(GBytes) in = g_bytes_new (pem, sizeof pem);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GByteArray) prop = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  guint ca_notifies = 0, pubkey_notifies = 0, verify_notifies = 0;
  TetherSpiceSessionVerify verify;

  g_signal_connect (session, "notify::ca", G_CALLBACK (count_notify), &ca_notifies);
  g_signal_connect (session, "notify::pubkey", G_CALLBACK (count_notify), &pubkey_notifies);
  g_signal_connect (session, "notify::verify", G_CALLBACK (count_notify), &verify_notifies);
  g_assert_null (tether_spice_session_get_ca_bytes (session));
  g_assert_null (tether_spice_session_get_pubkey_bytes (session));

  tether_spice_session_set_ca_bytes (session, in);
  g_assert_cmpuint (ca_notifies, ==, 1);
  out = tether_spice_session_get_ca_bytes (session);
  g_assert_true (g_bytes_equal (out, in));
  g_assert_true (out != in);
  g_object_get (session, "ca", &prop, NULL);
  g_assert_cmpmem (prop->data, prop->len, pem, sizeof pem);
  /* The same value again: no notification. */
  tether_spice_session_set_ca_bytes (session, in);
  g_assert_cmpuint (ca_notifies, ==, 1);
  /* Empty is a value, NULL clears. */
  tether_spice_session_set_ca_bytes (session, empty);
  g_assert_cmpuint (ca_notifies, ==, 2);
  g_clear_pointer (&out, g_bytes_unref);
  out = tether_spice_session_get_ca_bytes (session);
  g_assert_nonnull (out);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  tether_spice_session_set_ca_bytes (session, NULL);
  g_assert_cmpuint (ca_notifies, ==, 3);
  g_assert_null (tether_spice_session_get_ca_bytes (session));

  tether_spice_session_set_pubkey_bytes (session, in);
  g_assert_cmpuint (pubkey_notifies, ==, 1);
  g_assert_cmpuint (verify_notifies, ==, 1);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_PUBKEY);
  g_clear_pointer (&out, g_bytes_unref);
  out = tether_spice_session_get_pubkey_bytes (session);
  g_assert_true (g_bytes_equal (out, in));
  g_clear_pointer (&prop, g_byte_array_unref);
  g_object_get (session, "pubkey", &prop, NULL);
  g_assert_cmpmem (prop->data, prop->len, pem, sizeof pem);
  tether_spice_session_set_pubkey_bytes (session, NULL);
  g_assert_cmpuint (pubkey_notifies, ==, 2);
  g_object_get (session, "verify", &verify, NULL);
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME);
  g_assert_null (tether_spice_session_get_pubkey_bytes (session));
  g_object_unref (session);
}

/* Explicit notification: only real changes notify. */
static void
test_session_notify (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  guint password = 0, host = 0;

  g_signal_connect (session, "notify::password", G_CALLBACK (count_notify), &password);
  g_signal_connect (session, "notify::host", G_CALLBACK (count_notify), &host);
  g_object_set (session, "password", "a", NULL);
  g_object_set (session, "password", "a", NULL);
  g_object_set (session, "password", "b", NULL);
  g_object_set (session, "password", NULL, NULL);
  g_assert_cmpuint (password, ==, 3);
  g_object_set (session, "host", "localhost", NULL);
  g_assert_cmpuint (host, ==, 0);
  g_object_set (session, "host", "h", NULL);
  g_assert_cmpuint (host, ==, 1);
  g_object_unref (session);
}

static void
test_session_uri (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autofree char *uri = NULL;
  g_autofree char *host = NULL, *port = NULL, *tls = NULL, *pw = NULL, *user = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  guint uri_notifies = 0;

  g_signal_connect (session, "notify::uri", G_CALLBACK (count_notify), &uri_notifies);
  g_object_get (session, "uri", &uri, NULL);
  g_assert_null (uri);  /* localhost, but no port */

  g_object_set (session, "uri", "spice://bob@10.0.0.5:5900?tls-port=5901&password=pw", NULL);
  g_assert_cmpuint (uri_notifies, ==, 1);
  g_object_get (session, "uri", &uri, "host", &host, "port", &port, "tls-port", &tls, "password", &pw,
                "username", &user, NULL);
  g_assert_cmpstr (uri, ==, "spice://10.0.0.5?port=5900&tls-port=5901");
  g_assert_cmpstr (host, ==, "10.0.0.5");
  g_assert_cmpstr (port, ==, "5900");
  g_assert_cmpstr (tls, ==, "5901");
  g_assert_cmpstr (pw, ==, "pw");
  g_assert_cmpstr (user, ==, "bob");
  g_clear_pointer (&uri, g_free);
  g_clear_pointer (&host, g_free);
  g_clear_pointer (&port, g_free);

  /* Reading back and setting again is stable. */
  {
    g_autofree char *first = tether_spice_session_get_uri (session);
    g_autofree char *second = NULL;

    g_object_set (session, "uri", first, NULL);
    second = tether_spice_session_get_uri (session);
    g_assert_cmpstr (first, ==, second);
  }

  /* A unix URI clears host and ports. */
  g_assert_true (tether_spice_session_load_uri (session, "spice+unix:///tmp/spice.sock", &error));
  g_object_get (session, "host", &host, "port", &port, "unix-path", &path, "uri", &uri, NULL);
  g_assert_null (host);
  g_assert_null (port);
  g_assert_cmpstr (path, ==, "/tmp/spice.sock");
  g_assert_cmpstr (uri, ==, "spice+unix:///tmp/spice.sock");
  g_clear_pointer (&uri, g_free);

  /* A bad URI changes nothing: an error from load_uri, a warning from the property. */
  g_assert_false (tether_spice_session_load_uri (session, "spice://h:5900?bogus=1", &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_QUERY);
  g_test_expect_message ("Tether-Spice", G_LOG_LEVEL_WARNING, "*unknown parameter*");
  g_object_set (session, "uri", "spice://h:5900?bogus=1", NULL);
  g_test_assert_expected_messages ();
  g_object_get (session, "uri", &uri, NULL);
  g_assert_cmpstr (uri, ==, "spice+unix:///tmp/spice.sock");
  g_object_unref (session);
}

static void
test_session_uuid_name (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  static const guint8 uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                                   0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
  g_autoptr(GBytes) got = NULL;
  g_autofree char *str = NULL;
  guint notifies = 0;

  g_assert_null (tether_spice_session_get_uuid (session));
  g_assert_null (tether_spice_session_get_uuid_string (session));
  g_signal_connect (session, "notify::uuid", G_CALLBACK (count_notify), &notifies);
  tether_spice_session_set_uuid (session, uuid);
  tether_spice_session_set_uuid (session, uuid);
  g_assert_cmpuint (notifies, ==, 1);
  g_object_get (session, "uuid", &got, NULL);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), uuid, sizeof uuid);
  str = tether_spice_session_get_uuid_string (session);
  g_assert_cmpstr (str, ==, "12345678-9abc-def0-0123-456789abcdef");
  tether_spice_session_set_name (session, "vm-1");
  g_assert_cmpstr (tether_spice_session_get_name (session), ==, "vm-1");
  g_object_unref (session);
}

static void
test_session_proxy (void)
{
  TetherSpiceSession *session;
  g_autoptr(GUri) uri = NULL;

  g_setenv ("SPICE_PROXY", "http://envproxy:1234", TRUE);
  session = tether_test_track (tether_spice_session_new ());
  g_unsetenv ("SPICE_PROXY");
  uri = tether_spice_session_get_proxy_uri (session);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "envproxy");
  g_assert_cmpint (g_uri_get_port (uri), ==, 1234);
  g_clear_pointer (&uri, g_uri_unref);

  g_object_set (session, "proxy", "https://u:p@proxy", NULL);
  uri = tether_spice_session_get_proxy_uri (session);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  g_assert_cmpstr (g_uri_get_user (uri), ==, "u");
  g_assert_cmpstr (g_uri_get_password (uri), ==, "p");
  g_assert_cmpint (g_uri_get_port (uri), ==, 3129);
  g_clear_pointer (&uri, g_uri_unref);

  g_object_set (session, "proxy", "", NULL);
  g_assert_null (tether_spice_session_get_proxy_uri (session));
  g_object_set (session, "proxy", "ftp://x", NULL);
  g_assert_null (tether_spice_session_get_proxy_uri (session));
  g_object_unref (session);

  /* Set at construction, the property wins over the environment. */
  g_setenv ("SPICE_PROXY", "http://envproxy:1234", TRUE);
  session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "proxy", "", NULL));
  g_unsetenv ("SPICE_PROXY");
  g_assert_null (tether_spice_session_get_proxy_uri (session));
  g_object_unref (session);
}

static void
test_session_mm_time (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  guint resets = 0;

  g_signal_connect_swapped (session, "mm-time-reset", G_CALLBACK (count_swapped), &resets);
  g_assert_cmpuint (tether_spice_session_get_mm_time (session), ==, 0);
  tether_spice_session_set_mm_time (session, 50000);
  g_assert_cmpuint (resets, ==, 0);
  g_assert_cmpuint (tether_spice_session_get_mm_time (session), >=, 50000);
  tether_spice_session_set_mm_time (session, 50300);
  g_assert_cmpuint (resets, ==, 0);
  tether_spice_session_set_mm_time (session, 10);
  g_assert_cmpuint (resets, ==, 1);
  tether_spice_session_set_mm_time (session, 900000);
  g_assert_cmpuint (resets, ==, 2);
  g_object_unref (session);
}

static void
count_channel (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_session_add_channel (void)
{
  TetherSpiceSession *session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "enable-audio", FALSE,
                                                                 NULL));
  g_autoptr(GList) channels = NULL;
  guint created = 0, destroyed = 0, disconnected = 0;
  TetherSpiceChannel *main_channel;

  g_signal_connect (session, "channel-new", G_CALLBACK (count_channel), &created);
  g_signal_connect (session, "channel-destroy", G_CALLBACK (count_channel), &destroyed);
  g_signal_connect_swapped (session, "disconnected", G_CALLBACK (count_swapped), &disconnected);

  g_assert_false (tether_spice_session_channel_enabled (session, TETHER_SPICE_CHANNEL_TYPE_PLAYBACK));
  g_assert_false (tether_spice_session_channel_enabled (session, TETHER_SPICE_CHANNEL_TYPE_SMARTCARD));
  g_assert_true (tether_spice_session_channel_enabled (session, TETHER_SPICE_CHANNEL_TYPE_USBREDIR));
  g_assert_true (tether_spice_session_channel_enabled (session, TETHER_SPICE_CHANNEL_TYPE_DISPLAY));

  g_assert_null (tether_spice_session_add_channel (session, TETHER_SPICE_CHANNEL_TYPE_PLAYBACK, 0));
  /* A type Tether does not implement is skipped too. */
  g_assert_null (tether_spice_session_add_channel (session, 99, 0));
  main_channel = tether_spice_session_add_channel (session, TETHER_SPICE_CHANNEL_TYPE_MAIN, 0);
  g_assert_nonnull (main_channel);
  g_assert_true (TETHER_IS_SPICE_MAIN_CHANNEL (main_channel));
  tether_test_track (main_channel);
  g_assert_null (tether_spice_session_add_channel (session, TETHER_SPICE_CHANNEL_TYPE_MAIN, 0));
  g_assert_cmpuint (created, ==, 1);
  g_assert_true (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_assert_false (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_DISPLAY));
  channels = tether_spice_session_get_channels (session);
  g_assert_cmpuint (g_list_length (channels), ==, 1);
  g_assert_true (channels->data == main_channel);
  g_assert_true (tether_spice_channel_get_session (main_channel) == session);
  g_assert_cmpint (tether_spice_channel_get_channel_type (main_channel), ==, 1);
  g_assert_cmpint (tether_spice_channel_get_channel_id (main_channel), ==, 0);

  tether_spice_session_disconnect (session);
  g_assert_cmpuint (destroyed, ==, 1);
  g_assert_cmpuint (disconnected, ==, 1);
  g_assert_false (tether_spice_session_has_channel_type (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  /* Nothing left: no second "disconnected". */
  tether_spice_session_disconnect (session);
  g_assert_cmpuint (disconnected, ==, 1);
  g_object_unref (session);
}

static void
test_session_tls_choice (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  const char *secure[] = { "display", NULL };
  const char *all[] = { "all", NULL };

  g_object_set (session, "host", "h", "port", "1", "tls-port", "2", NULL);
  g_assert_false (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_object_set (session, "secure-channels", secure, NULL);
  g_assert_false (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_assert_true (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_DISPLAY));
  g_object_set (session, "secure-channels", all, NULL);
  g_assert_true (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_object_set (session, "secure-channels", NULL, "port", NULL, NULL);
  g_assert_true (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_assert_true (tether_spice_session_has_tls_port (session));
  g_object_set (session, "port", "1", "unix-path", "/x", NULL);
  g_assert_false (tether_spice_session_channel_wants_tls (session, TETHER_SPICE_CHANNEL_TYPE_MAIN));
  g_object_unref (session);
}

static void
test_session_transport_params (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  TetherSpiceTransportParams p;
  g_autoptr(GError) error = NULL;

  tether_spice_transport_params_init (&p);
  g_assert_false (tether_spice_session_transport_params (session, FALSE, &p, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "No port"));
  g_clear_error (&error);
  tether_spice_transport_params_clear (&p);

  g_object_set (session, "host", "bad host", "port", "1", NULL);
  tether_spice_transport_params_init (&p);
  g_assert_false (tether_spice_session_transport_params (session, FALSE, &p, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_clear_error (&error);
  tether_spice_transport_params_clear (&p);

  g_object_set (session, "host", "h", "port", "99999", NULL);
  tether_spice_transport_params_init (&p);
  g_assert_false (tether_spice_session_transport_params (session, FALSE, &p, &error));
  g_assert_nonnull (strstr (error->message, "1 to 65535"));
  g_clear_error (&error);
  tether_spice_transport_params_clear (&p);

  g_object_set (session, "port", "5900", "tls-port", "5901", "proxy", "http://u:pw@p:8", "ca-file", "/ca.pem",
                "cert-subject", "CN=h", NULL);
  tether_spice_transport_params_init (&p);
  g_assert_true (tether_spice_session_transport_params (session, TRUE, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.kind, ==, TETHER_SPICE_TRANSPORT_TCP);
  g_assert_cmpstr (p.host, ==, "h");
  g_assert_cmpuint (p.port, ==, 5901);
  g_assert_true (p.tls);
  g_assert_true (p.use_proxy);
  g_assert_cmpstr (p.proxy.host, ==, "p");
  g_assert_cmpstr (p.proxy.password, ==, "pw");
  g_assert_cmpstr (p.tls_params.ca_file, ==, "/ca.pem");
  g_assert_cmpuint (p.tls_params.verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT);
  tether_spice_transport_params_clear (&p);

  g_object_set (session, "proxy", "gopher://p", NULL);
  tether_spice_transport_params_init (&p);
  g_assert_false (tether_spice_session_transport_params (session, FALSE, &p, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_clear_error (&error);
  tether_spice_transport_params_clear (&p);
  g_object_unref (session);
}

/* ---- connecting without a server ------------------------------------------------------------- */

typedef struct {
  GPtrArray *events;       /* of GINT_TO_POINTER (event) */
  guint      created, destroyed, disconnected;
  gboolean   done;
  GError    *error;
  TetherSpiceChannel *main_channel;
} Recorder;

static void
on_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  Recorder *rec = user_data;

  g_ptr_array_add (rec->events, GINT_TO_POINTER (event));
  if (event != TETHER_SPICE_CHANNEL_EVENT_OPENED && tether_spice_channel_get_error (channel) != NULL &&
      rec->error == NULL)
    rec->error = g_error_copy (tether_spice_channel_get_error (channel));
}

static void
on_channel_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  Recorder *rec = user_data;

  rec->created++;
  if (TETHER_IS_SPICE_MAIN_CHANNEL (channel))
    {
      rec->main_channel = channel;
      tether_test_track (channel);
    }
  g_signal_connect (channel, "channel-event", G_CALLBACK (on_event), rec);
}

static void
on_channel_destroy (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  ((Recorder *) user_data)->destroyed++;
}

static void
on_disconnected (TetherSpiceSession *session, gpointer user_data)
{
  Recorder *rec = user_data;

  rec->disconnected++;
  rec->done = TRUE;
}

static void
recorder_init (Recorder *rec, TetherSpiceSession *session)
{
  memset (rec, 0, sizeof *rec);
  rec->events = g_ptr_array_new ();
  g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new), rec);
  g_signal_connect (session, "channel-destroy", G_CALLBACK (on_channel_destroy), rec);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_disconnected), rec);
}

static void
recorder_clear (Recorder *rec)
{
  g_ptr_array_unref (rec->events);
  g_clear_error (&rec->error);
}

/* A port nothing listens on: bind one, note it, close it. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (s, addr, TRUE, NULL));
  bound = g_socket_get_local_address (s, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_session_connect_refused (void)
{
  guint fds = tether_test_count_fds ();
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autofree char *port = g_strdup_printf ("%u", closed_port ());
  Recorder rec;

  recorder_init (&rec, session);
  g_object_set (session, "host", "127.0.0.1", "port", port, NULL);
  g_assert_true (tether_spice_session_connect (session));
  /* Connecting already: a second connect is refused. */
  g_assert_false (tether_spice_session_connect (session));
  g_assert_cmpuint (rec.created, ==, 1);
  g_assert_cmpuint (rec.events->len, ==, 0);  /* outcomes come later */
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_cmpuint (rec.events->len, ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (rec.events->pdata[0]), ==, TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT);
  g_assert_error (rec.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (rec.error->message, port));
  g_assert_cmpuint (rec.destroyed, ==, 1);
  g_assert_cmpuint (rec.disconnected, ==, 1);
  g_assert_null (tether_spice_session_get_channels (session));
  /* The session can connect again. */
  rec.done = FALSE;
  g_assert_true (tether_spice_session_connect (session));
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_cmpuint (rec.disconnected, ==, 2);
  g_object_unref (session);
  drain_until_finalized (2000);
  tether_test_assert_no_fd_leak (fds);
  recorder_clear (&rec);
}

/* No host or port: the error arrives as an event, like any other. */
static void
test_session_connect_unconfigured (void)
{
  TetherSpiceSession *session = tether_test_track (g_object_new (TETHER_TYPE_SPICE_SESSION, "host", NULL, NULL));
  Recorder rec;

  recorder_init (&rec, session);
  g_assert_true (tether_spice_session_connect (session));
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_cmpint (GPOINTER_TO_INT (rec.events->pdata[0]), ==, TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT);
  g_assert_error (rec.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (rec.error->message, "No host"));
  g_object_unref (session);
  drain_until_finalized (2000);
  recorder_clear (&rec);
}

static void
connect_async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Recorder *rec = user_data;

  g_assert_false (tether_spice_session_connect_finish (TETHER_SPICE_SESSION (source), result, &rec->error));
  rec->done = TRUE;
}

static void
test_session_connect_async_refused (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autofree char *port = g_strdup_printf ("%u", closed_port ());
  Recorder rec;

  memset (&rec, 0, sizeof rec);
  g_object_set (session, "host", "127.0.0.1", "port", port, NULL);
  tether_spice_session_connect_async (session, NULL, connect_async_done, &rec);
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_error (rec.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_object_unref (session);
  drain_until_finalized (2000);
  g_clear_error (&rec.error);
}

/* A listener that accepts and never answers: cancel while linking. */
static void
test_session_connect_async_cancel (void)
{
  guint fds = tether_test_count_fds ();
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  Recorder rec;

  memset (&rec, 0, sizeof rec);
  g_assert_true (g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, &error));
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_object_set (session, "host", "127.0.0.1", "port", port, NULL);
  tether_spice_session_connect_async (session, cancellable, connect_async_done, &rec);
  g_cancellable_cancel (cancellable);
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_error (rec.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (tether_spice_session_get_channels (session));
  g_object_unref (session);
  g_socket_listener_close (listener);
  drain_until_finalized (2000);
  g_clear_error (&rec.error);
  g_clear_object (&listener);
  tether_test_assert_no_fd_leak (fds);
}

/* Application sockets: open_fd(-1) asks for the main channel's socket. */
static void
on_open_fd (TetherSpiceChannel *channel, int with_tls, gpointer user_data)
{
  int *fds = user_data;

  g_assert_cmpint (with_tls, ==, 0);
  g_assert_true (tether_spice_channel_open_fd (channel, fds[0]));
  fds[0] = -1;
}

static void
on_channel_new_open_fd (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  g_signal_connect (channel, "open-fd", G_CALLBACK (on_open_fd), user_data);
}

static void
read_some (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gssize *got = user_data;

  *got = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
}

static void
test_session_open_fd (void)
{
  guint fds_before = tether_test_count_fds ();
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  int sv[2];
  gboolean client_sockets;
  Recorder rec;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  recorder_init (&rec, session);
  g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new_open_fd), sv);
  g_assert_true (tether_spice_session_open_fd (session, -1));
  g_object_get (session, "client-sockets", &client_sockets, NULL);
  g_assert_true (client_sockets);
  /* The link then runs over our socket pair; close the far end. */
  {
    g_autoptr(GSocket) far = g_socket_new_from_fd (sv[1], NULL);
    g_autoptr(GSocketConnection) conn = NULL;
    guint8 buf[16];
    gssize got = -2;

    g_assert_nonnull (far);
    conn = g_socket_connection_factory_create_connection (far);
    g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf,
                               G_PRIORITY_DEFAULT, NULL, read_some, &got);
    while (sv[0] != -1 || (got == -2 && !rec.done))
      g_main_context_iteration (NULL, TRUE);
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  }
  spin_until (&rec.done, TEST_TIMEOUT_MS);
  g_assert_cmpuint (rec.events->len, >=, 1);
  g_assert_cmpuint (rec.disconnected, ==, 1);
  g_object_unref (session);
  drain_until_finalized (2000);
  tether_test_assert_no_fd_leak (fds_before);
  recorder_clear (&rec);
}

/* Disconnecting while connecting: channels go, no event, nothing leaks. */
static void
test_session_disconnect_while_connecting (void)
{
  guint fds = tether_test_count_fds ();
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *port = NULL;
  Recorder rec;

  recorder_init (&rec, session);
  g_assert_true (g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                &bound, NULL));
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_object_set (session, "host", "127.0.0.1", "port", port, NULL);
  g_assert_true (tether_spice_session_connect (session));
  tether_spice_session_disconnect (session);
  g_assert_cmpuint (rec.destroyed, ==, 1);
  g_assert_cmpuint (rec.disconnected, ==, 1);
  sleep_ms (50);
  g_assert_cmpuint (rec.events->len, ==, 0);
  g_object_unref (session);
  g_socket_listener_close (listener);
  g_clear_object (&listener);
  drain_until_finalized (2000);
  tether_test_assert_no_fd_leak (fds);
  recorder_clear (&rec);
}

static void
test_channel_type_names (void)
{
  g_assert_cmpstr (tether_spice_channel_type_to_string (TETHER_SPICE_CHANNEL_TYPE_MAIN), ==, "main");
  g_assert_cmpstr (tether_spice_channel_type_to_string (TETHER_SPICE_CHANNEL_TYPE_WEBDAV), ==, "webdav");
  g_assert_cmpstr (tether_spice_channel_type_to_string (0), ==, "unknown");
  g_assert_cmpstr (tether_spice_channel_type_to_string (12), ==, "unknown");
  g_assert_cmpstr (tether_spice_channel_type_to_string (-1), ==, "unknown");
  g_assert_cmpint (tether_spice_channel_string_to_type ("display"), ==, TETHER_SPICE_CHANNEL_TYPE_DISPLAY);
  g_assert_cmpint (tether_spice_channel_string_to_type ("usbredir"), ==, TETHER_SPICE_CHANNEL_TYPE_USBREDIR);
  g_assert_cmpint (tether_spice_channel_string_to_type ("nope"), ==, -1);
  g_assert_cmpint (tether_spice_channel_string_to_type (""), ==, -1);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  warm_up_gio ();
  g_test_add_func ("/spice/session/properties", test_session_properties);
  g_test_add_func ("/spice/session/enums", test_session_enums);
  g_test_add_func ("/spice/session/signals", test_session_signals);
  g_test_add_func ("/spice/session/verify-follows", test_session_verify_follows);
  g_test_add_func ("/spice/session/bytes-accessors", test_session_bytes_accessors);
  g_test_add_func ("/spice/session/notify", test_session_notify);
  g_test_add_func ("/spice/session/uri", test_session_uri);
  g_test_add_func ("/spice/session/uuid-name", test_session_uuid_name);
  g_test_add_func ("/spice/session/proxy", test_session_proxy);
  g_test_add_func ("/spice/session/mm-time", test_session_mm_time);
  g_test_add_func ("/spice/session/add-channel", test_session_add_channel);
  g_test_add_func ("/spice/session/tls-choice", test_session_tls_choice);
  g_test_add_func ("/spice/session/transport-params", test_session_transport_params);
  g_test_add_func ("/spice/session/connect-refused", test_session_connect_refused);
  g_test_add_func ("/spice/session/connect-unconfigured", test_session_connect_unconfigured);
  g_test_add_func ("/spice/session/connect-async-refused", test_session_connect_async_refused);
  g_test_add_func ("/spice/session/connect-async-cancel", test_session_connect_async_cancel);
  g_test_add_func ("/spice/session/open-fd", test_session_open_fd);
  g_test_add_func ("/spice/session/disconnect-while-connecting", test_session_disconnect_while_connecting);
  g_test_add_func ("/spice/channel/type-names", test_channel_type_names);
  return g_test_run ();
}
