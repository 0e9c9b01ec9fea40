/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-enum-types.h"
#include "tether-spice-session.h"
#include "tether-spice-session-private.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-secret-private.h"
#include "tether-spice-uri-private.h"
#include "tether-spice-vv-private.h"
#include "tether-spice-canvas-private.h"

/**
 * TetherSpiceSession:
 *
 * A connection to a SPICE server: one main channel plus the other channels
 * the server offers, each its own network connection. It mirrors spice-gtk's
 * `SpiceSession`: the same properties (names, types, flags and defaults), the
 * same signals and the same methods, so code written for spice-gtk ports
 * line by line.
 *
 * Set the server with [property@SpiceSession:uri] (or
 * [method@SpiceSession.load_uri], which reports errors), with
 * [property@SpiceSession:host] and the ports, or from a virt-viewer file with
 * [method@SpiceSession.load_vv_file]; then call
 * [method@SpiceSession.connect] and watch
 * [signal@SpiceSession::channel-new] and each channel's
 * [signal@SpiceChannel::channel-event]. Tools that want one answer can use
 * [method@SpiceSession.connect_async], which completes when the main channel
 * is up or has failed.
 *
 * Differences from spice-gtk:
 *
 * - [property@SpiceSession:uuid] is a #GBytes of 16 bytes (spice-gtk exposes
 *   a raw pointer); [method@SpiceSession.get_uuid_string] formats it.
 * - [method@SpiceSession.get_proxy_uri] returns a #GUri.
 * - A [property@SpiceSession:ciphers] text OpenSSL rejects fails connecting
 *   with %TETHER_SPICE_ERROR_TLS before a connection is made (spice-gtk warns,
 *   connects, and then fails in the TLS handshake).
 * - The session emits no signals while it is being disposed; it just closes
 *   its channels.
 *
 * A session belongs to the thread-default main context that was current when
 * it was created: all its signals and callbacks are delivered there, and it
 * must be used from that context's thread only. There are no threads inside.
 */

#include "tether-spice-session-struct-private.h"

GParamSpec *tether_spice_session_properties[N_PROPS];
guint tether_spice_session_signals[N_SIGNALS];


/* spice-gtk's limit for glz-window-size: LZ_MAX_WINDOW_SIZE * 4 bytes. */
#define GLZ_WINDOW_SIZE_MAX (128 * 1024 * 1024)

G_DEFINE_FINAL_TYPE (TetherSpiceSession, tether_spice_session, G_TYPE_OBJECT)

static void connect_task_complete (TetherSpiceSession *self, GError *error);

/* ---- helpers ------------------------------------------------------------------- */

