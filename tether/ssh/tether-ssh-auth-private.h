/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <libssh/libssh.h>

#include "tether-ssh-worker-private.h"

G_BEGIN_DECLS

/* Client authentication on a connected, host-checked, non-blocking session, in
 * the order of docs/x2go-protocol.md §2.3:
 *
 *   1. publickey with each of params->key_files (passphrase: params->passphrase,
 *      else the password unless force_password_auth); a wrong explicit
 *      passphrase fails at once with TETHER_SSH_ERROR_PASSPHRASE;
 *   2. the SSH agent, when use_agent;
 *   3. password;
 *   4. keyboard-interactive, answering password prompts with the password.
 *
 * force_password_auth (with a password) skips 1 and 2. Only methods the
 * server offers are tried. When all are refused: TETHER_SSH_ERROR_AUTH_DENIED
 * naming what was tried. Runs on the worker. Whenever libssh says
 * SSH_AUTH_AGAIN, @wait is called to wait for the socket (it fails on
 * cancellation, timeout or a dead connection; *deadline starts at 0 for each
 * request and is the wait function's to use); @aborted is asked after every
 * request, and a TRUE answer ends it with G_IO_ERROR_CANCELLED. */

typedef gboolean (*TetherSshAbortedFunc) (gpointer data);
typedef gboolean (*TetherSshWaitFunc)    (gpointer data, gint64 *deadline, GError **error);

gboolean tether_ssh_authenticate (ssh_session             session,
                                  const TetherSshParams  *params,
                                  const char             *username,
                                  TetherSshWaitFunc       wait,
                                  TetherSshAbortedFunc    aborted,
                                  gpointer                data,
                                  GError                **error);

/* TRUE if a keyboard-interactive prompt asks for the password. */
gboolean tether_ssh_prompt_is_password (const char *prompt);

G_END_DECLS
