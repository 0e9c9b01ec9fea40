/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-ssh-known-hosts-private.h"

/* Unpadded standard base64, as OpenSSH prints fingerprints. */
static char *
base64_unpadded (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  gsize n = strlen (text);

  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  return text;
}

char *
tether_ssh_fingerprint_sha256 (const guint8 *blob, gsize len)
{
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *b64 = NULL;

  g_checksum_update (sum, blob, len);
  g_checksum_get_digest (sum, digest, &digest_len);
  g_assert (digest_len == sizeof digest);
  b64 = base64_unpadded (digest, digest_len);
  return g_strconcat ("SHA256:", b64, NULL);
}

char *
tether_ssh_known_hosts_host_pattern (const char *host, guint port)
{
  if (port == 22)
    return g_strdup (host);
  return g_strdup_printf ("[%s]:%u", host, port);
}

static gboolean
is_key_type_char (char c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-' || c == '@' || c == '.';
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

static gboolean
check_token (const char *value, gsize max, gboolean (*allowed) (char), const char *what,
             GError **error)
{
  gsize len;

  if (value == NULL || value[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "The %s is empty", what);
      return FALSE;
    }
  len = strnlen (value, max + 1);
  if (len > max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The %s is longer than %" G_GSIZE_FORMAT " characters", what, max);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!allowed (value[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "The %s contains a character that is not allowed (byte 0x%02x)",
                     what, (guint8) value[i]);
        return FALSE;
      }
  return TRUE;
}

char *
tether_ssh_known_hosts_format_entry (const char   *host,
                                     guint         port,
                                     const char   *key_type,
                                     const char   *key_base64,
                                     const guint8 *salt,
                                     GError      **error)
{
  g_autofree char *pattern = NULL;

  if (!tether_ssh_validate_host (host, error) ||
      !tether_ssh_validate_port (port, FALSE, "Port", error) ||
      !check_token (key_type, TETHER_SSH_MAX_KEY_TYPE_LEN, is_key_type_char, "key type", error) ||
      !check_token (key_base64, TETHER_SSH_MAX_KEY_BASE64_LEN, is_base64_char, "key text", error))
    return NULL;

  pattern = tether_ssh_known_hosts_host_pattern (host, port);
  if (salt != NULL)
    {
      g_autofree char *salt_b64 = g_base64_encode (salt, TETHER_SSH_KNOWN_HOSTS_SALT_LEN);
      g_autofree char *hash_b64 = NULL;
      guint8 digest[20];
      gsize digest_len = sizeof digest;
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, salt, TETHER_SSH_KNOWN_HOSTS_SALT_LEN);

      g_hmac_update (hmac, (const guchar *) pattern, strlen (pattern));
      g_hmac_get_digest (hmac, digest, &digest_len);
      g_assert (digest_len == sizeof digest);
      hash_b64 = g_base64_encode (digest, digest_len);
      return g_strdup_printf ("|1|%s|%s %s %s\n", salt_b64, hash_b64, key_type, key_base64);
    }
  return g_strdup_printf ("%s %s %s\n", pattern, key_type, key_base64);
}

static gboolean
fail_errno (GError **error, int saved_errno, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not add the host key to %s: %s: %s", path, what, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const char *data, gsize len, int *saved_errno)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *saved_errno = errno;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
tether_ssh_known_hosts_append (const char *path, const char *entry, GError **error)
{
  g_autofree char *dir = NULL;
  struct stat st;
  gsize len;
  int fd, saved_errno = 0;
  gboolean ok;

  g_return_val_if_fail (path != NULL && path[0] != '\0', FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  len = strlen (entry);
  if (len == 0 || entry[len - 1] != '\n' || memchr (entry, '\n', len - 1) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Could not add the host key to %s: the entry is not one line", path);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return fail_errno (error, errno, path, "cannot create its folder");

  do
    fd = open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return fail_errno (error, errno, path, "cannot open it");

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      return fail_errno (error, saved_errno, path, "cannot examine it");
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "Could not add the host key to %s: it is not a regular file", path);
      return FALSE;
    }

  ok = TRUE;
  if (st.st_size > 0)
    {
      char last = '\n';

      /* A file whose last line has no newline would glue our entry to it. */
      if (pread (fd, &last, 1, st.st_size - 1) != 1)
        {
          saved_errno = errno != 0 ? errno : EIO;
          ok = FALSE;
        }
      else if (last != '\n')
        ok = write_all (fd, "\n", 1, &saved_errno);
    }
  if (ok)
    ok = write_all (fd, entry, len, &saved_errno);
  if (close (fd) != 0 && ok)
    {
      saved_errno = errno;
      ok = FALSE;
    }
  if (!ok)
    return fail_errno (error, saved_errno, path, "cannot write to it");
  g_debug ("added a host key entry to %s", path);
  return TRUE;
}