static void
set_string (TetherSpiceSession *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_secret (TetherSpiceSession *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  tether_spice_secret_set (field, value);
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_strv (TetherSpiceSession *self, char ***field, const char * const *value, guint prop)
{
  if (*field == NULL && value == NULL)
    return;
  if (*field != NULL && value != NULL && g_strv_equal ((const char * const *) *field, value))
    return;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_bool (TetherSpiceSession *self, gboolean *field, gboolean value, guint prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_int (TetherSpiceSession *self, int *field, int value, guint prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_verify (TetherSpiceSession *self, TetherSpiceSessionVerify verify)
{
  if (self->verify == verify)
    return;
  self->verify = verify;
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[PROP_VERIFY]);
}

static gboolean
byte_arrays_equal (GByteArray *a, GByteArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

static GByteArray *
byte_array_copy (GByteArray *array)
{
  GByteArray *copy;

  if (array == NULL)
    return NULL;
  copy = g_byte_array_sized_new (array->len);
  g_byte_array_append (copy, array->data, array->len);
  return copy;
}

/* Byte arrays are copied in and out: a caller may free (not unref) the
 * array it passed (some bindings do), and must not change ours. */
static void
set_byte_array (TetherSpiceSession *self, GByteArray **field, GByteArray *value, guint prop)
{
  if (byte_arrays_equal (*field, value))
    return;
  g_clear_pointer (field, g_byte_array_unref);
  *field = byte_array_copy (value);
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[prop]);
}

static void
set_cert_subject (TetherSpiceSession *self, const char *subject)
{
  set_string (self, &self->cert_subject, subject, PROP_CERT_SUBJECT);
  /* As in spice-gtk: a subject to check turns SUBJECT verification on. */
  if (subject != NULL && subject[0] != '\0')
    set_verify (self, self->verify | TETHER_SPICE_SESSION_VERIFY_SUBJECT);
  else
    set_verify (self, self->verify & ~TETHER_SPICE_SESSION_VERIFY_SUBJECT);
}

static void
set_pubkey (TetherSpiceSession *self, GByteArray *pubkey)
{
  set_byte_array (self, &self->pubkey, pubkey, PROP_PUBKEY);
  if (pubkey != NULL && pubkey->len > 0)
    set_verify (self, self->verify | TETHER_SPICE_SESSION_VERIFY_PUBKEY);
  else
    set_verify (self, self->verify & ~TETHER_SPICE_SESSION_VERIFY_PUBKEY);
}

void
tether_spice_session_set_string (TetherSpiceSession *self, char **field, const char *value, guint prop)
{
  set_string (self, field, value, prop);
}

void
tether_spice_session_complete_connect (TetherSpiceSession *self, GError *error)
{
  connect_task_complete (self, error);
}

void
tether_spice_session_set_byte_array (TetherSpiceSession *self, GByteArray **field, GByteArray *value, guint prop)
{
  set_byte_array (self, field, value, prop);
}

void
tether_spice_session_set_pubkey_array (TetherSpiceSession *self, GByteArray *pubkey)
{
  set_pubkey (self, pubkey);
}

/* ---- URIs -------------------------------------------------------------------------- */

static void
apply_uri_parts (TetherSpiceSession *self, const TetherSpiceUriParts *parts)
{
  GObject *obj = G_OBJECT (self);

  g_object_freeze_notify (obj);
  if (parts->unix_path != NULL)
    {
      set_string (self, &self->unix_path, parts->unix_path, PROP_UNIX_PATH);
      set_string (self, &self->host, NULL, PROP_HOST);
    }
  else
    {
      set_string (self, &self->unix_path, NULL, PROP_UNIX_PATH);
      set_string (self, &self->host, parts->host, PROP_HOST);
    }
  set_string (self, &self->port, parts->port, PROP_PORT);
  set_string (self, &self->tls_port, parts->tls_port, PROP_TLS_PORT);
  if (parts->username != NULL)
    set_string (self, &self->username, parts->username, PROP_USERNAME);
  if (parts->password != NULL)
    set_secret (self, &self->password, parts->password, PROP_PASSWORD);
  g_object_notify_by_pspec (obj, tether_spice_session_properties[PROP_URI]);
  g_object_thaw_notify (obj);
}

/**
 * tether_spice_session_load_uri:
 * @self: a session
 * @uri: a `spice://`, `spice+tls://` or `spice+unix://` URI
 * @error: return location for an error
 *
 * Sets the server from @uri, like setting [property@SpiceSession:uri], but
 * reports a bad URI as an error (in the `G_URI_ERROR` domain) instead of a
 * warning. The URI grammar is spice-gtk's: `spice://HOST:PORT`,
 * `spice+tls://HOST:TLS_PORT`, `spice+unix:///PATH`, with the query
 * parameters `port`, `tls-port` and `password` (any other parameter is an
 * error). On error the session is unchanged.
 *
 * Returns: %TRUE if @uri was valid and applied
 */
gboolean
tether_spice_session_load_uri (TetherSpiceSession *self, const char *uri, GError **error)
{
  TetherSpiceUriParts parts;

  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tether_spice_uri_parse (uri, &parts, error))
    return FALSE;
  apply_uri_parts (self, &parts);
  tether_spice_uri_parts_clear (&parts);
  return TRUE;
}

/**
 * tether_spice_session_get_uri:
 * @self: a session
 *
 * The canonical URI of the configured server, as
 * [property@SpiceSession:uri] reads: `spice+unix://PATH`,
 * `spice://HOST?port=P&tls-port=T`, `spice://HOST:P` or
 * `spice+tls://HOST:T`. It never contains the user name or password.
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL when neither a unix
 *   path nor a host with a port is set
 */
char *
tether_spice_session_get_uri (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return tether_spice_uri_compose (self->host, self->port, self->tls_port, self->unix_path);
}

/* ---- .vv files ----------------------------------------------------------------------- */

static void
apply_vv (TetherSpiceSession *self, const TetherSpiceVv *vv)
{
  GObject *obj = G_OBJECT (self);

  g_object_freeze_notify (obj);
  if (vv->unix_path != NULL)
    {
      set_string (self, &self->unix_path, vv->unix_path, PROP_UNIX_PATH);
      set_string (self, &self->host, NULL, PROP_HOST);
    }
  else
    {
      set_string (self, &self->unix_path, NULL, PROP_UNIX_PATH);
      set_string (self, &self->host, vv->host, PROP_HOST);
    }
  set_string (self, &self->port, vv->port, PROP_PORT);
  set_string (self, &self->tls_port, vv->tls_port, PROP_TLS_PORT);
  g_object_notify_by_pspec (obj, tether_spice_session_properties[PROP_URI]);
  if (vv->username != NULL)
    set_string (self, &self->username, vv->username, PROP_USERNAME);
  if (vv->password != NULL)
    set_secret (self, &self->password, vv->password, PROP_PASSWORD);
  if (vv->ciphers != NULL)
    set_string (self, &self->ciphers, vv->ciphers, PROP_CIPHERS);
  if (vv->ca != NULL)
    {
      gsize n;
      const guint8 *data = g_bytes_get_data (vv->ca, &n);
      g_autoptr(GByteArray) ca = g_byte_array_sized_new (n);

      g_byte_array_append (ca, data, n);
      set_byte_array (self, &self->ca, ca, PROP_CA);
    }
  if (vv->cert_subject != NULL)
    set_cert_subject (self, vv->cert_subject);
  if (vv->proxy != NULL)
    set_secret (self, &self->proxy, vv->proxy, PROP_PROXY);
  if (vv->secure_channels != NULL)
    set_strv (self, &self->secure_channels, (const char * const *) vv->secure_channels, PROP_SECURE_CHANNELS);
  if (vv->disable_effects != NULL)
    set_strv (self, &self->disable_effects, (const char * const *) vv->disable_effects, PROP_DISABLE_EFFECTS);
  if (vv->disable_channels != NULL)
    {
      g_strfreev (self->disable_channels);
      self->disable_channels = g_strdupv (vv->disable_channels);
    }
  if (vv->color_depth != 0)
    set_int (self, &self->color_depth, vv->color_depth, PROP_COLOR_DEPTH);
  if (vv->enable_smartcard >= 0)
    set_bool (self, &self->enable_smartcard, vv->enable_smartcard, PROP_ENABLE_SMARTCARD);
  if (vv->enable_usbredir >= 0)
    set_bool (self, &self->enable_usbredir, vv->enable_usbredir, PROP_ENABLE_USBREDIR);
  g_object_thaw_notify (obj);
}

/**
 * tether_spice_session_load_vv_data:
 * @self: a session
 * @data: (array length=length) (element-type guint8): the contents of a
 *   virt-viewer connection file
 * @length: the length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an error
 *
 * Configures the session from a virt-viewer (`remote-viewer`) connection
 * file: the `[virt-viewer]` group's `type` (must be `spice`), `host`, `port`,
 * `tls-port`, `unix-path`, `username`, `password`, `tls-ciphers`, `ca` (PEM
 * with `\n` escapes), `host-subject`, `proxy`, `secure-channels`,
 * `disable-channels` (those channel types are then never created),
 * `disable-effects`, `color-depth`, `enable-smartcard` and `enable-usbredir`.
 * Keys for the viewer's user interface are ignored.
 *
 * The file is checked completely before anything is applied: at most 1 MiB
 * of UTF-8, strict key-file syntax (a repeated key is an error), and every
 * value against its type and limits. Errors are in the `G_KEY_FILE_ERROR`
 * domain, or %TETHER_SPICE_ERROR_UNSUPPORTED for a VNC or oVirt file.
 *
 * Returns: %TRUE if the file was valid and applied
 */
gboolean
tether_spice_session_load_vv_data (TetherSpiceSession *self, const char *data, gssize length, GError **error)
{
  TetherSpiceVv vv;
  gsize len;

  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = length >= 0 ? (gsize) length : strnlen (data, TETHER_SPICE_VV_MAX_SIZE + 1);
  if (!tether_spice_vv_parse (data, len, &vv, error))
    return FALSE;
  apply_vv (self, &vv);
  tether_spice_vv_clear (&vv);
  return TRUE;
}

/**
 * tether_spice_session_load_vv_file:
 * @self: a session
 * @path: (type filename): the path of a `.vv` file
 * @error: return location for an error
 *
 * Reads @path (at most 1 MiB) and applies it with
 * [method@SpiceSession.load_vv_data]. The file's bytes are wiped from memory
 * afterwards, as they may hold a password. The file is not deleted, even if
 * it asks for it (`delete-this-file`): that is the viewer's business.
 *
 * Returns: %TRUE if the file was read, valid and applied
 */
gboolean
tether_spice_session_load_vv_file (TetherSpiceSession *self, const char *path, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local = NULL;
  guint8 *buf;
  gsize n = 0;
  gboolean ok;

  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_path (path);
  in = g_file_read (file, NULL, &local);
  if (in == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "Cannot read %s: ", path);
      return FALSE;
    }
  /* One byte more than allowed, to see whether the file is too large. */
  buf = g_malloc (TETHER_SPICE_VV_MAX_SIZE + 1);
  ok = g_input_stream_read_all (G_INPUT_STREAM (in), buf, TETHER_SPICE_VV_MAX_SIZE + 1, &n, NULL, &local);
  if (!ok)
    g_propagate_prefixed_error (error, g_steal_pointer (&local), "Cannot read %s: ", path);
  else if (n > TETHER_SPICE_VV_MAX_SIZE)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   "Invalid .vv file: %s is larger than %u bytes", path, TETHER_SPICE_VV_MAX_SIZE);
      ok = FALSE;
    }
  else
    ok = tether_spice_session_load_vv_data (self, (const char *) buf, (gssize) n, error);
  explicit_bzero (buf, MIN (n, (gsize) TETHER_SPICE_VV_MAX_SIZE + 1));
  g_free (buf);
  return ok;
}

