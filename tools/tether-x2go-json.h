/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small JSON writer for `tether x2go --json`: strings escaped per RFC 8259
 * (", \, and every control character; invalid UTF-8 bytes become U+FFFD so
 * the output is always valid UTF-8), numbers, booleans, null, and objects and
 * arrays with the commas placed for you. Server output is untrusted: every
 * string from a server goes through here.
 */

#define TETHER_JSON_MAX_DEPTH 16

typedef struct {
  GString *out;
  guint    depth;
  gboolean first[TETHER_JSON_MAX_DEPTH + 1];  /* no member written yet at this depth */
  gboolean after_key;
} TetherJsonWriter;

/* Appends @text (NUL-terminated, any bytes) as a JSON string literal. */
void tether_json_append_string (GString *out, const char *text);

void tether_json_writer_init         (TetherJsonWriter *w, GString *out);
void tether_json_begin_object        (TetherJsonWriter *w);
void tether_json_end_object          (TetherJsonWriter *w);
void tether_json_begin_array         (TetherJsonWriter *w);
void tether_json_end_array           (TetherJsonWriter *w);
void tether_json_key                 (TetherJsonWriter *w, const char *key);
void tether_json_string              (TetherJsonWriter *w, const char *value);   /* NULL: null */
void tether_json_int                 (TetherJsonWriter *w, gint64 value);
void tether_json_bool                (TetherJsonWriter *w, gboolean value);
void tether_json_null                (TetherJsonWriter *w);

G_END_DECLS
