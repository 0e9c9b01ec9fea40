/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-x2go-client: the life of a session (see test-x2go-client-support.h). */
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

/* ---- the life of a session --------------------------------------------------------- */

void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *args = NULL;
  g_autofree char *env = NULL;
  g_autofree char *args_path = g_build_filename (f->tmpdir, "sessions", "fake-nxproxy.args", NULL);
  g_autofree char *env_path = g_build_filename (f->tmpdir, "sessions", "fake-nxproxy.env", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *event = NULL;
  g_autofree char *session_dir = NULL;
  g_autoptr(TetherX2goSessionInfo) info = NULL;
  g_auto(GStrv) running = NULL;
  TetherX2goSession *s = tether_x2go_client_get_session (f->client, uuid);
  FakeSession *fs;
  g_autofree char *pid = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_no_error (error);
  name = tether_x2go_client_get_session_name (f->client, uuid);
  fs = fake_server_find (f->server, name);
  g_assert_nonnull (fs);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_RUNNING);
  g_assert_true (tether_x2go_session_get_attached (s));
  g_assert_true (tether_x2go_client_session_ok (f->client, uuid));
  g_assert_true (tether_x2go_client_is_session_running (f->client, uuid, NULL));
  g_assert_cmpuint (tether_x2go_session_get_display (s), ==, fs->display);
  g_assert_cmpuint (tether_x2go_session_get_graphics_port (s), ==, fs->graphics_port);
  g_assert_cmpuint (tether_x2go_session_get_local_port (s), ==, 40001);
  event = g_strdup_printf ("session-started-by-me:%s", name);
  g_assert_true (has_event (f, event));
  g_assert_cmpuint (fake_server_calls (f->server, "command"), ==, 1);
  g_assert_cmpuint (fake_server_calls (f->server, "x2goruncommand"), ==, 1);
  info = tether_x2go_client_get_session_info (f->client, uuid);
  g_assert_nonnull (info);
  g_assert_cmpstr (tether_x2go_session_info_get_name (info), ==, name);
  running = tether_x2go_client_running_sessions (f->client, TETHER_X2GO_SESSION_RETURN_SESSION_NAMES);
  g_assert_cmpuint (g_strv_length (running), ==, 1);
  g_assert_cmpstr (running[0], ==, name);
  g_assert_true (tether_x2go_client_has_running_sessions (f->client));
  g_assert_true (tether_x2go_client_has_associated_sessions (f->client));
  g_assert_true (tether_x2go_client_has_registered_session_of_name (f->client, name));
  {
    g_autofree char *found = tether_x2go_client_get_session_of_session_name (f->client, name);
    g_assert_cmpstr (found, ==, uuid);
  }

  /* nxproxy got the documented command line and environment. */
  pid = read_pid_file (f);
  g_assert_true (g_file_get_contents (args_path, &args, NULL, NULL));
  session_dir = g_strdup_printf ("%s/sessions/S-%s", f->tmpdir, name);
  expected = g_strdup_printf ("-S\nnx/nx,retry=5,composite=1,connect=127.0.0.1,clipboard=1,"
                              "cookie=%s,port=40001,errors=%s/session.err:%u\n",
                              fs->cookie, session_dir, fs->display);
  g_assert_cmpstr (args, ==, expected);
  g_assert_true (g_file_get_contents (env_path, &env, NULL, NULL));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("NX_CLIENT=/bin/true\nNX_ROOT=%s/sessions\nDISPLAY=:99\n", f->tmpdir);
  g_assert_cmpstr (env, ==, expected);
  g_assert_true (g_file_test (session_dir, G_FILE_TEST_IS_DIR));

  /* Start again while shown: refused. */
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  /* Suspend. */
  g_assert_true (do_suspend (f, uuid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fs->status, ==, 'S');
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
  g_assert_false (tether_x2go_session_get_attached (s));
  g_assert_false (tether_x2go_client_session_ok (f->client, uuid));
  g_clear_pointer (&event, g_free);
  event = g_strdup_printf ("session-suspended:%s:me", name);
  g_assert_true (has_event (f, event));
  g_assert_true (tether_x2go_client_is_session_suspended (f->client, uuid, NULL));
  g_assert_true (tether_x2go_client_has_suspended_sessions (f->client));

  /* Resume. */
  g_assert_true (do_resume (f, uuid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fs->status, ==, 'R');
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_RUNNING);
  g_assert_true (tether_x2go_session_get_attached (s));
  g_clear_pointer (&event, g_free);
  event = g_strdup_printf ("session-resumed-by-me:%s", name);
  g_assert_true (has_event (f, event));
  g_assert_cmpuint (fake_server_calls (f->server, "x2goruncommand"), ==, 1);

  /* Terminate. */
  g_assert_true (do_terminate (f, uuid, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (fake_server_find (f->server, name));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_TERMINATED);
  g_assert_true (tether_x2go_client_has_session_terminated (f->client, uuid, NULL));
  g_assert_false (tether_x2go_session_get_attached (s));
  g_clear_pointer (&event, g_free);
  event = g_strdup_printf ("session-terminated:%s:me", name);
  g_assert_true (has_event (f, event));
  g_assert_false (g_file_test (session_dir, G_FILE_TEST_EXISTS));

  /* The fake nxproxy really went away. */
  {
    guint64 n = 0;
    gboolean gone = FALSE;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    g_assert_true (g_ascii_string_to_unsigned (pid, 10, 2, G_MAXINT32, &n, NULL));
    while (!gone && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        gone = kill ((pid_t) n, 0) != 0;
        if (!gone)
          g_usleep (10000);
      }
    g_assert_true (gone);
  }
}

void
test_start_no_such_command (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "no-such-program --flag");
  g_autoptr(GError) error = NULL;

  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_COMMAND);
  g_assert_nonnull (strstr (error->message, "no-such-program"));
  g_assert_true (has_event (f, "no-such-command:no-such-program"));
  g_assert_cmpuint (fake_server_calls (f->server, "x2gostartagent"), ==, 0);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_FAILED);
}

