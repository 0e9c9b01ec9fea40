/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-inputs-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-inputs-wire-private.h"
#include "tether-spice-protocol-private.h"

/**
 * TetherSpiceInputsChannel:
 *
 * The keyboard and mouse of a [class@SpiceSession] (type 3), as spice-gtk's
 * `SpiceInputsChannel`. Keys are PC/AT scan codes (set 1) in spice-gtk's
 * numbering: 0x00–0x7f a plain key, 0x100 | code for keys with the E0
 * prefix; [func@spice_inputs_key_name_to_scancode] names them, and
 * [method@SpiceInputsChannel.send_keys] and
 * [method@SpiceInputsChannel.type_text] press whole combinations and text
 * (US layout).
 *
 * The mouse moves by relative motion (server mouse mode) or absolute
 * position (client mode; see [property@SpiceMainChannel:mouse-mode]). The
 * channel follows the protocol's motion flow control: at most eight motion
 * messages wait for the server's acknowledgement; beyond that, motion is
 * summed and positions replace each other until the next acknowledgement,
 * and a button event sends what is pending first.
 *
 * Nothing is sent before the channel is linked, nor in a read-only session.
 */

struct _TetherSpiceInputsChannel {
  TetherSpiceChannel     parent_instance;

  int                    modifiers;      /* the guest's, from INIT / KEY_MODIFIERS */
  int                    locks;          /* ours to set, -1: not set */
  guint16                buttons;        /* the buttons down, as last sent */
  TetherSpiceMotionState motion;
};

enum {
  PROP_0,
  PROP_KEY_MODIFIERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_INPUTS_MODIFIERS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherSpiceInputsChannel, tether_spice_inputs_channel, TETHER_TYPE_SPICE_CHANNEL)

static gboolean
can_send (TetherSpiceInputsChannel *self)
{
  TetherSpiceChannel *channel = TETHER_SPICE_CHANNEL (self);
  TetherSpiceSession *session = tether_spice_channel_peek_session (channel);

  return tether_spice_channel_get_state (channel) == TETHER_SPICE_CHANNEL_STATE_READY && session != NULL &&
         !tether_spice_session_get_read_only (session);
}

static void
send (TetherSpiceInputsChannel *self, guint16 type, GBytes *body)
{
  tether_spice_channel_send (TETHER_SPICE_CHANNEL (self), type, body);
}

/* Sends the motion or position the flow control releases, if any. */
static void
send_pending (TetherSpiceInputsChannel *self, GBytes *(*take) (TetherSpiceMotionState *))
{
  for (;;)
    {
      gboolean motion = self->motion.has_motion;
      g_autoptr(GBytes) body = take (&self->motion);

      if (body == NULL)
        return;
      send (self, motion ? TETHER_SPICE_MSGC_INPUTS_MOUSE_MOTION : TETHER_SPICE_MSGC_INPUTS_MOUSE_POSITION, body);
    }
}

static void
set_modifiers (TetherSpiceInputsChannel *self, guint16 modifiers)
{
  if (self->modifiers == (int) modifiers)
    return;
  self->modifiers = modifiers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_MODIFIERS]);
  g_signal_emit (self, signals[SIGNAL_INPUTS_MODIFIERS], 0);
}

static void
send_locks (TetherSpiceInputsChannel *self)
{
  g_autoptr(GBytes) body = NULL;

  if (self->locks < 0 || !can_send (self))
    return;
  body = tether_spice_msgc_inputs_key_modifiers_encode ((guint16) self->locks);
  send (self, TETHER_SPICE_MSGC_INPUTS_KEY_MODIFIERS, body);
}

