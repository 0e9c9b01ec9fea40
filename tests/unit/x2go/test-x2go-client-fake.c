/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "test-x2go-client-fake.h"

#define FAKE_TYPE_TRANSPORT (fake_transport_get_type ())
G_DECLARE_FINAL_TYPE (FakeTransport, fake_transport, FAKE, TRANSPORT, TetherX2goTransport)

struct _FakeTransport {
  TetherX2goTransport parent_instance;
  FakeServer         *server;
  gboolean            connected;
  GHashTable         *forwards;   /* id → port */
};

G_DEFINE_FINAL_TYPE (FakeTransport, fake_transport, TETHER_X2GO_TYPE_TRANSPORT)

/* ---- the fake server ------------------------------------------------------ */

static void
fake_session_free (FakeSession *s)
{
  g_free (s->name);
  g_free (s->cookie);
  g_free (s);
}

FakeServer *
fake_server_new (void)
{
  FakeServer *server = g_new0 (FakeServer, 1);

  server->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_session_free);
  server->user = g_strdup ("jdoe");
  server->has_x2go = TRUE;
  server->garbage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->hang = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->status_override = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->transports = g_ptr_array_new ();
  server->next_display = 50;
  server->next_port = 30001;
  server->known_commands = g_strsplit ("xterm,xeyes", ",", -1);
  return server;
}

static void
forget_transport (gpointer data, GObject *gone)
{
  FakeServer *server = data;

  g_ptr_array_remove (server->transports, gone);
}

void
fake_server_free (FakeServer *server)
{
  for (guint i = 0; i < server->transports->len; i++)
    g_object_weak_unref (g_ptr_array_index (server->transports, i), forget_transport, server);
  g_ptr_array_unref (server->transports);
  g_ptr_array_unref (server->sessions);
  g_hash_table_unref (server->garbage);
  g_hash_table_unref (server->hang);
  g_hash_table_unref (server->status_override);
  g_hash_table_unref (server->calls);
  g_strfreev (server->known_commands);
  g_clear_error (&server->connect_error);
  g_free (server->user);
  g_free (server);
}

FakeSession *
fake_server_add (FakeServer *server, char status)
{
  FakeSession *s = g_new0 (FakeSession, 1);
  guint display = server->next_display++;

  s->display = display;
  s->name = g_strdup_printf ("%s-%u-%u_stRxterm_dp24", server->user, display,
                             1700000000 + display);
  s->status = status;
  s->cookie = g_strdup_printf ("%032x", display);
  s->graphics_port = server->next_port;
  server->next_port += 3;
  g_ptr_array_add (server->sessions, s);
  return s;
}

FakeSession *
fake_server_find (FakeServer *server, const char *name)
{
  for (guint i = 0; i < server->sessions->len; i++)
    {
      FakeSession *s = g_ptr_array_index (server->sessions, i);

      if (g_strcmp0 (s->name, name) == 0)
        return s;
    }
  return NULL;
}

void
fake_server_remove (FakeServer *server, const char *name)
{
  FakeSession *s = fake_server_find (server, name);

  if (s != NULL)
    g_ptr_array_remove (server->sessions, s);
}

guint
fake_server_calls (FakeServer *server, const char *word)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (server->calls, word));
}

void
fake_server_drop_connections (FakeServer *server)
{
  g_autoptr(GPtrArray) live = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = g_error_new (TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                                         "fake: the server went away");

  for (guint i = 0; i < server->transports->len; i++)
    {
      FakeTransport *t = g_ptr_array_index (server->transports, i);

      if (t->connected)
        g_ptr_array_add (live, g_object_ref (t));
    }
  for (guint i = 0; i < live->len; i++)
    {
      FakeTransport *t = g_ptr_array_index (live, i);

      t->connected = FALSE;
      tether_x2go_transport_emit_disconnected (TETHER_X2GO_TRANSPORT (t), error);
    }
}