void
test_start_named_command_unchecked (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "TERMINAL");
  g_autoptr(GError) error = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_server_calls (f->server, "command"), ==, 0);
}

void
test_start_malformed_agent (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (f->server->garbage, g_strdup ("x2gostartagent"),
                       g_strdup ("X2GODATABEGIN:not-ours\n50\nbogus\n"));
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
  g_assert_nonnull (strstr (error->message, "x2gostartagent"));
  g_assert_true (has_event (f, "session-startup-failed"));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_FAILED);
  g_assert_false (tether_x2go_session_get_attached (tether_x2go_client_get_session (f->client, uuid)));
}

void
test_start_agent_failure_cleans_up (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;

  /* The agent starts, then x2goruncommand fails: the half-started session
   * must not be left on the server. */
  g_hash_table_insert (f->server->status_override, g_strdup ("x2goruncommand"),
                       GINT_TO_POINTER (3));
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "x2goruncommand"));
  g_assert_cmpuint (fake_server_calls (f->server, "x2goterminate-session"), ==, 1);
  g_assert_cmpuint (f->server->sessions->len, ==, 0);
  g_assert_true (has_event (f, "session-startup-failed"));
}

void
test_start_nxproxy_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;

  tether_x2go_client_set_nxproxy_path (f->client, "/nonexistent/nxproxy");
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent/nxproxy"));
  g_assert_cmpuint (f->server->sessions->len, ==, 0);
}

