/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TetherX2goClient and TetherX2goSession against a scripted fake server: the
 * state machine, the hooks as signals, take-over detection, and failures. */
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

/* ---- changes made elsewhere ---------------------------------------------------------- */

void
test_suspended_elsewhere (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;
  g_autofree char *died = NULL;

  g_assert_true (do_start (f, uuid, &error));
  name = tether_x2go_client_get_session_name (f->client, uuid);
  /* Another client suspends it: the server drops our NX connection. */
  fake_server_find (f->server, name)->status = 'S';
  kill_fake_nxproxy (f);
  died = g_strdup_printf ("nxproxy-died:%s", name);
  wait_for_event (f, died);
  event = g_strdup_printf ("session-suspended:%s:other", name);
  wait_for_event (f, event);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));
}

void
test_taken_over (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;

  g_assert_true (do_start (f, uuid, &error));
  name = tether_x2go_client_get_session_name (f->client, uuid);
  /* Another client resumed it: our proxy dies, the server still says R. */
  kill_fake_nxproxy (f);
  event = g_strdup_printf ("session-resumed-by-other:%s", name);
  wait_for_event (f, event);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_RUNNING);
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));
  g_assert_false (tether_x2go_session_get_attached (tether_x2go_client_get_session (f->client, uuid)));
}

void
test_terminated_elsewhere_by_refresh (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;

  g_assert_true (do_start (f, uuid, &error));
  name = tether_x2go_client_get_session_name (f->client, uuid);
  /* Gone from the server while our proxy still runs: the periodic listing
   * notices. */
  fake_server_remove (f->server, name);
  tether_x2go_client_set_refresh_interval (f->client, 1);
  event = g_strdup_printf ("session-terminated:%s:other", name);
  wait_for_event (f, event);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_TERMINATED);
  g_assert_false (tether_x2go_session_get_attached (tether_x2go_client_get_session (f->client, uuid)));
}

void
test_resumed_elsewhere_by_refresh (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_true (do_suspend (f, uuid, NULL, &error));
  name = tether_x2go_client_get_session_name (f->client, uuid);
  fake_server_find (f->server, name)->status = 'R';
  tether_x2go_client_set_refresh_interval (f->client, 1);
  event = g_strdup_printf ("session-resumed-by-other:%s", name);
  wait_for_event (f, event);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_RUNNING);
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));
}

