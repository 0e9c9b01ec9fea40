/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-enum-types.h"
#include "tether-error.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-session-private.h"
#include "tether-x2go-text-private.h"

/* TetherX2goClient: the server and state queries, and the operations of
 * features not built yet. The object itself is in tether-x2go-client.c. */

/* Most queries are one helper call with one constant: each family is one
 * macro, and each function one line that spells its whole name out (so
 * that a search for it finds it). Its gtk-doc comment, with the GI
 * annotations, stands above that line; the header declares it, and the
 * compiler checks the definition against that declaration. */

/* From the last listing of the session's server. */
#define SERVER_SESSIONS_IN_STATE(function, running)                                   \
  char **function (TetherX2goClient *self, const char *session_uuid, GError **error)  \
  {                                                                                   \
    GPtrArray *listing;                                                               \
                                                                                      \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);                        \
    listing = last_listing (self, session_uuid, error);                               \
    return listing != NULL ? names_in_state (listing, running) : NULL;                \
  }
#define SERVER_HAS_SESSIONS(function, running)                                        \
  gboolean function (TetherX2goClient *self, const char *session_uuid)                \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);                       \
    return server_has (self, session_uuid, NULL, running);                            \
  }
#define SERVER_HAS_SESSION_OF_NAME(function, running)                                 \
  gboolean function (TetherX2goClient *self, const char *session_uuid,                \
                     const char *session_name)                                        \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);                       \
    return session_name != NULL && server_has (self, session_uuid, session_name,      \
                                               running);                              \
  }

/* A registered session's phase, or another server-side session's state. */
#define SESSION_IN_PHASE(function, phase)                                             \
  gboolean function (TetherX2goClient *self, const char *session_uuid,                \
                     const char *session_name)                                        \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);                       \
    return session_in_phase (self, session_uuid, session_name, phase);                \
  }

/* The registry's sessions that pass a filter. */
#define SESSIONS_OF_FILTER(function, filter)                                          \
  char **function (TetherX2goClient *self, TetherX2goSessionReturn what)              \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);                        \
    return collect (self, filter, NULL, what);                                        \
  }
#define ANY_OF_FILTER(function, filter)                                               \
  gboolean function (TetherX2goClient *self)                                          \
  {                                                                                   \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);                       \
    return any (self, filter);                                                        \
  }

/* A copy of one of a registered session's strings. */
#define SESSION_STRING(function, getter)                                              \
  char *function (TetherX2goClient *self, const char *session_uuid)                   \
  {                                                                                   \
    TetherX2goSession *s;                                                             \
                                                                                      \
    g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);                        \
    s = tether_x2go_client_lookup (self, session_uuid);                               \
    return s != NULL ? g_strdup (getter (s)) : NULL;                                  \
  }

/* The _finish of an operation of a feature not built yet. */
#define BOOL_FINISH(function, async_function)                                         \
  gboolean function (TetherX2goClient *self, GAsyncResult *result, GError **error)    \
  {                                                                                   \
    return tether_x2go_client_bool_finish (self, result, async_function, error);      \
  }
#define POINTER_FINISH(type, function)                                                \
  type function (TetherX2goClient *self, GAsyncResult *result, GError **error)        \
  {                                                                                   \
    g_return_val_if_fail (g_task_is_valid (result, self), NULL);                      \
    return g_task_propagate_pointer (G_TASK (result), error);                         \
  }

/* ---- server queries ---------------------------------------------------------------- */

/**
 * tether_x2go_client_server_is_alive:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Whether the session's SSH connection is up. The SSH layer's keepalive
 * notices a dead server within seconds and fires
 * [signal@X2goClient::control-session-death]; no I/O happens here.
 *
 * Returns: %TRUE when connected and alive
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_server_is_alive (TetherX2goClient *self,
                                    const char       *session_uuid)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL && tether_x2go_session_is_alive (s);
}

/**
 * tether_x2go_client_all_servers_are_alive:
 * @self: a client
 *
 * Returns: %TRUE when every connected session's server is alive
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_all_servers_are_alive (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);

      if (tether_x2go_session_get_connected (s) && !tether_x2go_session_is_alive (s))
        return FALSE;
    }
  return TRUE;
}

static TetherX2goSession *
connected_or_error (TetherX2goClient *self, const char *uuid, GError **error)
{
  TetherX2goSession *s = tether_x2go_client_lookup_or_error (self, uuid, error);

  if (s != NULL && !tether_x2go_session_get_connected (s))
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED,
                   "session %s is not connected", uuid);
      return NULL;
    }
  return s;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * tether_x2go_client_get_server_features:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @error: return location for a #GError
 *
 * The server's `x2gofeaturelist`, as read when the session connected.
 *
 * Returns: (transfer full) (array zero-terminated=1): the sorted feature
 *   names, or %NULL on error
 *
 * Since: 0.1
 */
