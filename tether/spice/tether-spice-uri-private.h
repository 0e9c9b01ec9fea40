/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * SPICE connection URIs (docs/spice-protocol.md §2.8) and HTTP proxy
 * specifications (§2.5): parsing into parts and composing the canonical form.
 * Pure functions over strings: no session, no I/O. Errors are in the
 * G_URI_ERROR domain and never quote a password.
 */

#include <glib.h>

G_BEGIN_DECLS

/* Tether's limits on URI input, in bytes. */
#define TETHER_SPICE_URI_MAX_LENGTH        4096u
#define TETHER_SPICE_URI_MAX_HOST_LENGTH   255u
#define TETHER_SPICE_URI_MAX_USER_LENGTH   255u
/* spice-gtk's limits on query parameters: keys [-a-zA-Z0-9]{1,31},
 * values of at most 127 bytes before percent-decoding. */
#define TETHER_SPICE_URI_MAX_KEY_LENGTH    31u
#define TETHER_SPICE_URI_MAX_VALUE_LENGTH  127u
/* At most this many parameters are looked at; only three keys exist. */
#define TETHER_SPICE_URI_MAX_PARAMS        8u
/* sun_path holds 108 bytes with the NUL. */
#define TETHER_SPICE_UNIX_PATH_MAX_LENGTH  107u

typedef struct {
  char *host;       /* without IPv6 brackets; NULL for spice+unix */
  char *port;       /* canonical decimal, or NULL */
  char *tls_port;   /* canonical decimal, or NULL */
  char *unix_path;  /* NULL unless spice+unix */
  char *username;   /* NULL when the URI has none */
  char *password;   /* NULL when the URI has none; a secret */
} TetherSpiceUriParts;

/* Parses @uri. On success every field of @out is set (NULL when absent); on
 * failure @out is left cleared. */
gboolean tether_spice_uri_parse       (const char          *uri,
                                       TetherSpiceUriParts *out,
                                       GError             **error);
/* Frees the fields (wiping the password) and zeroes @parts. */
void     tether_spice_uri_parts_clear (TetherSpiceUriParts *parts);

/* The canonical URI of a configuration, as spice-gtk's `uri` getter builds
 * it: spice+unix://PATH; spice://HOST?port=P&tls-port=T; spice://HOST:P;
 * spice+tls://HOST:T. Ports that do not parse count as unset. NULL when
 * there is neither a unix path nor a host with a port. Never includes a
 * user name or password. */
char    *tether_spice_uri_compose     (const char *host,
                                       const char *port,
                                       const char *tls_port,
                                       const char *unix_path);

/* A TCP port: 1 to 65535, decimal digits only, at most 5 of them. */
gboolean tether_spice_port_parse      (const char *text,
                                       guint16    *out);

/* A host name or IP address: IPv6 literals (with an optional %zone) without
 * brackets, or letters, digits, '.', '-' and '_', at most
 * TETHER_SPICE_URI_MAX_HOST_LENGTH bytes. */
gboolean tether_spice_host_is_valid   (const char *host);

typedef struct {
  gboolean https;     /* TLS to the proxy */
  char    *host;      /* without IPv6 brackets */
  guint16  port;
  char    *user;      /* NULL when none */
  char    *password;  /* NULL when none; a secret */
} TetherSpiceProxy;

#define TETHER_SPICE_PROXY_DEFAULT_HTTP_PORT   3128u
#define TETHER_SPICE_PROXY_DEFAULT_HTTPS_PORT  3129u

/* Parses `[scheme://][user[:password]@]host[:port][/]` (§2.5). Scheme http
 * (the default) or https; anything else is an error. */
gboolean tether_spice_proxy_parse     (const char        *text,
                                       TetherSpiceProxy  *out,
                                       GError           **error);
void     tether_spice_proxy_clear     (TetherSpiceProxy  *proxy);

G_END_DECLS