/* ---- channels ------------------------------------------------------------------------ */

void
tether_spice_session_attach_channel (TetherSpiceSession *self, TetherSpiceChannel *channel)
{
  self->channels = g_list_append (self->channels, channel);
  if (tether_spice_channel_get_channel_type (channel) == TETHER_SPICE_CHANNEL_TYPE_MAIN)
    self->main_channel = channel;
  g_debug ("session: new %s channel %d", tether_spice_channel_type_to_string (tether_spice_channel_get_channel_type (channel)),
           tether_spice_channel_get_channel_id (channel));
  g_signal_emit (self, tether_spice_session_signals[SIGNAL_CHANNEL_NEW], 0, channel);
}

/* Removes every channel (but the main one if @keep_main), emitting
 * channel-destroy for each, and disconnected when none is left. */
static void
destroy_channels (TetherSpiceSession *self, gboolean keep_main, gboolean emit)
{
  gboolean had_channels = self->channels != NULL;
  GList *doomed = NULL;

  for (GList *l = self->channels; l != NULL;)
    {
      GList *next = l->next;

      if (!(keep_main && l->data == self->main_channel))
        {
          self->channels = g_list_remove_link (self->channels, l);
          doomed = g_list_concat (doomed, l);
          if (l->data == self->main_channel)
            self->main_channel = NULL;
        }
      l = next;
    }
  for (GList *l = doomed; l != NULL; l = l->next)
    {
      TetherSpiceChannel *c = l->data;

      if (emit)
        g_signal_emit (self, tether_spice_session_signals[SIGNAL_CHANNEL_DESTROY], 0, c);
      tether_spice_channel_detach (c);
      g_object_unref (c);
    }
  g_list_free (doomed);
  /* A channel waiting for a destroyed one may go on. */
  if (self->channels != NULL)
    tether_spice_session_channel_progress (self, NULL);
  if (emit && had_channels && self->channels == NULL)
    g_signal_emit (self, tether_spice_session_signals[SIGNAL_DISCONNECTED], 0);
}

static void
ensure_main_channel (TetherSpiceSession *self)
{
  TetherSpiceChannel *main_channel;

  if (self->main_channel != NULL)
    return;
  main_channel = tether_spice_channel_new (self, TETHER_SPICE_CHANNEL_TYPE_MAIN, 0);
  g_assert (main_channel != NULL);
  tether_spice_session_attach_channel (self, main_channel);
}

