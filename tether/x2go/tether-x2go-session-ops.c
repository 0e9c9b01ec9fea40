/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-enum-types.h"
#include "tether-error.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-command-private.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-nxproxy-private.h"
#include "tether-x2go-output-private.h"
#include "tether-x2go-session-impl-private.h"
#include "tether-x2go-session-info-private.h"
#include "tether-x2go-session-private.h"
#include "tether-x2go-text-private.h"

/* Showing a session (forward + nxproxy), and the operations that change a
 * server-side session: start, resume, suspend, terminate, clean. See
 * tether-x2go-session-impl-private.h. */

/* ---- the picture: forward + nxproxy -------------------------------------------- */

void
tether_x2go_session_drop_nxproxy (TetherX2goSession *self)
{
  if (self->nxproxy == NULL)
    return;
  g_clear_signal_handler (&self->nxproxy_exited_id, self->nxproxy);
  tether_x2go_nxproxy_stop (self->nxproxy);   /* the process keeps the object alive until it ends */
  g_clear_object (&self->nxproxy);
}

/* Stops showing the session here: nxproxy, then the tunnel. */
void
tether_x2go_session_detach (TetherX2goSession *self)
{
  gboolean was_attached = tether_x2go_session_is_attached (self);

  tether_x2go_session_drop_nxproxy (self);
  if (self->forward_id != 0 && self->transport != NULL)
    tether_x2go_transport_close_forward (self->transport, self->forward_id);
  self->forward_id = 0;
  if (self->local_port != 0)
    {
      self->local_port = 0;
      tether_x2go_session_notify (self, PROP_LOCAL_PORT);
    }
  if (was_attached)
    tether_x2go_session_notify (self, PROP_ATTACHED);
}

static void
on_nxproxy_exited (TetherX2goNxproxy *proxy,
                   gboolean           expected,
                   int                exit_code,
                   int                term_signal,
                   gpointer           user_data)
{
  TetherX2goSession *self = user_data;
  g_autofree char *message = NULL;

  if (proxy != self->nxproxy)
    return;
  g_clear_signal_handler (&self->nxproxy_exited_id, self->nxproxy);
  g_clear_object (&self->nxproxy);
  tether_x2go_session_detach (self);
  tether_x2go_session_notify (self, PROP_ATTACHED);
  if (expected)
    return;

  if (term_signal != 0)
    message = g_strdup_printf ("nxproxy was killed by signal %d (see %s/session.log)",
                               term_signal, self->session_dir);
  else
    message = g_strdup_printf ("nxproxy exited with status %d (see %s/session.log)",
                               exit_code, self->session_dir);
  g_debug ("session %s: %s", self->uuid, message);
  if (self->phase == TETHER_X2GO_SESSION_PHASE_RUNNING)
    self->lost_picture = TRUE;
  tether_x2go_client_emit_nxproxy_died (self->client, self, message);
  /* Why? The listing tells: suspended or taken over elsewhere, or gone. */
  if (!self->busy)
    tether_x2go_session_refresh (self);
}

typedef struct {
  guint forward_id;
  guint local_port;
} AttachData;

