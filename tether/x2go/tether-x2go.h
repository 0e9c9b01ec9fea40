/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

/* The public headers of the X2Go client, included by tether.h. */

#include "tether-x2go-profiles.h"
#include "tether-x2go-session-info.h"
#include "tether-x2go-session.h"
#include "tether-x2go-client.h"
