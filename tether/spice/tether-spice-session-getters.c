/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherSpiceSession, part the public getters (see tether-spice-session-struct-private.h). */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-session-private.h"
#include "tether-spice-session-struct-private.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-secret-private.h"
#include "tether-spice-uri-private.h"

/* ---- public getters ------------------------------------------------------------------ */

/**
 * tether_spice_session_get_channels:
 * @self: a session
 *
 * The channels of the session, in the order they were created.
 *
 * Returns: (transfer container) (element-type TetherSpiceChannel): a list of
 *   the channels, which stay owned by the session; free the list with
 *   g_list_free()
 */
GList *
tether_spice_session_get_channels (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return g_list_copy (self->channels);
}

/**
 * tether_spice_session_has_channel_type:
 * @self: a session
 * @type: a channel type ([enum@SpiceChannelType] value)
 *
 * Returns: whether the session has a channel of @type
 */
gboolean
tether_spice_session_has_channel_type (TetherSpiceSession *self, int type)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  for (GList *l = self->channels; l != NULL; l = l->next)
    if (tether_spice_channel_get_channel_type (l->data) == type)
      return TRUE;
  return FALSE;
}

/**
 * tether_spice_session_get_proxy_uri:
 * @self: a session
 *
 * The proxy the session uses, from [property@SpiceSession:proxy] (or the
 * `SPICE_PROXY` environment variable when the property was not set at
 * construction), with the default port filled in.
 *
 * Returns: (transfer full) (nullable): the proxy as a #GUri, or %NULL if
 *   there is none or it is not valid
 */
GUri *
tether_spice_session_get_proxy_uri (TetherSpiceSession *self)
{
  TetherSpiceProxy proxy;
  GUri *uri;

  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  if (self->proxy == NULL || self->proxy[0] == '\0')
    return NULL;
  if (!tether_spice_proxy_parse (self->proxy, &proxy, NULL))
    return NULL;
  uri = g_uri_build_with_user (G_URI_FLAGS_NONE, proxy.https ? "https" : "http", proxy.user, proxy.password,
                               NULL, proxy.host, proxy.port, "", NULL, NULL);
  tether_spice_proxy_clear (&proxy);
  return uri;
}

/**
 * tether_spice_session_get_read_only:
 * @self: a session
 *
 * Returns: whether the session is read-only ([property@SpiceSession:read-only])
 */
gboolean
tether_spice_session_get_read_only (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  return self->read_only;
}

/**
 * tether_spice_session_is_for_migration:
 * @self: a session
 *
 * Whether this is a temporary session made to connect to a migration
 * destination. Tether does not migrate yet, so this is always %FALSE.
 *
 * Returns: %TRUE for a migration session
 */
gboolean
tether_spice_session_is_for_migration (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), FALSE);
  return self->for_migration;
}

/**
 * tether_spice_session_get_host:
 * @self: a session
 *
 * Returns: (nullable): [property@SpiceSession:host]
 */
const char *
tether_spice_session_get_host (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->host;
}

/**
 * tether_spice_session_get_port:
 * @self: a session
 *
 * Returns: (nullable): [property@SpiceSession:port]
 */
const char *
tether_spice_session_get_port (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->port;
}

/**
 * tether_spice_session_get_tls_port:
 * @self: a session
 *
 * Returns: (nullable): [property@SpiceSession:tls-port]
 */
const char *
tether_spice_session_get_tls_port (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->tls_port;
}

/**
 * tether_spice_session_get_unix_path:
 * @self: a session
 *
 * Returns: (nullable) (type filename): [property@SpiceSession:unix-path]
 */
const char *
tether_spice_session_get_unix_path (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->unix_path;
}

/**
 * tether_spice_session_get_name:
 * @self: a session
 *
 * Returns: (nullable): the server's VM name ([property@SpiceSession:name]),
 *   once the main channel received it
 */
const char *
tether_spice_session_get_name (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->name;
}

/**
 * tether_spice_session_get_uuid:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the server's VM UUID, 16 bytes
 *   ([property@SpiceSession:uuid]), once the main channel received it
 */
