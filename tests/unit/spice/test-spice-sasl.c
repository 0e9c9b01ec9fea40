/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The framing of SPICE's SASL exchange (docs/spice-protocol.md §3.7):
 * the server's mechanism list and step messages, the client's start and
 * step messages. No libsasl2 needed.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-sasl-wire-private.h"
#include "spice-wire-test.h"

static gboolean
decode_mechlist (GBytes *body, GError **error)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (body, &n);
  g_autofree char *list = tether_spice_sasl_mechlist_message_decode (d, n, error);

  return list != NULL;
}

static gboolean
decode_step (GBytes *body, GError **error)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (body, &n);
  TetherSpiceSaslServerStep step;

  return tether_spice_sasl_server_step_message_decode (d, n, &step, error);
}

/* Real-shaped messages, as spice-server writes them. */
static const guint8 mechlist_digest[] = {
  12, 0, 0, 0, ',', 'D', 'I', 'G', 'E', 'S', 'T', '-', 'M', 'D', '5', ',',
};
static const guint8 mechlist_two[] = {
  19, 0, 0, 0, ',', 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '1', ',', 'P', 'L', 'A', 'I', 'N', ',',
};
static const guint8 step_challenge[] = {
  9, 0, 0, 0, 'n', 'o', 'n', 'c', 'e', '=', '"', 'x', 0,   /* 8 bytes + NUL */
  0,                                                         /* not complete */
};
static const guint8 step_null_complete[] = { 0, 0, 0, 0, 1 };
static const guint8 step_rspauth_complete[] = {
  5, 0, 0, 0, 'r', '=', 'a', 'b', 0, 1,
};

static void
test_sasl_valid (void)
{
  static const SpiceValidVector table[] = {
    { "mechlist digest", decode_mechlist, SPICE_VEC (mechlist_digest), 0 },
    { "mechlist two", decode_mechlist, SPICE_VEC (mechlist_two), 0 },
    { "step challenge", decode_step, SPICE_VEC (step_challenge), 0 },
    { "step null complete", decode_step, SPICE_VEC (step_null_complete), 0 },
    { "step rspauth complete", decode_step, SPICE_VEC (step_rspauth_complete), 0 },
  };

  spice_test_valid_table (table, G_N_ELEMENTS (table));
}

static void
test_sasl_truncated (void)
{
  static const SpiceValidVector table[] = {
    { "mechlist digest", decode_mechlist, SPICE_VEC (mechlist_digest), 0 },
    { "mechlist two", decode_mechlist, SPICE_VEC (mechlist_two), 0 },
    { "step challenge", decode_step, SPICE_VEC (step_challenge), 0 },
    { "step null complete", decode_step, SPICE_VEC (step_null_complete), 0 },
    { "step rspauth complete", decode_step, SPICE_VEC (step_rspauth_complete), 0 },
  };

  spice_test_prefix_table (table, G_N_ELEMENTS (table));
}

