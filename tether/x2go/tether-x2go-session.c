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
#include "tether-x2go-session-info-private.h"
#include "tether-x2go-session-private.h"
#include "tether-x2go-text-private.h"

/**
 * TetherX2goSession:
 *
 * One registered X2Go session of a [class@X2goClient]: its SSH connection to
 * the server (the "control session"), the server-side session it started or
 * resumed, and the local NX proxy that shows it.
 *
 * Sessions are made by [method@X2goClient.register_session] and driven
 * through the client, which keys them by a uuid string as python-x2go's
 * `X2GoClient` does. This object exposes their state as read-only
 * properties; every change is notified on the client's owner context.
 *
 * Since: 0.1
 */

struct _TetherX2goSession {
  GObject                  parent_instance;

  TetherX2goClient        *client;        /* unowned: it owns us */
  GMainContext            *context;
  char                    *uuid;
  char                    *server;
  guint                    port;
  char                    *username;
  char                    *profile_name;
  char                    *server_key;
  TetherX2goSessionOptions opts;

  TetherX2goTransport     *transport;
  gulong                   check_host_id;
  gulong                   disconnected_id;
  gulong                   tunnel_failed_id;
  gboolean                 connected;
  TetherX2goSessionPhase   phase;
  gboolean                 virgin;
  gboolean                 busy;          /* connect/start/resume/suspend/terminate running */
  GCancellable            *background;    /* background listings; cancelled on disconnect */

  /* The associated server-side session. */
  char                    *session_name;
  guint                    display;
  guint                    agent_pid;
  char                    *cookie;
  guint                    graphics_port;
  guint                    sound_port;
  guint                    sshfs_port;
  TetherX2goSessionInfo   *info;

  /* The picture. */
  guint                    forward_id;
  guint                    local_port;
  TetherX2goNxproxy       *nxproxy;
  gulong                   nxproxy_exited_id;
  char                    *session_dir;
  gboolean                 lost_picture;  /* nxproxy died unexpectedly while running */

  /* What the server told us. */
  GHashTable              *features;      /* set of feature names */
  GHashTable              *versions;      /* component → version */
  GPtrArray               *listing;       /* of TetherX2goSessionInfo */
  char                    *listing_raw;
  gboolean                 refreshing;
};

enum {
  PROP_0,
  PROP_UUID,
  PROP_PROFILE_NAME,
  PROP_SERVER,
  PROP_PORT,
  PROP_USERNAME,
  PROP_SESSION_NAME,
  PROP_PHASE,
  PROP_CONNECTED,
  PROP_ATTACHED,
  PROP_DISPLAY,
  PROP_GRAPHICS_PORT,
  PROP_LOCAL_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TetherX2goSession, tether_x2go_session, G_TYPE_OBJECT)

/* ---- small helpers -------------------------------------------------------- */

static const char *
phase_nick (TetherX2goSessionPhase phase)
{
  GEnumClass *klass = g_type_class_ref (TETHER_TYPE_X2GO_SESSION_PHASE);
  GEnumValue *value = g_enum_get_value (klass, (gint) phase);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

static void
set_phase (TetherX2goSession *self, TetherX2goSessionPhase phase)
{
  if (self->phase == phase)
    return;
  g_debug ("session %s (%s): %s → %s", self->uuid,
           self->session_name != NULL ? self->session_name : "no name",
           phase_nick (self->phase), phase_nick (phase));
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
  tether_x2go_client_session_changed (self->client);
}

static void
set_connected (TetherX2goSession *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_session_name (TetherX2goSession *self, const char *name)
{
  if (g_strcmp0 (self->session_name, name) == 0)
    return;
  g_free (self->session_name);
  self->session_name = g_strdup (name);
  g_clear_pointer (&self->session_dir, g_free);
  if (name != NULL)
    {
      g_autofree char *dir = g_strdup_printf ("S-%s", name);
      self->session_dir = g_build_filename (tether_x2go_client_get_sessions_rootdir (self->client),
                                            dir, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_NAME]);
}

static void
set_info (TetherX2goSession *self, TetherX2goSessionInfo *info)
{
  if (info == self->info)
    return;
  g_clear_pointer (&self->info, tether_x2go_session_info_unref);
  if (info != NULL)
    self->info = tether_x2go_session_info_ref (info);
}

static gboolean
is_attached (TetherX2goSession *self)
{
  return self->nxproxy != NULL && tether_x2go_nxproxy_is_running (self->nxproxy);
}

static guint
command_timeout (TetherX2goSession *self)
{
  return TETHER_X2GO_COMMAND_TIMEOUT *
         (tether_x2go_session_options_low_latency (&self->opts) ? 2 : 1);
}

static TetherX2goSessionInfo *
find_info (GPtrArray *infos, const char *name)
{
  if (infos == NULL || name == NULL)
    return NULL;
  for (guint i = 0; i < infos->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (infos, i);

      if (g_strcmp0 (tether_x2go_session_info_get_name (info), name) == 0)
        return info;
    }
  return NULL;
}

static GPtrArray *
copy_listing (GPtrArray *infos)
{
  GPtrArray *copy = g_ptr_array_new_full (infos != NULL ? infos->len : 0,
                                          (GDestroyNotify) tether_x2go_session_info_unref);

  for (guint i = 0; infos != NULL && i < infos->len; i++)
    g_ptr_array_add (copy, tether_x2go_session_info_ref (g_ptr_array_index (infos, i)));
  return copy;
}

static void
store_listing (TetherX2goSession *self, GPtrArray *infos, const char *raw)
{
  if (infos != self->listing)
    {
      g_clear_pointer (&self->listing, g_ptr_array_unref);
      self->listing = copy_listing (infos);
    }
  if (raw != NULL)
    {
      g_free (self->listing_raw);
      self->listing_raw = g_strdup (raw);
    }
}

static gboolean
not_connected (GError **error, TetherX2goSession *self)
{
  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED,
               "session %s is not connected to %s", self->uuid, self->server);
  return FALSE;
}

static gboolean
busy_error (GError **error, TetherX2goSession *self)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               "session %s is busy (%s); try again when that is done",
               self->uuid, phase_nick (self->phase));
  return FALSE;
}

/* ---- running one server command ------------------------------------------- */

typedef struct {
  char   *out;
  gsize   out_len;
  char   *err;
  gsize   err_len;
  int     status;
} CommandOutput;

static void
command_output_free (CommandOutput *o)
{
  if (o == NULL)
    return;
  g_free (o->out);
  g_free (o->err);
  g_free (o);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CommandOutput, command_output_free)

typedef struct {
  char         *what;
  char         *marker;
  GCancellable *cancellable;   /* ours: the caller's, or the time-out, cancels it */
  GCancellable *parent;
  gulong        parent_id;
  GSource      *timeout;
  guint         timeout_s;
  gboolean      timed_out;
} RunData;

