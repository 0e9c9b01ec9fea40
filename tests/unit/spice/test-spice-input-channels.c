/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSpiceInputsChannel and TetherSpiceCursorChannel against the
 * scripted fake server: the key and mouse messages byte for byte (scan
 * codes, KEY_SCANCODE, the motion flow control, button states, positions,
 * lock keys, paced combinations and text, flush), a read-only session that
 * sends nothing, and the cursor messages with their signals, cache and
 * state filter.
 */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-inputs-channel.h"
#include "tether-spice-cursor-channel.h"
#include "spice-channel-test.h"
#include "spice-display-test.h"

/* From the brief (§11, §13). */
#define MSG_INPUTS_INIT          101
#define MSG_INPUTS_MOTION_ACK    111
#define MSG_CURSOR_INIT          101
#define MSG_CURSOR_RESET         102
#define MSG_CURSOR_SET           103
#define MSG_CURSOR_MOVE          104
#define MSG_CURSOR_HIDE          105
#define MSG_CURSOR_TRAIL         106
#define MSG_CURSOR_INVAL_ONE     107
#define CAP_KEY_SCANCODE         (1u << 0)
#define INPUTS_BIT               (1u << TETHER_SPICE_CHANNEL_TYPE_INPUTS)
#define CURSOR_BIT               (1u << TETHER_SPICE_CHANNEL_TYPE_CURSOR)

/* ---- inputs ---------------------------------------------------------------------------------- */

typedef struct {
  GMutex     lock;
  GPtrArray *log;        /* "TYPE hexbody" of every client message */
} InputsLog;

static void
log_message (InputsLog *l, guint16 type, GBytes *body)
{
  GString *s = g_string_new (NULL);
  gsize n;
  const guint8 *p = g_bytes_get_data (body, &n);

  g_string_append_printf (s, "%u", type);
  if (n > 0)
    g_string_append_c (s, ' ');
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", p[i]);
  g_mutex_lock (&l->lock);
  g_ptr_array_add (l->log, g_string_free (s, FALSE));
  g_mutex_unlock (&l->lock);
}

static guint
log_len (InputsLog *l)
{
  guint n;

  g_mutex_lock (&l->lock);
  n = l->log->len;
  g_mutex_unlock (&l->lock);
  return n;
}

static void
script_inputs (FakeConn *c, gpointer data)
{
  InputsLog *l = data;
  guint16 type;
  GBytes *body = NULL;
  guint motions = 0;

  fake_send (c, MSG_INPUTS_INIT, "\x04\x00", 2);   /* Caps Lock on */
  while (fake_read (c, &type, &body))
    {
      log_message (l, type, body);
      g_clear_pointer (&body, g_bytes_unref);
      if (type == 111 && ++motions == 8)
        {
          fake_signal (c, "8-motions");
          fake_wait_release (c, "ack");
          /* Two acknowledgements: one bunch of 4 each. */
          fake_send (c, MSG_INPUTS_MOTION_ACK, NULL, 0);
          fake_send (c, MSG_INPUTS_MOTION_ACK, NULL, 0);
        }
    }
}

static gboolean
pred_modifiers (gpointer data)
{
  return tether_spice_inputs_channel_get_key_modifiers (data) == TETHER_SPICE_INPUTS_LOCK_CAPS;
}

typedef struct {
  InputsLog *l;
  guint      n;
} LogWait;

static gboolean
pred_log (gpointer data)
{
  LogWait *w = data;

  return log_len (w->l) >= w->n;
}

static void
async_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **slot = user_data;

  if (TETHER_IS_SPICE_INPUTS_CHANNEL (source) &&
      g_task_get_source_tag (G_TASK (result)) == tether_spice_inputs_channel_send_keys_async)
    tether_spice_inputs_channel_send_keys_finish (TETHER_SPICE_INPUTS_CHANNEL (source), result, slot);
  else if (TETHER_IS_SPICE_INPUTS_CHANNEL (source) &&
           g_task_get_source_tag (G_TASK (result)) == tether_spice_inputs_channel_type_text_async)
    tether_spice_inputs_channel_type_text_finish (TETHER_SPICE_INPUTS_CHANNEL (source), result, slot);
  else
    tether_spice_channel_flush_finish (TETHER_SPICE_CHANNEL (source), result, slot);
  if (*slot == NULL)
    *slot = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");   /* marks success */
}

