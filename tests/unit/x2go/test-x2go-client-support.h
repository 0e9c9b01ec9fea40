/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixture and helpers of test-x2go-client (TetherX2goClient against the
                                                * scripted fake server), shared by its files: -support.c (fixture, signal
                                                * recording, synchronous wrappers), -connect.c (registration and connect),
                                                * -lifecycle.c (a session's life) and test-x2go-client.c (changes made
                                                * elsewhere, and main). */
#pragma once

#include "tether-x2go-client.h"
#include "test-x2go-client-fake.h"

typedef struct {
  TetherX2goClient *client;
  FakeServer       *server;
  char             *tmpdir;
  GPtrArray        *events;    /* "signal:arg" strings */
  GAsyncResult     *result;
  gboolean          check_host_answer;
  guint             fds_before;
} Fixture;

#define SYNC_BOOL(f, call, finish, error)                               \
  ({                                                                    \
    gboolean ok_;                                                       \
    g_clear_object (&(f)->result);                                      \
    call;                                                               \
    ok_ = finish ((f)->client, wait_result (f), (error));               \
    g_clear_object (&(f)->result);                                      \
    ok_;                                                                \
  })

void record (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);
void on_three (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
               gpointer user_data);
void on_by_me (TetherX2goClient *c, const char *uuid, const char *profile, const char *name,
               gboolean by_me, gpointer user_data);
void on_startup_failed (TetherX2goClient *c, const char *uuid, const char *profile,
                        gpointer user_data);
void on_no_such_command (TetherX2goClient *c, const char *uuid, const char *cmd,
                         const char *profile, const char *name, gpointer user_data);
void on_death (TetherX2goClient *c, const char *uuid, const char *profile, GError *error,
               gpointer user_data);
void on_nxproxy_died (TetherX2goClient *c, const char *uuid, const char *name, const char *message,
                      gpointer user_data);
gboolean on_check_host (TetherX2goClient *c, const char *uuid, const char *profile, const char *host,
                        guint port, const char *fingerprint, const char *type, gpointer user_data);
gboolean has_event (Fixture *f, const char *event);
void fixture_setup (Fixture *f, gconstpointer data);
void remove_tree (const char *path);
void iterate_until (gboolean *flag, guint timeout_ms);
void fixture_teardown (Fixture *f, gconstpointer data);
void on_done (GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult * wait_result (Fixture *f);
gboolean do_connect (Fixture *f, const char *uuid, GError **error);
gboolean do_start (Fixture *f, const char *uuid, GError **error);
gboolean do_resume (Fixture *f, const char *uuid, const char *name, GError **error);
gboolean do_suspend (Fixture *f, const char *uuid, const char *name, GError **error);
gboolean do_terminate (Fixture *f, const char *uuid, const char *name, GError **error);
GPtrArray * do_list (Fixture *f, const char *uuid, TetherX2goListFlags flags, char **raw, GError **error);
char * register_default (Fixture *f, GVariant *options);
char * connected_session (Fixture *f, const char *cmd);
TetherX2goSessionPhase phase_of (Fixture *f, const char *uuid);
char * read_pid_file (Fixture *f);
void kill_fake_nxproxy (Fixture *f);
void wait_for_event (Fixture *f, const char *event);

/* The tests, registered by main(). */
void test_register_defaults (Fixture *f, gconstpointer data);
void test_register_localhost (Fixture *f, gconstpointer data);
void test_register_bad_options (Fixture *f, gconstpointer data);
void test_register_bad_identity (Fixture *f, gconstpointer data);
void test_not_supported (Fixture *f, gconstpointer data);
void test_unknown_uuid (Fixture *f, gconstpointer data);
void test_connect (Fixture *f, gconstpointer data);
void test_connect_agent_options (Fixture *f, gconstpointer data);
void test_connect_refused (Fixture *f, gconstpointer data);
void test_connect_no_x2go (Fixture *f, gconstpointer data);
void test_connect_malformed_listing (Fixture *f, gconstpointer data);
void test_check_host (Fixture *f, gconstpointer data);
void test_control_session_death (Fixture *f, gconstpointer data);
void test_lifecycle (Fixture *f, gconstpointer data);
void test_start_no_such_command (Fixture *f, gconstpointer data);
void test_start_named_command_unchecked (Fixture *f, gconstpointer data);
void test_start_malformed_agent (Fixture *f, gconstpointer data);
void test_start_agent_failure_cleans_up (Fixture *f, gconstpointer data);
void test_start_nxproxy_missing (Fixture *f, gconstpointer data);
void test_start_no_display (Fixture *f, gconstpointer data);
void test_start_cancelled (Fixture *f, gconstpointer data);
void test_busy (Fixture *f, gconstpointer data);
void test_resume_unknown (Fixture *f, gconstpointer data);
void test_resume_by_name_and_registered_name (Fixture *f, gconstpointer data);
void test_foreign_suspend_terminate (Fixture *f, gconstpointer data);
void test_foreign_stop_commands (Fixture *f, gconstpointer data);
void test_terminate_not_confirmed (Fixture *f, gconstpointer data);
void test_delegate_to_attached (Fixture *f, gconstpointer data);
void test_clean_sessions (Fixture *f, gconstpointer data);
void test_list_sessions_cache (Fixture *f, gconstpointer data);
void test_suspended_elsewhere (Fixture *f, gconstpointer data);
void test_taken_over (Fixture *f, gconstpointer data);
void test_terminated_elsewhere_by_refresh (Fixture *f, gconstpointer data);
void test_resumed_elsewhere_by_refresh (Fixture *f, gconstpointer data);
void test_unregister (Fixture *f, gconstpointer data);
void test_disconnect_profile (Fixture *f, gconstpointer data);
void test_many_servers (Fixture *f, gconstpointer data);
