/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the action verbs share. Public Tether API only. */
#include "config.h"

#include <string.h>

#include "tether-spice-verbs.h"

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

gboolean
tether_spice_verb_iterate (gint64 deadline)
{
  gint64 now = g_get_monotonic_time ();
  GMainContext *ctx = g_main_context_get_thread_default ();
  GSource *timer;

  if (now >= deadline)
    return FALSE;
  if (ctx == NULL)
    ctx = g_main_context_default ();
  timer = g_timeout_source_new ((guint) MIN ((deadline - now + 999) / 1000, G_MAXUINT));
  g_source_set_callback (timer, wake_up, NULL, NULL);
  g_source_attach (timer, ctx);
  g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return TRUE;
}

void
tether_spice_verb_sleep (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (tether_spice_verb_iterate (until))
    ;
}

void
tether_spice_verb_init (void)
{
  g_log_writer_default_set_use_stderr (TRUE);
}

gint64
tether_spice_verb_deadline (TetherSpiceToolOptions *opts)
{
  return g_get_monotonic_time () + (gint64) (tether_spice_tool_options_get_timeout (opts) * G_USEC_PER_SEC);
}

typedef struct {
  const int              *types;
  guint                   n_types;
  TetherSpiceChannel     *channels[G_N_ELEMENTS (((TetherSpiceVerbChannels *) NULL)->channels)];
  gboolean                opened[G_N_ELEMENTS (((TetherSpiceVerbChannels *) NULL)->channels)];
  GError                 *error;
} OpenState;

static void
on_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  OpenState *st = user_data;

  for (guint i = 0; i < st->n_types; i++)
    if (st->channels[i] == channel)
      {
        if (event == TETHER_SPICE_CHANNEL_EVENT_OPENED)
          st->opened[i] = TRUE;
        else if (st->error == NULL)
          {
            const GError *e = tether_spice_channel_get_error (channel);

            st->error = e != NULL ? g_error_copy (e)
                                  : g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                                 "The server closed the %s channel",
                                                 tether_spice_channel_type_to_string (
                                                   tether_spice_channel_get_channel_type (channel)));
          }
      }
}

static void
on_channel_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  OpenState *st = user_data;
  int type = tether_spice_channel_get_channel_type (channel);

  for (guint i = 0; i < st->n_types; i++)
    if (st->types[i] == type && st->channels[i] == NULL)
      {
        /* Linked at once: this is on the way to the first frame. */
        st->channels[i] = g_object_ref (channel);
        g_signal_connect (channel, "channel-event", G_CALLBACK (on_event), st);
        tether_spice_channel_connect (channel);
        return;
      }
}

gboolean
tether_spice_verb_open (TetherSpiceSession *session, const int *types, gint64 deadline, TetherSpiceVerbChannels *out,
                        GError **error)
{
  OpenState st = { 0 };
  gulong new_id;
  gboolean ok = TRUE;

  memset (out, 0, sizeof *out);
  st.types = types;
  while (types[st.n_types] != 0 && st.n_types < G_N_ELEMENTS (out->channels))
    st.n_types++;
  new_id = g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new), &st);
  out->main = tether_spice_tool_connect (session, deadline, error);
  g_signal_handler_disconnect (session, new_id);
  if (out->main == NULL)
    ok = FALSE;
  for (guint i = 0; ok && i < st.n_types; i++)
    if (st.channels[i] == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The server offers no %s channel",
                     tether_spice_channel_type_to_string (types[i]));
        ok = FALSE;
      }
  while (ok)
    {
      gboolean all = TRUE;

      for (guint i = 0; i < st.n_types; i++)
        all = all && st.opened[i];
      if (st.error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&st.error));
          ok = FALSE;
        }
      else if (all)
        break;
      else if (!tether_spice_verb_iterate (deadline))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No answer in time while linking the %s channel",
                       tether_spice_channel_type_to_string (types[0]));
          ok = FALSE;
        }
    }
  g_clear_error (&st.error);
  if (!ok)
    {
      tether_spice_session_disconnect (session);
      memset (out, 0, sizeof *out);
    }
  for (guint i = 0; i < st.n_types; i++)
    if (st.channels[i] != NULL)
      {
        g_signal_handlers_disconnect_by_data (st.channels[i], &st);
        if (ok)
          out->channels[i] = st.channels[i];   /* the session keeps it */
        g_object_unref (st.channels[i]);
      }
  return ok;
}