static void
on_forward_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherX2goSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  TetherX2goNxproxyParams params = { 0 };
  guint forward_id = 0, local_port = 0;

  if (!tether_x2go_transport_forward_finish (TETHER_X2GO_TRANSPORT (source), result,
                                             &forward_id, &local_port, &error))
    {
      tether_x2go_client_emit_tunnel_failed (self->client, self, "127.0.0.1",
                                             self->graphics_port, "NX Proxy");
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_TUNNEL_FAILED,
                               "cannot forward a local port to the session's graphics "
                               "port %u on the server: %s",
                               self->graphics_port, error->message);
      return;
    }
  if (!self->connected || g_task_return_error_if_cancelled (task))
    {
      if (self->transport != NULL)
        tether_x2go_transport_close_forward (self->transport, forward_id);
      if (!g_task_had_error (task))
        {
          g_autoptr(GError) e = NULL;
          tether_x2go_session_not_connected (&e, self);
          g_task_return_error (task, g_steal_pointer (&e));
        }
      return;
    }
  self->forward_id = forward_id;
  self->local_port = local_port;
  tether_x2go_session_notify (self, PROP_LOCAL_PORT);

  params.program = tether_x2go_client_get_nxproxy_path (self->client);
  params.session_dir = self->session_dir;
  params.nx_root = tether_x2go_client_get_sessions_rootdir (self->client);
  params.display = tether_x2go_client_get_display (self->client);
  params.cookie = self->cookie;
  params.local_port = local_port;
  params.server_display = self->display;
  self->nxproxy = tether_x2go_nxproxy_start (&params, &error);
  if (self->nxproxy == NULL)
    {
      tether_x2go_transport_close_forward (self->transport, self->forward_id);
      self->forward_id = 0;
      self->local_port = 0;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->nxproxy_exited_id = g_signal_connect (self->nxproxy, "exited",
                                              G_CALLBACK (on_nxproxy_exited), self);
  self->lost_picture = FALSE;
  tether_x2go_session_notify (self, PROP_ATTACHED);
  g_task_return_boolean (task, TRUE);
}

/* Local listener → direct-tcpip to 127.0.0.1:<graphics port>, then nxproxy. */
static void
attach_async (TetherX2goSession   *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, attach_async);
  if (!self->connected || self->transport == NULL)
    {
      GError *error = NULL;

      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  tether_x2go_transport_forward_async (self->transport, "127.0.0.1", self->graphics_port,
                                       cancellable, on_forward_ready, task);
}

static gboolean
attach_finish (TetherX2goSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- keyboard (x2go-protocol.md §4.16) ------------------------------------------ */

static gboolean
kbd_value_set (const char *value)
{
  return value != NULL && value[0] != '\0' && !g_str_equal (value, "null");
}

/* The setxkbmap command after start/resume, or NULL when none is needed. */
static char *
keyboard_command (TetherX2goSession *self)
{
  GString *s;

  if (g_str_equal (self->opts.kbtype, "null/null") || g_str_equal (self->opts.kbtype, "auto"))
    return NULL;
  if (!kbd_value_set (self->opts.kblayout) && !kbd_value_set (self->opts.kbvariant))
    return NULL;
  s = g_string_new (NULL);
  g_string_append_printf (s, "export DISPLAY=:%u && setxkbmap", self->display);
  if (kbd_value_set (self->opts.kblayout))
    {
      g_autofree char *q = g_shell_quote (self->opts.kblayout);
      g_string_append_printf (s, " -layout %s", q);
    }
  if (kbd_value_set (self->opts.kbvariant))
    {
      g_autofree char *q = g_shell_quote (self->opts.kbvariant);
      g_string_append_printf (s, " -variant %s", q);
    }
  return g_string_free (s, FALSE);
}

static void
fill_params (TetherX2goSession *self, TetherX2goSessionParams *p)
{
  memset (p, 0, sizeof *p);
  p->geometry = self->opts.geometry;
  p->link = self->opts.link;
  p->pack = self->opts.pack;
  p->cache_type = self->opts.cache_type;
  p->depth = self->opts.depth;
  p->kbd_layout = self->opts.kblayout;
  p->kbd_type = self->opts.kbtype;
  p->set_kbd = TRUE;
  p->session_type = self->opts.session_type;
  p->command = self->opts.cmd;
  p->clipboard = self->opts.clipboard;
  p->xinerama = self->opts.xinerama;
  p->dpi = self->opts.dpi;
}

/* ---- start ------------------------------------------------------------------------ */

/* Commands the server resolves itself, or that are not programs: no check. */
static gboolean
command_needs_check (const char *cmd, char **word)
{
  static const char *const known[] = {
    "KDE", "GNOME", "XFCE", "XFCE4", "LXDE", "LXQt", "MATE", "IceWM", "ICEWM", "TRINITY",
    "CINNAMON", "UNITY", "OPENBOX", "TERMINAL", "WWWBROWSER", "MAILCLIENT", "OFFICE",
    "PUBLISHED", "XDMCP", "RDP", NULL
  };
  g_auto(GStrv) words = NULL;

  *word = NULL;
  if (cmd == NULL || cmd[0] == '\0' || strstr (cmd, "XSHAD") != NULL)
    return FALSE;
  if (!g_shell_parse_argv (cmd, NULL, &words, NULL) || words[0] == NULL)
    return FALSE;   /* the builder refuses it with a clear message */
  for (gsize i = 0; known[i] != NULL; i++)
    if (g_str_equal (words[0], known[i]))
      return FALSE;
  *word = g_strdup (words[0]);
  return TRUE;
}

typedef struct {
  TetherX2goAgentInfo agent;
  gboolean            agent_started;
  char               *checked;
  GError             *error;       /* the failure being cleaned up after */
} StartData;

static void
start_data_free (StartData *sd)
{
  tether_x2go_agent_info_clear (&sd->agent);
  g_free (sd->checked);
  g_clear_error (&sd->error);
  g_free (sd);
}

static void
on_cleanup_terminated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (TETHER_X2GO_SESSION (source), result, NULL);

  g_task_return_error (task, g_steal_pointer (&sd->error));
}

