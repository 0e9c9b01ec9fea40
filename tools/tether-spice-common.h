/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What every `tether spice VERB` shares: the session options generated from
 * TetherSpiceSession's properties, building a session from URI, .vv file and
 * options, connecting with a deadline, error reporting, and a small JSON
 * writer. Public Tether API only.
 */

#include <stdio.h>
#include <tether/tether.h>

G_BEGIN_DECLS

/* Seconds `--timeout` defaults to. */
#define TETHER_SPICE_TOOL_DEFAULT_TIMEOUT 10.0
/* The largest file read for a byte-array property (--ca, --pubkey) or a
 * password file. */
#define TETHER_SPICE_TOOL_MAX_FILE_SIZE (1024 * 1024)
/* Capability bits tested per channel: the core's own cap of 1024 words. */
#define TETHER_SPICE_TOOL_MAX_CAP_BITS (1024u * 32u)

/* ---- session options --------------------------------------------------------- */

typedef struct _TetherSpiceToolOptions TetherSpiceToolOptions;

/* The option table: one `--NAME` per writable property of
 * TetherSpiceSession (strings, numbers, booleans with an optional =false,
 * string lists comma-separated, flags and enums by nick, byte arrays from a
 * file), plus --vv FILE, --password-file FILE and --timeout SECONDS. Values
 * are checked while parsing and applied, in command-line order, by
 * tether_spice_tool_options_make_session(). */
TetherSpiceToolOptions *tether_spice_tool_options_new  (void);
void                    tether_spice_tool_options_free (TetherSpiceToolOptions *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceToolOptions, tether_spice_tool_options_free)

/* A new group with the options; add it to a GOptionContext (which then owns
 * it). The group refers to @opts, which must outlive the parse. */
GOptionGroup *tether_spice_tool_options_group (TetherSpiceToolOptions *opts);
/* How many of the session's properties have an option; the names of those
 * that do not (none expected) go to @skipped when not NULL. */
guint         tether_spice_tool_options_count (TetherSpiceToolOptions *opts,
                                               GPtrArray              *skipped);
double        tether_spice_tool_options_get_timeout (TetherSpiceToolOptions *opts);

/* Parses one option as the command line would (@name without the dashes,
 * @value NULL for a bare boolean), for tests and for callers with their own
 * parser. */
gboolean      tether_spice_tool_options_add (TetherSpiceToolOptions *opts,
                                             const char             *name,
                                             const char             *value,
                                             GError                **error);

/* A session configured from, in this order: the SPICE_PASSWORD environment
 * variable, the --vv file, @uri (may be NULL when --vv or --host/--port
 * say where), then the property options in command-line order and
 * --password-file. Fails when nothing says where to connect. */
TetherSpiceSession *tether_spice_tool_options_make_session (TetherSpiceToolOptions *opts,
                                                            const char             *uri,
                                                            GError                **error);

/* Parses a verb's command line (argv[0] is the verb): the session options
 * plus the verb's @entries (may be NULL), with `--help` from GOption.
 * Secrets given on the command line are first wiped from @argv itself, so
 * that ps shows them no longer (see tether_spice_tool_hide_secrets()).
 * Returns the positional arguments (NULL-terminated, never NULL on success),
 * or NULL with @error (G_OPTION_ERROR). */
char        **tether_spice_tool_parse (TetherSpiceToolOptions *opts,
                                       const GOptionEntry     *entries,
                                       const char             *parameter_string,
                                       const char             *summary,
                                       int                     argc,
                                       char                  **argv,
                                       GError                **error);
/* Overwrites with zeros, in place: the values of --password and --proxy
 * (as --password=X or --password X) and the password of a URI's query
 * (?password=X), up to a "--" argument. */
void          tether_spice_tool_hide_secrets (int    argc,
                                              char **argv);

/* Writes the option list, one line per option, for `--help` texts. */
void          tether_spice_tool_options_print_help (TetherSpiceToolOptions *opts,
                                                    FILE                   *out);

/* ---- connecting ------------------------------------------------------------- */

/* Connects @session and runs the thread-default main context until the main
 * channel is up and the server's channel list came, or it failed, or
 * @deadline (monotonic µs) passed. Returns the main channel (borrowed). */
TetherSpiceMainChannel *tether_spice_tool_connect (TetherSpiceSession *session,
                                                   gint64              deadline,
                                                   GError            **error);

/* Connects @channel and waits for its first event; FALSE with the channel's
 * error (or a timeout) when it is not OPENED. */
gboolean      tether_spice_tool_link_channel (TetherSpiceChannel *channel,
                                              gint64              deadline,
                                              GError            **error);

/* Disconnects and lets the closes finish (a few main loop turns). */
void          tether_spice_tool_disconnect (TetherSpiceSession *session);

/* "tether spice VERB: CAUSE: MESSAGE" on stderr, CAUSE named from the error
 * code (authentication failed, TLS failed, cannot connect, …). Returns
 * TETHER_EXIT_FAILURE (or TETHER_EXIT_NOT_SUPPORTED). */
int           tether_spice_tool_report_error (const char   *verb,
                                              const GError *error);
/* The cause part alone, for tests. */
const char   *tether_spice_tool_error_cause (const GError *error);

/* @text with control characters and invalid UTF-8 escaped (\n, \x1b, …),
 * fit for a terminal whatever the server sent. */
char         *tether_spice_tool_escape_text (const char *text);

/* Names of capability bits: "mini-header", "name-and-uuid", … or NULL. */
const char   *tether_spice_tool_common_cap_name  (guint cap);
const char   *tether_spice_tool_channel_cap_name (int   type,
                                                  guint cap);

/* ---- JSON ------------------------------------------------------------------ */

/* A streaming writer for one JSON value; keys and strings are escaped (RFC
 * 8259: quote, backslash, control characters; invalid UTF-8 becomes U+FFFD).
 * Output is indented with two spaces when @pretty. Misuse (a value without
 * a key in an object, unbalanced ends) is a programming error: g_critical. */
typedef struct _TetherSpiceJsonWriter TetherSpiceJsonWriter;

TetherSpiceJsonWriter *tether_spice_json_writer_new        (gboolean pretty);
void              tether_spice_json_writer_free       (TetherSpiceJsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceJsonWriter, tether_spice_json_writer_free)
void              tether_spice_json_begin_object      (TetherSpiceJsonWriter *w);
void              tether_spice_json_end_object        (TetherSpiceJsonWriter *w);
void              tether_spice_json_begin_array       (TetherSpiceJsonWriter *w);
void              tether_spice_json_end_array         (TetherSpiceJsonWriter *w);
/* The next member's key, inside an object. */
void              tether_spice_json_key               (TetherSpiceJsonWriter *w,
                                                 const char       *key);
void              tether_spice_json_string            (TetherSpiceJsonWriter *w,
                                                 const char       *value);  /* NULL writes null */
void              tether_spice_json_int               (TetherSpiceJsonWriter *w,
                                                 gint64            value);
void              tether_spice_json_bool              (TetherSpiceJsonWriter *w,
                                                 gboolean          value);
void              tether_spice_json_null              (TetherSpiceJsonWriter *w);
/* The document so far; complete once every container is ended. */
const char       *tether_spice_json_writer_get        (TetherSpiceJsonWriter *w);
gboolean          tether_spice_json_writer_is_complete (TetherSpiceJsonWriter *w);
/* Appends @s to @out as a JSON string literal, quotes included. */
void              tether_spice_json_escape_append     (GString          *out,
                                                 const char       *s);

G_END_DECLS