char **
tether_x2go_client_get_server_features (TetherX2goClient *self,
                                        const char       *session_uuid,
                                        GError          **error)
{
  TetherX2goSession *s;
  GHashTable *features;
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  s = connected_or_error (self, session_uuid, error);
  if (s == NULL)
    return NULL;
  features = tether_x2go_session_get_features (s);
  if (features != NULL)
    {
      g_hash_table_iter_init (&iter, features);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * tether_x2go_client_has_server_feature:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @feature: a feature name such as `X2GO_LIST_SHADOWSESSIONS`
 *
 * Returns: whether the server lists @feature
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_has_server_feature (TetherX2goClient *self,
                                       const char       *session_uuid,
                                       const char       *feature)
{
  TetherX2goSession *s;
  GHashTable *features;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup (self, session_uuid);
  if (s == NULL || feature == NULL || !tether_x2go_session_get_connected (s))
    return FALSE;
  features = tether_x2go_session_get_features (s);
  return features != NULL && g_hash_table_contains (features, feature);
}

/**
 * tether_x2go_client_get_server_versions:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @error: return location for a #GError
 *
 * The server's `x2goversion`, as read when the session connected.
 *
 * Returns: (transfer full) (element-type utf8 utf8): component → version,
 *   or %NULL on error
 *
 * Since: 0.1
 */
GHashTable *
tether_x2go_client_get_server_versions (TetherX2goClient *self,
                                        const char       *session_uuid,
                                        GError          **error)
{
  TetherX2goSession *s;
  GHashTable *versions, *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  s = connected_or_error (self, session_uuid, error);
  if (s == NULL)
    return NULL;
  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  versions = tether_x2go_session_get_versions (s);
  if (versions != NULL)
    {
      g_hash_table_iter_init (&iter, versions);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
    }
  return copy;
}

/* The last listing of the session's server, with a clear error before one. */
static GPtrArray *
last_listing (TetherX2goClient *self, const char *uuid, GError **error)
{
  TetherX2goSession *s = connected_or_error (self, uuid, error);
  GPtrArray *listing;

  if (s == NULL)
    return NULL;
  listing = tether_x2go_session_get_last_listing (s);
  if (listing == NULL)
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED,
                 "session %s has no listing yet", uuid);
  return listing;
}

static char **
names_in_state (GPtrArray *listing, gboolean running)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; listing != NULL && i < listing->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (listing, i);

      if (running ? tether_x2go_session_info_is_running (info)
                  : tether_x2go_session_info_is_suspended (info))
        g_ptr_array_add (names, g_strdup (tether_x2go_session_info_get_name (info)));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * tether_x2go_client_server_running_sessions:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @error: return location for a #GError
 *
 * The names of the user's running sessions on the session's server, from the
 * last listing (made at connect, by every list or state change, and by the
 * periodic follow-up; call [method@X2goClient.list_sessions_async] first for
 * a fresh one).
 *
 * Returns: (transfer full) (array zero-terminated=1): session names, or
 *   %NULL on error
 *
 * Since: 0.1
 */
SERVER_SESSIONS_IN_STATE (tether_x2go_client_server_running_sessions, TRUE)

/**
 * tether_x2go_client_server_suspended_sessions:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @error: return location for a #GError
 *
 * Like [method@X2goClient.server_running_sessions], for suspended sessions.
 *
 * Returns: (transfer full) (array zero-terminated=1): session names, or
 *   %NULL on error
 *
 * Since: 0.1
 */
SERVER_SESSIONS_IN_STATE (tether_x2go_client_server_suspended_sessions, FALSE)

static gboolean
server_has (TetherX2goClient *self, const char *uuid, const char *name, gboolean running)
{
  GPtrArray *listing = last_listing (self, uuid, NULL);

  for (guint i = 0; listing != NULL && i < listing->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (listing, i);

      if (name != NULL && g_strcmp0 (tether_x2go_session_info_get_name (info), name) != 0)
        continue;
      if (running ? tether_x2go_session_info_is_running (info)
                  : tether_x2go_session_info_is_suspended (info))
        return TRUE;
    }
  return FALSE;
}

/**
 * tether_x2go_client_server_has_running_sessions:
 * @self: a client
 * @session_uuid: a connected session's uuid
 *
 * Returns: whether the last listing shows a running session
 *
 * Since: 0.1
 */
SERVER_HAS_SESSIONS (tether_x2go_client_server_has_running_sessions, TRUE)

/**
 * tether_x2go_client_server_has_suspended_sessions:
 * @self: a client
 * @session_uuid: a connected session's uuid
 *
 * Returns: whether the last listing shows a suspended session
 *
 * Since: 0.1
 */
SERVER_HAS_SESSIONS (tether_x2go_client_server_has_suspended_sessions, FALSE)

/**
 * tether_x2go_client_server_has_running_session_of_name:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @session_name: a server-side session name
 *
 * Returns: whether the last listing shows @session_name running
 *
 * Since: 0.1
 */
SERVER_HAS_SESSION_OF_NAME (tether_x2go_client_server_has_running_session_of_name, TRUE)

/**
 * tether_x2go_client_server_has_suspended_session_of_name:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @session_name: a server-side session name
 *
 * Returns: whether the last listing shows @session_name suspended
 *
 * Since: 0.1
 */
SERVER_HAS_SESSION_OF_NAME (tether_x2go_client_server_has_suspended_session_of_name, FALSE)

/* ---- state queries ---------------------------------------------------------------- */

/**
 * tether_x2go_client_is_session_connected:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Returns: whether the session is connected to its server
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_is_session_connected (TetherX2goClient *self,
                                         const char       *session_uuid)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL && tether_x2go_session_get_connected (s);
}

static gboolean
session_in_phase (TetherX2goClient      *self,
                  const char            *uuid,
                  const char            *name,
                  TetherX2goSessionPhase phase)
{
  TetherX2goSession *s = tether_x2go_client_lookup (self, uuid);

  if (s == NULL)
    return FALSE;
  if (name != NULL && g_strcmp0 (name, tether_x2go_session_get_session_name (s)) != 0)
    {
      /* Another session of the same server: the last listing decides. */
      GPtrArray *listing = tether_x2go_session_get_last_listing (s);

      if (!tether_x2go_session_get_connected (s) || listing == NULL)
        return FALSE;
      for (guint i = 0; i < listing->len; i++)
        {
          TetherX2goSessionInfo *info = g_ptr_array_index (listing, i);

          if (g_strcmp0 (tether_x2go_session_info_get_name (info), name) != 0)
            continue;
          switch (phase)
            {
            case TETHER_X2GO_SESSION_PHASE_RUNNING:
              return tether_x2go_session_info_is_running (info);
            case TETHER_X2GO_SESSION_PHASE_SUSPENDED:
              return tether_x2go_session_info_is_suspended (info);
            default:
              return FALSE;
            }
        }
      return phase == TETHER_X2GO_SESSION_PHASE_TERMINATED;
    }
  return tether_x2go_session_get_phase (s) == phase;
}

