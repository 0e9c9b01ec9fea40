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

/* Running one server command on a session's connection, listings, and
 * confirming a change with listings. See tether-x2go-session-impl-private.h. */

/* ---- running one server command ------------------------------------------- */

void
tether_x2go_command_output_free (TetherX2goCommandOutput *o)
{
  if (o == NULL)
    return;
  g_free (o->out);
  g_free (o->err);
  g_free (o);
}

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
char *
tether_x2go_first_stderr_line (const char *err, gsize len)
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
  g_autoptr(TetherX2goCommandOutput) out = g_new0 (TetherX2goCommandOutput, 1);
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
      g_autofree char *why = tether_x2go_first_stderr_line (out->err, out->err_len);

      if (why != NULL)
        g_prefix_error (&error, "(the server said: %s) ", why);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) tether_x2go_command_output_free);
}

/* Runs @command (a builder's output) on this session's connection. @what
 * names it in errors ("x2gostartagent"). */
void
tether_x2go_session_run_async (TetherX2goSession   *self,
           const char          *what,
           const char          *command,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *wrapped = NULL;
  RunData *rd;

  g_task_set_source_tag (task, tether_x2go_session_run_async);
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
  rd->timeout_s = tether_x2go_session_command_timeout (self);
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

TetherX2goCommandOutput *
tether_x2go_session_run_finish (TetherX2goSession  *self,
            GAsyncResult       *result,
            GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A non-zero status: "not found" means the X2Go tools are missing. */
gboolean
tether_x2go_check_command_status (const char *what, TetherX2goCommandOutput *o, GError **error)
{
  g_autofree char *why = NULL;

  if (o->status == 0)
    return TRUE;
  why = tether_x2go_first_stderr_line (o->err, o->err_len);
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
GPtrArray *
tether_x2go_session_parse_listing (TetherX2goCommandOutput *o, GError **error)
{
  if (!tether_x2go_check_command_status ("x2golistsessions", o, error) ||
      !tether_x2go_check_list_sessions_stderr (o->err, o->err_len, error))
    return NULL;
  return tether_x2go_parse_session_list (o->out, o->out_len, TETHER_X2GO_LIST_SESSIONS, error);
}

/* ---- listing, with the registry update ---------------------------------------- */

void
tether_x2go_list_result_free (TetherX2goListResult *r)
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
  g_autoptr(TetherX2goCommandOutput) o = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *infos;
  TetherX2goListResult *r;

  o = tether_x2go_session_run_finish (self, result, &error);
  if (o == NULL || (infos = tether_x2go_session_parse_listing (o, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  r = g_new0 (TetherX2goListResult, 1);
  r->infos = infos;
  r->raw = g_strndup (o->out, o->out_len);
  tether_x2go_session_store_listing (self, infos, r->raw);
  g_task_return_pointer (task, r, (GDestroyNotify) tether_x2go_list_result_free);
}

/* One listing, stored as the last one; no registry update. */
void
tether_x2go_session_list_raw_async (TetherX2goSession   *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *command = tether_x2go_command_list_sessions (FALSE);

  g_task_set_source_tag (task, tether_x2go_session_list_raw_async);
  tether_x2go_session_run_async (self, "x2golistsessions", command, cancellable, on_listed, task);
}

TetherX2goListResult *
tether_x2go_session_list_raw_finish (TetherX2goSession *self, GAsyncResult *result, GError **error)
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
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!(ld->flags & TETHER_X2GO_LIST_NO_REGISTRY_UPDATE))
    tether_x2go_client_fan_out_listing (self->client, self, r->infos);
  g_task_return_pointer (task, r, (GDestroyNotify) tether_x2go_list_result_free);
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

      tether_x2go_session_not_connected (&error, self);
      g_task_return_error (task, error);
      return;
    }
  if (use_cache && self->listing != NULL &&
      !(flags & (TETHER_X2GO_LIST_NO_CACHE | TETHER_X2GO_LIST_REFRESH_CACHE)))
    {
      TetherX2goListResult *r = g_new0 (TetherX2goListResult, 1);

      r->infos = tether_x2go_session_copy_listing (self->listing);
      r->raw = g_strdup (self->listing_raw != NULL ? self->listing_raw : "");
      g_task_return_pointer (task, r, (GDestroyNotify) tether_x2go_list_result_free);
      return;
    }
  tether_x2go_session_list_raw_async (self, cancellable, on_list_for_caller, g_steal_pointer (&task));
}

GPtrArray *
tether_x2go_session_list_finish (TetherX2goSession  *self,
                                 GAsyncResult       *result,
                                 char              **raw_output,
                                 GError            **error)
{
  TetherX2goListResult *r;
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
  tether_x2go_list_result_free (r);
  return infos;
}

/* ---- confirming a change with listings ------------------------------------------ */

typedef struct {
  char      *name;
  TetherX2goWant       want;
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
  TetherX2goSessionInfo *info = tether_x2go_session_find_info (c->infos, c->name);

  switch (c->want)
    {
    case TETHER_X2GO_WANT_SUSPENDED:
      return info == NULL || tether_x2go_session_info_is_suspended (info);
    case TETHER_X2GO_WANT_GONE:
      return info == NULL;
    case TETHER_X2GO_WANT_RUNNING:
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
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);

  if (r == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&c->infos, g_ptr_array_unref);
  c->infos = g_steal_pointer (&r->infos);
  tether_x2go_list_result_free (r);
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

  tether_x2go_session_list_raw_async (self, g_task_get_cancellable (task), on_confirm_listed, g_object_ref (task));
}

/* Lists until @name has reached the wanted state (or attempts run out);
 * returns the last listing. */
void
tether_x2go_session_confirm_async (TetherX2goSession   *self,
               const char          *name,
               TetherX2goWant                 want,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ConfirmData *c = g_new0 (ConfirmData, 1);

  g_task_set_source_tag (task, tether_x2go_session_confirm_async);
  c->name = g_strdup (name);
  c->want = want;
  g_task_set_task_data (task, c, (GDestroyNotify) confirm_data_free);
  confirm_list (task);
}

GPtrArray *
tether_x2go_session_confirm_finish (TetherX2goSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