static gboolean
connect_state_valid (TetherSpiceSession *self)
{
  if (self->disposing || self->migration_state != TETHER_SPICE_SESSION_MIGRATION_NONE)
    return FALSE;
  if (self->main_channel != NULL)
    {
      TetherSpiceChannelState state = tether_spice_channel_get_state (self->main_channel);

      if (state != TETHER_SPICE_CHANNEL_STATE_UNCONNECTED && state != TETHER_SPICE_CHANNEL_STATE_CLOSED)
        return FALSE;
    }
  return TRUE;
}

static void
prepare_connect (TetherSpiceSession *self, gboolean client_sockets)
{
  g_clear_pointer (&self->disconnect_source, g_source_destroy);
  destroy_channels (self, TRUE, TRUE);
  set_bool (self, &self->client_sockets, client_sockets, PROP_CLIENT_SOCKETS);
  self->connection_id = 0;
  /* A new connection starts with empty caches (§9.4, §9.6). */
  tether_spice_image_cache_clear (self->images);
  tether_glz_window_clear (self->glz_window);
  ensure_main_channel (self);
}

/**
 * tether_spice_session_connect:
 * @self: a session
 *
 * Opens the session: connects the main channel to
 * [property@SpiceSession:host] and its ports (or
 * [property@SpiceSession:unix-path]). Channels left from an earlier
 * connection are destroyed first.
 *
 * The result says only whether connecting started. Whether it worked arrives
 * later, as each channel's [signal@SpiceChannel::channel-event] (errors
 * included, with [method@SpiceChannel.get_error] telling why), and as
 * [signal@SpiceSession::channel-new] for the channels the server offers.
 *
 * Returns: %FALSE if the session's state does not allow connecting (it is
 *   connected or connecting already), %TRUE if the connection is initiated
 */
gboolean
tether_spice_session_connect (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);

  if (!connect_state_valid (self))
    return FALSE;
  prepare_connect (self, FALSE);
  return tether_spice_channel_connect (self->main_channel);
}

/**
 * tether_spice_session_open_fd:
 * @self: a session
 * @fd: a connected socket to the server, or -1
 *
 * Opens the session over sockets the application provides (an SSH tunnel,
 * say) instead of connecting itself: sets
 * [property@SpiceSession:client-sockets]. The main channel uses @fd; every
 * other channel, and the main channel if @fd is -1, asks for its socket with
 * [signal@SpiceChannel::open-fd], to be answered with
 * [method@SpiceChannel.open_fd]. Tether does no TLS over such sockets (as
 * spice-gtk).
 *
 * On success the session owns @fd and closes it with the channel.
 *
 * Returns: %TRUE on success; %FALSE if the session's state does not allow
 *   connecting (then @fd stays the caller's)
 */
gboolean
tether_spice_session_open_fd (TetherSpiceSession *self, int fd)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  g_return_val_if_fail (fd >= -1, FALSE);

  if (!connect_state_valid (self))
    return FALSE;
  prepare_connect (self, TRUE);
  if (fd >= 0)
    return tether_spice_channel_open_fd (self->main_channel, fd);
  return tether_spice_channel_connect (self->main_channel);
}

/**
 * tether_spice_session_disconnect:
 * @self: a session
 *
 * Disconnects the session and destroys all its channels, emitting
 * [signal@SpiceSession::channel-destroy] for each and then
 * [signal@SpiceSession::disconnected].
 */
