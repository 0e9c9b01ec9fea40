/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tether x2go: an X2Go command-line client with pyhoca-cli's main options,
 * on the public TetherX2goClient API only. Several --server options run in
 * parallel (one registered session each); -P PROFILE takes the server and
 * the session's settings from a session profile, the other options given
 * replace the profile's values. -N and -R stay in the foreground
 * while the session runs and return when it is suspended, taken over or
 * terminated (here with Ctrl-C, or elsewhere).
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <tether/tether.h>

#include "tether-tool.h"
#include "tether-x2go-cli.h"
#include "tether-x2go-json.h"

#define REFRESH_INTERVAL     2     /* seconds: as often as pyhoca-cli checks */
#define PROXY_DEATH_GRACE    20    /* seconds to learn why nxproxy ended */
#define MAX_SERVERS          64

typedef struct _Cli Cli;

typedef struct {
  Cli        *cli;
  char       *host;
  guint       port;
  char       *label;        /* host:port, for messages */
  char       *uuid;
  GError     *error;        /* the first failure on this server */
  gboolean    busy;
  GPtrArray  *infos;        /* last listing */
  char       *raw;
  char       *session_name; /* -N/-R: the session shown */
  gboolean    watching;     /* foreground, until it ends */
  char       *end_message;
  gboolean    end_failed;
  guint       grace_id;
} Server;

struct _Cli {
  TetherX2goClient *client;
  GPtrArray        *servers;
  guint             pending;
  gboolean          interrupted;
  gboolean          quiet;
  gboolean          json;

  /* options */
  char            **server_opts;
  char             *username;
  char             *password;
  gboolean          force_password;
  gint              port;
  char            **keys;
  gboolean          add_to_known_hosts;
  char             *known_hosts;
  gboolean          new_session;
  gboolean          try_resume;
  char             *resume;
  char             *suspend;
  char             *terminate;
  gboolean          list;
  char             *command;
  char             *geometry;
  char             *session_type;
  char             *link;
  char             *pack;
  char             *kbd_layout;
  char             *kbd_type;
  gboolean          xinerama;
  char             *sound;
  gboolean          clean_sessions;
  gboolean          terminate_on_ctrl_c;
  char             *display;
  char             *nxproxy;
  char             *sessions_root;
  char             *client_rootdir;
  gboolean          debug;
  gboolean          version;
  gboolean          list_profiles;
  char             *profile;
  /* pyhoca-cli options for features Tether does not have yet */
  gboolean          printing;
  char             *share_folders;
  char             *share_desktop;
  gboolean          list_desktops;
  char             *broker_url;
  char             *broker_password;
  gboolean          forward_agent;
  gboolean          from_stdin;
  char             *print_action;
  gint              share_mode;
  gint              auth_attempts;
};

static void
server_free (Server *s)
{
  if (s->grace_id != 0)
    g_source_remove (s->grace_id);
  g_free (s->host);
  g_free (s->label);
  g_free (s->uuid);
  g_clear_error (&s->error);
  g_clear_pointer (&s->infos, g_ptr_array_unref);
  g_free (s->raw);
  g_free (s->session_name);
  g_free (s->end_message);
  g_free (s);
}

