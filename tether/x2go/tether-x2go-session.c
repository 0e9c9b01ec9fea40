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

static GParamSpec *properties[N_PROPS];

void
tether_x2go_session_notify (TetherX2goSession *self, guint prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

G_DEFINE_FINAL_TYPE (TetherX2goSession, tether_x2go_session, G_TYPE_OBJECT)

/* ---- small helpers -------------------------------------------------------- */

const char *
tether_x2go_session_phase_nick (TetherX2goSessionPhase phase)
{
  GEnumClass *klass = g_type_class_ref (TETHER_TYPE_X2GO_SESSION_PHASE);
  GEnumValue *value = g_enum_get_value (klass, (gint) phase);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

void
tether_x2go_session_set_phase (TetherX2goSession *self, TetherX2goSessionPhase phase)
{
  if (self->phase == phase)
    return;
  g_debug ("session %s (%s): %s → %s", self->uuid,
           self->session_name != NULL ? self->session_name : "no name",
           tether_x2go_session_phase_nick (self->phase), tether_x2go_session_phase_nick (phase));
  self->phase = phase;
  tether_x2go_session_notify (self, PROP_PHASE);
  tether_x2go_client_session_changed (self->client);
}

void
tether_x2go_session_set_connected (TetherX2goSession *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  tether_x2go_session_notify (self, PROP_CONNECTED);
}

void
tether_x2go_session_set_name (TetherX2goSession *self, const char *name)
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
  tether_x2go_session_notify (self, PROP_SESSION_NAME);
}

void
tether_x2go_session_set_info (TetherX2goSession *self, TetherX2goSessionInfo *info)
{
  if (info == self->info)
    return;
  g_clear_pointer (&self->info, tether_x2go_session_info_unref);
  if (info != NULL)
    self->info = tether_x2go_session_info_ref (info);
}

gboolean
tether_x2go_session_is_attached (TetherX2goSession *self)
{
  return self->nxproxy != NULL && tether_x2go_nxproxy_is_running (self->nxproxy);
}

guint
tether_x2go_session_command_timeout (TetherX2goSession *self)
{
  return TETHER_X2GO_COMMAND_TIMEOUT *
         (tether_x2go_session_options_low_latency (&self->opts) ? 2 : 1);
}

TetherX2goSessionInfo *
tether_x2go_session_find_info (GPtrArray *infos, const char *name)
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

GPtrArray *
tether_x2go_session_copy_listing (GPtrArray *infos)
{
  GPtrArray *copy = g_ptr_array_new_full (infos != NULL ? infos->len : 0,
                                          (GDestroyNotify) tether_x2go_session_info_unref);

  for (guint i = 0; infos != NULL && i < infos->len; i++)
    g_ptr_array_add (copy, tether_x2go_session_info_ref (g_ptr_array_index (infos, i)));
  return copy;
}

void
tether_x2go_session_store_listing (TetherX2goSession *self, GPtrArray *infos, const char *raw)
{
  if (infos != self->listing)
    {
      g_clear_pointer (&self->listing, g_ptr_array_unref);
      self->listing = tether_x2go_session_copy_listing (infos);
    }
  if (raw != NULL)
    {
      g_free (self->listing_raw);
      self->listing_raw = g_strdup (raw);
    }
}

gboolean
tether_x2go_session_not_connected (GError **error, TetherX2goSession *self)
{
  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED,
               "session %s is not connected to %s", self->uuid, self->server);
  return FALSE;
}

gboolean
tether_x2go_session_busy_error (GError **error, TetherX2goSession *self)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               "session %s is busy (%s); try again when that is done",
               self->uuid, tether_x2go_session_phase_nick (self->phase));
  return FALSE;
}

/* ---- connect --------------------------------------------------------------------- */

typedef struct {
  char          *username;
  char          *password;     /* secret */
  char          *passphrase;   /* secret */
  guint          pending;
  GError        *error;
  TetherX2goCommandOutput *features;
  TetherX2goCommandOutput *versions;
  TetherX2goCommandOutput *listing;
} ConnectData;