static void
run_data_free (RunData *rd)
{
  if (rd->timeout != NULL)
    {
      g_source_destroy (rd->timeout);
      g_source_unref (rd->timeout);
    }
  if (rd->parent != NULL)
    {
      /* Not from inside the parent's own cancellation (that would wait for
       * itself): its handler only holds a reference on our child. */
      if (!g_cancellable_is_cancelled (rd->parent))
        g_cancellable_disconnect (rd->parent, rd->parent_id);
      g_object_unref (rd->parent);
    }
  g_clear_object (&rd->cancellable);
  g_free (rd->what);
  g_free (rd->marker);
  g_free (rd);
}

static void
cancel_child (GCancellable *parent, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
run_timed_out (gpointer user_data)
{
  RunData *rd = user_data;

  rd->timed_out = TRUE;
  g_cancellable_cancel (rd->cancellable);
  g_clear_pointer (&rd->timeout, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* The first line of stderr, for messages. */
static char *
first_stderr_line (const char *err, gsize len)
{
  g_autofree char *copy = NULL;
  char *nl;

  if (err == NULL || len == 0)
    return NULL;
  copy = g_strndup (err, MIN (len, 200));
  nl = strchr (copy, '\n');
  if (nl != NULL)
    *nl = '\0';
  if (copy[0] == '\0')
    return NULL;
  return g_utf8_make_valid (copy, -1);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *rd = g_task_get_task_data (task);
  g_autoptr(TetherX2goExecResult) res = NULL;
  g_autoptr(CommandOutput) out = g_new0 (CommandOutput, 1);
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  res = tether_x2go_transport_exec_finish (TETHER_X2GO_TRANSPORT (source), result, &error);
  if (res == NULL)
    {
      if (rd->timed_out)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 "%s: the server did not answer within %u s",
                                 rd->what, rd->timeout_s);
      else
        {
          g_prefix_error (&error, "%s: ", rd->what);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  if (res->stderr_bytes != NULL)
    {
      data = g_bytes_get_data (res->stderr_bytes, &len);
      out->err = g_strndup (data != NULL ? data : "", len);
      out->err_len = strlen (out->err);
    }
  else
    out->err = g_strdup ("");

  data = res->stdout_bytes != NULL ? g_bytes_get_data (res->stdout_bytes, &len) : NULL;
  if (data == NULL)
    len = 0;
  if (!tether_x2go_unwrap_output (rd->what, data, len, rd->marker, &out->out, &out->out_len,
                                  &out->status, &error))
    {
      g_autofree char *why = first_stderr_line (out->err, out->err_len);

      if (why != NULL)
        g_prefix_error (&error, "(the server said: %s) ", why);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) command_output_free);
}

/* Runs @command (a builder's output) on this session's connection. @what
 * names it in errors ("x2gostartagent"). */
static void
run_async (TetherX2goSession   *self,
           const char          *what,
           const char          *command,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *wrapped = NULL;
  RunData *rd;

  g_task_set_source_tag (task, run_async);
  if (!self->connected || self->transport == NULL)
    {
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED,
                               "%s: session %s is not connected to %s",
                               what, self->uuid, self->server);
      return;
    }
  if (strlen (command) > TETHER_X2GO_MAX_WRAPPED_COMMAND)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s: the command line is too long", what);
      return;
    }

  rd = g_new0 (RunData, 1);
  rd->what = g_strdup (what);
  rd->marker = g_uuid_string_random ();
  rd->cancellable = g_cancellable_new ();
  rd->timeout_s = command_timeout (self);
  g_task_set_task_data (task, rd, (GDestroyNotify) run_data_free);
  if (cancellable != NULL)
    {
      rd->parent = g_object_ref (cancellable);
      rd->parent_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_child),
                                             g_object_ref (rd->cancellable), g_object_unref);
    }
  rd->timeout = g_timeout_source_new_seconds (rd->timeout_s);
  g_source_set_callback (rd->timeout, run_timed_out, rd, NULL);
  g_source_attach (rd->timeout, self->context);

  wrapped = tether_x2go_wrap_command (command, rd->marker);
  g_debug ("session %s: running %s", self->uuid, what);
  tether_x2go_transport_exec_async (self->transport, wrapped, rd->cancellable,
                                    on_run_done, g_steal_pointer (&task));
}

static CommandOutput *
run_finish (TetherX2goSession  *self,
            GAsyncResult       *result,
            GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A non-zero status: "not found" means the X2Go tools are missing. */
static gboolean
check_status (const char *what, CommandOutput *o, GError **error)
{
  g_autofree char *why = NULL;

  if (o->status == 0)
    return TRUE;
  why = first_stderr_line (o->err, o->err_len);
  if (o->status == 127 || (why != NULL && strstr (why, "not found") != NULL))
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                 "%s was not found on the server: is x2goserver installed there?%s%s%s",
                 what, why != NULL ? " (" : "", why != NULL ? why : "", why != NULL ? ")" : "");
  else
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED,
                 "%s failed with exit status %d%s%s", what, o->status,
                 why != NULL ? ": " : "", why != NULL ? why : "");
  return FALSE;
}

/* Parses a listing command's output. */
static GPtrArray *
parse_listing (CommandOutput *o, GError **error)
{
  if (!check_status ("x2golistsessions", o, error) ||
      !tether_x2go_check_list_sessions_stderr (o->err, o->err_len, error))
    return NULL;
  return tether_x2go_parse_session_list (o->out, o->out_len, TETHER_X2GO_LIST_SESSIONS, error);
}

/* ---- listing, with the registry update ---------------------------------------- */

typedef struct {
  GPtrArray *infos;
  char      *raw;
} ListResult;

