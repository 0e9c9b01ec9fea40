/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-x2go-client: the fixture, signal recording and synchronous wrappers (see test-x2go-client-support.h). */
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

static const char fake_nxproxy[] =
  "#!/bin/sh\n"
  "printf '%s\\n' \"$@\" > \"$NX_ROOT/fake-nxproxy.args\"\n"
  "printf 'NX_CLIENT=%s\\nNX_ROOT=%s\\nDISPLAY=%s\\n' \"$NX_CLIENT\" \"$NX_ROOT\" \"$DISPLAY\" "
  "> \"$NX_ROOT/fake-nxproxy.env\"\n"
  "echo $$ > \"$NX_ROOT/fake-nxproxy.pid\"\n"
  "exec sleep 600\n";

/* ---- signal recording ------------------------------------------------------- */

void
record (Fixture *f, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (f->events, g_strdup_vprintf (format, args));
  va_end (args);
}

void
on_three (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gpointer user_data)
{
  Fixture *f = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (c);

  record (f, "%s:%s", g_signal_name (hint->signal_id), name);
}

void
on_by_me (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gboolean by_me, gpointer user_data)
{
  Fixture *f = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (c);

  record (f, "%s:%s:%s", g_signal_name (hint->signal_id), name, by_me ? "me" : "other");
}

void
on_startup_failed (TetherX2goClient *c, const char *uuid, const char *profile,
                   gpointer user_data)
{
  record (user_data, "session-startup-failed");
}

void
on_no_such_command (TetherX2goClient *c, const char *uuid, const char *cmd,
                    const char *profile, const char *name, gpointer user_data)
{
  record (user_data, "no-such-command:%s", cmd);
}

void
on_death (TetherX2goClient *c, const char *uuid, const char *profile, GError *error,
          gpointer user_data)
{
  record (user_data, "control-session-death:%s", error->message);
}

void
on_nxproxy_died (TetherX2goClient *c, const char *uuid, const char *name, const char *message,
                 gpointer user_data)
{
  record (user_data, "nxproxy-died:%s", name);
}

gboolean
on_check_host (TetherX2goClient *c, const char *uuid, const char *profile, const char *host,
               guint port, const char *fingerprint, const char *type, gpointer user_data)
{
  Fixture *f = user_data;

  record (f, "check-host:%s:%u:%s:%s", host, port, fingerprint, type);
  return f->check_host_answer;
}

gboolean
has_event (Fixture *f, const char *event)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal (g_ptr_array_index (f->events, i), event))
      return TRUE;
  return FALSE;
}

/* ---- fixture ---------------------------------------------------------------- */

void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;

  f->fds_before = tether_test_count_fds ();
  f->tmpdir = g_dir_make_tmp ("tether-x2go-client-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (f->tmpdir, "fake-nxproxy", NULL);
  g_file_set_contents (script, fake_nxproxy, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  f->server = fake_server_new ();
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->client = tether_x2go_client_new ();
  tether_x2go_client_set_transport_factory (f->client, fake_transport_factory, f->server, NULL);
  tether_x2go_client_set_nxproxy_path (f->client, script);
  tether_x2go_client_set_display (f->client, ":99");
  {
    g_autofree char *root = g_build_filename (f->tmpdir, "sessions", NULL);
    tether_x2go_client_set_sessions_rootdir (f->client, root);
  }
  tether_x2go_client_set_refresh_interval (f->client, 0);
  tether_x2go_client_set_confirm_interval (f->client, 5);

  for (const char *const *s = (const char *const[]) { "session-started-by-me",
         "session-started-by-other", "session-resumed-by-me", "session-resumed-by-other",
         "found-session-running-after-connect", NULL }; *s != NULL; s++)
    g_signal_connect (f->client, *s, G_CALLBACK (on_three), f);
  g_signal_connect (f->client, "session-suspended", G_CALLBACK (on_by_me), f);
  g_signal_connect (f->client, "session-terminated", G_CALLBACK (on_by_me), f);
  g_signal_connect (f->client, "session-startup-failed", G_CALLBACK (on_startup_failed), f);
  g_signal_connect (f->client, "no-such-command", G_CALLBACK (on_no_such_command), f);
  g_signal_connect (f->client, "control-session-death", G_CALLBACK (on_death), f);
  g_signal_connect (f->client, "nxproxy-died", G_CALLBACK (on_nxproxy_died), f);
}

void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
iterate_until (gboolean *flag, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gboolean never = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gpointer client = f->client;

  /* The client must go with its last reference (pending tasks finish from
   * idles first); stopped fake nxproxies are reaped meanwhile. */
  g_object_add_weak_pointer (client, &client);
  g_clear_object (&f->client);
  while (client != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  if (client != NULL)
    g_error ("the client outlived its test (%u references)", G_OBJECT (client)->ref_count);
  iterate_until (&never, 50);
  tether_test_assert_no_fd_leak (f->fds_before);
  g_clear_pointer (&f->result, g_object_unref);
  fake_server_free (f->server);
  g_ptr_array_unref (f->events);
  remove_tree (f->tmpdir);
  g_free (f->tmpdir);
}

/* ---- synchronous wrappers for the tests ----------------------------------------- */

void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

GAsyncResult *
wait_result (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (f->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (f->result);
  return f->result;
}

gboolean
do_connect (Fixture *f, const char *uuid, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_connect_session_async (f->client, uuid, NULL, NULL,
                                                                 NULL, NULL, on_done, f),
                    tether_x2go_client_connect_session_finish, error);
}

gboolean
do_start (Fixture *f, const char *uuid, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_start_session_async (f->client, uuid, NULL,
                                                               on_done, f),
                    tether_x2go_client_start_session_finish, error);
}

gboolean
do_resume (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_resume_session_async (f->client, uuid, name, NULL,
                                                                on_done, f),
                    tether_x2go_client_resume_session_finish, error);
}

