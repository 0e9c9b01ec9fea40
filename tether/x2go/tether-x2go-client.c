/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-enum-types.h"
#include "tether-error.h"
#include "tether-x2go-client-private.h"
#include "tether-x2go-session-private.h"
#include "tether-x2go-text-private.h"

/**
 * TetherX2goClient:
 *
 * The X2Go client: a registry of many sessions on many servers, keyed by a
 * session uuid string, with python-x2go's `X2GoClient` API translated to
 * GObject: every operation that talks to a server is an `_async`/`_finish`
 * pair, and every `HOOK_*` method of the reference is a signal (the mapping
 * is in docs/x2go-hooks.md).
 *
 * The non-profile walkthrough of the reference reads, from Python through
 * GObject Introspection:
 *
 * ```python
 * client = Tether.X2goClient.new()
 * uuid = client.register_session("server", 22, "user", GLib.Variant("a{sv}", {
 *     "cmd": GLib.Variant("s", "xterm")}))
 * client.connect_session(uuid, None, password, None)      # async, awaitable
 * client.start_session(uuid)
 * client.list_sessions(uuid, Tether.X2goListFlags.NONE)
 * client.suspend_session(uuid, None)
 * client.resume_session(uuid, None)
 * client.terminate_session(uuid, None)
 * ```
 *
 * Threading: the client and its sessions belong to the thread-default main
 * context current when the client was created (its owner context). Every
 * signal, notification and callback is delivered there; use the objects from
 * that thread only. The SSH connections run on worker threads of their own.
 *
 * Session states are followed by listing the server's sessions every
 * [property@X2goClient:refresh-interval] seconds while a session is running
 * or suspended, and at once when a session's nxproxy ends unexpectedly: that
 * is how a take-over, suspension or termination from another client is
 * noticed (python-x2go's guardian thread).
 *
 * Since: 0.1
 */

#define DEFAULT_REFRESH_INTERVAL 5
#define MAX_REFRESH_INTERVAL     3600
#define MAX_SESSIONS             1024

enum {
  PROP_0,
  PROP_REFRESH_INTERVAL,
  PROP_USE_LISTSESSIONS_CACHE,
  PROP_CLIENT_ROOTDIR,
  PROP_SESSIONS_ROOTDIR,
  PROP_SSH_ROOTDIR,
  PROP_NXPROXY_PATH,
  PROP_DISPLAY,
  N_PROPS
};

enum {
  SIGNAL_SESSION_STARTED_BY_ME,
  SIGNAL_SESSION_STARTED_BY_OTHER,
  SIGNAL_SESSION_RESUMED_BY_ME,
  SIGNAL_SESSION_RESUMED_BY_OTHER,
  SIGNAL_SESSION_SUSPENDED,
  SIGNAL_SESSION_TERMINATED,
  SIGNAL_FOUND_SESSION_RUNNING_AFTER_CONNECT,
  SIGNAL_SESSION_STARTUP_FAILED,
  SIGNAL_NO_SUCH_COMMAND,
  SIGNAL_CONTROL_SESSION_DEATH,
  SIGNAL_FORWARDING_TUNNEL_SETUP_FAILED,
  SIGNAL_CHECK_HOST,
  SIGNAL_NXPROXY_DIED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherX2goClient, tether_x2go_client, G_TYPE_OBJECT)

static TetherX2goTransport *
default_factory (TetherX2goClient  *client,
                 TetherX2goSession *session,
                 gpointer           user_data)
{
  return tether_x2go_transport_new_ssh (tether_x2go_session_get_server (session),
                                        tether_x2go_session_get_port (session),
                                        tether_x2go_session_get_username (session));
}

/* ---- internal API for sessions ---------------------------------------------- */

void
tether_x2go_client_set_transport_factory (TetherX2goClient          *self,
                                          TetherX2goTransportFactory factory,
                                          gpointer                   user_data,
                                          GDestroyNotify             destroy)
{
  if (self->factory_destroy != NULL)
    self->factory_destroy (self->factory_data);
  self->factory = factory != NULL ? factory : default_factory;
  self->factory_data = user_data;
  self->factory_destroy = destroy;
}

TetherX2goTransport *
tether_x2go_client_make_transport (TetherX2goClient  *self,
                                   TetherX2goSession *session)
{
  return self->factory (self, session, self->factory_data);
}

static guint
event_signal (TetherX2goEvent event)
{
  switch (event)
    {
    case TETHER_X2GO_EVENT_STARTED_BY_ME:
      return signals[SIGNAL_SESSION_STARTED_BY_ME];
    case TETHER_X2GO_EVENT_STARTED_BY_OTHER:
      return signals[SIGNAL_SESSION_STARTED_BY_OTHER];
    case TETHER_X2GO_EVENT_RESUMED_BY_ME:
      return signals[SIGNAL_SESSION_RESUMED_BY_ME];
    case TETHER_X2GO_EVENT_RESUMED_BY_OTHER:
      return signals[SIGNAL_SESSION_RESUMED_BY_OTHER];
    case TETHER_X2GO_EVENT_FOUND_RUNNING_AFTER_CONNECT:
      return signals[SIGNAL_FOUND_SESSION_RUNNING_AFTER_CONNECT];
    case TETHER_X2GO_EVENT_SUSPENDED:
    case TETHER_X2GO_EVENT_TERMINATED:
    case TETHER_X2GO_EVENT_STARTUP_FAILED:
    default:
      g_assert_not_reached ();
    }
}