static const char *
classify (const char *command)
{
  static const char *const words[] = {
    "x2gofeaturelist", "x2goversion", "x2golistsessions", "x2gostartagent",
    "x2goruncommand", "x2goresume-session", "x2gosuspend-session", "x2goterminate-session",
    "setxkbmap",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (command, words[i]) != NULL)
      return words[i];
  if (g_str_has_prefix (command, "command -v"))
    return "command";
  return "unknown";
}

/* argv[i] after @word in the shell-parsed @command, or NULL. */
static char *
arg_after (const char *command, const char *word, guint n)
{
  g_auto(GStrv) argv = NULL;

  if (!g_shell_parse_argv (command, NULL, &argv, NULL))
    return NULL;
  for (guint i = 0; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], word))
      {
        for (guint j = 1; j <= n; j++)
          if (argv[i + j] == NULL)
            return NULL;
        return g_strdup (argv[i + n]);
      }
  return NULL;
}

static void
answer (FakeServer *server, const char *command, GString *out, GString *err, int *status)
{
  const char *word = classify (command);

  *status = 0;
  if (g_str_equal (word, "x2gofeaturelist") || g_str_equal (word, "x2goversion"))
    {
      if (!server->has_x2go)
        {
          *status = 1;
          return;
        }
      if (g_str_equal (word, "x2gofeaturelist"))
        g_string_append (out, "X2GO_LIST_DESKTOPS\nX2GO_MOUNTDIRS\nX2GO_SET_KEYBOARD\n");
      else
        g_string_append (out, "x2goserver: 4.1.0.3\nx2goserver-common: 4.1.0.3\n");
      return;
    }
  if (!server->has_x2go && g_str_has_prefix (word, "x2go"))
    {
      g_string_append_printf (err, "sh: 1: %s: not found\n", word);
      *status = 127;
      return;
    }
  if (g_str_equal (word, "x2golistsessions"))
    {
      for (guint i = 0; i < server->sessions->len; i++)
        {
          FakeSession *s = g_ptr_array_index (server->sessions, i);

          g_string_append_printf (out, "%u|%s|%u|fakehost|%c|2023-11-21T15:20:00|%s|127.0.0.1|"
                                  "%u|%u|2023-11-21T15:20:01|%s|5|%u|-1|-1\n",
                                  1000 + s->display, s->name, s->display, s->status, s->cookie,
                                  s->graphics_port, s->graphics_port + 1, server->user,
                                  s->graphics_port + 2);
        }
      return;
    }
  if (g_str_equal (word, "command"))
    {
      g_autofree char *what = arg_after (command, "-v", 1);

      *status = what != NULL && g_strv_contains ((const char *const *) server->known_commands,
                                                 what) ? 0 : 1;
      return;
    }
  if (g_str_equal (word, "x2gostartagent"))
    {
      FakeSession *s = fake_server_add (server, 'R');

      g_string_append_printf (out, "%u\n%s\n%u\n%s\n%u\n%u\n%u\n", s->display, s->cookie,
                              1000 + s->display, s->name, s->graphics_port,
                              s->graphics_port + 1, s->graphics_port + 2);
      return;
    }
  if (g_str_equal (word, "x2goresume-session"))
    {
      g_autofree char *name = arg_after (command, word, 1);
      FakeSession *s = fake_server_find (server, name);

      if (s == NULL)
        {
          g_string_append_printf (err, "ERROR: failed to resume session with ID %s\n", name);
          g_string_append (out, "gr_port=1\nsound_port=2\nfs_port=3\n");
          return;
        }
      s->status = 'R';
      g_string_append_printf (out, "gr_port=%u\nsound_port=%u\nfs_port=%u\n",
                              s->graphics_port, s->graphics_port + 1, s->graphics_port + 2);
      return;
    }
  if (g_str_equal (word, "x2gosuspend-session") || g_str_equal (word, "x2goterminate-session"))
    {
      g_autofree char *name = arg_after (command, word, 1);
      FakeSession *s = fake_server_find (server, name);

      if (s == NULL)
        return;   /* like the real ones: silence, exit 0 */
      if (g_str_equal (word, "x2gosuspend-session"))
        s->status = 'S';
      else if (!server->ignore_terminate)
        fake_server_remove (server, name);
      return;
    }
  /* x2goruncommand, setxkbmap: silent success. */
}