static void
say (Cli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
say (Cli *cli, const char *format, ...)
{
  va_list args;

  if (cli->quiet || cli->json)
    return;
  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  fflush (stdout);
}

/* Records the first failure of a server. */
static void
server_fail (Server *s, GError *error)
{
  if (s->error == NULL)
    s->error = error;
  else
    g_error_free (error);
}

static gboolean
is_not_supported (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* ---- running operations on every server at once ---------------------------------- */

static void
wait_pending (Cli *cli)
{
  while (cli->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
op_done (Server *s)
{
  s->busy = FALSE;
  s->cli->pending--;
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Server *s = user_data;
  GError *error = NULL;

  if (!tether_x2go_client_connect_session_finish (TETHER_X2GO_CLIENT (source), result, &error))
    {
      /* SSH and transport failures happen while connecting; X2Go ones are
       * about the server's software and say so themselves. */
      if (error->domain != TETHER_X2GO_ERROR)
        g_prefix_error (&error, "cannot connect: ");
      server_fail (s, error);
    }
  op_done (s);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Server *s = user_data;
  GError *error = NULL;
  char *raw = NULL;
  GPtrArray *infos;

  infos = tether_x2go_client_list_sessions_finish (TETHER_X2GO_CLIENT (source), result, &raw,
                                                   &error);
  if (infos == NULL)
    server_fail (s, error);
  else
    {
      g_clear_pointer (&s->infos, g_ptr_array_unref);
      s->infos = infos;
      g_free (s->raw);
      s->raw = raw;
    }
  op_done (s);
}

/* Each boolean operation stores its outcome through this. */
typedef gboolean (*FinishFunc) (TetherX2goClient *, GAsyncResult *, GError **);

typedef struct {
  Server    *server;
  FinishFunc finish;
  char      *what;      /* prefix for errors, or NULL */
  char      *name;      /* the session it is about, or NULL */
  gboolean   ok;
  GError    *error;
} BoolOp;

static void
on_bool_op_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BoolOp *op = user_data;

  op->ok = op->finish (TETHER_X2GO_CLIENT (source), result, &op->error);
  if (!op->ok && op->what != NULL)
    g_prefix_error (&op->error, "%s: ", op->what);
  op_done (op->server);
}

static BoolOp *
bool_op_new (Server *s, FinishFunc finish, const char *what, const char *name)
{
  BoolOp *op = g_new0 (BoolOp, 1);

  op->server = s;
  op->finish = finish;
  op->what = g_strdup (what);
  op->name = g_strdup (name);
  s->busy = TRUE;
  s->cli->pending++;
  return op;
}

static void
bool_op_free (BoolOp *op)
{
  g_clear_error (&op->error);
  g_free (op->what);
  g_free (op->name);
  g_free (op);
}

static void
connect_all (Cli *cli)
{
  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (s->error != NULL)
        continue;
      s->busy = TRUE;
      cli->pending++;
      /* The password goes to the connect (which wipes its copy), not into
       * the registration's options. */
      tether_x2go_client_connect_session_async (cli->client, s->uuid, NULL, cli->password, NULL,
                                                NULL, on_connected, s);
    }
  wait_pending (cli);
  if (cli->password != NULL)
    explicit_bzero (cli->password, strlen (cli->password));
}

static void
list_all (Cli *cli, TetherX2goListFlags flags)
{
  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (s->error != NULL)
        continue;
      s->busy = TRUE;
      cli->pending++;
      tether_x2go_client_list_sessions_async (cli->client, s->uuid, flags, NULL, on_listed, s);
    }
  wait_pending (cli);
}

/* ---- listing output ---------------------------------------------------------------- */

static const char *
type_name (TetherX2goSessionType type)
{
  switch (type)
    {
    case TETHER_X2GO_SESSION_TYPE_DESKTOP:
      return "desktop";
    case TETHER_X2GO_SESSION_TYPE_ROOTLESS:
      return "application";
    case TETHER_X2GO_SESSION_TYPE_PUBLISHED:
      return "published";
    case TETHER_X2GO_SESSION_TYPE_SHADOW:
      return "shadow";
    case TETHER_X2GO_SESSION_TYPE_KDRIVE:
      return "kdrive";
    case TETHER_X2GO_SESSION_TYPE_UNKNOWN:
    default:
      return "unknown";
    }
}

static const char *
state_letter (TetherX2goSessionInfo *info)
{
  switch (tether_x2go_session_info_get_state (info))
    {
    case TETHER_X2GO_SESSION_STATE_RUNNING:
      return "R";
    case TETHER_X2GO_SESSION_STATE_SUSPENDED:
      return "S";
    case TETHER_X2GO_SESSION_STATE_FINISHED:
    default:
      return "F";
    }
}

static void
print_listing_text (Cli *cli, Server *s)
{
  g_autofree char *peer = NULL;
  g_autofree char *user = tether_x2go_client_get_session_username (cli->client, s->uuid);
  guint peer_port = 0;

  peer = tether_x2go_client_get_session_server_peername (cli->client, s->uuid, &peer_port);
  printf ("\nAvailable running/suspended X2Go sessions\n"
          "=========================================\n"
          "Host: %s - [%s]:%u\nUsername: %s\n\n",
          s->host, peer != NULL ? peer : s->host, peer_port != 0 ? peer_port : s->port,
          user != NULL ? user : g_get_user_name ());
  if (s->infos == NULL || s->infos->len == 0)
    {
      printf ("No running/suspended sessions found on X2Go server.\n\n");
      return;
    }
  for (guint i = 0; i < s->infos->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (s->infos, i);
      const char *cookie = tether_x2go_session_info_get_cookie (info);

      printf ("Session Name: %s\n-------------\n", tether_x2go_session_info_get_name (info));
      printf ("cookie: %s\n", cookie != NULL ? cookie : "");
      printf ("agent PID: %u\n", tether_x2go_session_info_get_agent_pid (info));
      printf ("display: %u\n", tether_x2go_session_info_get_display (info));
      printf ("status: %s\n", state_letter (info));
      printf ("graphic port: %u\n", tether_x2go_session_info_get_graphics_port (info));
      printf ("snd port: %u\n", tether_x2go_session_info_get_sound_port (info));
      printf ("sshfs port: %u\n", tether_x2go_session_info_get_sshfs_port (info));
      printf ("username: %s\n", tether_x2go_session_info_get_username (info));
      printf ("hostname: %s\n", tether_x2go_session_info_get_hostname (info));
      printf ("create date: %s\n", tether_x2go_session_info_get_creation_time (info));
      printf ("suspended since: %s\n\n", tether_x2go_session_info_get_last_change_time (info));
    }
}

static void
write_session_json (TetherJsonWriter *w, TetherX2goSessionInfo *info)
{
  tether_json_begin_object (w);
  tether_json_key (w, "name");
  tether_json_string (w, tether_x2go_session_info_get_name (info));
  tether_json_key (w, "status");
  tether_json_string (w, state_letter (info));
  tether_json_key (w, "display");
  tether_json_int (w, tether_x2go_session_info_get_display (info));
  tether_json_key (w, "agent_pid");
  tether_json_int (w, tether_x2go_session_info_get_agent_pid (info));
  tether_json_key (w, "cookie");
  tether_json_string (w, tether_x2go_session_info_get_cookie (info));
  tether_json_key (w, "hostname");
  tether_json_string (w, tether_x2go_session_info_get_hostname (info));
  tether_json_key (w, "username");
  tether_json_string (w, tether_x2go_session_info_get_username (info));
  tether_json_key (w, "client_address");
  tether_json_string (w, tether_x2go_session_info_get_client_address (info));
  tether_json_key (w, "graphics_port");
  tether_json_int (w, tether_x2go_session_info_get_graphics_port (info));
  tether_json_key (w, "sound_port");
  tether_json_int (w, tether_x2go_session_info_get_sound_port (info));
  tether_json_key (w, "sshfs_port");
  tether_json_int (w, tether_x2go_session_info_get_sshfs_port (info));
  tether_json_key (w, "created");
  tether_json_string (w, tether_x2go_session_info_get_creation_time (info));
  tether_json_key (w, "last_change");
  tether_json_string (w, tether_x2go_session_info_get_last_change_time (info));
  tether_json_key (w, "type");
  tether_json_string (w, type_name (tether_x2go_session_info_get_session_type (info)));
  tether_json_key (w, "command");
  tether_json_string (w, tether_x2go_session_info_get_command (info));
  tether_json_key (w, "starting");
  tether_json_bool (w, tether_x2go_session_info_is_starting (info));
  tether_json_end_object (w);
}

static void
print_listings_json (Cli *cli)
{
  g_autoptr(GString) out = g_string_new (NULL);
  TetherJsonWriter w;

  tether_json_writer_init (&w, out);
  tether_json_begin_array (&w);
  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);
      g_autofree char *user = tether_x2go_client_get_session_username (cli->client, s->uuid);

      tether_json_begin_object (&w);
      tether_json_key (&w, "server");
      tether_json_string (&w, s->host);
      tether_json_key (&w, "port");
      tether_json_int (&w, s->port);
      tether_json_key (&w, "username");
      tether_json_string (&w, user != NULL ? user : g_get_user_name ());
      if (s->error != NULL)
        {
          tether_json_key (&w, "error");
          tether_json_string (&w, s->error->message);
        }
      else
        {
          tether_json_key (&w, "sessions");
          tether_json_begin_array (&w);
          for (guint j = 0; s->infos != NULL && j < s->infos->len; j++)
            write_session_json (&w, g_ptr_array_index (s->infos, j));
          tether_json_end_array (&w);
        }
      tether_json_end_object (&w);
    }
  tether_json_end_array (&w);
  g_string_append_c (out, '\n');
  fputs (out->str, stdout);
  fflush (stdout);
}

