/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "tether-ssh-validate-private.h"

G_BEGIN_DECLS

/* Host keys as OpenSSH shows and stores them: SHA256 fingerprints and
 * known_hosts lines. libssh reads known_hosts; Tether writes new entries
 * itself so that the format (hashed or plain) and the file handling are
 * under its control and unit-tested. */

/* Caps on what goes into one known_hosts line. */
#define TETHER_SSH_MAX_KEY_TYPE_LEN    64
#define TETHER_SSH_MAX_KEY_BASE64_LEN  (16 * 1024)
/* The salt of a hashed entry (HMAC-SHA1 key), as OpenSSH writes it. */
#define TETHER_SSH_KNOWN_HOSTS_SALT_LEN 20

/* "SHA256:" followed by the unpadded base64 of the SHA-256 digest of the
 * public key blob, exactly as `ssh-keygen -l -E sha256` prints it. */
char     *tether_ssh_fingerprint_sha256        (const guint8 *blob,
                                                gsize         len);

/* The name a host is stored under: "host" for port 22, "[host]:port" for any
 * other port. */
char     *tether_ssh_known_hosts_host_pattern  (const char   *host,
                                                guint         port);

/* One known_hosts line, newline included. With @salt (of
 * TETHER_SSH_KNOWN_HOSTS_SALT_LEN bytes) the host name is hashed
 * ("|1|salt|hmac"); with NULL it is written in clear. Fails with
 * G_IO_ERROR_INVALID_ARGUMENT when the host, key type or key text would not
 * make exactly one well-formed line. */
char     *tether_ssh_known_hosts_format_entry  (const char   *host,
                                                guint         port,
                                                const char   *key_type,
                                                const char   *key_base64,
                                                const guint8 *salt,
                                                GError      **error);

/* Appends @entry (one complete line) to the known_hosts file @path, creating
 * the file (mode 0600) and its directory (mode 0700) when missing, and
 * starting on a new line when the file does not end with one. */
gboolean  tether_ssh_known_hosts_append        (const char   *path,
                                                const char   *entry,
                                                GError      **error);

G_END_DECLS
