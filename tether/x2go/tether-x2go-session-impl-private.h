/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "tether-x2go-client-private.h"
#include "tether-x2go-nxproxy-private.h"
#include "tether-x2go-session-private.h"

G_BEGIN_DECLS

/*
 * The inside of TetherX2goSession, shared by its three files:
 *   tether-x2go-session.c      the object, connect, the registry update, queries
 *   tether-x2go-session-run.c  running one server command, listings, confirming
 *   tether-x2go-session-ops.c  the picture (forward + nxproxy), start, resume,
 *                              suspend, terminate, clean
 */

struct _TetherX2goSession {
  GObject                  parent_instance;

  TetherX2goClient        *client;        /* unowned: it owns us */
  GMainContext            *context;
  char                    *uuid;
  char                    *server;
  guint                    port;
  char                    *username;
  char                    *profile_name;
  char                    *server_key;
  TetherX2goSessionOptions opts;

  TetherX2goTransport     *transport;
  gulong                   check_host_id;
  gulong                   disconnected_id;
  gulong                   tunnel_failed_id;
  gboolean                 connected;
  TetherX2goSessionPhase   phase;
  gboolean                 virgin;
  gboolean                 busy;          /* connect/start/resume/suspend/terminate running */
  GCancellable            *background;    /* background listings; cancelled on disconnect */

  /* The associated server-side session. */
  char                    *session_name;
  guint                    display;
  guint                    agent_pid;
  char                    *cookie;
  guint                    graphics_port;
  guint                    sound_port;
  guint                    sshfs_port;
  TetherX2goSessionInfo   *info;

  /* The picture. */
  guint                    forward_id;
  guint                    local_port;
  TetherX2goNxproxy       *nxproxy;
  gulong                   nxproxy_exited_id;
  char                    *session_dir;
  gboolean                 lost_picture;  /* nxproxy died unexpectedly while running */

  /* What the server told us. */
  GHashTable              *features;      /* set of feature names */
  GHashTable              *versions;      /* component → version */
  GPtrArray               *listing;       /* of TetherX2goSessionInfo */
  char                    *listing_raw;
  gboolean                 refreshing;
};

enum {
  PROP_0,
  PROP_UUID,
  PROP_PROFILE_NAME,
  PROP_SERVER,
  PROP_PORT,
  PROP_USERNAME,
  PROP_SESSION_NAME,
  PROP_PHASE,
  PROP_CONNECTED,
  PROP_ATTACHED,
  PROP_DISPLAY,
  PROP_GRAPHICS_PORT,
  PROP_LOCAL_PORT,
  N_PROPS
};

void        tether_x2go_session_notify          (TetherX2goSession *self, guint prop_id);

/* ---- small helpers (tether-x2go-session.c) */
const char *tether_x2go_session_phase_nick      (TetherX2goSessionPhase phase);
void        tether_x2go_session_set_phase       (TetherX2goSession *self, TetherX2goSessionPhase phase);
void        tether_x2go_session_set_connected   (TetherX2goSession *self, gboolean connected);
void        tether_x2go_session_set_name        (TetherX2goSession *self, const char *name);
void        tether_x2go_session_set_info        (TetherX2goSession *self, TetherX2goSessionInfo *info);
gboolean    tether_x2go_session_is_attached     (TetherX2goSession *self);
guint       tether_x2go_session_command_timeout (TetherX2goSession *self);
TetherX2goSessionInfo *tether_x2go_session_find_info (GPtrArray *infos, const char *name);
GPtrArray  *tether_x2go_session_copy_listing    (GPtrArray *infos);
void        tether_x2go_session_store_listing   (TetherX2goSession *self, GPtrArray *infos, const char *raw);
gboolean    tether_x2go_session_not_connected   (GError **error, TetherX2goSession *self);
gboolean    tether_x2go_session_busy_error      (GError **error, TetherX2goSession *self);

/* ---- one server command (tether-x2go-session-run.c) */
typedef struct {
  char   *out;
  gsize   out_len;
  char   *err;
  gsize   err_len;
  int     status;
} TetherX2goCommandOutput;

void tether_x2go_command_output_free (TetherX2goCommandOutput *o);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherX2goCommandOutput, tether_x2go_command_output_free)

/* Runs @command (a builder's output) framed (tether_x2go_wrap_command) on
 * the session's connection, with the command time-out; @what names it in
 * errors ("x2gostartagent"). */
void        tether_x2go_session_run_async       (TetherX2goSession   *self,
                                                 const char          *what,
                                                 const char          *command,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TetherX2goCommandOutput *tether_x2go_session_run_finish (TetherX2goSession *self,
                                                         GAsyncResult      *result,
                                                         GError           **error);
/* The first line of stderr (at most 200 bytes, valid UTF-8), or NULL. */
char       *tether_x2go_first_stderr_line       (const char *err, gsize len);
/* A non-zero status as an error: "not found" (127) means no x2goserver. */
gboolean    tether_x2go_check_command_status    (const char *what, TetherX2goCommandOutput *o,
                                                 GError **error);
GPtrArray  *tether_x2go_session_parse_listing   (TetherX2goCommandOutput *o, GError **error);

typedef struct {
  GPtrArray *infos;
  char      *raw;
} TetherX2goListResult;

void        tether_x2go_list_result_free        (TetherX2goListResult *r);
/* One listing, stored as the session's last one; no registry update. */
void        tether_x2go_session_list_raw_async  (TetherX2goSession   *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TetherX2goListResult *tether_x2go_session_list_raw_finish (TetherX2goSession *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);

typedef enum {
  TETHER_X2GO_WANT_SUSPENDED,
  TETHER_X2GO_WANT_GONE,
  TETHER_X2GO_WANT_RUNNING,
} TetherX2goWant;

/* Lists until @name reached the wanted state (or attempts run out); returns
 * the last listing (transfer full). */
void        tether_x2go_session_confirm_async   (TetherX2goSession   *self,
                                                 const char          *name,
                                                 TetherX2goWant       want,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray  *tether_x2go_session_confirm_finish  (TetherX2goSession *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);

/* ---- the picture (tether-x2go-session-ops.c) */
void        tether_x2go_session_drop_nxproxy    (TetherX2goSession *self);
/* Stops showing the session here: nxproxy, then the tunnel. */
void        tether_x2go_session_detach          (TetherX2goSession *self);

G_END_DECLS