GBytes *
tether_spice_session_get_uuid (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return self->uuid;
}

/**
 * tether_spice_session_get_uuid_string:
 * @self: a session
 *
 * The server's VM UUID in the usual text form
 * (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case).
 *
 * Returns: (transfer full) (nullable): the UUID, or %NULL when not known
 */
char *
tether_spice_session_get_uuid_string (TetherSpiceSession *self)
{
  const guint8 *u;
  gsize n;

  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  if (self->uuid == NULL)
    return NULL;
  u = g_bytes_get_data (self->uuid, &n);
  if (n != 16)
    return NULL;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
                          u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/**
 * tether_spice_session_get_migration_state:
 * @self: a session
 *
 * Returns: [property@SpiceSession:migration-state]
 */
TetherSpiceSessionMigration
tether_spice_session_get_migration_state (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), TETHER_SPICE_SESSION_MIGRATION_NONE);
  return self->migration_state;
}

/* GBytes in, GByteArray kept: a copy either way. */
static GByteArray *
byte_array_from_bytes (GBytes *bytes)
{
  GByteArray *array;
  gsize n = 0;
  const guint8 *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &n);
  array = g_byte_array_sized_new ((guint) n);
  if (n > 0)
    g_byte_array_append (array, data, (guint) n);
  return array;
}

static GBytes *
bytes_from_byte_array (GByteArray *array)
{
  return array != NULL ? g_bytes_new (array->data, array->len) : NULL;
}

/**
 * tether_spice_session_set_ca_bytes:
 * @self: a session
 * @ca: (nullable): PEM CA certificates, or %NULL to clear them
 *
 * Sets [property@SpiceSession:ca] from a #GBytes (copied). The same as
 * setting the property with a #GByteArray, for bindings that cannot pass
 * one: PyGObject 3.42 turns a Python `bytes` value for a #GByteArray
 * property into garbage (it marshals every array property as a string
 * list), so from Python use this method.
 */
void
tether_spice_session_set_ca_bytes (TetherSpiceSession *self, GBytes *ca)
{
  g_autoptr(GByteArray) array = NULL;

  g_return_if_fail (TETHER_IS_SPICE_SESSION (self));
  array = byte_array_from_bytes (ca);
  tether_spice_session_set_byte_array (self, &self->ca, array, PROP_CA);
}

/**
 * tether_spice_session_get_ca_bytes:
 * @self: a session
 *
 * Returns: (transfer full) (nullable): a copy of [property@SpiceSession:ca]
 *   as a #GBytes, or %NULL when it is not set
 */
GBytes *
tether_spice_session_get_ca_bytes (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return bytes_from_byte_array (self->ca);
}

/**
 * tether_spice_session_set_pubkey_bytes:
 * @self: a session
 * @pubkey: (nullable): the server's public key (DER SubjectPublicKeyInfo),
 *   or %NULL to clear it
 *
 * Sets [property@SpiceSession:pubkey] from a #GBytes (copied), with the same
 * effect on [property@SpiceSession:verify] as setting the property. For
 * bindings that cannot pass a #GByteArray (see
 * [method@SpiceSession.set_ca_bytes]).
 */
void
tether_spice_session_set_pubkey_bytes (TetherSpiceSession *self, GBytes *pubkey)
{
  g_autoptr(GByteArray) array = NULL;

  g_return_if_fail (TETHER_IS_SPICE_SESSION (self));
  array = byte_array_from_bytes (pubkey);
  g_object_freeze_notify (G_OBJECT (self));
  tether_spice_session_set_pubkey_array (self, array);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tether_spice_session_get_pubkey_bytes:
 * @self: a session
 *
 * Returns: (transfer full) (nullable): a copy of
 *   [property@SpiceSession:pubkey] as a #GBytes, or %NULL when it is not set
 */
GBytes *
tether_spice_session_get_pubkey_bytes (TetherSpiceSession *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_SESSION (self), NULL);
  return bytes_from_byte_array (self->pubkey);
}

