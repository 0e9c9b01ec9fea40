/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "tether-version.h"

/**
 * tether_get_major_version:
 *
 * Returns: the major version of the library loaded at run time
 */
guint
tether_get_major_version (void)
{
  return TETHER_MAJOR_VERSION;
}

/**
 * tether_get_minor_version:
 *
 * Returns: the minor version of the library loaded at run time
 */
guint
tether_get_minor_version (void)
{
  return TETHER_MINOR_VERSION;
}

/**
 * tether_get_micro_version:
 *
 * Returns: the micro version of the library loaded at run time
 */
guint
tether_get_micro_version (void)
{
  return TETHER_MICRO_VERSION;
}

/**
 * tether_get_version_string:
 *
 * Returns: (transfer none): the version of the library loaded at run time,
 *   such as "0.1.0"
 */
const char *
tether_get_version_string (void)
{
  return TETHER_VERSION_S;
}

/**
 * tether_check_version:
 * @major: required major version
 * @minor: required minor version
 * @micro: required micro version
 *
 * Run-time check of the loaded library's version.
 *
 * Returns: %TRUE if the loaded library is at least the given version
 */
gboolean
tether_check_version (guint major, guint minor, guint micro)
{
  /* Packed comparison: the macro's form compares unsigned values with 0 when
   * the major version is 0, which compilers rightly flag. */
  guint64 have = (guint64) TETHER_MAJOR_VERSION << 40 |
                 (guint64) TETHER_MINOR_VERSION << 20 | TETHER_MICRO_VERSION;
  guint64 want = (guint64) major << 40 |
                 (guint64) MIN (minor, 0xfffffu) << 20 | MIN (micro, 0xfffffu);

  return have >= want;
}
