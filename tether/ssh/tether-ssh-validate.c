/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Ssh"

#include "config.h"

#include <string.h>

#include "tether-ssh-validate-private.h"

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  g_free (message);
  return FALSE;
}

static gboolean
is_host_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
}

gboolean
tether_ssh_validate_host (const char *host, GError **error)
{
  gsize len;

  if (host == NULL || host[0] == '\0')
    return invalid (error, "No host name given");
  len = strnlen (host, TETHER_SSH_MAX_HOST_LEN + 1);
  if (len > TETHER_SSH_MAX_HOST_LEN)
    return invalid (error, "The host name is longer than %d characters", TETHER_SSH_MAX_HOST_LEN);
  if (host[0] == '-' || host[0] == '.')
    return invalid (error, "The host name must not start with '%c'", host[0]);
  for (gsize i = 0; i < len; i++)
    if (!is_host_char (host[i]))
      return invalid (error, "The host name contains a character that is not allowed "
                      "(byte 0x%02x at position %" G_GSIZE_FORMAT ")", (guint8) host[i], i);
  return TRUE;
}

gboolean
tether_ssh_validate_username (const char *username, GError **error)
{
  gsize len;
  const char *p;

  if (username == NULL || username[0] == '\0')
    return invalid (error, "No user name given");
  len = strnlen (username, TETHER_SSH_MAX_USERNAME_LEN + 1);
  if (len > TETHER_SSH_MAX_USERNAME_LEN)
    return invalid (error, "The user name is longer than %d bytes", TETHER_SSH_MAX_USERNAME_LEN);
  if (!g_utf8_validate (username, len, NULL))
    return invalid (error, "The user name is not valid UTF-8");
  if (username[0] == '-')
    return invalid (error, "The user name must not start with '-'");
  for (p = username; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        return invalid (error, "The user name contains a space or control character");
    }
  return TRUE;
}

gboolean
tether_ssh_validate_port (guint port, gboolean allow_zero, const char *what, GError **error)
{
  if (port > 65535 || (port == 0 && !allow_zero))
    return invalid (error, "%s %u is not a valid TCP port (1 to 65535)", what, port);
  return TRUE;
}

gboolean
tether_ssh_validate_command (const char *command, GError **error)
{
  gsize len;

  if (command == NULL || command[0] == '\0')
    return invalid (error, "The command is empty");
  len = strnlen (command, TETHER_SSH_MAX_COMMAND_LEN + 1);
  if (len > TETHER_SSH_MAX_COMMAND_LEN)
    return invalid (error, "The command is longer than %d bytes", TETHER_SSH_MAX_COMMAND_LEN);
  if (!g_utf8_validate (command, len, NULL))
    return invalid (error, "The command is not valid UTF-8");
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) command[i];

      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
        return invalid (error, "The command contains a control character "
                        "(byte 0x%02x at position %" G_GSIZE_FORMAT ")", c, i);
    }
  return TRUE;
}