static void
list_result_free (ListResult *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->infos, g_ptr_array_unref);
  g_free (r->raw);
  g_free (r);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(CommandOutput) o = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *infos;
  ListResult *r;

  o = run_finish (self, result, &error);
  if (o == NULL || (infos = parse_listing (o, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  r = g_new0 (ListResult, 1);
  r->infos = infos;
  r->raw = g_strndup (o->out, o->out_len);
  store_listing (self, infos, r->raw);
  g_task_return_pointer (task, r, (GDestroyNotify) list_result_free);
}

/* One listing, stored as the last one; no registry update. */
static void
list_raw_async (TetherX2goSession   *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *command = tether_x2go_command_list_sessions (FALSE);

  g_task_set_source_tag (task, list_raw_async);
  run_async (self, "x2golistsessions", command, cancellable, on_listed, task);
}

static ListResult *
list_raw_finish (TetherX2goSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  TetherX2goListFlags flags;
} ListData;

static void
on_list_for_caller (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ListData *ld = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ListResult *r = list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!(ld->flags & TETHER_X2GO_LIST_NO_REGISTRY_UPDATE))
    tether_x2go_client_fan_out_listing (self->client, self, r->infos);
  g_task_return_pointer (task, r, (GDestroyNotify) list_result_free);
}

void
tether_x2go_session_list_async (TetherX2goSession   *self,
                                TetherX2goListFlags  flags,
                                gboolean             use_cache,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ListData *ld = g_new0 (ListData, 1);

  g_task_set_source_tag (task, tether_x2go_session_list_async);
  ld->flags = flags;
  g_task_set_task_data (task, ld, g_free);
  if (!self->connected)
    {
      GError *error = NULL;

      not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (use_cache && self->listing != NULL &&
      !(flags & (TETHER_X2GO_LIST_NO_CACHE | TETHER_X2GO_LIST_REFRESH_CACHE)))
    {
      ListResult *r = g_new0 (ListResult, 1);

      r->infos = copy_listing (self->listing);
      r->raw = g_strdup (self->listing_raw != NULL ? self->listing_raw : "");
      g_task_return_pointer (task, r, (GDestroyNotify) list_result_free);
      return;
    }
  list_raw_async (self, cancellable, on_list_for_caller, g_steal_pointer (&task));
}

GPtrArray *
tether_x2go_session_list_finish (TetherX2goSession  *self,
                                 GAsyncResult       *result,
                                 char              **raw_output,
                                 GError            **error)
{
  ListResult *r;
  GPtrArray *infos;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (raw_output != NULL)
    *raw_output = NULL;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  infos = g_steal_pointer (&r->infos);
  if (raw_output != NULL)
    *raw_output = g_steal_pointer (&r->raw);
  list_result_free (r);
  return infos;
}

/* ---- the picture: forward + nxproxy -------------------------------------------- */

static void refresh_now (TetherX2goSession *self);

static void
drop_nxproxy (TetherX2goSession *self)
{
  if (self->nxproxy == NULL)
    return;
  g_clear_signal_handler (&self->nxproxy_exited_id, self->nxproxy);
  tether_x2go_nxproxy_stop (self->nxproxy);   /* the process keeps the object alive until it ends */
  g_clear_object (&self->nxproxy);
}

/* Stops showing the session here: nxproxy, then the tunnel. */
static void
detach (TetherX2goSession *self)
{
  gboolean was_attached = is_attached (self);

  drop_nxproxy (self);
  if (self->forward_id != 0 && self->transport != NULL)
    tether_x2go_transport_close_forward (self->transport, self->forward_id);
  self->forward_id = 0;
  if (self->local_port != 0)
    {
      self->local_port = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);
    }
  if (was_attached)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);
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
  detach (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);
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
    refresh_now (self);
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
          not_connected (&e, self);
          g_task_return_error (task, g_steal_pointer (&e));
        }
      return;
    }
  self->forward_id = forward_id;
  self->local_port = local_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);
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

      not_connected (&error, self);
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

/* ---- connect --------------------------------------------------------------------- */

typedef struct {
  char          *username;
  char          *password;     /* secret */
  char          *passphrase;   /* secret */
  guint          pending;
  GError        *error;
  CommandOutput *features;
  CommandOutput *versions;
  CommandOutput *listing;
} ConnectData;

static void
connect_data_free (ConnectData *cd)
{
  g_free (cd->username);
  tether_x2go_secret_free (cd->password);
  tether_x2go_secret_free (cd->passphrase);
  g_clear_error (&cd->error);
  command_output_free (cd->features);
  command_output_free (cd->versions);
  command_output_free (cd->listing);
  g_free (cd);
}

static void
drop_transport (TetherX2goSession *self)
{
  if (self->transport == NULL)
    return;
  g_clear_signal_handler (&self->check_host_id, self->transport);
  g_clear_signal_handler (&self->disconnected_id, self->transport);
  g_clear_signal_handler (&self->tunnel_failed_id, self->transport);
  tether_x2go_transport_disconnect (self->transport);
  g_clear_object (&self->transport);
}

static gboolean
on_transport_check_host (TetherX2goTransport *transport,
                         const char          *host,
                         guint                port,
                         const char          *fingerprint,
                         const char          *key_type,
                         gpointer             user_data)
{
  TetherX2goSession *self = user_data;

  return tether_x2go_client_emit_check_host (self->client, self, host, port, fingerprint,
                                             key_type, self->opts.add_to_known_hosts);
}

static void
on_transport_disconnected (TetherX2goTransport *transport,
                           GError              *error,
                           gpointer             user_data)
{
  TetherX2goSession *self = user_data;
  g_autoptr(TetherX2goSession) keep = g_object_ref (self);

  g_debug ("session %s: the connection to %s died: %s", self->uuid, self->server,
           error != NULL ? error->message : "no reason given");
  g_cancellable_cancel (self->background);
  g_clear_object (&self->background);
  self->background = g_cancellable_new ();
  if (self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  detach (self);
  drop_transport (self);
  set_connected (self, FALSE);
  set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
  tether_x2go_client_emit_control_session_death (self->client, self, error);
}

static void
on_transport_tunnel_failed (TetherX2goTransport *transport,
                            guint                forward_id,
                            const char          *remote_host,
                            guint                remote_port,
                            GError              *error,
                            gpointer             user_data)
{
  TetherX2goSession *self = user_data;

  g_debug ("session %s: tunnel to %s:%u failed: %s", self->uuid, remote_host, remote_port,
           error != NULL ? error->message : "no reason given");
  tether_x2go_client_emit_tunnel_failed (self->client, self, remote_host, remote_port,
                                         forward_id == self->forward_id ? "NX Proxy" : "unknown");
}

static void
fail_connect (TetherX2goSession *self, GTask *task, GError *error)
{
  drop_transport (self);
  set_connected (self, FALSE);
  self->busy = FALSE;
  set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
  g_task_return_error (task, error);
}

static void
finish_connect (TetherX2goSession *self, GTask *task)
{
  ConnectData *cd = g_task_get_task_data (task);
  g_autoptr(GHashTable) features = NULL;
  g_autoptr(GHashTable) versions = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  GError *error = NULL;

  if (cd->error != NULL)
    {
      fail_connect (self, task, g_steal_pointer (&cd->error));
      return;
    }
  if (cd->features->status != 0)
    {
      fail_connect (self, task,
                    g_error_new (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                                 "%s has no x2gofeaturelist: is x2goserver installed there?",
                                 self->server));
      return;
    }
  features = tether_x2go_parse_feature_list (cd->features->out, cd->features->out_len, &error);
  if (features == NULL)
    {
      fail_connect (self, task, error);
      return;
    }
  if (cd->versions->status != 0)
    {
      fail_connect (self, task,
                    g_error_new (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                                 "%s has no x2goversion: is x2goserver installed there?",
                                 self->server));
      return;
    }
  versions = tether_x2go_parse_version (cd->versions->out, cd->versions->out_len, &error);
  if (versions == NULL)
    {
      fail_connect (self, task, error);
      return;
    }
  if (!g_hash_table_contains (versions, "x2goserver"))
    {
      fail_connect (self, task,
                    g_error_new (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                                 "%s does not have the X2Go Server software installed "
                                 "(x2goversion lists no x2goserver component)", self->server));
      return;
    }
  infos = parse_listing (cd->listing, &error);
  if (infos == NULL)
    {
      fail_connect (self, task, error);
      return;
    }

  g_clear_pointer (&self->features, g_hash_table_unref);
  self->features = g_steal_pointer (&features);
  g_clear_pointer (&self->versions, g_hash_table_unref);
  self->versions = g_steal_pointer (&versions);
  {
    g_autofree char *raw = g_strndup (cd->listing->out, cd->listing->out_len);
    store_listing (self, infos, raw);
  }

  self->busy = FALSE;
  set_phase (self, TETHER_X2GO_SESSION_PHASE_CONNECTED);

  /* Registered for an existing server-side session: take its state. */
  if (self->session_name != NULL)
    {
      TetherX2goSessionInfo *info = find_info (infos, self->session_name);

      set_info (self, info);
      if (info != NULL)
        {
          self->display = tether_x2go_session_info_get_display (info);
          set_phase (self, tether_x2go_session_info_is_suspended (info)
                             ? TETHER_X2GO_SESSION_PHASE_SUSPENDED
                             : TETHER_X2GO_SESSION_PHASE_RUNNING);
        }
    }

  for (guint i = 0; i < infos->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (infos, i);

      if (tether_x2go_session_info_is_running (info))
        tether_x2go_client_emit_event (self->client, self,
                                       TETHER_X2GO_EVENT_FOUND_RUNNING_AFTER_CONNECT,
                                       tether_x2go_session_info_get_name (info), FALSE);
    }
  tether_x2go_client_fan_out_listing (self->client, self, infos);
  g_task_return_boolean (task, TRUE);
}

/* The three post-connect commands run at once on the connection; their
 * answers are matched by order of arrival, so each gets its own callback. */
static void
on_features_run (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ConnectData *cd = g_task_get_task_data (task);
  GError *error = NULL;

  cd->features = run_finish (self, result, &error);
  if (error != NULL && cd->error == NULL)
    cd->error = error;
  else
    g_clear_error (&error);
  if (--cd->pending == 0)
    finish_connect (self, task);
}

static void
on_versions_run (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ConnectData *cd = g_task_get_task_data (task);
  GError *error = NULL;

  cd->versions = run_finish (self, result, &error);
  if (error != NULL && cd->error == NULL)
    cd->error = error;
  else
    g_clear_error (&error);
  if (--cd->pending == 0)
    finish_connect (self, task);
}

static void
on_listing_run (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ConnectData *cd = g_task_get_task_data (task);
  GError *error = NULL;

  cd->listing = run_finish (self, result, &error);
  if (error != NULL && cd->error == NULL)
    cd->error = error;
  else
    g_clear_error (&error);
  if (--cd->pending == 0)
    finish_connect (self, task);
}

static void
on_transport_connected (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TetherX2goSession *self = g_task_get_source_object (task);
  ConnectData *cd = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autofree char *features = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *listing = NULL;

  /* The secrets are not needed any more, whatever happened. */
  g_clear_pointer (&cd->password, tether_x2go_secret_free);
  g_clear_pointer (&cd->passphrase, tether_x2go_secret_free);

  if (TETHER_X2GO_TRANSPORT (source) != self->transport)
    {
      self->busy = FALSE;
      set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the connection to %s was closed while connecting",
                               self->server);
      return;
    }
  if (!tether_x2go_transport_connect_finish (TETHER_X2GO_TRANSPORT (source), result, &error))
    {
      fail_connect (self, task, error);
      return;
    }
  set_connected (self, TRUE);

  features = tether_x2go_command_feature_list ();
  versions = tether_x2go_command_version ();
  listing = tether_x2go_command_list_sessions (FALSE);
  cd->pending = 3;
  run_async (self, "x2gofeaturelist", features, cancellable, on_features_run, g_object_ref (task));
  run_async (self, "x2goversion", versions, cancellable, on_versions_run, g_object_ref (task));
  run_async (self, "x2golistsessions", listing, cancellable, on_listing_run, g_object_ref (task));
}

