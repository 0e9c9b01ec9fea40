/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "tether-x2go-session-info.h"

G_BEGIN_DECLS

/* Which listing command printed the text: they differ in field count. */
typedef enum {
  TETHER_X2GO_LIST_SESSIONS,         /* x2golistsessions: 16 fields a line */
  TETHER_X2GO_LIST_SHADOW_SESSIONS,  /* x2golistshadowsessions: 14 fields */
  TETHER_X2GO_LIST_COMBINED,         /* "{ x2golistsessions; x2golistshadowsessions; }" */
} TetherX2goListKind;

#define TETHER_X2GO_LIST_FIELDS         16
#define TETHER_X2GO_LIST_SHADOW_FIELDS  14

/* Parses a whole listing (any number of "\n"-terminated lines up to
 * TETHER_X2GO_MAX_LIST_LINES; blank lines are skipped) into a GPtrArray of
 * TetherX2goSessionInfo (it owns them). Empty text gives an empty array.
 * A bad line fails the whole listing with TETHER_X2GO_ERROR_MALFORMED_OUTPUT
 * naming the command, the line number and the field. */
GPtrArray *tether_x2go_parse_session_list (const char         *data,
                                           gsize               len,
                                           TetherX2goListKind  kind,
                                           GError            **error);

/* One line (no newline). @n_fields_ok lists the accepted field counts
 * (14 and/or 16, 0-terminated). @what / @line_no go into error messages. */
TetherX2goSessionInfo *tether_x2go_session_info_parse_line (const char  *line,
                                                            const guint *n_fields_ok,
                                                            const char  *what,
                                                            guint        line_no,
                                                            GError     **error);

/* The parts of a session name
 * `<user>-<display>-<unix time>_st<T><command>_dp<depth>[_<xdmcp host>]`. */
typedef struct {
  TetherX2goSessionType type;
  char   *user;
  guint   display;
  guint64 timestamp;
  char   *command;     /* may be empty */
  guint   depth;
  char   *xdmcp_host;  /* NULL if absent */
} TetherX2goSessionName;

/* FALSE (and *out cleared) when @name is not in that format. */
gboolean tether_x2go_session_name_parse (const char *name, TetherX2goSessionName *out);
void     tether_x2go_session_name_clear (TetherX2goSessionName *name);

G_END_DECLS