static gboolean
inputs_handle_message (TetherSpiceChannel *channel, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceInputsChannel *self = TETHER_SPICE_INPUTS_CHANNEL (channel);
  guint16 modifiers;

  switch (type)
    {
    case TETHER_SPICE_MSG_INPUTS_INIT:
      if (!tether_spice_msg_inputs_init_decode (body, &modifiers, error))
        return FALSE;
      set_modifiers (self, modifiers);
      return TRUE;
    case TETHER_SPICE_MSG_INPUTS_KEY_MODIFIERS:
      if (!tether_spice_msg_inputs_key_modifiers_decode (body, &modifiers, error))
        return FALSE;
      set_modifiers (self, modifiers);
      return TRUE;
    case TETHER_SPICE_MSG_INPUTS_MOUSE_MOTION_ACK:
      if (!tether_spice_msg_inputs_mouse_motion_ack_decode (body, error))
        return FALSE;
      {
        gboolean motion = self->motion.has_motion;
        g_autoptr(GBytes) next = tether_spice_motion_ack (&self->motion);

        if (next != NULL && can_send (self))
          send (self, motion ? TETHER_SPICE_MSGC_INPUTS_MOUSE_MOTION : TETHER_SPICE_MSGC_INPUTS_MOUSE_POSITION,
                next);
      }
      return TRUE;
    default:
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                          "Unknown inputs channel message %u", type), FALSE;
    }
}

static void
inputs_channel_up (TetherSpiceChannel *channel)
{
  send_locks (TETHER_SPICE_INPUTS_CHANNEL (channel));
}

static void
inputs_channel_reset (TetherSpiceChannel *channel)
{
  TetherSpiceInputsChannel *self = TETHER_SPICE_INPUTS_CHANNEL (channel);

  tether_spice_motion_reset (&self->motion);
  self->buttons = 0;
}

static const TetherSpiceChannelOps inputs_ops = {
  .handle_message = inputs_handle_message,
  .channel_up = inputs_channel_up,
  .channel_reset = inputs_channel_reset,
};

/* ---- mouse ------------------------------------------------------------------------ */

/**
 * tether_spice_inputs_channel_motion:
 * @self: an inputs channel
 * @dx: horizontal motion
 * @dy: vertical motion
 * @button_state: the buttons held down ([flags@SpiceMouseButtonMask])
 *
 * Moves the mouse relatively (server mouse mode).
 */
void
tether_spice_inputs_channel_motion (TetherSpiceInputsChannel *self, int dx, int dy, int button_state)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  if (!can_send (self) || (dx == 0 && dy == 0))
    return;
  self->buttons = (guint16) button_state;
  body = tether_spice_motion_relative (&self->motion, dx, dy, (guint16) button_state);
  if (body != NULL)
    send (self, TETHER_SPICE_MSGC_INPUTS_MOUSE_MOTION, body);
}

/**
 * tether_spice_inputs_channel_position:
 * @self: an inputs channel
 * @x: column on the display
 * @y: row on the display
 * @display: the display channel id (or, for several monitors on display 0,
 *   the monitor id)
 * @button_state: the buttons held down ([flags@SpiceMouseButtonMask])
 *
 * Moves the mouse to an absolute position (client mouse mode).
 */
void
tether_spice_inputs_channel_position (TetherSpiceInputsChannel *self, int x, int y, int display, int button_state)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (x >= 0 && y >= 0 && display >= 0 && display <= G_MAXUINT8);
  if (!can_send (self))
    return;
  self->buttons = (guint16) button_state;
  body = tether_spice_motion_position (&self->motion, (guint32) x, (guint32) y, (guint16) button_state,
                                       (guint8) display);
  if (body != NULL)
    send (self, TETHER_SPICE_MSGC_INPUTS_MOUSE_POSITION, body);
}

/* The L/M/R bit of @button, which spice-gtk updates in the state itself. */
static guint16
lmr_mask (int button)
{
  switch (button)
    {
    case TETHER_SPICE_MOUSE_BUTTON_LEFT: return TETHER_SPICE_MOUSE_BUTTON_MASK_LEFT;
    case TETHER_SPICE_MOUSE_BUTTON_MIDDLE: return TETHER_SPICE_MOUSE_BUTTON_MASK_MIDDLE;
    case TETHER_SPICE_MOUSE_BUTTON_RIGHT: return TETHER_SPICE_MOUSE_BUTTON_MASK_RIGHT;
    default: return 0;
    }
}

