/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <glib-object.h>
#include "tether-version.h"

G_BEGIN_DECLS

/**
 * TetherX2goSessionState:
 * @TETHER_X2GO_SESSION_STATE_RUNNING: the session has an agent and is (or
 *   was last) attached to a client; status `R`
 * @TETHER_X2GO_SESSION_STATE_SUSPENDED: the agent is alive and no client is
 *   attached; status `S`
 * @TETHER_X2GO_SESSION_STATE_FINISHED: the session ended; status `F`. The
 *   server normally does not list finished sessions.
 *
 * The session database status of an X2Go session, as `x2golistsessions`
 * prints it.
 */
typedef enum {
  TETHER_X2GO_SESSION_STATE_RUNNING,
  TETHER_X2GO_SESSION_STATE_SUSPENDED,
  TETHER_X2GO_SESSION_STATE_FINISHED,
} TetherX2goSessionState;

/**
 * TetherX2goSessionType:
 * @TETHER_X2GO_SESSION_TYPE_UNKNOWN: the session name does not follow the
 *   `<user>-<display>-<time>_st<T><command>_dp<depth>` format
 * @TETHER_X2GO_SESSION_TYPE_DESKTOP: a full desktop (`_stD`)
 * @TETHER_X2GO_SESSION_TYPE_ROOTLESS: single application windows (`_stR`)
 * @TETHER_X2GO_SESSION_TYPE_PUBLISHED: a published-applications provider
 *   (`_stRPUBLISHED_`)
 * @TETHER_X2GO_SESSION_TYPE_SHADOW: desktop sharing of another display (`_stS`)
 * @TETHER_X2GO_SESSION_TYPE_KDRIVE: an X2Go KDrive desktop (`_stK`, newer
 *   servers)
 *
 * The kind of an X2Go session, as encoded in its name by `x2gostartagent`.
 */
typedef enum {
  TETHER_X2GO_SESSION_TYPE_UNKNOWN,
  TETHER_X2GO_SESSION_TYPE_DESKTOP,
  TETHER_X2GO_SESSION_TYPE_ROOTLESS,
  TETHER_X2GO_SESSION_TYPE_PUBLISHED,
  TETHER_X2GO_SESSION_TYPE_SHADOW,
  TETHER_X2GO_SESSION_TYPE_KDRIVE,
} TetherX2goSessionType;

/**
 * TETHER_X2GO_TYPE_SESSION_INFO:
 *
 * The #GType of [struct@X2goSessionInfo].
 */
#define TETHER_X2GO_TYPE_SESSION_INFO (tether_x2go_session_info_get_type ())

typedef struct _TetherX2goSessionInfo TetherX2goSessionInfo;

TETHER_AVAILABLE_IN_0_1
GType                  tether_x2go_session_info_get_type           (void) G_GNUC_CONST;

TETHER_AVAILABLE_IN_0_1
TetherX2goSessionInfo *tether_x2go_session_info_new_from_line      (const char            *line,
                                                                    GError               **error);
TETHER_AVAILABLE_IN_0_1
TetherX2goSessionInfo *tether_x2go_session_info_ref                (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
void                   tether_x2go_session_info_unref              (TetherX2goSessionInfo *info);

TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_name           (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_info_get_agent_pid      (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_info_get_display        (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_hostname       (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
TetherX2goSessionState tether_x2go_session_info_get_state          (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_creation_time  (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_cookie         (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_client_address (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint16                tether_x2go_session_info_get_graphics_port  (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint16                tether_x2go_session_info_get_sound_port     (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_last_change_time (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_username       (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
gint64                 tether_x2go_session_info_get_age            (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint16                tether_x2go_session_info_get_sshfs_port     (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint16                tether_x2go_session_info_get_telekinesis_control_port (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint16                tether_x2go_session_info_get_telekinesis_data_port    (TetherX2goSessionInfo *info);

TETHER_AVAILABLE_IN_0_1
TetherX2goSessionType  tether_x2go_session_info_get_session_type   (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_info_get_command        (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_info_get_color_depth    (TetherX2goSessionInfo *info);

TETHER_AVAILABLE_IN_0_1
gboolean               tether_x2go_session_info_is_running         (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
gboolean               tether_x2go_session_info_is_suspended       (TetherX2goSessionInfo *info);
TETHER_AVAILABLE_IN_0_1
gboolean               tether_x2go_session_info_is_starting        (TetherX2goSessionInfo *info);

TETHER_AVAILABLE_IN_0_1
char                  *tether_x2go_session_info_to_string          (TetherX2goSessionInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherX2goSessionInfo, tether_x2go_session_info_unref)

G_END_DECLS
