/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether spice: the verbs of the SPICE client. Public Tether API only. */
#include "config.h"

#include <string.h>

#include "tether-spice-cli.h"
#include "tether-spice-common.h"
#include "tether-tool.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} SpiceVerb;

static const SpiceVerb verbs[] = {
  { "info", tether_tool_spice_info, "Connect and print the server's name, UUID, channels and mouse mode" },
  { "screenshot", tether_tool_spice_screenshot, "Save the display as a PNG image at the first complete frame" },
  { "keys", tether_tool_spice_keys, "Send key combinations (ctrl-alt-del, esc, alt+f4…)" },
  { "type", tether_tool_spice_type, "Type text on a US keyboard layout" },
  { "click", tether_tool_spice_click, "Click a mouse button at a position" },
};

static void
print_usage (FILE *out)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();

  fprintf (out, "Usage: tether spice VERB [OPTION…] [URI]\n\nVerbs:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    fprintf (out, "  %-12s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (out, "\nURI: spice://HOST:PORT, spice+tls://HOST:TLS_PORT, spice+unix:///PATH\n"
                "     (query parameters port, tls-port, password)\n"
                "\nSession options (every verb; one per TetherSpiceSession property):\n");
  tether_spice_tool_options_print_help (opts, out);
  fprintf (out, "\nThe SPICE_PASSWORD environment variable gives the password too.\n"
                "Run 'tether spice VERB --help' for a verb's own options.\n");
}

int
tether_tool_spice (int argc, char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return TETHER_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return TETHER_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (argv[1], verbs[i].name))
      {
        if (verbs[i].run == NULL)
          {
            g_printerr ("tether spice %s: not supported yet in this version (%s)\n", verbs[i].name,
                        tether_get_version_string ());
            return TETHER_EXIT_NOT_SUPPORTED;
          }
        return verbs[i].run (argc - 1, argv + 1);
      }
  g_printerr ("tether spice: unknown verb '%s'\n", argv[1]);
  print_usage (stderr);
  return TETHER_EXIT_USAGE;
}