/* ---- suspend / terminate by name or ALL ------------------------------------------------ */

static int
report_errors (Cli *cli)
{
  int code = TETHER_EXIT_OK;

  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (s->error == NULL)
        continue;
      g_printerr ("tether x2go: %s: %s\n", s->label, s->error->message);
      if (is_not_supported (s->error) && code == TETHER_EXIT_OK)
        code = TETHER_EXIT_NOT_SUPPORTED;
      else
        code = TETHER_EXIT_FAILURE;
    }
  return code;
}

static int
stop_sessions (Cli *cli, const char *target, gboolean terminate)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) bool_op_free);
  gboolean all = g_ascii_strcasecmp (target, "ALL") == 0;
  guint found = 0;

  /* The connect has just listed the sessions: NAME (or ALL) is looked up in
   * that listing, and the suspend/terminate of each session takes it from
   * there too, so that the server runs only the command and the listing
   * that confirms it. */
  tether_x2go_client_set_use_listsessions_cache (cli->client, TRUE);
  list_all (cli, TETHER_X2GO_LIST_NONE);
  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (s->error != NULL || s->infos == NULL)
        continue;
      for (guint j = 0; j < s->infos->len; j++)
        {
          TetherX2goSessionInfo *info = g_ptr_array_index (s->infos, j);
          const char *name = tether_x2go_session_info_get_name (info);
          g_autofree char *what = NULL;
          BoolOp *op;

          if (!all && g_strcmp0 (name, target) != 0)
            continue;
          found++;
          if (!terminate && !tether_x2go_session_info_is_running (info))
            {
              say (cli, "X2Go session %s on %s is suspended already\n", name, s->label);
              continue;
            }
          what = g_strdup_printf ("%s %s", terminate ? "terminating" : "suspending", name);
          op = bool_op_new (s, terminate ? tether_x2go_client_terminate_session_finish
                                         : tether_x2go_client_suspend_session_finish, what, name);
          g_ptr_array_add (ops, op);
          if (terminate)
            tether_x2go_client_terminate_session_async (cli->client, s->uuid, name, NULL,
                                                        on_bool_op_done, op);
          else
            tether_x2go_client_suspend_session_async (cli->client, s->uuid, name, NULL,
                                                      on_bool_op_done, op);
        }
    }
  wait_pending (cli);

  for (guint i = 0; i < ops->len; i++)
    {
      BoolOp *op = g_ptr_array_index (ops, i);

      if (op->ok)
        say (cli, "X2Go session %s on %s has been %s\n", op->name, op->server->label,
             terminate ? "terminated" : "suspended");
      else
        server_fail (op->server, g_steal_pointer (&op->error));
    }
  if (!all && found == 0)
    {
      gboolean any_ok = FALSE;

      for (guint i = 0; i < cli->servers->len; i++)
        any_ok |= ((Server *) g_ptr_array_index (cli->servers, i))->error == NULL;
      if (any_ok)
        {
          g_printerr ("tether x2go: no session named %s on %s\n", target,
                      cli->servers->len == 1
                        ? ((Server *) g_ptr_array_index (cli->servers, 0))->label
                        : "any of the servers");
          report_errors (cli);
          return TETHER_EXIT_FAILURE;
        }
    }
  if (all && found == 0)
    say (cli, "No X2Go sessions to %s\n", terminate ? "terminate" : "suspend");
  return report_errors (cli);
}

/* ---- the foreground session -------------------------------------------------------- */

static Server *
server_of_uuid (Cli *cli, const char *uuid)
{
  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (g_strcmp0 (s->uuid, uuid) == 0)
        return s;
    }
  return NULL;
}