/**
 * tether_x2go_client_is_session_running:
 * @self: a client
 * @session_uuid: a session's uuid
 * @session_name: (nullable): another server-side session of the same server
 *   to ask about (answered from the last listing)
 *
 * Returns: whether the session is running
 *
 * Since: 0.1
 */
SESSION_IN_PHASE (tether_x2go_client_is_session_running, TETHER_X2GO_SESSION_PHASE_RUNNING)

/**
 * tether_x2go_client_is_session_suspended:
 * @self: a client
 * @session_uuid: a session's uuid
 * @session_name: (nullable): another server-side session of the same server
 *
 * Returns: whether the session is suspended
 *
 * Since: 0.1
 */
SESSION_IN_PHASE (tether_x2go_client_is_session_suspended, TETHER_X2GO_SESSION_PHASE_SUSPENDED)

/**
 * tether_x2go_client_has_session_terminated:
 * @self: a client
 * @session_uuid: a session's uuid
 * @session_name: (nullable): another server-side session of the same server
 *   (terminated = not in the last listing)
 *
 * Returns: whether the session has terminated
 *
 * Since: 0.1
 */
SESSION_IN_PHASE (tether_x2go_client_has_session_terminated, TETHER_X2GO_SESSION_PHASE_TERMINATED)

/**
 * tether_x2go_client_session_ok:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Whether the session is healthy: connected, running, and shown here by a
 * live nxproxy (what pyhoca-cli polls to know when to exit).
 *
 * Returns: %TRUE when all is well
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_session_ok (TetherX2goClient *self,
                               const char       *session_uuid)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL && tether_x2go_session_is_ok (s);
}

typedef gboolean (*SessionFilter) (TetherX2goSession *s);

static gboolean
filter_all (TetherX2goSession *s)
{
  return TRUE;
}

static gboolean
filter_connected (TetherX2goSession *s)
{
  return tether_x2go_session_get_connected (s);
}

static gboolean
filter_associated (TetherX2goSession *s)
{
  return tether_x2go_session_get_connected (s) && !tether_x2go_session_get_virgin (s);
}

static gboolean
filter_running (TetherX2goSession *s)
{
  return tether_x2go_session_get_phase (s) == TETHER_X2GO_SESSION_PHASE_RUNNING;
}

static gboolean
filter_suspended (TetherX2goSession *s)
{
  return tether_x2go_session_get_phase (s) == TETHER_X2GO_SESSION_PHASE_SUSPENDED;
}

static char **
collect (TetherX2goClient       *self,
         SessionFilter           filter,
         const char             *profile_name,
         TetherX2goSessionReturn what)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);
      const char *value = NULL;
      gboolean once = FALSE;

      if (!filter (s) ||
          (profile_name != NULL &&
           g_strcmp0 (tether_x2go_session_get_profile_name (s), profile_name) != 0))
        continue;
      switch (what)
        {
        case TETHER_X2GO_SESSION_RETURN_SESSION_NAMES:
          value = tether_x2go_session_get_session_name (s);
          break;
        case TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES:
          value = tether_x2go_session_get_profile_name (s);
          once = TRUE;
          break;
        case TETHER_X2GO_SESSION_RETURN_PROFILE_IDS:
          value = tether_x2go_session_get_profile_id (s);
          once = TRUE;
          break;
        case TETHER_X2GO_SESSION_RETURN_UUIDS:
        default:
          value = tether_x2go_session_get_uuid (s);
          break;
        }
      for (guint j = 0; once && value != NULL && j < out->len; j++)
        if (g_str_equal (g_ptr_array_index (out, j), value))
          value = NULL;
      if (value != NULL)
        g_ptr_array_add (out, g_strdup (value));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

char **
tether_x2go_client_collect (TetherX2goClient        *self,
                            TetherX2goSessionFilter  filter,
                            const char              *profile_name,
                            TetherX2goSessionReturn  what)
{
  static const SessionFilter filters[] = {
    [TETHER_X2GO_FILTER_REGISTERED] = filter_all,
    [TETHER_X2GO_FILTER_CONNECTED] = filter_connected,
    [TETHER_X2GO_FILTER_ASSOCIATED] = filter_associated,
    [TETHER_X2GO_FILTER_RUNNING] = filter_running,
    [TETHER_X2GO_FILTER_SUSPENDED] = filter_suspended,
  };

  g_assert ((guint) filter < G_N_ELEMENTS (filters));
  return collect (self, filters[filter], profile_name, what);
}

/**
 * tether_x2go_client_registered_sessions:
 * @self: a client
 * @what: what to return for each session
 *
 * Returns: (transfer full) (array zero-terminated=1): every registered session
 *
 * Since: 0.1
 */
