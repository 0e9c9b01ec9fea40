/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench: connect() to the server's channel list with spice-gtk (the
 * reference), for bench/spice-connect.sh.
 *
 *   spice-connect-gtk URI N_CHANNELS [REPEAT]
 *
 * spice-gtk keeps the main channel's channel list to itself; it creates a
 * channel (signal channel-new) for each entry, all from the one message. The
 * list has arrived when the N_CHANNELS-th channel-new (main included) is
 * emitted: the time from spice_session_connect() to that, in milliseconds,
 * one line per run ("connect_to_list_ms 12.345"). N_CHANNELS is what the
 * server offers (the script takes it from `tether spice info --json`).
 * BENCH_CA_FILE, when set, is the session's ca-file (for spice+tls URIs).
 */
#include <stdio.h>
#include <spice-client.h>

typedef struct {
  guint    want, seen;
  gboolean done, failed;
  gint64   t_list;
} Run;

static void
on_event (SpiceChannel *channel, SpiceChannelEvent event, gpointer user_data)
{
  Run *r = user_data;

  if (event != SPICE_CHANNEL_OPENED && !r->done)
    {
      fprintf (stderr, "spice-connect-gtk: channel event %d\n", event);
      r->failed = r->done = TRUE;
    }
}

static void
on_new (SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
  Run *r = user_data;

  if (SPICE_IS_MAIN_CHANNEL (channel))
    g_signal_connect (channel, "channel-event", G_CALLBACK (on_event), r);
  if (++r->seen == r->want)
    {
      r->t_list = g_get_monotonic_time ();
      r->done = TRUE;
    }
}

int
main (int argc, char **argv)
{
  guint64 want = 0, repeat = 1;
  const char *ca_file = g_getenv ("BENCH_CA_FILE");

  if (argc < 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 512, &want, NULL) ||
      (argc > 3 && !g_ascii_string_to_unsigned (argv[3], 10, 1, 100000, &repeat, NULL)))
    {
      fprintf (stderr, "usage: spice-connect-gtk URI N_CHANNELS [REPEAT]\n");
      return 2;
    }
  for (guint64 i = 0; i < repeat; i++)
    {
      SpiceSession *session = spice_session_new ();
      Run r = { 0 };
      gint64 t0;

      r.want = (guint) want;
      g_object_set (session, "uri", argv[1], NULL);
      if (ca_file != NULL)
        g_object_set (session, "ca-file", ca_file, NULL);
      /* SASL credentials for the sasl rows. */
      if (g_getenv ("BENCH_USERNAME") != NULL)
        g_object_set (session, "username", g_getenv ("BENCH_USERNAME"), "password", g_getenv ("BENCH_PASSWORD"), NULL);
      g_signal_connect (session, "channel-new", G_CALLBACK (on_new), &r);
      t0 = g_get_monotonic_time ();
      spice_session_connect (session);
      while (!r.done)
        g_main_context_iteration (NULL, TRUE);
      if (r.failed)
        return 1;
      printf ("connect_to_list_ms %.3f\n", (r.t_list - t0) / 1000.0);
      fflush (stdout);
      spice_session_disconnect (session);
      g_object_unref (session);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  return 0;
}