static void
session_ended (Server *s, gboolean failed, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
session_ended (Server *s, gboolean failed, const char *format, ...)
{
  va_list args;

  if (!s->watching)
    return;
  s->watching = FALSE;
  s->end_failed = failed;
  va_start (args, format);
  g_free (s->end_message);
  s->end_message = g_strdup_vprintf (format, args);
  va_end (args);
  if (s->grace_id != 0)
    {
      g_source_remove (s->grace_id);
      s->grace_id = 0;
    }
}

static void
on_suspended (TetherX2goClient *client, const char *uuid, const char *profile, const char *name,
              gboolean by_me, gpointer user_data)
{
  Server *s = server_of_uuid (user_data, uuid);

  if (s != NULL && g_strcmp0 (name, s->session_name) == 0)
    session_ended (s, FALSE, "X2Go session %s on %s has been suspended%s", name, s->label,
                   by_me ? "" : " elsewhere");
}

static void
on_terminated (TetherX2goClient *client, const char *uuid, const char *profile, const char *name,
               gboolean by_me, gpointer user_data)
{
  Server *s = server_of_uuid (user_data, uuid);

  if (s != NULL && g_strcmp0 (name, s->session_name) == 0)
    session_ended (s, FALSE, "X2Go session %s on %s has terminated", name, s->label);
}

static void
on_resumed_by_other (TetherX2goClient *client, const char *uuid, const char *profile,
                     const char *name, gpointer user_data)
{
  Server *s = server_of_uuid (user_data, uuid);

  if (s != NULL && g_strcmp0 (name, s->session_name) == 0)
    session_ended (s, FALSE, "X2Go session %s on %s has been moved to a different screen "
                   "(resumed by another client)", name, s->label);
}

static void
on_death (TetherX2goClient *client, const char *uuid, const char *profile, GError *error,
          gpointer user_data)
{
  Server *s = server_of_uuid (user_data, uuid);

  if (s != NULL)
    session_ended (s, TRUE, "the connection to %s was lost: %s", s->label, error->message);
}

static gboolean
on_grace_over (gpointer user_data)
{
  Server *s = user_data;

  s->grace_id = 0;
  if (!tether_x2go_client_session_ok (s->cli->client, s->uuid))
    session_ended (s, TRUE, "nxproxy of X2Go session %s on %s ended and the server's listing "
                   "did not say why", s->session_name, s->label);
  return G_SOURCE_REMOVE;
}

static void
on_nxproxy_died (TetherX2goClient *client, const char *uuid, const char *name,
                 const char *message, gpointer user_data)
{
  Server *s = server_of_uuid (user_data, uuid);

  /* The listing that follows says why; if it cannot, give up after a while. */
  if (s != NULL && s->watching && s->grace_id == 0)
    s->grace_id = g_timeout_add_seconds (PROXY_DEATH_GRACE, on_grace_over, s);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Cli *cli = user_data;

  cli->interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
any_watching (Cli *cli)
{
  for (guint i = 0; i < cli->servers->len; i++)
    if (((Server *) g_ptr_array_index (cli->servers, i))->watching)
      return TRUE;
  return FALSE;
}

/* Stays until every shown session ended, or Ctrl-C (then suspends them, or
 * terminates them with --terminate-on-ctrl-c). */
static int
foreground (Cli *cli)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) bool_op_free);
  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, cli);
  guint sigterm = g_unix_signal_add (SIGTERM, on_interrupt, cli);
  guint sighup = g_unix_signal_add (SIGHUP, on_interrupt, cli);
  int code = TETHER_EXIT_OK;

  while (any_watching (cli) && !cli->interrupted)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);

  if (cli->interrupted)
    {
      for (guint i = 0; i < cli->servers->len; i++)
        {
          Server *s = g_ptr_array_index (cli->servers, i);
          BoolOp *op;

          if (!s->watching)
            continue;
          s->watching = FALSE;
          say (cli, "%s X2Go session %s on %s\n",
               cli->terminate_on_ctrl_c ? "Terminating" : "Suspending", s->session_name, s->label);
          op = bool_op_new (s, cli->terminate_on_ctrl_c ? tether_x2go_client_terminate_session_finish
                                                        : tether_x2go_client_suspend_session_finish,
                            s->session_name, s->session_name);
          g_ptr_array_add (ops, op);
          if (cli->terminate_on_ctrl_c)
            tether_x2go_client_terminate_session_async (cli->client, s->uuid, NULL, NULL,
                                                        on_bool_op_done, op);
          else
            tether_x2go_client_suspend_session_async (cli->client, s->uuid, NULL, NULL,
                                                      on_bool_op_done, op);
        }
      wait_pending (cli);
      for (guint i = 0; i < ops->len; i++)
        {
          BoolOp *op = g_ptr_array_index (ops, i);

          if (!op->ok)
            server_fail (op->server, g_steal_pointer (&op->error));
        }
      return report_errors (cli);
    }

  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);

      if (s->end_message == NULL)
        continue;
      if (s->end_failed)
        {
          g_printerr ("tether x2go: %s\n", s->end_message);
          code = TETHER_EXIT_FAILURE;
        }
      else
        say (cli, "%s\n", s->end_message);
    }
  return code;
}

/* A session of ours to resume with --try-resume: its name carries the
 * command ("_st<type><command>_dp"). */
static const char *
resumable_for (Cli *cli, Server *s)
{
  g_autofree char *cmd = NULL;
  g_autoptr(GVariant) summary = NULL;
  const char *command = NULL;

  if (s->infos == NULL)
    return NULL;
  /* The session's command: the option's, or the profile's. */
  summary = tether_x2go_client_get_session_summary (cli->client, s->uuid);
  if (summary == NULL || !g_variant_lookup (summary, "command", "&s", &command))
    command = "TERMINAL";
  cmd = g_path_get_basename (command);
  for (guint i = 0; i < s->infos->len; i++)
    {
      TetherX2goSessionInfo *info = g_ptr_array_index (s->infos, i);
      const char *c = tether_x2go_session_info_get_command (info);

      if (c != NULL && g_ascii_strncasecmp (c, cmd, strlen (c)) == 0 && strlen (c) > 0 &&
          tether_x2go_session_info_get_session_type (info) != TETHER_X2GO_SESSION_TYPE_SHADOW)
        return tether_x2go_session_info_get_name (info);
    }
  return NULL;
}

