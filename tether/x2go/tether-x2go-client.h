/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tether-version.h"
#include "tether-x2go-profiles.h"
#include "tether-x2go-session.h"
#include "tether-x2go-session-info.h"

G_BEGIN_DECLS

/**
 * TetherX2goListFlags:
 * @TETHER_X2GO_LIST_NONE: the defaults: use the listing cache when
 *   [property@X2goClient:use-listsessions-cache] is set, and update the
 *   registry (which fires the session-* signals)
 * @TETHER_X2GO_LIST_NO_CACHE: always ask the server; leave the cache alone
 * @TETHER_X2GO_LIST_REFRESH_CACHE: ask the server and store the answer in the
 *   cache
 * @TETHER_X2GO_LIST_NO_REGISTRY_UPDATE: do not update the states of
 *   registered sessions from this listing
 *
 * How [method@X2goClient.list_sessions_async] gets its answer; the
 * reference's `no_cache`, `refresh_cache` and `update_sessionregistry`.
 */
typedef enum {
  TETHER_X2GO_LIST_NONE = 0,
  TETHER_X2GO_LIST_NO_CACHE = 1 << 0,
  TETHER_X2GO_LIST_REFRESH_CACHE = 1 << 1,
  TETHER_X2GO_LIST_NO_REGISTRY_UPDATE = 1 << 2,
} TetherX2goListFlags;

/**
 * TetherX2goSessionReturn:
 * @TETHER_X2GO_SESSION_RETURN_UUIDS: the registry's session uuids
 * @TETHER_X2GO_SESSION_RETURN_SESSION_NAMES: the server-side session names
 *   (sessions without one are left out)
 * @TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES: the profile names (each once)
 * @TETHER_X2GO_SESSION_RETURN_PROFILE_IDS: the profile IDs (each once; a
 *   session registered without a profile has an ID of its own). Since: 0.1
 *
 * What the session queries such as [method@X2goClient.running_sessions]
 * return; the reference's `return_session_names` / `return_profile_names` /
 * `return_profile_ids`. The reference's `return_objects` is
 * [method@X2goClient.get_session].
 */
typedef enum {
  TETHER_X2GO_SESSION_RETURN_UUIDS,
  TETHER_X2GO_SESSION_RETURN_SESSION_NAMES,
  TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES,
  TETHER_X2GO_SESSION_RETURN_PROFILE_IDS,
} TetherX2goSessionReturn;

/**
 * TETHER_X2GO_TYPE_CLIENT:
 *
 * The #GType of [class@X2goClient].
 */
#define TETHER_X2GO_TYPE_CLIENT (tether_x2go_client_get_type ())

TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherX2goClient, tether_x2go_client, TETHER_X2GO, CLIENT, GObject)

TETHER_AVAILABLE_IN_0_1
TetherX2goClient  *tether_x2go_client_new                     (void);

/* ---- properties ---------------------------------------------------------- */

