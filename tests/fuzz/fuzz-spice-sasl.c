/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the server's side of SPICE's SASL exchange: the input is taken as
 * a mechanism-list message and as a step message (length word + body, and
 * the complete byte), and the two-part decoders the channel uses are run
 * on the same bytes.
 */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-sasl-wire-private.h"
#include "fuzz-common.h"

static void
check_error (gboolean ok, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && (error->domain != TETHER_SPICE_ERROR || error->message[0] == '\0'))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  TetherSpiceSaslServerStep step;
  char *list;
  gboolean ok;

  list = tether_spice_sasl_mechlist_message_decode (data, size, &error);
  check_error (list != NULL, error);
  if (list != NULL && (strlen (list) == 0 || strlen (list) > TETHER_SPICE_SASL_MAX_MECHLIST_LEN))
    __builtin_trap ();
  g_free (list);
  g_clear_error (&error);

  ok = tether_spice_sasl_server_step_message_decode (data, size, &step, &error);
  check_error (ok, error);
  if (ok && step.data != NULL)
    {
      /* The data lies inside the input. */
      volatile char sink = 0;

      for (guint i = 0; i < step.data_len; i++)
        sink ^= step.data[i];
      (void) sink;
      if (step.data_len >= size)
        __builtin_trap ();
    }
  g_clear_error (&error);

  /* The channel's two-part reads: the body after a length word. */
  if (size > TETHER_SPICE_SASL_LENGTH_SIZE)
    {
      list = tether_spice_sasl_mechlist_decode (data + TETHER_SPICE_SASL_LENGTH_SIZE,
                                                size - TETHER_SPICE_SASL_LENGTH_SIZE, &error);
      check_error (list != NULL, error);
      g_free (list);
      g_clear_error (&error);
      ok = tether_spice_sasl_server_step_decode (data + TETHER_SPICE_SASL_LENGTH_SIZE,
                                                 size - TETHER_SPICE_SASL_LENGTH_SIZE, &step, &error);
      check_error (ok, error);
      g_clear_error (&error);
    }
  return 0;
}
