/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the private key file inspection of the SSH layer: the whole input as
 * a key file (armor, headers, base64, then the openssh-key-v1 body), and the
 * whole input as an openssh-key-v1 body.
 */
#include "config.h"

#include <string.h>

#include "tether-ssh-key-file-private.h"
#include "fuzz-common.h"

static void
check (gboolean ok, const TetherSshKeyFileInfo *info, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (ok)
    {
      /* The cipher name is a NUL-terminated allow-listed token. */
      if (memchr (info->cipher, '\0', sizeof info->cipher) == NULL)
        __builtin_trap ();
      if (info->format == TETHER_SSH_KEY_FORMAT_OPENSSH &&
          info->encrypted != (strcmp (info->cipher, "none") != 0))
        __builtin_trap ();
    }
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSshKeyFileInfo info;
  GError *error = NULL;
  gboolean ok;

  ok = tether_ssh_key_file_inspect (data, size, &info, &error);
  check (ok, &info, error);
  error = NULL;
  ok = tether_ssh_key_file_parse_openssh (data, size, &info, &error);
  check (ok, &info, error);
  return 0;
}