void
tether_spice_session_disconnect (TetherSpiceSession *self)
{
  g_return_if_fail (TETHER_IS_SPICE_SESSION (self));

  g_clear_pointer (&self->disconnect_source, g_source_destroy);
  g_object_ref (self);
  if (self->connect_task != NULL)
    connect_task_complete (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The session was disconnected"));
  destroy_channels (self, FALSE, TRUE);
  self->connection_id = 0;
  g_object_unref (self);
}

/* ---- connect_async ----------------------------------------------------------------- */

static void
connect_task_complete (TetherSpiceSession *self, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  if (self->connect_cancel_id != 0)
    g_cancellable_disconnect (self->connect_cancellable, self->connect_cancel_id);
  self->connect_cancel_id = 0;
  g_clear_object (&self->connect_cancellable);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
connect_cancelled_idle (gpointer user_data)
{
  TetherSpiceSession *self = user_data;

  if (self->connect_task != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (self->connect_task)))
    {
      connect_task_complete (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Connecting was cancelled"));
      tether_spice_session_disconnect (self);
    }
  return G_SOURCE_REMOVE;
}

/* May run in any thread: hops to the owner context. */
static void
on_connect_cancelled (GCancellable *cancellable, gpointer user_data)
{
  TetherSpiceSession *self = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, connect_cancelled_idle, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[tether] spice session connect cancelled");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/**
 * tether_spice_session_connect_async:
 * @self: a session
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the main channel is up or has failed
 * @user_data: data for @callback
 *
 * Like [method@SpiceSession.connect], but with one answer: @callback runs
 * (on the session's main context) when the main channel is linked and
 * ready, or when connecting failed; get the result with
 * [method@SpiceSession.connect_finish]. Cancelling disconnects the session.
 * Meant for tools and scripts; the channel events are emitted as usual.
 */
void
tether_spice_session_connect_async (TetherSpiceSession *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TETHER_IS_SPICE_SESSION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_spice_session_connect_async);
  if (self->connect_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The session is already connecting");
      return;
    }
  if (!tether_spice_session_connect (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The session cannot connect now: it is connected or connecting already");
      return;
    }
  self->connect_task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      /* The task keeps @self alive until it completes, and completing
       * disconnects the handler. */
      self->connect_cancellable = g_object_ref (cancellable);
      self->connect_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_connect_cancelled), self, NULL);
    }
}

/**
 * tether_spice_session_connect_finish:
 * @self: a session
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@SpiceSession.connect_async].
 *
 * Returns: %TRUE when the main channel is up; %FALSE with @error set (the
 *   main channel's error: %TETHER_SPICE_ERROR_CONNECT, _TLS, _LINK, _AUTH …,
 *   or `G_IO_ERROR_CANCELLED`)
 */
gboolean
tether_spice_session_connect_finish (TetherSpiceSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_spice_session_connect_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_spice_session_new:
 *
 * Creates a session. It belongs to the calling thread's thread-default main
 * context.
 *
 * Returns: (transfer full): a new session
 */
TetherSpiceSession *
tether_spice_session_new (void)
{
  return g_object_new (TETHER_TYPE_SPICE_SESSION, NULL);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
tether_spice_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceSession *self = TETHER_SPICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_CA: g_value_take_boxed (value, byte_array_copy (self->ca)); break;
    case PROP_CA_FILE: g_value_set_string (value, self->ca_file); break;
    case PROP_CACHE_SIZE: g_value_set_int (value, self->cache_size); break;
    case PROP_CERT_SUBJECT: g_value_set_string (value, self->cert_subject); break;
    case PROP_CIPHERS: g_value_set_string (value, self->ciphers); break;
    case PROP_CLIENT_SOCKETS: g_value_set_boolean (value, self->client_sockets); break;
    case PROP_COLOR_DEPTH: g_value_set_int (value, self->color_depth); break;
    case PROP_DISABLE_EFFECTS: g_value_set_boxed (value, self->disable_effects); break;
    case PROP_ENABLE_AUDIO: g_value_set_boolean (value, self->enable_audio); break;
    case PROP_ENABLE_SMARTCARD: g_value_set_boolean (value, self->enable_smartcard); break;
    case PROP_ENABLE_USBREDIR: g_value_set_boolean (value, self->enable_usbredir); break;
    case PROP_GL_SCANOUT: g_value_set_boolean (value, self->gl_scanout); break;
    case PROP_GLZ_WINDOW_SIZE: g_value_set_int (value, self->glz_window_size); break;
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_INHIBIT_KEYBOARD_GRAB: g_value_set_boolean (value, self->inhibit_keyboard_grab); break;
    case PROP_MIGRATION_STATE: g_value_set_enum (value, self->migration_state); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_PASSWORD: g_value_set_string (value, self->password); break;
    case PROP_PORT: g_value_set_string (value, self->port); break;
    case PROP_PROTOCOL: g_value_set_int (value, self->protocol); break;
    case PROP_PROXY: g_value_set_string (value, self->proxy); break;
    case PROP_PUBKEY: g_value_take_boxed (value, byte_array_copy (self->pubkey)); break;
    case PROP_READ_ONLY: g_value_set_boolean (value, self->read_only); break;
    case PROP_SECURE_CHANNELS: g_value_set_boxed (value, self->secure_channels); break;
    case PROP_SHARE_DIR_RO: g_value_set_boolean (value, self->share_dir_ro); break;
    case PROP_SHARED_DIR: g_value_set_string (value, self->shared_dir); break;
    case PROP_SMARTCARD_CERTIFICATES: g_value_set_boxed (value, self->smartcard_certificates); break;
    case PROP_SMARTCARD_DB: g_value_set_string (value, self->smartcard_db); break;
    case PROP_TLS_PORT: g_value_set_string (value, self->tls_port); break;
    case PROP_UNIX_PATH: g_value_set_string (value, self->unix_path); break;
    case PROP_URI: g_value_take_string (value, tether_spice_session_get_uri (self)); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_UUID: g_value_set_boxed (value, self->uuid); break;
    case PROP_VERIFY: g_value_set_flags (value, self->verify); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TetherSpiceSession *self = TETHER_SPICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_CA: set_byte_array (self, &self->ca, g_value_get_boxed (value), prop_id); break;
    case PROP_CA_FILE: set_string (self, &self->ca_file, g_value_get_string (value), prop_id); break;
    case PROP_CACHE_SIZE: set_int (self, &self->cache_size, g_value_get_int (value), prop_id); break;
    case PROP_CERT_SUBJECT: set_cert_subject (self, g_value_get_string (value)); break;
    case PROP_CIPHERS: set_string (self, &self->ciphers, g_value_get_string (value), prop_id); break;
    case PROP_CLIENT_SOCKETS: set_bool (self, &self->client_sockets, g_value_get_boolean (value), prop_id); break;
    case PROP_COLOR_DEPTH: set_int (self, &self->color_depth, g_value_get_int (value), prop_id); break;
    case PROP_DISABLE_EFFECTS: set_strv (self, &self->disable_effects, g_value_get_boxed (value), prop_id); break;
    case PROP_ENABLE_AUDIO: set_bool (self, &self->enable_audio, g_value_get_boolean (value), prop_id); break;
    case PROP_ENABLE_SMARTCARD: set_bool (self, &self->enable_smartcard, g_value_get_boolean (value), prop_id); break;
    case PROP_ENABLE_USBREDIR: set_bool (self, &self->enable_usbredir, g_value_get_boolean (value), prop_id); break;
    case PROP_GL_SCANOUT: set_bool (self, &self->gl_scanout, g_value_get_boolean (value), prop_id); break;
    case PROP_GLZ_WINDOW_SIZE: set_int (self, &self->glz_window_size, g_value_get_int (value), prop_id); break;
    case PROP_HOST: set_string (self, &self->host, g_value_get_string (value), prop_id); break;
    case PROP_INHIBIT_KEYBOARD_GRAB:
      set_bool (self, &self->inhibit_keyboard_grab, g_value_get_boolean (value), prop_id);
      break;
    case PROP_PASSWORD: set_secret (self, &self->password, g_value_get_string (value), prop_id); break;
    case PROP_PORT: set_string (self, &self->port, g_value_get_string (value), prop_id); break;
    case PROP_PROTOCOL: set_int (self, &self->protocol, g_value_get_int (value), prop_id); break;
    case PROP_PROXY: set_secret (self, &self->proxy, g_value_get_string (value), prop_id); break;
    case PROP_PUBKEY: set_pubkey (self, g_value_get_boxed (value)); break;
    case PROP_READ_ONLY: set_bool (self, &self->read_only, g_value_get_boolean (value), prop_id); break;
    case PROP_SECURE_CHANNELS: set_strv (self, &self->secure_channels, g_value_get_boxed (value), prop_id); break;
    case PROP_SHARE_DIR_RO: set_bool (self, &self->share_dir_ro, g_value_get_boolean (value), prop_id); break;
    case PROP_SHARED_DIR: set_string (self, &self->shared_dir, g_value_get_string (value), prop_id); break;
    case PROP_SMARTCARD_CERTIFICATES:
      set_strv (self, &self->smartcard_certificates, g_value_get_boxed (value), prop_id);
      break;
    case PROP_SMARTCARD_DB: set_string (self, &self->smartcard_db, g_value_get_string (value), prop_id); break;
    case PROP_TLS_PORT: set_string (self, &self->tls_port, g_value_get_string (value), prop_id); break;
    case PROP_UNIX_PATH: set_string (self, &self->unix_path, g_value_get_string (value), prop_id); break;
    case PROP_URI:
      {
        const char *uri = g_value_get_string (value);
        g_autoptr(GError) error = NULL;

        if (uri != NULL && !tether_spice_session_load_uri (self, uri, &error))
          g_warning ("%s; the uri property is unchanged", error->message);
      }
      break;
    case PROP_USERNAME: set_string (self, &self->username, g_value_get_string (value), prop_id); break;
    case PROP_VERIFY: set_verify (self, g_value_get_flags (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_session_constructed (GObject *object)
{
  TetherSpiceSession *self = TETHER_SPICE_SESSION (object);

  G_OBJECT_CLASS (tether_spice_session_parent_class)->constructed (object);
  if (self->proxy == NULL)
    self->proxy = g_strdup (g_getenv ("SPICE_PROXY"));
  if (g_getenv ("SPICE_DISABLE_GL_SCANOUT") != NULL)
    self->gl_scanout = FALSE;
}

static void
tether_spice_session_dispose (GObject *object)
{
  TetherSpiceSession *self = TETHER_SPICE_SESSION (object);

  self->disposing = TRUE;
  g_clear_pointer (&self->disconnect_source, g_source_destroy);
  /* Quietly: no signals from a session going away. */
  destroy_channels (self, FALSE, FALSE);
  G_OBJECT_CLASS (tether_spice_session_parent_class)->dispose (object);
}

static void
tether_spice_session_finalize (GObject *object)
{
  TetherSpiceSession *self = TETHER_SPICE_SESSION (object);

  g_clear_pointer (&self->ca, g_byte_array_unref);
  g_free (self->ca_file);
  g_free (self->cert_subject);
  g_free (self->ciphers);
  g_strfreev (self->disable_effects);
  g_free (self->host);
  g_free (self->name);
  tether_spice_secret_clear (&self->password);
  g_free (self->port);
  tether_spice_secret_clear (&self->proxy);
  g_clear_pointer (&self->pubkey, g_byte_array_unref);
  g_strfreev (self->secure_channels);
  g_free (self->shared_dir);
  g_strfreev (self->smartcard_certificates);
  g_free (self->smartcard_db);
  g_free (self->tls_port);
  g_free (self->unix_path);
  g_free (self->username);
  g_clear_pointer (&self->uuid, g_bytes_unref);
  tether_spice_image_cache_unref (self->images);
  tether_glz_window_unref (self->glz_window);
  g_strfreev (self->disable_channels);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (tether_spice_session_parent_class)->finalize (object);
}

static void
tether_spice_session_class_init (TetherSpiceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rwc = rw | G_PARAM_CONSTRUCT;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_spice_session_get_property;
  object_class->set_property = tether_spice_session_set_property;
  object_class->constructed = tether_spice_session_constructed;
  object_class->dispose = tether_spice_session_dispose;
  object_class->finalize = tether_spice_session_finalize;

  /**
   * TetherSpiceSession:ca:
   *
   * CA certificates in PEM format, possibly several (each between
   * `-----BEGIN CERTIFICATE-----` and `-----END CERTIFICATE-----`), trusted
   * for the server's TLS certificate in addition to
   * [property@SpiceSession:ca-file]. With neither, the system's trust store
   * is used. From Python (PyGObject 3.42 garbles #GByteArray properties) use
   * [method@SpiceSession.set_ca_bytes].
   */
  tether_spice_session_properties[PROP_CA] = g_param_spec_boxed ("ca", NULL, NULL, G_TYPE_BYTE_ARRAY, rw);
  /**
   * TetherSpiceSession:ca-file:
   *
   * A file of PEM CA certificates trusted for the server's TLS certificate.
   */
  tether_spice_session_properties[PROP_CA_FILE] = g_param_spec_string ("ca-file", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:cache-size:
   *
   * The image cache size in bytes for display channels; 0 means the default
   * (80 MiB).
   */
  tether_spice_session_properties[PROP_CACHE_SIZE] = g_param_spec_int ("cache-size", NULL, NULL, 0, G_MAXINT, 0, rw);
  /**
   * TetherSpiceSession:cert-subject:
   *
   * The subject the server's certificate must have, in spice-gtk's syntax:
   * `C=XX,O=Example,CN=my server` (attributes in the certificate's order;
   * `\,` and `\\` escape). Setting it turns on
   * %TETHER_SPICE_SESSION_VERIFY_SUBJECT, clearing it turns that off.
   */
  tether_spice_session_properties[PROP_CERT_SUBJECT] = g_param_spec_string ("cert-subject", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:ciphers:
   *
   * The TLS cipher list in OpenSSL's syntax (`openssl ciphers`), applied to
   * TLS channels as spice-gtk applies it, with SSL_CTX_set_cipher_list():
   * for example `ECDHE-RSA-AES256-GCM-SHA384` or `HIGH:!aNULL`. It governs
   * TLS 1.2 only: with a server that speaks TLS 1.3 the suite is one of
   * OpenSSL's TLS 1.3 defaults whatever the list says. A text OpenSSL
   * rejects (it matches no cipher) makes connecting fail with
   * %TETHER_SPICE_ERROR_TLS before any connection is made. %NULL or empty:
   * OpenSSL's defaults. [method@SpiceChannel.get_tls_cipher] tells which
   * suite a channel got.
   */
  tether_spice_session_properties[PROP_CIPHERS] = g_param_spec_string ("ciphers", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:client-sockets:
   *
   * Whether the application provides the channels' sockets (see
   * [method@SpiceSession.open_fd]).
   */
  tether_spice_session_properties[PROP_CLIENT_SOCKETS] = g_param_spec_boolean ("client-sockets", NULL, NULL, FALSE, rw);
  /**
   * TetherSpiceSession:color-depth:
   *
   * Display color depth. Ignored, as in spice-gtk since 0.37.
   *
   * Deprecated: 0.1: ignored
   */
  tether_spice_session_properties[PROP_COLOR_DEPTH] = g_param_spec_int ("color-depth", NULL, NULL, 0, 32, 0, rw | G_PARAM_DEPRECATED);
  /**
   * TetherSpiceSession:disable-effects:
   *
   * Guest desktop effects to switch off through the agent: `wallpaper`,
   * `font-smooth`, `animation` or `all`.
   */
  tether_spice_session_properties[PROP_DISABLE_EFFECTS] = g_param_spec_boxed ("disable-effects", NULL, NULL, G_TYPE_STRV, rw);
  /**
   * TetherSpiceSession:enable-audio:
   *
   * Whether the playback and record channels are created.
   */
  tether_spice_session_properties[PROP_ENABLE_AUDIO] = g_param_spec_boolean ("enable-audio", NULL, NULL, TRUE, rwc);
  /**
   * TetherSpiceSession:enable-smartcard:
   *
   * Whether the smartcard channel is created.
   */
  tether_spice_session_properties[PROP_ENABLE_SMARTCARD] = g_param_spec_boolean ("enable-smartcard", NULL, NULL, FALSE, rw);
  /**
   * TetherSpiceSession:enable-usbredir:
   *
   * Whether USB redirection channels are created.
   */
  tether_spice_session_properties[PROP_ENABLE_USBREDIR] = g_param_spec_boolean ("enable-usbredir", NULL, NULL, TRUE, rwc);
  /**
   * TetherSpiceSession:gl-scanout:
   *
   * Whether display channels offer GL scanout (unix sockets only). %FALSE
   * when the `SPICE_DISABLE_GL_SCANOUT` environment variable is set.
   */
  tether_spice_session_properties[PROP_GL_SCANOUT] = g_param_spec_boolean ("gl-scanout", NULL, NULL, TRUE, rwc);
  /**
   * TetherSpiceSession:glz-window-size:
   *
   * The GLZ dictionary window in bytes; 0 means derived from the server's
   * RAM hint.
   */
  tether_spice_session_properties[PROP_GLZ_WINDOW_SIZE] = g_param_spec_int ("glz-window-size", NULL, NULL, 0, GLZ_WINDOW_SIZE_MAX, 0, rw);
  /**
   * TetherSpiceSession:host:
   *
   * The server's host name or IP address; also the name TLS checks.
   */
  tether_spice_session_properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, "localhost", rwc);
  /**
   * TetherSpiceSession:inhibit-keyboard-grab:
   *
   * A hint for display widgets not to grab the keyboard.
   */
  tether_spice_session_properties[PROP_INHIBIT_KEYBOARD_GRAB] = g_param_spec_boolean ("inhibit-keyboard-grab", NULL, NULL, FALSE, rw);
  /**
   * TetherSpiceSession:migration-state:
   *
   * The migration state; always %TETHER_SPICE_SESSION_MIGRATION_NONE as
   * Tether does not migrate yet.
   */
  tether_spice_session_properties[PROP_MIGRATION_STATE] = g_param_spec_enum ("migration-state", NULL, NULL,
                                                        TETHER_TYPE_SPICE_SESSION_MIGRATION,
                                                        TETHER_SPICE_SESSION_MIGRATION_NONE, ro);
  /**
   * TetherSpiceSession:name:
   *
   * The VM's name, from the server.
   */
  tether_spice_session_properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /**
   * TetherSpiceSession:password:
   *
   * The ticket (password) for SPICE authentication, at most 60 bytes. Never
   * logged; wiped from memory when replaced and when the session goes.
   */
  tether_spice_session_properties[PROP_PASSWORD] = g_param_spec_string ("password", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:port:
   *
   * The plain (unencrypted) port, as a string.
   */
  tether_spice_session_properties[PROP_PORT] = g_param_spec_string ("port", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:protocol:
   *
   * The SPICE protocol major version; only 2 is spoken.
   */
  tether_spice_session_properties[PROP_PROTOCOL] = g_param_spec_int ("protocol", NULL, NULL, 1, 2, 2, rwc);
  /**
   * TetherSpiceSession:proxy:
   *
   * An HTTP CONNECT proxy, `[http://|https://][user[:password]@]host[:port]`
   * (ports 3128 and 3129 by default). When not set at construction, the
   * `SPICE_PROXY` environment variable is used. An empty string means no
   * proxy.
   */
  tether_spice_session_properties[PROP_PROXY] = g_param_spec_string ("proxy", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:pubkey:
   *
   * The server's public key (DER SubjectPublicKeyInfo) to pin. Setting it
   * turns on %TETHER_SPICE_SESSION_VERIFY_PUBKEY, clearing it turns that
   * off. From Python use [method@SpiceSession.set_pubkey_bytes].
   */
  tether_spice_session_properties[PROP_PUBKEY] = g_param_spec_boxed ("pubkey", NULL, NULL, G_TYPE_BYTE_ARRAY, rw);
  /**
   * TetherSpiceSession:read-only:
   *
   * Whether the connection is read-only: no input, agent or device data is
   * sent.
   */
  tether_spice_session_properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, rwc);
  /**
   * TetherSpiceSession:secure-channels:
   *
   * Channel names (`main`, `display`, …, or `all`) that must use TLS.
   */
  tether_spice_session_properties[PROP_SECURE_CHANNELS] = g_param_spec_boxed ("secure-channels", NULL, NULL, G_TYPE_STRV, rw);
  /**
   * TetherSpiceSession:share-dir-ro:
   *
   * Whether the shared folder is shared read-only.
   */
  tether_spice_session_properties[PROP_SHARE_DIR_RO] = g_param_spec_boolean ("share-dir-ro", NULL, NULL, FALSE, rwc);
  /**
   * TetherSpiceSession:shared-dir:
   *
   * The folder shared with the guest over WebDAV.
   */
  tether_spice_session_properties[PROP_SHARED_DIR] = g_param_spec_string ("shared-dir", NULL, NULL, NULL, rwc);
  /**
   * TetherSpiceSession:smartcard-certificates:
   *
   * Certificates for a software smartcard.
   */
  tether_spice_session_properties[PROP_SMARTCARD_CERTIFICATES] = g_param_spec_boxed ("smartcard-certificates", NULL, NULL,
                                                                G_TYPE_STRV, rw);
  /**
   * TetherSpiceSession:smartcard-db:
   *
   * The NSS database holding [property@SpiceSession:smartcard-certificates].
   */
  tether_spice_session_properties[PROP_SMARTCARD_DB] = g_param_spec_string ("smartcard-db", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:tls-port:
   *
   * The TLS port, as a string.
   */
  tether_spice_session_properties[PROP_TLS_PORT] = g_param_spec_string ("tls-port", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:unix-path:
   *
   * A unix socket to connect every channel to, instead of TCP.
   */
  tether_spice_session_properties[PROP_UNIX_PATH] = g_param_spec_string ("unix-path", NULL, NULL, NULL, rwc);
  /**
   * TetherSpiceSession:uri:
   *
   * The server as a URI. Setting it sets host, ports or unix path, and the
   * user name and password when the URI has them; a bad URI is refused with
   * a warning (use [method@SpiceSession.load_uri] to get an error instead).
   * Reading it gives the canonical form of [method@SpiceSession.get_uri].
   */
  tether_spice_session_properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:username:
   *
   * The user name for SASL authentication.
   */
  tether_spice_session_properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, rw);
  /**
   * TetherSpiceSession:uuid:
   *
   * The VM's UUID from the server, 16 bytes. spice-gtk's property of this
   * name is a raw pointer; this one is a #GBytes, usable from any language.
   * See also [method@SpiceSession.get_uuid_string].
   */
  tether_spice_session_properties[PROP_UUID] = g_param_spec_boxed ("uuid", NULL, NULL, G_TYPE_BYTES, ro);
  /**
   * TetherSpiceSession:verify:
   *
   * Which parts of the server's TLS certificate are checked.
   */
  tether_spice_session_properties[PROP_VERIFY] = g_param_spec_flags ("verify", NULL, NULL, TETHER_TYPE_SPICE_SESSION_VERIFY,
                                                TETHER_SPICE_SESSION_VERIFY_HOSTNAME, rwc);
  g_object_class_install_properties (object_class, N_PROPS, tether_spice_session_properties);

  /**
   * TetherSpiceSession::channel-new:
   * @session: the session
   * @channel: the new channel
   *
   * A channel was created: the main channel on connect, then one for each
   * channel the server offers that Tether implements and the session
   * enables. Connect to the channel's signals here, and call
   * [method@SpiceChannel.connect] on the channels you want.
   */
  tether_spice_session_signals[SIGNAL_CHANNEL_NEW] = g_signal_new ("channel-new", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, TETHER_TYPE_SPICE_CHANNEL);
  /**
   * TetherSpiceSession::channel-destroy:
   * @session: the session
   * @channel: the channel going away
   *
   * A channel is being destroyed (on disconnect).
   */
  tether_spice_session_signals[SIGNAL_CHANNEL_DESTROY] = g_signal_new ("channel-destroy", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TETHER_TYPE_SPICE_CHANNEL);
  /**
   * TetherSpiceSession::disconnected:
   * @session: the session
   *
   * All channels have been destroyed: after [method@SpiceSession.disconnect],
   * or when the main channel closed or failed.
   */
  tether_spice_session_signals[SIGNAL_DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TetherSpiceSession::mm-time-reset:
   * @session: the session
   *
   * The server's multimedia clock jumped (by more than a second): audio and
   * video timing should restart.
   */
  tether_spice_session_signals[SIGNAL_MM_TIME_RESET] = g_signal_new ("mm-time-reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tether_spice_session_init (TetherSpiceSession *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->images = tether_spice_image_cache_new (TETHER_SPICE_DEFAULT_CACHE_SIZE / 4);
  self->glz_window = tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
}
