/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

/*
 * TetherX2goClient and session profiles: the client's own profile store (the
 * `sessions` file of its client root dir), python-x2go's profile methods on
 * the client, sessions registered from profiles, and the registry queries
 * by profile name. docs/x2go-profiles.md describes how a profile becomes a
 * session's options.
 */

#include "config.h"

#include "tether-error.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-profile-params-private.h"
#include "tether-x2go-session-private.h"

/* ---- the store ---------------------------------------------------------------------- */

void
tether_x2go_client_forget_profiles (TetherX2goClient *self)
{
  g_clear_object (&self->profiles);
  g_clear_error (&self->profiles_error);
}

static void
make_profiles (TetherX2goClient *self)
{
  if (self->profiles != NULL)
    return;
  self->profiles = g_object_new (TETHER_X2GO_TYPE_PROFILES,
                                 "client-rootdir", self->client_rootdir,
                                 "sessions-rootdir", self->sessions_rootdir,
                                 "ssh-rootdir", self->ssh_rootdir,
                                 /* As python-x2go's X2GoClient: the user's
                                  * file only, no /etc/x2goclient/sessions. */
                                 "system-dir", "",
                                 NULL);
  if (!tether_x2go_profiles_load (self->profiles, &self->profiles_error))
    g_debug ("session profiles: %s", self->profiles_error->message);
}

/* The store, loaded; NULL with the reason when its file does not load (a
 * broken file is read again each time, so a fixed one is picked up). */
static TetherX2goProfiles *
ensure_profiles (TetherX2goClient *self, GError **error)
{
  make_profiles (self);
  if (self->profiles_error != NULL)
    {
      g_clear_error (&self->profiles_error);
      if (!tether_x2go_profiles_load (self->profiles, &self->profiles_error))
        {
          g_propagate_error (error, g_error_copy (self->profiles_error));
          return NULL;
        }
    }
  return self->profiles;
}

/**
 * tether_x2go_client_get_profiles:
 * @self: a client
 *
 * The client's session profiles: the `sessions` file of
 * [property@X2goClient:client-rootdir] (only that one: like python-x2go's
 * client, not the system's `/etc/x2goclient/sessions`), read when first needed (the
 * reference's `get_profiles()`, alias `get_session_profiles()`). Changes
 * made through it are the ones [method@X2goClient.register_session_from_profile]
 * sees; write them with [method@X2goProfiles.save]. When the file does not
 * load the store is empty, and the profile methods of the client fail with
 * the reason (%TETHER_X2GO_ERROR_BAD_CONFIG_FILE).
 *
 * Returns: (transfer none): the profile store
 *
 * Since: 0.1
 */
TetherX2goProfiles *
tether_x2go_client_get_profiles (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  make_profiles (self);
  return self->profiles;
}

/**
 * tether_x2go_client_get_profile_config:
 * @self: a client
 * @profile_id_or_name: a profile's name or ID
 * @parameter: (nullable): one key of the profile, as in the file (`host`,
 *   `sshport`, …); %NULL for all of them
 * @error: return location for a #GError
 *
 * The reference's `get_profile_config(profile_id_or_name, parameter=None)`:
 * the whole profile, every key typed as [func@X2goProfiles.get_key_type]
 * says (see [method@X2goProfiles.get_profile_config]), or the value of one.
 *
 * Returns: (transfer full): an `a{sv}` of the whole profile, or the value of
 *   @parameter; %NULL with %TETHER_X2GO_ERROR_NO_SUCH_PROFILE, or
 *   %G_IO_ERROR_NOT_FOUND for a key the profile does not have and Tether
 *   does not know
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_client_get_profile_config (TetherX2goClient *self,
                                       const char       *profile_id_or_name,
                                       const char       *parameter,
                                       GError          **error)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  profiles = ensure_profiles (self, error);
  if (profiles == NULL)
    return NULL;
  if (parameter == NULL)
    return tether_x2go_profiles_get_profile_config (profiles, profile_id_or_name, error);
  return tether_x2go_profiles_get_profile_value (profiles, profile_id_or_name, parameter, error);
}

/**
 * tether_x2go_client_with_profile_config:
 * @self: a client
 * @profile_id_or_name: a profile's name or ID
 * @parameter: (nullable): one key of the profile; %NULL for all of them
 * @error: return location for a #GError
 *
 * The same as [method@X2goClient.get_profile_config], under the reference's
 * other name.
 *
 * Returns: (transfer full): the profile or one value, or %NULL on error
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_client_with_profile_config (TetherX2goClient *self,
                                        const char       *profile_id_or_name,
                                        const char       *parameter,
                                        GError          **error)
{
  return tether_x2go_client_get_profile_config (self, profile_id_or_name, parameter, error);
}

/**
 * tether_x2go_client_set_profile_config:
 * @self: a client
 * @profile_id_or_name: a profile's name or ID
 * @parameter: a key of the profile, as in the file
 * @value: its new value, of the key's type (a floating reference is sunk)
 * @error: return location for a #GError
 *
 * Sets one value of a profile and writes the sessions file at once, as the
 * reference's `set_profile_config()` does. Sessions registered before keep
 * the options they were registered with.
 *
 * Returns: %TRUE when the value is set and saved
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_set_profile_config (TetherX2goClient *self,
                                       const char       *profile_id_or_name,
                                       const char       *parameter,
                                       GVariant         *value,
                                       GError          **error)
{
  TetherX2goProfiles *profiles;
  g_autoptr(GVariant) keep = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (parameter != NULL && value != NULL, FALSE);
  keep = g_variant_ref_sink (value);
  profiles = ensure_profiles (self, error);
  return profiles != NULL &&
         tether_x2go_profiles_set_profile_value (profiles, profile_id_or_name, parameter, value,
                                                 error) &&
         tether_x2go_profiles_save (profiles, error);
}

/**
 * tether_x2go_client_get_profile_names:
 * @self: a client
 *
 * The reference's `profile_names`: every profile's name, duplicates told
 * apart as [class@X2goProfiles] does. Empty when the file does not load.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names
 *
 * Since: 0.1
 */
