/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Every cap on X2Go server command output and on command-line arguments, in
 * one place. Server output is untrusted: a parser refuses input over these
 * limits with TETHER_X2GO_ERROR_MALFORMED_OUTPUT instead of allocating for it.
 */

/* Longest line of any line-based server output, without its newline.
 * A real x2golistsessions line is about 150 bytes. */
#define TETHER_X2GO_MAX_LINE_LENGTH        4096

/* Most lines x2golistsessions / x2golistshadowsessions / x2golistdesktops /
 * x2golistmounts / x2gofeaturelist / x2goversion output may have. */
#define TETHER_X2GO_MAX_LIST_LINES         1024

/* The x2gogetapps menu carries base64 icons: a larger budget of its own. */
#define TETHER_X2GO_MAX_APPS_OUTPUT        (32 * 1024 * 1024)
#define TETHER_X2GO_MAX_APPS_LINE_LENGTH   (64 * 1024)
#define TETHER_X2GO_MAX_APPS               4096
#define TETHER_X2GO_MAX_APP_KEYS           64
#define TETHER_X2GO_MAX_ICON_SIZE          (4 * 1024 * 1024)   /* decoded bytes */

/* Field sizes. */
#define TETHER_X2GO_MAX_SESSION_NAME       256
#define TETHER_X2GO_MAX_USER_NAME          256
#define TETHER_X2GO_MAX_HOST_NAME          255
#define TETHER_X2GO_MAX_FEATURE_NAME       128
#define TETHER_X2GO_MAX_VERSION_TEXT       128
#define TETHER_X2GO_MAX_PATH               4096
#define TETHER_X2GO_COOKIE_LENGTH          32      /* hex digits, from mcookie */

/* Numeric ranges. A display is also an X11 TCP port offset (6000 + n). */
#define TETHER_X2GO_MAX_DISPLAY            59535
#define TETHER_X2GO_MAX_PID                G_MAXINT32
#define TETHER_X2GO_MAX_AGE                G_GINT64_CONSTANT (3153600000)  /* 100 years, s */

/* The x2gostartagent output: 7 lines, or 9 with Telekinesis. */
#define TETHER_X2GO_START_AGENT_LINES      7
#define TETHER_X2GO_START_AGENT_LINES_TEKI 9

/* Command-line arguments built for the server. */
#define TETHER_X2GO_MAX_GEOMETRY_DIM       16384
#define TETHER_X2GO_MAX_COMMAND_LENGTH     1024
#define TETHER_X2GO_MAX_KBD_TEXT           64
#define TETHER_X2GO_MAX_DPI                1000
#define TETHER_X2GO_MAX_ENV_VARS           16