/* Start or resume failed: take the picture down, leave nothing running that
 * we started, and report. */
static void
fail_start (TetherX2goSession *self, GTask *task, GError *error)
{
  StartData *sd = g_task_get_task_data (task);

  g_debug ("session %s: start/resume failed: %s", self->uuid, error->message);
  if (self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  tether_x2go_session_detach (self);
  self->busy = FALSE;
  tether_x2go_session_set_phase (self, self->connected ? TETHER_X2GO_SESSION_PHASE_FAILED
                                   : TETHER_X2GO_SESSION_PHASE_REGISTERED);
  tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_STARTUP_FAILED,
                                 self->session_name, TRUE);

  if (sd != NULL && sd->agent_started && self->connected && self->session_name != NULL)
    {
      g_autofree char *command = tether_x2go_command_terminate_session (self->session_name, NULL);

      sd->error = error;
      if (command != NULL)
        {
          tether_x2go_session_run_async (self, "x2goterminate-session", command, NULL, on_cleanup_terminated,
                     g_object_ref (task));
          return;
        }
      error = g_steal_pointer (&sd->error);
    }
  g_task_return_error (task, error);
}

static void
finish_start (TetherX2goSession *self, GTask *task, GPtrArray *infos, gboolean resumed)
{
  TetherX2goSessionInfo *info = tether_x2go_session_find_info (infos, self->session_name);

  if (!tether_x2go_session_is_attached (self))
    {
      fail_start (self, task,
                  g_error_new (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                               "nxproxy ended while session %s was being %s (see %s/session.log)",
                               self->session_name, resumed ? "resumed" : "started",
                               self->session_dir));
      return;
    }
  if (info == NULL)
    {
      fail_start (self, task,
                  g_error_new (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_STARTUP_FAILED,
                               "session %s is not in the server's listing after it was %s",
                               self->session_name, resumed ? "resumed" : "started"));
      return;
    }
  tether_x2go_session_set_info (self, info);
  self->busy = FALSE;
  self->virgin = FALSE;
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
  tether_x2go_client_emit_event (self->client, self,
                                 resumed ? TETHER_X2GO_EVENT_RESUMED_BY_ME
                                         : TETHER_X2GO_EVENT_STARTED_BY_ME,
                                 self->session_name, TRUE);
  tether_x2go_client_fan_out_listing (self->client, self, infos);
  g_task_return_boolean (task, TRUE);
}

static void
on_start_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = tether_x2go_session_confirm_finish (self, result, &error);

  if (infos == NULL)
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  finish_start (self, task, infos,
                g_task_get_source_tag (task) == tether_x2go_session_resume_async);
}

