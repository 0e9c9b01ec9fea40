/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * TetherSpiceSession's instance struct, property and signal ids, shared by
 * the files the session is split into: tether-spice-session.c (properties,
 * URIs, .vv files, connecting, GObject), tether-spice-session-channels.c (what
 * channels ask of their session) and tether-spice-session-getters.c (public
 * getters). Internal: never installed.
 */

#include "tether-spice-session.h"
#include "tether-spice-canvas-private.h"

G_BEGIN_DECLS
struct _TetherSpiceSession {
  GObject                     parent_instance;

  GMainContext               *context;

  GByteArray                 *ca;
  char                       *ca_file;
  int                         cache_size;
  char                       *cert_subject;
  char                       *ciphers;
  gboolean                    client_sockets;
  int                         color_depth;
  char                      **disable_effects;
  gboolean                    enable_audio;
  gboolean                    enable_smartcard;
  gboolean                    enable_usbredir;
  gboolean                    gl_scanout;
  int                         glz_window_size;
  char                       *host;
  gboolean                    inhibit_keyboard_grab;
  TetherSpiceSessionMigration migration_state;
  char                       *name;
  char                       *password;      /* secret */
  char                       *port;
  int                         protocol;
  char                       *proxy;         /* secret: may carry credentials */
  GByteArray                 *pubkey;
  gboolean                    read_only;
  char                      **secure_channels;
  gboolean                    share_dir_ro;
  char                       *shared_dir;
  char                      **smartcard_certificates;
  char                       *smartcard_db;
  char                       *tls_port;
  char                       *unix_path;
  char                       *username;
  GBytes                     *uuid;
  TetherSpiceSessionVerify    verify;

  char                      **disable_channels;  /* from a .vv file */
  GList                      *channels;          /* owned, in creation order */
  TetherSpiceChannel         *main_channel;      /* one of them */
  guint32                     connection_id;
  guint32                     mm_time;
  gint64                      mm_time_at;        /* monotonic µs; 0 = never set */
  gboolean                    for_migration;
  gboolean                    disposing;
  GSource                    *disconnect_source;
  TetherSpiceImageCache      *images;            /* shared by the display channels */
  TetherGlzWindow            *glz_window;        /* likewise */
  GTask                      *connect_task;
  GCancellable               *connect_cancellable;
  gulong                      connect_cancel_id;
};

enum {
  PROP_0,
  PROP_CA,
  PROP_CA_FILE,
  PROP_CACHE_SIZE,
  PROP_CERT_SUBJECT,
  PROP_CIPHERS,
  PROP_CLIENT_SOCKETS,
  PROP_COLOR_DEPTH,
  PROP_DISABLE_EFFECTS,
  PROP_ENABLE_AUDIO,
  PROP_ENABLE_SMARTCARD,
  PROP_ENABLE_USBREDIR,
  PROP_GL_SCANOUT,
  PROP_GLZ_WINDOW_SIZE,
  PROP_HOST,
  PROP_INHIBIT_KEYBOARD_GRAB,
  PROP_MIGRATION_STATE,
  PROP_NAME,
  PROP_PASSWORD,
  PROP_PORT,
  PROP_PROTOCOL,
  PROP_PROXY,
  PROP_PUBKEY,
  PROP_READ_ONLY,
  PROP_SECURE_CHANNELS,
  PROP_SHARE_DIR_RO,
  PROP_SHARED_DIR,
  PROP_SMARTCARD_CERTIFICATES,
  PROP_SMARTCARD_DB,
  PROP_TLS_PORT,
  PROP_UNIX_PATH,
  PROP_URI,
  PROP_USERNAME,
  PROP_UUID,
  PROP_VERIFY,
  N_PROPS
};

extern GParamSpec *tether_spice_session_properties[N_PROPS];

enum {
  SIGNAL_CHANNEL_NEW,
  SIGNAL_CHANNEL_DESTROY,
  SIGNAL_DISCONNECTED,
  SIGNAL_MM_TIME_RESET,
  N_SIGNALS
};

extern guint tether_spice_session_signals[N_SIGNALS];

/* Helpers of tether-spice-session.c the other parts use. */
void tether_spice_session_complete_connect (TetherSpiceSession *self,
                                            GError             *error);
void tether_spice_session_set_byte_array   (TetherSpiceSession *self,
                                            GByteArray        **field,
                                            GByteArray         *value,
                                            guint               prop);
void tether_spice_session_set_string       (TetherSpiceSession *self,
                                            char              **field,
                                            const char         *value,
                                            guint               prop);
/* Adds @channel (taking it) to the session's list and emits channel-new. */
void tether_spice_session_attach_channel   (TetherSpiceSession *self,
                                            TetherSpiceChannel *channel);
void tether_spice_session_set_pubkey_array (TetherSpiceSession *self,
                                            GByteArray         *pubkey);

G_END_DECLS
