/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * From a session profile to a session, in two steps (docs/x2go-profiles.md
 * has the table):
 *
 * 1. tether_x2go_profile_to_session_params(): python-x2go's own translation
 *    (x2go.utils._convert_SessionProfileOptions_2_SessionParams, which
 *    X2GoSessionProfiles.to_session_params() calls): the profile's keys
 *    renamed to X2GoSession's keyword arguments, and the derived ones
 *    (geometry, pack, session_type, ...), value for value as python-x2go
 *    computes them. Pure, no I/O.
 *
 * 2. tether_x2go_profile_to_session_options(): those parameters, with the
 *    caller's overrides on top, as the a{sv} that
 *    tether_x2go_client_register_session() takes: the server picked from
 *    the profile's host list (at random, as python-x2go does), parameters
 *    that only describe a feature the profile does not ask for left out,
 *    the rest passed on, so that the option parser refuses what Tether
 *    cannot do yet (sound, printing, folder sharing, ...) by name.
 */

/* The longest host list a profile may name. */
#define TETHER_X2GO_PROFILE_MAX_HOSTS 64

/* @config: a profile's a{sv}, as tether_x2go_profiles_get_profile_config()
 * gives it (missing known keys read as their defaults). Returns a new
 * non-floating a{sv}. */
GVariant *tether_x2go_profile_to_session_params  (GVariant    *config);

/* @overrides: NULL or an a{sv} of register_session options that replace the
 * profile's (they may not name profile_name or profile_id; their password
 * and passphrase are left out, not to leave unwiped copies: pass them on
 * separately). Returns a new non-floating a{sv} that names the server, the
 * port, the profile's name and ID, or NULL with G_IO_ERROR_INVALID_ARGUMENT. */
GVariant *tether_x2go_profile_to_session_options (GVariant    *config,
                                                  const char  *profile_id,
                                                  const char  *profile_name,
                                                  GVariant    *overrides,
                                                  GError     **error);

G_END_DECLS