void
tether_x2go_session_connect_async (TetherX2goSession   *self,
                                   const char          *username,
                                   const char          *password,
                                   const char          *passphrase,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  TetherX2goConnectParams params = { 0 };
  ConnectData *cd;
  GError *error = NULL;

  g_task_set_source_tag (task, tether_x2go_session_connect_async);
  if (self->busy)
    {
      busy_error (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (self->connected)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (username != NULL && !tether_x2go_is_user_name (username))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "'%s' is not a valid user name", username);
      return;
    }
  if (username != NULL && g_strcmp0 (username, self->username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
      g_free (self->server_key);
      self->server_key = g_strdup_printf ("%s@%s:%u", self->username, self->server, self->port);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
    }

  cd = g_new0 (ConnectData, 1);
  cd->password = g_strdup (password != NULL ? password : self->opts.password);
  cd->passphrase = g_strdup (passphrase != NULL ? passphrase : self->opts.passphrase);
  g_task_set_task_data (task, cd, (GDestroyNotify) connect_data_free);
  /* Like python-x2go: the session keeps no copy of its secrets after connect. */
  g_clear_pointer (&self->opts.password, tether_x2go_secret_free);
  g_clear_pointer (&self->opts.passphrase, tether_x2go_secret_free);

  self->busy = TRUE;
  set_phase (self, TETHER_X2GO_SESSION_PHASE_CONNECTING);
  drop_transport (self);
  self->transport = tether_x2go_client_make_transport (self->client, self);
  self->check_host_id = g_signal_connect (self->transport, "check-host",
                                          G_CALLBACK (on_transport_check_host), self);
  self->disconnected_id = g_signal_connect (self->transport, "disconnected",
                                            G_CALLBACK (on_transport_disconnected), self);
  self->tunnel_failed_id = g_signal_connect (self->transport, "tunnel-failed",
                                             G_CALLBACK (on_transport_tunnel_failed), self);

  /* look_for_keys: the usual key files of the SSH folder, as python-x2go. */
  if (self->opts.look_for_keys && self->opts.key_files == NULL)
    {
      static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa", "id_dsa" };
      g_autoptr(GStrvBuilder) found = g_strv_builder_new ();

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path =
            g_build_filename (tether_x2go_client_get_ssh_rootdir (self->client), names[i], NULL);

          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            g_strv_builder_add (found, path);
        }
      self->opts.key_files = g_strv_builder_end (found);
    }

  params.host = self->server;
  params.port = self->port;
  params.username = self->username;
  params.password = cd->password;
  params.passphrase = cd->passphrase;
  params.key_files = (const char *const *) self->opts.key_files;
  params.known_hosts = self->opts.known_hosts;
  params.add_to_known_hosts = self->opts.add_to_known_hosts;
  params.look_for_keys = self->opts.look_for_keys;
  params.allow_agent = self->opts.allow_agent;
  params.force_password_auth = self->opts.force_password_auth;
  params.connect_timeout = self->opts.connect_timeout;
  tether_x2go_transport_connect_async (self->transport, &params, cancellable,
                                       on_transport_connected, g_steal_pointer (&task));
}

