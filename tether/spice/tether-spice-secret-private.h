/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Helpers for strings that hold secrets (passwords, proxy credentials): they
 * are wiped before their memory is given back, and never logged.
 */

#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

/* Wipes and frees a NUL-terminated secret; NULL is fine. */
static inline void
tether_spice_secret_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

/* Replaces *@slot by a copy of @value, wiping the old one. */
static inline void
tether_spice_secret_set (char **slot, const char *value)
{
  char *old = *slot;

  *slot = g_strdup (value);
  tether_spice_secret_free (old);
}

/* Wipes and frees *@slot and sets it to NULL. */
static inline void
tether_spice_secret_clear (char **slot)
{
  tether_spice_secret_free (*slot);
  *slot = NULL;
}

G_END_DECLS