SESSIONS_OF_FILTER (tether_x2go_client_registered_sessions, filter_all)

/**
 * tether_x2go_client_connected_sessions:
 * @self: a client
 * @what: what to return for each session
 *
 * Returns: (transfer full) (array zero-terminated=1): the connected sessions
 *
 * Since: 0.1
 */
SESSIONS_OF_FILTER (tether_x2go_client_connected_sessions, filter_connected)

/**
 * tether_x2go_client_associated_sessions:
 * @self: a client
 * @what: what to return for each session
 *
 * Sessions associated with this client: connected and started or resumed
 * (or named) at least once.
 *
 * Returns: (transfer full) (array zero-terminated=1): the associated sessions
 *
 * Since: 0.1
 */
SESSIONS_OF_FILTER (tether_x2go_client_associated_sessions, filter_associated)

/**
 * tether_x2go_client_running_sessions:
 * @self: a client
 * @what: what to return for each session
 *
 * Returns: (transfer full) (array zero-terminated=1): the running sessions
 *
 * Since: 0.1
 */
SESSIONS_OF_FILTER (tether_x2go_client_running_sessions, filter_running)

/**
 * tether_x2go_client_suspended_sessions:
 * @self: a client
 * @what: what to return for each session
 *
 * Returns: (transfer full) (array zero-terminated=1): the suspended sessions
 *
 * Since: 0.1
 */
