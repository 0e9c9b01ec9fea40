/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The framing of SPICE's SASL exchange (docs/spice-protocol.md §3.7), with
 * no libsasl2 in sight so that it is built, tested and fuzzed everywhere:
 *
 *   S->C  u32 len, len bytes of mechanism list (no NUL)
 *   C->S  u32 len, mechanism name (no NUL); u32 len, client data + NUL
 *         (u32 0 when the SASL library gave no data)
 *   S->C  u32 len, server data (len counts a trailing NUL; 0 = no data),
 *         u8 complete
 *   C->S  u32 len, client data + NUL (or u32 0) ... until complete
 *   S->C  u32 link result
 *
 * The server's messages come in two reads: the 4-byte length, checked
 * against its limit with tether_spice_sasl_length_decode(), then exactly the
 * bytes it announced (plus the complete byte for a step).
 */

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every length word on the wire is this many bytes. */
#define TETHER_SPICE_SASL_LENGTH_SIZE      4u
/* The server's mechanism list (spice-gtk's limit). */
#define TETHER_SPICE_SASL_MAX_MECHLIST_LEN 300u
/* The mechanism name the client sends. */
#define TETHER_SPICE_SASL_MAX_MECHNAME_LEN 100u
/* One blob of SASL data, either way. */
#define TETHER_SPICE_SASL_MAX_DATA_LEN     (1024u * 1024u)

/* Decodes a u32 length word of @what. Over @max: LIMIT_EXCEEDED; under
 * @min: PROTOCOL. */
gboolean tether_spice_sasl_length_decode (const guint8 *data, gsize len,
                                          guint32 min, guint32 max,
                                          const char *what,
                                          guint32 *out, GError **error);

/* The mechanism list: exactly @len bytes (1..TETHER_SPICE_SASL_MAX_MECHLIST_LEN)
 * of mechanism names (A-Z, 0-9, '-', '_') separated by commas, at least one
 * name. Returns it as a NUL-terminated string for sasl_client_start(), or
 * NULL with TETHER_SPICE_ERROR_PROTOCOL. */
char    *tether_spice_sasl_mechlist_decode (const guint8 *data, gsize len,
                                            GError **error);

/* One server step after its length word: @len = the announced length + 1
 * (the complete byte). The data borrow @data. */
typedef struct {
  const char *data;      /* NULL when the server sent none (length 0) */
  guint       data_len;  /* without the trailing NUL */
  gboolean    complete;
} TetherSpiceSaslServerStep;

gboolean tether_spice_sasl_server_step_decode (const guint8 *data, gsize len,
                                               TetherSpiceSaslServerStep *out,
                                               GError **error);

/* Whole server messages (length word + body), as one buffer: for tests and
 * the fuzzer; the channel reads the two parts separately with the functions
 * above, which these use. Anything but exactly one message fails. */
char    *tether_spice_sasl_mechlist_message_decode (const guint8 *data, gsize len,
                                                    GError **error);
gboolean tether_spice_sasl_server_step_message_decode (const guint8 *data, gsize len,
                                                       TetherSpiceSaslServerStep *out,
                                                       GError **error);

/* The client's first message: mechanism name then its data (@out NULL: no
 * data, sent as length 0). A name that is empty or over
 * TETHER_SPICE_SASL_MAX_MECHNAME_LEN, or data over
 * TETHER_SPICE_SASL_MAX_DATA_LEN, fails with LIMIT_EXCEEDED. The returned
 * bytes are wiped when freed (the data may hold a password). */
GBytes  *tether_spice_sasl_start_encode (const char *mechanism,
                                         const char *out, guint out_len,
                                         GError **error);
/* A later client step: just the data, as above. */
GBytes  *tether_spice_sasl_step_encode  (const char *out, guint out_len,
                                         GError **error);

G_END_DECLS