static void
on_keyboard_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);

  /* Like python-x2go: a keyboard failure is logged, not fatal. */
  if (o == NULL)
    g_message ("session %s: setting the keyboard failed: %s", self->uuid, error->message);
  else if (o->err_len > 0)
    {
      g_autofree char *why = tether_x2go_first_stderr_line (o->err, o->err_len);
      g_message ("session %s: setxkbmap: %s", self->uuid, why != NULL ? why : "failed");
    }
  tether_x2go_session_confirm_async (self, self->session_name, TETHER_X2GO_WANT_RUNNING, g_task_get_cancellable (task),
                 on_start_confirmed, g_object_ref (task));
}

static void
set_keyboard_then_confirm (TetherX2goSession *self, GTask *task)
{
  g_autofree char *kbd = keyboard_command (self);

  if (kbd != NULL)
    tether_x2go_session_run_async (self, "setxkbmap", kbd, g_task_get_cancellable (task), on_keyboard_set,
               g_object_ref (task));
  else
    tether_x2go_session_confirm_async (self, self->session_name, TETHER_X2GO_WANT_RUNNING, g_task_get_cancellable (task),
                   on_start_confirmed, g_object_ref (task));
}

static void
on_command_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);

  if (o == NULL || !tether_x2go_check_command_status ("x2goruncommand", o, &error))
    {
      fail_start (self, task, error);
      return;
    }
  set_keyboard_then_confirm (self, task);
}

static void
on_start_attached (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  TetherX2goSessionParams params;
  g_autofree char *command = NULL;

  if (!attach_finish (self, result, &error))
    {
      fail_start (self, task, error);
      return;
    }
  fill_params (self, &params);
  command = tether_x2go_command_run_command (sd->agent.display, sd->agent.agent_pid,
                                             sd->agent.session_name, sd->agent.sound_port,
                                             &params, self->opts.snd_system, NULL, &error);
  if (command == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  tether_x2go_session_run_async (self, "x2goruncommand", command, g_task_get_cancellable (task),
             on_command_started, g_object_ref (task));
}

static void
on_agent_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status == 127)
    {
      tether_x2go_check_command_status ("x2gostartagent", o, &error);
      fail_start (self, task, error);
      return;
    }
  if (!tether_x2go_parse_start_agent (o->out, o->out_len, o->err, o->err_len, &sd->agent, &error))
    {
      /* An agent may exist even when its output did not parse: find it by
       * the name line if there was one, and clean it up. */
      fail_start (self, task, error);
      return;
    }
  sd->agent_started = TRUE;
  tether_x2go_session_set_name (self, sd->agent.session_name);
  tether_x2go_session_set_info (self, NULL);
  self->display = sd->agent.display;
  self->agent_pid = sd->agent.agent_pid;
  tether_x2go_secret_free (self->cookie);
  self->cookie = g_strdup (sd->agent.cookie);
  self->graphics_port = sd->agent.graphics_port;
  self->sound_port = sd->agent.sound_port;
  self->sshfs_port = sd->agent.sshfs_port;
  tether_x2go_session_notify (self, PROP_DISPLAY);
  tether_x2go_session_notify (self, PROP_GRAPHICS_PORT);
  g_debug ("session %s: agent started: %s on display %u, graphics port %u", self->uuid,
           self->session_name, self->display, self->graphics_port);

  attach_async (self, g_task_get_cancellable (task), on_start_attached, g_object_ref (task));
}

static void
run_start_agent (TetherX2goSession *self, GTask *task)
{
  TetherX2goSessionParams params;
  GError *error = NULL;
  g_autofree char *command = NULL;

  fill_params (self, &params);
  command = tether_x2go_command_start_agent (&params, &error);
  if (command == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_STARTING);
  tether_x2go_session_run_async (self, "x2gostartagent", command, g_task_get_cancellable (task),
             on_agent_started, g_object_ref (task));
}

