/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "tether-x2go-client-private.h"
#include "tether-x2go-client-transport-private.h"

G_BEGIN_DECLS

/*
 * A fake X2Go server behind a fake transport, for the client's unit tests.
 * It answers the commands the client sends (unwrapping and re-framing them
 * like a real shell would) from a small in-memory session table, and lets a
 * test break things: refuse the connection, ask about the host key, print
 * garbage for one command, hang, drop the connection.
 */

typedef struct {
  char *name;
  guint display;
  char  status;        /* 'R' or 'S' */
  char *cookie;
  guint graphics_port;
} FakeSession;

typedef struct _FakeServer FakeServer;

struct _FakeServer {
  GPtrArray  *sessions;         /* FakeSession* */
  char       *user;
  gboolean    has_x2go;         /* x2gofeaturelist/x2goversion exist */
  GError     *connect_error;    /* connect fails with this (not consumed) */
  gboolean    ask_host_key;     /* emit check-host; refusal fails connect */
  char      **known_commands;   /* "command -v" succeeds for these */
  GHashTable *garbage;          /* command word → raw stdout (no frame) */
  GHashTable *hang;             /* command word → TRUE: never answer */
  GHashTable *status_override;  /* command word → exit status */
  GHashTable *calls;            /* command word → count */
  GPtrArray  *transports;       /* FakeTransport* made (weak) */
  guint       next_display;
  guint       next_port;
  guint       forwards;
  gboolean    ignore_terminate; /* x2goterminate-session leaves the session */
  guint       connects;         /* connect calls that got to the transport */
  gboolean    last_allow_agent;     /* what the last one asked for */
  gboolean    last_forward_agent;
};

FakeServer          *fake_server_new       (void);
void                 fake_server_free      (FakeServer *server);
FakeSession         *fake_server_add       (FakeServer *server, char status);
FakeSession         *fake_server_find      (FakeServer *server, const char *name);
void                 fake_server_remove    (FakeServer *server, const char *name);
guint                fake_server_calls     (FakeServer *server, const char *word);
/* Emits "disconnected" on every live transport. */
void                 fake_server_drop_connections (FakeServer *server);

/* The factory to hand to tether_x2go_client_set_transport_factory(). */
TetherX2goTransport *fake_transport_factory (TetherX2goClient  *client,
                                             TetherX2goSession *session,
                                             gpointer           user_data);

G_END_DECLS