static void
button_event (TetherSpiceInputsChannel *self, int button, int button_state, gboolean press)
{
  guint16 state = (guint16) button_state;
  g_autoptr(GBytes) body = NULL;

  if (!can_send (self))
    return;
  state = press ? (state | lmr_mask (button)) : (state & ~lmr_mask (button));
  self->buttons = state;
  /* Pending motion first, so the click lands where the pointer went. */
  send_pending (self, tether_spice_motion_flush);
  if (press)
    {
      body = tether_spice_msgc_inputs_mouse_press_encode ((guint8) button, state);
      send (self, TETHER_SPICE_MSGC_INPUTS_MOUSE_PRESS, body);
    }
  else
    {
      body = tether_spice_msgc_inputs_mouse_release_encode ((guint8) button, state);
      send (self, TETHER_SPICE_MSGC_INPUTS_MOUSE_RELEASE, body);
    }
}

/**
 * tether_spice_inputs_channel_button_press:
 * @self: an inputs channel
 * @button: the button ([enum@SpiceMouseButton])
 * @button_state: the buttons held down before; the left, middle or right
 *   button's own bit is added here
 *
 * Presses a mouse button (wheel: press and release 4 or 5).
 */
void
tether_spice_inputs_channel_button_press (TetherSpiceInputsChannel *self, int button, int button_state)
{
  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (button > TETHER_SPICE_MOUSE_BUTTON_INVALID && button <= TETHER_SPICE_MOUSE_BUTTON_EXTRA);
  button_event (self, button, button_state, TRUE);
}

/**
 * tether_spice_inputs_channel_button_release:
 * @self: an inputs channel
 * @button: the button ([enum@SpiceMouseButton])
 * @button_state: the buttons held down before; the left, middle or right
 *   button's own bit is cleared here
 *
 * Releases a mouse button.
 */
void
tether_spice_inputs_channel_button_release (TetherSpiceInputsChannel *self, int button, int button_state)
{
  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (button > TETHER_SPICE_MOUSE_BUTTON_INVALID && button <= TETHER_SPICE_MOUSE_BUTTON_EXTRA);
  button_event (self, button, button_state, FALSE);
}

/* ---- keyboard ------------------------------------------------------------------------ */

static gboolean
scancode_valid (guint scancode)
{
  return scancode < 0x80 || (scancode >= 0x100 && scancode < 0x180) || scancode == TETHER_SPICE_SCANCODE_PAUSE;
}

static void
key_event (TetherSpiceInputsChannel *self, guint scancode, gboolean down)
{
  g_autoptr(GBytes) body = NULL;

  if (!can_send (self))
    return;
  body = down ? tether_spice_msgc_inputs_key_down_encode (scancode) : tether_spice_msgc_inputs_key_up_encode (scancode);
  send (self, down ? TETHER_SPICE_MSGC_INPUTS_KEY_DOWN : TETHER_SPICE_MSGC_INPUTS_KEY_UP, body);
}

/**
 * tether_spice_inputs_channel_key_press:
 * @self: an inputs channel
 * @scancode: a PC/AT scan code (set 1): 0x00–0x7f, or 0x100 | code for
 *   keys with the E0 prefix (0x21d: the E1 part of Pause)
 *
 * Presses a key.
 */
void
tether_spice_inputs_channel_key_press (TetherSpiceInputsChannel *self, guint scancode)
{
  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (scancode_valid (scancode));
  key_event (self, scancode, TRUE);
}

/**
 * tether_spice_inputs_channel_key_release:
 * @self: an inputs channel
 * @scancode: the scan code (see [method@SpiceInputsChannel.key_press])
 *
 * Releases a key.
 */
void
tether_spice_inputs_channel_key_release (TetherSpiceInputsChannel *self, guint scancode)
{
  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (scancode_valid (scancode));
  key_event (self, scancode, FALSE);
}

/* Appends the wire bytes of KEY_DOWN/UP's code (least significant first,
 * up to the first zero byte). */
static void
append_code_bytes (GByteArray *bytes, guint32 code)
{
  for (guint i = 0; i < 4; i++)
    {
      guint8 b = (guint8) (code >> (8 * i));

      if (b == 0)
        break;
      g_byte_array_append (bytes, &b, 1);
    }
}