void
tether_x2go_client_emit_event (TetherX2goClient  *self,
                               TetherX2goSession *session,
                               TetherX2goEvent    event,
                               const char        *session_name,
                               gboolean           by_me)
{
  const char *uuid = tether_x2go_session_get_uuid (session);
  const char *profile = tether_x2go_session_get_profile_name (session);

  if (self == NULL)
    return;
  switch (event)
    {
    case TETHER_X2GO_EVENT_SUSPENDED:
      g_signal_emit (self, signals[SIGNAL_SESSION_SUSPENDED], 0, uuid, profile,
                     session_name, by_me);
      break;
    case TETHER_X2GO_EVENT_TERMINATED:
      g_signal_emit (self, signals[SIGNAL_SESSION_TERMINATED], 0, uuid, profile,
                     session_name, by_me);
      break;
    case TETHER_X2GO_EVENT_STARTUP_FAILED:
      g_signal_emit (self, signals[SIGNAL_SESSION_STARTUP_FAILED], 0, uuid, profile);
      break;
    case TETHER_X2GO_EVENT_STARTED_BY_ME:
    case TETHER_X2GO_EVENT_STARTED_BY_OTHER:
    case TETHER_X2GO_EVENT_RESUMED_BY_ME:
    case TETHER_X2GO_EVENT_RESUMED_BY_OTHER:
    case TETHER_X2GO_EVENT_FOUND_RUNNING_AFTER_CONNECT:
    default:
      g_signal_emit (self, event_signal (event), 0, uuid, profile, session_name);
      break;
    }
}

gboolean
tether_x2go_client_emit_check_host (TetherX2goClient  *self,
                                    TetherX2goSession *session,
                                    const char        *host,
                                    guint              port,
                                    const char        *fingerprint,
                                    const char        *fingerprint_type,
                                    gboolean           add_to_known_hosts)
{
  gboolean accept = FALSE;

  if (self == NULL)
    return FALSE;
  /* No handler: trust on first use only when the registration asked for it
   * (add_to_known_hosts). python-x2go's default hook accepts every host. */
  if (!g_signal_has_handler_pending (self, signals[SIGNAL_CHECK_HOST], 0, FALSE))
    return add_to_known_hosts;
  g_signal_emit (self, signals[SIGNAL_CHECK_HOST], 0,
                 tether_x2go_session_get_uuid (session),
                 tether_x2go_session_get_profile_name (session),
                 host, port, fingerprint, fingerprint_type, &accept);
  return accept;
}

void
tether_x2go_client_emit_no_such_command (TetherX2goClient  *self,
                                         TetherX2goSession *session,
                                         const char        *command)
{
  if (self == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_NO_SUCH_COMMAND], 0,
                 tether_x2go_session_get_uuid (session), command,
                 tether_x2go_session_get_profile_name (session),
                 tether_x2go_session_get_session_name (session));
}

void
tether_x2go_client_emit_control_session_death (TetherX2goClient  *self,
                                               TetherX2goSession *session,
                                               const GError      *error)
{
  g_autoptr(GError) fallback = NULL;

  if (self == NULL)
    return;
  if (error == NULL)
    fallback = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                            "the connection to %s was lost",
                            tether_x2go_session_get_server (session));
  g_signal_emit (self, signals[SIGNAL_CONTROL_SESSION_DEATH], 0,
                 tether_x2go_session_get_uuid (session),
                 tether_x2go_session_get_profile_name (session),
                 error != NULL ? error : fallback);
}

void
tether_x2go_client_emit_tunnel_failed (TetherX2goClient  *self,
                                       TetherX2goSession *session,
                                       const char        *chain_host,
                                       guint              chain_port,
                                       const char        *subsystem)
{
  if (self == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_FORWARDING_TUNNEL_SETUP_FAILED], 0,
                 tether_x2go_session_get_uuid (session),
                 tether_x2go_session_get_profile_name (session),
                 tether_x2go_session_get_session_name (session),
                 chain_host, chain_port, subsystem);
}

void
tether_x2go_client_emit_nxproxy_died (TetherX2goClient  *self,
                                      TetherX2goSession *session,
                                      const char        *message)
{
  if (self == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_NXPROXY_DIED], 0,
                 tether_x2go_session_get_uuid (session),
                 tether_x2go_session_get_session_name (session), message);
}

void
tether_x2go_client_fan_out_listing (TetherX2goClient  *self,
                                    TetherX2goSession *from,
                                    GPtrArray         *infos)
{
  g_autoptr(GPtrArray) targets = NULL;
  const char *key = tether_x2go_session_get_server_key (from);

  if (self == NULL)
    return;
  /* Copy first: signal handlers may (un)register sessions. */
  targets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);

      if (s == from || (tether_x2go_session_get_connected (s) &&
                        g_strcmp0 (tether_x2go_session_get_server_key (s), key) == 0))
        g_ptr_array_add (targets, g_object_ref (s));
    }
  for (guint i = 0; i < targets->len; i++)
    tether_x2go_session_update_from_listing (g_ptr_array_index (targets, i), infos);
}

