/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-x2go-ini-value-private.h"

G_BEGIN_DECLS

/* Where a key comes from: python-x2go's X2GO_SESSIONPROFILE_DEFAULTS (which
 * x2goclient mostly shares), or x2goclient alone. */
typedef enum {
  TETHER_X2GO_KEY_PYTHON_X2GO,
  TETHER_X2GO_KEY_X2GOCLIENT_ONLY,
} TetherX2goKeyOrigin;

typedef struct {
  const char          *key;
  TetherX2goValueKind  kind;
  const char          *default_text;  /* as tether_x2go_value_from_text reads it;
                                       * NULL: the local user name */
  TetherX2goKeyOrigin  origin;
} TetherX2goProfileKey;

/* The table, in python-x2go's order (then x2goclient's own keys). */
const TetherX2goProfileKey *tether_x2go_profile_keys         (gsize *n_keys);
const TetherX2goProfileKey *tether_x2go_profile_key_lookup   (const char *key);
/* A new non-floating GVariant. */
GVariant                   *tether_x2go_profile_key_default  (const TetherX2goProfileKey *key);

/* Sections of a sessions file that are not profiles. */
gboolean                    tether_x2go_profile_is_non_profile_section (const char *section);

/* The desktop sessions python-x2go knows: the command shortcut (XFCE) and
 * the program it stands for (xfce4-session). */
const char                 *tether_x2go_desktop_session_for_command (const char *command);

/* JSON output without a JSON library. */
void                        tether_x2go_json_append_string  (GString    *out,
                                                             const char *text);
/* Appends @value: s, i, b, as and a{sb} (an object). FALSE for other types. */
gboolean                    tether_x2go_json_append_value   (GString    *out,
                                                             GVariant   *value);

G_END_DECLS
