/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench: connect() to the server's channel list with Tether's public API.
 *
 *   spice-connect-tether URI [REPEAT]
 *
 * For each of REPEAT (default 1) fresh sessions: the time from
 * tether_spice_session_connect() to the main channel's notify::channel-list
 * (all channel-new signals the list causes have been emitted by then), in
 * milliseconds, one line each ("connect_to_list_ms 12.345"). Exit 0 when
 * every run got its list. BENCH_CA_FILE, when set, is the session's ca-file
 * (for spice+tls URIs). Built by bench/spice-connect.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tether/tether.h>

typedef struct {
  gboolean done, failed;
  gint64   t_list;
} Run;

static void
on_list (GObject *channel, GParamSpec *pspec, gpointer user_data)
{
  Run *r = user_data;

  r->t_list = g_get_monotonic_time ();
  r->done = TRUE;
}

static void
on_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  Run *r = user_data;

  if (event != TETHER_SPICE_CHANNEL_EVENT_OPENED)
    {
      const GError *e = tether_spice_channel_get_error (channel);

      fprintf (stderr, "spice-connect-tether: %s\n", e != NULL ? e->message : "closed");
      r->failed = r->done = TRUE;
    }
}

static void
on_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  if (TETHER_IS_SPICE_MAIN_CHANNEL (channel))
    {
      g_signal_connect (channel, "notify::channel-list", G_CALLBACK (on_list), user_data);
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_event), user_data);
    }
}

int
main (int argc, char **argv)
{
  guint64 repeat = 1;
  GError *error = NULL;
  const char *ca_file = g_getenv ("BENCH_CA_FILE");

  if (argc < 2 || (argc > 2 && !g_ascii_string_to_unsigned (argv[2], 10, 1, 100000, &repeat, NULL)))
    {
      fprintf (stderr, "usage: spice-connect-tether URI [REPEAT]\n");
      return 2;
    }
  for (guint64 i = 0; i < repeat; i++)
    {
      TetherSpiceSession *session = tether_spice_session_new ();
      Run r = { 0 };
      gint64 t0;

      if (!tether_spice_session_load_uri (session, argv[1], &error))
        {
          fprintf (stderr, "spice-connect-tether: %s\n", error->message);
          return 2;
        }
      if (ca_file != NULL)
        g_object_set (session, "ca-file", ca_file, NULL);
      /* SASL credentials for the sasl rows. */
      if (g_getenv ("BENCH_USERNAME") != NULL)
        g_object_set (session, "username", g_getenv ("BENCH_USERNAME"), "password", g_getenv ("BENCH_PASSWORD"), NULL);
      g_signal_connect (session, "channel-new", G_CALLBACK (on_new), &r);
      t0 = g_get_monotonic_time ();
      tether_spice_session_connect (session);
      while (!r.done)
        g_main_context_iteration (NULL, TRUE);
      if (r.failed)
        return 1;
      printf ("connect_to_list_ms %.3f\n", (r.t_list - t0) / 1000.0);
      fflush (stdout);
      tether_spice_session_disconnect (session);
      g_object_unref (session);
      /* Let the closes finish before the next run. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  return 0;
}