static void
on_command_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status != 0)
    {
      tether_x2go_client_emit_no_such_command (self->client, self, sd->checked);
      self->busy = FALSE;
      tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_FAILED);
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_COMMAND,
                               "the command '%s' was not found on %s", sd->checked,
                               self->server);
      return;
    }
  run_start_agent (self, task);
}

void
tether_x2go_session_start_async (TetherX2goSession   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  StartData *sd = g_new0 (StartData, 1);
  GError *error = NULL;
  g_autofree char *word = NULL;

  g_task_set_source_tag (task, tether_x2go_session_start_async);
  g_task_set_task_data (task, sd, (GDestroyNotify) start_data_free);
  if (!self->connected)
    {
      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (self->busy)
    {
      tether_x2go_session_busy_error (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (tether_x2go_session_is_attached (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "session %s already shows %s: suspend or terminate it first",
                               self->uuid, self->session_name);
      return;
    }
  self->busy = TRUE;
  tether_x2go_session_detach (self);

  if (command_needs_check (self->opts.cmd, &word))
    {
      g_autofree char *quoted = g_shell_quote (word);
      g_autofree char *check = g_strdup_printf ("command -v %s >/dev/null 2>&1", quoted);

      sd->checked = g_steal_pointer (&word);
      tether_x2go_session_run_async (self, "command check", check, cancellable, on_command_checked,
                 g_steal_pointer (&task));
      return;
    }
  run_start_agent (self, task);
}

gboolean
tether_x2go_session_start_finish (TetherX2goSession  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- resume ------------------------------------------------------------------------ */

typedef struct {
  StartData                base;   /* first: fail_start reads it as StartData */
  char                    *name;
  TetherX2goSessionPhase   previous;
} ResumeData;

static void
resume_data_free (ResumeData *rd)
{
  tether_x2go_agent_info_clear (&rd->base.agent);
  g_free (rd->base.checked);
  g_clear_error (&rd->base.error);
  g_free (rd->name);
  g_free (rd);
}

static void
on_resume_attached (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!attach_finish (self, result, &error))
    {
      fail_start (self, task, error);
      return;
    }
  set_keyboard_then_confirm (self, task);
}

static void
on_resumed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);
  TetherX2goResumeInfo ports = { 0 };

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status == 127)
    {
      tether_x2go_check_command_status ("x2goresume-session", o, &error);
      fail_start (self, task, error);
      return;
    }
  if (!tether_x2go_parse_resume_session (o->out, o->out_len, o->err, o->err_len, &ports, &error))
    {
      fail_start (self, task, error);
      return;
    }
  self->graphics_port = ports.graphics_port;
  self->sound_port = ports.sound_port;
  self->sshfs_port = ports.sshfs_port;
  tether_x2go_session_notify (self, PROP_GRAPHICS_PORT);
  attach_async (self, g_task_get_cancellable (task), on_resume_attached, g_object_ref (task));
}

static void
on_resume_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ResumeData *rd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);
  TetherX2goSessionInfo *info;
  TetherX2goSessionParams params;
  g_autofree char *command = NULL;

  if (r == NULL)
    {
      self->busy = FALSE;
      tether_x2go_session_set_phase (self, rd->previous);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = tether_x2go_session_find_info (r->infos, rd->name);
  if (info == NULL || tether_x2go_session_info_is_starting (info))
    {
      tether_x2go_list_result_free (r);
      self->busy = FALSE;
      tether_x2go_session_set_phase (self, rd->previous);
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                               info == NULL ? "there is no session named %s on %s for %s"
                                            : "session %s on %s is still starting (user %s)",
                               rd->name, self->server, self->username);
      return;
    }
  tether_x2go_session_set_name (self, rd->name);
  tether_x2go_session_set_info (self, info);
  self->display = tether_x2go_session_info_get_display (info);
  self->agent_pid = tether_x2go_session_info_get_agent_pid (info);
  tether_x2go_secret_free (self->cookie);
  self->cookie = g_strdup (tether_x2go_session_info_get_cookie (info));
  tether_x2go_session_notify (self, PROP_DISPLAY);
  tether_x2go_list_result_free (r);

  fill_params (self, &params);
  command = tether_x2go_command_resume_session (rd->name, &params, &error);
  if (command == NULL)
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  tether_x2go_session_run_async (self, "x2goresume-session", command, g_task_get_cancellable (task), on_resumed,
             g_object_ref (task));
}