static void
connect_data_free (ConnectData *cd)
{
  g_free (cd->username);
  tether_x2go_secret_free (cd->password);
  tether_x2go_secret_free (cd->passphrase);
  g_clear_error (&cd->error);
  tether_x2go_command_output_free (cd->features);
  tether_x2go_command_output_free (cd->versions);
  tether_x2go_command_output_free (cd->listing);
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
  tether_x2go_session_detach (self);
  drop_transport (self);
  tether_x2go_session_set_connected (self, FALSE);
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
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
  tether_x2go_session_set_connected (self, FALSE);
  self->busy = FALSE;
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
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
  infos = tether_x2go_session_parse_listing (cd->listing, &error);
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
    tether_x2go_session_store_listing (self, infos, raw);
  }

  self->busy = FALSE;
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_CONNECTED);

  /* Registered for an existing server-side session: take its state. */
  if (self->session_name != NULL)
    {
      TetherX2goSessionInfo *info = tether_x2go_session_find_info (infos, self->session_name);

      tether_x2go_session_set_info (self, info);
      if (info != NULL)
        {
          self->display = tether_x2go_session_info_get_display (info);
          tether_x2go_session_set_phase (self, tether_x2go_session_info_is_suspended (info)
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

  cd->features = tether_x2go_session_run_finish (self, result, &error);
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

  cd->versions = tether_x2go_session_run_finish (self, result, &error);
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

  cd->listing = tether_x2go_session_run_finish (self, result, &error);
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
      tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
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
  tether_x2go_session_set_connected (self, TRUE);

  features = tether_x2go_command_feature_list ();
  versions = tether_x2go_command_version ();
  listing = tether_x2go_command_list_sessions (FALSE);
  cd->pending = 3;
  tether_x2go_session_run_async (self, "x2gofeaturelist", features, cancellable, on_features_run, g_object_ref (task));
  tether_x2go_session_run_async (self, "x2goversion", versions, cancellable, on_versions_run, g_object_ref (task));
  tether_x2go_session_run_async (self, "x2golistsessions", listing, cancellable, on_listing_run, g_object_ref (task));
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
      tether_x2go_session_busy_error (&error, self);
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
      tether_x2go_session_notify (self, PROP_USERNAME);
    }

  cd = g_new0 (ConnectData, 1);
  cd->password = g_strdup (password != NULL ? password : self->opts.password);
  cd->passphrase = g_strdup (passphrase != NULL ? passphrase : self->opts.passphrase);
  g_task_set_task_data (task, cd, (GDestroyNotify) connect_data_free);
  /* Like python-x2go: the session keeps no copy of its secrets after connect. */
  g_clear_pointer (&self->opts.password, tether_x2go_secret_free);
  g_clear_pointer (&self->opts.passphrase, tether_x2go_secret_free);

  self->busy = TRUE;
  tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_CONNECTING);
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
  tether_x2go_session_detach (self);
  drop_transport (self);
  tether_x2go_session_set_connected (self, FALSE);
  if (!self->busy)
    tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_REGISTERED);
}

/* ---- the registry update ------------------------------------------------------------ */

void
tether_x2go_session_update_from_listing (TetherX2goSession *self,
                                         GPtrArray         *infos)
{
  g_autoptr(TetherX2goSession) keep = g_object_ref (self);
  TetherX2goSessionInfo *info;
  const char *name = self->session_name;

  tether_x2go_session_store_listing (self, infos, NULL);
  /* A running operation owns the state (python-x2go "protects" it). */
  if (self->busy || !self->connected || name == NULL)
    return;

  info = tether_x2go_session_find_info (infos, name);
  if (info != NULL && tether_x2go_session_info_is_starting (info))
    return;
  tether_x2go_session_set_info (self, info);

  switch (self->phase)
    {
    case TETHER_X2GO_SESSION_PHASE_RUNNING:
      if (info == NULL)
        {
          if (self->nxproxy != NULL)
            tether_x2go_nxproxy_expect_exit (self->nxproxy);
          tether_x2go_session_detach (self);
          if (self->session_dir != NULL)
            tether_x2go_nxproxy_remove_session_dir (self->session_dir);
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         name, FALSE);
        }
      else if (tether_x2go_session_info_is_suspended (info))
        {
          if (self->nxproxy != NULL)
            tether_x2go_nxproxy_expect_exit (self->nxproxy);
          tether_x2go_session_detach (self);
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_SUSPENDED,
                                         name, FALSE);
        }
      else if (self->lost_picture && !tether_x2go_session_is_attached (self))
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
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_TERMINATED);
          tether_x2go_client_emit_event (self->client, self, TETHER_X2GO_EVENT_TERMINATED,
                                         name, FALSE);
        }
      else if (tether_x2go_session_info_is_running (info))
        {
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
          tether_x2go_client_emit_event (self->client, self,
                                         TETHER_X2GO_EVENT_RESUMED_BY_OTHER, name, FALSE);
        }
      break;

    case TETHER_X2GO_SESSION_PHASE_CONNECTED:
      /* Registered by name, seen for the first time. */
      if (info != NULL && tether_x2go_session_info_is_running (info))
        {
          tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_RUNNING);
          tether_x2go_client_emit_event (self->client, self,
                                         self->virgin ? TETHER_X2GO_EVENT_STARTED_BY_OTHER
                                                      : TETHER_X2GO_EVENT_RESUMED_BY_OTHER,
                                         name, FALSE);
        }
      else if (info != NULL)
        tether_x2go_session_set_phase (self, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
      break;

    case TETHER_X2GO_SESSION_PHASE_TERMINATED:
    case TETHER_X2GO_SESSION_PHASE_FAILED:
      if (info != NULL)
        {
          gboolean running = tether_x2go_session_info_is_running (info);

          tether_x2go_session_set_phase (self, running ? TETHER_X2GO_SESSION_PHASE_RUNNING
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
  TetherX2goListResult *r = tether_x2go_session_list_raw_finish (self, result, &error);

  self->refreshing = FALSE;
  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->connected)
        g_message ("session %s: listing the sessions on %s failed: %s", self->uuid,
                   self->server, error->message);
      return;
    }
  tether_x2go_client_fan_out_listing (self->client, self, r->infos);
  tether_x2go_list_result_free (r);
}

