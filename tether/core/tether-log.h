/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <glib.h>
#include "tether-version.h"

G_BEGIN_DECLS

/**
 * TETHER_LOG_DOMAIN:
 *
 * The GLib log domain of the protocol-neutral core. Debug messages of a
 * domain are shown when `G_MESSAGES_DEBUG` names it (or is `all`), or after
 * [func@set_debug].
 */
#define TETHER_LOG_DOMAIN "Tether"

/**
 * TETHER_LOG_DOMAIN_SSH:
 *
 * The GLib log domain of the SSH layer.
 */
#define TETHER_LOG_DOMAIN_SSH "Tether-Ssh"

/**
 * TETHER_LOG_DOMAIN_X2GO:
 *
 * The GLib log domain of the X2Go client.
 */
#define TETHER_LOG_DOMAIN_X2GO "Tether-X2go"

/**
 * TETHER_LOG_DOMAIN_SPICE:
 *
 * The GLib log domain of the SPICE client.
 */
#define TETHER_LOG_DOMAIN_SPICE "Tether-Spice"

TETHER_AVAILABLE_IN_0_1
void     tether_set_debug (gboolean enabled);
TETHER_AVAILABLE_IN_0_1
gboolean tether_get_debug (void);

G_END_DECLS
