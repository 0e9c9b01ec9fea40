/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE SASL authentication, client side (docs/spice-protocol.md §3.7), on
 * the channel's non-blocking reads:
 *
 *   MECHLIST_LEN -> MECHLIST: sasl_client_start(), send name + data
 *   STEP_LEN -> STEP (data + complete byte): sasl_client_step(); while the
 *     server is not complete send the data and read the next step
 *   SASL_RESULT: spice-server's own u32 (0 = accepted), sent before...
 *   RESULT: ...the ordinary u32 link result; then
 *     tether_spice_channel_link_done(). (docs/spice-protocol.md §3.7 lists
 *     one result word; the real server sends both, as spice-gtk reads.)
 *
 * The client always steps at least once on the server's data, unless its
 * own last call already returned SASL_OK (mutual authentication); a server
 * that says complete while the client still wants to continue is refused.
 *
 * Over TLS no SASL security layer is negotiated (min_ssf = max_ssf = 0):
 * the TLS session protects the channel. Without TLS, spice-server demands a
 * layer of at least SSF 56 (DES strength), as spice-gtk offers: the client
 * asks for min_ssf 56 and refuses plaintext and anonymous mechanisms; after
 * the server's SASL result word (sent in the clear) the channel's stream is
 * replaced by a security layer (tether-spice-layer-stream.c) whose codec is
 * sasl_encode() / sasl_decode(), so the link result and every message after
 * it pass through it in both directions.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-channel-sasl-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-layer-stream-private.h"
#include "tether-spice-link-private.h"
#include "tether-spice-sasl-wire-private.h"

#if HAVE_SASL

#include <sasl/sasl.h>

/* The SASL service name SPICE uses on both sides. */
#define SPICE_SASL_SERVICE "spice"

typedef struct {
  sasl_conn_t *conn;
  char        *mechanism;   /* chosen by sasl_client_start() */
  char        *username;    /* secret-ish: wiped */
  char        *password;    /* wiped */
  int          last;        /* the client's last SASL result */
} SaslState;

/* Listed without a function: the library then asks for these through
 * sasl_interact_t prompts (fill_interact()); mechanisms that need anything
 * else are not considered. */
static const sasl_callback_t interact_callbacks[] = {
  { SASL_CB_USER, NULL, NULL },
  { SASL_CB_AUTHNAME, NULL, NULL },
  { SASL_CB_PASS, NULL, NULL },
  { SASL_CB_LIST_END, NULL, NULL },
};

static GQuark
sasl_state_quark (void)
{
  return g_quark_from_static_string ("tether-spice-sasl-state");
}

static void
wipe_string (char **s)
{
  if (*s != NULL)
    {
      explicit_bzero (*s, strlen (*s));
      g_clear_pointer (s, g_free);
    }
}

static void
sasl_state_free (gpointer data)
{
  SaslState *st = data;

  if (st->conn != NULL)
    sasl_dispose (&st->conn);
  g_free (st->mechanism);
  wipe_string (&st->username);
  wipe_string (&st->password);
  g_free (st);
}

static SaslState *
get_state (TetherSpiceChannel *self)
{
  return g_object_get_qdata (G_OBJECT (self), sasl_state_quark ());
}

static void
drop_state (TetherSpiceChannel *self)
{
  g_object_set_qdata (G_OBJECT (self), sasl_state_quark (), NULL);
}

static gboolean
library_init (GError **error)
{
  static gsize done = 0;
  static int result = SASL_OK;

  if (g_once_init_enter (&done))
    {
      result = sasl_client_init (NULL);
      g_once_init_leave (&done, 1);
    }
  if (result != SASL_OK)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH,
                        "The SASL library could not be initialised: %s",
                        sasl_errstring (result, NULL, NULL)), FALSE;
  return TRUE;
}

/* Ends the exchange with TETHER_SPICE_ERROR_AUTH: "SASL authentication
 * (MECH) failed: @detail". */
static void
fail_auth (TetherSpiceChannel *self, const char *detail)
{
  SaslState *st = get_state (self);
  GError *error;

  if (st != NULL && st->mechanism != NULL)
    error = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH,
                         "SASL authentication with %s failed: %s", st->mechanism, detail);
  else
    error = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH,
                         "SASL authentication failed: %s", detail);
  drop_state (self);
  tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, error);
}

static void
fail_with (TetherSpiceChannel *self, GError *error)
{
  drop_state (self);
  tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, error);
}

/* Answers the library's prompts from the session's username and password.
 * FALSE (with @missing set) when one that is needed is not set. */