/**
 * tether_spice_inputs_channel_key_press_and_release:
 * @self: an inputs channel
 * @scancode: the scan code (see [method@SpiceInputsChannel.key_press])
 *
 * Presses and releases a key: in one message when the server takes raw
 * scan codes (capability KEY_SCANCODE), as spice-gtk does, else as a press
 * and a release.
 */
void
tether_spice_inputs_channel_key_press_and_release (TetherSpiceInputsChannel *self, guint scancode)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (scancode_valid (scancode));
  if (!can_send (self))
    return;
  if (!tether_spice_channel_test_capability (TETHER_SPICE_CHANNEL (self), TETHER_SPICE_INPUTS_CAP_KEY_SCANCODE))
    {
      key_event (self, scancode, TRUE);
      key_event (self, scancode, FALSE);
      return;
    }
  bytes = g_byte_array_new ();
  append_code_bytes (bytes, tether_spice_make_scancode (scancode, FALSE));
  append_code_bytes (bytes, tether_spice_make_scancode (scancode, TRUE));
  body = tether_spice_msgc_inputs_key_scancode_encode (bytes->data, bytes->len);
  send (self, TETHER_SPICE_MSGC_INPUTS_KEY_SCANCODE, body);
}

/**
 * tether_spice_inputs_channel_set_key_locks:
 * @self: an inputs channel
 * @locks: the lock states to give the guest ([flags@SpiceInputsLock])
 *
 * Sets the guest's Caps, Num and Scroll Lock (the server presses the lock
 * keys whose state differs); sent now if linked, and again at every link.
 */
void
tether_spice_inputs_channel_set_key_locks (TetherSpiceInputsChannel *self, guint locks)
{
  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  self->locks = (int) (locks & (TETHER_SPICE_INPUTS_LOCK_SCROLL | TETHER_SPICE_INPUTS_LOCK_NUM |
                                TETHER_SPICE_INPUTS_LOCK_CAPS));
  send_locks (self);
}

/**
 * tether_spice_inputs_channel_get_key_modifiers:
 * @self: an inputs channel
 *
 * Returns: the guest's lock states ([flags@SpiceInputsLock]), as the server
 *   last reported them ([property@SpiceInputsChannel:key-modifiers])
 */
int
tether_spice_inputs_channel_get_key_modifiers (TetherSpiceInputsChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self), 0);
  return self->modifiers;
}

static void
send_key_events (TetherSpiceInputsChannel *self, GArray *events)
{
  for (guint i = 0; i < events->len; i++)
    {
      const TetherSpiceKeyEvent *e = &g_array_index (events, TetherSpiceKeyEvent, i);

      key_event (self, e->scancode, e->down);
    }
}

static gboolean
check_ready (TetherSpiceInputsChannel *self, GError **error)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));

  if (tether_spice_channel_get_state (TETHER_SPICE_CHANNEL (self)) != TETHER_SPICE_CHANNEL_STATE_READY)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                "The inputs channel is not connected"), FALSE;
  if (session == NULL || tether_spice_session_get_read_only (session))
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                "The session is read-only: no keys are sent"), FALSE;
  return TRUE;
}

/**
 * tether_spice_inputs_channel_send_keys:
 * @self: an inputs channel
 * @combo: keys joined by `-` or `+`, pressed in order and released in
 *   reverse: `ctrl-alt-del`, `alt+f4`, `shift-f10`, `esc`, `super`. Names
 *   (case does not matter): letters and digits, `f1`…`f12`, `esc`, `enter`,
 *   `tab`, `space`, `backspace`, `ctrl`, `shift`, `alt`, `altgr`, `super`,
 *   `del`, `ins`, `home`, `end`, `pgup`, `pgdn`, `up`, `down`, `left`,
 *   `right`, `kp_0`…, `pause`, `print`, `minus`, `equal`…
 * @error: return location for an error
 *
 * Sends one key combination.
 *
 * Returns: %TRUE if the keys were queued; %FALSE with
 *   %G_IO_ERROR_INVALID_ARGUMENT for an unknown key name, or
 *   %G_IO_ERROR_NOT_CONNECTED / %G_IO_ERROR_PERMISSION_DENIED when nothing
 *   can be sent
 */
