/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether spice keys / type / click: send keyboard and mouse input. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tether-spice-cli.h"
#include "tether-spice-verbs.h"
#include "tether-tool.h"

/* The pause between key events by default: a guest's PS/2 controller holds
 * only a few scan codes at a time. */
#define DEFAULT_DELAY_MS 20
#define MAX_DELAY_MS     10000
/* How long `click` waits for the server to switch to client mouse mode
 * (asked for at connect when the server offers it). */
#define MOUSE_MODE_WAIT_MS 300
/* In server mouse mode: how long to wait for the guest to report where the
 * pointer went, and how many corrections to make. */
#define CURSOR_WAIT_MS      200
#define MAX_CORRECTIONS     5
/* Between the two clicks of --double. */
#define DOUBLE_CLICK_GAP_MS 60

/* Splits the positional arguments: an optional URI first (it has "://"),
 * then the verb's own. */
static const char *
take_uri (char **positional, char ***rest)
{
  if (positional[0] != NULL && strstr (positional[0], "://") != NULL)
    {
      *rest = positional + 1;
      return positional[0];
    }
  *rest = positional;
  return NULL;
}

typedef struct {
  gboolean done;
  GError  *error;
} Wait;

static void
keys_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  tether_spice_inputs_channel_send_keys_finish (TETHER_SPICE_INPUTS_CHANNEL (source), result, &w->error);
  w->done = TRUE;
}

static void
text_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  tether_spice_inputs_channel_type_text_finish (TETHER_SPICE_INPUTS_CHANNEL (source), result, &w->error);
  w->done = TRUE;
}