SESSIONS_OF_FILTER (tether_x2go_client_suspended_sessions, filter_suspended)

static gboolean
any (TetherX2goClient *self, SessionFilter filter)
{
  for (guint i = 0; i < self->order->len; i++)
    if (filter (g_ptr_array_index (self->order, i)))
      return TRUE;
  return FALSE;
}

/**
 * tether_x2go_client_has_connected_sessions:
 * @self: a client
 *
 * Returns: whether any session is connected
 *
 * Since: 0.1
 */
ANY_OF_FILTER (tether_x2go_client_has_connected_sessions, filter_connected)

/**
 * tether_x2go_client_has_associated_sessions:
 * @self: a client
 *
 * Returns: whether any session is associated with this client
 *
 * Since: 0.1
 */
ANY_OF_FILTER (tether_x2go_client_has_associated_sessions, filter_associated)

/**
 * tether_x2go_client_has_running_sessions:
 * @self: a client
 *
 * Returns: whether any session is running
 *
 * Since: 0.1
 */
ANY_OF_FILTER (tether_x2go_client_has_running_sessions, filter_running)

/**
 * tether_x2go_client_has_suspended_sessions:
 * @self: a client
 *
 * Returns: whether any session is suspended
 *
 * Since: 0.1
 */
ANY_OF_FILTER (tether_x2go_client_has_suspended_sessions, filter_suspended)

/**
 * tether_x2go_client_has_registered_session_of_name:
 * @self: a client
 * @session_name: a server-side session name
 *
 * Returns: whether a registered session has this server-side name
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_has_registered_session_of_name (TetherX2goClient *self,
                                                   const char       *session_name)
{
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  uuid = tether_x2go_client_get_session_of_session_name (self, session_name);
  return uuid != NULL;
}

/**
 * tether_x2go_client_get_session_info:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * The server's record of the session, from the last listing.
 *
 * Returns: (transfer full) (nullable): the record, or %NULL when the session
 *   has no server-side session in the last listing
 *
 * Since: 0.1
 */
TetherX2goSessionInfo *
tether_x2go_client_get_session_info (TetherX2goClient *self,
                                     const char       *session_uuid)
{
  TetherX2goSession *s;
  TetherX2goSessionInfo *info;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  s = tether_x2go_client_lookup (self, session_uuid);
  if (s == NULL)
    return NULL;
  info = tether_x2go_session_get_info (s);
  return info != NULL ? tether_x2go_session_info_ref (info) : NULL;
}

/**
 * tether_x2go_client_get_session_summary:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * A short summary like the reference's `get_session_summary()`: a
 * dictionary with `uuid`, `profile_name`, `server`, `port`, `username`,
 * `session_name`, `phase`, `connected`, `virgin`, `attached`, `running`,
 * `suspended`, `terminated`, `faulty`, `display`, `graphics_port`,
 * `local_port`, `command` and, once connected, `peer_address` and
 * `peer_port`.
 *
 * Returns: (transfer full) (nullable): an `a{sv}`, or %NULL for an unknown uuid
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_client_get_session_summary (TetherX2goClient *self,
                                        const char       *session_uuid)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL ? g_variant_ref_sink (tether_x2go_session_build_summary (s)) : NULL;
}

/**
 * tether_x2go_client_get_session_name:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Returns: (transfer full) (nullable): the server-side session name
 *
 * Since: 0.1
 */
