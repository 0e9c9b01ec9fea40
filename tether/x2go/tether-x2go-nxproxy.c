/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-nxproxy-private.h"
#include "tether-x2go-text-private.h"

/* How long nxproxy gets between SIGTERM and SIGKILL. */
#define STOP_GRACE_MS      3000
/* Deepest folder nesting removed below a session directory. */
#define MAX_REMOVE_DEPTH   8

struct _TetherX2goNxproxy {
  GObject       parent_instance;

  GSubprocess  *process;
  GMainContext *context;
  char         *pid;
  gboolean      running;
  gboolean      expected;
  GSource      *kill_source;
};

enum {
  SIGNAL_EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherX2goNxproxy, tether_x2go_nxproxy, G_TYPE_OBJECT)

/* ---- building the command line --------------------------------------------- */

static gboolean
option_safe (const char *what, const char *value, GError **error)
{
  /* The NX option syntax is "key=value,key=value:display": a value must not
   * carry ',', ':' or '=' (nor anything unprintable). */
  for (const char *p = value; *p != '\0'; p++)
    if (*p == ',' || *p == ':' || *p == '=' || g_ascii_iscntrl (*p))
      {
        g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                     "nxproxy: the %s '%s' contains ',', ':', '=' or a control "
                     "character, which the NX option syntax cannot carry",
                     what, value);
        return FALSE;
      }
  return TRUE;
}

char *
tether_x2go_nxproxy_build_options (const TetherX2goNxproxyParams *params,
                                   GError                       **error)
{
  g_autofree char *errors = NULL;

  if (params->cookie == NULL || !tether_x2go_is_cookie (params->cookie))
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                   "nxproxy: the session cookie is not 32 hex digits");
      return NULL;
    }
  if (params->local_port == 0 || params->local_port > 65535)
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                   "nxproxy: no local port for the graphics tunnel");
      return NULL;
    }
  errors = g_build_filename (params->session_dir, "session.err", NULL);
  if (!option_safe ("session directory", errors, error))
    return NULL;
  return g_strdup_printf ("nx/nx,retry=5,composite=1,connect=127.0.0.1,clipboard=1,"
                          "cookie=%s,port=%u,errors=%s:%u",
                          params->cookie, params->local_port, errors,
                          params->server_display);
}

char **
tether_x2go_nxproxy_build_argv (const TetherX2goNxproxyParams *params,
                                const char                    *program_path,
                                GError                       **error)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *options = NULL;

  options = tether_x2go_nxproxy_build_options (params, error);
  if (options == NULL)
    return NULL;

  g_strv_builder_add (argv, program_path);
  g_strv_builder_add (argv, "-S");
  if (params->use_options_file)
    {
      g_autofree char *file = g_build_filename (params->session_dir, "options", NULL);
      g_autofree char *arg = NULL;

      if (!option_safe ("options file", file, error))
        return NULL;
      arg = g_strdup_printf ("nx/nx,options=%s:%u", file, params->server_display);
      g_strv_builder_add (argv, arg);
    }
  else
    g_strv_builder_add (argv, options);
  return g_strv_builder_end (argv);
}

/* ---- the process ------------------------------------------------------------ */

static void
tether_x2go_nxproxy_dispose (GObject *object)
{
  TetherX2goNxproxy *self = TETHER_X2GO_NXPROXY (object);

  /* The wait callback holds a reference while the process runs, so a
   * running proxy never gets here; clean up what is left. */
  if (self->kill_source != NULL)
    {
      g_source_destroy (self->kill_source);
      g_clear_pointer (&self->kill_source, g_source_unref);
    }
  g_clear_object (&self->process);
  G_OBJECT_CLASS (tether_x2go_nxproxy_parent_class)->dispose (object);
}

static void
tether_x2go_nxproxy_finalize (GObject *object)
{
  TetherX2goNxproxy *self = TETHER_X2GO_NXPROXY (object);

  g_free (self->pid);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (tether_x2go_nxproxy_parent_class)->finalize (object);
}

static void
tether_x2go_nxproxy_init (TetherX2goNxproxy *self)
{
  self->context = g_main_context_ref_thread_default ();
}

static void
tether_x2go_nxproxy_class_init (TetherX2goNxproxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tether_x2go_nxproxy_dispose;
  object_class->finalize = tether_x2go_nxproxy_finalize;

  signals[SIGNAL_EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_BOOLEAN, G_TYPE_INT, G_TYPE_INT);
}

static void
on_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TetherX2goNxproxy) self = user_data;   /* the reference the wait held */
  GSubprocess *process = G_SUBPROCESS (source);
  int exit_code = -1, term_signal = 0;

  g_subprocess_wait_finish (process, result, NULL);
  if (g_subprocess_get_if_exited (process))
    exit_code = g_subprocess_get_exit_status (process);
  else if (g_subprocess_get_if_signaled (process))
    term_signal = g_subprocess_get_term_sig (process);

  self->running = FALSE;
  if (self->kill_source != NULL)
    {
      g_source_destroy (self->kill_source);
      g_clear_pointer (&self->kill_source, g_source_unref);
    }
  g_debug ("nxproxy (pid %s) ended: exit code %d, signal %d%s", self->pid,
           exit_code, term_signal, self->expected ? " (expected)" : "");
  g_signal_emit (self, signals[SIGNAL_EXITED], 0, self->expected, exit_code, term_signal);
}