void
tether_x2go_session_refresh (TetherX2goSession *self)
{
  if (self->refreshing || !self->connected)
    return;
  self->refreshing = TRUE;
  tether_x2go_session_list_raw_async (self, self->background, on_refreshed, NULL);
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
  return self->connected && self->phase == TETHER_X2GO_SESSION_PHASE_RUNNING && tether_x2go_session_is_attached (self);
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
  g_variant_builder_add (&b, "{sv}", "phase", g_variant_new_string (tether_x2go_session_phase_nick (self->phase)));
  g_variant_builder_add (&b, "{sv}", "connected", g_variant_new_boolean (self->connected));
  g_variant_builder_add (&b, "{sv}", "virgin", g_variant_new_boolean (self->virgin));
  g_variant_builder_add (&b, "{sv}", "attached", g_variant_new_boolean (tether_x2go_session_is_attached (self)));
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
    tether_x2go_session_set_name (self, self->opts.session_name);
  return self;
}

gboolean
tether_x2go_session_reconfigure (TetherX2goSession        *self,
                                 const char               *server,
                                 guint                     port,
                                 const char               *username,
                                 TetherX2goSessionOptions *opts)
{
  gboolean same_server = g_strcmp0 (server, self->server) == 0 && port == self->port &&
                         g_strcmp0 (username, self->username) == 0;

  if (self->busy || !self->virgin || self->session_name != NULL ||
      (self->connected && !same_server))
    return FALSE;
  tether_x2go_session_options_clear (&self->opts);
  self->opts = *opts;
  memset (opts, 0, sizeof *opts);
  if (!same_server)
    {
      g_free (self->server);
      self->server = g_strdup (server);
      self->port = port;
      g_free (self->username);
      self->username = g_strdup (username);
      g_free (self->server_key);
      self->server_key = g_strdup_printf ("%s@%s:%u", self->username, self->server, self->port);
      tether_x2go_session_notify (self, PROP_SERVER);
      tether_x2go_session_notify (self, PROP_PORT);
      tether_x2go_session_notify (self, PROP_USERNAME);
    }
  if (self->opts.profile_name != NULL && g_strcmp0 (self->opts.profile_name, self->profile_name) != 0)
    {
      g_free (self->profile_name);
      self->profile_name = g_strdup (self->opts.profile_name);
      tether_x2go_session_notify (self, PROP_PROFILE_NAME);
    }
  if (self->opts.session_name != NULL)
    tether_x2go_session_set_name (self, self->opts.session_name);
  return TRUE;
}

const char *
tether_x2go_session_get_profile_id (TetherX2goSession *self)
{
  return self->opts.profile_id;
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
      g_value_set_boolean (value, tether_x2go_session_is_attached (self));
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
  tether_x2go_session_drop_nxproxy (self);
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
  return tether_x2go_session_is_attached (self);
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