char **
tether_x2go_client_get_profile_names (TetherX2goClient *self)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  profiles = ensure_profiles (self, NULL);
  if (profiles == NULL)
    return g_new0 (char *, 1);
  return tether_x2go_profiles_get_profile_names (profiles);
}

/**
 * tether_x2go_client_is_session_profile:
 * @self: a client
 * @profile_id_or_name: a name or ID
 *
 * The reference's `is_session_profile()`.
 *
 * Returns: whether the client has such a profile
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_is_session_profile (TetherX2goClient *self,
                                       const char       *profile_id_or_name)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  profiles = ensure_profiles (self, NULL);
  return profiles != NULL && profile_id_or_name != NULL &&
         tether_x2go_profiles_is_session_profile (profiles, profile_id_or_name);
}

/**
 * tether_x2go_client_to_profile_id:
 * @self: a client
 * @profile_name: a profile's name
 *
 * Returns: (transfer full) (nullable): its ID, or %NULL when there is no
 *   such profile
 *
 * Since: 0.1
 */
char *
tether_x2go_client_to_profile_id (TetherX2goClient *self,
                                  const char       *profile_name)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  profiles = ensure_profiles (self, NULL);
  if (profiles == NULL || profile_name == NULL)
    return NULL;
  return tether_x2go_profiles_to_profile_id (profiles, profile_name);
}

/**
 * tether_x2go_client_to_profile_name:
 * @self: a client
 * @profile_id: a profile's ID
 *
 * Returns: (transfer full) (nullable): its name, or %NULL when there is no
 *   such profile
 *
 * Since: 0.1
 */
char *
tether_x2go_client_to_profile_name (TetherX2goClient *self,
                                    const char       *profile_id)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  profiles = ensure_profiles (self, NULL);
  if (profiles == NULL || profile_id == NULL)
    return NULL;
  return tether_x2go_profiles_to_profile_name (profiles, profile_id);
}

/**
 * tether_x2go_client_get_profile_metatype:
 * @self: a client
 * @profile_name: a profile's name (or ID)
 * @error: return location for a #GError
 *
 * The reference's `get_profile_metatype()`; see
 * [method@X2goProfiles.get_profile_metatype].
 *
 * Returns: (transfer full): what kind of session the profile starts, for
 *   people, or %NULL on error
 *
 * Since: 0.1
 */
char *
tether_x2go_client_get_profile_metatype (TetherX2goClient *self,
                                         const char       *profile_name,
                                         GError          **error)
{
  TetherX2goProfiles *profiles;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  profiles = ensure_profiles (self, error);
  if (profiles == NULL)
    return NULL;
  return tether_x2go_profiles_get_profile_metatype (profiles, profile_name, error);
}

/* ---- registration ------------------------------------------------------------------- */

/* The first session register_all_session_profiles registered for
 * @profile_name that has not been handed out yet. */
static TetherX2goSession *
reserved_session_of (TetherX2goClient *self, const char *profile_name)
{
  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);

      if (g_hash_table_contains (self->reserved, tether_x2go_session_get_uuid (s)) &&
          g_strcmp0 (tether_x2go_session_get_profile_name (s), profile_name) == 0)
        return s;
    }
  return NULL;
}

