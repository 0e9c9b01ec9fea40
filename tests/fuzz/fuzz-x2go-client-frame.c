/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the output frame of X2Go server commands (tether_x2go_unwrap_output)
 * and what the client does next with a listing: the body goes to the
 * x2golistsessions parser, as in the client. The marker is fixed, as the
 * client's random one is to an attacker who cannot read it.
 */
#include "config.h"

#include <string.h>

#include "tether-x2go-client-transport-private.h"
#include "tether-x2go-session-info-private.h"
#include "fuzz-common.h"

#define MARKER "0b6e1c2a-8a47-41ee-9c1b-0242ac110002"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  char *out = NULL;
  gsize out_len = 0;
  int status = -1;

  if (!tether_x2go_unwrap_output ("fuzz", (const char *) data, size, MARKER, &out, &out_len,
                                  &status, &error))
    {
      if (error == NULL || out != NULL || out_len != 0 || status != -1)
        __builtin_trap ();
      g_error_free (error);
      return 0;
    }
  if (error != NULL || out == NULL || out_len > size || status < 0 || status > 255 ||
      out[out_len] != '\0')
    __builtin_trap ();
  /* The body is a copy of bytes of the input. */
  if (out_len > 0 && memmem (data, size, out, out_len) == NULL)
    __builtin_trap ();
  {
    GPtrArray *infos = tether_x2go_parse_session_list (out, out_len, TETHER_X2GO_LIST_SESSIONS,
                                                       &error);
    if (infos != NULL)
      g_ptr_array_unref (infos);
    else
      g_clear_error (&error);
  }
  g_free (out);
  return 0;
}
