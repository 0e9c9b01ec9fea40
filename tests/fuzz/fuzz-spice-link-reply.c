/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the server's side of the SPICE link stage: a SpiceLinkHeader, the
 * SpiceLinkReply it announces (with its caps and RSA key), the auth choice,
 * the ticket encryption under the key found there, and the u32 link result.
 */
#include "config.h"

#include "tether-spice-link-private.h"
#include "tether-spice-ticket-private.h"
#include "fuzz-common.h"

static void
check_error (gboolean ok, GError *error)
{
  /* A failure always comes with a SPICE error and a message; success never does. */
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL && (error->domain != TETHER_SPICE_ERROR || error->message[0] == '\0'))
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSpiceLinkHeader header;
  TetherSpiceLinkReply reply;
  GError *error = NULL;
  gboolean ok;
  gsize n;

  /* The link result alone: the first 4 bytes. */
  if (size >= TETHER_SPICE_LINK_RESULT_SIZE)
    {
      guint32 code;

      ok = tether_spice_link_result_decode (data, TETHER_SPICE_LINK_RESULT_SIZE, &code, &error);
      check_error (ok, error);
      g_clear_error (&error);
    }

  ok = tether_spice_link_header_decode (data, MIN (size, (size_t) TETHER_SPICE_LINK_HEADER_SIZE),
                                        &header, &error);
  check_error (ok, error);
  g_clear_error (&error);
  /* Go on with the reply even after a bad header, to reach it more often. */
  if (size <= TETHER_SPICE_LINK_HEADER_SIZE)
    return 0;
  data += TETHER_SPICE_LINK_HEADER_SIZE;
  size -= TETHER_SPICE_LINK_HEADER_SIZE;
  n = ok ? MIN (size, (size_t) header.size) : size;

  ok = tether_spice_link_reply_decode (data, n, &reply, &error);
  check_error (ok, error);
  g_clear_error (&error);
  if (ok)
    {
      gboolean send;
      guint32 mechanism;
      GBytes *ticket;

      /* The caps arrays are as long as they claim. */
      for (guint i = 0; i < reply.n_common_caps; i++)
        (void) *(volatile guint32 *) &reply.common_caps[i];
      for (guint i = 0; i < reply.n_channel_caps; i++)
        (void) *(volatile guint32 *) &reply.channel_caps[i];
      ok = tether_spice_link_choose_auth (&reply, size & 1, &send, &mechanism, &error);
      check_error (ok, error);
      g_clear_error (&error);

      ticket = tether_spice_ticket_encrypt (reply.pub_key, sizeof reply.pub_key, "fuzz", &error);
      check_error (ticket != NULL, error);
      if (ticket != NULL && g_bytes_get_size (ticket) != TETHER_SPICE_TICKET_ENCRYPTED_SIZE)
        __builtin_trap ();
      g_clear_pointer (&ticket, g_bytes_unref);
      g_clear_error (&error);
    }
  tether_spice_link_reply_clear (&reply);
  return 0;
}