static gboolean
fill_interact (SaslState *st, sasl_interact_t *interact, const char **missing)
{
  for (sasl_interact_t *i = interact; i->id != SASL_CB_LIST_END; i++)
    {
      switch (i->id)
        {
        case SASL_CB_USER:
        case SASL_CB_AUTHNAME:
          if (st->username == NULL || st->username[0] == '\0')
            return *missing = "a user name (the username property)", FALSE;
          i->result = st->username;
          i->len = (unsigned) strlen (st->username);
          break;
        case SASL_CB_PASS:
          if (st->password == NULL)
            return *missing = "a password (the password property)", FALSE;
          i->result = st->password;
          i->len = (unsigned) strlen (st->password);
          break;
        default:
          return *missing = "a credential Tether cannot supply (only a user name and a password)", FALSE;
        }
    }
  return TRUE;
}

/* ---- the security layer's codec ------------------------------------------ */

/* spice-gtk's numbers: at least DES strength without TLS, and the largest
 * packet this side accepts. */
#define SPICE_SASL_MIN_SSF     56
#define SPICE_SASL_MAX_SSF     100000
#define SPICE_SASL_MAXBUFSIZE  100000
/* One encode() call takes at most this many plain bytes when the library
 * does not say (SASL_MAXOUTBUF). */
#define SPICE_SASL_DEFAULT_CHUNK 4096u

static gboolean
layer_encode (gpointer codec, const guint8 *in, gsize len, const guint8 **out, gsize *out_len, GError **error)
{
  sasl_conn_t *conn = codec;
  const char *o = NULL;
  unsigned ol = 0;
  int rc;

  if (len > G_MAXUINT)
    len = G_MAXUINT;
  rc = sasl_encode (conn, (const char *) in, (unsigned) len, &o, &ol);
  if (rc != SASL_OK)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sasl_encode: %s",
                        sasl_errdetail (conn)), FALSE;
  *out = (const guint8 *) o;
  *out_len = ol;
  return TRUE;
}

static gboolean
layer_decode (gpointer codec, const guint8 *in, gsize len, const guint8 **out, gsize *out_len, GError **error)
{
  sasl_conn_t *conn = codec;
  const char *o = NULL;
  unsigned ol = 0;
  int rc;

  if (len > G_MAXUINT)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sasl_decode: too much data"),
           FALSE;
  rc = sasl_decode (conn, (const char *) in, (unsigned) len, &o, &ol);
  if (rc != SASL_OK)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "sasl_decode: %s",
                        sasl_errdetail (conn)), FALSE;
  *out = (const guint8 *) o;
  *out_len = ol;
  return TRUE;
}

static void
layer_free (gpointer codec)
{
  sasl_conn_t *conn = codec;

  sasl_dispose (&conn);
}

static const TetherSpiceLayerCodec sasl_layer_codec = {
  layer_encode,
  layer_decode,
  layer_free,
};

/* Without TLS: checks the negotiated SSF and puts the security layer over
 * the channel's stream (taking the SASL connection). FALSE: failed. */
static gboolean
start_layer (TetherSpiceChannel *self)
{
  SaslState *st = get_state (self);
  const void *val = NULL;
  unsigned chunk = SPICE_SASL_DEFAULT_CHUNK;
  g_autoptr(GIOStream) layer = NULL;
  int ssf, rc;

  rc = sasl_getprop (st->conn, SASL_SSF, &val);
  if (rc != SASL_OK || val == NULL)
    {
      fail_auth (self, "the negotiated security strength (SSF) is unknown");
      return FALSE;
    }
  ssf = *(const int *) val;
  if (ssf < SPICE_SASL_MIN_SSF)
    {
      g_autofree char *detail = g_strdup_printf ("the security layer is too weak without TLS (SSF %d, "
                                                 "at least %d needed)", ssf, SPICE_SASL_MIN_SSF);

      fail_auth (self, detail);
      return FALSE;
    }
  if (sasl_getprop (st->conn, SASL_MAXOUTBUF, &val) == SASL_OK && val != NULL && *(const unsigned *) val > 0)
    chunk = *(const unsigned *) val;
  g_debug ("SASL: %s security layer, SSF %d, packets of up to %u bytes", st->mechanism, ssf, chunk);
  layer = tether_spice_layer_stream_new (tether_spice_channel_peek_stream (self), &sasl_layer_codec, st->conn,
                                         chunk);
  st->conn = NULL;
  tether_spice_channel_push_stream (self, layer);
  return TRUE;
}

static void read_step_len (TetherSpiceChannel *self, GBytes *data);
static void result_read (TetherSpiceChannel *self, GBytes *data);

/* spice-server ends a finished exchange with its own u32 word (0 = accepted;
 * 1, then a length and "Authentication failed", when the security is too
 * weak) before the ordinary link result. */
