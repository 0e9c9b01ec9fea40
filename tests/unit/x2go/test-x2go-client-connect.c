/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-x2go-client: registration and connecting (see test-x2go-client-support.h). */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tether-enum-types.h"
#include "tether-error.h"
#include "tether-x2go-client.h"
#include "tether-x2go-client-private.h"
#include "test-x2go-client-fake.h"
#include "tether-test-utils.h"
#include "test-x2go-client-support.h"

/* ---- registration ------------------------------------------------------------- */

void
test_register_defaults (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = register_default (f, NULL);
  g_auto(GStrv) all = NULL;
  g_autoptr(GVariant) summary = NULL;
  TetherX2goSession *s;
  const char *command = NULL, *phase = NULL;
  guint port = 0;

  g_assert_true (g_uuid_string_is_valid (uuid));
  s = tether_x2go_client_get_session (f->client, uuid);
  g_assert_nonnull (s);
  g_assert_cmpstr (tether_x2go_session_get_uuid (s), ==, uuid);
  g_assert_cmpstr (tether_x2go_session_get_server (s), ==, "x2go.example.org");
  g_assert_cmpuint (tether_x2go_session_get_port (s), ==, 22);
  g_assert_cmpstr (tether_x2go_session_get_username (s), ==, "jdoe");
  g_assert_null (tether_x2go_session_get_session_name (s));
  g_assert_cmpint (tether_x2go_session_get_phase (s), ==, TETHER_X2GO_SESSION_PHASE_REGISTERED);
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
  g_assert_false (tether_x2go_client_server_is_alive (f->client, uuid));
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));

  all = tether_x2go_client_registered_sessions (f->client, TETHER_X2GO_SESSION_RETURN_UUIDS);
  g_assert_cmpuint (g_strv_length (all), ==, 1);
  g_assert_cmpstr (all[0], ==, uuid);

  summary = tether_x2go_client_get_session_summary (f->client, uuid);
  g_assert_true (g_variant_lookup (summary, "command", "&s", &command));
  g_assert_cmpstr (command, ==, "TERMINAL");
  g_assert_true (g_variant_lookup (summary, "phase", "&s", &phase));
  g_assert_cmpstr (phase, ==, "registered");
  g_assert_true (g_variant_lookup (summary, "port", "u", &port));
  g_assert_cmpuint (port, ==, 22);
  g_assert_null (tether_x2go_client_get_session (f->client, "no-such-uuid"));
}

void
test_register_localhost (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = tether_x2go_client_register_session (f->client, " localhost ", 0, NULL,
                                                               NULL, &error);
  g_autofree char *host = NULL;

  g_assert_no_error (error);
  host = tether_x2go_client_get_session_server_hostname (f->client, uuid);
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpuint (tether_x2go_session_get_port (tether_x2go_client_get_session (f->client, uuid)),
                    ==, 22);
}

typedef struct {
  const char *text;       /* a GVariant text a{sv} */
  GQuark      domain;
  gint        code;
  const char *in_message;
} BadOption;

