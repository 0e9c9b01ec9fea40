/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * SPICE ticket authentication (docs/spice-protocol.md §3.6): the password,
 * with its NUL, encrypted with RSA-OAEP (SHA-1, MGF1-SHA-1, empty label)
 * under the public key from the server's SpiceLinkReply.
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* Encrypts @password (NULL or "" sends the single byte 0) with the server's
 * key, @pub_key: DER SubjectPublicKeyInfo, normally the reply's 162 bytes.
 * Returns the 128-byte ticket, or NULL with:
 *  - TETHER_SPICE_ERROR_AUTH when the password is longer than
 *    TETHER_SPICE_MAX_PASSWORD_LENGTH bytes;
 *  - TETHER_SPICE_ERROR_PROTOCOL when the key is not a DER RSA public key
 *    of 1024 bits (an all-zero key means the server wants SASL);
 *  - TETHER_SPICE_ERROR_FAILED when OpenSSL fails otherwise.
 * The plaintext copy is wiped before returning; the password never appears
 * in an error message or a log. */
GBytes *tether_spice_ticket_encrypt (const guint8 *pub_key, gsize pub_key_len,
                                     const char *password, GError **error);

/* Pays OpenSSL's one-time costs (configuration, providers, algorithm
 * fetches, the random generator's seeding: about 1.5 ms) by encrypting once
 * with a key of its own, so that the first real ticket does not. Called
 * while the server prepares its link reply (it makes an RSA key for every
 * link, 10 ms and more), which hides the cost. Once per process; does
 * nothing later. */
void    tether_spice_ticket_warm_up (void);

G_END_DECLS