static int
show_sessions (Cli *cli, const char *resume_name)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) bool_op_free);
  guint shown = 0, missing = 0;

  if (cli->clean_sessions)
    {
      for (guint i = 0; i < cli->servers->len; i++)
        {
          Server *s = g_ptr_array_index (cli->servers, i);
          BoolOp *op;

          if (s->error != NULL)
            continue;
          op = bool_op_new (s, tether_x2go_client_clean_sessions_finish, "cleaning sessions", NULL);
          g_ptr_array_add (ops, op);
          tether_x2go_client_clean_sessions_async (cli->client, s->uuid, FALSE, NULL,
                                                   on_bool_op_done, op);
        }
      wait_pending (cli);
      for (guint i = 0; i < ops->len; i++)
        {
          BoolOp *op = g_ptr_array_index (ops, i);
          if (!op->ok)
            server_fail (op->server, g_steal_pointer (&op->error));
        }
      g_ptr_array_set_size (ops, 0);
    }
  if (cli->try_resume && resume_name == NULL)
    list_all (cli, TETHER_X2GO_LIST_NO_CACHE);

  for (guint i = 0; i < cli->servers->len; i++)
    {
      Server *s = g_ptr_array_index (cli->servers, i);
      const char *name = resume_name;
      BoolOp *op;

      if (s->error != NULL)
        continue;
      if (name == NULL && cli->try_resume)
        name = resumable_for (cli, s);
      if (name != NULL)
        {
          op = bool_op_new (s, tether_x2go_client_resume_session_finish, NULL, name);
          g_ptr_array_add (ops, op);
          tether_x2go_client_resume_session_async (cli->client, s->uuid, name, NULL,
                                                   on_bool_op_done, op);
        }
      else
        {
          op = bool_op_new (s, tether_x2go_client_start_session_finish, NULL, NULL);
          g_ptr_array_add (ops, op);
          tether_x2go_client_start_session_async (cli->client, s->uuid, NULL, on_bool_op_done, op);
        }
    }
  wait_pending (cli);

  for (guint i = 0; i < ops->len; i++)
    {
      BoolOp *op = g_ptr_array_index (ops, i);
      Server *s = op->server;

      if (!op->ok)
        {
          /* With several servers, -R NAME is for the one that has it. */
          if (resume_name != NULL && cli->servers->len > 1 &&
              g_error_matches (op->error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION))
            {
              missing++;
              continue;
            }
          server_fail (s, g_steal_pointer (&op->error));
          continue;
        }
      g_free (s->session_name);
      s->session_name = tether_x2go_client_get_session_name (cli->client, s->uuid);
      s->watching = TRUE;
      shown++;
      say (cli, "X2Go session %s %s on %s (display %u)\n", s->session_name,
           op->finish == tether_x2go_client_start_session_finish ? "started" : "resumed",
           s->label, tether_x2go_session_get_display (tether_x2go_client_get_session (cli->client,
                                                                                       s->uuid)));
    }

  if (shown == 0)
    {
      if (missing > 0)
        g_printerr ("tether x2go: no session named %s on any of the servers\n", resume_name);
      {
        int code = report_errors (cli);
        return code != TETHER_EXIT_OK ? code : TETHER_EXIT_FAILURE;
      }
    }
  {
    int code = foreground (cli);
    int errors = report_errors (cli);

    return code != TETHER_EXIT_OK ? code : errors;
  }
}

/* ---- options ---------------------------------------------------------------------- */

static int
usage_error (GOptionContext *context, const char *format, ...) G_GNUC_PRINTF (2, 3);

static int
usage_error (GOptionContext *context, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("tether x2go: %s\nRun 'tether x2go --help' for the options.\n", msg);
  return TETHER_EXIT_USAGE;
}

static int
not_supported (const char *what)
{
  g_printerr ("tether x2go: %s is not supported by Tether yet\n", what);
  return TETHER_EXIT_NOT_SUPPORTED;
}

/* The session options the command line gives. */
static void
add_given_options (Cli *cli, GVariantBuilder *b)
{
  if (cli->command != NULL)
    g_variant_builder_add (b, "{sv}", "cmd", g_variant_new_string (cli->command));
  if (cli->geometry != NULL)
    g_variant_builder_add (b, "{sv}", "geometry", g_variant_new_string (cli->geometry));
  if (cli->session_type != NULL)
    g_variant_builder_add (b, "{sv}", "session_type", g_variant_new_string (cli->session_type));
  if (cli->link != NULL)
    g_variant_builder_add (b, "{sv}", "link", g_variant_new_string (cli->link));
  if (cli->pack != NULL)
    g_variant_builder_add (b, "{sv}", "pack", g_variant_new_string (cli->pack));
  if (cli->kbd_layout != NULL)
    g_variant_builder_add (b, "{sv}", "kblayout", g_variant_new_string (cli->kbd_layout));
  if (cli->kbd_type != NULL)
    g_variant_builder_add (b, "{sv}", "kbtype", g_variant_new_string (cli->kbd_type));
  if (cli->xinerama)
    g_variant_builder_add (b, "{sv}", "xinerama", g_variant_new_boolean (TRUE));
  if (cli->sound != NULL)
    g_variant_builder_add (b, "{sv}", "snd_system", g_variant_new_string (cli->sound));
  if (cli->force_password)
    g_variant_builder_add (b, "{sv}", "force_password_auth", g_variant_new_boolean (TRUE));
  if (cli->keys != NULL && cli->keys[0] != NULL)
    g_variant_builder_add (b, "{sv}", "key_filename",
                           g_variant_new_strv ((const char *const *) cli->keys, -1));
  if (cli->add_to_known_hosts)
    g_variant_builder_add (b, "{sv}", "add_to_known_hosts", g_variant_new_boolean (TRUE));
  if (cli->known_hosts != NULL)
    g_variant_builder_add (b, "{sv}", "known_hosts", g_variant_new_string (cli->known_hosts));
  if (cli->forward_agent)
    g_variant_builder_add (b, "{sv}", "forward_sshagent", g_variant_new_boolean (TRUE));
}

static GVariant *
build_options (Cli *cli)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "profile_name", g_variant_new_string ("tether x2go"));
  add_given_options (cli, &b);
  if (cli->keys == NULL || cli->keys[0] == NULL)
    /* Keys from $HOME/.ssh, as pyhoca-cli (id_rsa) and ssh (id_*) do. */
    g_variant_builder_add (&b, "{sv}", "look_for_keys", g_variant_new_boolean (TRUE));
  return g_variant_builder_end (&b);
}

/* -P: what the command line gives replaces the profile's values (as
 * pyhoca-cli, which passes every option that differs from its default). */
static GVariant *
build_profile_overrides (Cli *cli, const char *host, const char *user, guint port)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  /* The command line's action is what happens: a profile's autoconnect and
   * autostart (for graphical clients) mean nothing here, as in pyhoca-cli. */
  g_variant_builder_add (&b, "{sv}", "auto_connect", g_variant_new_boolean (FALSE));
  g_variant_builder_add (&b, "{sv}", "auto_start_or_resume", g_variant_new_boolean (FALSE));
  if (host != NULL)
    g_variant_builder_add (&b, "{sv}", "server", g_variant_new_string (host));
  if (port != 0)
    g_variant_builder_add (&b, "{sv}", "port", g_variant_new_uint32 (port));
  if (user != NULL)
    g_variant_builder_add (&b, "{sv}", "username", g_variant_new_string (user));
  add_given_options (cli, &b);
  return g_variant_builder_end (&b);
}

