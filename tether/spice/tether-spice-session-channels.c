/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherSpiceSession, part what channels ask of their session (see tether-spice-session-struct-private.h). */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-session-private.h"
#include "tether-spice-session-struct-private.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-secret-private.h"
#include "tether-spice-uri-private.h"

/* A jump of the server's multimedia clock by more than this is a reset. */
#define MM_TIME_RESET_THRESHOLD_MS 1000u

static TetherSpiceChannel *
find_channel (TetherSpiceSession *self, int type, int id)
{
  for (GList *l = self->channels; l != NULL; l = l->next)
    {
      TetherSpiceChannel *c = l->data;

      if (tether_spice_channel_get_channel_type (c) == type && tether_spice_channel_get_channel_id (c) == id)
        return c;
    }
  return NULL;
}

/* ---- for channels ----------------------------------------------------------------- */

static gboolean
disconnect_idle (gpointer user_data)
{
  TetherSpiceSession *self = user_data;

  g_clear_pointer (&self->disconnect_source, g_source_unref);
  tether_spice_session_disconnect (self);
  return G_SOURCE_REMOVE;
}

void
tether_spice_session_channel_event (TetherSpiceSession *self, TetherSpiceChannel *channel,
                                    TetherSpiceChannelEvent event)
{
  g_autoptr(TetherSpiceSession) hold = NULL;

  if (channel != self->main_channel)
    return;
  hold = g_object_ref (self);
  switch (event)
    {
    case TETHER_SPICE_CHANNEL_EVENT_OPENED:
      tether_spice_session_complete_connect (self, NULL);
      break;
    case TETHER_SPICE_CHANNEL_EVENT_CLOSED:
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT:
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_TLS:
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK:
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH:
    case TETHER_SPICE_CHANNEL_EVENT_ERROR_IO:
      {
        const GError *e = tether_spice_channel_get_error (channel);

        tether_spice_session_complete_connect (self, e != NULL ? g_error_copy (e)
                                               : g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                                              "The main channel was closed"));
        /* Without its main channel the session is over: destroy the
         * channels once the event's handlers have run. */
        if (self->disconnect_source == NULL && !self->disposing)
          {
            self->disconnect_source = g_idle_source_new ();
            g_source_set_callback (self->disconnect_source, disconnect_idle, self, NULL);
            g_source_set_static_name (self->disconnect_source, "[tether] spice session disconnect");
            g_source_attach (self->disconnect_source, self->context);
          }
      }
      break;
    case TETHER_SPICE_CHANNEL_EVENT_NONE:
    case TETHER_SPICE_CHANNEL_EVENT_SWITCHING:
    default:
      break;
    }
}

static gpointer
ref_copy (gconstpointer src, gpointer user_data)
{
  return g_object_ref ((gpointer) src);
}

void
tether_spice_session_channel_progress (TetherSpiceSession *self, TetherSpiceChannel *channel)
{
  GList *channels = g_list_copy_deep (self->channels, ref_copy, NULL);

  for (GList *l = channels; l != NULL; l = l->next)
    if (l->data != channel)
      tether_spice_channel_check_wait (l->data);
  g_list_free_full (channels, g_object_unref);
}

GMainContext *
tether_spice_session_get_context (TetherSpiceSession *self)
{
  return self->context;
}

guint32
tether_spice_session_get_connection_id (TetherSpiceSession *self)
{
  return self->connection_id;
}

void
tether_spice_session_set_connection_id (TetherSpiceSession *self, guint32 id)
{
  self->connection_id = id;
}

const char *
tether_spice_session_get_password (TetherSpiceSession *self)
{
  return self->password;
}

const char *
tether_spice_session_get_username (TetherSpiceSession *self)
{
  return self->username;
}

gboolean
tether_spice_session_get_client_sockets (TetherSpiceSession *self)
{
  return self->client_sockets;
}

gboolean
tether_spice_session_has_tls_port (TetherSpiceSession *self)
{
  return self->unix_path == NULL && tether_spice_port_parse (self->tls_port, NULL);
}

gboolean
tether_spice_session_channel_wants_tls (TetherSpiceSession *self, int type)
{
  const char *name = tether_spice_channel_type_to_string (type);

  if (self->client_sockets || self->unix_path != NULL)
    return FALSE;
  if (self->secure_channels != NULL)
    for (guint i = 0; self->secure_channels[i] != NULL; i++)
      if (strcmp (self->secure_channels[i], "all") == 0 ||
          (name != NULL && strcmp (self->secure_channels[i], name) == 0))
        return TRUE;
  /* No plain port: use the TLS port, as spice-gtk does. */
  return !tether_spice_port_parse (self->port, NULL) && tether_spice_port_parse (self->tls_port, NULL);
}

