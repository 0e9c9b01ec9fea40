/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

/* TetherX2goClient's async operations: each wraps the operation of one
 * registered TetherX2goSession (tether-x2go-session*.c) in a task whose
 * source object is the client, as GI expects. */

#include "config.h"

#include "tether-error.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-session-private.h"

/* ---- helpers ------------------------------------------------------------------------- */

GTask *
tether_x2go_client_task (TetherX2goClient    *self,
                         gpointer             tag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  return task;
}

static void
on_bool_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean (*finish) (TetherX2goSession *, GAsyncResult *, GError **) =
    g_task_get_task_data (task);
  GError *error = NULL;

  if (finish (TETHER_X2GO_SESSION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

typedef gboolean (*SessionFinish) (TetherX2goSession *, GAsyncResult *, GError **);

gboolean
tether_x2go_client_bool_finish (TetherX2goClient *self, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_x2go_client_connect_session_async:
 * @self: a client
 * @session_uuid: a session's uuid
 * @username: (nullable): a user name that replaces the registered one
 * @password: (nullable): the password (or the key passphrase when no
 *   @passphrase is given and a key needs one); %NULL for the registered one
 * @passphrase: (nullable): the private key's passphrase
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when connected or failed
 * @user_data: data for @callback
 *
 * Connects the session to its server: SSH connect, host key check (see
 * [signal@X2goClient::check-host]), authentication, then the X2Go checks:
 * the feature list, the component versions (the server must list
 * `x2goserver`, else %TETHER_X2GO_ERROR_NO_SERVER) and a listing of the
 * user's sessions, which fires
 * [signal@X2goClient::found-session-running-after-connect]. Secrets are
 * wiped once the SSH layer has them. Connecting a connected session
 * succeeds at once.
 *
 * Since: 0.1
 */
void
tether_x2go_client_connect_session_async (TetherX2goClient    *self,
                                          const char          *session_uuid,
                                          const char          *username,
                                          const char          *password,
                                          const char          *passphrase,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  TetherX2goSession *s;
  GError *error = NULL;

  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  task = tether_x2go_client_task (self, tether_x2go_client_connect_session_async, cancellable,
                      callback, user_data);
  s = tether_x2go_client_lookup_or_error (self, session_uuid, &error);
  if (s == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, (gpointer) tether_x2go_session_connect_finish, NULL);
  tether_x2go_session_connect_async (s, username, password, passphrase, cancellable,
                                     on_bool_done, task);
}

/**
 * tether_x2go_client_connect_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when connected
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_connect_session_finish (TetherX2goClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_connect_session_async, error);
}

/**
 * tether_x2go_client_disconnect_session:
 * @self: a client
 * @session_uuid: a session's uuid
 * @error: return location for a #GError
 *
 * Closes the session's SSH connection. A session shown here loses its
 * picture; the server's agent suspends itself when the NX connection drops.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_disconnect_session (TetherX2goClient *self,
                                       const char       *session_uuid,
                                       GError          **error)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup_or_error (self, session_uuid, error);
  if (s == NULL)
    return FALSE;
  tether_x2go_session_disconnect (s);
  return TRUE;
}

#define DEFINE_BOOL_OP(op, call)                                                     \
  {                                                                                  \
    GTask *task;                                                                     \
    TetherX2goSession *s;                                                            \
    GError *error = NULL;                                                            \
                                                                                     \
    g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));                                 \
    task = tether_x2go_client_task (self, tether_x2go_client_##op##_async, cancellable,          \
                        callback, user_data);                                        \
    s = tether_x2go_client_lookup_or_error (self, session_uuid, &error);                                \
    if (s == NULL)                                                                   \
      {                                                                              \
        g_task_return_error (task, error);                                           \
        g_object_unref (task);                                                       \
        return;                                                                      \
      }                                                                              \
    call;                                                                            \
  }

/**
 * tether_x2go_client_start_session_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the session runs here, or failed
 * @user_data: data for @callback
 *
 * Starts a new server-side session and shows it: checks that the command
 * exists ([signal@X2goClient::no-such-command]), runs `x2gostartagent`,
 * tunnels a local port on 127.0.0.1 to the agent's graphics port, starts
 * nxproxy on the local display, runs `x2goruncommand`, and confirms with a
 * listing. Success fires [signal@X2goClient::session-started-by-me]; a
 * failure fires [signal@X2goClient::session-startup-failed] and terminates
 * a half-started server session.
 *
 * Since: 0.1
 */
void
tether_x2go_client_start_session_async (TetherX2goClient    *self,
                                        const char          *session_uuid,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
DEFINE_BOOL_OP (start_session,
                g_task_set_task_data (task, (gpointer) tether_x2go_session_start_finish, NULL);
                tether_x2go_session_start_async (s, cancellable, on_bool_done, task))

/**
 * tether_x2go_client_start_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the session runs and is shown here
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_start_session_finish (TetherX2goClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_start_session_async, error);
}

/**
 * tether_x2go_client_resume_session_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @session_name: (nullable): the server-side session to resume; %NULL for
 *   the session's own (from an earlier start, or its registration)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the session runs here, or failed
 * @user_data: data for @callback
 *
 * Resumes a suspended session, or takes over one running elsewhere (the
 * server suspends it there first): `x2goresume-session`, then the tunnel and
 * nxproxy as for a start (no `x2goruncommand`). Success fires
 * [signal@X2goClient::session-resumed-by-me]. An unknown name fails with
 * %TETHER_X2GO_ERROR_NO_SUCH_SESSION.
 *
 * Since: 0.1
 */
void
tether_x2go_client_resume_session_async (TetherX2goClient    *self,
                                         const char          *session_uuid,
                                         const char          *session_name,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
DEFINE_BOOL_OP (resume_session,
                g_task_set_task_data (task, (gpointer) tether_x2go_session_resume_finish, NULL);
                tether_x2go_session_resume_async (s, session_name, cancellable, on_bool_done,
                                                  task))

/**
 * tether_x2go_client_resume_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the session runs and is shown here
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_resume_session_finish (TetherX2goClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_resume_session_async, error);
}

/**
 * tether_x2go_client_suspend_session_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @session_name: (nullable): %NULL (or the session's own name) to suspend
 *   this session; another name suspends that session of the same user on
 *   the same server (a non-associated session)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Runs `x2gosuspend-session`, takes the local picture down, and confirms
 * with listings that the server shows the session suspended (the command
 * prints nothing, even for unknown sessions). Fires
 * [signal@X2goClient::session-suspended]. Suspending an unknown session
 * fails with %TETHER_X2GO_ERROR_NO_SUCH_SESSION (looked up in the last
 * listing when [property@X2goClient:use-listsessions-cache] is set, in a
 * new one otherwise).
 *
 * Since: 0.1
 */
void
tether_x2go_client_suspend_session_async (TetherX2goClient    *self,
                                          const char          *session_uuid,
                                          const char          *session_name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
DEFINE_BOOL_OP (suspend_session,
                g_task_set_task_data (task, (gpointer) tether_x2go_session_suspend_finish, NULL);
                tether_x2go_session_suspend_async (s, session_name, cancellable, on_bool_done,
                                                   task))

/**
 * tether_x2go_client_suspend_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server shows the session suspended
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_suspend_session_finish (TetherX2goClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_suspend_session_async, error);
}

/**
 * tether_x2go_client_terminate_session_async:
 * @self: a client
 * @session_uuid: a connected session's uuid
 * @session_name: (nullable): %NULL (or the session's own name) to
 *   terminate this session; another name terminates that session of the
 *   same user on the same server
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Runs `x2goterminate-session`, takes the local picture down, removes the
 * local session folder, and confirms with listings that the session is gone.
 * Fires [signal@X2goClient::session-terminated]. Terminating an unknown
 * session fails with %TETHER_X2GO_ERROR_NO_SUCH_SESSION, looked up as for
 * [method@X2goClient.suspend_session_async].
 *
 * Since: 0.1
 */
void
tether_x2go_client_terminate_session_async (TetherX2goClient    *self,
                                            const char          *session_uuid,
                                            const char          *session_name,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
DEFINE_BOOL_OP (terminate_session,
                g_task_set_task_data (task, (gpointer) tether_x2go_session_terminate_finish, NULL);
                tether_x2go_session_terminate_async (s, session_name, cancellable, on_bool_done,
                                                     task))

/**
 * tether_x2go_client_terminate_session_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the session is gone
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_terminate_session_finish (TetherX2goClient  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_terminate_session_async, error);
}

/**
 * tether_x2go_client_clean_sessions_async:
 * @self: a client
 * @session_uuid: a connected session's uuid (its server and user are cleaned)
 * @published_applications: also terminate published-applications providers
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Terminates every session the user has on the server, like the
 * reference's `clean_sessions()`.
 *
 * Since: 0.1
 */
void
tether_x2go_client_clean_sessions_async (TetherX2goClient    *self,
                                         const char          *session_uuid,
                                         gboolean             published_applications,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
DEFINE_BOOL_OP (clean_sessions,
                g_task_set_task_data (task, (gpointer) tether_x2go_session_clean_finish, NULL);
                tether_x2go_session_clean_async (s, published_applications, cancellable,
                                                 on_bool_done, task))

/**
 * tether_x2go_client_clean_sessions_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every session was terminated
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_clean_sessions_finish (TetherX2goClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return tether_x2go_client_bool_finish (self, result, tether_x2go_client_clean_sessions_async, error);
}

typedef struct {
  GPtrArray *infos;
  char      *raw;
} ClientListResult;

static void
client_list_result_free (ClientListResult *r)
{
  g_clear_pointer (&r->infos, g_ptr_array_unref);
  g_free (r->raw);
  g_free (r);
}

static void
on_list_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ClientListResult *r = g_new0 (ClientListResult, 1);
  GError *error = NULL;

  r->infos = tether_x2go_session_list_finish (TETHER_X2GO_SESSION (source), result, &r->raw,
                                              &error);
  if (r->infos == NULL)
    {
      client_list_result_free (r);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, r, (GDestroyNotify) client_list_result_free);
}

/**
 * tether_x2go_client_list_sessions_async:
 * @self: a client
 * @session_uuid: a connected session's uuid (its server and user are listed)
 * @flags: how to get the answer
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the listing
 * @user_data: data for @callback
 *
 * Lists the user's sessions on the server (`x2golistsessions`). Unless
 * @flags say otherwise the listing updates every registered session on that
 * server, which fires the session-* signals for changes made elsewhere.
 *
 * Since: 0.1
 */
void
tether_x2go_client_list_sessions_async (TetherX2goClient    *self,
                                        const char          *session_uuid,
                                        TetherX2goListFlags  flags,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
DEFINE_BOOL_OP (list_sessions,
                tether_x2go_session_list_async (s, flags, self->use_listsessions_cache,
                                                cancellable, on_list_done, task))

/**
 * tether_x2go_client_list_sessions_finish:
 * @self: a client
 * @result: the #GAsyncResult
 * @raw_output: (out) (optional) (transfer full): the server's text, in
 *   x2golistsessions' own format
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TetherX2goSessionInfo): the
 *   sessions, or %NULL on error. The array holds a reference on each record
 *   and drops it when freed: free it with g_ptr_array_unref().
 *
 * Since: 0.1
 */
GPtrArray *
tether_x2go_client_list_sessions_finish (TetherX2goClient  *self,
                                         GAsyncResult      *result,
                                         char             **raw_output,
                                         GError           **error)
{
  ClientListResult *r;
  GPtrArray *infos;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (raw_output != NULL)
    *raw_output = NULL;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  infos = g_steal_pointer (&r->infos);
  if (raw_output != NULL)
    *raw_output = g_steal_pointer (&r->raw);
  client_list_result_free (r);
  return infos;
}