/* The caller's password or passphrase, straight into @slot (no copy of it
 * goes through the merged options). */
static gboolean
take_secret (GVariant *overrides, const char *key, char **slot, GError **error)
{
  g_autoptr(GVariant) v = NULL;

  if (overrides == NULL)
    return TRUE;
  v = g_variant_lookup_value (overrides, key, NULL);
  if (v == NULL)
    return TRUE;
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "session option '%s': expected a value of type 's', got '%s'", key,
                   g_variant_get_type_string (v));
      return FALSE;
    }
  tether_x2go_secret_free (*slot);
  *slot = g_variant_dup_string (v, NULL);
  return TRUE;
}

/* Registers a session of profile @id; @reserve: for
 * register_all_session_profiles (the session waits to be handed out). */
static char *
register_profile (TetherX2goClient   *self,
                  TetherX2goProfiles *profiles,
                  const char         *id,
                  GVariant           *overrides,
                  gboolean            reserve,
                  GError            **error)
{
  g_autofree char *name = tether_x2go_profiles_to_profile_name (profiles, id);
  g_autoptr(GVariant) config = NULL;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  TetherX2goSessionOptions opts;
  TetherX2goSession *reuse;
  guint port = 0;
  char *uuid;

  config = tether_x2go_profiles_get_profile_config (profiles, id, error);
  if (config == NULL)
    return NULL;
  options = tether_x2go_profile_to_session_options (config, id, name, overrides, error);
  if (options == NULL ||
      !tether_x2go_client_prepare_registration (self, NULL, 0, NULL, options, &host, &port,
                                                &user, &opts, error) ||
      !take_secret (overrides, "password", &opts.password, error) ||
      !take_secret (overrides, "passphrase", &opts.passphrase, error))
    {
      if (options != NULL)
        tether_x2go_session_options_clear (&opts);
      g_prefix_error (error, "session profile “%s”: ", name);
      return NULL;
    }

  /* As python-x2go: a session registered for the profile earlier and not
   * used yet is handed out (with the options of now) instead of a new one. */
  reuse = reserved_session_of (self, name);
  if (reuse != NULL && tether_x2go_session_reconfigure (reuse, host, port, user, &opts))
    {
      uuid = g_strdup (tether_x2go_session_get_uuid (reuse));
      if (!reserve)
        g_hash_table_remove (self->reserved, uuid);
      g_debug ("session %s of profile %s handed out again", uuid, name);
      return uuid;
    }
  uuid = tether_x2go_client_add_session (self, host, port, user, &opts);
  if (reserve)
    g_hash_table_add (self->reserved, g_strdup (uuid));
  return uuid;
}

/**
 * tether_x2go_client_register_session_from_profile:
 * @self: a client
 * @profile_id_or_name: a session profile's name, or its ID (a name is
 *   looked for first)
 * @options: (nullable): session options that replace the profile's: an
 *   `a{sv}` with the keys of [method@X2goClient.register_session] (such as
 *   `password`, `known_hosts`, `cmd`, `server`), except `profile_name` and
 *   `profile_id`
 * @error: return location for a #GError
 *
 * Registers a session from a profile of [method@X2goClient.get_profiles],
 * the reference's `register_session(profile_name=…)` and
 * `register_session(profile_id=…)`. The profile's values become session
 * options as python-x2go translates them
 * ([method@X2goProfiles.to_session_params]; docs/x2go-profiles.md): the
 * server is one of the profile's hosts (picked at random when it names
 * several), `sshport` the port, `user` the user, `key` the key file,
 * `autologin` looks for keys and asks the SSH agent, `command`, `rootless`,
 * `width`×`height` (or `fullscreen`), `speed`, `pack`-`quality`, `dpi`
 * (with `setdpi`), the keyboard (with `usekbd`), `clipboard`, `xinerama`
 * the session. The session's profile name (in its signals and queries) is
 * the profile's name.
 *
 * A profile that asks for something Tether cannot do yet (sound, printing,
 * folders shared at once, the MIME box, an SSH proxy, agent forwarding, a
 * window title, `maxdim`, published applications, automatic connect or
 * start) fails with %G_IO_ERROR_NOT_SUPPORTED naming it; pass an option
 * that turns it off (`snd_system` `none`, `auto_connect` %FALSE, …) to
 * register anyway. Values the option parser refuses fail with
 * %G_IO_ERROR_INVALID_ARGUMENT; both messages start with the profile's name.
 *
 * As in python-x2go, a session that [method@X2goClient.register_all_session_profiles]
 * registered for the profile and that has not been handed out or started
 * yet is returned (with the options of now) instead of a new one, the
 * first time only.
 *
 * Returns: (transfer full): the session's uuid, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE, %TETHER_X2GO_ERROR_BAD_CONFIG_FILE
 *   (the sessions file does not load), or one of the errors above
 *
 * Since: 0.1
 */