static gboolean
pred_slot (gpointer data)
{
  return *(GError **) data != NULL;
}

/* Waits for an async call to complete; TRUE when it succeeded. */
static gboolean
wait_async (GError **slot, GError **error)
{
  tc_wait (pred_slot, slot);
  if (g_error_matches (*slot, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_clear_error (slot);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (slot));
  return FALSE;
}

static const char * const expected_inputs[] = {
  "101 1e000000",        /* KEY_DOWN A */
  "102 9e000000",        /* KEY_UP A */
  "101 e0480000",        /* KEY_DOWN Up (E0 48) */
  "102 e0c80000",        /* KEY_UP Up */
  "104 1c9c",            /* KEY_SCANCODE Enter press + release */
  "111 01000000020000000000", "111 01000000020000000000", "111 01000000020000000000",
  "111 01000000020000000000", "111 01000000020000000000", "111 01000000020000000000",
  "111 01000000020000000000", "111 01000000020000000000",
  /* Two more motions waited for the acknowledgement, summed. */
  "111 02000000040000000000",
  "113 010100",          /* PRESS left, state left */
  "114 010000",          /* RELEASE left, state none */
  "113 030500",          /* PRESS right while left held: state left | right */
  "112 0a00000014000000000000",  /* POSITION 10, 20, no button, display 0 */
  "103 0200",            /* KEY_MODIFIERS Num Lock */
  /* ctrl-alt-del: pressed in order, released in reverse */
  "101 1d000000", "101 38000000", "101 e0530000", "102 e0d30000", "102 b8000000", "102 9d000000",
  /* "Hi": Shift around the H */
  "101 2a000000", "101 23000000", "102 a3000000", "102 aa000000", "101 17000000", "102 97000000",
};

static void
test_inputs (void)
{
  FakeServer *f = fake_server_new ();
  InputsLog l = { .log = g_ptr_array_new_with_free_func (g_free) };
  TestClient tc;
  TetherSpiceInputsChannel *in;
  GError *slot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint code;
  int modifiers;

  g_mutex_init (&l.lock);
  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0);
  fake_server_set_caps (f, TETHER_SPICE_CHANNEL_TYPE_INPUTS, CAP_KEY_SCANCODE);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_INPUTS, script_inputs, &l);
  fake_server_start (f);
  tc_init (&tc, f, INPUTS_BIT);
  g_assert_true (tether_spice_session_connect (tc.session));
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  in = TETHER_SPICE_INPUTS_CHANNEL (tc_channel (&tc, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0));
  tether_test_track (in);
  tc_wait (pred_modifiers, in);
  g_object_get (in, "key-modifiers", &modifiers, NULL);
  g_assert_cmpint (modifiers, ==, TETHER_SPICE_INPUTS_LOCK_CAPS);

  g_assert_true (tether_spice_inputs_key_name_to_scancode ("a", &code));
  tether_spice_inputs_channel_key_press (in, code);
  tether_spice_inputs_channel_key_release (in, code);
  g_assert_true (tether_spice_inputs_key_name_to_scancode ("Up", &code));
  g_assert_cmphex (code, ==, 0x148);
  tether_spice_inputs_channel_key_press (in, code);
  tether_spice_inputs_channel_key_release (in, code);
  tether_spice_inputs_channel_key_press_and_release (in, 0x1c);
  g_assert_false (tether_spice_inputs_key_name_to_scancode ("no-such-key", &code));

  /* Ten motions: eight go, two wait for the acknowledgement. */
  for (int i = 0; i < 10; i++)
    tether_spice_inputs_channel_motion (in, 1, 2, 0);
  tc_wait_signalled (f, "8-motions");
  tc_run_for (50);
  g_assert_cmpuint (log_len (&l), ==, 13);
  fake_server_release (f, "ack");
  tc_wait (pred_log, &(LogWait) { &l, 14 });

  tether_spice_inputs_channel_button_press (in, TETHER_SPICE_MOUSE_BUTTON_LEFT, 0);
  tether_spice_inputs_channel_button_release (in, TETHER_SPICE_MOUSE_BUTTON_LEFT, TETHER_SPICE_MOUSE_BUTTON_MASK_LEFT);
  tether_spice_inputs_channel_button_press (in, TETHER_SPICE_MOUSE_BUTTON_RIGHT, TETHER_SPICE_MOUSE_BUTTON_MASK_LEFT);
  tether_spice_inputs_channel_position (in, 10, 20, 0, 0);
  tether_spice_inputs_channel_set_key_locks (in, TETHER_SPICE_INPUTS_LOCK_NUM);

  tether_spice_inputs_channel_send_keys_async (in, "ctrl-alt-del", 2, cancellable, async_done, &slot);
  g_assert_true (wait_async (&slot, &error));
  g_assert_no_error (error);
  /* Unknown keys and characters are refused before anything is sent. */
  tether_spice_inputs_channel_send_keys_async (in, "ctrl-nokey", 0, cancellable, async_done, &slot);
  g_assert_false (wait_async (&slot, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_spice_inputs_channel_type_text (in, "caf\xc3\xa9", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tether_spice_inputs_channel_type_text (in, "Hi", &error));
  g_assert_no_error (error);
  tether_spice_channel_flush_async (TETHER_SPICE_CHANNEL (in), NULL, async_done, &slot);
  g_assert_true (wait_async (&slot, &error));

  tc_wait (pred_log, &(LogWait) { &l, G_N_ELEMENTS (expected_inputs) });
  tc_run_for (50);
  g_mutex_lock (&l.lock);
  for (guint i = 0; i < MIN (l.log->len, G_N_ELEMENTS (expected_inputs)); i++)
    {
      g_test_message ("message %u: %s", i, (const char *) l.log->pdata[i]);
      g_assert_cmpstr (l.log->pdata[i], ==, expected_inputs[i]);
    }
  g_assert_cmpuint (l.log->len, ==, G_N_ELEMENTS (expected_inputs));
  g_mutex_unlock (&l.lock);

  tc_finish (&tc, f);
  /* Nothing goes to a closed channel; flushing it fails. */
  g_ptr_array_unref (l.log);
  g_mutex_clear (&l.lock);
}

static void
test_inputs_read_only (void)
{
  FakeServer *f = fake_server_new ();
  InputsLog l = { .log = g_ptr_array_new_with_free_func (g_free) };
  TestClient tc;
  TetherSpiceInputsChannel *in;
  GError *slot = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&l.lock);
  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_INPUTS, script_inputs, &l);
  fake_server_start (f);
  tc_init (&tc, f, INPUTS_BIT);
  g_object_set (tc.session, "read-only", TRUE, NULL);
  g_assert_true (tether_spice_session_connect (tc.session));
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  in = TETHER_SPICE_INPUTS_CHANNEL (tc_channel (&tc, TETHER_SPICE_CHANNEL_TYPE_INPUTS, 0));
  tether_spice_inputs_channel_key_press (in, 0x1e);
  tether_spice_inputs_channel_motion (in, 3, 4, 0);
  tether_spice_inputs_channel_button_press (in, TETHER_SPICE_MOUSE_BUTTON_LEFT, 0);
  g_assert_false (tether_spice_inputs_channel_send_keys (in, "esc", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  tether_spice_inputs_channel_type_text_async (in, "x", 0, NULL, async_done, &slot);
  g_assert_false (wait_async (&slot, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  tether_spice_channel_flush_async (TETHER_SPICE_CHANNEL (in), NULL, async_done, &slot);
  g_assert_true (wait_async (&slot, &error));
  tc_run_for (100);
  g_assert_cmpuint (log_len (&l), ==, 0);
  tether_spice_session_disconnect (tc.session);
  /* After the disconnect: nothing to flush to. */
  tether_spice_channel_flush_async (TETHER_SPICE_CHANNEL (in), NULL, async_done, &slot);
  g_assert_false (wait_async (&slot, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  tc_finish (&tc, f);
  g_ptr_array_unref (l.log);
  g_mutex_clear (&l.lock);
}

/* ---- cursor ---------------------------------------------------------------------------------- */

/* Cursor: flags, then unless NONE the header (unique, type, w, h, hot x,
 * y) and the ALPHA pixels (B, G, R, A). */
static void
tm_cursor_alpha (TMsg *m, guint16 flags, guint64 unique)
{
  static const guint8 pixels[8] = { 30, 20, 10, 255, 0, 0, 0, 0 };

  tm_u16 (m, flags);
  tm_u64 (m, unique);
  tm_u8 (m, 0);          /* ALPHA */
  tm_u16 (m, 2);
  tm_u16 (m, 1);
  tm_u16 (m, 1);
  tm_u16 (m, 0);
  if (!(flags & 4))
    tm_bytes (m, pixels, sizeof pixels);
}

static void
tm_point16 (TMsg *m, gint16 x, gint16 y)
{
  tm_u16 (m, (guint16) x);
  tm_u16 (m, (guint16) y);
}

static void
script_cursor (FakeConn *c, gpointer data)
{
  TMsg m;

  tm_init (&m);
  tm_point16 (&m, 5, 6);
  tm_u16 (&m, 0);
  tm_u16 (&m, 0);
  tm_u8 (&m, 1);
  tm_cursor_alpha (&m, 2 /* CACHE_ME */, 77);
  fake_send_bytes (c, MSG_CURSOR_INIT, tm_finish (&m));
  tm_init (&m);
  tm_point16 (&m, 100, 50);
  fake_send_bytes (c, MSG_CURSOR_MOVE, tm_finish (&m));
  fake_send (c, MSG_CURSOR_HIDE, NULL, 0);
  tm_init (&m);
  tm_point16 (&m, 7, 8);
  tm_u8 (&m, 1);
  tm_cursor_alpha (&m, 4 /* FROM_CACHE */, 77);
  fake_send_bytes (c, MSG_CURSOR_SET, tm_finish (&m));
  fake_send (c, MSG_CURSOR_TRAIL, "\x00\x00\x00\x00", 4);
  fake_signal (c, "cursor-sent");
  fake_wait_release (c, "cursor-reset");
  fake_send (c, MSG_CURSOR_RESET, NULL, 0);
  /* After RESET the cache is empty and SET needs INIT again: a SET now
   * breaks the state filter and closes the channel. */
  tm_init (&m);
  tm_point16 (&m, 7, 8);
  tm_u8 (&m, 1);
  tm_cursor_alpha (&m, 4, 77);
  fake_send_bytes (c, MSG_CURSOR_SET, tm_finish (&m));
  fake_drain (c);
}

typedef struct {
  GPtrArray *log;
} CursorSeen;

static void
on_cursor_set (TetherSpiceCursorChannel *cursor, int w, int h, int hx, int hy, gpointer rgba, CursorSeen *s)
{
  GString *t = g_string_new (NULL);

  g_string_append_printf (t, "set %dx%d hot %d,%d ", w, h, hx, hy);
  for (int i = 0; i < w * h * 4; i++)
    g_string_append_printf (t, "%02x", ((const guint8 *) rgba)[i]);
  g_ptr_array_add (s->log, g_string_free (t, FALSE));
}

static void
on_cursor_move (TetherSpiceCursorChannel *cursor, int x, int y, CursorSeen *s)
{
  g_ptr_array_add (s->log, g_strdup_printf ("move %d,%d", x, y));
}

static void
on_cursor_hide (TetherSpiceCursorChannel *cursor, CursorSeen *s)
{
  g_ptr_array_add (s->log, g_strdup ("hide"));
}

static void
on_cursor_reset (TetherSpiceCursorChannel *cursor, CursorSeen *s)
{
  g_ptr_array_add (s->log, g_strdup ("reset"));
}

static gboolean
pred_cursor_log (gpointer data)
{
  CursorSeen *s = data;

  return s->log->len >= 4;
}

static void
test_cursor (void)
{
  FakeServer *f = fake_server_new ();
  TestClient tc;
  TetherSpiceCursorChannel *cur;
  CursorSeen seen = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GBytes) shape = NULL;
  const GError *e;
  int w, h, hx, hy, x, y;

  fake_server_add_channel (f, TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0);
  fake_server_set_script (f, TETHER_SPICE_CHANNEL_TYPE_CURSOR, script_cursor, NULL);
  fake_server_start (f);
  tc_init (&tc, f, 0);
  g_assert_true (tether_spice_session_connect (tc.session));
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_MAIN, 0, TETHER_SPICE_CHANNEL_EVENT_OPENED);
  while (tc_channel (&tc, TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0) == NULL)
    g_main_context_iteration (NULL, TRUE);
  cur = TETHER_SPICE_CURSOR_CHANNEL (tc_channel (&tc, TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0));
  tether_test_track (cur);
  g_assert_false (tether_spice_cursor_channel_get_position (cur, &x, &y));
  g_signal_connect (cur, "cursor-set", G_CALLBACK (on_cursor_set), &seen);
  g_signal_connect (cur, "cursor-move", G_CALLBACK (on_cursor_move), &seen);
  g_signal_connect (cur, "cursor-hide", G_CALLBACK (on_cursor_hide), &seen);
  g_signal_connect (cur, "cursor-reset", G_CALLBACK (on_cursor_reset), &seen);
  tether_spice_channel_connect (TETHER_SPICE_CHANNEL (cur));
  tc_wait_signalled (f, "cursor-sent");
  tc_wait (pred_cursor_log, &seen);
  tc_run_for (50);
  g_assert_cmpuint (seen.log->len, ==, 4);
  /* Pixel 0: R 10, G 20, B 30, opaque; pixel 1 transparent. */
  g_assert_cmpstr (seen.log->pdata[0], ==, "set 2x1 hot 1,0 0a141eff00000000");
  g_assert_cmpstr (seen.log->pdata[1], ==, "move 100,50");
  g_assert_cmpstr (seen.log->pdata[2], ==, "hide");
  g_assert_cmpstr (seen.log->pdata[3], ==, "set 2x1 hot 1,0 0a141eff00000000");
  g_assert_true (tether_spice_cursor_channel_get_visible (cur));
  g_assert_true (tether_spice_cursor_channel_get_position (cur, &x, &y));
  g_assert_cmpint (x, ==, 7);
  g_assert_cmpint (y, ==, 8);
  shape = tether_spice_cursor_channel_get_shape (cur, &w, &h, &hx, &hy);
  g_assert_nonnull (shape);
  g_assert_cmpint (w, ==, 2);
  g_assert_cmpint (h, ==, 1);
  g_assert_cmpint (hx, ==, 1);
  g_assert_cmpint (hy, ==, 0);
  g_assert_cmpmem (g_bytes_get_data (shape, NULL), g_bytes_get_size (shape), "\x0a\x14\x1e\xff\0\0\0\0", 8);

  fake_server_release (f, "cursor-reset");
  tc_wait_event (&tc, TETHER_SPICE_CHANNEL_TYPE_CURSOR, 0, TETHER_SPICE_CHANNEL_EVENT_ERROR_IO);
  g_assert_cmpstr (seen.log->pdata[seen.log->len - 1], ==, "reset");
  g_assert_false (tether_spice_cursor_channel_get_visible (cur));
  e = tether_spice_channel_get_error (TETHER_SPICE_CHANNEL (cur));
  g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (e->message, "before CURSOR_INIT"));
  g_clear_pointer (&shape, g_bytes_unref);
  g_assert_null (tether_spice_cursor_channel_get_shape (cur, NULL, NULL, NULL, NULL));
  g_ptr_array_unref (seen.log);
  tc_finish (&tc, f);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/inputs/messages", test_inputs);
  g_test_add_func ("/spice/inputs/read-only", test_inputs_read_only);
  g_test_add_func ("/spice/cursor/messages", test_cursor);
  return g_test_run ();
}