/* "[user@]host[:port]" → host, user, port. */
static gboolean
split_server (const char *spec, char **host, char **user, guint *port)
{
  g_autofree char *rest = NULL;
  const char *at = strrchr (spec, '@');
  const char *colon;

  *user = NULL;
  *port = 0;
  if (at != NULL)
    {
      *user = g_strndup (spec, (gsize) (at - spec));
      rest = g_strdup (at + 1);
    }
  else
    rest = g_strdup (spec);
  colon = strrchr (rest, ':');
  if (colon != NULL && strchr (rest, ':') == colon && rest[0] != '[')
    {
      guint64 p = 0;

      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &p, NULL))
        return FALSE;
      *port = (guint) p;
      *host = g_strndup (rest, (gsize) (colon - rest));
    }
  else
    *host = g_steal_pointer (&rest);
  return (*host)[0] != '\0';
}

static void
cli_clear (Cli *cli)
{
  g_clear_pointer (&cli->servers, g_ptr_array_unref);
  g_clear_object (&cli->client);
  g_strfreev (cli->server_opts);
  g_strfreev (cli->keys);
  if (cli->password != NULL)
    {
      explicit_bzero (cli->password, strlen (cli->password));
      g_free (cli->password);
    }
  g_free (cli->username);
  g_free (cli->known_hosts);
  g_free (cli->resume);
  g_free (cli->suspend);
  g_free (cli->terminate);
  g_free (cli->command);
  g_free (cli->geometry);
  g_free (cli->session_type);
  g_free (cli->link);
  g_free (cli->pack);
  g_free (cli->kbd_layout);
  g_free (cli->kbd_type);
  g_free (cli->sound);
  g_free (cli->display);
  g_free (cli->nxproxy);
  g_free (cli->sessions_root);
  g_free (cli->client_rootdir);
  g_free (cli->share_folders);
  g_free (cli->share_desktop);
  g_free (cli->profile);
  g_free (cli->broker_url);
  if (cli->broker_password != NULL)
    explicit_bzero (cli->broker_password, strlen (cli->broker_password));
  g_free (cli->broker_password);
  g_free (cli->print_action);
}