static void
sasl_result_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  guint32 code = 0;
  GError *error = NULL;

  if (!tether_spice_sasl_length_decode (d, n, 0, G_MAXUINT32, "SASL result", &code, &error))
    {
      fail_with (self, error);
      return;
    }
  if (code != 0)
    {
      g_autofree char *detail = g_strdup_printf ("the server rejected it after the exchange (code %"
                                                 G_GUINT32_FORMAT "; too weak a security layer?)", code);

      fail_auth (self, detail);
      return;
    }
  /* The link result comes through the security layer, if there is one. */
  if (!tether_spice_channel_is_tls (self) && !start_layer (self))
    return;
  tether_spice_channel_read (self, TETHER_SPICE_LINK_RESULT_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             result_read);
}

static void
result_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  guint32 code = 0;
  GError *error = NULL;

  if (!tether_spice_link_result_decode (d, n, &code, &error))
    {
      if (code != TETHER_SPICE_LINK_ERR_OK
          && !g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL))
        {
          /* Any refusal after a finished exchange is the authentication's
           * (spice-server sends ERROR when the security is too weak). */
          const char *msg = tether_spice_link_err_message (code);
          g_autofree char *detail = msg != NULL
            ? g_strdup_printf ("the server refused it (%s)", msg)
            : g_strdup_printf ("the server refused it (code %" G_GUINT32_FORMAT ")", code);

          g_error_free (error);
          fail_auth (self, detail);
          return;
        }
      fail_with (self, error);
      return;
    }
  drop_state (self);
  tether_spice_channel_link_done (self);
}

/* The client's step on the server's data (@in may be NULL). Sends the
 * answer unless both sides are done; then reads the next step or the
 * result. */
static void
client_step (TetherSpiceChannel *self, const char *in, guint in_len, gboolean complete)
{
  SaslState *st = get_state (self);
  sasl_interact_t *interact = NULL;
  const char *out = NULL;
  unsigned out_len = 0;
  const char *missing = NULL;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int rc;

  if (complete && st->last == SASL_OK)
    {
      tether_spice_channel_read (self, TETHER_SPICE_LINK_RESULT_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                                 sasl_result_read);
      return;
    }
  for (;;)
    {
      rc = sasl_client_step (st->conn, in, in_len, &interact, &out, &out_len);
      if (rc != SASL_INTERACT)
        break;
      if (!fill_interact (st, interact, &missing))
        {
          g_autofree char *detail = g_strdup_printf ("the server's mechanism needs %s", missing);

          fail_auth (self, detail);
          return;
        }
    }
  st->last = rc;
  if (rc != SASL_OK && rc != SASL_CONTINUE)
    {
      fail_auth (self, sasl_errdetail (st->conn));
      return;
    }
  if (complete)
    {
      if (rc != SASL_OK)
        {
          fail_auth (self, "the server claims the exchange is complete but the client is not done");
          return;
        }
      tether_spice_channel_read (self, TETHER_SPICE_LINK_RESULT_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                                 sasl_result_read);
      return;
    }
  bytes = tether_spice_sasl_step_encode (out, out_len, &error);
  if (bytes == NULL)
    {
      fail_with (self, error);
      return;
    }
  tether_spice_channel_write (self, bytes);
  tether_spice_channel_read (self, TETHER_SPICE_SASL_LENGTH_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             read_step_len);
}

static void
step_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  TetherSpiceSaslServerStep step;
  GError *error = NULL;

  if (!tether_spice_sasl_server_step_decode (d, n, &step, &error))
    {
      fail_with (self, error);
      return;
    }
  client_step (self, step.data, step.data_len, step.complete);
}

static void
read_step_len (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  guint32 len = 0;
  GError *error = NULL;

  if (!tether_spice_sasl_length_decode (d, n, 0, TETHER_SPICE_SASL_MAX_DATA_LEN, "SASL server step",
                                        &len, &error))
    {
      fail_with (self, error);
      return;
    }
  /* The data, then the complete byte. */
  tether_spice_channel_read (self, (gsize) len + 1, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, step_read);
}

static void
mechlist_read (TetherSpiceChannel *self, GBytes *data)
{
  SaslState *st = get_state (self);
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  g_autofree char *mechlist = NULL;
  sasl_interact_t *interact = NULL;
  const char *out = NULL;
  unsigned out_len = 0;
  const char *mech = NULL;
  const char *missing = NULL;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int rc;

  mechlist = tether_spice_sasl_mechlist_decode (d, n, &error);
  if (mechlist == NULL)
    {
      fail_with (self, error);
      return;
    }
  for (;;)
    {
      rc = sasl_client_start (st->conn, mechlist, &interact, &out, &out_len, &mech);
      if (mech != NULL && st->mechanism == NULL)
        st->mechanism = g_strdup (mech);
      if (rc != SASL_INTERACT)
        break;
      if (!fill_interact (st, interact, &missing))
        {
          g_autofree char *detail = g_strdup_printf ("the server's mechanism needs %s", missing);

          fail_auth (self, detail);
          return;
        }
    }
  st->last = rc;
  if (rc != SASL_OK && rc != SASL_CONTINUE)
    {
      g_autofree char *detail = g_strdup_printf ("no mechanism of the server's (%s) could start: %s",
                                                 mechlist, sasl_errdetail (st->conn));

      fail_auth (self, detail);
      return;
    }
  g_debug ("SASL: server offers %s, using %s", mechlist, st->mechanism);
  bytes = tether_spice_sasl_start_encode (st->mechanism, out, out_len, &error);
  if (bytes == NULL)
    {
      fail_with (self, error);
      return;
    }
  tether_spice_channel_write (self, bytes);
  tether_spice_channel_read (self, TETHER_SPICE_SASL_LENGTH_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             read_step_len);
}

