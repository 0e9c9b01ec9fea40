/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <string.h>

#include "tether-reader-private.h"
#include "tether-ssh-key-file-private.h"

#define OPENSSH_MAGIC     "openssh-key-v1"   /* followed by a NUL byte */
#define OPENSSH_MAGIC_LEN (sizeof OPENSSH_MAGIC) /* includes that NUL */

static gboolean
bad_key (GError **error, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a usable private key file: %s", why);
  return FALSE;
}

static gboolean
is_name_char (guint8 c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-' || c == '@' || c == '.' || c == '_';
}

/* An SSH "string" (u32 length, bytes) of at most @max bytes. */
static gboolean
read_string (TetherReader *r, gsize max, const guint8 **data, guint32 *len)
{
  if (!tether_reader_u32_be (r, len))
    return FALSE;
  if (*len > max)
    return tether_reader_fail (r, "string longer than allowed");
  return tether_reader_borrow (r, *len, data);
}

/* A cipher or KDF name: 1..TETHER_SSH_KEY_MAX_NAME_LEN characters of [a-z0-9@._-]. */
static gboolean
read_name (TetherReader *r, char out[TETHER_SSH_KEY_MAX_NAME_LEN + 1])
{
  const guint8 *p;
  guint32 len;

  out[0] = '\0';
  if (!read_string (r, TETHER_SSH_KEY_MAX_NAME_LEN, &p, &len))
    return FALSE;
  if (len == 0)
    return tether_reader_fail (r, "empty name");
  for (guint32 i = 0; i < len; i++)
    if (!is_name_char (p[i]))
      return tether_reader_fail (r, "name with a character that is not allowed");
  memcpy (out, p, len);
  out[len] = '\0';
  return TRUE;
}

gboolean
tether_ssh_key_file_parse_openssh (const guint8         *data,
                                   gsize                 len,
                                   TetherSshKeyFileInfo *info,
                                   GError              **error)
{
  TetherReader r;
  const guint8 *magic, *p;
  char kdf[TETHER_SSH_KEY_MAX_NAME_LEN + 1];
  guint32 n, nkeys = 0;
  gboolean cipher_none, kdf_none;

  memset (info, 0, sizeof *info);
  info->format = TETHER_SSH_KEY_FORMAT_OPENSSH;

  tether_reader_init (&r, data, len);
  if (tether_reader_borrow (&r, OPENSSH_MAGIC_LEN, &magic) &&
      memcmp (magic, OPENSSH_MAGIC, OPENSSH_MAGIC_LEN) != 0)
    tether_reader_fail (&r, "no openssh-key-v1 magic");
  read_name (&r, info->cipher);
  read_name (&r, kdf);
  read_string (&r, TETHER_SSH_KEY_MAX_KDF_OPTIONS, &p, &n);
  if (tether_reader_u32_be (&r, &nkeys) && (nkeys == 0 || nkeys > TETHER_SSH_KEY_MAX_KEYS))
    tether_reader_fail (&r, "number of keys out of range");
  /* Each public key is at least its 4-byte length. */
  if (tether_reader_can_hold (&r, nkeys, 4))
    for (guint32 i = 0; i < nkeys; i++)
      if (!read_string (&r, TETHER_SSH_KEY_FILE_MAX_SIZE, &p, &n))
        break;
  /* The (possibly encrypted) private section takes the rest exactly. */
  if (read_string (&r, TETHER_SSH_KEY_FILE_MAX_SIZE, &p, &n) && n == 0)
    tether_reader_fail (&r, "empty private section");
  if (!tether_reader_finish_full (&r, TRUE, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, error))
    {
      g_prefix_error (error, "Not a usable private key file: OpenSSH key: ");
      memset (info, 0, sizeof *info);
      return FALSE;
    }

  cipher_none = strcmp (info->cipher, "none") == 0;
  kdf_none = strcmp (kdf, "none") == 0;
  if (cipher_none != kdf_none)
    {
      memset (info, 0, sizeof *info);
      return bad_key (error, "OpenSSH key: cipher and key derivation do not match");
    }
  info->encrypted = !cipher_none;
  return TRUE;
}