static void
test_sasl_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  TetherSpiceSaslServerStep step;

  list = tether_spice_sasl_mechlist_message_decode (mechlist_two, sizeof mechlist_two, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (list, ==, ",SCRAM-SHA-1,PLAIN,");

  /* The length counts the NUL, which is not SASL data. */
  g_assert_true (tether_spice_sasl_server_step_message_decode (step_challenge, sizeof step_challenge,
                                                               &step, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (step.data, step.data_len, "nonce=\"x", 8);
  g_assert_false (step.complete);

  /* Length 0 is "no data" (NULL), distinct from empty data. */
  g_assert_true (tether_spice_sasl_server_step_message_decode (step_null_complete, sizeof step_null_complete,
                                                               &step, &error));
  g_assert_no_error (error);
  g_assert_null (step.data);
  g_assert_cmpuint (step.data_len, ==, 0);
  g_assert_true (step.complete);

  {
    static const guint8 empty[] = { 1, 0, 0, 0, 0, 0 };

    g_assert_true (tether_spice_sasl_server_step_message_decode (empty, sizeof empty, &step, &error));
    g_assert_no_error (error);
    g_assert_nonnull (step.data);
    g_assert_cmpuint (step.data_len, ==, 0);
    g_assert_false (step.complete);
  }
}

static void
test_sasl_hostile (void)
{
  static const guint8 mech_zero[] = { 0, 0, 0, 0 };
  static const guint8 mech_huge[] = { 0x2d, 0x01, 0, 0 };                 /* 301 */
  static const guint8 mech_only_commas[] = { 3, 0, 0, 0, ',', ',', ',' };
  static const guint8 mech_lower[] = { 5, 0, 0, 0, ',', 'p', 'l', 'a', 'i' };
  static const guint8 mech_nul[] = { 4, 0, 0, 0, 'A', 0, 'B', ',' };
  static const guint8 mech_space[] = { 3, 0, 0, 0, 'A', ' ', 'B' };
  static const guint8 mech_trailing[] = { 1, 0, 0, 0, 'A', 'B' };
  static const guint8 step_huge[] = { 0x01, 0x00, 0x10, 0x00, 0 };        /* 1 MiB + 1 */
  static const guint8 step_max[] = { 0xff, 0xff, 0xff, 0xff, 0 };
  static const guint8 step_flag[] = { 0, 0, 0, 0, 2 };
  static const guint8 step_trailing[] = { 0, 0, 0, 0, 1, 0 };
  static const SpiceBadVector table[] = {
    { "mechlist empty", decode_mechlist, SPICE_VEC (mech_zero), TETHER_SPICE_ERROR_PROTOCOL, "minimum" },
    { "mechlist over limit", decode_mechlist, SPICE_VEC (mech_huge), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "301" },
    { "mechlist no names", decode_mechlist, SPICE_VEC (mech_only_commas), TETHER_SPICE_ERROR_PROTOCOL,
      "no mechanism" },
    { "mechlist lower case", decode_mechlist, SPICE_VEC (mech_lower), TETHER_SPICE_ERROR_PROTOCOL, "0x70" },
    { "mechlist NUL", decode_mechlist, SPICE_VEC (mech_nul), TETHER_SPICE_ERROR_PROTOCOL, "0x00" },
    { "mechlist space", decode_mechlist, SPICE_VEC (mech_space), TETHER_SPICE_ERROR_PROTOCOL, "0x20" },
    { "mechlist trailing", decode_mechlist, SPICE_VEC (mech_trailing), TETHER_SPICE_ERROR_PROTOCOL, NULL },
    { "step over limit", decode_step, SPICE_VEC (step_huge), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "1048577" },
    { "step u32 max", decode_step, SPICE_VEC (step_max), TETHER_SPICE_ERROR_LIMIT_EXCEEDED, NULL },
    { "step complete 2", decode_step, SPICE_VEC (step_flag), TETHER_SPICE_ERROR_PROTOCOL, "complete" },
    { "step trailing", decode_step, SPICE_VEC (step_trailing), TETHER_SPICE_ERROR_PROTOCOL, NULL },
  };

  spice_test_bad_table (table, G_N_ELEMENTS (table));
}

static void
test_sasl_encode (void)
{
  g_autoptr(GError) error = NULL;

  {
    /* DIGEST-MD5 starts without data: u32 0, not u32 1 + NUL. */
    static const guint8 expected[] = {
      10, 0, 0, 0, 'D', 'I', 'G', 'E', 'S', 'T', '-', 'M', 'D', '5',
      0, 0, 0, 0,
    };
    g_autoptr(GBytes) b = tether_spice_sasl_start_encode ("DIGEST-MD5", NULL, 0, &error);

    g_assert_no_error (error);
    spice_test_assert_bytes (b, expected, sizeof expected);
  }
  {
    /* PLAIN's first data, with its NULs inside, plus the trailing NUL. */
    static const char plain[] = "\0u\0pw";
    static const guint8 expected[] = {
      5, 0, 0, 0, 'P', 'L', 'A', 'I', 'N',
      6, 0, 0, 0, 0, 'u', 0, 'p', 'w', 0,
    };
    g_autoptr(GBytes) b = tether_spice_sasl_start_encode ("PLAIN", plain, sizeof plain - 1, &error);

    g_assert_no_error (error);
    spice_test_assert_bytes (b, expected, sizeof expected);
  }
  {
    /* Empty but present data: length 1 (the NUL). */
    static const guint8 expected[] = { 1, 0, 0, 0, 0 };
    g_autoptr(GBytes) b = tether_spice_sasl_step_encode ("", 0, &error);

    g_assert_no_error (error);
    spice_test_assert_bytes (b, expected, sizeof expected);
  }
  {
    static const guint8 expected[] = { 0, 0, 0, 0 };
    g_autoptr(GBytes) b = tether_spice_sasl_step_encode (NULL, 0, &error);

    g_assert_no_error (error);
    spice_test_assert_bytes (b, expected, sizeof expected);
  }
}

static void
test_sasl_encode_limits (void)
{
  g_autofree char *long_name = g_strnfill (TETHER_SPICE_SASL_MAX_MECHNAME_LEN + 1, 'A');
  g_autofree char *ok_name = g_strnfill (TETHER_SPICE_SASL_MAX_MECHNAME_LEN, 'A');
  g_autoptr(GError) error = NULL;
  GBytes *b;

  b = tether_spice_sasl_start_encode (long_name, NULL, 0, &error);
  g_assert_null (b);
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  b = tether_spice_sasl_start_encode ("", NULL, 0, &error);
  g_assert_null (b);
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  b = tether_spice_sasl_start_encode (ok_name, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 4 + TETHER_SPICE_SASL_MAX_MECHNAME_LEN + 4);
  g_bytes_unref (b);

  /* Data plus its NUL must fit in the 1 MiB limit (the length is checked
   * before the data is touched). */
  b = tether_spice_sasl_step_encode ("x", TETHER_SPICE_SASL_MAX_DATA_LEN, &error);
  g_assert_null (b);
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/wire/sasl/valid", test_sasl_valid);
  g_test_add_func ("/spice/wire/sasl/truncated", test_sasl_truncated);
  g_test_add_func ("/spice/wire/sasl/values", test_sasl_values);
  g_test_add_func ("/spice/wire/sasl/hostile", test_sasl_hostile);
  g_test_add_func ("/spice/wire/sasl/encode", test_sasl_encode);
  g_test_add_func ("/spice/wire/sasl/encode-limits", test_sasl_encode_limits);
  return g_test_run ();
}