static void
mechlist_len_read (TetherSpiceChannel *self, GBytes *data)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (data, &n);
  guint32 len = 0;
  GError *error = NULL;

  if (!tether_spice_sasl_length_decode (d, n, 1, TETHER_SPICE_SASL_MAX_MECHLIST_LEN,
                                        "SASL mechanism list", &len, &error))
    {
      fail_with (self, error);
      return;
    }
  tether_spice_channel_read (self, len, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH, mechlist_read);
}

gboolean
tether_spice_channel_sasl_available (TetherSpiceChannel *self, const char **why)
{
  return TRUE;
}

/* "IP;port" of @addr, as SASL wants it for local and remote addresses. */
static char *
addr_string (GSocketAddress *addr)
{
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (addr))
    return NULL;
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
  return g_strdup_printf ("%s;%u", ip, (unsigned) g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)));
}

void
tether_spice_channel_sasl_start (TetherSpiceChannel *self)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (self);
  g_autofree char *host = NULL;
  g_autofree char *local = NULL;
  g_autofree char *remote = NULL;
  g_autoptr(GSocket) sock = NULL;
  sasl_security_properties_t props = { 0 };
  SaslState *st;
  GError *error = NULL;
  int rc;

  if (!library_init (&error))
    {
      fail_with (self, error);
      return;
    }
  st = g_new0 (SaslState, 1);
  g_object_set_qdata_full (G_OBJECT (self), sasl_state_quark (), st, sasl_state_free);
  st->username = g_strdup (session != NULL ? tether_spice_session_get_username (session) : NULL);
  st->password = g_strdup (session != NULL ? tether_spice_session_get_password (session) : NULL);
  st->last = SASL_CONTINUE;
  if (session != NULL)
    g_object_get (session, "host", &host, NULL);
  /* Local and remote "IP;port" for mechanisms that bind the layer to the
   * addresses (Kerberos); none over a unix socket. */
  g_object_get (self, "socket", &sock, NULL);
  if (sock != NULL)
    {
      g_autoptr(GSocketAddress) la = g_socket_get_local_address (sock, NULL);
      g_autoptr(GSocketAddress) ra = g_socket_get_remote_address (sock, NULL);

      local = la != NULL ? addr_string (la) : NULL;
      remote = ra != NULL ? addr_string (ra) : NULL;
    }
  rc = sasl_client_new (SPICE_SASL_SERVICE, host != NULL ? host : "localhost", local, remote,
                        interact_callbacks, 0, &st->conn);
  if (rc != SASL_OK)
    {
      fail_auth (self, sasl_errstring (rc, NULL, NULL));
      return;
    }
  if (tether_spice_channel_is_tls (self))
    {
      /* No SASL security layer: the TLS session is the protection. */
      props.min_ssf = 0;
      props.max_ssf = 0;
      props.maxbufsize = 0;
      props.security_flags = 0;
    }
  else
    {
      props.min_ssf = SPICE_SASL_MIN_SSF;
      props.max_ssf = SPICE_SASL_MAX_SSF;
      props.maxbufsize = SPICE_SASL_MAXBUFSIZE;
      props.security_flags = SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT;
    }
  rc = sasl_setprop (st->conn, SASL_SEC_PROPS, &props);
  if (rc != SASL_OK)
    {
      fail_auth (self, sasl_errdetail (st->conn));
      return;
    }
  tether_spice_channel_read (self, TETHER_SPICE_SASL_LENGTH_SIZE, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             mechlist_len_read);
}

#else /* !HAVE_SASL */

gboolean
tether_spice_channel_sasl_available (TetherSpiceChannel *self, const char **why)
{
  if (why != NULL)
    *why = "The server requires SASL authentication, which this build of Tether does not support "
           "(built without libsasl2)";
  return FALSE;
}

void
tether_spice_channel_sasl_start (TetherSpiceChannel *self)
{
  tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH,
                             g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                          "This build of Tether has no SASL support"));
}

#endif /* HAVE_SASL */
