/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-x2go-ini-value-private.h"

G_BEGIN_DECLS

/*
 * x2goclient's other configuration files in the client root directory:
 * `settings`, `printing` and `xconfig` (Windows only), through the same INI
 * layer, each with its table of keys, types and defaults (python-x2go's
 * X2GO_CLIENTSETTINGS_DEFAULTS, X2GO_CLIENTPRINTING_DEFAULTS,
 * X2GO_CLIENTXCONFIG_DEFAULTS).
 *
 * A value is looked up in the user's file, then in the system file of the
 * same name (python-x2go reads both), then in the table. Writes go to the
 * user's file only, atomically, mode 0600; untouched lines stay as they
 * were; a user file that failed to parse is never written over.
 */
typedef enum {
  TETHER_X2GO_CONFIG_SETTINGS,
  TETHER_X2GO_CONFIG_PRINTING,
  TETHER_X2GO_CONFIG_XCONFIG,
} TetherX2goConfigKind;

typedef struct {
  const char          *section;  /* "*": any section (xconfig's X servers) */
  const char          *key;
  TetherX2goValueKind  kind;
  const char          *default_text;  /* as tether_x2go_value_from_text reads it */
} TetherX2goConfigKey;

typedef struct _TetherX2goConfigFile TetherX2goConfigFile;

const TetherX2goConfigKey *tether_x2go_config_keys          (TetherX2goConfigKind kind,
                                                             gsize               *n_keys);
const char                *tether_x2go_config_file_name     (TetherX2goConfigKind kind);

/* @system_dir: NULL for no system file. */
TetherX2goConfigFile *tether_x2go_config_file_new      (TetherX2goConfigKind  kind,
                                                        const char           *client_rootdir,
                                                        const char           *system_dir);
void                  tether_x2go_config_file_free     (TetherX2goConfigFile *cf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherX2goConfigFile, tether_x2go_config_file_free)

const char           *tether_x2go_config_file_get_path (TetherX2goConfigFile *cf);
gboolean              tether_x2go_config_file_load     (TetherX2goConfigFile *cf,
                                                        GError              **error);
gboolean              tether_x2go_config_file_save     (TetherX2goConfigFile *cf,
                                                        GError              **error);
/* A new non-floating value: typed by the table, a string for other keys;
 * NULL with G_IO_ERROR_NOT_FOUND for a key neither a file nor the table
 * has. A value that does not parse as its type reads as the default. */
GVariant             *tether_x2go_config_file_get_value (TetherX2goConfigFile *cf,
                                                         const char           *section,
                                                         const char           *key,
                                                         GError              **error);
gboolean              tether_x2go_config_file_set_value (TetherX2goConfigFile *cf,
                                                         const char           *section,
                                                         const char           *key,
                                                         GVariant             *value,
                                                         GError              **error);

/* The print action python-x2go takes from the printing file: "DIALOG",
 * "PDFVIEW" (argument: the viewer), "PDFSAVE" (the folder), "PRINT" (the
 * printer) or "PRINTCMD" (the command). */
const char           *tether_x2go_config_file_get_print_action (TetherX2goConfigFile *cf,
                                                                char                **argument);

G_END_DECLS