void
test_start_no_display (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;

  tether_x2go_client_set_display (f->client, "");
  g_assert_false (do_start (f, uuid, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED);
  g_assert_nonnull (strstr (error->message, "DISPLAY"));
  g_assert_cmpuint (f->server->sessions->len, ==, 0);
}

void
test_start_cancelled (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (f->server->hang, g_strdup ("x2gostartagent"), GINT_TO_POINTER (1));
  g_clear_object (&f->result);
  tether_x2go_client_start_session_async (f->client, uuid, cancellable, on_done, f);
  while (fake_server_calls (f->server, "x2gostartagent") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_STARTING);
  g_cancellable_cancel (cancellable);
  g_assert_false (tether_x2go_client_start_session_finish (f->client, wait_result (f), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&f->result);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_FAILED);
}

void
test_busy (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GAsyncResult *first;

  g_hash_table_insert (f->server->hang, g_strdup ("x2gostartagent"), GINT_TO_POINTER (1));
  tether_x2go_client_start_session_async (f->client, uuid, cancellable, on_done, f);
  while (fake_server_calls (f->server, "x2gostartagent") == 0)
    g_main_context_iteration (NULL, TRUE);
  /* A second operation while the first runs. */
  {
    Fixture second = *f;

    second.result = NULL;
    tether_x2go_client_resume_session_async (f->client, uuid, "x", NULL, on_done, &second);
    g_assert_false (tether_x2go_client_resume_session_finish (f->client, wait_result (&second),
                                                              &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_clear_object (&second.result);
  }
  g_cancellable_cancel (cancellable);
  first = wait_result (f);
  g_assert_false (tether_x2go_client_start_session_finish (f->client, first, NULL));
  g_clear_object (&f->result);
}

void
test_resume_unknown (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (do_resume (f, uuid, "jdoe-77-1700000077_stRxterm_dp24", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_assert_nonnull (strstr (error->message, "jdoe-77-1700000077_stRxterm_dp24"));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_CONNECTED);
  g_assert_cmpuint (fake_server_calls (f->server, "x2goresume-session"), ==, 0);
  g_clear_error (&error);

  g_assert_false (do_resume (f, uuid, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (do_resume (f, uuid, "bad name; rm -rf /", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

void
test_resume_by_name_and_registered_name (Fixture *f, gconstpointer data)
{
  FakeSession *fs = fake_server_add (f->server, 'S');
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *event = NULL;
  GVariantBuilder b;

  /* Registered with the reference's session_name: connect finds it. */
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "session_name", g_variant_new_string (fs->name));
  uuid = register_default (f, g_variant_builder_end (&b));
  g_assert_true (do_connect (f, uuid, &error));
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_SUSPENDED);
  g_assert_true (do_resume (f, uuid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fs->status, ==, 'R');
  event = g_strdup_printf ("session-resumed-by-me:%s", fs->name);
  g_assert_true (has_event (f, event));
  g_assert_true (tether_x2go_client_session_ok (f->client, uuid));
}

void
test_foreign_suspend_terminate (Fixture *f, gconstpointer data)
{
  FakeSession *a = fake_server_add (f->server, 'R');
  FakeSession *b = fake_server_add (f->server, 'R');
  g_autofree char *uuid = connected_session (f, NULL);
  g_autofree char *a_name = g_strdup (a->name);
  g_autofree char *b_name = g_strdup (b->name);
  g_autoptr(GError) error = NULL;

  g_assert_true (do_suspend (f, uuid, a_name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, 'S');
  /* Suspending a suspended one again is fine and sends nothing. */
  g_assert_true (do_suspend (f, uuid, a_name, &error));
  g_assert_cmpuint (fake_server_calls (f->server, "x2gosuspend-session"), ==, 1);
  g_assert_true (do_terminate (f, uuid, b_name, &error));
  g_assert_no_error (error);
  g_assert_null (fake_server_find (f->server, b_name));
  /* Our own session was never touched. */
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_CONNECTED);

  /* Unknown names: the commands would print nothing, the listing tells. */
  g_assert_false (do_suspend (f, uuid, "jdoe-88-1700000088_stRxterm_dp24", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_false (do_terminate (f, uuid, "jdoe-88-1700000088_stRxterm_dp24", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_cmpuint (fake_server_calls (f->server, "x2goterminate-session"), ==, 1);
  g_assert_false (do_terminate (f, uuid, "x; reboot", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* The remote commands of a suspend/terminate by name: without the listing
 * cache a listing before the command (is the name there?) and one after it
 * (did it work?); with the cache the name is looked up in the last listing,
 * so only the command and the listing after it run. */
void
test_foreign_stop_commands (Fixture *f, gconstpointer data)
{
  FakeSession *a = fake_server_add (f->server, 'R');
  FakeSession *b = fake_server_add (f->server, 'R');
  g_autofree char *uuid = connected_session (f, NULL);
  g_autofree char *a_name = g_strdup (a->name);
  g_autofree char *b_name = g_strdup (b->name);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  guint lists = fake_server_calls (f->server, "x2golistsessions");
  FakeSession *late;
  g_autofree char *late_name = NULL;

  /* No cache: list, suspend, list. */
  g_assert_true (do_suspend (f, uuid, a_name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->status, ==, 'S');
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, lists + 2);
  g_assert_cmpuint (fake_server_calls (f->server, "x2gosuspend-session"), ==, 1);
  lists += 2;

  tether_x2go_client_set_use_listsessions_cache (f->client, TRUE);
  /* Suspended already, says the last listing: nothing runs. */
  g_assert_true (do_suspend (f, uuid, a_name, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, lists);
  g_assert_cmpuint (fake_server_calls (f->server, "x2gosuspend-session"), ==, 1);
  /* Terminate: the command, then one listing. */
  g_assert_true (do_terminate (f, uuid, b_name, &error));
  g_assert_no_error (error);
  g_assert_null (fake_server_find (f->server, b_name));
  g_assert_cmpuint (fake_server_calls (f->server, "x2goterminate-session"), ==, 1);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, lists + 1);
  lists++;
  /* The gone session, and one that never was: refused, nothing runs. */
  g_assert_false (do_terminate (f, uuid, b_name, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_false (do_suspend (f, uuid, "jdoe-88-1700000088_stRxterm_dp24", &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  g_assert_cmpuint (fake_server_calls (f->server, "x2goterminate-session"), ==, 1);
  g_assert_cmpuint (fake_server_calls (f->server, "x2gosuspend-session"), ==, 1);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, lists);

  /* A session newer than the last listing is unknown until a listing shows it. */
  late = fake_server_add (f->server, 'R');
  late_name = g_strdup (late->name);
  g_assert_false (do_terminate (f, uuid, late_name, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION);
  g_clear_error (&error);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_REFRESH_CACHE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (do_terminate (f, uuid, late_name, &error));
  g_assert_no_error (error);
  g_assert_null (fake_server_find (f->server, late_name));
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, lists + 2);
}

void
test_terminate_not_confirmed (Fixture *f, gconstpointer data)
{
  FakeSession *a = fake_server_add (f->server, 'R');
  g_autofree char *uuid = connected_session (f, NULL);
  g_autoptr(GError) error = NULL;

  f->server->ignore_terminate = TRUE;
  g_assert_false (do_terminate (f, uuid, a->name, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "still listed"));
  /* Sent once, then again twice while the listing still showed it. */
  g_assert_cmpuint (fake_server_calls (f->server, "x2goterminate-session"), ==, 3);
}

void
test_delegate_to_attached (Fixture *f, gconstpointer data)
{
  g_autofree char *shower = connected_session (f, "xterm");
  g_autofree char *other = connected_session (f, "xterm");
  g_autofree char *name = NULL;
  g_autofree char *event = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (do_start (f, shower, &error));
  name = tether_x2go_client_get_session_name (f->client, shower);
  /* Terminating it by name through another session cleans up the one that
   * shows it. */
  g_assert_true (do_terminate (f, other, name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (phase_of (f, shower), ==, TETHER_X2GO_SESSION_PHASE_TERMINATED);
  g_assert_false (tether_x2go_session_get_attached (tether_x2go_client_get_session (f->client, shower)));
  event = g_strdup_printf ("session-terminated:%s:me", name);
  g_assert_true (has_event (f, event));
}

void
test_clean_sessions (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "xterm");
  g_autoptr(GError) error = NULL;

  fake_server_add (f->server, 'R');
  fake_server_add (f->server, 'S');
  g_assert_true (do_start (f, uuid, &error));
  g_assert_cmpuint (f->server->sessions->len, ==, 3);
  g_assert_true (SYNC_BOOL (f, tether_x2go_client_clean_sessions_async (f->client, uuid, FALSE,
                                                                        NULL, on_done, f),
                            tether_x2go_client_clean_sessions_finish, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->server->sessions->len, ==, 0);
  g_assert_cmpint (phase_of (f, uuid), ==, TETHER_X2GO_SESSION_PHASE_TERMINATED);
}

void
test_list_sessions_cache (Fixture *f, gconstpointer data)
{
  FakeSession *a = fake_server_add (f->server, 'R');
  g_autofree char *uuid = connected_session (f, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autofree char *raw = NULL;
  guint calls = fake_server_calls (f->server, "x2golistsessions");

  infos = do_list (f, uuid, TETHER_X2GO_LIST_NONE, &raw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 1);
  g_assert_cmpstr (tether_x2go_session_info_get_name (g_ptr_array_index (infos, 0)), ==, a->name);
  g_assert_nonnull (strstr (raw, a->name));
  g_assert_true (g_str_has_suffix (raw, "|-1|-1\n"));
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, calls + 1);

  /* With the cache: the last listing answers, unless told otherwise. */
  tether_x2go_client_set_use_listsessions_cache (f->client, TRUE);
  fake_server_add (f->server, 'S');
  g_clear_pointer (&infos, g_ptr_array_unref);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_NONE, NULL, &error);
  g_assert_cmpuint (infos->len, ==, 1);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, calls + 1);
  g_clear_pointer (&infos, g_ptr_array_unref);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_REFRESH_CACHE, NULL, &error);
  g_assert_cmpuint (infos->len, ==, 2);
  g_assert_cmpuint (fake_server_calls (f->server, "x2golistsessions"), ==, calls + 2);
  fake_server_add (f->server, 'S');
  g_clear_pointer (&infos, g_ptr_array_unref);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_NONE, NULL, &error);
  g_assert_cmpuint (infos->len, ==, 2);
  g_clear_pointer (&infos, g_ptr_array_unref);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_NO_CACHE, NULL, &error);
  g_assert_cmpuint (infos->len, ==, 3);

  /* A malformed listing is an error naming the command. */
  g_hash_table_insert (f->server->garbage, g_strdup ("x2golistsessions"),
                       g_strdup ("junk\n"));
  g_clear_pointer (&infos, g_ptr_array_unref);
  infos = do_list (f, uuid, TETHER_X2GO_LIST_NO_CACHE, NULL, &error);
  g_assert_null (infos);
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
}
