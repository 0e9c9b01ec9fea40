/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public core API: version, error domains and their GTypes, logging. */
#include "config.h"

#include <string.h>

#include <tether/tether.h>

#include "tether-test-utils.h"

static void
test_version (void)
{
  g_autofree char *expected = g_strdup_printf ("%u.%u.%u", tether_get_major_version (),
                                               tether_get_minor_version (),
                                               tether_get_micro_version ());

  g_assert_cmpstr (tether_get_version_string (), ==, expected);
  g_assert_cmpstr (tether_get_version_string (), ==, PACKAGE_VERSION);
  g_assert_true (tether_check_version (0, 0, 0));
  g_assert_true (tether_check_version (TETHER_MAJOR_VERSION, TETHER_MINOR_VERSION,
                                       TETHER_MICRO_VERSION));
  g_assert_false (tether_check_version (TETHER_MAJOR_VERSION, TETHER_MINOR_VERSION,
                                        TETHER_MICRO_VERSION + 1));
  g_assert_false (tether_check_version (TETHER_MAJOR_VERSION + 1, 0, 0));
}

static void
test_error_domains (void)
{
  g_autoptr(GError) e = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH, "wrong password?");

  g_assert_cmpstr (g_quark_to_string (TETHER_SSH_ERROR), ==, "tether-ssh-error-quark");
  g_assert_cmpstr (g_quark_to_string (TETHER_X2GO_ERROR), ==, "tether-x2go-error-quark");
  g_assert_cmpstr (g_quark_to_string (TETHER_SPICE_ERROR), ==, "tether-spice-error-quark");
  g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH);
  g_assert_cmpuint (TETHER_SSH_ERROR, !=, TETHER_X2GO_ERROR);
  g_assert_cmpuint (TETHER_X2GO_ERROR, !=, TETHER_SPICE_ERROR);
}

static void
check_enum (GType type, gint value, const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  g_assert_nonnull (v);
  g_assert_cmpstr (v->value_nick, ==, nick);
}

static void
test_error_enum_types (void)
{
  check_enum (TETHER_TYPE_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_CHANGED, "host-key-changed");
  check_enum (TETHER_TYPE_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE, "bad-config-file");
  check_enum (TETHER_TYPE_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "limit-exceeded");
}

/* Debug output of one domain is switched on by G_MESSAGES_DEBUG. */
static void
test_log_domains_env (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_log (TETHER_LOG_DOMAIN_SPICE, G_LOG_LEVEL_DEBUG, "spice-debug-line");
      g_log (TETHER_LOG_DOMAIN_X2GO, G_LOG_LEVEL_DEBUG, "x2go-debug-line");
      return;
    }
  g_setenv ("G_MESSAGES_DEBUG", TETHER_LOG_DOMAIN_SPICE, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_unsetenv ("G_MESSAGES_DEBUG");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Tether-Spice-DEBUG*spice-debug-line*");
  g_test_trap_assert_stdout_unmatched ("*x2go-debug-line*");
}

static void
test_log_set_debug (void)
{
  g_setenv ("G_MESSAGES_DEBUG", "Other", TRUE);
  g_assert_false (tether_get_debug ());
  tether_set_debug (TRUE);
  g_assert_true (tether_get_debug ());
  /* Other domains named by the user are kept. */
  g_assert_nonnull (strstr (g_getenv ("G_MESSAGES_DEBUG"), "Other"));
  g_assert_nonnull (strstr (g_getenv ("G_MESSAGES_DEBUG"), "Tether-X2go"));
  tether_set_debug (FALSE);
  g_assert_false (tether_get_debug ());
  g_assert_cmpstr (g_getenv ("G_MESSAGES_DEBUG"), ==, "Other");
  g_unsetenv ("G_MESSAGES_DEBUG");
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/core/version", test_version);
  g_test_add_func ("/core/error/domains", test_error_domains);
  g_test_add_func ("/core/error/enum-types", test_error_enum_types);
  g_test_add_func ("/core/log/domains-env", test_log_domains_env);
  g_test_add_func ("/core/log/set-debug", test_log_set_debug);
  return g_test_run ();
}
