/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tether-error.h"
#include "tether-ssh-auth-private.h"
#include "tether-ssh-key-file-private.h"

typedef struct {
  ssh_session             session;
  const TetherSshParams  *params;
  const char             *username;
  TetherSshWaitFunc       wait;
  TetherSshAbortedFunc    aborted;
  gpointer                data;
  gboolean                wait_failed;   /* the last request's wait set the error */
  int                     methods;       /* SSH_AUTH_METHOD_* the server accepts now */
  GPtrArray              *tried;         /* "publickey (id_ed25519)", "password", ... */
  GPtrArray              *notes;         /* why something was not tried */
  char                   *passphrase_problem;
} Auth;

/* Makes one request: calls @call until it is no longer SSH_AUTH_AGAIN,
 * waiting for the socket in between. */
#define REQUEST(a, rc, call, error)                               \
  do {                                                            \
    gint64 deadline_ = 0;                                         \
    (a)->wait_failed = FALSE;                                     \
    while (((rc) = (call)) == SSH_AUTH_AGAIN)                     \
      if (!(a)->wait ((a)->data, &deadline_, (error)))            \
        {                                                         \
          (a)->wait_failed = TRUE;                                \
          break;                                                  \
        }                                                         \
  } while (0)

typedef enum {
  STEP_REFUSED,      /* go on with the next method */
  STEP_SUCCESS,
  STEP_FAILED,       /* error set */
} Step;

gboolean
tether_ssh_prompt_is_password (const char *prompt)
{
  g_autofree char *lower = NULL;

  if (prompt == NULL)
    return FALSE;
  lower = g_ascii_strdown (prompt, -1);
  return strstr (lower, "password") != NULL;
}

