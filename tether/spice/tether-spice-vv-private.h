/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * virt-viewer connection files (.vv, docs/spice-protocol.md §2.9).
 *
 * A small strict parser for the key-file subset these files use, written
 * instead of GKeyFile so that every copy of a password can be wiped and every
 * limit is Tether's: the input is at most TETHER_SPICE_VV_MAX_SIZE bytes of
 * UTF-8; lines are `[group]`, `key=value`, `# comment` or blank; values use
 * GKeyFile's escapes (\s \n \t \r \\, and \; inside lists). Only the
 * [virt-viewer] group is read; other groups are checked for syntax and
 * skipped. A key given twice, a second [virt-viewer] group, or any value
 * that fails its check is an error. Unknown keys of [virt-viewer] are
 * ignored (virt-viewer adds keys over time, and many are UI-only).
 *
 * Errors are G_KEY_FILE_ERROR (syntax, missing or bad values, naming the line
 * or key, never a password's value) or TETHER_SPICE_ERROR_UNSUPPORTED for a
 * type other than spice.
 */

#include <glib.h>

G_BEGIN_DECLS

#define TETHER_SPICE_VV_MAX_SIZE          (1024u * 1024u)
#define TETHER_SPICE_VV_MAX_LINE_LENGTH   (64u * 1024u)
#define TETHER_SPICE_VV_MAX_KEYS          256u
#define TETHER_SPICE_VV_MAX_LIST_ITEMS    32u
#define TETHER_SPICE_VV_MAX_STRING_LENGTH 4096u
#define TETHER_SPICE_VV_MAX_CA_LENGTH     (64u * 1024u)
#define TETHER_SPICE_VV_MAX_PASSWORD_LENGTH 255u

/* -1 in the tri-state fields means "not in the file". */
typedef struct {
  char    *host;
  char    *port;              /* canonical decimal */
  char    *tls_port;          /* canonical decimal */
  char    *unix_path;
  char    *username;
  char    *password;          /* a secret */
  char    *ciphers;           /* tls-ciphers */
  GBytes  *ca;                /* PEM text, newlines restored */
  char    *cert_subject;      /* host-subject */
  char    *proxy;             /* a secret: may hold credentials */
  char   **secure_channels;
  char   **disable_channels;
  char   **disable_effects;
  int      color_depth;       /* 0 when absent */
  int      enable_smartcard;  /* -1, 0, 1 */
  int      enable_usbredir;   /* -1, 0, 1 */
  char    *title;
} TetherSpiceVv;

gboolean tether_spice_vv_parse (const char    *data,
                                gsize          length,
                                TetherSpiceVv *out,
                                GError       **error);
/* Frees every field (wiping secrets) and zeroes @vv. */
void     tether_spice_vv_clear (TetherSpiceVv *vv);

/* Is @name a SPICE channel name ("main", "display", ... "webdav")? */
gboolean tether_spice_channel_name_is_valid (const char *name);

G_END_DECLS
