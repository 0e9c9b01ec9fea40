/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <libssh/libssh.h>

#include "tether-ssh-worker-private.h"

G_BEGIN_DECLS

/* Local forwards and tunnels of one connection; worker thread only. The
 * worker fills in the first three fields once its ssh_event exists. */
typedef struct {
  TetherSshShared *shared;     /* for tunnel-failed on the owner context */
  ssh_session      session;
  ssh_event        event;
  GList           *forwards;   /* private */
  GList           *tunnels;    /* private; includes those abandoned while opening */
} TetherSshTunnels;

/* A FORWARD command: listens, and completes its task. */
void     tether_ssh_tunnels_open_forward  (TetherSshTunnels *ts,
                                           TetherSshCmd     *cmd);
/* A CLOSE_FORWARD command. */
void     tether_ssh_tunnels_close_forward (TetherSshTunnels *ts,
                                           guint             forward_id);
/* A TUNNEL command: answers through cmd->done once the channel is open. */
void     tether_ssh_tunnels_open_pair     (TetherSshTunnels *ts,
                                           TetherSshCmd     *cmd);
/* Accepts, opens and moves bytes; TRUE when anything moved. */
gboolean tether_ssh_tunnels_pump          (TetherSshTunnels *ts);
/* Closes every forward and tunnel (the connection ends). */
void     tether_ssh_tunnels_clear         (TetherSshTunnels *ts);

G_END_DECLS