gboolean
tether_spice_session_transport_params (TetherSpiceSession *self, gboolean tls,
                                       TetherSpiceTransportParams *params, GError **error)
{
  guint16 port;

  if (self->unix_path != NULL)
    {
      params->kind = TETHER_SPICE_TRANSPORT_UNIX;
      params->unix_path = g_strdup (self->unix_path);
      params->tls = tls;
      return TRUE;
    }
  params->kind = TETHER_SPICE_TRANSPORT_TCP;
  if (self->host == NULL || self->host[0] == '\0')
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT, "No host to connect to"), FALSE;
  if (!tether_spice_host_is_valid (self->host))
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                        "The host is not a valid host name or IP address"), FALSE;
  if (!tether_spice_port_parse (tls ? self->tls_port : self->port, &port))
    {
      const char *which = tls ? self->tls_port : self->port;

      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                          which == NULL ? "No %s to connect to" : "The %s is not a number from 1 to 65535",
                          tls ? "TLS port" : "port"), FALSE;
    }
  params->host = g_strdup (self->host);
  params->port = port;
  params->tls = tls;
  if (self->proxy != NULL && self->proxy[0] != '\0')
    {
      g_autoptr(GError) local = NULL;

      if (!tether_spice_proxy_parse (self->proxy, &params->proxy, &local))
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT, "%s", local->message), FALSE;
      params->use_proxy = TRUE;
    }
  if (tls)
    {
      TetherSpiceTlsParams *t = &params->tls_params;

      t->verify = self->verify;
      t->host = g_strdup (self->host);
      if (self->ca != NULL)
        t->ca = g_bytes_new (self->ca->data, self->ca->len);
      t->ca_file = g_strdup (self->ca_file);
      t->cert_subject = g_strdup (self->cert_subject);
      if (self->pubkey != NULL)
        t->pubkey = g_bytes_new (self->pubkey->data, self->pubkey->len);
      t->ciphers = g_strdup (self->ciphers);
    }
  return TRUE;
}

void
tether_spice_session_set_name (TetherSpiceSession *self, const char *name)
{
  tether_spice_session_set_string (self, &self->name, name, PROP_NAME);
}

void
tether_spice_session_set_uuid (TetherSpiceSession *self, const guint8 *uuid)
{
  g_autoptr(GBytes) bytes = g_bytes_new (uuid, 16);

  if (self->uuid != NULL && g_bytes_equal (self->uuid, bytes))
    return;
  g_clear_pointer (&self->uuid, g_bytes_unref);
  self->uuid = g_steal_pointer (&bytes);
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[PROP_UUID]);
}

void
tether_spice_session_notify_uuid (TetherSpiceSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), tether_spice_session_properties[PROP_UUID]);
}

guint32
tether_spice_session_get_mm_time (TetherSpiceSession *self)
{
  if (self->mm_time_at == 0)
    return 0;
  return self->mm_time + (guint32) ((g_get_monotonic_time () - self->mm_time_at) / 1000);
}

void
tether_spice_session_set_mm_time (TetherSpiceSession *self, guint32 mm_time)
{
  gboolean was_set = self->mm_time_at != 0;
  guint32 expected = tether_spice_session_get_mm_time (self);

  self->mm_time = mm_time;
  self->mm_time_at = g_get_monotonic_time ();
  /* Unsigned distance in both directions, wrap-around included. */
  if (was_set && (guint32) (mm_time - expected) > MM_TIME_RESET_THRESHOLD_MS &&
      (guint32) (expected - mm_time) > MM_TIME_RESET_THRESHOLD_MS)
    {
      g_debug ("session: mm-time jumped from %u to %u", expected, mm_time);
      g_signal_emit (self, tether_spice_session_signals[SIGNAL_MM_TIME_RESET], 0);
    }
}

gboolean
tether_spice_session_channel_enabled (TetherSpiceSession *self, int type)
{
  const char *name = tether_spice_channel_type_to_string (type);

  if (self->disable_channels != NULL && name != NULL &&
      g_strv_contains ((const char * const *) self->disable_channels, name))
    return FALSE;
  switch (type)
    {
    case TETHER_SPICE_CHANNEL_TYPE_PLAYBACK:
    case TETHER_SPICE_CHANNEL_TYPE_RECORD:
      return self->enable_audio;
    case TETHER_SPICE_CHANNEL_TYPE_SMARTCARD:
      return self->enable_smartcard;
    case TETHER_SPICE_CHANNEL_TYPE_USBREDIR:
      return self->enable_usbredir;
    default:
      return TRUE;
    }
}

TetherSpiceChannel *
tether_spice_session_add_channel (TetherSpiceSession *self, int type, int id)
{
  TetherSpiceChannel *channel;

  if (find_channel (self, type, id) != NULL)
    return NULL;
  if (!tether_spice_session_channel_enabled (self, type))
    {
      g_debug ("session: %s channel %d is disabled", tether_spice_channel_type_to_string (type), id);
      return NULL;
    }
  channel = tether_spice_channel_new (self, type, id);
  if (channel == NULL)
    {
      g_debug ("session: Tether does not implement channel type %d (%s)", type,
               tether_spice_channel_type_to_string (type));
      return NULL;
    }
  tether_spice_session_attach_channel (self, channel);
  return channel;
}

int
tether_spice_session_get_cache_size (TetherSpiceSession *self)
{
  return self->cache_size;
}

int
tether_spice_session_get_glz_window_size (TetherSpiceSession *self)
{
  return self->glz_window_size;
}

/* As spice-gtk's spice_session_set_caches_hints(): an unset cache size is
 * 80 MiB, an unset GLZ window half the guest's RAM within 12..64 MiB. The
 * values become the properties' (not notified, as in spice-gtk). */
void
tether_spice_session_set_caches_hints (TetherSpiceSession *self, guint32 ram_hint)
{
  if (self->cache_size == 0)
    self->cache_size = (int) TETHER_SPICE_DEFAULT_CACHE_SIZE;
  if (self->glz_window_size == 0)
    self->glz_window_size = (int) tether_spice_display_default_glz_window_size (ram_hint);
}

TetherSpiceImageCache *
tether_spice_session_get_image_cache (TetherSpiceSession *self)
{
  return self->images;
}

TetherGlzWindow *
tether_spice_session_get_glz_window (TetherSpiceSession *self)
{
  return self->glz_window;
}

char **
tether_spice_session_dup_disable_effects (TetherSpiceSession *self)
{
  return g_strdupv (self->disable_effects);
}

