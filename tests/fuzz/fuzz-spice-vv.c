/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the .vv (virt-viewer) file parser. Whatever it accepts must hold
 * values that pass their own checks.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-spice-vv-private.h"
#include "tether-spice-uri-private.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSpiceVv vv;
  GError *error = NULL;
  gboolean ok = tether_spice_vv_parse ((const char *) data, size, &vv, &error);

  if (ok != (error == NULL))
    __builtin_trap ();
  if (!ok)
    {
      if (error->message == NULL || vv.host != NULL || vv.password != NULL)
        __builtin_trap ();
      g_error_free (error);
      return 0;
    }
  if (vv.unix_path == NULL)
    {
      if (!tether_spice_host_is_valid (vv.host) || (vv.port == NULL && vv.tls_port == NULL))
        __builtin_trap ();
    }
  else if (vv.host != NULL || vv.port != NULL || vv.tls_port != NULL || vv.unix_path[0] == '\0')
    __builtin_trap ();
  if ((vv.port != NULL && !tether_spice_port_parse (vv.port, NULL)) ||
      (vv.tls_port != NULL && !tether_spice_port_parse (vv.tls_port, NULL)))
    __builtin_trap ();
  if (vv.secure_channels != NULL)
    for (guint i = 0; vv.secure_channels[i] != NULL; i++)
      if (!tether_spice_channel_name_is_valid (vv.secure_channels[i]) && strcmp (vv.secure_channels[i], "all") != 0)
        __builtin_trap ();
  if (vv.password != NULL && strlen (vv.password) > TETHER_SPICE_VV_MAX_PASSWORD_LENGTH)
    __builtin_trap ();
  tether_spice_vv_clear (&vv);
  return 0;
}