char *
tether_x2go_client_register_session_from_profile (TetherX2goClient *self,
                                                  const char       *profile_id_or_name,
                                                  GVariant         *options,
                                                  GError          **error)
{
  TetherX2goProfiles *profiles;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) keep = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options != NULL)
    keep = g_variant_ref_sink (options);
  profiles = ensure_profiles (self, error);
  if (profiles == NULL)
    return NULL;
  id = tether_x2go_profiles_check_profile_id_or_name (profiles, profile_id_or_name, error);
  if (id == NULL)
    return NULL;
  return register_profile (self, profiles, id, options, FALSE, error);
}

/**
 * tether_x2go_client_register_all_session_profiles:
 * @self: a client
 * @error: return location for a #GError
 *
 * Registers one session for each profile, the reference's
 * `register_all_session_profiles()`: the sessions an application shows as
 * its list of profiles before the user picks one. The next
 * [method@X2goClient.register_session_from_profile] of a profile hands out
 * its session instead of registering another; calling this again returns
 * the sessions not handed out yet and registers new ones for the others.
 * A profile whose session cannot be registered (it asks for something
 * Tether cannot do yet, see [method@X2goClient.register_session_from_profile])
 * is left out of the table.
 *
 * Returns: (transfer full) (element-type utf8 utf8): profile name → session
 *   uuid, or %NULL when the sessions file does not load
 *
 * Since: 0.1
 */
GHashTable *
tether_x2go_client_register_all_session_profiles (TetherX2goClient *self,
                                                  GError          **error)
{
  TetherX2goProfiles *profiles;
  g_autoptr(GHashTable) table = NULL;
  g_auto(GStrv) ids = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  profiles = ensure_profiles (self, error);
  if (profiles == NULL)
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ids = tether_x2go_profiles_get_profile_ids (profiles);
  for (gsize k = 0; ids[k] != NULL; k++)
    {
      g_autoptr(GError) local = NULL;
      char *uuid = register_profile (self, profiles, ids[k], NULL, TRUE, &local);

      if (uuid == NULL)
        {
          g_debug ("not registered: %s", local->message);
          continue;
        }
      g_hash_table_insert (table, tether_x2go_profiles_to_profile_name (profiles, ids[k]), uuid);
    }
  return g_steal_pointer (&table);
}

/**
 * tether_x2go_client_get_session_profile_id:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * The reference's `get_session_profile_id()`: the ID of the profile the
 * session was registered from, or for a session registered without one, an
 * ID made at registration (the time, as python-x2go makes them).
 *
 * Returns: (transfer full) (nullable): the profile ID, or %NULL for an
 *   unknown uuid
 *
 * Since: 0.1
 */
char *
tether_x2go_client_get_session_profile_id (TetherX2goClient *self,
                                           const char       *session_uuid)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL ? g_strdup (tether_x2go_session_get_profile_id (s)) : NULL;
}

/* ---- queries by profile ------------------------------------------------------------- */

/**
 * tether_x2go_client_connected_profiles:
 * @self: a client
 * @return_profile_names: %TRUE for the profiles' names, %FALSE for their IDs
 *
 * The profiles that have a connected session, each once (the reference's
 * `client_connected_profiles()`).
 *
 * Returns: (transfer full) (array zero-terminated=1): profile IDs or names
 *
 * Since: 0.1
 */
char **
tether_x2go_client_connected_profiles (TetherX2goClient *self,
                                       gboolean          return_profile_names)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return tether_x2go_client_collect (self, TETHER_X2GO_FILTER_CONNECTED, NULL,
                                     return_profile_names ? TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES
                                                          : TETHER_X2GO_SESSION_RETURN_PROFILE_IDS);
}

