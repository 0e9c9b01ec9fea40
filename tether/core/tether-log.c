/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "tether-log.h"

static const char * const all_domains[] = {
  TETHER_LOG_DOMAIN,
  TETHER_LOG_DOMAIN_SSH,
  TETHER_LOG_DOMAIN_X2GO,
  TETHER_LOG_DOMAIN_SPICE,
};

/* G_MESSAGES_DEBUG is a space-separated list of domains, or "all". */
static gboolean
env_enables_all_tether_domains (const char *env)
{
  g_auto(GStrv) words = NULL;

  if (env == NULL)
    return FALSE;
  words = g_strsplit_set (env, " ,", -1);
  if (g_strv_contains ((const char * const *) words, "all"))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (all_domains); i++)
    if (!g_strv_contains ((const char * const *) words, all_domains[i]))
      return FALSE;
  return TRUE;
}

/**
 * tether_set_debug:
 * @enabled: whether to show Tether's debug messages
 *
 * Shows (or stops showing) the debug messages of every Tether log domain, as
 * if `G_MESSAGES_DEBUG` named them. Domains named in `G_MESSAGES_DEBUG` at
 * start-up stay enabled either way. Call this before other threads log.
 */
void
tether_set_debug (gboolean enabled)
{
  const char *env = g_getenv ("G_MESSAGES_DEBUG");
  GString *value;
  g_auto(GStrv) words = NULL;

  if (enabled == tether_get_debug ())
    return;
  value = g_string_new (NULL);
  words = g_strsplit_set (env ? env : "", " ,", -1);
  for (gsize i = 0; words[i] != NULL; i++)
    {
      gboolean ours = FALSE;

      if (words[i][0] == '\0')
        continue;
      for (gsize j = 0; j < G_N_ELEMENTS (all_domains); j++)
        ours |= g_str_equal (words[i], all_domains[j]);
      if (ours)
        continue;
      if (value->len > 0)
        g_string_append_c (value, ' ');
      g_string_append (value, words[i]);
    }
  if (enabled)
    for (gsize j = 0; j < G_N_ELEMENTS (all_domains); j++)
      {
        if (value->len > 0)
          g_string_append_c (value, ' ');
        g_string_append (value, all_domains[j]);
      }
  g_setenv ("G_MESSAGES_DEBUG", value->str, TRUE);
  g_string_free (value, TRUE);
}

/**
 * tether_get_debug:
 *
 * Returns: %TRUE if the debug messages of every Tether log domain are shown
 */
gboolean
tether_get_debug (void)
{
  return env_enables_all_tether_domains (g_getenv ("G_MESSAGES_DEBUG"));
}