gboolean
do_suspend (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_suspend_session_async (f->client, uuid, name, NULL,
                                                                 on_done, f),
                    tether_x2go_client_suspend_session_finish, error);
}

gboolean
do_terminate (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_terminate_session_async (f->client, uuid, name, NULL,
                                                                   on_done, f),
                    tether_x2go_client_terminate_session_finish, error);
}

GPtrArray *
do_list (Fixture *f, const char *uuid, TetherX2goListFlags flags, char **raw, GError **error)
{
  GPtrArray *infos;

  g_clear_object (&f->result);
  tether_x2go_client_list_sessions_async (f->client, uuid, flags, NULL, on_done, f);
  infos = tether_x2go_client_list_sessions_finish (f->client, wait_result (f), raw, error);
  g_clear_object (&f->result);
  return infos;
}

char *
register_default (Fixture *f, GVariant *options)
{
  g_autoptr(GError) error = NULL;
  char *uuid = tether_x2go_client_register_session (f->client, "x2go.example.org", 22, "jdoe",
                                                    options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  return uuid;
}

char *
connected_session (Fixture *f, const char *cmd)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder b;
  char *uuid;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "cmd", g_variant_new_string (cmd != NULL ? cmd : "xterm"));
  uuid = register_default (f, g_variant_builder_end (&b));
  g_assert_true (do_connect (f, uuid, &error));
  g_assert_no_error (error);
  return uuid;
}

TetherX2goSessionPhase
phase_of (Fixture *f, const char *uuid)
{
  return tether_x2go_session_get_phase (tether_x2go_client_get_session (f->client, uuid));
}

char *
read_pid_file (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->tmpdir, "sessions", "fake-nxproxy.pid", NULL);
  char *text = NULL;
  gboolean found = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!found && g_get_monotonic_time () < deadline)
    {
      found = g_file_get_contents (path, &text, NULL, NULL) && strchr (text, '\n') != NULL;
      if (!found)
        {
          g_clear_pointer (&text, g_free);
          g_usleep (10000);
        }
    }
  g_assert_true (found);
  g_strstrip (text);
  return text;
}

void
kill_fake_nxproxy (Fixture *f)
{
  g_autofree char *pid = read_pid_file (f);
  guint64 n = 0;

  g_assert_true (g_ascii_string_to_unsigned (pid, 10, 2, G_MAXINT32, &n, NULL));
  g_assert_cmpint (kill ((pid_t) n, SIGKILL), ==, 0);
}

void
wait_for_event (Fixture *f, const char *event)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!has_event (f, event) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!has_event (f, event))
    {
      for (guint i = 0; i < f->events->len; i++)
        g_printerr ("  event: %s\n", (char *) g_ptr_array_index (f->events, i));
      g_error ("no event '%s'", event);
    }
}
