/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-reader-private.h"

G_BEGIN_DECLS

/*
 * Shared pieces of the X2Go text parsers: a line reader over untrusted
 * command output, allow-list validators for the field kinds the server
 * prints, and the MALFORMED_OUTPUT error helper.
 *
 * Line rules (the same for every parser): lines end in "\n"; a final line
 * without its "\n" is refused as truncated output, because a cut line can
 * still look valid (a shorter number, an empty last field). A NUL byte or a
 * carriage return anywhere is refused. Lines longer than the reader's cap,
 * and more lines than its cap, are refused.
 */

typedef enum {
  TETHER_X2GO_LINE_ERROR = -1,
  TETHER_X2GO_LINE_END = 0,
  TETHER_X2GO_LINE_OK = 1,
} TetherX2goLineResult;

typedef struct {
  TetherReader r;
  const char  *what;       /* the command, for messages; static text */
  gsize        max_line;   /* longest line, without its newline */
  guint        max_lines;
  guint        line_no;    /* 1-based number of the line last returned */
} TetherX2goLineReader;

void                 tether_x2go_line_reader_init (TetherX2goLineReader *lr,
                                                   const char           *what,
                                                   const char           *data,
                                                   gsize                 len,
                                                   gsize                 max_line,
                                                   guint                 max_lines);
/* On TETHER_X2GO_LINE_OK, *line is a NUL-terminated copy without the newline
 * (free it); it contains no NUL and no CR. */
TetherX2goLineResult tether_x2go_line_reader_next (TetherX2goLineReader *lr,
                                                   char                **line,
                                                   GError              **error);

/* Whether a line is empty or only blanks (spaces and tabs). */
gboolean tether_x2go_line_is_blank (const char *line);

/* Sets TETHER_X2GO_ERROR_MALFORMED_OUTPUT: "<what>: line <n>: <message>"
 * (without the line part when @line is 0). Returns FALSE. */
gboolean tether_x2go_set_malformed (GError    **error,
                                    const char *what,
                                    guint       line,
                                    const char *format,
                                    ...) G_GNUC_PRINTF (4, 5);

/* A short, printable, escaped copy of untrusted text for an error message. */
char *tether_x2go_quote_for_message (const char *text);

/* Frees text that may hold a session cookie after overwriting it. */
void  tether_x2go_free_wiped        (char *text);
void  tether_x2go_strv_free_wiped   (char **strv);

/* ---- allow-list validators (TRUE when the whole text is valid) ---------- */

/* Decimal digits only (no sign, no blanks), value in [min, max]. */
gboolean tether_x2go_parse_uint (const char *text, guint64 min, guint64 max, guint64 *out);
/* An optional '-' then decimal digits, |value| <= max. */
gboolean tether_x2go_parse_int (const char *text, gint64 max_abs, gint64 *out);
gboolean tether_x2go_parse_port (const char *text, guint16 *out);

/* Session names as x2gostartagent makes them: [A-Za-z0-9._@-], the first
 * character not '-' or '@', not "." or "..", at most
 * TETHER_X2GO_MAX_SESSION_NAME bytes. */
gboolean tether_x2go_is_session_name (const char *text);
/* POSIX-ish user names as x2goserver's own sanitizer allows them:
 * [A-Za-z0-9._][A-Za-z0-9._@-]*. */
gboolean tether_x2go_is_user_name (const char *text);
/* Host names: [A-Za-z0-9._-], not starting with '-' or '.'. */
gboolean tether_x2go_is_host_name (const char *text);
/* Exactly TETHER_X2GO_COOKIE_LENGTH hex digits. */
gboolean tether_x2go_is_cookie (const char *text);
/* "YYYY-MM-DDTHH:MM:SS", a real calendar date and time of day. */
gboolean tether_x2go_is_iso_datetime (const char *text);
/* A numeric IPv4 or IPv6 address (IPv6 may carry a %zone). */
gboolean tether_x2go_is_ip_address (const char *text);
/* Feature names: [A-Z0-9_], starting with a letter. */
gboolean tether_x2go_is_feature_name (const char *text);
/* Every byte is in @allowed; non-empty; at most @max_len bytes. */
gboolean tether_x2go_is_word (const char *text, const char *allowed, gsize max_len);

G_END_DECLS
