/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tether-version.h"
#include "tether-spice-channel.h"

G_BEGIN_DECLS

/**
 * TetherSpiceSessionVerify:
 * @TETHER_SPICE_SESSION_VERIFY_PUBKEY: accept the server when its public key
 *   equals [property@SpiceSession:pubkey] (key pinning; a match is accepted
 *   even when the certificate chain is not trusted)
 * @TETHER_SPICE_SESSION_VERIFY_HOSTNAME: the certificate must be trusted and
 *   name [property@SpiceSession:host]
 * @TETHER_SPICE_SESSION_VERIFY_SUBJECT: the certificate must be trusted and
 *   its subject must equal [property@SpiceSession:cert-subject] (takes
 *   precedence over the host name check)
 *
 * Which parts of the server's TLS certificate are checked. No flag at all
 * means no verification. The values are those of spice-gtk's
 * `SpiceSessionVerify`.
 */
typedef enum /*< flags >*/ {
  TETHER_SPICE_SESSION_VERIFY_PUBKEY   = 1 << 0,
  TETHER_SPICE_SESSION_VERIFY_HOSTNAME = 1 << 1,
  TETHER_SPICE_SESSION_VERIFY_SUBJECT  = 1 << 2,
} TetherSpiceSessionVerify;

/**
 * TetherSpiceSessionMigration:
 * @TETHER_SPICE_SESSION_MIGRATION_NONE: no migration in progress
 * @TETHER_SPICE_SESSION_MIGRATION_SWITCHING: switching host
 * @TETHER_SPICE_SESSION_MIGRATION_MIGRATING: a (semi-)seamless migration is
 *   in progress
 * @TETHER_SPICE_SESSION_MIGRATION_CONNECTING: connecting to the migration
 *   destination
 *
 * The migration state of a session, as in spice-gtk's
 * `SpiceSessionMigration`. Tether recognises migration requests from the
 * server but does not perform them yet, so the state stays
 * %TETHER_SPICE_SESSION_MIGRATION_NONE.
 */
typedef enum {
  TETHER_SPICE_SESSION_MIGRATION_NONE,
  TETHER_SPICE_SESSION_MIGRATION_SWITCHING,
  TETHER_SPICE_SESSION_MIGRATION_MIGRATING,
  TETHER_SPICE_SESSION_MIGRATION_CONNECTING,
} TetherSpiceSessionMigration;

#define TETHER_TYPE_SPICE_SESSION (tether_spice_session_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherSpiceSession, tether_spice_session, TETHER, SPICE_SESSION, GObject)

TETHER_AVAILABLE_IN_0_1
TetherSpiceSession *tether_spice_session_new              (void);

TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_connect                 (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
void         tether_spice_session_connect_async           (TetherSpiceSession  *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_connect_finish          (TetherSpiceSession  *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_open_fd                 (TetherSpiceSession  *self,
                                                           int                  fd);
TETHER_AVAILABLE_IN_0_1
void         tether_spice_session_disconnect              (TetherSpiceSession  *self);

TETHER_AVAILABLE_IN_0_1
GList       *tether_spice_session_get_channels            (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_has_channel_type        (TetherSpiceSession  *self,
                                                           int                  type);
TETHER_AVAILABLE_IN_0_1
GUri        *tether_spice_session_get_proxy_uri           (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_get_read_only           (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_is_for_migration        (TetherSpiceSession  *self);

TETHER_AVAILABLE_IN_0_1
const char  *tether_spice_session_get_host                (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_spice_session_get_port                (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_spice_session_get_tls_port            (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_spice_session_get_unix_path           (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
char        *tether_spice_session_get_uri                 (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
const char  *tether_spice_session_get_name                (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
GBytes      *tether_spice_session_get_uuid                (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
char        *tether_spice_session_get_uuid_string         (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
TetherSpiceSessionMigration
             tether_spice_session_get_migration_state     (TetherSpiceSession  *self);

TETHER_AVAILABLE_IN_0_1
void         tether_spice_session_set_ca_bytes            (TetherSpiceSession  *self,
                                                           GBytes              *ca);
TETHER_AVAILABLE_IN_0_1
GBytes      *tether_spice_session_get_ca_bytes            (TetherSpiceSession  *self);
TETHER_AVAILABLE_IN_0_1
void         tether_spice_session_set_pubkey_bytes        (TetherSpiceSession  *self,
                                                           GBytes              *pubkey);
TETHER_AVAILABLE_IN_0_1
GBytes      *tether_spice_session_get_pubkey_bytes        (TetherSpiceSession  *self);

TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_load_uri                (TetherSpiceSession  *self,
                                                           const char          *uri,
                                                           GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_load_vv_file            (TetherSpiceSession  *self,
                                                           const char          *path,
                                                           GError             **error);
TETHER_AVAILABLE_IN_0_1
gboolean     tether_spice_session_load_vv_data            (TetherSpiceSession  *self,
                                                           const char          *data,
                                                           gssize               length,
                                                           GError             **error);

/* Declared here rather than in tether-spice-channel.h, which cannot see the
 * session type. */
TETHER_AVAILABLE_IN_0_1
TetherSpiceSession *tether_spice_channel_get_session      (TetherSpiceChannel  *self);

G_END_DECLS