gboolean
tether_x2go_session_connect_finish (TetherX2goSession  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tether_x2go_session_disconnect (TetherX2goSession *self)
{
  g_cancellable_cancel (self->background);
  g_clear_object (&self->background);
  self->background = g_cancellable_new ();
  if (self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  detach (self);
  drop_transport (self);
  set_connected (self, FALSE);
  if (!self->busy)
    set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
}

/* ---- confirming a change with listings ------------------------------------------ */

typedef enum {
  WANT_SUSPENDED,
  WANT_GONE,
  WANT_RUNNING,
} Want;

typedef struct {
  char      *name;
  Want       want;
  guint      attempts;
  GSource   *delay;
  GPtrArray *infos;     /* the last listing */
} ConfirmData;

static void
confirm_data_free (ConfirmData *c)
{
  if (c->delay != NULL)
    {
      g_source_destroy (c->delay);
      g_source_unref (c->delay);
    }
  g_clear_pointer (&c->infos, g_ptr_array_unref);
  g_free (c->name);
  g_free (c);
}

static gboolean
confirm_satisfied (ConfirmData *c)
{
  TetherX2goSessionInfo *info = find_info (c->infos, c->name);

  switch (c->want)
    {
    case WANT_SUSPENDED:
      return info == NULL || tether_x2go_session_info_is_suspended (info);
    case WANT_GONE:
      return info == NULL;
    case WANT_RUNNING:
      return info == NULL || (tether_x2go_session_info_is_running (info) &&
                              !tether_x2go_session_info_is_starting (info));
    default:
      g_assert_not_reached ();
    }
}

static void confirm_list (GTask *task);

static gboolean
confirm_again (gpointer user_data)
{
  GTask *task = user_data;
  ConfirmData *c = g_task_get_task_data (task);

  g_clear_pointer (&c->delay, g_source_unref);
  confirm_list (task);
  return G_SOURCE_REMOVE;
}

static void
on_confirm_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ConfirmData *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ListResult *r = list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&c->infos, g_ptr_array_unref);
  c->infos = g_steal_pointer (&r->infos);
  list_result_free (r);
  if (confirm_satisfied (c) || ++c->attempts >= TETHER_X2GO_CONFIRM_ATTEMPTS)
    {
      g_task_return_pointer (task, g_ptr_array_ref (c->infos),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  c->delay = g_timeout_source_new (tether_x2go_client_get_confirm_interval (self->client));
  g_source_set_callback (c->delay, confirm_again, g_steal_pointer (&task), g_object_unref);
  g_source_attach (c->delay, self->context);
}

static void
confirm_list (GTask *task)
{
  TetherX2goSession *self = g_task_get_source_object (task);

  list_raw_async (self, g_task_get_cancellable (task), on_confirm_listed, g_object_ref (task));
}

/* Lists until @name has reached the wanted state (or attempts run out);
 * returns the last listing. */
static void
confirm_async (TetherX2goSession   *self,
               const char          *name,
               Want                 want,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ConfirmData *c = g_new0 (ConfirmData, 1);

  g_task_set_source_tag (task, confirm_async);
  c->name = g_strdup (name);
  c->want = want;
  g_task_set_task_data (task, c, (GDestroyNotify) confirm_data_free);
  confirm_list (task);
}

static GPtrArray *
confirm_finish (TetherX2goSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr(CommandOutput) o = run_finish (TETHER_X2GO_SESSION (source), result, NULL);

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
  detach (self);
  self->busy = FALSE;
  set_phase (self, self->connected ? TETHER_X2GO_SESSION_PHASE_FAILED
                                   : TETHER_X2GO_SESSION_PHASE_REGISTERED);
  tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_STARTUP_FAILED,
                                 self->session_name, TRUE);

  if (sd != NULL && sd->agent_started && self->connected && self->session_name != NULL)
    {
      g_autofree char *command = tether_x2go_command_terminate_session (self->session_name, NULL);

      sd->error = error;
      if (command != NULL)
        {
          run_async (self, "x2goterminate-session", command, NULL, on_cleanup_terminated,
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
  TetherX2goSessionInfo *info = find_info (infos, self->session_name);

  if (!is_attached (self))
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
  set_info (self, info);
  self->busy = FALSE;
  self->virgin = FALSE;
  set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
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
  g_autoptr(GPtrArray) infos = confirm_finish (self, result, &error);

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
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);

  /* Like python-x2go: a keyboard failure is logged, not fatal. */
  if (o == NULL)
    g_message ("session %s: setting the keyboard failed: %s", self->uuid, error->message);
  else if (o->err_len > 0)
    {
      g_autofree char *why = first_stderr_line (o->err, o->err_len);
      g_message ("session %s: setxkbmap: %s", self->uuid, why != NULL ? why : "failed");
    }
  confirm_async (self, self->session_name, WANT_RUNNING, g_task_get_cancellable (task),
                 on_start_confirmed, g_object_ref (task));
}

static void
set_keyboard_then_confirm (TetherX2goSession *self, GTask *task)
{
  g_autofree char *kbd = keyboard_command (self);

  if (kbd != NULL)
    run_async (self, "setxkbmap", kbd, g_task_get_cancellable (task), on_keyboard_set,
               g_object_ref (task));
  else
    confirm_async (self, self->session_name, WANT_RUNNING, g_task_get_cancellable (task),
                   on_start_confirmed, g_object_ref (task));
}

static void
on_command_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);

  if (o == NULL || !check_status ("x2goruncommand", o, &error))
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
  run_async (self, "x2goruncommand", command, g_task_get_cancellable (task),
             on_command_started, g_object_ref (task));
}

static void
on_agent_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status == 127)
    {
      check_status ("x2gostartagent", o, &error);
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
  set_session_name (self, sd->agent.session_name);
  set_info (self, NULL);
  self->display = sd->agent.display;
  self->agent_pid = sd->agent.agent_pid;
  tether_x2go_secret_free (self->cookie);
  self->cookie = g_strdup (sd->agent.cookie);
  self->graphics_port = sd->agent.graphics_port;
  self->sound_port = sd->agent.sound_port;
  self->sshfs_port = sd->agent.sshfs_port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPHICS_PORT]);
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
  set_phase (self, TETHER_X2GO_SESSION_PHASE_STARTING);
  run_async (self, "x2gostartagent", command, g_task_get_cancellable (task),
             on_agent_started, g_object_ref (task));
}

