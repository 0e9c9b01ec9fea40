/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether: the command-line front end. Uses the public API only. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <tether/tether.h>

#include "tether-tool.h"
#include "tether-x2go-cli.h"
#include "tether-spice-cli.h"

static int cmd_help (int argc, char **argv);
static int cmd_version (int argc, char **argv);

static int
cmd_x2go (int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "profile"))
    return tether_tool_x2go_profile (argc - 1, argv + 1);
  return tether_x2go_main (argc, argv);
}

static int
cmd_spice (int argc, char **argv)
{
  return tether_tool_spice (argc, argv);
}

static const TetherToolCommand commands[] = {
  { "help", cmd_help, "[COMMAND]", "Show help for tether or one command" },
  { "version", cmd_version, "", "Print the version" },
  { "x2go", cmd_x2go, "[OPTION…]", "X2Go client (pyhoca-cli compatible)" },
  { "spice", cmd_spice, "VERB URI [OPTION…]", "SPICE client: info, screenshot, keys, type, click" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: tether [--version] [--debug] COMMAND [ARG…]\n\n"
                "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'tether help COMMAND' for a command's own options.\n");
}

static const TetherToolCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static int
cmd_help (int argc, char **argv)
{
  const TetherToolCommand *cmd;

  if (argc < 2)
    {
      print_usage (stdout);
      return TETHER_EXIT_OK;
    }
  cmd = find_command (argv[1]);
  if (cmd == NULL)
    {
      g_printerr ("tether help: unknown command '%s'\n", argv[1]);
      return TETHER_EXIT_USAGE;
    }
  printf ("Usage: tether %s %s\n\n%s\n", cmd->name, cmd->args, cmd->summary);
  return TETHER_EXIT_OK;
}

static int
cmd_version (int argc, char **argv)
{
  printf ("tether %s\n", tether_get_version_string ());
  return TETHER_EXIT_OK;
}

int
main (int argc, char **argv)
{
  const TetherToolCommand *cmd;
  int first = 1;

  setlocale (LC_ALL, "");

  /* Global options come before the command. */
  for (; first < argc && argv[first][0] == '-'; first++)
    {
      if (g_str_equal (argv[first], "--version") || g_str_equal (argv[first], "-V"))
        return cmd_version (0, NULL);
      else if (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h"))
        {
          print_usage (stdout);
          return TETHER_EXIT_OK;
        }
      else if (g_str_equal (argv[first], "--debug"))
        tether_set_debug (TRUE);
      else
        {
          g_printerr ("tether: unknown option '%s'\n", argv[first]);
          print_usage (stderr);
          return TETHER_EXIT_USAGE;
        }
    }
  if (first >= argc)
    {
      print_usage (stderr);
      return TETHER_EXIT_USAGE;
    }
  cmd = find_command (argv[first]);
  if (cmd == NULL)
    {
      g_printerr ("tether: unknown command '%s'\n", argv[first]);
      print_usage (stderr);
      return TETHER_EXIT_USAGE;
    }
  return cmd->run (argc - first, argv + first);
}
