/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether spice screenshot: connect, wait for the first complete frame, save it as PNG. */
#include "config.h"

#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tether-spice-cli.h"
#include "tether-spice-verbs.h"
#include "tether-tool.h"

/* Without a display mark, a picture counts as complete once nothing changed
 * for this long after the primary surface appeared. */
#define DEFAULT_QUIET_MS 500
/* The longest --wait-ms / --quiet-ms: an hour. */
#define MAX_WAIT_MS (3600 * 1000)

typedef struct {
  gint64 last_change;    /* monotonic µs of the last primary create / invalidate */
  gboolean primary;
} FrameState;

static void
on_primary_create (TetherSpiceDisplayChannel *display, int format, int width, int height, int stride, int shmid,
                   gpointer data, gpointer user_data)
{
  FrameState *st = user_data;

  st->primary = TRUE;
  st->last_change = g_get_monotonic_time ();
}

static void
on_primary_destroy (TetherSpiceDisplayChannel *display, gpointer user_data)
{
  FrameState *st = user_data;

  st->primary = FALSE;
}

static void
on_invalidate (TetherSpiceDisplayChannel *display, int x, int y, int w, int h, gpointer user_data)
{
  FrameState *st = user_data;

  st->last_change = g_get_monotonic_time ();
}

static gboolean
write_stdout (GBytes *png, GError **error)
{
  gsize len, done = 0;
  const guint8 *data = g_bytes_get_data (png, &len);

  while (done < len)
    {
      ssize_t n = write (STDOUT_FILENO, data + done, len - done);

      if (n < 0)
        return g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "Writing the PNG to standard output "
                            "failed: %s", g_strerror (errno)), FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Runs until the display shows a complete picture (or @wait_ms passed). */
static gboolean
wait_for_frame (TetherSpiceDisplayChannel *display, FrameState *st, int wait_ms, int quiet_ms, gint64 deadline,
                GError **error)
{
  gint64 until = wait_ms >= 0 ? g_get_monotonic_time () + (gint64) wait_ms * 1000 : 0;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = deadline;

      if (tether_spice_channel_get_error (TETHER_SPICE_CHANNEL (display)) != NULL)
        {
          g_propagate_error (error, g_error_copy (tether_spice_channel_get_error (TETHER_SPICE_CHANNEL (display))));
          return FALSE;
        }
      if (wait_ms >= 0)
        {
          if (now >= until)
            break;
          wake = MIN (wake, until);
        }
      else if (tether_spice_display_channel_get_ready (display))
        break;
      else if (st->primary)
        {
          if (now - st->last_change >= (gint64) quiet_ms * 1000)
            break;
          wake = MIN (wake, st->last_change + (gint64) quiet_ms * 1000);
        }
      if (now >= deadline || !tether_spice_verb_iterate (wake))
        return g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                            st->primary ? "The picture did not settle in time"
                                        : "The server sent no picture in time (no primary surface)"), FALSE;
    }
  if (!st->primary)
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "The display has no picture (no primary surface) after %d ms", wait_ms), FALSE;
  return TRUE;
}

int
tether_tool_spice_screenshot (int argc, char **argv)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  g_autofree char *output = NULL;
  int wait_ms = -1, quiet_ms = DEFAULT_QUIET_MS;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the PNG to FILE ('-': standard output)", "FILE" },
    { "wait-ms", 0, 0, G_OPTION_ARG_INT, &wait_ms,
      "Capture MS milliseconds after the display is linked, instead of at the first complete frame", "MS" },
    { "quiet-ms", 0, 0, G_OPTION_ARG_INT, &quiet_ms,
      "Without a display mark, the picture is complete once nothing changed for MS (default 500)", "MS" },
    G_OPTION_ENTRY_NULL
  };
  static const int types[] = { TETHER_SPICE_CHANNEL_TYPE_DISPLAY, 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GBytes) png = NULL;
  TetherSpiceVerbChannels ch;
  TetherSpiceDisplayChannel *display;
  FrameState st = { 0 };
  gint64 deadline;
  gboolean ok;

  tether_spice_verb_init ();
  positional = tether_spice_tool_parse (opts, entries, "[URI] -o FILE.png",
                                        "Connect to a SPICE server and save its display as a PNG image, once the "
                                        "first complete frame is there.", argc, argv, &error);
  if (positional == NULL)
    return tether_spice_tool_report_error ("screenshot", error);
  if (g_strv_length (positional) > 1)
    {
      g_printerr ("tether spice screenshot: one URI at most (got '%s' after it)\n", positional[1]);
      return TETHER_EXIT_USAGE;
    }
  if (output == NULL || output[0] == '\0')
    {
      g_printerr ("tether spice screenshot: say where the PNG goes with -o FILE.png\n");
      return TETHER_EXIT_USAGE;
    }
  if (wait_ms < -1 || wait_ms > MAX_WAIT_MS || quiet_ms < 0 || quiet_ms > MAX_WAIT_MS)
    {
      g_printerr ("tether spice screenshot: --wait-ms and --quiet-ms take 0 to %d milliseconds\n", MAX_WAIT_MS);
      return TETHER_EXIT_USAGE;
    }
  session = tether_spice_tool_options_make_session (opts, positional[0], &error);
  if (session == NULL)
    return tether_spice_tool_report_error ("screenshot", error);

  deadline = tether_spice_verb_deadline (opts);
  if (wait_ms >= 0)
    deadline += (gint64) wait_ms * 1000;
  if (!tether_spice_verb_open (session, types, deadline, &ch, &error))
    return tether_spice_tool_report_error ("screenshot", error);
  display = TETHER_SPICE_DISPLAY_CHANNEL (ch.channels[0]);
  g_object_ref (display);
  /* The primary may be there already (the link and the first messages can
   * come in one turn). */
  {
    g_autoptr(GBytes) pixels = tether_spice_display_channel_copy_primary (display, NULL, NULL, NULL, NULL);

    st.primary = pixels != NULL;
  }
  st.last_change = g_get_monotonic_time ();
  g_signal_connect (display, "display-primary-create", G_CALLBACK (on_primary_create), &st);
  g_signal_connect (display, "display-primary-destroy", G_CALLBACK (on_primary_destroy), &st);
  g_signal_connect (display, "display-invalidate", G_CALLBACK (on_invalidate), &st);
  ok = wait_for_frame (display, &st, wait_ms, quiet_ms, deadline, &error);
  if (ok)
    png = tether_spice_display_channel_encode_primary_png (display, &error);
  g_signal_handlers_disconnect_by_data (display, &st);
  g_object_unref (display);
  tether_spice_tool_disconnect (session);
  if (png == NULL)
    return tether_spice_tool_report_error ("screenshot", error);
  if (g_str_equal (output, "-"))
    ok = write_stdout (png, &error);
  else if (!g_file_set_contents (output, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), &error))
    {
      g_autoptr(GError) write_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write the PNG: %s",
                                                   error->message);

      return tether_spice_tool_report_error ("screenshot", write_error);
    }
  if (!ok)
    return tether_spice_tool_report_error ("screenshot", error);
  return TETHER_EXIT_OK;
}