gboolean
tether_spice_inputs_channel_send_keys (TetherSpiceInputsChannel *self, const char *combo, GError **error)
{
  g_autoptr(GArray) events = NULL;

  g_return_val_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self), FALSE);
  g_return_val_if_fail (combo != NULL, FALSE);
  events = tether_spice_keys_for_combo (combo, error);
  if (events == NULL || !check_ready (self, error))
    return FALSE;
  send_key_events (self, events);
  return TRUE;
}

/**
 * tether_spice_inputs_channel_type_text:
 * @self: an inputs channel
 * @text: UTF-8 text: printable ASCII, newline and tab
 * @error: return location for an error
 *
 * Types @text as a US keyboard would, with Shift around the characters
 * that need it.
 *
 * Returns: %TRUE if the keys were queued; %FALSE with
 *   %G_IO_ERROR_INVALID_ARGUMENT for a character the layout lacks (nothing
 *   is sent then), or as [method@SpiceInputsChannel.send_keys]
 */
gboolean
tether_spice_inputs_channel_type_text (TetherSpiceInputsChannel *self, const char *text, GError **error)
{
  g_autoptr(GArray) events = NULL;

  g_return_val_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  events = tether_spice_keys_for_text (text, error);
  if (events == NULL || !check_ready (self, error))
    return FALSE;
  send_key_events (self, events);
  return TRUE;
}

/* ---- paced key sequences -------------------------------------------------------------- */

typedef struct {
  GArray  *events;       /* TetherSpiceKeyEvent */
  guint    next;
  guint    interval_ms;
  GSource *timer;
} KeysOp;

static void
keys_op_free (gpointer data)
{
  KeysOp *op = data;

  if (op->timer != NULL)
    {
      g_source_destroy (op->timer);
      g_source_unref (op->timer);
    }
  g_array_unref (op->events);
  g_free (op);
}