static void
flush_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  tether_spice_channel_flush_finish (TETHER_SPICE_CHANNEL (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
wait_done (Wait *w, gint64 deadline, GCancellable *cancellable, GError **error)
{
  while (!w->done)
    if (!tether_spice_verb_iterate (deadline))
      {
        g_cancellable_cancel (cancellable);
        while (!w->done)
          g_main_context_iteration (NULL, TRUE);
        g_clear_error (&w->error);
        w->error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No time left to send the input");
      }
  if (w->error != NULL)
    {
      g_propagate_error (error, w->error);
      w->error = NULL;
      return FALSE;
    }
  return TRUE;
}

/* Opens the session for an input verb: the parsed options, the URI and the
 * channels; prints the error itself. */
static int
open_for (const char *verb, TetherSpiceToolOptions *opts, const char *uri, const int *types,
          TetherSpiceSession **session, TetherSpiceVerbChannels *ch, gint64 *deadline)
{
  g_autoptr(GError) error = NULL;

  *session = tether_spice_tool_options_make_session (opts, uri, &error);
  if (*session == NULL)
    return tether_spice_tool_report_error (verb, error);
  if (tether_spice_session_get_read_only (*session))
    {
      g_printerr ("tether spice %s: the session is read-only (--read-only): no input is sent\n", verb);
      g_clear_object (session);
      return TETHER_EXIT_USAGE;
    }
  *deadline = tether_spice_verb_deadline (opts);
  if (!tether_spice_verb_open (*session, types, *deadline, ch, &error))
    {
      g_clear_object (session);
      return tether_spice_tool_report_error (verb, error);
    }
  return TETHER_EXIT_OK;
}

static gboolean
check_delay (const char *verb, int delay_ms)
{
  if (delay_ms < 0 || delay_ms > MAX_DELAY_MS)
    {
      g_printerr ("tether spice %s: --delay-ms takes 0 to %d milliseconds\n", verb, MAX_DELAY_MS);
      return FALSE;
    }
  return TRUE;
}

/* ---- keys ----------------------------------------------------------------------------- */

int
tether_tool_spice_keys (int argc, char **argv)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  int delay_ms = DEFAULT_DELAY_MS;
  const GOptionEntry entries[] = {
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Pause between key events (default 20)", "MS" },
    G_OPTION_ENTRY_NULL
  };
  static const int types[] = { TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TetherSpiceVerbChannels ch;
  char **combos;
  const char *uri;
  gint64 deadline;
  int rc;

  tether_spice_verb_init ();
  positional = tether_spice_tool_parse (opts, entries, "[URI] KEYS…",
                                        "Press and release key combinations, one after the other: keys joined by "
                                        "'-' or '+' (ctrl-alt-del, alt+f4, shift-tab, esc, f12, super).",
                                        argc, argv, &error);
  if (positional == NULL)
    return tether_spice_tool_report_error ("keys", error);
  uri = take_uri (positional, &combos);
  if (combos[0] == NULL)
    {
      g_printerr ("tether spice keys: name the keys to send, e.g. 'ctrl-alt-del'\n");
      return TETHER_EXIT_USAGE;
    }
  if (!check_delay ("keys", delay_ms))
    return TETHER_EXIT_USAGE;
  /* Check every name before connecting. */
  for (guint i = 0; combos[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_strsplit_set (combos[i], "-+", -1);

      for (guint k = 0; keys[k] != NULL; k++)
        {
          guint code;

          if (keys[k][0] != '\0' && !tether_spice_inputs_key_name_to_scancode (keys[k], &code))
            {
              g_autofree char *shown = tether_spice_tool_escape_text (keys[k]);

              g_printerr ("tether spice keys: unknown key '%s' in '%s'\n", shown, combos[i]);
              return TETHER_EXIT_USAGE;
            }
        }
    }

  rc = open_for ("keys", opts, uri, types, &session, &ch, &deadline);
  if (rc != TETHER_EXIT_OK)
    return rc;
  for (guint i = 0; combos[i] != NULL; i++)
    {
      Wait w = { 0 };

      tether_spice_inputs_channel_send_keys_async (TETHER_SPICE_INPUTS_CHANNEL (ch.channels[0]), combos[i],
                                                   (guint) delay_ms, cancellable, keys_done, &w);
      if (!wait_done (&w, deadline, cancellable, &error))
        {
          tether_spice_tool_disconnect (session);
          return tether_spice_tool_report_error ("keys", error);
        }
      if (combos[i + 1] != NULL)
        tether_spice_verb_sleep (delay_ms / 1000.0);
    }
  tether_spice_tool_disconnect (session);
  return TETHER_EXIT_OK;
}

/* ---- type ----------------------------------------------------------------------------- */

int
tether_tool_spice_type (int argc, char **argv)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  int delay_ms = DEFAULT_DELAY_MS;
  gboolean newline = FALSE;
  const GOptionEntry entries[] = {
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Pause between key events (default 20)", "MS" },
    { "enter", 0, 0, G_OPTION_ARG_NONE, &newline, "Press Enter after the text", NULL },
    G_OPTION_ENTRY_NULL
  };
  static const int types[] = { TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *text = NULL;
  TetherSpiceVerbChannels ch;
  Wait w = { 0 };
  char **rest;
  const char *uri;
  gint64 deadline;
  int rc;

  tether_spice_verb_init ();
  positional = tether_spice_tool_parse (opts, entries, "[URI] TEXT",
                                        "Type TEXT as a US keyboard would (printable ASCII, \\n as Enter, \\t as "
                                        "Tab), with Shift where needed.", argc, argv, &error);
  if (positional == NULL)
    return tether_spice_tool_report_error ("type", error);
  uri = take_uri (positional, &rest);
  if (rest[0] == NULL || rest[1] != NULL)
    {
      g_printerr ("tether spice type: give the text as one argument (quote it)\n");
      return TETHER_EXIT_USAGE;
    }
  if (!check_delay ("type", delay_ms))
    return TETHER_EXIT_USAGE;
  text = g_strconcat (rest[0], newline ? "\n" : "", NULL);
  /* Check the text before connecting. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2 || (c != '\n' && c != '\t' && (c < 0x20 || c > 0x7e)))
        {
          g_printerr ("tether spice type: the text holds a character a US keyboard cannot type (U+%04X)\n",
                      c == (gunichar) -1 || c == (gunichar) -2 ? 0xfffd : c);
          return TETHER_EXIT_USAGE;
        }
    }

  rc = open_for ("type", opts, uri, types, &session, &ch, &deadline);
  if (rc != TETHER_EXIT_OK)
    return rc;
  tether_spice_inputs_channel_type_text_async (TETHER_SPICE_INPUTS_CHANNEL (ch.channels[0]), text, (guint) delay_ms,
                                               cancellable, text_done, &w);
  if (!wait_done (&w, deadline, cancellable, &error))
    {
      tether_spice_tool_disconnect (session);
      return tether_spice_tool_report_error ("type", error);
    }
  tether_spice_tool_disconnect (session);
  return TETHER_EXIT_OK;
}

/* ---- click ---------------------------------------------------------------------------- */

static gboolean
parse_button (const char *name, int *button)
{
  static const char * const names[] = { NULL, "left", "middle", "right", "up", "down", "side", "extra" };
  guint64 n;

  for (int i = 1; i < (int) G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return (*button = i), TRUE;
  if (g_ascii_string_to_unsigned (name, 10, 1, G_N_ELEMENTS (names) - 1, &n, NULL))
    return (*button = (int) n), TRUE;
  return FALSE;
}

static gboolean
parse_coord (const char *text, gboolean allow_negative, int *out)
{
  gint64 v;

  if (!g_ascii_string_to_signed (text, 10, allow_negative ? -65535 : 0, 65535, &v, NULL))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

typedef struct {
  gboolean moved;
  int      x;
  int      y;
} CursorState;

static void
on_cursor_move (TetherSpiceCursorChannel *cursor, int x, int y, gpointer user_data)
{
  CursorState *st = user_data;

  st->moved = TRUE;
  st->x = x;
  st->y = y;
}

/* Server mouse mode: move the guest's pointer to @x, @y by relative motion
 * from where the cursor channel says it is, correcting as the guest
 * reports where it went (its acceleration may scale the motion). */
static gboolean
move_relative_to (TetherSpiceInputsChannel *inputs, TetherSpiceCursorChannel *cursor, int x, int y, gint64 deadline,
                  GError **error)
{
  CursorState st = { 0 };
  int cx, cy;

  if (cursor == NULL || !tether_spice_cursor_channel_get_position (cursor, &cx, &cy))
    return g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        "The server is in server mouse mode and reports no pointer position, so the pointer cannot "
                        "be placed at %d,%d; use --relative to move it by that much from where it is", x, y),
           FALSE;
  g_signal_connect (cursor, "cursor-move", G_CALLBACK (on_cursor_move), &st);
  for (guint round = 0; round < MAX_CORRECTIONS && (cx != x || cy != y); round++)
    {
      gint64 until = MIN (deadline, g_get_monotonic_time () + CURSOR_WAIT_MS * 1000);

      st.moved = FALSE;
      tether_spice_inputs_channel_motion (inputs, x - cx, y - cy, 0);
      while (!st.moved && tether_spice_verb_iterate (until))
        ;
      if (!st.moved)
        {
          g_printerr ("tether spice click: the guest did not report where the pointer went; clicking there\n");
          break;
        }
      cx = st.x;
      cy = st.y;
    }
  g_signal_handlers_disconnect_by_data (cursor, &st);
  return TRUE;
}

static void
on_mouse_update (TetherSpiceMainChannel *main_channel, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

int
tether_tool_spice_click (int argc, char **argv)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  g_autofree char *button_name = NULL;
  gboolean double_click = FALSE, relative = FALSE;
  int display_id = 0;
  const GOptionEntry entries[] = {
    { "button", 0, 0, G_OPTION_ARG_STRING, &button_name,
      "left (default), middle, right, up, down (wheel), side, extra, or 1-7", "BUTTON" },
    { "double", 0, 0, G_OPTION_ARG_NONE, &double_click, "Click twice", NULL },
    { "relative", 0, 0, G_OPTION_ARG_NONE, &relative,
      "X and Y move the pointer by that much from where it is (relative motion)", NULL },
    { "display", 0, 0, G_OPTION_ARG_INT, &display_id, "The display (monitor) id for absolute positions (default 0)",
      "N" },
    G_OPTION_ENTRY_NULL
  };
  static const int types[] = { TETHER_SPICE_CHANNEL_TYPE_INPUTS, TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0 };
  static const int types_no_cursor[] = { TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0 };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TetherSpiceVerbChannels ch;
  TetherSpiceInputsChannel *inputs;
  TetherSpiceCursorChannel *cursor;
  gboolean mode_changed = FALSE;
  char **rest;
  const char *uri;
  int button = TETHER_SPICE_MOUSE_BUTTON_LEFT, x, y, rc;
  gint64 deadline;
  Wait w = { 0 };

  tether_spice_verb_init ();
  positional = tether_spice_tool_parse (opts, entries, "[URI] X Y",
                                        "Move the pointer to X,Y on the display and click. In client mouse mode "
                                        "the position is absolute; in server mouse mode the pointer is moved from "
                                        "where the guest reports it (or by X,Y with --relative).",
                                        argc, argv, &error);
  if (positional == NULL)
    return tether_spice_tool_report_error ("click", error);
  uri = take_uri (positional, &rest);
  if (rest[0] == NULL || rest[1] == NULL || rest[2] != NULL)
    {
      g_printerr ("tether spice click: give the position as X Y\n");
      return TETHER_EXIT_USAGE;
    }
  if (!parse_coord (rest[0], relative, &x) || !parse_coord (rest[1], relative, &y))
    {
      g_printerr ("tether spice click: X and Y are whole numbers from 0 to 65535 (-65535 to 65535 with "
                  "--relative)\n");
      return TETHER_EXIT_USAGE;
    }
  if (button_name != NULL && !parse_button (button_name, &button))
    {
      g_autofree char *shown = tether_spice_tool_escape_text (button_name);

      g_printerr ("tether spice click: unknown button '%s'\n", shown);
      return TETHER_EXIT_USAGE;
    }
  if (display_id < 0 || display_id > 255)
    {
      g_printerr ("tether spice click: --display takes 0 to 255\n");
      return TETHER_EXIT_USAGE;
    }

  rc = open_for ("click", opts, uri, relative ? types_no_cursor : types, &session, &ch, &deadline);
  if (rc != TETHER_EXIT_OK)
    return rc;
  inputs = TETHER_SPICE_INPUTS_CHANNEL (ch.channels[0]);
  cursor = relative ? NULL : TETHER_SPICE_CURSOR_CHANNEL (ch.channels[1]);
  /* The main channel asked for client mode if the server offers it; its
   * answer may still be on the way. */
  if (!relative && tether_spice_main_channel_get_mouse_mode (ch.main) != 2)
    {
      gint64 until = MIN (deadline, g_get_monotonic_time () + MOUSE_MODE_WAIT_MS * 1000);
      gulong id = g_signal_connect (ch.main, "main-mouse-update", G_CALLBACK (on_mouse_update), &mode_changed);

      while (tether_spice_main_channel_get_mouse_mode (ch.main) != 2 && tether_spice_verb_iterate (until))
        ;
      g_signal_handler_disconnect (ch.main, id);
    }

  if (relative)
    tether_spice_inputs_channel_motion (inputs, x, y, 0);
  else if (tether_spice_main_channel_get_mouse_mode (ch.main) == 2)
    tether_spice_inputs_channel_position (inputs, x, y, display_id, 0);
  else if (!move_relative_to (inputs, cursor, x, y, deadline, &error))
    {
      tether_spice_tool_disconnect (session);
      return tether_spice_tool_report_error ("click", error);
    }
  for (int i = 0; i < (double_click ? 2 : 1); i++)
    {
      if (i > 0)
        tether_spice_verb_sleep (DOUBLE_CLICK_GAP_MS / 1000.0);
      tether_spice_inputs_channel_button_press (inputs, button, 0);
      tether_spice_inputs_channel_button_release (inputs, button, 0);
    }
  tether_spice_channel_flush_async (TETHER_SPICE_CHANNEL (inputs), cancellable, flush_done, &w);
  if (!wait_done (&w, deadline, cancellable, &error))
    {
      tether_spice_tool_disconnect (session);
      return tether_spice_tool_report_error ("click", error);
    }
  tether_spice_tool_disconnect (session);
  return TETHER_EXIT_OK;
}