void
tether_x2go_session_resume_async (TetherX2goSession   *self,
                                  const char          *session_name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ResumeData *rd = g_new0 (ResumeData, 1);
  GError *error = NULL;
  const char *name = session_name != NULL ? session_name : self->session_name;

  g_task_set_source_tag (task, tether_x2go_session_resume_async);
  g_task_set_task_data (task, rd, (GDestroyNotify) resume_data_free);
  if (!self->connected)
    {
      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (self->busy)
    {
      tether_x2go_session_busy_error (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (name == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "session %s has no server-side session to resume: "
                               "give a session name", self->uuid);
      return;
    }
  if (!tether_x2go_is_session_name (name))
    {
      g_autofree char *q = tether_x2go_quote_for_message (name);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s is not a valid X2Go session name", q);
      return;
    }
  rd->name = g_strdup (name);
  rd->previous = self->phase;
  if (rd->previous == TETHER_X2GO_SESSION_PHASE_FAILED ||
      rd->previous == TETHER_X2GO_SESSION_PHASE_CONNECTING)
    rd->previous = TETHER_X2GO_SESSION_PHASE_CONNECTED;
  self->busy = TRUE;
  /* Showing it already? Let go here first; the server suspends it itself
   * before it resumes it (x2goresume-session). */
  if (self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  tether_x2go_session_detach (self);
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_RESUMING);
  tether_x2go_session_list_raw_async (self, cancellable, on_resume_listed, g_steal_pointer (&task));
}

gboolean
tether_x2go_session_resume_finish (TetherX2goSession  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- suspend and terminate ------------------------------------------------------------ */

/* Times the command is sent again when the listing does not show its effect:
 * x2gocleansessions (root, on the server) can overwrite the status a moment
 * after x2goterminate-session set it, from a listing it read before. */
#define STOP_COMMAND_RETRIES 2

typedef struct {
  char     *name;
  gboolean  terminate;
  gboolean  own;
  guint     retries;
  TetherX2goSession *delegate;
} StopData;

static void
stop_data_free (StopData *sd)
{
  g_free (sd->name);
  g_clear_object (&sd->delegate);
  g_free (sd);
}

static const char *
stop_what (StopData *sd)
{
  return sd->terminate ? "x2goterminate-session" : "x2gosuspend-session";
}

static void run_stop_command (TetherX2goSession *self, GTask *task);

static void
on_stop_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StopData *sd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = tether_x2go_session_confirm_finish (self, result, &error);
  TetherX2goSessionInfo *info;

  if (infos == NULL)
    {
      if (sd->own)
        self->busy = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = tether_x2go_session_find_info (infos, sd->name);
  if (info != NULL && sd->retries < STOP_COMMAND_RETRIES &&
      (sd->terminate || tether_x2go_session_info_is_running (info)))
    {
      sd->retries++;
      g_debug ("session %s: %s still listed %s: sending %s again", self->uuid, sd->name,
               tether_x2go_session_info_is_running (info) ? "running" : "suspended",
               stop_what (sd));
      run_stop_command (self, task);
      return;
    }
  if (sd->own)
    self->busy = FALSE;

  if (sd->own)
    {
      if (info == NULL)
        {
          tether_x2go_session_set_info (self, NULL);
          if (self->session_dir != NULL)
            tether_x2go_nxproxy_remove_session_dir (self->session_dir);
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         sd->name, TRUE);
        }
      else if (tether_x2go_session_info_is_suspended (info))
        {
          tether_x2go_session_set_info (self, info);
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_SUSPENDED,
                                         sd->name, TRUE);
        }
    }
  tether_x2go_client_fan_out_listing (self->client, self, infos);

  if (sd->terminate && info != NULL)
    g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED,
                             "session %s is still listed on %s after x2goterminate-session",
                             sd->name, self->server);
  else if (!sd->terminate && info == NULL)
    g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                             "session %s ended instead of being suspended "
                             "(x2goserver ends sessions that were never shown)", sd->name);
  else if (!sd->terminate && !tether_x2go_session_info_is_suspended (info))
    g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED,
                             "session %s is still running on %s after x2gosuspend-session",
                             sd->name, self->server);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_stop_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StopData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(TetherX2goCommandOutput) o = tether_x2go_session_run_finish (self, result, &error);

  if (sd->own)
    tether_x2go_session_detach (self);   /* the server dropped the NX connection; take down our side */
  if (o == NULL || !tether_x2go_check_command_status (stop_what (sd), o, &error))
    {
      if (sd->own)
        self->busy = FALSE;
      g_task_return_error (task, error);
      return;
    }
  /* Both commands print nothing, even for unknown sessions: the listing says
   * what happened. */
  tether_x2go_session_confirm_async (self, sd->name, sd->terminate ? TETHER_X2GO_WANT_GONE : TETHER_X2GO_WANT_SUSPENDED,
                 g_task_get_cancellable (task), on_stop_confirmed, g_object_ref (task));
}

