/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <glib.h>
#include "tether-version.h"

G_BEGIN_DECLS

/**
 * TETHER_SSH_ERROR:
 *
 * Error domain of the SSH layer under the X2Go client. Errors in this domain
 * are from the [error@SshError] enumeration. Plain transport failures use
 * `G_IO_ERROR` instead.
 */
#define TETHER_SSH_ERROR (tether_ssh_error_quark ())

/**
 * TetherSshError:
 * @TETHER_SSH_ERROR_FAILED: a failure with no more specific code
 * @TETHER_SSH_ERROR_CONNECT: the TCP connection or the SSH handshake failed
 * @TETHER_SSH_ERROR_HOST_KEY_UNKNOWN: the server's host key is not in
 *   known_hosts and nobody accepted it
 * @TETHER_SSH_ERROR_HOST_KEY_CHANGED: the server's host key differs from the
 *   one in known_hosts; always refused
 * @TETHER_SSH_ERROR_AUTH_DENIED: every offered authentication method was refused
 * @TETHER_SSH_ERROR_PASSPHRASE: the private key could not be decrypted
 * @TETHER_SSH_ERROR_CHANNEL: opening or using an SSH channel failed
 * @TETHER_SSH_ERROR_DISCONNECTED: the connection died or timed out
 * @TETHER_SSH_ERROR_PROXY: the SSH proxy (jump host) failed
 *
 * Error codes of the %TETHER_SSH_ERROR domain. Values are only ever appended.
 */
typedef enum {
  TETHER_SSH_ERROR_FAILED,
  TETHER_SSH_ERROR_CONNECT,
  TETHER_SSH_ERROR_HOST_KEY_UNKNOWN,
  TETHER_SSH_ERROR_HOST_KEY_CHANGED,
  TETHER_SSH_ERROR_AUTH_DENIED,
  TETHER_SSH_ERROR_PASSPHRASE,
  TETHER_SSH_ERROR_CHANNEL,
  TETHER_SSH_ERROR_DISCONNECTED,
  TETHER_SSH_ERROR_PROXY,
} TetherSshError;

/**
 * TETHER_X2GO_ERROR:
 *
 * Error domain of the X2Go client. Errors in this domain are from the
 * [error@X2goError] enumeration.
 */
#define TETHER_X2GO_ERROR (tether_x2go_error_quark ())

/**
 * TetherX2goError:
 * @TETHER_X2GO_ERROR_FAILED: a failure with no more specific code
 * @TETHER_X2GO_ERROR_NO_SERVER: the host has no x2goserver installed
 * @TETHER_X2GO_ERROR_MALFORMED_OUTPUT: a server command printed output that
 *   does not parse
 * @TETHER_X2GO_ERROR_COMMAND_FAILED: a server command exited with an error
 * @TETHER_X2GO_ERROR_NO_SUCH_SESSION: the named session does not exist
 * @TETHER_X2GO_ERROR_NO_SUCH_COMMAND: the session's command is not on the server
 * @TETHER_X2GO_ERROR_STARTUP_FAILED: the session could not be started or resumed
 * @TETHER_X2GO_ERROR_NOT_CONNECTED: the operation needs a connected session
 * @TETHER_X2GO_ERROR_TUNNEL_FAILED: a port forwarding tunnel could not be set up
 * @TETHER_X2GO_ERROR_PROXY_FAILED: nxproxy could not be started or died
 * @TETHER_X2GO_ERROR_NO_SUCH_PROFILE: the named session profile does not exist
 * @TETHER_X2GO_ERROR_BAD_CONFIG_FILE: a configuration file does not parse;
 *   the message names the file and line
 *
 * Error codes of the %TETHER_X2GO_ERROR domain. Values are only ever appended.
 */
typedef enum {
  TETHER_X2GO_ERROR_FAILED,
  TETHER_X2GO_ERROR_NO_SERVER,
  TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
  TETHER_X2GO_ERROR_COMMAND_FAILED,
  TETHER_X2GO_ERROR_NO_SUCH_SESSION,
  TETHER_X2GO_ERROR_NO_SUCH_COMMAND,
  TETHER_X2GO_ERROR_STARTUP_FAILED,
  TETHER_X2GO_ERROR_NOT_CONNECTED,
  TETHER_X2GO_ERROR_TUNNEL_FAILED,
  TETHER_X2GO_ERROR_PROXY_FAILED,
  TETHER_X2GO_ERROR_NO_SUCH_PROFILE,
  TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
} TetherX2goError;

/**
 * TETHER_SPICE_ERROR:
 *
 * Error domain of the SPICE client. Errors in this domain are from the
 * [error@SpiceError] enumeration.
 */
#define TETHER_SPICE_ERROR (tether_spice_error_quark ())

/**
 * TetherSpiceError:
 * @TETHER_SPICE_ERROR_FAILED: a failure with no more specific code
 * @TETHER_SPICE_ERROR_CONNECT: the connection to the server failed
 * @TETHER_SPICE_ERROR_PROTOCOL: the server sent bytes that break the protocol
 * @TETHER_SPICE_ERROR_LINK: the server refused the channel link
 * @TETHER_SPICE_ERROR_AUTH: authentication failed (wrong password?)
 * @TETHER_SPICE_ERROR_TLS: the TLS handshake or certificate verification failed
 * @TETHER_SPICE_ERROR_UNSUPPORTED: the server asked for something Tether
 *   does not support
 * @TETHER_SPICE_ERROR_LIMIT_EXCEEDED: a size or count from the server is over
 *   one of Tether's limits
 *
 * Error codes of the %TETHER_SPICE_ERROR domain. Values are only ever appended.
 */
typedef enum {
  TETHER_SPICE_ERROR_FAILED,
  TETHER_SPICE_ERROR_CONNECT,
  TETHER_SPICE_ERROR_PROTOCOL,
  TETHER_SPICE_ERROR_LINK,
  TETHER_SPICE_ERROR_AUTH,
  TETHER_SPICE_ERROR_TLS,
  TETHER_SPICE_ERROR_UNSUPPORTED,
  TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
} TetherSpiceError;

TETHER_AVAILABLE_IN_0_1
GQuark tether_ssh_error_quark (void);
TETHER_AVAILABLE_IN_0_1
GQuark tether_x2go_error_quark (void);
TETHER_AVAILABLE_IN_0_1
GQuark tether_spice_error_quark (void);

G_END_DECLS