TETHER_AVAILABLE_IN_0_1
guint              tether_x2go_client_get_refresh_interval    (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_refresh_interval    (TetherX2goClient *self,
                                                               guint             seconds);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_get_use_listsessions_cache (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_use_listsessions_cache (TetherX2goClient *self,
                                                                  gboolean          use_cache);
TETHER_AVAILABLE_IN_0_1
const char        *tether_x2go_client_get_client_rootdir      (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_client_rootdir      (TetherX2goClient *self,
                                                               const char       *path);
TETHER_AVAILABLE_IN_0_1
const char        *tether_x2go_client_get_sessions_rootdir    (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_sessions_rootdir    (TetherX2goClient *self,
                                                               const char       *path);
TETHER_AVAILABLE_IN_0_1
const char        *tether_x2go_client_get_ssh_rootdir         (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_ssh_rootdir         (TetherX2goClient *self,
                                                               const char       *path);
TETHER_AVAILABLE_IN_0_1
const char        *tether_x2go_client_get_nxproxy_path        (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_nxproxy_path        (TetherX2goClient *self,
                                                               const char       *path);
TETHER_AVAILABLE_IN_0_1
const char        *tether_x2go_client_get_display             (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_set_display             (TetherX2goClient *self,
                                                               const char       *display);

/* ---- registry ------------------------------------------------------------ */

TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_register_session        (TetherX2goClient *self,
                                                               const char       *server,
                                                               guint             port,
                                                               const char       *username,
                                                               GVariant         *options,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_unregister_session      (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
TetherX2goSession *tether_x2go_client_get_session             (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_of_session_name (TetherX2goClient *self,
                                                                   const char       *session_name);

/* ---- connection ---------------------------------------------------------- */

TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_connect_session_async   (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               const char          *username,
                                                               const char          *password,
                                                               const char          *passphrase,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_connect_session_finish  (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_disconnect_session      (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               GError          **error);

/* ---- session life -------------------------------------------------------- */

TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_start_session_async     (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_start_session_finish    (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_resume_session_async    (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               const char          *session_name,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_resume_session_finish   (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_suspend_session_async   (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               const char          *session_name,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_suspend_session_finish  (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_terminate_session_async (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               const char          *session_name,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_terminate_session_finish (TetherX2goClient   *self,
                                                                GAsyncResult       *result,
                                                                GError            **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_list_sessions_async     (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               TetherX2goListFlags  flags,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
GPtrArray         *tether_x2go_client_list_sessions_finish    (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               char               **raw_output,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_clean_sessions_async    (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               gboolean             published_applications,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_clean_sessions_finish   (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* ---- server ---------------------------------------------------------------- */

TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_server_is_alive         (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_all_servers_are_alive   (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_get_server_features     (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_server_feature      (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               const char       *feature);
TETHER_AVAILABLE_IN_0_1
GHashTable        *tether_x2go_client_get_server_versions     (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_server_running_sessions (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_server_suspended_sessions (TetherX2goClient *self,
                                                                 const char       *session_uuid,
                                                                 GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_server_has_running_sessions (TetherX2goClient *self,
                                                                   const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_server_has_suspended_sessions (TetherX2goClient *self,
                                                                     const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_server_has_running_session_of_name (TetherX2goClient *self,
                                                                          const char       *session_uuid,
                                                                          const char       *session_name);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_server_has_suspended_session_of_name (TetherX2goClient *self,
                                                                            const char       *session_uuid,
                                                                            const char       *session_name);

/* ---- state queries --------------------------------------------------------- */

TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_is_session_connected    (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_is_session_running      (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               const char       *session_name);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_is_session_suspended    (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               const char       *session_name);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_session_terminated  (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               const char       *session_name);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_session_ok              (TetherX2goClient *self,
                                                               const char       *session_uuid);

TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_registered_sessions     (TetherX2goClient       *self,
                                                               TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_connected_sessions      (TetherX2goClient       *self,
                                                               TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_associated_sessions     (TetherX2goClient       *self,
                                                               TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_running_sessions        (TetherX2goClient       *self,
                                                               TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_suspended_sessions      (TetherX2goClient       *self,
                                                               TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_connected_sessions  (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_associated_sessions (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_running_sessions    (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_suspended_sessions  (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_has_registered_session_of_name (TetherX2goClient *self,
                                                                      const char       *session_name);

TETHER_AVAILABLE_IN_0_1
TetherX2goSessionInfo *tether_x2go_client_get_session_info    (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
GVariant          *tether_x2go_client_get_session_summary     (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_name        (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_username    (TetherX2goClient *self,
                                                               const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_server_peername (TetherX2goClient *self,
                                                                   const char       *session_uuid,
                                                                   guint            *port);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_server_hostname (TetherX2goClient *self,
                                                                   const char       *session_uuid);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_profile_name (TetherX2goClient *self,
                                                                const char       *session_uuid);

/* ---- session profiles (tether-x2go-client-profiles.c) ------------------------ */

TETHER_AVAILABLE_IN_0_1
TetherX2goProfiles *tether_x2go_client_get_profiles           (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
GVariant          *tether_x2go_client_get_profile_config      (TetherX2goClient *self,
                                                               const char       *profile_id_or_name,
                                                               const char       *parameter,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
GVariant          *tether_x2go_client_with_profile_config     (TetherX2goClient *self,
                                                               const char       *profile_id_or_name,
                                                               const char       *parameter,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_set_profile_config      (TetherX2goClient *self,
                                                               const char       *profile_id_or_name,
                                                               const char       *parameter,
                                                               GVariant         *value,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_get_profile_names       (TetherX2goClient *self);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_is_session_profile      (TetherX2goClient *self,
                                                               const char       *profile_id_or_name);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_to_profile_id           (TetherX2goClient *self,
                                                               const char       *profile_name);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_to_profile_name         (TetherX2goClient *self,
                                                               const char       *profile_id);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_profile_metatype    (TetherX2goClient *self,
                                                               const char       *profile_name,
                                                               GError          **error);

TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_register_session_from_profile (TetherX2goClient *self,
                                                                     const char       *profile_id_or_name,
                                                                     GVariant         *options,
                                                                     GError          **error);
TETHER_AVAILABLE_IN_0_1
GHashTable        *tether_x2go_client_register_all_session_profiles (TetherX2goClient *self,
                                                                     GError          **error);
TETHER_AVAILABLE_IN_0_1
char              *tether_x2go_client_get_session_profile_id  (TetherX2goClient *self,
                                                               const char       *session_uuid);

TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_connected_profiles      (TetherX2goClient *self,
                                                               gboolean          return_profile_names);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_is_profile_connected    (TetherX2goClient *self,
                                                               const char       *profile_name);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_disconnect_profile      (TetherX2goClient *self,
                                                               const char       *profile_name,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_registered_sessions_of_profile_name (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_connected_sessions_of_profile_name  (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_associated_sessions_of_profile_name (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_running_sessions_of_profile_name    (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_suspended_sessions_of_profile_name  (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_pubapp_sessions_of_profile_name     (TetherX2goClient       *self,
                                                                           const char             *profile_name,
                                                                           TetherX2goSessionReturn what);

/* ---- not built yet: G_IO_ERROR_NOT_SUPPORTED -------------------------------- */

TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_share_local_folder_async  (TetherX2goClient    *self,
                                                                 const char          *session_uuid,
                                                                 const char          *local_path,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_share_local_folder_finish (TetherX2goClient    *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_unshare_local_folder_async  (TetherX2goClient    *self,
                                                                   const char          *session_uuid,
                                                                   const char          *local_path,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_unshare_local_folder_finish (TetherX2goClient    *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_list_mounts_async       (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_list_mounts_finish      (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_set_session_print_action (TetherX2goClient *self,
                                                                const char       *session_uuid,
                                                                const char       *print_action,
                                                                GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_set_session_mimebox_action (TetherX2goClient *self,
                                                                  const char       *session_uuid,
                                                                  const char       *mimebox_action,
                                                                  GError          **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_start_sound             (TetherX2goClient *self,
                                                               const char       *session_uuid,
                                                               const char       *sound_system,
                                                               GError          **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_list_desktops_async     (TetherX2goClient    *self,
                                                               const char          *session_uuid,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
char             **tether_x2go_client_list_desktops_finish    (TetherX2goClient    *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_share_desktop_session_async  (TetherX2goClient    *self,
                                                                    const char          *session_uuid,
                                                                    const char          *desktop,
                                                                    guint                share_mode,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_share_desktop_session_finish (TetherX2goClient    *self,
                                                                    GAsyncResult        *result,
                                                                    GError             **error);
TETHER_AVAILABLE_IN_0_1
void               tether_x2go_client_get_published_applications_async  (TetherX2goClient    *self,
                                                                          const char          *session_uuid,
                                                                          const char          *lang,
                                                                          GCancellable        *cancellable,
                                                                          GAsyncReadyCallback  callback,
                                                                          gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
GVariant          *tether_x2go_client_get_published_applications_finish (TetherX2goClient    *self,
                                                                         GAsyncResult        *result,
                                                                         GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean           tether_x2go_client_set_broker              (TetherX2goClient *self,
                                                               const char       *broker_url,
                                                               const char       *broker_password,
                                                               GError          **error);

G_END_DECLS
