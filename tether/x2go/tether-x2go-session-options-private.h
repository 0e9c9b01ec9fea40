/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The options of one registered session, read from the a{sv} dictionary
 * handed to tether_x2go_client_register_session(). The keys are python-x2go's
 * keyword arguments of X2GoClient.register_session() / X2GoSession(), so a
 * Python program ports line for line:
 *
 *   register_session(server, port=22, username='u', cmd='xterm',
 *                    geometry='1024x768', key_filename='~/.ssh/id_ed25519')
 *   →
 *   client.register_session(server, 22, 'u', GLib.Variant('a{sv}', {
 *       'cmd': GLib.Variant('s', 'xterm'),
 *       'geometry': GLib.Variant('s', '1024x768'),
 *       'key_filename': GLib.Variant('s', '~/.ssh/id_ed25519')}))
 *
 * Unknown keys, wrong value types and bad values are refused with an error
 * naming the key; options for features not built yet (printing, folder
 * sharing, MIME box, sound, published applications, ...) are
 * refused with G_IO_ERROR_NOT_SUPPORTED when they ask
 * for the feature.
 */

#define TETHER_X2GO_MAX_OPTIONS        64
#define TETHER_X2GO_MAX_KEY_FILES      16
#define TETHER_X2GO_MAX_OPTION_TEXT    1024
#define TETHER_X2GO_MAX_CONNECT_TIMEOUT 3600
#define TETHER_X2GO_DEFAULT_SSH_PORT   22

typedef struct {
  /* identity */
  char     *server;              /* from the "server" key, when given */
  guint     port;                /* from "port"; 0 when not given */
  char     *username;            /* from "username" */
  char     *profile_name;
  char     *profile_id;
  char     *session_name;        /* an existing server-side session to resume */

  /* SSH */
  char    **key_files;           /* NULL-terminated, "~/" expanded; may be NULL */
  char     *password;            /* secret: wiped by _clear() */
  char     *passphrase;          /* secret: wiped by _clear() */
  char     *known_hosts;
  gboolean  add_to_known_hosts;
  gboolean  look_for_keys;
  gboolean  allow_agent;
  gboolean  force_password_auth;
  gboolean  forward_agent;       /* "forward_sshagent" */
  guint     connect_timeout;     /* seconds; 0: default */

  /* SSH proxy (jump host): "use_sshproxy", "sshproxy_*" */
  gboolean  use_sshproxy;
  char     *sshproxy_host;
  guint     sshproxy_port;       /* default 22 */
  char     *sshproxy_user;       /* NULL: the session's user */
  char    **sshproxy_key_files;  /* NULL-terminated, "~/" expanded; may be NULL */
  char     *sshproxy_password;   /* secret: wiped by _clear() */
  char     *sshproxy_passphrase; /* secret: wiped by _clear() */
  gboolean  sshproxy_reuse_authinfo; /* the session's password/passphrase/keys for the proxy */
  gboolean  sshproxy_look_for_keys;
  gboolean  sshproxy_allow_agent;

  /* the session */
  char     *cmd;                 /* default "TERMINAL" */
  char      session_type;        /* 'R' application, 'D' desktop, 'P' published */
  char     *geometry;            /* default "800x600" */
  char     *link;                /* default "adsl" */
  char     *pack;                /* default "16m-jpeg-9" */
  char     *cache_type;          /* default "unix-kde" */
  guint     depth;               /* default 24 */
  guint     dpi;                 /* 0: not set */
  char     *kbtype;              /* default "null/null" */
  char     *kblayout;            /* default "null" */
  char     *kbvariant;           /* default "null" */
  char     *clipboard;           /* default "both" */
  gboolean  xinerama;
  char     *snd_system;          /* "none" only, for now */
} TetherX2goSessionOptions;

/* Fills @opts with the defaults, then applies @options (an a{sv}, or NULL). */
gboolean tether_x2go_session_options_parse (GVariant                 *options,
                                            TetherX2goSessionOptions *opts,
                                            GError                  **error);
/* Frees everything in @opts and wipes the secrets. */
void     tether_x2go_session_options_clear (TetherX2goSessionOptions *opts);
/* Wipes and frees one secret string. */
void     tether_x2go_secret_free           (char *secret);
/* The link is slow (modem, isdn): py-x2go doubles every time-out then. */
gboolean tether_x2go_session_options_low_latency (const TetherX2goSessionOptions *opts);

G_END_DECLS
