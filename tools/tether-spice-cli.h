/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `tether spice VERB …`: argv[0] is "spice" for the dispatcher and the verb's
 * name for a verb. */
int tether_tool_spice      (int argc, char **argv);
int tether_tool_spice_info (int argc, char **argv);
int tether_tool_spice_screenshot (int argc, char **argv);
int tether_tool_spice_keys       (int argc, char **argv);
int tether_tool_spice_type       (int argc, char **argv);
int tether_tool_spice_click      (int argc, char **argv);
