/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A scripted fake SPICE server for the channel tests: it listens on
 * 127.0.0.1, links every connection (link reply with an RSA key, mechanism
 * word, ticket, result), then runs the script of the connection's channel
 * type in a thread of its own, with blocking sockets. The protocol bytes
 * are written from docs/spice-protocol.md, not with the wire layer.
 *
 * The main channel has a built-in script: MAIN_INIT, then CHANNELS_LIST
 * with the channels the test lists once the client attached, then it reads
 * until the client closes.
 */

#include <gio/gio.h>

G_BEGIN_DECLS

/* Protocol numbers, from the brief. */
#define FAKE_MSG_SET_ACK           3
#define FAKE_MSG_WAIT_FOR_CHANNELS 5
#define FAKE_MSG_LIST              8
#define FAKE_MSGC_ACK_SYNC         1
#define FAKE_MSGC_ACK              2
#define FAKE_MSGC_PONG             3
#define FAKE_MSG_MAIN_INIT         103
#define FAKE_MSG_MAIN_CHANNELS_LIST 104
#define FAKE_MSG_MAIN_MOUSE_MODE   105
#define FAKE_MSGC_MAIN_ATTACH_CHANNELS 104

typedef struct _FakeServer FakeServer;
typedef struct _FakeConn   FakeConn;

/* Runs in the connection's thread once it is linked. */
typedef void (*FakeScript) (FakeConn *c, gpointer data);

FakeServer *fake_server_new        (void);
/* The channels CHANNELS_LIST names, in order (the main channel adds none). */
void        fake_server_add_channel (FakeServer *f, guint8 type, guint8 id);
/* The server's channel capability word for @type (in the link reply). */
void        fake_server_set_caps   (FakeServer *f, guint8 type, guint32 caps);
/* MAIN_INIT's mouse modes (bit 1 server, bit 2 client) and RAM hint. */
void        fake_server_set_mouse  (FakeServer *f, guint32 supported, guint32 current);
void        fake_server_set_ram_hint (FakeServer *f, guint32 ram_hint);
void        fake_server_set_script (FakeServer *f, guint8 type, FakeScript script, gpointer data);
void        fake_server_start      (FakeServer *f);
guint16     fake_server_get_port   (FakeServer *f);
/* Stops accepting, waits for every connection's thread (they end when the
 * client closes), reports a script failure with g_test_fail(). Iterates
 * the caller's main context meanwhile. */
void        fake_server_free       (FakeServer *f);

/* The script's side of one connection. */
guint8      fake_conn_type   (FakeConn *c);
guint8      fake_conn_id     (FakeConn *c);
/* The client's channel capability word 0. */
guint32     fake_conn_client_caps (FakeConn *c);
void        fake_send        (FakeConn *c, guint16 type, const void *body, gsize len);
void        fake_send_bytes  (FakeConn *c, guint16 type, GBytes *body);   /* takes @body */
/* Reads the next client message; FALSE at the end of the stream. */
gboolean    fake_read        (FakeConn *c, guint16 *type, GBytes **body);
/* Reads until a message of @type (the others are kept for
 * fake_conn_count()); NULL (and a failure) when it never comes. */
GBytes     *fake_expect      (FakeConn *c, guint16 type);
/* Reads until the client closes. */
void        fake_drain       (FakeConn *c);
/* How many messages of @type the client sent on this connection so far. */
guint       fake_conn_count  (FakeConn *c, guint16 type);
/* Records a failure of the script, reported by fake_server_free(). */
void        fake_fail        (FakeConn *c, const char *what);
/* A flag the test waits on (atomic). */
void        fake_signal      (FakeConn *c, const char *name);
gboolean    fake_server_signalled (FakeServer *f, const char *name);
/* Blocks the script until the test calls fake_server_release (@name). */
void        fake_wait_release (FakeConn *c, const char *name);
void        fake_server_release (FakeServer *f, const char *name);

G_END_DECLS
