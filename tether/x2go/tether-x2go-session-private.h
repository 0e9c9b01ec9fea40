/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "tether-x2go-client.h"
#include "tether-x2go-session.h"
#include "tether-x2go-session-options-private.h"

G_BEGIN_DECLS

/*
 * The state machine of one registered session (see tether-x2go-session.c for
 * the flows). The client owns its sessions and calls these; a session calls
 * back into its client only through tether-x2go-client-private.h (signals,
 * the transport factory, the registry fan-out).
 */

/* Time-outs of one server command, in seconds (doubled on slow links). */
#define TETHER_X2GO_COMMAND_TIMEOUT        30
/* Listings after a suspend or terminate until the server shows the change. */
#define TETHER_X2GO_CONFIRM_ATTEMPTS       10
#define TETHER_X2GO_CONFIRM_INTERVAL_MS    300

/* Takes @opts (cleared on return). */
TetherX2goSession *tether_x2go_session_new (TetherX2goClient         *client,
                                            const char               *uuid,
                                            const char               *server,
                                            guint                     port,
                                            const char               *username,
                                            TetherX2goSessionOptions *opts);

/* Gives a registered session new options (taking @opts), as python-x2go
 * does when it hands out a session registered earlier for a profile. A
 * connected session keeps its server, port and user: they must be the ones
 * given. FALSE (and @opts untouched) when the session is busy, has been
 * started, or is connected elsewhere. */
gboolean   tether_x2go_session_reconfigure       (TetherX2goSession        *self,
                                                  const char               *server,
                                                  guint                     port,
                                                  const char               *username,
                                                  TetherX2goSessionOptions *opts);
/* The `profile_id` of the registration (one was made up if none was given). */
const char *tether_x2go_session_get_profile_id   (TetherX2goSession        *self);

/* Called by the client before it drops its sessions. */
void       tether_x2go_session_shutdown          (TetherX2goSession *self);

void       tether_x2go_session_connect_async     (TetherX2goSession   *self,
                                                  const char          *username,
                                                  const char          *password,
                                                  const char          *passphrase,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_connect_finish    (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void       tether_x2go_session_disconnect        (TetherX2goSession   *self);

void       tether_x2go_session_start_async       (TetherX2goSession   *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_start_finish      (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void       tether_x2go_session_resume_async      (TetherX2goSession   *self,
                                                  const char          *session_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_resume_finish     (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* @session_name NULL: this session's own; else any session of the user. */
void       tether_x2go_session_suspend_async     (TetherX2goSession   *self,
                                                  const char          *session_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_suspend_finish    (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void       tether_x2go_session_terminate_async   (TetherX2goSession   *self,
                                                  const char          *session_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_terminate_finish  (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void       tether_x2go_session_list_async        (TetherX2goSession   *self,
                                                  TetherX2goListFlags  flags,
                                                  gboolean             use_cache,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray *tether_x2go_session_list_finish       (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  char               **raw_output,
                                                  GError             **error);
void       tether_x2go_session_clean_async       (TetherX2goSession   *self,
                                                  gboolean             published_applications,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   tether_x2go_session_clean_finish      (TetherX2goSession   *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* One listing in the background (the client's refresh timer, or after
 * nxproxy died); updates the registry, fires the signals. */
void       tether_x2go_session_refresh           (TetherX2goSession   *self);
/* Whether the refresh timer should list for this session now. */
gboolean   tether_x2go_session_wants_refresh     (TetherX2goSession   *self);
/* Compares a fresh listing of this session's server with what the session
 * knew and fires the session-* signals (python-x2go's registry update). */
void       tether_x2go_session_update_from_listing (TetherX2goSession *self,
                                                    GPtrArray         *infos);

/* "user@host:port": sessions with the same key see the same listing. */
const char *tether_x2go_session_get_server_key   (TetherX2goSession   *self);
/* The last listing seen on this session's connection (NULL before one). */
GPtrArray  *tether_x2go_session_get_last_listing (TetherX2goSession   *self);
TetherX2goSessionInfo *tether_x2go_session_get_info (TetherX2goSession *self);
GHashTable *tether_x2go_session_get_features     (TetherX2goSession   *self);
GHashTable *tether_x2go_session_get_versions     (TetherX2goSession   *self);
gboolean    tether_x2go_session_is_alive         (TetherX2goSession   *self);
gboolean    tether_x2go_session_is_ok            (TetherX2goSession   *self);
gboolean    tether_x2go_session_get_virgin       (TetherX2goSession   *self);
char       *tether_x2go_session_dup_peer_name    (TetherX2goSession   *self,
                                                  guint               *port);
GVariant   *tether_x2go_session_build_summary    (TetherX2goSession   *self);

G_END_DECLS