/* ---- the transport ---------------------------------------------------------- */

static gboolean
return_cancelled (gpointer user_data)
{
  GTask *task = user_data;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "fake: cancelled");
  return G_SOURCE_REMOVE;
}

static void
on_hang_cancelled (GCancellable *cancellable, gpointer user_data)
{
  /* Complete from an idle, as a worker thread would: never from inside the
   * cancel handler. */
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, return_cancelled, g_object_ref (user_data), g_object_unref);
  g_source_attach (idle, g_main_context_get_thread_default ());
  g_source_unref (idle);
}

static void
fake_connect_async (TetherX2goTransport           *transport,
                    const TetherX2goConnectParams *params,
                    GCancellable                  *cancellable,
                    GAsyncReadyCallback            callback,
                    gpointer                       user_data)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->server->connects++;
  self->server->last_allow_agent = params->allow_agent;
  self->server->last_forward_agent = params->forward_agent;
  if (self->server->connect_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->server->connect_error));
      return;
    }
  if (self->server->ask_host_key &&
      !tether_x2go_transport_emit_check_host (transport, params->host, params->port,
                                              "SHA256:fakefakefake", "ssh-ed25519"))
    {
      g_task_return_new_error (task, TETHER_SSH_ERROR, TETHER_SSH_ERROR_HOST_KEY_UNKNOWN,
                               "fake: the host key of %s was not accepted", params->host);
      return;
    }
  self->connected = TRUE;
  g_task_return_boolean (task, TRUE);
}

