/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench: spice-gtk (the reference) decoding a display's updates, for
 * bench/spice-frames.sh.
 *
 *   spice-frames-gtk URI SECONDS
 *
 * Connects, links the display channel when the server lists it, and lets
 * spice-gtk draw for SECONDS; then prints "invalidates N" (one per drawing
 * operation on the primary surface) and exits. Nothing else is done with
 * the pixels, so under callgrind the instructions are spice-gtk's own.
 */
#include <stdio.h>
#include <spice-client.h>

static guint invalidates;

static void
on_invalidate (SpiceChannel *channel, int x, int y, int w, int h, gpointer user_data)
{
  invalidates++;
}

static void
on_new (SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), NULL);
      spice_channel_connect (channel);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  guint64 seconds = 0;
  gboolean done = FALSE;
  SpiceSession *session;

  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 3600, &seconds, NULL))
    {
      fprintf (stderr, "usage: spice-frames-gtk URI SECONDS\n");
      return 2;
    }
  session = spice_session_new ();
  g_object_set (session, "uri", argv[1], "enable-audio", FALSE, NULL);
  g_signal_connect (session, "channel-new", G_CALLBACK (on_new), NULL);
  spice_session_connect (session);
  g_timeout_add_seconds ((guint) seconds, on_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  printf ("invalidates %u\n", invalidates);
  spice_session_disconnect (session);
  g_object_unref (session);
  return 0;
}
