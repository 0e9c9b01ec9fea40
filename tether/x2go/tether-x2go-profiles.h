/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tether-version.h"

G_BEGIN_DECLS

#define TETHER_X2GO_TYPE_PROFILES (tether_x2go_profiles_get_type ())

TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherX2goProfiles, tether_x2go_profiles, TETHER_X2GO, PROFILES, GObject)

TETHER_AVAILABLE_IN_0_1
TetherX2goProfiles *tether_x2go_profiles_new                 (const char *client_rootdir);

TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_load                       (TetherX2goProfiles *self,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_save                       (TetherX2goProfiles *self,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
const char  *tether_x2go_profiles_get_client_rootdir         (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_x2go_profiles_get_sessions_rootdir       (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_x2go_profiles_get_ssh_rootdir            (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_x2go_profiles_get_system_dir             (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_get_sessions_file          (TetherX2goProfiles *self);

TETHER_AVAILABLE_IN_0_1
char       **tether_x2go_profiles_get_profile_ids            (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
char       **tether_x2go_profiles_get_profile_names          (TetherX2goProfiles *self);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_is_session_profile         (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_is_system_profile          (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name);
TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_to_profile_id              (TetherX2goProfiles *self,
                                                              const char         *profile_name);
TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_to_profile_name            (TetherX2goProfiles *self,
                                                              const char         *profile_id);
TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_check_profile_id_or_name   (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
GVariant    *tether_x2go_profiles_get_profile_config         (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
GVariant    *tether_x2go_profiles_get_profile_value          (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              const char         *key,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_set_profile_value          (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              const char         *key,
                                                              GVariant           *value,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_set_profile_value_from_string (TetherX2goProfiles *self,
                                                                 const char         *profile_id_or_name,
                                                                 const char         *key,
                                                                 const char         *text,
                                                                 GError            **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_unset_profile_value        (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              const char         *key,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_add_profile                (TetherX2goProfiles *self,
                                                              const char         *profile_name,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_x2go_profiles_remove_profile             (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
GVariant    *tether_x2go_profiles_to_session_params          (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_get_profile_metatype       (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);

TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_dump_profile_json          (TetherX2goProfiles *self,
                                                              const char         *profile_id_or_name,
                                                              GError            **error);
TETHER_AVAILABLE_IN_0_1
char        *tether_x2go_profiles_dump_json                  (TetherX2goProfiles *self);

TETHER_AVAILABLE_IN_0_1
const char * const *tether_x2go_profiles_get_known_keys      (void);
TETHER_AVAILABLE_IN_0_1
const GVariantType *tether_x2go_profiles_get_key_type        (const char *key);
TETHER_AVAILABLE_IN_0_1
GVariant    *tether_x2go_profiles_get_key_default            (const char *key);

G_END_DECLS