static void
on_command_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StartData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status != 0)
    {
      tether_x2go_client_emit_no_such_command (self->client, self, sd->checked);
      self->busy = FALSE;
      set_phase (self, TETHER_X2GO_SESSION_PHASE_FAILED);
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
      not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (self->busy)
    {
      busy_error (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (is_attached (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "session %s already shows %s: suspend or terminate it first",
                               self->uuid, self->session_name);
      return;
    }
  self->busy = TRUE;
  detach (self);

  if (command_needs_check (self->opts.cmd, &word))
    {
      g_autofree char *quoted = g_shell_quote (word);
      g_autofree char *check = g_strdup_printf ("command -v %s >/dev/null 2>&1", quoted);

      sd->checked = g_steal_pointer (&word);
      run_async (self, "command check", check, cancellable, on_command_checked,
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
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);
  TetherX2goResumeInfo ports = { 0 };

  if (o == NULL)
    {
      fail_start (self, task, error);
      return;
    }
  if (o->status == 127)
    {
      check_status ("x2goresume-session", o, &error);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPHICS_PORT]);
  attach_async (self, g_task_get_cancellable (task), on_resume_attached, g_object_ref (task));
}

static void
on_resume_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  ResumeData *rd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ListResult *r = list_raw_finish (self, result, &error);
  TetherX2goSessionInfo *info;
  TetherX2goSessionParams params;
  g_autofree char *command = NULL;

  if (r == NULL)
    {
      self->busy = FALSE;
      set_phase (self, rd->previous);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = find_info (r->infos, rd->name);
  if (info == NULL || tether_x2go_session_info_is_starting (info))
    {
      list_result_free (r);
      self->busy = FALSE;
      set_phase (self, rd->previous);
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                               info == NULL ? "there is no session named %s on %s for %s"
                                            : "session %s on %s is still starting (user %s)",
                               rd->name, self->server, self->username);
      return;
    }
  set_session_name (self, rd->name);
  set_info (self, info);
  self->display = tether_x2go_session_info_get_display (info);
  self->agent_pid = tether_x2go_session_info_get_agent_pid (info);
  tether_x2go_secret_free (self->cookie);
  self->cookie = g_strdup (tether_x2go_session_info_get_cookie (info));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
  list_result_free (r);

  fill_params (self, &params);
  command = tether_x2go_command_resume_session (rd->name, &params, &error);
  if (command == NULL)
    {
      fail_start (self, task, g_steal_pointer (&error));
      return;
    }
  run_async (self, "x2goresume-session", command, g_task_get_cancellable (task), on_resumed,
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
      not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (self->busy)
    {
      busy_error (&error, self);
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
  detach (self);
  set_phase (self, TETHER_X2GO_SESSION_PHASE_RESUMING);
  list_raw_async (self, cancellable, on_resume_listed, g_steal_pointer (&task));
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
  g_autoptr(GPtrArray) infos = confirm_finish (self, result, &error);
  TetherX2goSessionInfo *info;

  if (infos == NULL)
    {
      if (sd->own)
        self->busy = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = find_info (infos, sd->name);
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
          set_info (self, NULL);
          if (self->session_dir != NULL)
            tether_x2go_nxproxy_remove_session_dir (self->session_dir);
          set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         sd->name, TRUE);
        }
      else if (tether_x2go_session_info_is_suspended (info))
        {
          set_info (self, info);
          set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
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
  g_autoptr(CommandOutput) o = run_finish (self, result, &error);

  if (sd->own)
    detach (self);   /* the server dropped the NX connection; take down our side */
  if (o == NULL || !check_status (stop_what (sd), o, &error))
    {
      if (sd->own)
        self->busy = FALSE;
      g_task_return_error (task, error);
      return;
    }
  /* Both commands print nothing, even for unknown sessions: the listing says
   * what happened. */
  confirm_async (self, sd->name, sd->terminate ? WANT_GONE : WANT_SUSPENDED,
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
  run_async (self, stop_what (sd), command, g_task_get_cancellable (task),
             on_stop_command_done, g_object_ref (task));
}

static void
on_stop_prelisted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GTask) task = user_data;
  StopData *sd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  ListResult *r = list_raw_finish (self, result, &error);
  TetherX2goSessionInfo *info;

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = find_info (r->infos, sd->name);
  if (info == NULL)
    {
      list_result_free (r);
      g_task_return_new_error (task, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                               "there is no session named %s on %s for %s", sd->name,
                               self->server, self->username);
      return;
    }
  if (!sd->terminate && tether_x2go_session_info_is_suspended (info))
    {
      /* Suspended already: nothing to do. */
      tether_x2go_client_fan_out_listing (self->client, self, r->infos);
      list_result_free (r);
      g_task_return_boolean (task, TRUE);
      return;
    }
  list_result_free (r);
  run_stop_command (self, task);
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
      not_connected (&error, self);
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
          busy_error (&error, self);
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
  list_raw_async (self, cancellable, on_stop_prelisted, g_steal_pointer (&task));
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
  ListResult *r = list_raw_finish (self, result, &error);

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
  list_result_free (r);
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

      not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  list_raw_async (self, cancellable, on_clean_listed, g_steal_pointer (&task));
}

gboolean
tether_x2go_session_clean_finish (TetherX2goSession  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the registry update ------------------------------------------------------------ */

void
tether_x2go_session_update_from_listing (TetherX2goSession *self,
                                         GPtrArray         *infos)
{
  g_autoptr(TetherX2goSession) keep = g_object_ref (self);
  TetherX2goSessionInfo *info;
  const char *name = self->session_name;

  store_listing (self, infos, NULL);
  /* A running operation owns the state (python-x2go "protects" it). */
  if (self->busy || !self->connected || name == NULL)
    return;

  info = find_info (infos, name);
  if (info != NULL && tether_x2go_session_info_is_starting (info))
    return;
  set_info (self, info);

  switch (self->phase)
    {
    case TETHER_X2GO_SESSION_PHASE_RUNNING:
      if (info == NULL)
        {
          if (self->nxproxy != NULL)
            tether_x2go_nxproxy_expect_exit (self->nxproxy);
          detach (self);
          if (self->session_dir != NULL)
            tether_x2go_nxproxy_remove_session_dir (self->session_dir);
          set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         name, FALSE);
        }
      else if (tether_x2go_session_info_is_suspended (info))
        {
          if (self->nxproxy != NULL)
            tether_x2go_nxproxy_expect_exit (self->nxproxy);
          detach (self);
          set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_SUSPENDED,
                                         name, FALSE);
        }
      else if (self->lost_picture && !is_attached (self))
        {
          /* Running, but no longer here: another client took it over. */
          self->lost_picture = FALSE;
          tether_x2go_client_emit_event (self->client, self,
                                         TETHER_X2GO_EVENT_RESUMED_BY_OTHER, name, FALSE);
        }
      break;

    case TETHER_X2GO_SESSION_PHASE_SUSPENDED:
      if (info == NULL)
        {
          set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         name, FALSE);
        }
      else if (tether_x2go_session_info_is_running (info))
        {
          set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
          tether_x2go_client_emit_event (self->client, self,
                                         TETHER_X2GO_EVENT_RESUMED_BY_OTHER, name, FALSE);
        }
      break;

    case TETHER_X2GO_SESSION_PHASE_CONNECTED:
      /* Registered by name, seen for the first time. */
      if (info != NULL && tether_x2go_session_info_is_running (info))
        {
          set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
          tether_x2go_client_emit_event (self->client, self,
                                         self->virgin ? TETHER_X2GO_EVENT_STARTED_BY_OTHER
                                                      : TETHER_X2GO_EVENT_RESUMED_BY_OTHER,
                                         name, FALSE);
        }
      else if (info != NULL)
        set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
      break;

    case TETHER_X2GO_SESSION_PHASE_TERMINATED:
    case TETHER_X2GO_SESSION_PHASE_FAILED:
      if (info != NULL)
        {
          gboolean running = tether_x2go_session_info_is_running (info);

          set_phase (self, running ? TETHER_X2GO_SESSION_PHASE_RUNNING
                                   : TETHER_X2GO_SESSION_PHASE_SUSPENDED);
          if (running)
            tether_x2go_client_emit_event (self->client, self,
                                           TETHER_X2GO_EVENT_RESUMED_BY_OTHER, name, FALSE);
        }
      break;

    case TETHER_X2GO_SESSION_PHASE_REGISTERED:
    case TETHER_X2GO_SESSION_PHASE_CONNECTING:
    case TETHER_X2GO_SESSION_PHASE_STARTING:
    case TETHER_X2GO_SESSION_PHASE_RESUMING:
    default:
      break;
    }
}

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (source);
  g_autoptr(GError) error = NULL;
  ListResult *r = list_raw_finish (self, result, &error);

  self->refreshing = FALSE;
  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->connected)
        g_message ("session %s: listing the sessions on %s failed: %s", self->uuid,
                   self->server, error->message);
      return;
    }
  tether_x2go_client_fan_out_listing (self->client, self, r->infos);
  list_result_free (r);
}

