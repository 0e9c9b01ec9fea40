/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

/* The public headers of the SPICE client, included by tether.h. */
#include "tether-spice-channel.h"
#include "tether-spice-session.h"
#include "tether-spice-main-channel.h"
#include "tether-spice-display-channel.h"
#include "tether-spice-inputs-channel.h"
#include "tether-spice-cursor-channel.h"