TetherX2goSession *
tether_x2go_client_find_attached (TetherX2goClient  *self,
                                  TetherX2goSession *except,
                                  const char        *session_name)
{
  const char *key = tether_x2go_session_get_server_key (except);

  if (self == NULL)
    return NULL;
  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);

      if (s != except && tether_x2go_session_get_attached (s) &&
          g_strcmp0 (tether_x2go_session_get_session_name (s), session_name) == 0 &&
          g_strcmp0 (tether_x2go_session_get_server_key (s), key) == 0)
        return s;
    }
  return NULL;
}

guint
tether_x2go_client_get_confirm_interval (TetherX2goClient *self)
{
  return self != NULL ? self->confirm_interval : TETHER_X2GO_CONFIRM_INTERVAL_MS;
}

void
tether_x2go_client_set_confirm_interval (TetherX2goClient *self,
                                         guint             ms)
{
  self->confirm_interval = ms;
}

static gboolean
on_refresh_tick (gpointer user_data)
{
  TetherX2goClient *self = user_data;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);
      const char *key = tether_x2go_session_get_server_key (s);

      /* One listing per server and user covers all its sessions. */
      if (tether_x2go_session_wants_refresh (s) && !g_hash_table_contains (listed, key))
        {
          g_hash_table_add (listed, (gpointer) key);
          g_ptr_array_add (due, g_object_ref (s));
        }
    }
  for (guint i = 0; i < due->len; i++)
    tether_x2go_session_refresh (g_ptr_array_index (due, i));
  return G_SOURCE_CONTINUE;
}

static gboolean
needs_refresh_timer (TetherX2goClient *self)
{
  if (self->refresh_interval == 0)
    return FALSE;
  for (guint i = 0; i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);
      TetherX2goSessionPhase phase = tether_x2go_session_get_phase (s);

      if (tether_x2go_session_get_connected (s) &&
          (phase == TETHER_X2GO_SESSION_PHASE_RUNNING ||
           phase == TETHER_X2GO_SESSION_PHASE_SUSPENDED))
        return TRUE;
    }
  return FALSE;
}

static void
stop_refresh_timer (TetherX2goClient *self)
{
  if (self->refresh_source == NULL)
    return;
  g_source_destroy (self->refresh_source);
  g_clear_pointer (&self->refresh_source, g_source_unref);
}

void
tether_x2go_client_session_changed (TetherX2goClient *self)
{
  if (self == NULL)
    return;
  if (!needs_refresh_timer (self))
    {
      stop_refresh_timer (self);
      return;
    }
  if (self->refresh_source != NULL && self->refresh_source_interval == self->refresh_interval)
    return;
  stop_refresh_timer (self);
  self->refresh_source = g_timeout_source_new_seconds (self->refresh_interval);
  self->refresh_source_interval = self->refresh_interval;
  g_source_set_callback (self->refresh_source, on_refresh_tick, self, NULL);
  g_source_attach (self->refresh_source, self->context);
}

/* ---- object --------------------------------------------------------------------- */

