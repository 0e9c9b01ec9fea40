/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-ssh-connection-private.h"

G_BEGIN_DECLS

/* What the owner side (tether-ssh-connection.c) and the worker thread
 * (tether-ssh-worker.c) share. The worker never sees the GObject: it gets a
 * TetherSshShared, and hands results back through GTask (returned on the
 * task's context) and owner-context calls that look the object up through a
 * weak reference. */

/* A snapshot of the connection's settings, taken when connect starts. Owned
 * by the shared state; read-only once the worker runs. Secrets are wiped
 * when it is freed, and by the worker as soon as authentication is over. */
typedef struct {
  char     *host;
  guint     port;                 /* 0: from the SSH configuration, else 22 */
  char     *username;             /* NULL: from the SSH configuration, else the local user */
  char     *password;             /* secret */
  char     *passphrase;           /* secret */
  char    **key_files;
  gboolean  use_agent;
  char     *agent_socket;         /* NULL: $SSH_AUTH_SOCK */
  gboolean  force_password_auth;
  gboolean  allow_keyboard_interactive;
  char     *known_hosts_file;     /* NULL: ~/.ssh/known_hosts or the SSH configuration's */
  gboolean  add_to_known_hosts;
  gboolean  hash_known_hosts;
  guint     connect_timeout;      /* seconds */
  guint     keepalive_interval;   /* seconds; 0: off */
  gboolean  use_ssh_config;
  char     *ssh_config_file;      /* NULL: ~/.ssh/config and /etc/ssh/ssh_config */
  gboolean  forward_agent;        /* agent forwarding, from agent_socket (or $SSH_AUTH_SOCK) */
} TetherSshParams;

void tether_ssh_params_wipe_secrets (TetherSshParams *params);
void tether_ssh_params_free         (TetherSshParams *params);

typedef enum {
  TETHER_SSH_CMD_EXEC,
  TETHER_SSH_CMD_FORWARD,
  TETHER_SSH_CMD_CLOSE_FORWARD,
  TETHER_SSH_CMD_TUNNEL,
} TetherSshCmdKind;

/* How a TUNNEL command answers, on the answering worker's thread: with the
 * far end of a socket pair whose near end is pumped through a direct-tcpip
 * channel (@fd, transfer full), or with @error (transfer full). */
typedef void (*TetherSshTunnelDone) (gpointer data, int fd, GError *error);

/* A job posted to the worker. */
typedef struct {
  TetherSshCmdKind kind;
  GTask           *task;          /* EXEC, FORWARD: completed by the worker */
  char            *command;       /* EXEC */
  gsize            output_limit;  /* EXEC */
  guint            forward_id;    /* FORWARD, CLOSE_FORWARD */
  guint            local_port;    /* FORWARD */
  char            *remote_host;   /* FORWARD, TUNNEL */
  guint            remote_port;   /* FORWARD, TUNNEL */
  TetherSshTunnelDone done;       /* TUNNEL: called once */
  gpointer         done_data;     /* TUNNEL */
  GDestroyNotify   done_destroy;  /* TUNNEL */
} TetherSshCmd;

void tether_ssh_cmd_free (TetherSshCmd *cmd);

/* The value a forward task returns. */
typedef struct {
  guint forward_id;
  guint local_port;
} TetherSshForwardInfo;

typedef struct _TetherSshShared TetherSshShared;

struct _TetherSshShared {
  /* Fixed once the worker starts. */
  TetherSshParams *params;
  GMainContext    *owner_ctx;
  GWeakRef         owner;            /* the TetherSshConnection */
  GCancellable    *connect_cancellable; /* cancelled to abort a connect */
  TetherSshShared *proxy;            /* the jump host's connection, or NULL */

  /* Everything below is under @lock. */
  GMutex           lock;
  GCond            cond;
  gboolean         connecting;       /* the worker is in its connect phase */
  gboolean         abort_connect;    /* cancel or disconnect during connect */
  gboolean         stop;             /* disconnect() was called */
  gboolean         accepting;        /* the worker takes commands */
  GQueue           cmds;             /* of TetherSshCmd* */
  int              wake_fds[2];      /* the worker's wake-up pipe; -1 once closed */
  int              abort_fd;         /* the TCP socket, for shutdown() from outside; -1 if none */
  guint            local_port;       /* of the TCP connection to the server */
  guint            question_serial;  /* the host key question being asked */
  gboolean         question_answered;
  gboolean         question_accepted;
  gboolean         tunnel_waiting;   /* for the proxy's answer */
  gboolean         tunnel_answered;
  int              tunnel_fd;
  GError          *tunnel_error;
};

TetherSshShared *tether_ssh_shared_new   (GObject          *owner,
                                          GMainContext     *owner_ctx,
                                          TetherSshParams  *params,
                                          GError          **error);
TetherSshShared *tether_ssh_shared_ref   (TetherSshShared  *shared);
void             tether_ssh_shared_unref (TetherSshShared  *shared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSshShared, tether_ssh_shared_unref)

/* Wakes the worker's poll (any thread). */
void             tether_ssh_shared_wake  (TetherSshShared  *shared);
/* Queues @cmd for the worker (any thread). FALSE (and @cmd untouched) when
 * the worker takes no more commands. */
gboolean         tether_ssh_shared_post  (TetherSshShared  *shared,
                                          TetherSshCmd     *cmd);
/* Aborts a connect in progress: flags it, shuts the TCP socket down and
 * wakes every wait (any thread). */
void             tether_ssh_shared_abort_connect (TetherSshShared *shared);

/* The worker thread's body; takes @shared (a reference) and @connect_task. */
gpointer         tether_ssh_worker_run   (gpointer          data);
gpointer         tether_ssh_worker_new   (TetherSshShared  *shared,
                                          GTask            *connect_task);
/* Frees a worker that never ran; returns its connect task (transfer full). */
GTask           *tether_ssh_worker_free_unstarted (gpointer data);

/* ---- Implemented by the owner side, called by the worker ---------------- */

/* Completes @task (transfer full) on its own context: with @error (transfer
 * full) if set, else with @value (NULL: TRUE) and @destroy. */
void tether_ssh_task_return          (GTask           *task,
                                      gpointer         value,
                                      GDestroyNotify   destroy,
                                      GError          *error);
/* Asks check-host on the owner context; the answer comes back through
 * shared->question_* for question @serial. */
void tether_ssh_owner_ask_host_key   (TetherSshShared *shared,
                                      guint            serial,
                                      const char      *host,
                                      guint            port,
                                      const char      *fingerprint,
                                      const char      *key_type);
/* Emits disconnected on the owner context. */
void tether_ssh_owner_disconnected   (TetherSshShared *shared,
                                      const GError    *error);
/* Emits tunnel-failed on the owner context. */
void tether_ssh_owner_tunnel_failed  (TetherSshShared *shared,
                                      guint            forward_id,
                                      const char      *remote_host,
                                      guint            remote_port,
                                      const GError    *error);

G_END_DECLS