static void
refresh_now (TetherX2goSession *self)
{
  if (self->refreshing || !self->connected)
    return;
  self->refreshing = TRUE;
  list_raw_async (self, self->background, on_refreshed, NULL);
}

void
tether_x2go_session_refresh (TetherX2goSession *self)
{
  refresh_now (self);
}

gboolean
tether_x2go_session_wants_refresh (TetherX2goSession *self)
{
  return self->connected && !self->busy && !self->refreshing && self->session_name != NULL &&
         (self->phase == TETHER_X2GO_SESSION_PHASE_RUNNING ||
          self->phase == TETHER_X2GO_SESSION_PHASE_SUSPENDED);
}

/* ---- queries ------------------------------------------------------------------------ */

const char *
tether_x2go_session_get_server_key (TetherX2goSession *self)
{
  return self->server_key;
}

GPtrArray *
tether_x2go_session_get_last_listing (TetherX2goSession *self)
{
  return self->listing;
}

TetherX2goSessionInfo *
tether_x2go_session_get_info (TetherX2goSession *self)
{
  return self->info;
}

GHashTable *
tether_x2go_session_get_features (TetherX2goSession *self)
{
  return self->features;
}

GHashTable *
tether_x2go_session_get_versions (TetherX2goSession *self)
{
  return self->versions;
}

gboolean
tether_x2go_session_is_alive (TetherX2goSession *self)
{
  return self->connected && self->transport != NULL;
}

gboolean
tether_x2go_session_is_ok (TetherX2goSession *self)
{
  return self->connected && self->phase == TETHER_X2GO_SESSION_PHASE_RUNNING && is_attached (self);
}

gboolean
tether_x2go_session_get_virgin (TetherX2goSession *self)
{
  return self->virgin;
}

char *
tether_x2go_session_dup_peer_name (TetherX2goSession *self,
                                   guint             *port)
{
  if (port != NULL)
    *port = 0;
  if (self->transport == NULL)
    return NULL;
  return tether_x2go_transport_get_peer_name (self->transport, port);
}

GVariant *
tether_x2go_session_build_summary (TetherX2goSession *self)
{
  GVariantBuilder b;
  g_autofree char *peer = NULL;
  guint peer_port = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "uuid", g_variant_new_string (self->uuid));
  g_variant_builder_add (&b, "{sv}", "profile_name", g_variant_new_string (self->profile_name));
  g_variant_builder_add (&b, "{sv}", "server", g_variant_new_string (self->server));
  g_variant_builder_add (&b, "{sv}", "port", g_variant_new_uint32 (self->port));
  g_variant_builder_add (&b, "{sv}", "username", g_variant_new_string (self->username));
  g_variant_builder_add (&b, "{sv}", "session_name",
                         g_variant_new_string (self->session_name != NULL ? self->session_name : ""));
  g_variant_builder_add (&b, "{sv}", "phase", g_variant_new_string (phase_nick (self->phase)));
  g_variant_builder_add (&b, "{sv}", "connected", g_variant_new_boolean (self->connected));
  g_variant_builder_add (&b, "{sv}", "virgin", g_variant_new_boolean (self->virgin));
  g_variant_builder_add (&b, "{sv}", "attached", g_variant_new_boolean (is_attached (self)));
  g_variant_builder_add (&b, "{sv}", "running",
                         g_variant_new_boolean (self->phase == TETHER_X2GO_SESSION_PHASE_RUNNING));
  g_variant_builder_add (&b, "{sv}", "suspended",
                         g_variant_new_boolean (self->phase == TETHER_X2GO_SESSION_PHASE_SUSPENDED));
  g_variant_builder_add (&b, "{sv}", "terminated",
                         g_variant_new_boolean (self->phase == TETHER_X2GO_SESSION_PHASE_TERMINATED));
  g_variant_builder_add (&b, "{sv}", "faulty",
                         g_variant_new_boolean (self->phase == TETHER_X2GO_SESSION_PHASE_FAILED));
  g_variant_builder_add (&b, "{sv}", "display", g_variant_new_uint32 (self->display));
  g_variant_builder_add (&b, "{sv}", "graphics_port", g_variant_new_uint32 (self->graphics_port));
  g_variant_builder_add (&b, "{sv}", "local_port", g_variant_new_uint32 (self->local_port));
  g_variant_builder_add (&b, "{sv}", "command", g_variant_new_string (self->opts.cmd));
  peer = tether_x2go_session_dup_peer_name (self, &peer_port);
  if (peer != NULL)
    {
      g_variant_builder_add (&b, "{sv}", "peer_address", g_variant_new_string (peer));
      g_variant_builder_add (&b, "{sv}", "peer_port", g_variant_new_uint32 (peer_port));
    }
  return g_variant_builder_end (&b);
}

/* ---- object ------------------------------------------------------------------------- */

TetherX2goSession *
tether_x2go_session_new (TetherX2goClient         *client,
                         const char               *uuid,
                         const char               *server,
                         guint                     port,
                         const char               *username,
                         TetherX2goSessionOptions *opts)
{
  TetherX2goSession *self = g_object_new (TETHER_X2GO_TYPE_SESSION, NULL);

  self->client = client;
  self->uuid = g_strdup (uuid);
  self->server = g_strdup (server);
  self->port = port;
  self->username = g_strdup (username);
  self->opts = *opts;
  memset (opts, 0, sizeof *opts);
  self->profile_name = g_strdup (self->opts.profile_name != NULL
                                   ? self->opts.profile_name
                                   : (g_get_prgname () != NULL ? g_get_prgname () : "Tether"));
  self->server_key = g_strdup_printf ("%s@%s:%u", self->username, self->server, self->port);
  if (self->opts.session_name != NULL)
    set_session_name (self, self->opts.session_name);
  return self;
}

void
tether_x2go_session_shutdown (TetherX2goSession *self)
{
  tether_x2go_session_disconnect (self);
  self->client = NULL;
}

static void
tether_x2go_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_SESSION_NAME:
      g_value_set_string (value, self->session_name);
      break;
    case PROP_PHASE:
      g_value_set_enum (value, self->phase);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    case PROP_ATTACHED:
      g_value_set_boolean (value, is_attached (self));
      break;
    case PROP_DISPLAY:
      g_value_set_uint (value, self->display);
      break;
    case PROP_GRAPHICS_PORT:
      g_value_set_uint (value, self->graphics_port);
      break;
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, self->local_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_x2go_session_dispose (GObject *object)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (object);

  if (self->background != NULL)
    g_cancellable_cancel (self->background);
  if (self->nxproxy != NULL)
    tether_x2go_nxproxy_expect_exit (self->nxproxy);
  drop_nxproxy (self);
  drop_transport (self);
  g_clear_object (&self->background);
  G_OBJECT_CLASS (tether_x2go_session_parent_class)->dispose (object);
}