static void
run_stop_command (TetherX2goSession *self, GTask *task)
{
  StopData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *command = sd->terminate
                               ? tether_x2go_command_terminate_session (sd->name, &error)
                               : tether_x2go_command_suspend_session (sd->name, &error);

  if (command == NULL)
    {
      if (sd->own)
        self->busy = FALSE;
      g_task_return_error (task, error);
      return;
    }
  if (sd->own && self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  tether_x2go_session_run_async (self, stop_what (sd), command, g_task_get_cancellable (task),
             on_stop_command_done, g_object_ref (task));
}

/* Refuses a name the listing does not hold; a suspend of a suspended
 * session is done already. Otherwise sends the command. */
static void
stop_listed (TetherX2goSession *self, GTask *task, GPtrArray *infos, gboolean fresh)
{
  StopData *sd = g_task_get_task_data (task);
  TetherX2goSessionInfo *info = tether_x2go_session_find_info (infos, sd->name);

  if (info == NULL)
    {
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                               "there is no session named %s on %s for %s", sd->name,
                               self->server, self->username);
      return;
    }
  if (!sd->terminate && tether_x2go_session_info_is_suspended (info))
    {
      /* Suspended already: nothing to do. */
      if (fresh)
        tether_x2go_client_fan_out_listing (self->client, self, infos);
      g_task_return_boolean (task, TRUE);
      return;
    }
  run_stop_command (self, task);
}

static void
on_stop_prelisted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  stop_listed (self, task, r->infos, TRUE);
  tether_x2go_list_result_free (r);
}

