/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The X2Go peer fixture shared by the files of test-ssh-x2go-peer: the peer
 * (tests/peers/x2go-peer.sh, started or found running by the program and left
 * running; TETHER_X2GO_PEER_SCRIPT overrides the script's path), connections
 * to its sshd, and the per-test fixture that checks for fd leaks. */

#include "ssh-test-helpers.h"

typedef struct {
  char  *host;
  guint  port;
  guint  kbdint_port;
  char  *user;
  char  *password;
  char  *key;
  char  *key_pp;
  char  *passphrase;
  char  *known_hosts;
  char  *fingerprint;
  char  *state_dir;
} Peer;

extern Peer peer;

/* Starts the peer (or finds it running) and reads its values; main() calls it. */
void                 start_peer         (void);
/* FALSE (the test skipped or failed) without a peer. */
gboolean             need_peer          (void);
/* A connection to the peer's sshd that knows its host keys; key_conn() also
 * has the peer's key, connected() is key_conn() connected. */
TetherSshConnection *peer_conn          (void);
TetherSshConnection *key_conn           (void);
TetherSshConnection *connected          (void);
char                *temp_dir           (void);
void                 remove_temp        (const char *dir, const char *const *files);
/* The base64 key of the peer's host key of @type ("ed25519"). */
char                *host_key_base64    (const char *type);
/* The file's text, or "" when it cannot be read. */
char                *read_text          (const char *path);
/* `echo tether-ok` runs and answers on @conn. */
void                 expect_echo        (TetherSshConnection *conn);
/* A GSourceFunc that cancels the GCancellable it is given. */
gboolean             cancel_cb          (gpointer data);

typedef struct {
  guint         calls;
  gboolean      answer;
  char         *host;
  guint         port;
  char         *fingerprint;
  char         *key_type;
  GCancellable *cancel;   /* cancelled from the handler when set */
} CheckHost;

gboolean             check_host_cb      (TetherSshConnection *conn, const char *host, guint port,
                                         const char *fingerprint, const char *key_type,
                                         gpointer data);
void                 check_host_clear   (CheckHost *c);
/* key_conn() with another known_hosts file, and @check (if any) on check-host. */
TetherSshConnection *conn_with_known_hosts (const char *path, CheckHost *check);

typedef struct {
  guint   calls;
  GError *error;
  gint64  when;
} Disconnected;

void                 disconnected_cb    (TetherSshConnection *conn, const GError *error,
                                         gpointer data);
gboolean             flag_when_disconnected (gpointer data);
void                 spin_until_disconnected (Disconnected *d, guint seconds);

/* The SSH layer's debug lines about agent channels (capture_writer, the
 * program's log writer, keeps them whatever G_MESSAGES_DEBUG says). */
extern GPtrArray *agent_log;
GLogWriterOutput     capture_writer     (GLogLevelFlags level, const GLogField *fields,
                                         gsize n_fields, gpointer data);
void                 agent_log_clear    (void);
/* How many captured lines contain @needle (and @needle2, when not NULL). */
guint                agent_log_count    (const char *needle, const char *needle2);
void                 spin_until_logged  (const char *needle, guint count, guint seconds);

/* Every test: no fd left open at its end (after the worker's hops ran). */
typedef struct {
  guint fds;
} Fixture;

typedef struct {
  const char *path;
  void      (*func) (void);
} TestCase;

void                 fixture_setup      (Fixture *f, gconstpointer data);
void                 fixture_run        (Fixture *f, gconstpointer data);
void                 fixture_teardown   (Fixture *f, gconstpointer data);

/* The tests, by file. */
/* test-ssh-x2go-peer-auth.c */
void test_auth_key (void);
void test_auth_passphrase (void);
void test_auth_password (void);
void test_auth_force_password (void);
void test_auth_keyboard_interactive (void);
void test_auth_agent (void);
void test_agent_forward (void);
void test_agent_forward_cap (void);
void test_agent_forward_off (void);
void test_agent_forward_gone (void);

/* test-ssh-x2go-peer-host-keys.c */
void test_host_key_unknown (void);
void test_host_key_added (void);
void test_host_key_changed (void);
void test_unreachable (void);
void test_cancel_connect (void);

/* test-ssh-x2go-peer-channels.c */
void test_exec (void);
void test_exec_concurrent (void);
void test_exec_output_cap (void);
void test_exec_cancel (void);
void test_exec_disconnect (void);
void test_forward_banner (void);
void test_forward_echo (void);
void test_forward_refused (void);
void test_forward_finalize (void);

/* test-ssh-x2go-peer-keepalive.c */
void test_keepalive_healthy (void);
void test_keepalive_transport_killed (void);
void test_keepalive_silent_peer (void);

/* test-ssh-x2go-peer-proxy.c */
void test_proxy (void);
void test_ssh_config (void);
