/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Table-driven helpers for the SPICE wire tests: a valid vector must decode,
 * every strict prefix of it must fail cleanly with TETHER_SPICE_ERROR_PROTOCOL,
 * and a hostile vector must fail with exactly the expected code.
 */

#include <string.h>

#include "tether-error.h"
#include "tether-test-utils.h"

/* A decoder under test, reduced to "does this body decode?". It must free
 * whatever it decoded. */
typedef gboolean (*SpiceDecodeFunc) (GBytes *body, GError **error);

typedef struct {
  const char      *name;
  SpiceDecodeFunc  decode;
  const guint8    *data;
  gsize            len;
  /* Prefixes at least this long may be valid (optional trailing parts);
   * 0 means only the whole vector is. */
  gsize            min_valid;
} SpiceValidVector;

typedef struct {
  const char      *name;
  SpiceDecodeFunc  decode;
  const guint8    *data;
  gsize            len;
  gint             code;       /* TetherSpiceError */
  const char      *needle;     /* must appear in the message, or NULL */
} SpiceBadVector;

#define SPICE_VEC(array) (array), sizeof (array)

/* An exact-size heap copy, so a sanitizer sees any read past the end. */
static inline GBytes *
spice_test_bytes (const guint8 *data, gsize len)
{
  return g_bytes_new_take (g_memdup2 (data, len), len);
}

static inline void
spice_test_valid (const SpiceValidVector *v)
{
  g_autoptr(GBytes) b = spice_test_bytes (v->data, v->len);
  g_autoptr(GError) error = NULL;

  if (!v->decode (b, &error))
    g_error ("%s: valid vector failed: %s", v->name, error ? error->message : "(no error)");
  g_assert_no_error (error);
}

static inline void
spice_test_prefixes (const SpiceValidVector *v)
{
  gsize limit = v->min_valid != 0 ? v->min_valid : v->len;

  for (gsize n = 0; n < limit; n++)
    {
      g_autoptr(GBytes) b = spice_test_bytes (v->data, n);
      g_autoptr(GError) error = NULL;

      if (v->decode (b, &error))
        g_error ("%s: prefix of %" G_GSIZE_FORMAT " bytes decoded", v->name, n);
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_assert_nonnull (error->message);
      g_assert_cmpuint (strlen (error->message), >, 0);
    }
}

static inline void
spice_test_bad (const SpiceBadVector *v)
{
  g_autoptr(GBytes) b = spice_test_bytes (v->data, v->len);
  g_autoptr(GError) error = NULL;

  if (v->decode (b, &error))
    g_error ("%s: hostile vector decoded", v->name);
  if (!g_error_matches (error, TETHER_SPICE_ERROR, v->code))
    g_error ("%s: expected code %d, got %s %d: %s", v->name, v->code,
             error ? g_quark_to_string (error->domain) : "(none)",
             error ? error->code : -1, error ? error->message : "");
  if (v->needle != NULL && strstr (error->message, v->needle) == NULL)
    g_error ("%s: message \"%s\" lacks \"%s\"", v->name, error->message, v->needle);
}

static inline void
spice_test_valid_table (const SpiceValidVector *table, gsize n)
{
  for (gsize i = 0; i < n; i++)
    spice_test_valid (&table[i]);
}

static inline void
spice_test_prefix_table (const SpiceValidVector *table, gsize n)
{
  for (gsize i = 0; i < n; i++)
    spice_test_prefixes (&table[i]);
}

static inline void
spice_test_bad_table (const SpiceBadVector *table, gsize n)
{
  for (gsize i = 0; i < n; i++)
    spice_test_bad (&table[i]);
}

static inline void
spice_test_assert_bytes (GBytes *bytes, const guint8 *expected, gsize len)
{
  gsize got_len = 0;
  const guint8 *got = g_bytes_get_data (bytes, &got_len);

  g_assert_cmpmem (got, got_len, expected, len);
}