static void
on_delegate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  StopData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok = sd->terminate
                  ? tether_x2go_session_terminate_finish (TETHER_X2GO_SESSION (source), result, &error)
                  : tether_x2go_session_suspend_finish (TETHER_X2GO_SESSION (source), result, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
stop_async (TetherX2goSession   *self,
            const char          *session_name,
            gboolean             terminate,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  StopData *sd = g_new0 (StopData, 1);
  GError *error = NULL;
  TetherX2goSession *other;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, sd, (GDestroyNotify) stop_data_free);
  sd->terminate = terminate;
  if (!self->connected)
    {
      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (session_name == NULL || g_strcmp0 (session_name, self->session_name) == 0)
    {
      if (self->session_name == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "session %s has no server-side session to %s",
                                   self->uuid, terminate ? "terminate" : "suspend");
          return;
        }
      if (self->busy)
        {
          tether_x2go_session_busy_error (&error, self);
          g_task_return_error (task, error);
          return;
        }
      sd->own = TRUE;
      sd->name = g_strdup (self->session_name);
      self->busy = TRUE;
      run_stop_command (self, task);
      return;
    }

  if (!tether_x2go_is_session_name (session_name))
    {
      g_autofree char *q = tether_x2go_quote_for_message (session_name);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s is not a valid X2Go session name", q);
      return;
    }
  sd->name = g_strdup (session_name);

  /* Shown by another registered session of ours: let it clean up too. */
  other = tether_x2go_client_find_attached (self->client, self, session_name);
  if (other != NULL)
    {
      sd->delegate = g_object_ref (other);
      stop_async (other, NULL, terminate, source_tag, cancellable, on_delegate_done,
                  g_steal_pointer (&task));
      return;
    }
  /* With the client's listing cache on, the last listing (the connect's, or
   * the one the caller just asked for) says whether the name exists: no
   * second x2golistsessions before the command. The listing after the
   * command still confirms what it did. */
  if (self->listing != NULL && tether_x2go_client_get_use_listsessions_cache (self->client))
    {
      stop_listed (self, task, self->listing, FALSE);
      return;
    }
  tether_x2go_session_list_raw_async (self, cancellable, on_stop_prelisted, g_steal_pointer (&task));
}

void
tether_x2go_session_suspend_async (TetherX2goSession   *self,
                                   const char          *session_name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  stop_async (self, session_name, FALSE, tether_x2go_session_suspend_async, cancellable,
              callback, user_data);
}

gboolean
tether_x2go_session_suspend_finish (TetherX2goSession  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tether_x2go_session_terminate_async (TetherX2goSession   *self,
                                     const char          *session_name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  stop_async (self, session_name, TRUE, tether_x2go_session_terminate_async, cancellable,
              callback, user_data);
}

gboolean
tether_x2go_session_terminate_finish (TetherX2goSession  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- clean ------------------------------------------------------------------------- */

typedef struct {
  gboolean published;
  guint    pending;
  GError  *error;
} CleanData;

static void
clean_data_free (CleanData *cd)
{
  g_clear_error (&cd->error);
  g_free (cd);
}

static void
on_clean_one (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CleanData *cd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!tether_x2go_session_terminate_finish (TETHER_X2GO_SESSION (source), result, &error))
    {
      if (cd->error == NULL)
        cd->error = error;
      else
        g_error_free (error);
    }
  if (--cd->pending > 0)
    return;
  if (cd->error != NULL)
    g_task_return_error (task, g_steal_pointer (&cd->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_clean_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  CleanData *cd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cd->pending = 1;   /* held until every terminate is on its way */
  for (guint i = 0; i < r->infos->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (r->infos, i);

      if (!cd->published &&
          tether_x2go_session_info_get_session_type (info) == TETHER_X2GO_SESSION_TYPE_PUBLISHED)
        continue;
      cd->pending++;
      tether_x2go_session_terminate_async (self, tether_x2go_session_info_get_name (info),
                                           g_task_get_cancellable (task), on_clean_one,
                                           g_object_ref (task));
    }
  tether_x2go_list_result_free (r);
  if (--cd->pending == 0)
    {
      if (cd->error != NULL)
        g_task_return_error (task, g_steal_pointer (&cd->error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

void
tether_x2go_session_clean_async (TetherX2goSession   *self,
                                 gboolean             published_applications,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CleanData *cd = g_new0 (CleanData, 1);

  g_task_set_source_tag (task, tether_x2go_session_clean_async);
  cd->published = published_applications;
  g_task_set_task_data (task, cd, (GDestroyNotify) clean_data_free);
  if (!self->connected)
    {
      GError *error = NULL;

      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  tether_x2go_session_list_raw_async (self, cancellable, on_clean_listed, g_steal_pointer (&task));
}

gboolean
tether_x2go_session_clean_finish (TetherX2goSession  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