/**
 * tether_x2go_client_is_profile_connected:
 * @self: a client
 * @profile_name: a profile name
 *
 * Returns: whether a session of that profile name is connected
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_is_profile_connected (TetherX2goClient *self,
                                         const char       *profile_name)
{
  g_auto(GStrv) uuids = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  if (profile_name == NULL)
    return FALSE;
  uuids = tether_x2go_client_collect (self, TETHER_X2GO_FILTER_CONNECTED, profile_name,
                                      TETHER_X2GO_SESSION_RETURN_UUIDS);
  return uuids[0] != NULL;
}

/**
 * tether_x2go_client_disconnect_profile:
 * @self: a client
 * @profile_name: a profile name
 * @error: return location for a #GError
 *
 * Disconnects every registered session whose profile name is
 * @profile_name, as [method@X2goClient.disconnect_session] does for one,
 * and then, as the reference's `disconnect_profile()` does, drops them from
 * the registry. A session shown here loses its picture and the server
 * suspends it.
 *
 * Returns: %TRUE when at least one session had that profile name; else
 *   %FALSE with %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_disconnect_profile (TetherX2goClient *self,
                                       const char       *profile_name,
                                       GError          **error)
{
  g_auto(GStrv) uuids = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  if (profile_name != NULL)
    uuids = tether_x2go_client_collect (self, TETHER_X2GO_FILTER_REGISTERED, profile_name,
                                        TETHER_X2GO_SESSION_RETURN_UUIDS);
  if (uuids == NULL || uuids[0] == NULL)
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE,
                   "no registered session has the profile name '%s'",
                   profile_name != NULL ? profile_name : "(null)");
      return FALSE;
    }
  for (gsize i = 0; uuids[i] != NULL; i++)
    {
      TetherX2goSession *s = tether_x2go_client_lookup (self, uuids[i]);

      if (s != NULL)
        tether_x2go_session_disconnect (s);
    }
  for (gsize i = 0; uuids[i] != NULL; i++)
    tether_x2go_client_unregister_session (self, uuids[i], NULL);
  return TRUE;
}

/* The registry's sessions of one profile name that pass a filter: one line
 * a function, its whole name spelled out; the gtk-doc comment (with the GI
 * annotations) above it. */
#define SESSIONS_OF_PROFILE_NAME(function, filter)                                    \
  char **function (TetherX2goClient *self, const char *profile_name,                  \
                   TetherX2goSessionReturn what)                                      \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);                        \
    g_return_val_if_fail (profile_name != NULL, NULL);                                \
    return tether_x2go_client_collect (self, filter, profile_name, what);             \
  }

/**
 * tether_x2go_client_registered_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_registered_sessions_of_profile_name()`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the registered
 *   sessions of that profile name
 *
 * Since: 0.1
 */
SESSIONS_OF_PROFILE_NAME (tether_x2go_client_registered_sessions_of_profile_name,
                          TETHER_X2GO_FILTER_REGISTERED)

/**
 * tether_x2go_client_connected_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_connected_sessions_of_profile_name()`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the connected
 *   sessions of that profile name
 *
 * Since: 0.1
 */
SESSIONS_OF_PROFILE_NAME (tether_x2go_client_connected_sessions_of_profile_name,
                          TETHER_X2GO_FILTER_CONNECTED)

/**
 * tether_x2go_client_associated_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_associated_sessions_of_profile_name()`; see
 * [method@X2goClient.associated_sessions].
 *
 * Returns: (transfer full) (array zero-terminated=1): the associated
 *   sessions of that profile name
 *
 * Since: 0.1
 */
SESSIONS_OF_PROFILE_NAME (tether_x2go_client_associated_sessions_of_profile_name,
                          TETHER_X2GO_FILTER_ASSOCIATED)

/**
 * tether_x2go_client_running_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_running_sessions_of_profile_name()`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the running
 *   sessions of that profile name
 *
 * Since: 0.1
 */
SESSIONS_OF_PROFILE_NAME (tether_x2go_client_running_sessions_of_profile_name,
                          TETHER_X2GO_FILTER_RUNNING)

/**
 * tether_x2go_client_suspended_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_suspended_sessions_of_profile_name()`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the suspended
 *   sessions of that profile name
 *
 * Since: 0.1
 */
SESSIONS_OF_PROFILE_NAME (tether_x2go_client_suspended_sessions_of_profile_name,
                          TETHER_X2GO_FILTER_SUSPENDED)

/**
 * tether_x2go_client_pubapp_sessions_of_profile_name:
 * @self: a client
 * @profile_name: a profile name
 * @what: what to return for each session
 *
 * The reference's `client_pubapp_sessions_of_profile_name()`: the
 * associated sessions of the profile that provide published applications.
 * Tether does not start such sessions yet, so the list is empty.
 *
 * Returns: (transfer full) (array zero-terminated=1): an empty list
 *
 * Since: 0.1
 */
char **
tether_x2go_client_pubapp_sessions_of_profile_name (TetherX2goClient       *self,
                                                    const char             *profile_name,
                                                    TetherX2goSessionReturn what)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);
  return g_new0 (char *, 1);
}
