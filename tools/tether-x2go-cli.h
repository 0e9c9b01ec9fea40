/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `tether x2go`: a pyhoca-cli compatible X2Go client (tools/tether-x2go.c).
 * argv[0] is the command name. */
int tether_x2go_main (int argc, char **argv);

#include <tether/tether.h>

/* `tether x2go --list-profiles`: every profile of @client with the session
 * settings it gives (tools/tether-x2go-profile.c). */
int tether_x2go_cli_list_profiles (TetherX2goClient *client);
