/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "tether-error.h"

G_DEFINE_QUARK (tether-ssh-error-quark, tether_ssh_error)
G_DEFINE_QUARK (tether-x2go-error-quark, tether_x2go_error)
G_DEFINE_QUARK (tether-spice-error-quark, tether_spice_error)