SESSION_STRING (tether_x2go_client_get_session_name, tether_x2go_session_get_session_name)

/**
 * tether_x2go_client_get_session_username:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Returns: (transfer full) (nullable): the user the session runs as
 *
 * Since: 0.1
 */
SESSION_STRING (tether_x2go_client_get_session_username, tether_x2go_session_get_username)

/**
 * tether_x2go_client_get_session_server_peername:
 * @self: a client
 * @session_uuid: a session's uuid
 * @port: (out) (optional): the peer's port
 *
 * The address the session's SSH connection actually reached (the
 * reference's `(addr, port)` tuple).
 *
 * Returns: (transfer full) (nullable): the numeric address, or %NULL when
 *   not connected
 *
 * Since: 0.1
 */
char *
tether_x2go_client_get_session_server_peername (TetherX2goClient *self,
                                                const char       *session_uuid,
                                                guint            *port)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  if (port != NULL)
    *port = 0;
  s = tether_x2go_client_lookup (self, session_uuid);
  return s != NULL ? tether_x2go_session_dup_peer_name (s, port) : NULL;
}

/**
 * tether_x2go_client_get_session_server_hostname:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Returns: (transfer full) (nullable): the server as registered
 *
 * Since: 0.1
 */
SESSION_STRING (tether_x2go_client_get_session_server_hostname, tether_x2go_session_get_server)

/**
 * tether_x2go_client_get_session_profile_name:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * Returns: (transfer full) (nullable): the session's profile name
 *
 * Since: 0.1
 */
SESSION_STRING (tether_x2go_client_get_session_profile_name, tether_x2go_session_get_profile_name)

/* ---- not built yet ----------------------------------------------------------------- */

static void
not_supported_async (TetherX2goClient    *self,
                     gpointer             tag,
                     const char          *what,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = tether_x2go_client_task (self, tag, cancellable, callback, user_data);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "%s is not supported by Tether yet", what);
}

static gboolean
not_supported (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "%s is not supported by Tether yet", what);
  return FALSE;
}

/**
 * tether_x2go_client_share_local_folder_async:
 * @self: a client
 * @session_uuid: a running session's uuid
 * @local_path: a local folder
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Shares a local folder with the session (sshfs over a reverse tunnel).
 * Not built yet: fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_share_local_folder_async (TetherX2goClient    *self,
                                             const char          *session_uuid,
                                             const char          *local_path,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_share_local_folder_async,
                       "local folder sharing", cancellable, callback, user_data);
}

/**
 * tether_x2go_client_share_local_folder_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when shared
 *
 * Since: 0.1
 */
BOOL_FINISH (tether_x2go_client_share_local_folder_finish,
             tether_x2go_client_share_local_folder_async)

/**
 * tether_x2go_client_unshare_local_folder_async:
 * @self: a client
 * @session_uuid: a running session's uuid
 * @local_path: (nullable): a shared local folder; %NULL for all of them
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Unshares a local folder. Not built yet: fails with
 * %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_unshare_local_folder_async (TetherX2goClient    *self,
                                               const char          *session_uuid,
                                               const char          *local_path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_unshare_local_folder_async,
                       "local folder sharing", cancellable, callback, user_data);
}

/**
 * tether_x2go_client_unshare_local_folder_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when unshared
 *
 * Since: 0.1
 */
BOOL_FINISH (tether_x2go_client_unshare_local_folder_finish,
             tether_x2go_client_unshare_local_folder_async)

/**
 * tether_x2go_client_list_mounts_async:
 * @self: a client
 * @session_uuid: a running session's uuid
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the list
 * @user_data: data for @callback
 *
 * Lists the client folders mounted in the session. Not built yet: fails
 * with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_list_mounts_async (TetherX2goClient    *self,
                                      const char          *session_uuid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_list_mounts_async, "listing shared folders",
                       cancellable, callback, user_data);
}

/**
 * tether_x2go_client_list_mounts_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (array zero-terminated=1) (nullable): mount points
 *
 * Since: 0.1
 */
