/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the action verbs (screenshot, keys, type, click) share on top of
 * tether-spice-common: waiting on the main loop with a deadline, and
 * opening a session with the channels a verb needs, linked as soon as the
 * server lists them. Public Tether API only.
 */

#include <tether/tether.h>

#include "tether-spice-common.h"

G_BEGIN_DECLS

/* One main loop turn, waking at @deadline (monotonic µs) at the latest.
 * FALSE once the deadline passed. */
gboolean tether_spice_verb_iterate (gint64 deadline);

/* Runs the main loop until @seconds from now; for pauses between actions. */
void     tether_spice_verb_sleep (double seconds);

/* Connects @session and links the first channel of each type in @types (a
 * 0-terminated list of at most 4 TetherSpiceChannelType values), each the
 * moment the server's channel list creates it. Fills @out with the main
 * channel and the linked channels in the order of @types (borrowed from
 * the session). FALSE with @error (the session disconnected): the main
 * channel's failure, a type the server does not offer
 * (G_IO_ERROR_NOT_FOUND), a link failure, or the deadline
 * (G_IO_ERROR_TIMED_OUT). */
typedef struct {
  TetherSpiceMainChannel *main;
  TetherSpiceChannel     *channels[4];
} TetherSpiceVerbChannels;

gboolean tether_spice_verb_open (TetherSpiceSession      *session,
                                 const int               *types,
                                 gint64                   deadline,
                                 TetherSpiceVerbChannels *out,
                                 GError                 **error);

/* Debug and info messages go to stderr (GLib sends them to stdout by
 * default, where a PNG or a script's output goes). Call first. */
void     tether_spice_verb_init (void);

/* The deadline from the --timeout option. */
gint64   tether_spice_verb_deadline (TetherSpiceToolOptions *opts);

G_END_DECLS
