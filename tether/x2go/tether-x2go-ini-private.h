/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TetherX2goIni: the configuration files of x2goclient (sessions, settings,
 * printing, xconfig) in the INI dialect of Qt's QSettings, read and written
 * so that x2goclient (Qt 5) and python-x2go (configparser) both keep reading
 * them.
 *
 * The document keeps every line it was parsed from: a file that is saved
 * without changes comes out byte for byte as it went in (BOM, CRLF or LF,
 * comments, unknown sections and keys, the order of everything). A changed
 * value rewrites only the value part of its line; a new key goes after the
 * last key of its section; a new section goes at the end.
 *
 * Reading follows QSettings (Qt 5, qsettings.cpp), with these decisions:
 *  - A section header is `[name]`; the name is trimmed and Qt's key escapes
 *    are decoded (`%XX`, `%UXXXX`, `\` for `/`). `[General]` in any case,
 *    `[%General]` and keys before the first header all form the section
 *    "General", which is Qt's root group.
 *  - A section that appears twice is one section, as in Qt: its keys are the
 *    union, and where a key appears more than once the last one wins. Both
 *    blocks stay in the file as they were.
 *  - `key=value`: the key is trimmed and decoded like a section name; the
 *    value runs to the end of the line or to a `;` outside quotes (an inline
 *    comment, as in Qt). A backslash before the line break continues the
 *    value on the next line, as in Qt.
 *  - Lines starting with `;` or `#` are comments (Qt only knows `;`; `#`
 *    lines are kept and skipped, as python's configparser does).
 *  - Stricter than Qt, where Qt only sets a FormatError status and reads on:
 *    a line that is neither blank, comment, header nor key=value, a header
 *    without `]`, an empty key, a quote left open at the end of the line (Qt
 *    would run the value on into the following lines), NUL bytes and other
 *    control characters, overlong lines and files, and too many sections or
 *    keys are errors (TETHER_X2GO_ERROR_BAD_CONFIG_FILE, "FILE:LINE: what").
 *  - Bytes >= 0x80: Qt 5 without a BOM reads them as Latin-1; python-x2go
 *    writes UTF-8. A run of such bytes that is valid UTF-8 is taken as UTF-8,
 *    anything else as Latin-1, so every decoded string is valid UTF-8.
 *
 * Values are decoded as Qt does: one pair (or several) of double quotes,
 * the escapes \a \b \f \n \r \t \v \" \? \' \\, \xHHHH (UTF-16 code units;
 * surrogate pairs are joined) and octal \ooo, unquoted leading and trailing
 * blanks dropped, and an unquoted comma making the value a string list. A
 * value starting with `@@` stands for a string starting with `@`;
 * `@String(…)` is a string; `@Invalid()` is an empty value; other `@Type(…)`
 * values (`@ByteArray`, `@Variant`, `@Rect`…) are kept as their text.
 * Escapes that would give U+0000 or an unpaired surrogate give U+FFFD.
 *
 * Writing follows Qt's iniEscapedString: quotes when the value contains
 * `;`, `,` or `=` or starts or ends with a blank, backslash escapes for
 * control characters, `"` and `\`, a leading `@` doubled. Characters beyond
 * ASCII are written as \x escapes, as Qt 5 does (x2goclient sets no codec),
 * unless the file already holds raw UTF-8 (written by python-x2go or by
 * hand), in which case they are written as UTF-8, which both readers then
 * agree on.
 */

/* Parsing caps: one place for all of them. */
#define TETHER_X2GO_INI_MAX_FILE_SIZE     (8 * 1024 * 1024)
#define TETHER_X2GO_INI_MAX_LINE_LENGTH   (64 * 1024)
#define TETHER_X2GO_INI_MAX_SECTIONS      16384
#define TETHER_X2GO_INI_MAX_KEYS          (256 * 1024)  /* key lines in the whole file */
#define TETHER_X2GO_INI_MAX_LIST_ITEMS    4096

typedef struct _TetherX2goIni TetherX2goIni;

TetherX2goIni *tether_x2go_ini_new          (void);
void           tether_x2go_ini_free         (TetherX2goIni *ini);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherX2goIni, tether_x2go_ini_free)

/* Parses @len bytes; @display_name (usually the path) prefixes error
 * messages. On error returns NULL and sets TETHER_X2GO_ERROR_BAD_CONFIG_FILE
 * with "DISPLAY_NAME:LINE: what". */
TetherX2goIni *tether_x2go_ini_parse        (const char   *data,
                                             gsize         len,
                                             const char   *display_name,
                                             GError      **error);

/* Reads and parses a file. A missing file is G_IO_ERROR_NOT_FOUND; a file
 * over TETHER_X2GO_INI_MAX_FILE_SIZE is a BAD_CONFIG_FILE error. */
TetherX2goIni *tether_x2go_ini_load_file    (const char   *path,
                                             GError      **error);

/* The whole document as bytes. */
char          *tether_x2go_ini_to_data      (const TetherX2goIni *ini,
                                             gsize        *len);

/* Writes the document atomically (a temporary file in the same directory,
 * fsync, rename) with mode 0600; a symlink is followed and its target
 * replaced. The directory must exist. */
gboolean       tether_x2go_ini_save_file    (const TetherX2goIni *ini,
                                             const char   *path,
                                             GError      **error);

/* Writes @len bytes to @path the same way. */
gboolean       tether_x2go_ini_write_atomic (const char   *path,
                                             const char   *data,
                                             gsize         len,
                                             GError      **error);

/* Sections, in file order, each name once. */
char         **tether_x2go_ini_get_sections (const TetherX2goIni *ini);
gboolean       tether_x2go_ini_has_section  (const TetherX2goIni *ini,
                                             const char   *section);
/* Appends an empty section at the end if there is none of that name. */
void           tether_x2go_ini_add_section  (TetherX2goIni *ini,
                                             const char   *section);
/* Removes every block of the section. */
gboolean       tether_x2go_ini_remove_section (TetherX2goIni *ini,
                                               const char   *section);

/* Keys of a section, in first-seen order, each once; NULL when no section. */
char         **tether_x2go_ini_get_keys     (const TetherX2goIni *ini,
                                             const char   *section);
gboolean       tether_x2go_ini_has_key      (const TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key);
/* The raw (still escaped) text of the value that counts, without the inline
 * comment and line break; NULL when there is no such key. */
const char    *tether_x2go_ini_get_raw      (const TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key);
/* The value decoded as a single string (an unquoted comma is kept as a
 * comma rather than splitting a list). NULL when there is no such key. */
char          *tether_x2go_ini_get_string   (const TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key);
/* The value decoded as a Qt string list: one item without a top-level
 * comma, none for an empty value or @Invalid(). NULL when no such key. */
char         **tether_x2go_ini_get_list     (const TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key);

/* Sets the raw (already escaped) value; creates the section and key as
 * needed. @raw must be one line of valid UTF-8. */
void           tether_x2go_ini_set_raw      (TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key,
                                             const char   *raw);
void           tether_x2go_ini_set_string   (TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key,
                                             const char   *value);
void           tether_x2go_ini_set_list     (TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key,
                                             const char * const *items);
gboolean       tether_x2go_ini_remove_key   (TetherX2goIni *ini,
                                             const char   *section,
                                             const char   *key);

/* Copies every key of @section in @src that @dest's section lacks (raw
 * values); creates the section in @dest if needed. */
void           tether_x2go_ini_copy_section (TetherX2goIni       *dest,
                                             const TetherX2goIni *src,
                                             const char          *section);

/* Whether new non-ASCII text is written as raw UTF-8 (TRUE) or as Qt's \x
 * escapes (FALSE, the default for files without raw UTF-8). */
gboolean       tether_x2go_ini_get_raw_utf8 (const TetherX2goIni *ini);
void           tether_x2go_ini_set_raw_utf8 (TetherX2goIni *ini,
                                             gboolean      raw_utf8);

/* The codec, usable on its own. */

/* Decodes one raw value. With @as_list, an unquoted comma splits items and
 * the result follows Qt's list rules; without, the result has exactly one
 * item. Never fails: every input decodes to valid UTF-8. */
char         **tether_x2go_ini_decode_value (const char   *raw,
                                             gsize         len,
                                             gboolean      as_list);
/* Appends @value (UTF-8) escaped as Qt writes a string. */
void           tether_x2go_ini_encode_string (GString     *out,
                                              const char  *value,
                                              gboolean     raw_utf8);
/* Appends a string list as Qt writes one ("a, b"); an empty list is an
 * empty value. */
void           tether_x2go_ini_encode_list  (GString      *out,
                                             const char * const *items,
                                             gboolean      raw_utf8);
/* Decodes a section or key name (Qt's %XX, %UXXXX, \ for /). */
char          *tether_x2go_ini_decode_key   (const char   *raw,
                                             gsize         len);
/* Appends a section or key name escaped as Qt writes it. */
void           tether_x2go_ini_encode_key   (GString      *out,
                                             const char   *key);

G_END_DECLS
