/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The umbrella header: the only one applications include. */
#define TETHER_INSIDE

#include "tether-version.h"
#include "tether-error.h"
#include "tether-log.h"
#include "tether-enum-types.h"
#include "tether-x2go.h"
#include "tether-spice.h"

#undef TETHER_INSIDE