static gboolean
make_private_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create the folder %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

TetherX2goNxproxy *
tether_x2go_nxproxy_start (const TetherX2goNxproxyParams *params,
                           GError                       **error)
{
  g_autoptr(TetherX2goNxproxy) self = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *program = NULL;
  g_autofree char *log_path = NULL;
  g_auto(GStrv) argv = NULL;
  int fd;

  if (params->display == NULL || params->display[0] == '\0')
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                   "no local X display: set DISPLAY (nxproxy draws the session there)");
      return NULL;
    }
  if (strchr (params->program, '/') != NULL)
    program = g_strdup (params->program);
  else
    program = g_find_program_in_path (params->program);
  if (program == NULL || !g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                   "nxproxy: '%s' was not found or is not executable "
                   "(install the nxproxy package)", params->program);
      return NULL;
    }

  argv = tether_x2go_nxproxy_build_argv (params, program, error);
  if (argv == NULL)
    return NULL;
  if (!make_private_dir (params->nx_root, error) ||
      !make_private_dir (params->session_dir, error))
    return NULL;

  if (params->use_options_file)
    {
      g_autofree char *options = tether_x2go_nxproxy_build_options (params, error);
      g_autofree char *file = g_build_filename (params->session_dir, "options", NULL);

      if (options == NULL)
        return NULL;
      if (!g_file_set_contents_full (file, options, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, error))
        return NULL;
    }

  log_path = g_build_filename (params->session_dir, "session.log", NULL);
  fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot open the nxproxy log %s: %s", log_path, g_strerror (saved));
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "NX_CLIENT", "/bin/true", TRUE);
  g_subprocess_launcher_setenv (launcher, "NX_ROOT", params->nx_root, TRUE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", params->display, TRUE);
  {
    int fd2 = dup (fd);

    g_subprocess_launcher_take_stdout_fd (launcher, fd);
    if (fd2 >= 0)
      g_subprocess_launcher_take_stderr_fd (launcher, fd2);
  }

  self = g_object_new (TETHER_X2GO_TYPE_NXPROXY, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, error);
  if (self->process == NULL)
    {
      g_prefix_error (error, "cannot start nxproxy: ");
      if (error != NULL && *error != NULL && (*error)->domain != TETHER_X2GO_ERROR)
        {
          GError *e = g_error_new_literal (TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED,
                                           (*error)->message);
          g_clear_error (error);
          g_propagate_error (error, e);
        }
      return NULL;
    }
  self->pid = g_strdup (g_subprocess_get_identifier (self->process));
  self->running = TRUE;
  g_debug ("nxproxy started: pid %s, display %s, local port %u, session display %u",
           self->pid, params->display, params->local_port, params->server_display);
  g_subprocess_wait_async (self->process, NULL, on_wait_done, g_object_ref (self));
  return g_steal_pointer (&self);
}

gboolean
tether_x2go_nxproxy_is_running (TetherX2goNxproxy *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_NXPROXY (self), FALSE);
  return self->running;
}

const char *
tether_x2go_nxproxy_get_pid (TetherX2goNxproxy *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_NXPROXY (self), NULL);
  return self->pid;
}

void
tether_x2go_nxproxy_expect_exit (TetherX2goNxproxy *self)
{
  g_return_if_fail (TETHER_X2GO_IS_NXPROXY (self));
  self->expected = TRUE;
}

static gboolean
kill_hard (gpointer user_data)
{
  TetherX2goNxproxy *self = user_data;

  if (self->running && self->process != NULL)
    {
      g_debug ("nxproxy (pid %s) ignored SIGTERM: sending SIGKILL", self->pid);
      g_subprocess_force_exit (self->process);
    }
  g_clear_pointer (&self->kill_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

void
tether_x2go_nxproxy_stop (TetherX2goNxproxy *self)
{
  g_return_if_fail (TETHER_X2GO_IS_NXPROXY (self));

  self->expected = TRUE;
  if (!self->running || self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  if (self->kill_source == NULL)
    {
      self->kill_source = g_timeout_source_new (STOP_GRACE_MS);
      g_source_set_callback (self->kill_source, kill_hard, self, NULL);
      g_source_attach (self->kill_source, self->context);
    }
}

/* ---- the local session folder ----------------------------------------------- */

static void
remove_tree (const char *path, guint depth)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (!S_ISDIR (st.st_mode))
    {
      if (g_unlink (path) != 0)
        g_debug ("cannot remove %s: %s", path, g_strerror (errno));
      return;
    }
  if (depth >= MAX_REMOVE_DEPTH)
    {
      g_debug ("not removing %s: nested too deep", path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child, depth + 1);
      }
  if (g_rmdir (path) != 0)
    g_debug ("cannot remove %s: %s", path, g_strerror (errno));
}

void
tether_x2go_nxproxy_remove_session_dir (const char *session_dir)
{
  g_autofree char *base = g_path_get_basename (session_dir);

  /* Only ever a session folder of ours. */
  if (!g_str_has_prefix (base, "S-") || !tether_x2go_is_session_name (base + 2))
    {
      g_warning ("refusing to remove %s: not an X2Go session folder", session_dir);
      return;
    }
  remove_tree (session_dir, 0);
}