int
tether_x2go_main (int argc, char **argv)
{
  Cli cli_storage = { 0 };
  Cli *cli = &cli_storage;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) options = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *default_user = NULL;
  guint n_actions;
  int code;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->server_opts,
      "X2Go server [user@]host[:port] (repeat it: several servers run in parallel)", "HOST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &cli->port, "Remote SSH port (default: 22)", "PORT" },
    { "remote-ssh-port", 0, 0, G_OPTION_ARG_INT, &cli->port, "Same as --port", "PORT" },
    { "username", 'u', 0, G_OPTION_ARG_STRING, &cli->username,
      "User name on the server (default: the local user)", "USER" },
    { "login", 'l', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->username, NULL, "USER" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &cli->password, "The user's password", "PASSWORD" },
    { "force-password", 0, 0, G_OPTION_ARG_NONE, &cli->force_password,
      "Use password authentication only", NULL },
    { "ssh-privkey", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->keys,
      "Private key file (repeatable; default: the keys in ~/.ssh)", "FILE" },
    { "ssh-key", 'k', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME_ARRAY, &cli->keys, NULL, "FILE" },
    { "add-to-known-hosts", 0, 0, G_OPTION_ARG_NONE, &cli->add_to_known_hosts,
      "Accept an unknown host key and add it to known_hosts", NULL },
    { "known-hosts", 0, 0, G_OPTION_ARG_FILENAME, &cli->known_hosts,
      "The known_hosts file (default: ~/.ssh/known_hosts)", "FILE" },
    { "new", 'N', 0, G_OPTION_ARG_NONE, &cli->new_session,
      "Start a new session and stay until it ends (the default action)", NULL },
    { "try-resume", 0, 0, G_OPTION_ARG_NONE, &cli->try_resume,
      "With --new: resume a session running the same command if there is one", NULL },
    { "resume", 'R', 0, G_OPTION_ARG_STRING, &cli->resume,
      "Resume the session NAME and stay until it ends", "NAME" },
    { "suspend", 'S', 0, G_OPTION_ARG_STRING, &cli->suspend, "Suspend session NAME, or ALL",
      "NAME|ALL" },
    { "terminate", 'T', 0, G_OPTION_ARG_STRING, &cli->terminate,
      "Terminate session NAME, or ALL", "NAME|ALL" },
    { "list-sessions", 'L', 0, G_OPTION_ARG_NONE, &cli->list, "List the user's sessions", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, "Machine-readable output for --list-sessions",
      NULL },
    { "command", 'c', 0, G_OPTION_ARG_STRING, &cli->command,
      "Command to run (default: TERMINAL)", "COMMAND" },
    { "geometry", 'g', 0, G_OPTION_ARG_STRING, &cli->geometry,
      "WIDTHxHEIGHT or fullscreen (default: 800x600)", "GEOMETRY" },
    { "session-type", 't', 0, G_OPTION_ARG_STRING, &cli->session_type,
      "desktop or application (default: application)", "TYPE" },
    { "link", 'q', 0, G_OPTION_ARG_STRING, &cli->link,
      "modem, isdn, adsl, wan or lan (default: adsl)", "LINK" },
    { "pack", 0, 0, G_OPTION_ARG_STRING, &cli->pack,
      "NX compression method (default: 16m-jpeg-9)", "PACK" },
    { "kbd-layout", 0, 0, G_OPTION_ARG_STRING, &cli->kbd_layout,
      "Keyboard layout (default: null)", "LAYOUT" },
    { "kbd-type", 0, 0, G_OPTION_ARG_STRING, &cli->kbd_type,
      "Keyboard type, e.g. pc105/us (default: null/null)", "TYPE" },
    { "xinerama", 'x', 0, G_OPTION_ARG_NONE, &cli->xinerama, "Xinerama in the session", NULL },
    { "sound", 0, 0, G_OPTION_ARG_STRING, &cli->sound,
      "Sound system: none (pulse and esd are not supported yet; default: none)", "SYSTEM" },
    { "clean-sessions", 0, 0, G_OPTION_ARG_NONE, &cli->clean_sessions,
      "Terminate the user's sessions before starting a new one", NULL },
    { "terminate-on-ctrl-c", 0, 0, G_OPTION_ARG_NONE, &cli->terminate_on_ctrl_c,
      "Terminate the session on Ctrl-C instead of suspending it", NULL },
    { "display", 0, 0, G_OPTION_ARG_STRING, &cli->display,
      "Local X display for nxproxy (default: $DISPLAY)", "DISPLAY" },
    { "nxproxy", 0, 0, G_OPTION_ARG_FILENAME, &cli->nxproxy, "The nxproxy program", "PATH" },
    { "sessions-root", 0, 0, G_OPTION_ARG_FILENAME, &cli->sessions_root,
      "Local session folders and NX_ROOT (default: ~/.x2go)", "DIR" },
    { "session-profile", 'P', 0, G_OPTION_ARG_STRING, &cli->profile,
      "Use the session profile PROFILE (a name or ID); other options given replace its values",
      "PROFILE" },
    { "list-profiles", 0, 0, G_OPTION_ARG_NONE, &cli->list_profiles,
      "List the session profiles and the session settings they give", NULL },
    { "client-rootdir", 0, 0, G_OPTION_ARG_FILENAME, &cli->client_rootdir,
      "The folder of the session profiles file 'sessions' (default: ~/.x2goclient)", "DIR" },
    { "debug", 'd', 0, G_OPTION_ARG_NONE, &cli->debug, "Debug messages", NULL },
    { "libdebug", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &cli->debug, NULL, NULL },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &cli->quiet, "No progress messages", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &cli->version, "Print the version", NULL },
    /* pyhoca-cli's options for what Tether does not do yet: refused clearly. */
    { "printing", 0, 0, G_OPTION_ARG_NONE, &cli->printing, "(not supported yet)", NULL },
    { "print-action", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->print_action, NULL, NULL },
    { "share-local-folders", 'F', 0, G_OPTION_ARG_STRING, &cli->share_folders,
      "(not supported yet)", "FOLDERS" },
    { "share-desktop", 'D', 0, G_OPTION_ARG_STRING, &cli->share_desktop, "(not supported yet)",
      "USER@DISPLAY" },
    { "share-mode", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &cli->share_mode, NULL, NULL },
    { "list-desktops", 0, 0, G_OPTION_ARG_NONE, &cli->list_desktops, "(not supported yet)", NULL },

    { "broker-url", 'B', 0, G_OPTION_ARG_STRING, &cli->broker_url, "(not supported yet)", "URL" },
    { "broker-password", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &cli->broker_password,
      NULL, NULL },
    { "forward-sshagent", 'A', 0, G_OPTION_ARG_NONE, &cli->forward_agent,
      "Forward the local SSH agent ($SSH_AUTH_SOCK) to the session", NULL },
    { "from-stdin", 0, 0, G_OPTION_ARG_NONE, &cli->from_stdin, "(not supported yet)", NULL },
    { "auth-attempts", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &cli->auth_attempts, NULL, NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "[[USER@]HOST]" },
    { NULL }
  };

  context = g_option_context_new ("— X2Go client (pyhoca-cli compatible)");
  argv[0] = (char *) "tether x2go";   /* for the usage line */
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Actions: --new (default), --resume NAME, --suspend NAME|ALL, --terminate NAME|ALL,\n"
    "--list-sessions, --list-profiles. With -P PROFILE the server comes from the profile.\n"
    "Exit status: 0 success, 1 failure (the message names the cause), 2 bad command line,\n"
    "3 not supported yet.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "%s", error->message);

  if (cli->version)
    {
      printf ("tether x2go %s\n", tether_get_version_string ());
      cli_clear (cli);
      return TETHER_EXIT_OK;
    }
  if (cli->debug)
    tether_set_debug (TRUE);

  /* Refuse what is not built yet, by name. */
  code = TETHER_EXIT_OK;
  if (cli->printing || cli->print_action != NULL)
    code = not_supported ("printing (--printing)");
  else if (cli->share_folders != NULL)
    code = not_supported ("local folder sharing (-F)");
  else if (cli->share_desktop != NULL || cli->list_desktops)
    code = not_supported ("desktop sharing (-D, --list-desktops)");
  else if (cli->broker_url != NULL || cli->broker_password != NULL)
    code = not_supported ("an X2Go session broker (-B)");
  else if (cli->from_stdin)
    code = not_supported ("--from-stdin");
  else if (cli->sound != NULL && !g_str_equal (cli->sound, "none"))
    {
      if (g_str_equal (cli->sound, "pulse") || g_str_equal (cli->sound, "esd"))
        code = not_supported ("sound (--sound pulse/esd; use --sound none)");
      else
        code = usage_error (context, "--sound must be pulse, esd or none, not '%s'", cli->sound);
    }
  if (code != TETHER_EXIT_OK)
    {
      cli_clear (cli);
      return code;
    }

  n_actions = (cli->resume != NULL) + (cli->suspend != NULL) + (cli->terminate != NULL) +
              (cli->list ? 1 : 0) + (cli->new_session ? 1 : 0) + (cli->list_profiles ? 1 : 0);
  if (n_actions > 1)
    {
      cli_clear (cli);
      return usage_error (context, "give only one of --new, --resume, --suspend, --terminate, "
                          "--list-sessions and --list-profiles");
    }
  if (cli->json && !cli->list)
    {
      cli_clear (cli);
      return usage_error (context, "--json goes with --list-sessions");
    }
  if (cli->port < 0 || cli->port > 65535)
    {
      cli_clear (cli);
      return usage_error (context, "--port must be 1-65535");
    }

  cli->client = tether_x2go_client_new ();
  tether_x2go_client_set_refresh_interval (cli->client, REFRESH_INTERVAL);
  if (cli->display != NULL)
    tether_x2go_client_set_display (cli->client, cli->display);
  if (cli->nxproxy != NULL)
    tether_x2go_client_set_nxproxy_path (cli->client, cli->nxproxy);
  if (cli->sessions_root != NULL)
    tether_x2go_client_set_sessions_rootdir (cli->client, cli->sessions_root);
  if (cli->client_rootdir != NULL)
    tether_x2go_client_set_client_rootdir (cli->client, cli->client_rootdir);
  cli->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_free);

  if (cli->list_profiles)
    {
      code = tether_x2go_cli_list_profiles (cli->client);
      cli_clear (cli);
      return code;
    }

  /* Servers: --server (repeatable) and a positional [user@]host; with -P,
   * the profile's, or one given to replace it. */
  {
    g_autoptr(GPtrArray) specs = g_ptr_array_new ();

    for (guint i = 0; cli->server_opts != NULL && cli->server_opts[i] != NULL; i++)
      g_ptr_array_add (specs, cli->server_opts[i]);
    for (guint i = 0; rest != NULL && rest[i] != NULL; i++)
      g_ptr_array_add (specs, rest[i]);
    if (specs->len == 0 && cli->profile == NULL)
      {
        cli_clear (cli);
        return usage_error (context, "no X2Go server given (--server HOST, [USER@]HOST, "
                            "or -P PROFILE)");
      }
    if (specs->len > MAX_SERVERS)
      {
        cli_clear (cli);
        return usage_error (context, "too many servers (at most %d)", MAX_SERVERS);
      }
    if (specs->len > 1 && cli->profile != NULL)
      {
        cli_clear (cli);
        return usage_error (context, "-P takes the profile's server, or one given with it");
      }
    if (cli->profile == NULL)
      options = g_variant_ref_sink (build_options (cli));

    for (guint i = 0; i < MAX (specs->len, cli->profile != NULL ? 1 : 0); i++)
      {
        Server *s = g_new0 (Server, 1);
        g_autofree char *user = NULL;
        g_autofree char *label = NULL;
        guint port = 0;

        s->cli = cli;
        g_ptr_array_add (cli->servers, s);
        if (i < specs->len &&
            !split_server (g_ptr_array_index (specs, i), &s->host, &user, &port))
          {
            code = usage_error (context, "'%s' is not [USER@]HOST[:PORT]",
                                (char *) g_ptr_array_index (specs, i));
            cli_clear (cli);
            return code;
          }
        if (port == 0 && cli->port != 0)
          port = (guint) cli->port;
        if (user == NULL && cli->username != NULL)
          user = g_strdup (cli->username);
        if (cli->profile != NULL)
          {
            g_autoptr(GVariant) overrides =
              g_variant_ref_sink (build_profile_overrides (cli, s->host, user, port));

            label = g_strdup_printf ("session profile %s", cli->profile);
            s->uuid = tether_x2go_client_register_session_from_profile (cli->client, cli->profile,
                                                                        overrides, &error);
          }
        else
          {
            s->port = port != 0 ? port : 22;
            label = g_strdup_printf ("%s:%u", s->host, s->port);
            s->uuid = tether_x2go_client_register_session (cli->client, s->host, s->port, user,
                                                           options, &error);
          }
        if (s->uuid == NULL)
          {
            int c = is_not_supported (error) ? TETHER_EXIT_NOT_SUPPORTED
                    : cli->profile != NULL   ? TETHER_EXIT_FAILURE
                                             : TETHER_EXIT_USAGE;

            if (cli->profile != NULL)
              g_printerr ("tether x2go: %s\n", error->message);
            else
              g_printerr ("tether x2go: %s: %s\n", label, error->message);
            cli_clear (cli);
            return c;
          }
        /* The server and port the session got (from the profile, with -P). */
        {
          TetherX2goSession *session = tether_x2go_client_get_session (cli->client, s->uuid);

          g_free (s->host);
          s->host = g_strdup (tether_x2go_session_get_server (session));
          s->port = tether_x2go_session_get_port (session);
          s->label = g_strdup_printf ("%s:%u", s->host, s->port);
        }
      }
  }

  g_signal_connect (cli->client, "session-suspended", G_CALLBACK (on_suspended), cli);
  g_signal_connect (cli->client, "session-terminated", G_CALLBACK (on_terminated), cli);
  g_signal_connect (cli->client, "session-resumed-by-other", G_CALLBACK (on_resumed_by_other), cli);
  g_signal_connect (cli->client, "control-session-death", G_CALLBACK (on_death), cli);
  g_signal_connect (cli->client, "nxproxy-died", G_CALLBACK (on_nxproxy_died), cli);

  connect_all (cli);
  {
    gboolean any_connected = FALSE;

    for (guint i = 0; i < cli->servers->len; i++)
      any_connected |= ((Server *) g_ptr_array_index (cli->servers, i))->error == NULL;
    if (!any_connected && !cli->json)
      {
        code = report_errors (cli);
        cli_clear (cli);
        return code;
      }
  }

  if (cli->list)
    {
      /* The connect has just listed the sessions: that answer is fresh. */
      tether_x2go_client_set_use_listsessions_cache (cli->client, TRUE);
      list_all (cli, TETHER_X2GO_LIST_NONE);
      if (cli->json)
        print_listings_json (cli);
      else
        for (guint i = 0; i < cli->servers->len; i++)
          {
            Server *s = g_ptr_array_index (cli->servers, i);

            if (s->error == NULL)
              print_listing_text (cli, s);
          }
      code = report_errors (cli);
    }
  else if (cli->suspend != NULL)
    code = stop_sessions (cli, cli->suspend, FALSE);
  else if (cli->terminate != NULL)
    code = stop_sessions (cli, cli->terminate, TRUE);
  else
    code = show_sessions (cli, cli->resume);

  /* Disconnect; let the stopped nxproxies be reaped. */
  for (guint i = 0; i < cli->servers->len; i++)
    tether_x2go_client_disconnect_session (cli->client,
                                           ((Server *) g_ptr_array_index (cli->servers, i))->uuid,
                                           NULL);
  cli_clear (cli);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return code;
}