static void
tether_x2go_session_finalize (GObject *object)
{
  TetherX2goSession *self = TETHER_X2GO_SESSION (object);

  tether_x2go_session_options_clear (&self->opts);
  g_free (self->uuid);
  g_free (self->server);
  g_free (self->username);
  g_free (self->profile_name);
  g_free (self->server_key);
  g_free (self->session_name);
  tether_x2go_secret_free (self->cookie);
  g_free (self->session_dir);
  g_free (self->listing_raw);
  g_clear_pointer (&self->info, tether_x2go_session_info_unref);
  g_clear_pointer (&self->features, g_hash_table_unref);
  g_clear_pointer (&self->versions, g_hash_table_unref);
  g_clear_pointer (&self->listing, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tether_x2go_session_parent_class)->finalize (object);
}

static void
tether_x2go_session_init (TetherX2goSession *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->background = g_cancellable_new ();
  self->phase = TETHER_X2GO_SESSION_PHASE_REGISTERED;
  self->virgin = TRUE;
}

static void
tether_x2go_session_class_init (TetherX2goSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_x2go_session_get_property;
  object_class->dispose = tether_x2go_session_dispose;
  object_class->finalize = tether_x2go_session_finalize;

  /**
   * TetherX2goSession:uuid:
   *
   * The registry key of this session in its [class@X2goClient].
   *
   * Since: 0.1
   */
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  /**
   * TetherX2goSession:profile-name:
   *
   * The profile name: the `profile_name` option of the registration, or the
   * program's name.
   *
   * Since: 0.1
   */
  properties[PROP_PROFILE_NAME] = g_param_spec_string ("profile-name", NULL, NULL, NULL, ro);
  /**
   * TetherX2goSession:server:
   *
   * The X2Go server's host name or address, as registered.
   *
   * Since: 0.1
   */
  properties[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, NULL, ro);
  /**
   * TetherX2goSession:port:
   *
   * The server's SSH port.
   *
   * Since: 0.1
   */
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 1, 65535, 22, ro);
  /**
   * TetherX2goSession:username:
   *
   * The user name on the server.
   *
   * Since: 0.1
   */
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  /**
   * TetherX2goSession:session-name:
   *
   * The server-side session name (`user-50-1700000000_stRxterm_dp24`), or
   * %NULL before a session was started, resumed or named at registration.
   *
   * Since: 0.1
   */
  properties[PROP_SESSION_NAME] = g_param_spec_string ("session-name", NULL, NULL, NULL, ro);
  /**
   * TetherX2goSession:phase:
   *
   * Where the session is in its life.
   *
   * Since: 0.1
   */
  properties[PROP_PHASE] = g_param_spec_enum ("phase", NULL, NULL,
                                              TETHER_TYPE_X2GO_SESSION_PHASE,
                                              TETHER_X2GO_SESSION_PHASE_REGISTERED, ro);
  /**
   * TetherX2goSession:connected:
   *
   * Whether the SSH connection to the server is up.
   *
   * Since: 0.1
   */
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE, ro);
  /**
   * TetherX2goSession:attached:
   *
   * Whether this client shows the session: its nxproxy runs and is tunnelled
   * to the session's agent.
   *
   * Since: 0.1
   */
  properties[PROP_ATTACHED] = g_param_spec_boolean ("attached", NULL, NULL, FALSE, ro);
  /**
   * TetherX2goSession:display:
   *
   * The session's X display number on the server, or 0.
   *
   * Since: 0.1
   */
  properties[PROP_DISPLAY] = g_param_spec_uint ("display", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * TetherX2goSession:graphics-port:
   *
   * The agent's graphics port on the server's loopback, or 0.
   *
   * Since: 0.1
   */
  properties[PROP_GRAPHICS_PORT] = g_param_spec_uint ("graphics-port", NULL, NULL,
                                                      0, 65535, 0, ro);
  /**
   * TetherX2goSession:local-port:
   *
   * The local port on 127.0.0.1 that nxproxy connects to, tunnelled to the
   * graphics port; 0 when not attached.
   *
   * Since: 0.1
   */
  properties[PROP_LOCAL_PORT] = g_param_spec_uint ("local-port", NULL, NULL, 0, 65535, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/**
 * tether_x2go_session_get_uuid:
 * @self: a session
 *
 * Returns: (transfer none): the session's registry key
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_get_uuid (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), NULL);
  return self->uuid;
}

/**
 * tether_x2go_session_get_profile_name:
 * @self: a session
 *
 * Returns: (transfer none): the profile name
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_get_profile_name (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), NULL);
  return self->profile_name;
}

/**
 * tether_x2go_session_get_server:
 * @self: a session
 *
 * Returns: (transfer none): the server's host name or address
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_get_server (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), NULL);
  return self->server;
}

/**
 * tether_x2go_session_get_port:
 * @self: a session
 *
 * Returns: the server's SSH port
 *
 * Since: 0.1
 */
guint
tether_x2go_session_get_port (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), 0);
  return self->port;
}

/**
 * tether_x2go_session_get_username:
 * @self: a session
 *
 * Returns: (transfer none): the user name on the server
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_get_username (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), NULL);
  return self->username;
}

/**
 * tether_x2go_session_get_session_name:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the server-side session name
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_get_session_name (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), NULL);
  return self->session_name;
}

/**
 * tether_x2go_session_get_phase:
 * @self: a session
 *
 * Returns: where the session is in its life
 *
 * Since: 0.1
 */
TetherX2goSessionPhase
tether_x2go_session_get_phase (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), TETHER_X2GO_SESSION_PHASE_REGISTERED);
  return self->phase;
}

/**
 * tether_x2go_session_get_connected:
 * @self: a session
 *
 * Returns: whether the SSH connection is up
 *
 * Since: 0.1
 */
gboolean
tether_x2go_session_get_connected (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), FALSE);
  return self->connected;
}

/**
 * tether_x2go_session_get_attached:
 * @self: a session
 *
 * Returns: whether this client shows the session now
 *
 * Since: 0.1
 */
gboolean
tether_x2go_session_get_attached (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), FALSE);
  return is_attached (self);
}

/**
 * tether_x2go_session_get_display:
 * @self: a session
 *
 * Returns: the session's display number on the server, or 0
 *
 * Since: 0.1
 */
guint
tether_x2go_session_get_display (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), 0);
  return self->display;
}

/**
 * tether_x2go_session_get_graphics_port:
 * @self: a session
 *
 * Returns: the agent's graphics port on the server, or 0
 *
 * Since: 0.1
 */
guint
tether_x2go_session_get_graphics_port (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), 0);
  return self->graphics_port;
}

/**
 * tether_x2go_session_get_local_port:
 * @self: a session
 *
 * Returns: the local tunnel port nxproxy connects to, or 0
 *
 * Since: 0.1
 */
guint
tether_x2go_session_get_local_port (TetherX2goSession *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_SESSION (self), 0);
  return self->local_port;
}
