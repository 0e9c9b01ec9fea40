/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <libssh/libssh.h>
#include <libssh/callbacks.h>

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
  /* Agent forwarding; private. */
  gboolean         agent_serving;
  char            *agent_socket;  /* NULL: no local agent, refuse */
  struct ssh_callbacks_struct callbacks;
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
/* Agent forwarding: serves the server's auth-agent@openssh.com channel opens
 * (at most TETHER_SSH_MAX_AGENT_CHANNELS at once) by connecting each to the
 * local agent at @agent_socket, or refuses them (NULL: no agent), logging
 * why. Sets the session's callbacks; once, after the first three fields. */
void     tether_ssh_tunnels_serve_agent   (TetherSshTunnels *ts,
                                           const char       *agent_socket);
/* Accepts, opens and moves bytes; TRUE when anything moved. */
gboolean tether_ssh_tunnels_pump          (TetherSshTunnels *ts);
/* Closes every forward and tunnel (the connection ends). */
void     tether_ssh_tunnels_clear         (TetherSshTunnels *ts);

G_END_DECLS
