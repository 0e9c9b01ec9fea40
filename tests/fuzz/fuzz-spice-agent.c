/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the VD agent reassembler: the input is a series of AGENT_DATA
 * chunks, each a u16 LE length and that many bytes. Completed
 * ANNOUNCE_CAPABILITIES messages are decoded too; after an error the
 * stream is reset, as on AGENT_DISCONNECTED.
 */
#include "config.h"

#include "tether-spice-agent-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

/* Small, so the fuzzer reaches the cap. */
#define FUZZ_MAX_MESSAGE (64u * 1024u)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherSpiceAgentReassembler *r = tether_spice_agent_reassembler_new (FUZZ_MAX_MESSAGE);
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_spice_agent_message_free);
  TetherReader in;
  guint16 len;

  tether_reader_init (&in, data, size);
  while (tether_reader_u16_le (&in, &len))
    {
      const guint8 *p;
      GBytes *chunk;
      GError *error = NULL;
      gboolean ok;

      len = (guint16) MIN ((gsize) len, tether_reader_remaining (&in));
      tether_reader_borrow (&in, len, &p);
      chunk = g_bytes_new (p, len);
      ok = tether_spice_agent_reassembler_push (r, chunk, messages, &error);
      if (ok != (error == NULL) || (error != NULL && error->domain != TETHER_SPICE_ERROR))
        __builtin_trap ();
      if (!ok)
        tether_spice_agent_reassembler_reset (r);
      g_clear_error (&error);
      g_bytes_unref (chunk);

      for (guint i = 0; i < messages->len; i++)
        {
          TetherSpiceAgentMessage *m = messages->pdata[i];
          gsize n;
          const guint8 *d = g_bytes_get_data (m->data, &n);

          if (n > FUZZ_MAX_MESSAGE)
            __builtin_trap ();
          if (n > 0)
            (void) *(volatile const guint8 *) &d[n - 1];
          if (m->type == TETHER_SPICE_VD_AGENT_ANNOUNCE_CAPABILITIES)
            {
              TetherSpiceAgentAnnounceCaps caps;

              if (tether_spice_agent_announce_caps_decode (m->data, &caps, &error))
                {
                  for (guint b = 0; b < 32 * caps.n_caps + 8; b++)
                    (void) tether_spice_caps_test (caps.caps, caps.n_caps, b);
                }
              else if (error == NULL)
                __builtin_trap ();
              tether_spice_agent_announce_caps_clear (&caps);
              g_clear_error (&error);
            }
        }
      g_ptr_array_set_size (messages, 0);
    }

  g_ptr_array_unref (messages);
  tether_spice_agent_reassembler_free (r);
  return 0;
}
