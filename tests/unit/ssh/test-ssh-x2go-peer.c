/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"
#include "ssh-test-helpers.h"
int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  return g_test_run ();
}