static void
keys_flushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (tether_spice_channel_flush_finish (TETHER_SPICE_CHANNEL (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean keys_step (gpointer user_data);

/* Sends the next events (all that are due), then schedules the rest or
 * flushes. Takes the task's reference. */
static void
keys_run (GTask *task)
{
  TetherSpiceInputsChannel *self = g_task_get_source_object (task);
  KeysOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (!check_ready (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  do
    {
      const TetherSpiceKeyEvent *e = &g_array_index (op->events, TetherSpiceKeyEvent, op->next);

      key_event (self, e->scancode, e->down);
      op->next++;
    }
  while (op->next < op->events->len && op->interval_ms == 0);
  if (op->next < op->events->len)
    {
      TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));

      g_clear_pointer (&op->timer, g_source_unref);
      op->timer = g_timeout_source_new (op->interval_ms);
      g_source_set_callback (op->timer, keys_step, task, NULL);
      g_source_set_static_name (op->timer, "[tether] spice keys");
      g_source_attach (op->timer, tether_spice_session_get_context (session));
      return;
    }
  tether_spice_channel_flush_async (TETHER_SPICE_CHANNEL (self), g_task_get_cancellable (task), keys_flushed, task);
}

static gboolean
keys_step (gpointer user_data)
{
  GTask *task = user_data;
  KeysOp *op = g_task_get_task_data (task);

  g_clear_pointer (&op->timer, g_source_unref);
  keys_run (task);
  return G_SOURCE_REMOVE;
}

static void
keys_start (TetherSpiceInputsChannel *self, GArray *events, guint interval_ms, GError *error,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  KeysOp *op;

  g_task_set_source_tag (task, tag);
  if (events == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  op = g_new0 (KeysOp, 1);
  op->events = events;
  op->interval_ms = interval_ms;
  g_task_set_task_data (task, op, keys_op_free);
  if (events->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  keys_run (task);
}

/**
 * tether_spice_inputs_channel_send_keys_async:
 * @self: an inputs channel
 * @combo: a key combination (see [method@SpiceInputsChannel.send_keys])
 * @interval_ms: milliseconds between one key event and the next; 0 sends
 *   them all at once
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the keys went out
 * @user_data: (closure): data for @callback
 *
 * Sends a key combination with a pause between the events (a guest's
 * keyboard controller holds only a few scan codes), and completes when
 * the last one has been written to the connection, so that a tool may then
 * disconnect.
 */
void
tether_spice_inputs_channel_send_keys_async (TetherSpiceInputsChannel *self, const char *combo, guint interval_ms,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  GError *error = NULL;
  GArray *events;

  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (combo != NULL);
  events = tether_spice_keys_for_combo (combo, &error);
  keys_start (self, events, interval_ms, error, cancellable, callback, user_data,
              tether_spice_inputs_channel_send_keys_async);
}

/**
 * tether_spice_inputs_channel_send_keys_finish:
 * @self: an inputs channel
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when every key event was written; %FALSE with
 *   %G_IO_ERROR_INVALID_ARGUMENT for an unknown key name,
 *   %G_IO_ERROR_NOT_CONNECTED or %G_IO_ERROR_CLOSED when the channel is not
 *   (or no longer) linked, %G_IO_ERROR_PERMISSION_DENIED for a read-only
 *   session
 */
gboolean
tether_spice_inputs_channel_send_keys_finish (TetherSpiceInputsChannel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_spice_inputs_channel_send_keys_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_spice_inputs_channel_type_text_async:
 * @self: an inputs channel
 * @text: UTF-8 text (see [method@SpiceInputsChannel.type_text])
 * @interval_ms: milliseconds between one key event and the next; 0 sends
 *   them all at once
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the keys went out
 * @user_data: (closure): data for @callback
 *
 * Types @text with a pause between the key events, and completes when the
 * last one has been written to the connection.
 */
void
tether_spice_inputs_channel_type_text_async (TetherSpiceInputsChannel *self, const char *text, guint interval_ms,
                                             GCancellable *cancellable, GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  GError *error = NULL;
  GArray *events;

  g_return_if_fail (TETHER_IS_SPICE_INPUTS_CHANNEL (self));
  g_return_if_fail (text != NULL);
  events = tether_spice_keys_for_text (text, &error);
  keys_start (self, events, interval_ms, error, cancellable, callback, user_data,
              tether_spice_inputs_channel_type_text_async);
}

/**
 * tether_spice_inputs_channel_type_text_finish:
 * @self: an inputs channel
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when every key event was written; errors as
 *   [method@SpiceInputsChannel.send_keys_finish]
 */
gboolean
tether_spice_inputs_channel_type_text_finish (TetherSpiceInputsChannel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tether_spice_inputs_channel_type_text_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tether_spice_inputs_key_name_to_scancode:
 * @name: a key name, as in [method@SpiceInputsChannel.send_keys]
 * @scancode: (out): the key's scan code
 *
 * Returns: %TRUE if @name names a key
 */
gboolean
tether_spice_inputs_key_name_to_scancode (const char *name, guint *scancode)
{
  g_return_val_if_fail (name != NULL && scancode != NULL, FALSE);
  return tether_spice_keyname_to_scancode (name, scancode);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
tether_spice_inputs_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceInputsChannel *self = TETHER_SPICE_INPUTS_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_KEY_MODIFIERS: g_value_set_int (value, self->modifiers); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_inputs_channel_class_init (TetherSpiceInputsChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tether_spice_inputs_channel_get_property;

  /**
   * TetherSpiceInputsChannel:key-modifiers:
   *
   * The guest's keyboard lock states ([flags@SpiceInputsLock]).
   */
  properties[PROP_KEY_MODIFIERS] = g_param_spec_int ("key-modifiers", NULL, NULL, 0, G_MAXINT, 0,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                     G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSpiceInputsChannel::inputs-modifiers:
   * @inputs: the channel
   *
   * The guest's lock states changed ([property@SpiceInputsChannel:key-modifiers]).
   */
  signals[SIGNAL_INPUTS_MODIFIERS] = g_signal_new ("inputs-modifiers", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_FIRST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tether_spice_inputs_channel_init (TetherSpiceInputsChannel *self)
{
  self->locks = -1;
  tether_spice_motion_reset (&self->motion);
  tether_spice_channel_set_ops (TETHER_SPICE_CHANNEL (self), &inputs_ops);
}