void
test_register_bad_options (Fixture *f, gconstpointer data)
{
  const BadOption cases[] = {
    { "{'no_such_key': <1>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no_such_key" },
    { "{'cmd': <1>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "'cmd'" },
    { "{'cmd': <''>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "empty" },
    { "{'geometry': <'huge'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "geometry" },
    { "{'geometry': <'0x600'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "geometry" },
    { "{'geometry': <'maximize'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "maximize" },
    { "{'link': <'fast'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "link" },
    { "{'pack': <'16m jpeg'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "pack" },
    { "{'depth': <uint32 12>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "depth" },
    { "{'depth': <-24>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "negative" },
    { "{'dpi': <'abc'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "dpi" },
    { "{'clipboard': <'all'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "clipboard" },
    { "{'kbtype': <'pc105/us;rm'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "kbtype" },
    { "{'session_type': <'shadow'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "desktop sharing" },
    { "{'session_type': <'published'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "published" },
    { "{'session_type': <'nonsense'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "session_type" },
    { "{'snd_system': <'pulse'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "sound" },
    { "{'snd_system': <'oss'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "snd_system" },
    { "{'printing': <true>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "printing" },
    { "{'allow_mimebox': <true>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "MIME box" },
    { "{'allow_share_local_folders': <true>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "folder" },
    { "{'share_local_folders': <['/home']>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "folder" },
    { "{'published_applications': <true>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "published" },
    { "{'use_sshproxy': <true>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_host" },
    { "{'use_sshproxy': <true>, 'sshproxy_host': <'j'>, 'sshproxy_type': <'HTTP'>}", G_IO_ERROR,
      G_IO_ERROR_NOT_SUPPORTED, "SSH jump host" },
    { "{'sshproxy_port': <uint32 0>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_port" },
    { "{'sshproxy_user': <'-oProxyCommand'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "sshproxy_user" },
    { "{'sshproxy_reuse_authinfo': <'yes'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "type 'b'" },
    { "{'sshproxy_tunnel': <'a:1:b:2'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "sshproxy_tunnel" },
    { "{'forward_sshagent': <'yes'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "type 'b'" },
    { "{'rdp_server': <'h'>}", G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "RDP" },
    { "{'session_name': <'../etc'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "session name" },
    { "{'username': <'-oProxyCommand'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "user name" },
    { "{'port': <uint32 70000>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "port" },
    { "{'key_filename': <[1, 2]>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "key_filename" },
    { "{'add_to_known_hosts': <'yes'>}", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "type 'b'" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = g_variant_parse (G_VARIANT_TYPE_VARDICT, cases[i].text,
                                                     NULL, NULL, &error);
      g_autofree char *uuid = NULL;

      g_assert_no_error (error);
      uuid = tether_x2go_client_register_session (f->client, "h.example", 22, "jdoe", options,
                                                  &error);
      g_assert_null (uuid);
      g_assert_error (error, cases[i].domain, cases[i].code);
      if (strstr (error->message, cases[i].in_message) == NULL)
        g_error ("case %s: message '%s' lacks '%s'", cases[i].text, error->message,
                 cases[i].in_message);
    }
  {
    g_auto(GStrv) all = tether_x2go_client_registered_sessions (f->client,
                                                                TETHER_X2GO_SESSION_RETURN_UUIDS);
    g_assert_cmpuint (g_strv_length (all), ==, 0);
  }
}

void
test_register_bad_identity (Fixture *f, gconstpointer data)
{
  const char *servers[] = { "", "-oProxyCommand=x", "host name", "h\nx", "h;x", NULL };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *uuid = tether_x2go_client_register_session (f->client, servers[i], 22,
                                                                   "jdoe", NULL, &error);
      g_assert_null (uuid);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_null (tether_x2go_client_register_session (f->client, "h", 22, "bad user", NULL,
                                                      &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_session (f->client, "h", 70000, "u", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_register_session (f->client, "h", 22, "u",
                                                      g_variant_new_string ("x"), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

void
test_not_supported (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = register_default (f, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_x2go_client_disconnect_profile (f->client, "p", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_set_session_print_action (f->client, uuid, "PDFVIEW",
                                                               &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_set_session_mimebox_action (f->client, uuid, "OPEN", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_start_sound (f->client, uuid, "pulse", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_set_broker (f->client, "https://b", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_false (SYNC_BOOL (f, tether_x2go_client_share_local_folder_async (f->client, uuid, "/tmp",
                                                                            NULL, on_done, f),
                             tether_x2go_client_share_local_folder_finish, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (SYNC_BOOL (f, tether_x2go_client_unshare_local_folder_async (f->client, uuid,
                                                                              NULL, NULL,
                                                                              on_done, f),
                             tether_x2go_client_unshare_local_folder_finish, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (SYNC_BOOL (f, tether_x2go_client_share_desktop_session_async (f->client, uuid,
                                                                               "u@:50", 0, NULL,
                                                                               on_done, f),
                             tether_x2go_client_share_desktop_session_finish, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  tether_x2go_client_list_desktops_async (f->client, uuid, NULL, on_done, f);
  g_assert_null (tether_x2go_client_list_desktops_finish (f->client, wait_result (f), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_clear_object (&f->result);
  tether_x2go_client_list_mounts_async (f->client, uuid, NULL, on_done, f);
  g_assert_null (tether_x2go_client_list_mounts_finish (f->client, wait_result (f), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_clear_object (&f->result);
  tether_x2go_client_get_published_applications_async (f->client, uuid, NULL, NULL, on_done, f);
  g_assert_null (tether_x2go_client_get_published_applications_finish (f->client, wait_result (f),
                                                                        &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_object (&f->result);
}

void
test_unknown_uuid (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (do_connect (f, "nope", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);
  g_assert_false (do_start (f, "nope", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_false (tether_x2go_client_disconnect_session (f->client, "nope", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_null (tether_x2go_client_get_server_features (f->client, "nope", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
}

/* ---- connect -------------------------------------------------------------------- */

void
test_connect (Fixture *f, gconstpointer data)
{
  FakeSession *running = fake_server_add (f->server, 'R');
  FakeSession *suspended = fake_server_add (f->server, 'S');
  g_autofree char *uuid = connected_session (f, NULL);
  g_autofree char *found = g_strdup_printf ("found-session-running-after-connect:%s",
                                            running->name);
  g_autofree char *not_found = g_strdup_printf ("found-session-running-after-connect:%s",
                                                suspended->name);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) features = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GHashTable) versions = NULL;
  g_autofree char *peer = NULL;
  guint peer_port = 0;

  g_assert_true (tether_x2go_client_is_session_connected (f->client, uuid));
  g_assert_true (tether_x2go_client_server_is_alive (f->client, uuid));
  g_assert_true (tether_x2go_client_all_servers_are_alive (f->client));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_CONNECTED);
  g_assert_true (has_event (f, found));
  g_assert_false (has_event (f, not_found));

  features = tether_x2go_client_get_server_features (f->client, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (features), ==, 3);
  g_assert_cmpstr (features[0], ==, "X2GO_LIST_DESKTOPS");
  g_assert_true (tether_x2go_client_has_server_feature (f->client, uuid, "X2GO_MOUNTDIRS"));
  g_assert_false (tether_x2go_client_has_server_feature (f->client, uuid, "X2GO_TELEKINESIS"));
  versions = tether_x2go_client_get_server_versions (f->client, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (versions, "x2goserver"), ==, "4.1.0.3");

  names = tether_x2go_client_server_running_sessions (f->client, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, running->name);
  g_clear_pointer (&names, g_strfreev);
  names = tether_x2go_client_server_suspended_sessions (f->client, uuid, &error);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, suspended->name);
  g_assert_true (tether_x2go_client_server_has_running_sessions (f->client, uuid));
  g_assert_true (tether_x2go_client_server_has_suspended_session_of_name (f->client, uuid,
                                                                          suspended->name));
  g_assert_false (tether_x2go_client_server_has_running_session_of_name (f->client, uuid,
                                                                         suspended->name));
  g_assert_true (tether_x2go_client_is_session_running (f->client, uuid, running->name));
  g_assert_true (tether_x2go_client_is_session_suspended (f->client, uuid, suspended->name));
  g_assert_true (tether_x2go_client_has_session_terminated (f->client, uuid, "jdoe-99-1_stRx_dp24"));

  peer = tether_x2go_client_get_session_server_peername (f->client, uuid, &peer_port);
  g_assert_cmpstr (peer, ==, "192.0.2.1");
  g_assert_cmpuint (peer_port, ==, 22);

  /* Connecting again is a no-op. */
  g_assert_true (do_connect (f, uuid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, 1);

  g_assert_true (tether_x2go_client_disconnect_session (f->client, uuid, &error));
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_REGISTERED);
}

/* forward_sshagent and allow_agent reach the SSH layer's connect. */
void
test_connect_agent_options (Fixture *f, gconstpointer data)
{
  const struct {
    const char *text;
    gboolean    allow_agent;
    gboolean    forward_agent;
  } cases[] = {
    { "{'forward_sshagent': <true>}", FALSE, TRUE },
    { "{'forward_sshagent': <false>, 'allow_agent': <true>}", TRUE, FALSE },
    { "{'forward_sshagent': <true>, 'allow_agent': <true>}", TRUE, TRUE },
    { "@a{sv} {}", FALSE, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = g_variant_parse (G_VARIANT_TYPE_VARDICT, cases[i].text,
                                                     NULL, NULL, &error);
      g_autofree char *uuid = NULL;
      guint before = f->server->connects;

      g_assert_no_error (error);
      uuid = register_default (f, options);
      g_assert_true (do_connect (f, uuid, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (f->server->connects, ==, before + 1);
      g_assert_cmpint (f->server->last_allow_agent, ==, cases[i].allow_agent);
      g_assert_cmpint (f->server->last_forward_agent, ==, cases[i].forward_agent);
      g_assert_true (tether_x2go_client_disconnect_session (f->client, uuid, &error));
      g_assert_no_error (error);
    }
}

void
test_connect_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = register_default (f, NULL);
  g_autoptr(GError) error = NULL;

  f->server->connect_error = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED,
                                          "fake: permission denied (password)");
  g_assert_false (do_connect (f, uuid, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_REGISTERED);
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
}

void
test_connect_no_x2go (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = register_default (f, NULL);
  g_autoptr(GError) error = NULL;

  f->server->has_x2go = FALSE;
  g_assert_false (do_connect (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER);
  g_assert_nonnull (strstr (error->message, "x2goserver"));
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_REGISTERED);
}

void
test_connect_malformed_listing (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = register_default (f, NULL);
  g_autoptr(GError) error = NULL;

  /* No output frame at all: the shell did not run our command. */
  g_hash_table_insert (f->server->garbage, g_strdup ("x2golistsessions"),
                       g_strdup ("1|2|3\n"));
  g_assert_false (do_connect (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
  g_assert_nonnull (strstr (error->message, "x2golistsessions"));
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
}

void
test_check_host (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *tofu = NULL;
  gulong id;

  f->server->ask_host_key = TRUE;

  /* No handler, no add_to_known_hosts: refused. */
  uuid = register_default (f, NULL);
  g_assert_false (do_connect (f, uuid, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);

  /* No handler, add_to_known_hosts: trust on first use. */
  tofu = register_default (f, g_variant_new_parsed ("{'add_to_known_hosts': <true>}"));
  g_assert_true (do_connect (f, tofu, &error));
  g_assert_no_error (error);

  /* A handler decides, with the hook's arguments. */
  id = g_signal_connect (f->client, "check-host", G_CALLBACK (on_check_host), f);
  f->check_host_answer = FALSE;
  g_assert_false (do_connect (f, uuid, &error));
  g_assert_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);
  g_assert_true (has_event (f, "check-host:x2go.example.org:22:SHA256:fakefakefake:ssh-ed25519"));
  f->check_host_answer = TRUE;
  g_assert_true (do_connect (f, uuid, &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (f->client, id);
}

void
test_control_session_death (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_true (tether_x2go_client_session_ok (f->client, uuid));
  fake_server_drop_connections (f->server);
  g_assert_true (has_event (f, "control-session-death:fake: the server went away"));
  g_assert_false (tether_x2go_client_is_session_connected (f->client, uuid));
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_REGISTERED);
  g_assert_false (tether_x2go_session_get_attached (tether_x2go_client_get_session (f->client, uuid)));
  /* The session name is kept: it can be resumed after a reconnect. */
  g_assert_nonnull (tether_x2go_session_get_session_name (tether_x2go_client_get_session (f->client, uuid)));
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NOT_CONNECTED);
}
