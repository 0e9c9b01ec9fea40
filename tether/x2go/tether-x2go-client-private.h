/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "tether-x2go-client.h"
#include "tether-x2go-client-transport-private.h"
#include "tether-x2go-profiles.h"
#include "tether-x2go-session-options-private.h"

G_BEGIN_DECLS

/* What a session tells its client; each becomes the public signal of the
 * same name (docs/x2go-hooks.md). */
typedef enum {
  TETHER_X2GO_EVENT_STARTED_BY_ME,
  TETHER_X2GO_EVENT_STARTED_BY_OTHER,
  TETHER_X2GO_EVENT_RESUMED_BY_ME,
  TETHER_X2GO_EVENT_RESUMED_BY_OTHER,
  TETHER_X2GO_EVENT_SUSPENDED,
  TETHER_X2GO_EVENT_TERMINATED,
  TETHER_X2GO_EVENT_FOUND_RUNNING_AFTER_CONNECT,
  TETHER_X2GO_EVENT_STARTUP_FAILED,
} TetherX2goEvent;

/* Makes the transport of a session's SSH connection. The default makes the
 * libssh one; the unit tests plug in a scripted fake. */
typedef TetherX2goTransport *(*TetherX2goTransportFactory) (TetherX2goClient  *client,
                                                            TetherX2goSession *session,
                                                            gpointer           user_data);

void                 tether_x2go_client_set_transport_factory (TetherX2goClient          *self,
                                                               TetherX2goTransportFactory factory,
                                                               gpointer                   user_data,
                                                               GDestroyNotify             destroy);
TetherX2goTransport *tether_x2go_client_make_transport        (TetherX2goClient  *self,
                                                               TetherX2goSession *session);

void     tether_x2go_client_emit_event        (TetherX2goClient  *self,
                                               TetherX2goSession *session,
                                               TetherX2goEvent    event,
                                               const char        *session_name,
                                               gboolean           by_me);
gboolean tether_x2go_client_emit_check_host   (TetherX2goClient  *self,
                                               TetherX2goSession *session,
                                               const char        *host,
                                               guint              port,
                                               const char        *fingerprint,
                                               const char        *fingerprint_type,
                                               gboolean           add_to_known_hosts);
void     tether_x2go_client_emit_no_such_command (TetherX2goClient  *self,
                                                  TetherX2goSession *session,
                                                  const char        *command);
void     tether_x2go_client_emit_control_session_death (TetherX2goClient  *self,
                                                        TetherX2goSession *session,
                                                        const GError      *error);
void     tether_x2go_client_emit_tunnel_failed (TetherX2goClient  *self,
                                                TetherX2goSession *session,
                                                const char        *chain_host,
                                                guint              chain_port,
                                                const char        *subsystem);
void     tether_x2go_client_emit_nxproxy_died (TetherX2goClient  *self,
                                               TetherX2goSession *session,
                                               const char        *message);

/* Hands a fresh listing from @from to every connected session on the same
 * server and user (python-x2go's registry update), and to @from itself. */
void               tether_x2go_client_fan_out_listing (TetherX2goClient  *self,
                                                       TetherX2goSession *from,
                                                       GPtrArray         *infos);
/* The registered session other than @except that shows @session_name on
 * the same server right now, or NULL. */
TetherX2goSession *tether_x2go_client_find_attached   (TetherX2goClient  *self,
                                                       TetherX2goSession *except,
                                                       const char        *session_name);
/* Milliseconds between the listings that confirm a suspend or terminate
 * (TETHER_X2GO_CONFIRM_INTERVAL_MS; the unit tests shorten it). */
guint              tether_x2go_client_get_confirm_interval (TetherX2goClient *self);
void               tether_x2go_client_set_confirm_interval (TetherX2goClient *self,
                                                            guint             ms);
/* Re-arms the refresh timer after a session's state changed. */
void               tether_x2go_client_session_changed (TetherX2goClient  *self);

/* The inside of TetherX2goClient, shared by tether-x2go-client.c (the
 * object and the registry), tether-x2go-client-ops.c (the async
 * operations), tether-x2go-client-queries.c and
 * tether-x2go-client-profiles.c (session profiles). */
struct _TetherX2goClient {
  GObject                    parent_instance;

  GMainContext              *context;
  GHashTable                *sessions;      /* uuid → TetherX2goSession */
  GPtrArray                 *order;         /* registration order */

  guint                      refresh_interval;
  gboolean                   use_listsessions_cache;
  char                      *client_rootdir;
  char                      *sessions_rootdir;
  char                      *ssh_rootdir;
  char                      *nxproxy_path;
  char                      *display;

  GSource                   *refresh_source;
  guint                      refresh_source_interval;
  guint                      confirm_interval;

  TetherX2goTransportFactory factory;
  gpointer                   factory_data;
  GDestroyNotify             factory_destroy;

  TetherX2goProfiles        *profiles;      /* NULL until first needed */
  GError                    *profiles_error; /* why its load failed, or NULL */
  GHashTable                *reserved;      /* uuids registered by
                                             * register_all_session_profiles,
                                             * not handed out yet */
};

TetherX2goSession *tether_x2go_client_lookup          (TetherX2goClient *self,
                                                       const char       *uuid);
TetherX2goSession *tether_x2go_client_lookup_or_error (TetherX2goClient *self,
                                                       const char       *uuid,
                                                       GError          **error);
GTask             *tether_x2go_client_task            (TetherX2goClient    *self,
                                                       gpointer             tag,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           tether_x2go_client_bool_finish     (TetherX2goClient *self,
                                                       GAsyncResult     *result,
                                                       gpointer          tag,
                                                       GError          **error);

/* A registration in two steps (tether-x2go-client.c): checks the identity
 * and parses @options into @opts (set up even on failure: clear it), then
 * adds the session (taking @opts). */
gboolean           tether_x2go_client_prepare_registration (TetherX2goClient         *self,
                                                            const char               *server,
                                                            guint                     port,
                                                            const char               *username,
                                                            GVariant                 *options,
                                                            char                    **host_out,
                                                            guint                    *port_out,
                                                            char                    **user_out,
                                                            TetherX2goSessionOptions *opts,
                                                            GError                  **error);
char              *tether_x2go_client_add_session     (TetherX2goClient         *self,
                                                       const char               *host,
                                                       guint                     port,
                                                       const char               *user,
                                                       TetherX2goSessionOptions *opts);
/* The registered sessions that pass @filter (and have @profile_name, when
 * not NULL), as the session queries return them (tether-x2go-client-queries.c). */
typedef enum {
  TETHER_X2GO_FILTER_REGISTERED,
  TETHER_X2GO_FILTER_CONNECTED,
  TETHER_X2GO_FILTER_ASSOCIATED,
  TETHER_X2GO_FILTER_RUNNING,
  TETHER_X2GO_FILTER_SUSPENDED,
} TetherX2goSessionFilter;

char             **tether_x2go_client_collect         (TetherX2goClient        *self,
                                                       TetherX2goSessionFilter  filter,
                                                       const char              *profile_name,
                                                       TetherX2goSessionReturn  what);

/* Drops the profile store (a root dir changed); the next use makes a new one. */
void               tether_x2go_client_forget_profiles (TetherX2goClient *self);

G_END_DECLS