static gboolean
is_base64_line (const char *line)
{
  if (line[0] == '\0')
    return FALSE;
  for (const char *p = line; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '+' || *p == '/' || *p == '='))
      return FALSE;
  return TRUE;
}

/* "-----BEGIN <label>-----" → label (borrowed from @line, which is modified). */
static char *
armor_label (char *line, const char *kind)
{
  gsize len = strlen (line), prefix = strlen (kind);

  if (len < prefix + 5 || strncmp (line, kind, prefix) != 0 ||
      strcmp (line + len - 5, "-----") != 0)
    return NULL;
  line[len - 5] = '\0';
  return line + prefix;
}

gboolean
tether_ssh_key_file_inspect (const guint8         *data,
                             gsize                 len,
                             TetherSshKeyFileInfo *info,
                             GError              **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) body = NULL;
  char *label = NULL;
  gboolean proc_encrypted = FALSE, in_body = FALSE, ended = FALSE;
  guint i, n;

  memset (info, 0, sizeof *info);
  if (len == 0)
    return bad_key (error, "the file is empty");
  if (len > TETHER_SSH_KEY_FILE_MAX_SIZE)
    return bad_key (error, "the file is too large");
  if (memchr (data, '\0', len) != NULL)
    return bad_key (error, "the file contains binary data");

  text = g_strndup ((const char *) data, len);
  lines = g_strsplit (text, "\n", TETHER_SSH_KEY_FILE_MAX_LINES + 1);
  n = g_strv_length (lines);
  if (n > TETHER_SSH_KEY_FILE_MAX_LINES)
    return bad_key (error, "the file has too many lines");

  body = g_string_new (NULL);
  for (i = 0; i < n && !ended; i++)
    {
      char *line = lines[i];
      gsize l = strlen (line);

      if (l > 0 && line[l - 1] == '\r')
        line[--l] = '\0';

      if (label == NULL)
        {
          /* Text before the armor is allowed (RFC 7468 §2). */
          label = armor_label (line, "-----BEGIN ");
          continue;
        }
      if (g_str_has_prefix (line, "-----END "))
        {
          char *end_label = armor_label (line, "-----END ");

          if (end_label == NULL || strcmp (end_label, label) != 0)
            return bad_key (error, "the END line does not match the BEGIN line");
          ended = TRUE;
          continue;
        }
      if (!in_body && strchr (line, ':') != NULL)
        {
          /* RFC 1421 headers of the legacy PEM format. */
          if (strcmp (line, "Proc-Type: 4,ENCRYPTED") == 0)
            proc_encrypted = TRUE;
          continue;
        }
      if (!in_body && line[0] == '\0')
        continue;
      if (!is_base64_line (line))
        return bad_key (error, "the key text is not base64");
      in_body = TRUE;
      g_string_append (body, line);
    }
  if (label == NULL)
    return bad_key (error, "no \"-----BEGIN … PRIVATE KEY-----\" line");
  if (!ended)
    return bad_key (error, "no END line");
  if (body->len == 0)
    return bad_key (error, "the key text is empty");

  if (strcmp (label, "OPENSSH PRIVATE KEY") == 0)
    {
      gsize bin_len = 0;
      g_autofree guint8 *bin = g_base64_decode (body->str, &bin_len);

      return tether_ssh_key_file_parse_openssh (bin, bin_len, info, error);
    }
  if (strcmp (label, "RSA PRIVATE KEY") == 0 || strcmp (label, "EC PRIVATE KEY") == 0 ||
      strcmp (label, "DSA PRIVATE KEY") == 0)
    {
      info->format = TETHER_SSH_KEY_FORMAT_PEM;
      info->encrypted = proc_encrypted;
      return TRUE;
    }
  if (strcmp (label, "PRIVATE KEY") == 0 || strcmp (label, "ENCRYPTED PRIVATE KEY") == 0)
    {
      info->format = TETHER_SSH_KEY_FORMAT_PKCS8;
      info->encrypted = label[0] == 'E';
      return TRUE;
    }
  return bad_key (error, "the file holds something other than a private key");
}
