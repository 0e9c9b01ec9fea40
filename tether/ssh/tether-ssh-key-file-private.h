/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A look at a private key file's envelope, without decrypting anything: is
 * the key protected by a passphrase? libssh reports a wrong passphrase and a
 * damaged file the same way; this tells the two apart so that the user gets
 * the right error. The file content is untrusted input. */

/* Caps: the whole file, a line, and the names inside an OpenSSH key. */
#define TETHER_SSH_KEY_FILE_MAX_SIZE   (64 * 1024)
#define TETHER_SSH_KEY_FILE_MAX_LINES  2048
#define TETHER_SSH_KEY_MAX_NAME_LEN    64
#define TETHER_SSH_KEY_MAX_KDF_OPTIONS 1024
#define TETHER_SSH_KEY_MAX_KEYS        16

typedef enum {
  TETHER_SSH_KEY_FORMAT_OPENSSH,   /* -----BEGIN OPENSSH PRIVATE KEY----- */
  TETHER_SSH_KEY_FORMAT_PEM,       /* -----BEGIN RSA/EC/DSA PRIVATE KEY----- */
  TETHER_SSH_KEY_FORMAT_PKCS8,     /* -----BEGIN [ENCRYPTED ]PRIVATE KEY----- */
} TetherSshKeyFormat;

typedef struct {
  TetherSshKeyFormat format;
  gboolean           encrypted;
  /* The OpenSSH cipher name ("none", "aes256-ctr", ...); empty for PEM/PKCS#8. */
  char               cipher[TETHER_SSH_KEY_MAX_NAME_LEN + 1];
} TetherSshKeyFileInfo;

/* Examines the content of a private key file. Fails with
 * G_IO_ERROR_INVALID_DATA when it is not a private key in a format above. */
gboolean tether_ssh_key_file_inspect (const guint8         *data,
                                      gsize                 len,
                                      TetherSshKeyFileInfo *info,
                                      GError              **error);

/* Decodes the binary body of an "openssh-key-v1" key (after base64). */
gboolean tether_ssh_key_file_parse_openssh (const guint8         *data,
                                            gsize                 len,
                                            TetherSshKeyFileInfo *info,
                                            GError              **error);

G_END_DECLS
