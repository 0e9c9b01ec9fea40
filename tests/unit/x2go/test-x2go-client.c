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

typedef struct {
  TetherX2goClient *client;
  FakeServer       *server;
  char             *tmpdir;
  GPtrArray        *events;    /* "signal:arg" strings */
  GAsyncResult     *result;
  gboolean          check_host_answer;
  guint             fds_before;
} Fixture;

static const char fake_nxproxy[] =
  "#!/bin/sh\n"
  "printf '%s\\n' \"$@\" > \"$NX_ROOT/fake-nxproxy.args\"\n"
  "printf 'NX_CLIENT=%s\\nNX_ROOT=%s\\nDISPLAY=%s\\n' \"$NX_CLIENT\" \"$NX_ROOT\" \"$DISPLAY\" "
  "> \"$NX_ROOT/fake-nxproxy.env\"\n"
  "echo $$ > \"$NX_ROOT/fake-nxproxy.pid\"\n"
  "exec sleep 600\n";

/* ---- signal recording ------------------------------------------------------- */

static void
record (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
record (Fixture *f, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (f->events, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
on_three (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gpointer user_data)
{
  Fixture *f = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (c);

  record (f, "%s:%s", g_signal_name (hint->signal_id), name);
}

static void
on_by_me (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
          gboolean by_me, gpointer user_data)
{
  Fixture *f = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (c);

  record (f, "%s:%s:%s", g_signal_name (hint->signal_id), name, by_me ? "me" : "other");
}

static void
on_startup_failed (TetherX2goClient *c, const char *uuid, const char *profile,
                   gpointer user_data)
{
  record (user_data, "session-startup-failed");
}

static void
on_no_such_command (TetherX2goClient *c, const char *uuid, const char *cmd,
                    const char *profile, const char *name, gpointer user_data)
{
  record (user_data, "no-such-command:%s", cmd);
}

static void
on_death (TetherX2goClient *c, const char *uuid, const char *profile, GError *error,
          gpointer user_data)
{
  record (user_data, "control-session-death:%s", error->message);
}

static void
on_nxproxy_died (TetherX2goClient *c, const char *uuid, const char *name, const char *message,
                 gpointer user_data)
{
  record (user_data, "nxproxy-died:%s", name);
}

static gboolean
on_check_host (TetherX2goClient *c, const char *uuid, const char *profile, const char *host,
               guint port, const char *fingerprint, const char *type, gpointer user_data)
{
  Fixture *f = user_data;

  record (f, "check-host:%s:%u:%s:%s", host, port, fingerprint, type);
  return f->check_host_answer;
}

static gboolean
has_event (Fixture *f, const char *event)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal (g_ptr_array_index (f->events, i), event))
      return TRUE;
  return FALSE;
}

/* ---- fixture ---------------------------------------------------------------- */

static void
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

static void
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

static void
iterate_until (gboolean *flag, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static void
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

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (f->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (f->result);
  return f->result;
}

#define SYNC_BOOL(f, call, finish, error)                               \
  ({                                                                    \
    gboolean ok_;                                                       \
    g_clear_object (&(f)->result);                                      \
    call;                                                               \
    ok_ = finish ((f)->client, wait_result (f), (error));               \
    g_clear_object (&(f)->result);                                      \
    ok_;                                                                \
  })

static gboolean
do_connect (Fixture *f, const char *uuid, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_connect_session_async (f->client, uuid, NULL, NULL,
                                                                 NULL, NULL, on_done, f),
                    tether_x2go_client_connect_session_finish, error);
}

static gboolean
do_start (Fixture *f, const char *uuid, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_start_session_async (f->client, uuid, NULL,
                                                               on_done, f),
                    tether_x2go_client_start_session_finish, error);
}

static gboolean
do_resume (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_resume_session_async (f->client, uuid, name, NULL,
                                                                on_done, f),
                    tether_x2go_client_resume_session_finish, error);
}

static gboolean
do_suspend (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_suspend_session_async (f->client, uuid, name, NULL,
                                                                 on_done, f),
                    tether_x2go_client_suspend_session_finish, error);
}

static gboolean
do_terminate (Fixture *f, const char *uuid, const char *name, GError **error)
{
  return SYNC_BOOL (f, tether_x2go_client_terminate_session_async (f->client, uuid, name, NULL,
                                                                   on_done, f),
                    tether_x2go_client_terminate_session_finish, error);
}

static GPtrArray *
do_list (Fixture *f, const char *uuid, TetherX2goListFlags flags, char **raw, GError **error)
{
  GPtrArray *infos;

  g_clear_object (&f->result);
  tether_x2go_client_list_sessions_async (f->client, uuid, flags, NULL, on_done, f);
  infos = tether_x2go_client_list_sessions_finish (f->client, wait_result (f), raw, error);
  g_clear_object (&f->result);
  return infos;
}

static char *
register_default (Fixture *f, GVariant *options)
{
  g_autoptr(GError) error = NULL;
  char *uuid = tether_x2go_client_register_session (f->client, "x2go.example.org", 22, "jdoe",
                                                    options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  return uuid;
}

static char *
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

static TetherX2goSessionPhase
phase_of (Fixture *f, const char *uuid)
{
  return tether_x2go_session_get_phase (tether_x2go_client_get_session (f->client, uuid));
}

static char *
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

static void
kill_fake_nxproxy (Fixture *f)
{
  g_autofree char *pid = read_pid_file (f);
  guint64 n = 0;

  g_assert_true (g_ascii_string_to_unsigned (pid, 10, 2, G_MAXINT32, &n, NULL));
  g_assert_cmpint (kill ((pid_t) n, SIGKILL), ==, 0);
}

static void
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

/* ---- registration ------------------------------------------------------------- */

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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
static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

/* ---- the life of a session --------------------------------------------------------- */

static void
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

static void
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

static void
test_start_named_command_unchecked (Fixture *f, gconstpointer data)
{
  g_autofree char *uuid = connected_session (f, "TERMINAL");
  g_autoptr(GError) error = NULL;

  g_assert_true (do_start (f, uuid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_server_calls (f->server, "command"), ==, 0);
}

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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
static void
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

static void
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

static void
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

static void
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

static void
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

/* ---- changes made elsewhere ---------------------------------------------------------- */

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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
