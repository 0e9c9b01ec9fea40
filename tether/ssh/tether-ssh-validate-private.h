/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Checks of the values a caller hands to the SSH layer, before any of them
 * reaches libssh, a socket or a file. Every failure is
 * G_IO_ERROR_INVALID_ARGUMENT with a message naming the value. */

#define TETHER_SSH_MAX_HOST_LEN     255
#define TETHER_SSH_MAX_USERNAME_LEN 256
/* The longest command line sent in one exec request. */
#define TETHER_SSH_MAX_COMMAND_LEN  (64 * 1024)

/* A DNS name, an IPv4 address or a bare IPv6 address (no brackets):
 * 1..TETHER_SSH_MAX_HOST_LEN characters of [A-Za-z0-9._:%-], not starting
 * with '-' or '.'. */
gboolean tether_ssh_validate_host     (const char *host,
                                       GError    **error);

/* 1..TETHER_SSH_MAX_USERNAME_LEN bytes of valid UTF-8 without control
 * characters or spaces, not starting with '-'. */
gboolean tether_ssh_validate_username (const char *username,
                                       GError    **error);

/* A TCP port: 1..65535 (or 0 when @allow_zero). */
gboolean tether_ssh_validate_port     (guint       port,
                                       gboolean    allow_zero,
                                       const char *what,
                                       GError    **error);

/* A command for an exec channel: non-empty, valid UTF-8, at most
 * TETHER_SSH_MAX_COMMAND_LEN bytes, no control characters but tab and
 * newline. */
gboolean tether_ssh_validate_command  (const char *command,
                                       GError    **error);

G_END_DECLS