static const char *
method_list (int methods, GString *out)
{
  static const struct { int bit; const char *name; } names[] = {
    { SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
    { SSH_AUTH_METHOD_PASSWORD, "password" },
    { SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
    { SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
    { SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (methods & names[i].bit)
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", names[i].name);
  if (out->len == 0)
    g_string_append (out, "none");
  return out->str;
}

/* After a blocking libssh call: was it interrupted, or did it fail? */
static Step
step_error (Auth *a, const char *what, GError **error)
{
  if (a->wait_failed)
    return STEP_FAILED;   /* the wait said why */
  if (a->aborted (a->data))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection attempt was cancelled");
  else
    g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_CONNECT,
                 "Authentication failed during %s: %s", what, ssh_get_error (a->session));
  return STEP_FAILED;
}

/* Maps a userauth return code; refreshes the method list on partial success. */
static Step
auth_result (Auth *a, int rc, const char *what, GError **error)
{
  if (a->wait_failed || a->aborted (a->data))
    return step_error (a, what, error);
  switch (rc)
    {
    case SSH_AUTH_SUCCESS:
      g_debug ("authenticated with %s", what);
      return STEP_SUCCESS;
    case SSH_AUTH_PARTIAL:
      /* One factor accepted: more are needed, perhaps others than before. */
      g_debug ("%s accepted, more authentication needed", what);
      a->methods = ssh_userauth_list (a->session, NULL);
      return STEP_REFUSED;
    case SSH_AUTH_DENIED:
      g_debug ("%s refused", what);
      return STEP_REFUSED;
    case SSH_AUTH_ERROR:
    default:
      return step_error (a, what, error);
    }
}

/* Why could the key not be loaded? Reads the file (bounded) and looks at its
 * envelope. */
static gboolean
key_file_is_encrypted (const char *path, GError **error)
{
  TetherSshKeyFileInfo info;
  g_autofree char *data = NULL;
  struct stat st;
  gsize len = 0;

  if (stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s", g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode) || st.st_size > TETHER_SSH_KEY_FILE_MAX_SIZE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a private key file");
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  if (!tether_ssh_key_file_inspect ((const guint8 *) data, len, &info, error))
    {
      explicit_bzero (data, len);
      return FALSE;
    }
  explicit_bzero (data, len);
  return info.encrypted;
}

static Step
try_key_file (Auth *a, const char *path, GError **error)
{
  const TetherSshParams *p = a->params;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *what = g_strdup_printf ("publickey (%s)", base);
  const char *passphrase = p->passphrase;
  gboolean implied = FALSE;
  ssh_key key = NULL;
  int rc;

  if (passphrase == NULL && p->password != NULL && !p->force_password_auth)
    {
      /* py-x2go: a password without a passphrase is also tried as the passphrase. */
      passphrase = p->password;
      implied = TRUE;
    }

  rc = ssh_pki_import_privkey_file (path, passphrase, NULL, NULL, &key);
  if (rc == SSH_EOF)
    {
      g_ptr_array_add (a->notes, g_strdup_printf ("the key file %s cannot be read", path));
      return STEP_REFUSED;
    }
  if (rc != SSH_OK)
    {
      g_autoptr(GError) local = NULL;
      gboolean encrypted = key_file_is_encrypted (path, &local);

      if (local != NULL)
        {
          g_ptr_array_add (a->notes, g_strdup_printf ("the key file %s is unusable (%s)",
                                                      path, local->message));
          return STEP_REFUSED;
        }
      if (!encrypted)
        {
          g_ptr_array_add (a->notes, g_strdup_printf ("the key in %s is of a kind libssh "
                                                      "cannot load", path));
          return STEP_REFUSED;
        }
      if (passphrase != NULL && !implied)
        {
          g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PASSPHRASE,
                       "The passphrase of the private key %s is wrong", path);
          return STEP_FAILED;
        }
      if (a->passphrase_problem == NULL)
        a->passphrase_problem = implied ?
          g_strdup_printf ("The private key %s needs a passphrase (the password is not it)", path) :
          g_strdup_printf ("The private key %s needs a passphrase", path);
      return STEP_REFUSED;
    }

  g_ptr_array_add (a->tried, g_strdup (what));
  REQUEST (a, rc, ssh_userauth_publickey (a->session, NULL, key), error);
  ssh_key_free (key);
  return auth_result (a, rc, what, error);
}

static Step
try_agent (Auth *a, GError **error)
{
  const char *sock = a->params->agent_socket != NULL ? a->params->agent_socket
                                                      : g_getenv ("SSH_AUTH_SOCK");

  if (sock == NULL || sock[0] == '\0')
    {
      g_ptr_array_add (a->notes, g_strdup ("no SSH agent is running (SSH_AUTH_SOCK is not set)"));
      return STEP_REFUSED;
    }
  int rc;

  g_ptr_array_add (a->tried, g_strdup ("agent"));
  REQUEST (a, rc, ssh_userauth_agent (a->session, NULL), error);
  return auth_result (a, rc, "agent", error);
}

static Step
try_password (Auth *a, GError **error)
{
  int rc;

  g_ptr_array_add (a->tried, g_strdup ("password"));
  REQUEST (a, rc, ssh_userauth_password (a->session, NULL, a->params->password), error);
  return auth_result (a, rc, "password", error);
}

static Step
try_keyboard_interactive (Auth *a, GError **error)
{
  gboolean password_given = FALSE;
  int rc;

  g_ptr_array_add (a->tried, g_strdup ("keyboard-interactive"));
  REQUEST (a, rc, ssh_userauth_kbdint (a->session, NULL, NULL), error);
  for (guint round = 0; rc == SSH_AUTH_INFO; round++)
    {
      int n = ssh_userauth_kbdint_getnprompts (a->session);

      if (round >= TETHER_SSH_KBDINT_MAX_ROUNDS || n < 0)
        break;
      for (int i = 0; i < n; i++)
        {
          char echo = 0;
          const char *prompt = ssh_userauth_kbdint_getprompt (a->session, (unsigned) i, &echo);

          /* The password is given once: a second password prompt means it was wrong. */
          if (echo || password_given || !tether_ssh_prompt_is_password (prompt))
            {
              g_ptr_array_add (a->notes, g_strdup ("the server asked a keyboard-interactive "
                                                   "question other than the password"));
              return STEP_REFUSED;
            }
          if (ssh_userauth_kbdint_setanswer (a->session, (unsigned) i, a->params->password) < 0)
            return step_error (a, "keyboard-interactive", error);
          password_given = TRUE;
        }
      REQUEST (a, rc, ssh_userauth_kbdint (a->session, NULL, NULL), error);
    }
  if (rc == SSH_AUTH_INFO)
    return STEP_REFUSED;
  return auth_result (a, rc, "keyboard-interactive", error);
}

static char *
join (GPtrArray *items, const char *sep)
{
  g_ptr_array_add (items, NULL);
  return g_strjoinv (sep, (char **) items->pdata);
}

gboolean
tether_ssh_authenticate (ssh_session             session,
                         const TetherSshParams  *params,
                         const char             *username,
                         TetherSshWaitFunc       wait,
                         TetherSshAbortedFunc    aborted,
                         gpointer                data,
                         GError                **error)
{
  g_autoptr(GPtrArray) tried = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) offered = g_string_new (NULL);
  Auth a = { session, params, username, wait, aborted, data, FALSE, 0, tried, notes, NULL };
  gboolean use_keys = !(params->force_password_auth && params->password != NULL);
  Step step;
  int rc;

  /* "none" tells which methods the server takes (and rarely lets us in). */
  REQUEST (&a, rc, ssh_userauth_none (session, NULL), error);
  if (a.wait_failed || rc == SSH_AUTH_ERROR || aborted (data))
    {
      step_error (&a, "the first request", error);
      return FALSE;
    }
  if (rc == SSH_AUTH_SUCCESS)
    return TRUE;
  a.methods = ssh_userauth_list (session, NULL);
  method_list (a.methods, offered);
  g_debug ("the server takes: %s", offered->str);

  step = STEP_REFUSED;
  if (use_keys && params->key_files != NULL)
    for (guint i = 0; params->key_files[i] != NULL && step == STEP_REFUSED; i++)
      if (a.methods & SSH_AUTH_METHOD_PUBLICKEY)
        step = try_key_file (&a, params->key_files[i], error);
  if (step == STEP_REFUSED && use_keys && params->use_agent &&
      (a.methods & SSH_AUTH_METHOD_PUBLICKEY))
    step = try_agent (&a, error);
  if (step == STEP_REFUSED && params->password != NULL && (a.methods & SSH_AUTH_METHOD_PASSWORD))
    step = try_password (&a, error);
  if (step == STEP_REFUSED && params->password != NULL && params->allow_keyboard_interactive &&
      (a.methods & SSH_AUTH_METHOD_INTERACTIVE))
    step = try_keyboard_interactive (&a, error);

  if (step == STEP_SUCCESS)
    {
      g_free (a.passphrase_problem);
      return TRUE;
    }
  if (step == STEP_FAILED)
    {
      g_free (a.passphrase_problem);
      return FALSE;
    }

  if (a.passphrase_problem != NULL && tried->len == 0)
    {
      g_set_error_literal (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_PASSPHRASE, a.passphrase_problem);
      g_free (a.passphrase_problem);
      return FALSE;
    }
  if (a.passphrase_problem != NULL)
    g_ptr_array_add (notes, g_strdup (a.passphrase_problem));

  {
    g_autofree char *tried_text = tried->len > 0 ? join (tried, ", ") : g_strdup ("nothing");
    g_autofree char *notes_text = notes->len > 0 ? join (notes, "; ") : NULL;

    g_set_error (error, TETHER_SSH_ERROR, TETHER_SSH_ERROR_AUTH_DENIED,
                 "The server refused the login as %s (tried: %s; the server takes: %s)%s%s",
                 username, tried_text, offered->str,
                 notes_text != NULL ? ". Also: " : "", notes_text != NULL ? notes_text : "");
  }
  g_free (a.passphrase_problem);
  return FALSE;
}