static void
tether_x2go_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TetherX2goClient *self = TETHER_X2GO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      tether_x2go_client_set_refresh_interval (self, g_value_get_uint (value));
      break;
    case PROP_USE_LISTSESSIONS_CACHE:
      tether_x2go_client_set_use_listsessions_cache (self, g_value_get_boolean (value));
      break;
    case PROP_CLIENT_ROOTDIR:
      tether_x2go_client_set_client_rootdir (self, g_value_get_string (value));
      break;
    case PROP_SESSIONS_ROOTDIR:
      tether_x2go_client_set_sessions_rootdir (self, g_value_get_string (value));
      break;
    case PROP_SSH_ROOTDIR:
      tether_x2go_client_set_ssh_rootdir (self, g_value_get_string (value));
      break;
    case PROP_NXPROXY_PATH:
      tether_x2go_client_set_nxproxy_path (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY:
      tether_x2go_client_set_display (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_x2go_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TetherX2goClient *self = TETHER_X2GO_CLIENT (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      g_value_set_uint (value, self->refresh_interval);
      break;
    case PROP_USE_LISTSESSIONS_CACHE:
      g_value_set_boolean (value, self->use_listsessions_cache);
      break;
    case PROP_CLIENT_ROOTDIR:
      g_value_set_string (value, self->client_rootdir);
      break;
    case PROP_SESSIONS_ROOTDIR:
      g_value_set_string (value, self->sessions_rootdir);
      break;
    case PROP_SSH_ROOTDIR:
      g_value_set_string (value, self->ssh_rootdir);
      break;
    case PROP_NXPROXY_PATH:
      g_value_set_string (value, self->nxproxy_path);
      break;
    case PROP_DISPLAY:
      g_value_set_string (value, self->display);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_x2go_client_dispose (GObject *object)
{
  TetherX2goClient *self = TETHER_X2GO_CLIENT (object);

  stop_refresh_timer (self);
  if (self->order != NULL)
    for (guint i = 0; i < self->order->len; i++)
      tether_x2go_session_shutdown (g_ptr_array_index (self->order, i));
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->reserved, g_hash_table_unref);
  tether_x2go_client_forget_profiles (self);
  if (self->factory_destroy != NULL)
    self->factory_destroy (self->factory_data);
  self->factory_destroy = NULL;
  self->factory_data = NULL;
  G_OBJECT_CLASS (tether_x2go_client_parent_class)->dispose (object);
}

static void
tether_x2go_client_finalize (GObject *object)
{
  TetherX2goClient *self = TETHER_X2GO_CLIENT (object);

  g_free (self->client_rootdir);
  g_free (self->sessions_rootdir);
  g_free (self->ssh_rootdir);
  g_free (self->nxproxy_path);
  g_free (self->display);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tether_x2go_client_parent_class)->finalize (object);
}

static void
tether_x2go_client_init (TetherX2goClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->order = g_ptr_array_new_with_free_func (g_object_unref);
  self->reserved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refresh_interval = DEFAULT_REFRESH_INTERVAL;
  self->client_rootdir = g_build_filename (g_get_home_dir (), ".x2goclient", NULL);
  self->sessions_rootdir = g_build_filename (g_get_home_dir (), ".x2go", NULL);
  self->ssh_rootdir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  self->nxproxy_path = g_strdup ("nxproxy");
  self->display = g_strdup (g_getenv ("DISPLAY"));
  self->factory = default_factory;
  self->confirm_interval = TETHER_X2GO_CONFIRM_INTERVAL_MS;
}

static void
tether_x2go_client_class_init (TetherX2goClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->set_property = tether_x2go_client_set_property;
  object_class->get_property = tether_x2go_client_get_property;
  object_class->dispose = tether_x2go_client_dispose;
  object_class->finalize = tether_x2go_client_finalize;

  /**
   * TetherX2goClient:refresh-interval:
   *
   * Seconds between the listings that follow running and suspended sessions
   * (python-x2go's `refresh_interval`); 0 turns them off.
   *
   * Since: 0.1
   */
  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, NULL, 0, MAX_REFRESH_INTERVAL,
                       DEFAULT_REFRESH_INTERVAL, rw);
  /**
   * TetherX2goClient:use-listsessions-cache:
   *
   * Whether [method@X2goClient.list_sessions_async] may answer from the last
   * listing of the session's server (refreshed by every listing, including
   * the periodic ones) instead of asking the server, and whether
   * [method@X2goClient.suspend_session_async] and
   * [method@X2goClient.terminate_session_async] of a session by name may
   * look the name up there instead of listing before the command.
   *
   * Since: 0.1
   */
  properties[PROP_USE_LISTSESSIONS_CACHE] =
    g_param_spec_boolean ("use-listsessions-cache", NULL, NULL, FALSE, rw);
  /**
   * TetherX2goClient:client-rootdir:
   *
   * The folder of the client's configuration files, where the session
   * profiles (its `sessions` file, see [method@X2goClient.get_profiles])
   * are; `~/.x2goclient` by default (python-x2go's `client_rootdir`).
   *
   * Since: 0.1
   */
  properties[PROP_CLIENT_ROOTDIR] =
    g_param_spec_string ("client-rootdir", NULL, NULL, NULL, rw);
  /**
   * TetherX2goClient:sessions-rootdir:
   *
   * The local folder of session folders (`S-<session name>`), and nxproxy's
   * `NX_ROOT`; `~/.x2go` by default.
   *
   * Since: 0.1
   */
  properties[PROP_SESSIONS_ROOTDIR] =
    g_param_spec_string ("sessions-rootdir", NULL, NULL, NULL, rw);
  /**
   * TetherX2goClient:ssh-rootdir:
   *
   * The folder of SSH keys and `known_hosts`; `~/.ssh` by default.
   *
   * Since: 0.1
   */
  properties[PROP_SSH_ROOTDIR] = g_param_spec_string ("ssh-rootdir", NULL, NULL, NULL, rw);
  /**
   * TetherX2goClient:nxproxy-path:
   *
   * The nxproxy program: a path, or a name looked up in `PATH`.
   *
   * Since: 0.1
   */
  properties[PROP_NXPROXY_PATH] = g_param_spec_string ("nxproxy-path", NULL, NULL, NULL, rw);
  /**
   * TetherX2goClient:display:
   *
   * The local X display nxproxy draws on; `$DISPLAY` by default.
   *
   * Since: 0.1
   */
  properties[PROP_DISPLAY] = g_param_spec_string ("display", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherX2goClient::session-started-by-me:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   *
   * A session this client started is running and shown here
   * (`HOOK_on_session_has_started_by_me`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_STARTED_BY_ME] =
    g_signal_new ("session-started-by-me", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::session-started-by-other:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   *
   * A session registered by name and never started here was found running
   * (`HOOK_on_session_has_started_by_other`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_STARTED_BY_OTHER] =
    g_signal_new ("session-started-by-other", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::session-resumed-by-me:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   *
   * This client resumed the session and shows it
   * (`HOOK_on_session_has_resumed_by_me`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_RESUMED_BY_ME] =
    g_signal_new ("session-resumed-by-me", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::session-resumed-by-other:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   *
   * Another client resumed the session: it was suspended and runs again
   * without this client, or this client showed it and lost it to a take-over
   * (`HOOK_on_session_has_resumed_by_other`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_RESUMED_BY_OTHER] =
    g_signal_new ("session-resumed-by-other", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::session-suspended:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   * @by_me: %TRUE when this client suspended it
   *
   * The session was suspended, here or elsewhere
   * (`HOOK_on_session_has_been_suspended`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_SUSPENDED] =
    g_signal_new ("session-suspended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * TetherX2goClient::session-terminated:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: the server-side session name
   * @by_me: %TRUE when this client terminated it
   *
   * The session ended, here or elsewhere: it is gone from the server's
   * listing (`HOOK_on_session_has_terminated`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_TERMINATED] =
    g_signal_new ("session-terminated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * TetherX2goClient::found-session-running-after-connect:
   * @client: the client
   * @session_uuid: the registry key of the session that connected
   * @profile_name: its profile name
   * @session_name: the name of a session the server lists as running
   *
   * Fired once per running server-side session right after
   * [method@X2goClient.connect_session_async]
   * (`HOOK_on_found_session_running_after_connect`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_FOUND_SESSION_RUNNING_AFTER_CONNECT] =
    g_signal_new ("found-session-running-after-connect", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::session-startup-failed:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   *
   * Starting or resuming a session failed; the operation's error says why
   * (`HOOK_session_startup_failed`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_SESSION_STARTUP_FAILED] =
    g_signal_new ("session-startup-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::no-such-command:
   * @client: the client
   * @session_uuid: the session's registry key
   * @cmd: the command that is not on the server
   * @profile_name: the session's profile name
   * @session_name: (nullable): the server-side session name, if any
   *
   * The session's command is not installed on the server, so the session
   * was not started (`HOOK_no_such_command`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_NO_SUCH_COMMAND] =
    g_signal_new ("no-such-command", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::control-session-death:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @error: why the connection ended
   *
   * The SSH connection of a connected session died (keepalive time-out, EOF,
   * network error); the session went back to
   * %TETHER_X2GO_SESSION_PHASE_REGISTERED (`HOOK_on_control_session_death`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_CONTROL_SESSION_DEATH] =
    g_signal_new ("control-session-death", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_ERROR);
  /**
   * TetherX2goClient::forwarding-tunnel-setup-failed:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @session_name: (nullable): the server-side session name
   * @chain_host: the tunnel's end point as seen from the server
   * @chain_port: its port
   * @subsystem: what the tunnel was for ("NX Proxy")
   *
   * A port forwarding tunnel could not be set up
   * (`HOOK_forwarding_tunnel_setup_failed`).
   *
   * Since: 0.1
   */
  signals[SIGNAL_FORWARDING_TUNNEL_SETUP_FAILED] =
    g_signal_new ("forwarding-tunnel-setup-failed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 6,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT,
                  G_TYPE_STRING);
  /**
   * TetherX2goClient::check-host:
   * @client: the client
   * @session_uuid: the session's registry key
   * @profile_name: the session's profile name
   * @host: the SSH server
   * @port: its port
   * @fingerprint: the host key's fingerprint, `SHA256:<base64>`
   * @fingerprint_type: the key type, e.g. `ssh-ed25519`
   *
   * The server's host key is not in known_hosts. Return %TRUE to accept it
   * (it is then saved when the registration set `add_to_known_hosts`). The
   * first handler that returns decides. With no handler connected, unknown
   * keys are accepted only when `add_to_known_hosts` is set; a changed key
   * is always refused (`HOOK_check_host_dialog`, whose default accepted
   * every key).
   *
   * Returns: %TRUE to trust the key
   *
   * Since: 0.1
   */
  signals[SIGNAL_CHECK_HOST] =
    g_signal_new ("check-host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL, G_TYPE_BOOLEAN, 6,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT,
                  G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TetherX2goClient::nxproxy-died:
   * @client: the client
   * @session_uuid: the session's registry key
   * @session_name: (nullable): the server-side session name
   * @message: what happened, for a person
   *
   * The session's nxproxy ended without being asked to; the session is no
   * longer shown here. A listing follows at once, and the session-* signals
   * then say whether it was suspended, taken over or terminated elsewhere.
   * (No python-x2go hook; its guardian only noticed at the next poll.)
   *
   * Since: 0.1
   */
  signals[SIGNAL_NXPROXY_DIED] =
    g_signal_new ("nxproxy-died", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

/**
 * tether_x2go_client_new:
 *
 * Makes a client with no sessions. It belongs to the thread-default main
 * context.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 0.1
 */
TetherX2goClient *
tether_x2go_client_new (void)
{
  return g_object_new (TETHER_X2GO_TYPE_CLIENT, NULL);
}

/* ---- properties ------------------------------------------------------------------ */

/**
 * tether_x2go_client_get_refresh_interval:
 * @self: a client
 *
 * Returns: the seconds between the follow-up listings, or 0
 *
 * Since: 0.1
 */
guint
tether_x2go_client_get_refresh_interval (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), 0);
  return self->refresh_interval;
}

/**
 * tether_x2go_client_set_refresh_interval:
 * @self: a client
 * @seconds: seconds between the listings that follow sessions; 0 turns them off
 *
 * Sets [property@X2goClient:refresh-interval].
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_refresh_interval (TetherX2goClient *self,
                                         guint             seconds)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  seconds = MIN (seconds, MAX_REFRESH_INTERVAL);
  if (self->refresh_interval == seconds)
    return;
  self->refresh_interval = seconds;
  tether_x2go_client_session_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_INTERVAL]);
}

/**
 * tether_x2go_client_get_use_listsessions_cache:
 * @self: a client
 *
 * Returns: whether listings may be answered from the cache
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_get_use_listsessions_cache (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  return self->use_listsessions_cache;
}

/**
 * tether_x2go_client_set_use_listsessions_cache:
 * @self: a client
 * @use_cache: whether listings may be answered from the cache
 *
 * Sets [property@X2goClient:use-listsessions-cache].
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_use_listsessions_cache (TetherX2goClient *self,
                                               gboolean          use_cache)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  use_cache = !!use_cache;
  if (self->use_listsessions_cache == use_cache)
    return;
  self->use_listsessions_cache = use_cache;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_LISTSESSIONS_CACHE]);
}

static void
set_string_prop (TetherX2goClient *self, char **slot, const char *value, guint prop)
{
  if (g_strcmp0 (*slot, value) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * tether_x2go_client_get_client_rootdir:
 * @self: a client
 *
 * The reference's `get_client_rootdir()`.
 *
 * Returns: (transfer none) (type filename): the folder of the client's
 *   configuration files
 *
 * Since: 0.1
 */
const char *
tether_x2go_client_get_client_rootdir (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return self->client_rootdir;
}

/**
 * tether_x2go_client_set_client_rootdir:
 * @self: a client
 * @path: (nullable) (type filename): the folder of the client's
 *   configuration files; %NULL for `~/.x2goclient`
 *
 * Sets [property@X2goClient:client-rootdir]. The session profiles are read
 * from the new folder when next needed; a #TetherX2goProfiles got from
 * [method@X2goClient.get_profiles] before stays with the old one.
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_client_rootdir (TetherX2goClient *self,
                                       const char       *path)
{
  g_autofree char *def = NULL;

  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  if (path == NULL)
    path = def = g_build_filename (g_get_home_dir (), ".x2goclient", NULL);
  if (g_strcmp0 (path, self->client_rootdir) != 0)
    tether_x2go_client_forget_profiles (self);
  set_string_prop (self, &self->client_rootdir, path, PROP_CLIENT_ROOTDIR);
}

/**
 * tether_x2go_client_get_sessions_rootdir:
 * @self: a client
 *
 * The reference's `get_sessions_rootdir()`.
 *
 * Returns: (transfer none) (type filename): the local sessions folder
 *
 * Since: 0.1
 */
const char *
tether_x2go_client_get_sessions_rootdir (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return self->sessions_rootdir;
}

/**
 * tether_x2go_client_set_sessions_rootdir:
 * @self: a client
 * @path: (nullable) (type filename): the local sessions folder; %NULL for
 *   `~/.x2go`
 *
 * Sets [property@X2goClient:sessions-rootdir]. Sessions started later use it.
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_sessions_rootdir (TetherX2goClient *self,
                                         const char       *path)
{
  g_autofree char *def = NULL;

  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  if (path == NULL)
    path = def = g_build_filename (g_get_home_dir (), ".x2go", NULL);
  set_string_prop (self, &self->sessions_rootdir, path, PROP_SESSIONS_ROOTDIR);
}

/**
 * tether_x2go_client_get_ssh_rootdir:
 * @self: a client
 *
 * The reference's `get_ssh_rootdir()`.
 *
 * Returns: (transfer none) (type filename): the SSH folder
 *
 * Since: 0.1
 */
const char *
tether_x2go_client_get_ssh_rootdir (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return self->ssh_rootdir;
}

/**
 * tether_x2go_client_set_ssh_rootdir:
 * @self: a client
 * @path: (nullable) (type filename): the SSH folder; %NULL for `~/.ssh`
 *
 * Sets [property@X2goClient:ssh-rootdir]: where `known_hosts` and the
 * default keys are, unless a registration names them.
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_ssh_rootdir (TetherX2goClient *self,
                                    const char       *path)
{
  g_autofree char *def = NULL;

  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  if (path == NULL)
    path = def = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  set_string_prop (self, &self->ssh_rootdir, path, PROP_SSH_ROOTDIR);
}

/**
 * tether_x2go_client_get_nxproxy_path:
 * @self: a client
 *
 * Returns: (transfer none): the nxproxy program
 *
 * Since: 0.1
 */
const char *
tether_x2go_client_get_nxproxy_path (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return self->nxproxy_path;
}

/**
 * tether_x2go_client_set_nxproxy_path:
 * @self: a client
 * @path: (nullable): the nxproxy program; %NULL for `nxproxy` from `PATH`
 *
 * Sets [property@X2goClient:nxproxy-path].
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_nxproxy_path (TetherX2goClient *self,
                                     const char       *path)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  set_string_prop (self, &self->nxproxy_path, path != NULL ? path : "nxproxy",
                   PROP_NXPROXY_PATH);
}

/**
 * tether_x2go_client_get_display:
 * @self: a client
 *
 * Returns: (transfer none) (nullable): the local X display for nxproxy
 *
 * Since: 0.1
 */
const char *
tether_x2go_client_get_display (TetherX2goClient *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return self->display;
}

/**
 * tether_x2go_client_set_display:
 * @self: a client
 * @display: (nullable): a local X display such as `:0`; %NULL for `$DISPLAY`
 *
 * Sets [property@X2goClient:display].
 *
 * Since: 0.1
 */
void
tether_x2go_client_set_display (TetherX2goClient *self,
                                const char       *display)
{
  g_return_if_fail (TETHER_X2GO_IS_CLIENT (self));
  set_string_prop (self, &self->display, display != NULL ? display : g_getenv ("DISPLAY"),
                   PROP_DISPLAY);
}

/* ---- registry ------------------------------------------------------------------------ */

TetherX2goSession *
tether_x2go_client_lookup (TetherX2goClient *self, const char *uuid)
{
  if (uuid == NULL)
    return NULL;
  return g_hash_table_lookup (self->sessions, uuid);
}

TetherX2goSession *
tether_x2go_client_lookup_or_error (TetherX2goClient *self, const char *uuid, GError **error)
{
  TetherX2goSession *s = tether_x2go_client_lookup (self, uuid);

  if (s == NULL)
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                 "no session is registered under the uuid '%s'",
                 uuid != NULL ? uuid : "(null)");
  return s;
}

static gboolean
valid_server (const char *server)
{
  gsize len;

  if (server == NULL)
    return FALSE;
  len = strlen (server);
  if (len == 0 || len > 255 || server[0] == '-')
    return FALSE;
  return tether_x2go_is_host_name (server) || tether_x2go_is_ip_address (server);
}

/**
 * tether_x2go_client_register_session:
 * @self: a client
 * @server: (nullable): the X2Go server's host name or address; %NULL to take
 *   it from the `server` option
 * @port: its SSH port; 0 for the `port` option, or 22
 * @username: (nullable): the user on the server; %NULL for the `username`
 *   option, or the local user's name
 * @options: (nullable): the session options, a dictionary `a{sv}` whose keys
 *   are python-x2go's keyword arguments of `register_session()`:
 *   `cmd` (s, default `TERMINAL`), `session_type` (s: `desktop` or
 *   `application`), `geometry` (s, `800x600`), `link` (s, `adsl`), `pack` (s,
 *   `16m-jpeg-9`), `cache_type`, `depth` (u), `dpi` (u), `kbtype` (s,
 *   `null/null`), `kblayout`, `kbvariant`, `clipboard` (s, `both`),
 *   `xinerama` (b), `rootless` (b), `snd_system` (s: only `none` yet),
 *   `key_filename` (s or as), `password` (s), `passphrase` (s),
 *   `known_hosts` (s), `add_to_known_hosts` (b), `look_for_keys` (b),
 *   `allow_agent` (b), `forward_sshagent` (b), `force_password_auth` (b),
 *   `timeout` (u),
 *   the SSH proxy (jump host, connected first, the target through it):
 *   `use_sshproxy` (b), `sshproxy_host` (s), `sshproxy_port` (u, 22),
 *   `sshproxy_user` (s, default the session's user), `sshproxy_password` (s),
 *   `sshproxy_passphrase` (s), `sshproxy_key_filename` (s or as),
 *   `sshproxy_reuse_authinfo` (b: the session's password, passphrase and keys
 *   for the proxy too), `sshproxy_look_for_keys` (b), `sshproxy_allow_agent`
 *   (b), `sshproxy_type` (s: only `SSH`),
 *   `profile_name` (s), `profile_id` (s), `session_name` (s: an existing
 *   server-side session to resume), `server`, `port`, `username`.
 *   Options for features not built yet (printing, folder sharing, MIME box,
 *   sound, published applications, host keys
 *   under per-profile aliases, `sshproxy_tunnel`) fail with
 *   %G_IO_ERROR_NOT_SUPPORTED when they ask for the feature.
 * @error: return location for a #GError
 *
 * Registers a new session, the reference's
 * `X2GoClient.register_session(server, **kwargs)`. Nothing is connected yet;
 * see [method@X2goClient.connect_session_async]. A password given here is
 * kept only until the connect, then wiped.
 *
 * Returns: (transfer full): the new session's uuid, or %NULL on error
 *
 * Since: 0.1
 */
char *
tether_x2go_client_register_session (TetherX2goClient *self,
                                     const char       *server,
                                     guint             port,
                                     const char       *username,
                                     GVariant         *options,
                                     GError          **error)
{
  TetherX2goSessionOptions opts;
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tether_x2go_client_prepare_registration (self, server, port, username, options, &host,
                                                &port, &user, &opts, error))
    {
      tether_x2go_session_options_clear (&opts);
      return NULL;
    }
  return tether_x2go_client_add_session (self, host, port, user, &opts);
}

gboolean
tether_x2go_client_prepare_registration (TetherX2goClient         *self,
                                         const char               *server,
                                         guint                     port,
                                         const char               *username,
                                         GVariant                 *options,
                                         char                    **host_out,
                                         guint                    *port_out,
                                         char                    **user_out,
                                         TetherX2goSessionOptions *opts,
                                         GError                  **error)
{
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  gboolean ok;

  *host_out = *user_out = NULL;
  *port_out = 0;
  if (options != NULL)
    g_variant_ref_sink (options);
  ok = tether_x2go_session_options_parse (options, opts, error);
  g_clear_pointer (&options, g_variant_unref);
  if (!ok)
    {
      memset (opts, 0, sizeof *opts);
      return FALSE;
    }

  host = g_strdup (server != NULL ? server : opts->server);
  if (host != NULL)
    g_strstrip (host);
  if (g_strcmp0 (host, "localhost") == 0 || g_strcmp0 (host, "localhost.localdomain") == 0)
    {
      /* As python-x2go: force IPv4 loopback. */
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }
  if (!valid_server (host))
    {
      g_autofree char *q = host != NULL ? tether_x2go_quote_for_message (host) : NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   host == NULL ? "no X2Go server given"
                                : "%s is not a valid host name or address", q);
      return FALSE;
    }
  if (port == 0)
    port = opts->port != 0 ? opts->port : TETHER_X2GO_DEFAULT_SSH_PORT;
  if (port > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%u is not a valid port number", port);
      return FALSE;
    }
  user = g_strdup (username != NULL ? username
                                    : opts->username != NULL ? opts->username : g_get_user_name ());
  if (!tether_x2go_is_user_name (user))
    {
      g_autofree char *q = tether_x2go_quote_for_message (user);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s is not a valid user name", q);
      return FALSE;
    }
  if (g_hash_table_size (self->sessions) >= MAX_SESSIONS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "too many registered sessions (at most %d)", MAX_SESSIONS);
      return FALSE;
    }
  if (opts->known_hosts == NULL)
    opts->known_hosts = g_build_filename (self->ssh_rootdir, "known_hosts", NULL);
  *host_out = g_steal_pointer (&host);
  *port_out = port;
  *user_out = g_steal_pointer (&user);
  return TRUE;
}

char *
tether_x2go_client_add_session (TetherX2goClient         *self,
                                const char               *host,
                                guint                     port,
                                const char               *user,
                                TetherX2goSessionOptions *opts)
{
  g_autofree char *uuid = g_uuid_string_random ();
  TetherX2goSession *session;

  if (opts->profile_id == NULL)
    {
      /* Like python-x2go, a session without a profile gets a profile ID of
       * its own: the UTC time with microseconds. */
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");

      opts->profile_id = g_strdup_printf ("%s%06d", stamp, g_date_time_get_microsecond (now));
    }
  session = tether_x2go_session_new (self, uuid, host, port, user, opts);
  g_hash_table_insert (self->sessions, g_strdup (uuid), session);
  g_ptr_array_add (self->order, session);
  g_debug ("registered session %s: %s@%s:%u", uuid, user, host, port);
  return g_steal_pointer (&uuid);
}

/**
 * tether_x2go_client_unregister_session:
 * @self: a client
 * @session_uuid: a session's uuid
 * @error: return location for a #GError
 *
 * Disconnects the session and drops it from the registry. A server-side
 * session it showed is left to the server (the agent suspends itself when
 * its NX connection drops).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_client_unregister_session (TetherX2goClient *self,
                                       const char       *session_uuid,
                                       GError          **error)
{
  TetherX2goSession *s;

  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), FALSE);
  s = tether_x2go_client_lookup_or_error (self, session_uuid, error);
  if (s == NULL)
    return FALSE;
  g_object_ref (s);
  tether_x2go_session_shutdown (s);
  g_hash_table_remove (self->reserved, session_uuid);
  g_hash_table_remove (self->sessions, session_uuid);
  g_ptr_array_remove (self->order, s);
  g_object_unref (s);
  tether_x2go_client_session_changed (self);
  return TRUE;
}

/**
 * tether_x2go_client_get_session:
 * @self: a client
 * @session_uuid: a session's uuid
 *
 * The reference's `get_session()` / `return_objects=True`.
 *
 * Returns: (transfer none) (nullable): the session object, or %NULL
 *
 * Since: 0.1
 */
TetherX2goSession *
tether_x2go_client_get_session (TetherX2goClient *self,
                                const char       *session_uuid)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  return tether_x2go_client_lookup (self, session_uuid);
}

/**
 * tether_x2go_client_get_session_of_session_name:
 * @self: a client
 * @session_name: a server-side session name
 *
 * Returns: (transfer full) (nullable): the uuid of the registered session
 *   that has this server-side name, or %NULL
 *
 * Since: 0.1
 */
char *
tether_x2go_client_get_session_of_session_name (TetherX2goClient *self,
                                                const char       *session_name)
{
  g_return_val_if_fail (TETHER_X2GO_IS_CLIENT (self), NULL);
  for (guint i = 0; session_name != NULL && i < self->order->len; i++)
    {
      TetherX2goSession *s = g_ptr_array_index (self->order, i);

      if (g_strcmp0 (tether_x2go_session_get_session_name (s), session_name) == 0)
        return g_strdup (tether_x2go_session_get_uuid (s));
    }
  return NULL;
}
