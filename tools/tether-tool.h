/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* Exit statuses shared by every subcommand. */
enum {
  TETHER_EXIT_OK = 0,
  TETHER_EXIT_FAILURE = 1,       /* the operation failed; the message says why */
  TETHER_EXIT_USAGE = 2,         /* bad command line */
  TETHER_EXIT_NOT_SUPPORTED = 3, /* not built yet, or not available here */
};

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);   /* argv[0] is the command name */
  const char *args;
  const char *summary;
} TetherToolCommand;

/* Subcommand entry points; argv[0] is the subcommand's own name. */
int tether_tool_x2go_profile (int argc, char **argv);