POINTER_FINISH (char **, tether_x2go_client_list_mounts_finish)

/**
 * tether_x2go_client_set_session_print_action:
 * @self: a client
 * @session_uuid: a session's uuid
 * @print_action: a print action name (`PDFVIEW`, `PDFSAVE`, `PRINT`, ...)
 * @error: return location for a #GError
 *
 * Printing is not built yet: fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Returns: %FALSE, with @error set
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_set_session_print_action (TetherX2goClient *self,
                                             const char       *session_uuid,
                                             const char       *print_action,
                                             GError          **error)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  return not_supported (error, "printing");
}

/**
 * tether_x2go_client_set_session_mimebox_action:
 * @self: a client
 * @session_uuid: a session's uuid
 * @mimebox_action: a MIME box action name (`OPEN`, `OPENWITH`, `SAVEAS`)
 * @error: return location for a #GError
 *
 * The MIME box is not built yet: fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Returns: %FALSE, with @error set
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_set_session_mimebox_action (TetherX2goClient *self,
                                               const char       *session_uuid,
                                               const char       *mimebox_action,
                                               GError          **error)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  return not_supported (error, "the MIME box");
}

/**
 * tether_x2go_client_start_sound:
 * @self: a client
 * @session_uuid: a session's uuid
 * @sound_system: `pulse` or `esd`
 * @error: return location for a #GError
 *
 * Sound is not built yet: fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Returns: %FALSE, with @error set
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_start_sound (TetherX2goClient *self,
                                const char       *session_uuid,
                                const char       *sound_system,
                                GError          **error)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  return not_supported (error, "sound");
}

/**
 * tether_x2go_client_list_desktops_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the list
 * @user_data: data for @callback
 *
 * Lists desktops available for sharing. Desktop sharing is not built yet:
 * fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_list_desktops_async (TetherX2goClient    *self,
                                        const char          *session_uuid,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_list_desktops_async, "desktop sharing",
                       cancellable, callback, user_data);
}

/**
 * tether_x2go_client_list_desktops_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (array zero-terminated=1) (nullable): desktops
 *   as `user@:display`
 *
 * Since: 0.1
 */
POINTER_FINISH (char **, tether_x2go_client_list_desktops_finish)

/**
 * tether_x2go_client_share_desktop_session_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @desktop: `user@:display`
 * @share_mode: 0 view only, 1 full access
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Shares another desktop. Not built yet: fails with
 * %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_share_desktop_session_async (TetherX2goClient    *self,
                                                const char          *session_uuid,
                                                const char          *desktop,
                                                guint                share_mode,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_share_desktop_session_async, "desktop sharing",
                       cancellable, callback, user_data);
}

/**
 * tether_x2go_client_share_desktop_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when shared
 *
 * Since: 0.1
 */
BOOL_FINISH (tether_x2go_client_share_desktop_session_finish,
             tether_x2go_client_share_desktop_session_async)

/**
 * tether_x2go_client_get_published_applications_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @lang: (nullable): a language for the menu
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the menu
 * @user_data: data for @callback
 *
 * Reads the published-applications menu. Not built yet: fails with
 * %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Since: 0.1
 */
void
tether_x2go_client_get_published_applications_async (TetherX2goClient    *self,
                                                     const char          *session_uuid,
                                                     const char          *lang,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  not_supported_async (self, tether_x2go_client_get_published_applications_async,
                       "published applications", cancellable, callback, user_data);
}

/**
 * tether_x2go_client_get_published_applications_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the menu
 *
 * Since: 0.1
 */
POINTER_FINISH (GVariant *, tether_x2go_client_get_published_applications_finish)

/**
 * tether_x2go_client_set_broker:
 * @self: a client
 * @broker_url: (nullable): an X2Go session broker's URL
 * @broker_password: (nullable): its password
 * @error: return location for a #GError
 *
 * Session brokers are not built yet: fails with %G_IO_ERROR_NOT_SUPPORTED.
 *
 * Returns: %FALSE, with @error set
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_set_broker (TetherX2goClient *self,
                               const char       *broker_url,
                               const char       *broker_password,
                               GError          **error)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  return not_supported (error, "an X2Go session broker");
}