void
test_unregister (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_true (tether_x2go_client_unregister_session (f->client, uuid, &error));
  g_assert_no_error (error);
  g_assert_null (tether_x2go_client_get_session (f->client, uuid));
  all = tether_x2go_client_registered_sessions (f->client, TETHER_X2GO_SESSION_RETURN_UUIDS);
  g_assert_cmpuint (g_strv_length (all), ==, 0);
  g_assert_false (tether_x2go_client_unregister_session (f->client, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
}

void
test_disconnect_profile (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = register_default (f, g_variant_new_parsed ("{'profile_name': <'work'>}"));
  g_autofree char *b = register_default (f, g_variant_new_parsed ("{'profile_name': <'work'>}"));
  g_autofree char *c = register_default (f, g_variant_new_parsed ("{'profile_name': <'home'>}"));
  g_auto(GStrv) profiles = NULL;

  g_assert_true (do_connect (f, a, &error));
  g_assert_true (do_connect (f, b, &error));
  g_assert_true (do_connect (f, c, &error));
  profiles = tether_x2go_client_connected_sessions (f->client,
                                                    TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES);
  g_assert_cmpuint (g_strv_length (profiles), ==, 2);
  g_assert_true (tether_x2go_client_disconnect_profile (f->client, "work", &error));
  g_assert_no_error (error);
  g_assert_false (tether_x2go_client_is_session_connected (f->client, a));
  g_assert_false (tether_x2go_client_is_session_connected (f->client, b));
  g_assert_true (tether_x2go_client_is_session_connected (f->client, c));
  {
    g_autofree char *name = tether_x2go_client_get_session_profile_name (f->client, c);
    g_assert_cmpstr (name, ==, "home");
  }
}

void
test_many_servers (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = tether_x2go_client_register_session (f->client, "a.example", 22, "jdoe",
                                                            NULL, &error);
  g_autofree char *b = tether_x2go_client_register_session (f->client, "b.example", 2222, "jdoe",
                                                            NULL, &error);
  g_auto(GStrv) connected = NULL;
  g_auto(GStrv) profiles = NULL;
  guint pending = 2;
  GAsyncResult *results[2] = { NULL, NULL };

  g_assert_no_error (error);
  /* Two connects in flight at once. */
  {
    Fixture fa = *f, fb = *f;

    fa.result = fb.result = NULL;
    tether_x2go_client_connect_session_async (f->client, a, NULL, NULL, NULL, NULL, on_done, &fa);
    tether_x2go_client_connect_session_async (f->client, b, NULL, NULL, NULL, NULL, on_done, &fb);
    results[0] = wait_result (&fa);
    results[1] = wait_result (&fb);
    g_assert_true (tether_x2go_client_connect_session_finish (f->client, results[0], &error));
    g_assert_true (tether_x2go_client_connect_session_finish (f->client, results[1], &error));
    g_object_unref (results[0]);
    g_object_unref (results[1]);
    pending = 0;
  }
  g_assert_cmpuint (pending, ==, 0);
  connected = tether_x2go_client_connected_sessions (f->client, TETHER_X2GO_SESSION_RETURN_UUIDS);
  g_assert_cmpuint (g_strv_length (connected), ==, 2);
  profiles = tether_x2go_client_connected_sessions (f->client,
                                                    TETHER_X2GO_SESSION_RETURN_PROFILE_NAMES);
  g_assert_cmpuint (g_strv_length (profiles), ==, 1);
  g_assert_true (tether_x2go_client_has_connected_sessions (f->client));
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  /* Warm up what GLib opens once per process (the main context's wake-up
   * fd, the type system, GIO's worker) so the per-test fd check only sees
   * our own. */
  {
    TetherX2goClient *warm = tether_x2go_client_new ();
    gboolean done = FALSE;

    tether_x2go_client_list_desktops_async (warm, "x", NULL, NULL, NULL);
    g_object_unref (warm);
    iterate_until (&done, 50);
  }

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/x2go/client/register/defaults", test_register_defaults);
  ADD ("/x2go/client/register/localhost", test_register_localhost);
  ADD ("/x2go/client/register/bad-options", test_register_bad_options);
  ADD ("/x2go/client/register/bad-identity", test_register_bad_identity);
  ADD ("/x2go/client/register/unregister", test_unregister);
  ADD ("/x2go/client/not-supported", test_not_supported);
  ADD ("/x2go/client/unknown-uuid", test_unknown_uuid);
  ADD ("/x2go/client/connect/ok", test_connect);
  ADD ("/x2go/client/connect/refused", test_connect_refused);
  ADD ("/x2go/client/connect/agent-options", test_connect_agent_options);
  ADD ("/x2go/client/connect/no-x2goserver", test_connect_no_x2go);
  ADD ("/x2go/client/connect/malformed-listing", test_connect_malformed_listing);
  ADD ("/x2go/client/connect/check-host", test_check_host);
  ADD ("/x2go/client/connect/many-servers", test_many_servers);
  ADD ("/x2go/client/connect/disconnect-profile", test_disconnect_profile);
  ADD ("/x2go/client/connect/control-session-death", test_control_session_death);
  ADD ("/x2go/client/session/lifecycle", test_lifecycle);
  ADD ("/x2go/client/session/start/no-such-command", test_start_no_such_command);
  ADD ("/x2go/client/session/start/named-command", test_start_named_command_unchecked);
  ADD ("/x2go/client/session/start/malformed-agent-output", test_start_malformed_agent);
  ADD ("/x2go/client/session/start/cleanup-after-failure", test_start_agent_failure_cleans_up);
  ADD ("/x2go/client/session/start/nxproxy-missing", test_start_nxproxy_missing);
  ADD ("/x2go/client/session/start/no-display", test_start_no_display);
  ADD ("/x2go/client/session/start/cancelled", test_start_cancelled);
  ADD ("/x2go/client/session/busy", test_busy);
  ADD ("/x2go/client/session/resume/unknown", test_resume_unknown);
  ADD ("/x2go/client/session/resume/registered-name", test_resume_by_name_and_registered_name);
  ADD ("/x2go/client/session/foreign", test_foreign_suspend_terminate);
  ADD ("/x2go/client/session/foreign-commands", test_foreign_stop_commands);
  ADD ("/x2go/client/session/terminate-not-confirmed", test_terminate_not_confirmed);
  ADD ("/x2go/client/session/delegate-to-attached", test_delegate_to_attached);
  ADD ("/x2go/client/session/clean", test_clean_sessions);
  ADD ("/x2go/client/list/cache", test_list_sessions_cache);
  ADD ("/x2go/client/elsewhere/suspended", test_suspended_elsewhere);
  ADD ("/x2go/client/elsewhere/taken-over", test_taken_over);
  ADD ("/x2go/client/elsewhere/terminated", test_terminated_elsewhere_by_refresh);
  ADD ("/x2go/client/elsewhere/resumed", test_resumed_elsewhere_by_refresh);
#undef ADD
  return g_test_run ();
}