static gboolean
fake_connect_finish (TetherX2goTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_exec_async (TetherX2goTransport *transport,
                 const char          *wrapped,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_auto(GStrv) argv = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *inner = NULL;
  g_autoptr(GString) out = g_string_new ("Welcome to the fake server!\n");
  g_autoptr(GString) err = g_string_new (NULL);
  const char *word, *garbage;
  TetherX2goExecResult *res;
  int status;
  gsize len;

  if (!self->connected)
    {
      g_task_return_new_error (task, TETHER_SSH_ERROR, TETHER_SSH_ERROR_DISCONNECTED,
                               "fake: not connected");
      return;
    }
  /* echo X2GODATABEGIN:<m>; sh -c '<inner>'; echo X2GODATAEND:<m>:$? */
  g_assert_true (g_shell_parse_argv (wrapped, NULL, &argv, NULL));
  g_assert_cmpuint (g_strv_length (argv), ==, 7);
  g_assert_cmpstr (argv[0], ==, "echo");
  g_assert_true (g_str_has_prefix (argv[1], "X2GODATABEGIN:"));
  g_assert_cmpstr (argv[2], ==, "sh");
  g_assert_cmpstr (argv[3], ==, "-c");
  len = strlen (argv[1]);
  g_assert_cmpint (argv[1][len - 1], ==, ';');
  marker = g_strndup (argv[1] + strlen ("X2GODATABEGIN:"), len - strlen ("X2GODATABEGIN:") - 1);
  len = strlen (argv[4]);
  g_assert_cmpint (argv[4][len - 1], ==, ';');
  inner = g_strndup (argv[4], len - 1);

  word = classify (inner);
  g_hash_table_insert (self->server->calls, g_strdup (word),
                       GUINT_TO_POINTER (fake_server_calls (self->server, word) + 1));

  if (g_hash_table_contains (self->server->hang, word))
    {
      if (cancellable != NULL)
        g_cancellable_connect (cancellable, G_CALLBACK (on_hang_cancelled),
                               g_object_ref (task), g_object_unref);
      return;
    }

  garbage = g_hash_table_lookup (self->server->garbage, word);
  res = g_new0 (TetherX2goExecResult, 1);
  if (garbage != NULL)
    {
      res->stdout_bytes = g_bytes_new (garbage, strlen (garbage));
      res->stderr_bytes = g_bytes_new ("", 0);
    }
  else
    {
      g_autoptr(GString) body = g_string_new (NULL);

      answer (self->server, inner, body, err, &status);
      if (g_hash_table_contains (self->server->status_override, word))
        status = GPOINTER_TO_INT (g_hash_table_lookup (self->server->status_override, word));
      g_string_append_printf (out, "X2GODATABEGIN:%s\n%sX2GODATAEND:%s:%d\n",
                              marker, body->str, marker, status);
      res->stdout_bytes = g_bytes_new (out->str, out->len);
      res->stderr_bytes = g_bytes_new (err->str, err->len);
    }
  res->exit_status = 0;
  g_task_return_pointer (task, res, (GDestroyNotify) tether_x2go_exec_result_free);
}

static TetherX2goExecResult *
fake_exec_finish (TetherX2goTransport *transport, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_forward_async (TetherX2goTransport *transport,
                    const char          *remote_host,
                    guint                remote_port,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  guint id = ++self->server->forwards;

  g_assert_cmpstr (remote_host, ==, "127.0.0.1");
  g_hash_table_insert (self->forwards, GUINT_TO_POINTER (id), GUINT_TO_POINTER (40000 + id));
  g_task_return_int (task, id);
}

static gboolean
fake_forward_finish (TetherX2goTransport *transport,
                     GAsyncResult        *result,
                     guint               *forward_id,
                     guint               *local_port,
                     GError             **error)
{
  gssize id = g_task_propagate_int (G_TASK (result), error);

  if (id < 0)
    return FALSE;
  *forward_id = (guint) id;
  *local_port = 40000 + (guint) id;
  return TRUE;
}

static void
fake_close_forward (TetherX2goTransport *transport, guint forward_id)
{
  g_hash_table_remove (FAKE_TRANSPORT (transport)->forwards, GUINT_TO_POINTER (forward_id));
}

static void
fake_disconnect (TetherX2goTransport *transport)
{
  FAKE_TRANSPORT (transport)->connected = FALSE;
}

static char *
fake_get_peer_name (TetherX2goTransport *transport, guint *port)
{
  if (port != NULL)
    *port = 22;
  return FAKE_TRANSPORT (transport)->connected ? g_strdup ("192.0.2.1") : NULL;
}

static void
fake_transport_finalize (GObject *object)
{
  g_hash_table_unref (FAKE_TRANSPORT (object)->forwards);
  G_OBJECT_CLASS (fake_transport_parent_class)->finalize (object);
}

static void
fake_transport_init (FakeTransport *self)
{
  self->forwards = g_hash_table_new (NULL, NULL);
}

static void
fake_transport_class_init (FakeTransportClass *klass)
{
  TetherX2goTransportClass *t = TETHER_X2GO_TRANSPORT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fake_transport_finalize;
  t->connect_async = fake_connect_async;
  t->connect_finish = fake_connect_finish;
  t->exec_async = fake_exec_async;
  t->exec_finish = fake_exec_finish;
  t->forward_async = fake_forward_async;
  t->forward_finish = fake_forward_finish;
  t->close_forward = fake_close_forward;
  t->disconnect = fake_disconnect;
  t->get_peer_name = fake_get_peer_name;
}

TetherX2goTransport *
fake_transport_factory (TetherX2goClient  *client,
                        TetherX2goSession *session,
                        gpointer           user_data)
{
  FakeServer *server = user_data;
  FakeTransport *t = g_object_new (FAKE_TYPE_TRANSPORT, NULL);

  t->server = server;
  g_ptr_array_add (server->transports, t);
  g_object_weak_ref (G_OBJECT (t), forget_transport, server);
  return TETHER_X2GO_TRANSPORT (t);
}
