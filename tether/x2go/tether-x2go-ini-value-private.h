/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Typed values of x2goclient's INI files, as python-x2go types them (the type
 * of the default value) and as both python-x2go and x2goclient read them.
 *
 *   kind     GVariant  read                                  written
 *   STRING   s         Qt-decoded, commas kept               Qt-escaped
 *   INT      i         decimal, blanks around allowed        decimal
 *   BOOL     b         1/0 yes/no true/false on/off (any     true / false (Qt's
 *                      case)                                 form; configparser
 *                                                            reads it too)
 *   LIST     as        a Python list literal ['a', 'b'] (old "a, b" (Qt list)
 *                      python-x2go), else a Qt string list
 *   EXPORT   a{sb}     "path:1;path2:0;" (',' also           "path:1;path2:0;"
 *                      separates); no flag means 1; the path
 *                      is all before the last ':'; `{}` (what
 *                      python-x2go writes for a missing key)
 *                      is empty
 */
typedef enum {
  TETHER_X2GO_VALUE_STRING,
  TETHER_X2GO_VALUE_INT,
  TETHER_X2GO_VALUE_BOOL,
  TETHER_X2GO_VALUE_LIST,
  TETHER_X2GO_VALUE_EXPORT,
} TetherX2goValueKind;

/* At most this many entries in an export value. */
#define TETHER_X2GO_VALUE_MAX_EXPORTS 1024

const GVariantType *tether_x2go_value_kind_type   (TetherX2goValueKind kind);
const char         *tether_x2go_value_kind_name   (TetherX2goValueKind kind);

/* Reads a raw INI value as @kind. Returns a new non-floating GVariant, or
 * NULL with an error (TETHER_X2GO_ERROR_BAD_CONFIG_FILE) when it is not a
 * value of that kind (a bool that is no bool word, an int out of range). */
GVariant           *tether_x2go_value_from_raw    (TetherX2goValueKind kind,
                                                   const char          *raw,
                                                   GError             **error);

/* Reads text typed by a person (a command line) as @kind: the same words as
 * in files, but no INI quoting: lists are split on commas and trimmed,
 * exports are "path:1;path2:0". */
GVariant           *tether_x2go_value_from_text   (TetherX2goValueKind kind,
                                                   const char          *text,
                                                   GError             **error);

/* The raw INI text for @value, which must have the kind's type. */
char               *tether_x2go_value_to_raw      (TetherX2goValueKind kind,
                                                   GVariant            *value,
                                                   gboolean             raw_utf8);

gboolean            tether_x2go_value_parse_bool  (const char *text,
                                                   gboolean   *out);
gboolean            tether_x2go_value_parse_int   (const char *text,
                                                   gint32     *out);

G_END_DECLS
