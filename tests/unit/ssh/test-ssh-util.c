/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "tether-ssh-auth-private.h"
#include "tether-ssh-key-file-private.h"
#include "tether-ssh-known-hosts-private.h"
#include "tether-ssh-validate-private.h"
#include "tether-test-utils.h"

/* Public keys and fingerprints as `ssh-keygen -l -E sha256` printed them. */
#define ED25519_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIDkImNkCG6B7w34tfFm3Y2ZQnsyGAwsLTkNmMArBgMW6"
#define ED25519_FP  "SHA256:lskzZkQKk1G/L8/ujs7tpF3Q2lUzccJisksxRF5PIJc"
#define RSA_B64 \
  "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDJ9jCfA6OFLNoDIsD64GoU/5zu//plBwG/m83fmdessMPXRhgInzWQzRLTV+" \
  "ua2JEbP7CAv8OftW2gw9xQTau8/+/D3halvMiXD+vi1ixQrjij3a9YKthze4qvcJ7JCIfH/qrm5Y9UiVzDfYNobt5n" \
  "MGr8AWim4y4b1xdC12Plaw=="
#define RSA_FP      "SHA256:Wmj75FwGA8ZXVwtWUG5BBE4MaXzhRs+12Tr8seaWNn8"

/* ---- validation ---------------------------------------------------------- */

typedef struct {
  const char *value;
  gboolean    valid;
} Case;

static void
test_validate_host (void)
{
  static const Case cases[] = {
    { "example.org", TRUE },
    { "127.0.0.1", TRUE },
    { "::1", TRUE },
    { "fe80::1%eth0", TRUE },
    { "my_host-1.example", TRUE },
    { "", FALSE },
    { "-oProxyCommand=x", FALSE },
    { ".hidden", FALSE },
    { "a b", FALSE },
    { "host\nname", FALSE },
    { "[::1]", FALSE },
    { "user@host", FALSE },
    { "h\xc3\xa9", FALSE },
    { "a,b", FALSE },
  };
  g_autofree char *longest = g_strnfill (TETHER_SSH_MAX_HOST_LEN, 'a');
  g_autofree char *too_long = g_strnfill (TETHER_SSH_MAX_HOST_LEN + 1, 'a');
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = tether_ssh_validate_host (cases[i].value, &error);

      {
        g_autofree char *shown = g_strescape (cases[i].value, NULL);

        g_test_message ("host '%s'", shown);
      }
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_false (tether_ssh_validate_host (NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tether_ssh_validate_host (longest, &error));
  g_assert_false (tether_ssh_validate_host (too_long, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_validate_username (void)
{
  static const Case cases[] = {
    { "x2gotest", TRUE },
    { "first.last", TRUE },
    { "user@REALM.EXAMPLE", TRUE },
    { "DOMAIN\\user", TRUE },
    { "j\xc3\xb6rg", TRUE },
    { "", FALSE },
    { "-l", FALSE },
    { "two words", FALSE },
    { "tab\there", FALSE },
    { "nl\n", FALSE },
    { "bad\xff", FALSE },
  };
  g_autofree char *too_long = g_strnfill (TETHER_SSH_MAX_USERNAME_LEN + 1, 'u');
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = tether_ssh_validate_username (cases[i].value, &error);

      {
        g_autofree char *shown = g_strescape (cases[i].value, NULL);

        g_test_message ("username '%s'", shown);
      }
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (!ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_false (tether_ssh_validate_username (too_long, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_validate_port (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_ssh_validate_port (1, FALSE, "Port", &error));
  g_assert_true (tether_ssh_validate_port (65535, FALSE, "Port", &error));
  g_assert_true (tether_ssh_validate_port (0, TRUE, "Port", &error));
  g_assert_no_error (error);
  g_assert_false (tether_ssh_validate_port (0, FALSE, "Port", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Port 0"));
  g_clear_error (&error);
  g_assert_false (tether_ssh_validate_port (65536, TRUE, "Remote port", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Remote port 65536"));
}

static void
test_validate_command (void)
{
  static const Case cases[] = {
    { "x2golistsessions", TRUE },
    { "echo 'a b' | tr a b; exit 3", TRUE },
    { "printf 'x\\ty'\n echo", TRUE },
    { "", FALSE },
    { "echo \x1b[31m", FALSE },
    { "a\rb", FALSE },
    { "del\x7f", FALSE },
    { "bad\xc3", FALSE },
  };
  g_autofree char *longest = g_strnfill (TETHER_SSH_MAX_COMMAND_LEN, 'e');
  g_autofree char *too_long = g_strnfill (TETHER_SSH_MAX_COMMAND_LEN + 1, 'e');
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = tether_ssh_validate_command (cases[i].value, &error);

      {
        g_autofree char *shown = g_strescape (cases[i].value, NULL);

        g_test_message ("command '%s'", shown);
      }
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (!ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_true (tether_ssh_validate_command (longest, &error));
  g_assert_false (tether_ssh_validate_command (too_long, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* ---- fingerprints --------------------------------------------------------- */

static void
check_fingerprint (const char *b64, const char *expected)
{
  gsize len = 0;
  g_autofree guint8 *blob = g_base64_decode (b64, &len);
  g_autofree char *fp = tether_ssh_fingerprint_sha256 (blob, len);

  g_assert_cmpuint (len, >, 0);
  g_assert_cmpstr (fp, ==, expected);
}

static void
test_fingerprint_vectors (void)
{
  check_fingerprint (ED25519_B64, ED25519_FP);
  check_fingerprint (RSA_B64, RSA_FP);
}

static void
test_fingerprint_shape (void)
{
  /* SHA-256 is 32 bytes: 43 unpadded base64 characters after the prefix. */
  for (gsize n = 0; n < 70; n++)
    {
      g_autofree guint8 *data = g_malloc0 (n + 1);
      g_autofree char *fp = NULL;

      for (gsize i = 0; i < n; i++)
        data[i] = (guint8) (i * 7 + n);
      fp = tether_ssh_fingerprint_sha256 (data, n);
      g_assert_true (g_str_has_prefix (fp, "SHA256:"));
      g_assert_cmpuint (strlen (fp), ==, 7 + 43);
      g_assert_null (strchr (fp, '='));
    }
}

/* ---- known_hosts ---------------------------------------------------------- */

static void
test_known_hosts_pattern (void)
{
  g_autofree char *a = tether_ssh_known_hosts_host_pattern ("example.org", 22);
  g_autofree char *b = tether_ssh_known_hosts_host_pattern ("127.0.0.1", 2222);
  g_autofree char *c = tether_ssh_known_hosts_host_pattern ("::1", 22);
  g_autofree char *d = tether_ssh_known_hosts_host_pattern ("::1", 2200);

  g_assert_cmpstr (a, ==, "example.org");
  g_assert_cmpstr (b, ==, "[127.0.0.1]:2222");
  g_assert_cmpstr (c, ==, "::1");
  g_assert_cmpstr (d, ==, "[::1]:2200");
}

static void
test_known_hosts_entry_plain (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = tether_ssh_known_hosts_format_entry ("127.0.0.1", 2222, "ssh-ed25519",
                                                            ED25519_B64, NULL, &error);
  g_autofree char *b = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "[127.0.0.1]:2222 ssh-ed25519 " ED25519_B64 "\n");
  b = tether_ssh_known_hosts_format_entry ("example.org", 22, "ssh-rsa", RSA_B64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b, ==, "example.org ssh-rsa " RSA_B64 "\n");
}

/* Salts and hashes as `ssh-keygen -H` wrote them for these names. */
static void
test_known_hosts_entry_hashed (void)
{
  static const struct {
    const char *host;
    guint       port;
    const char *salt_b64;
    const char *hashed;
  } vectors[] = {
    { "127.0.0.1", 2222, "YzIgzqGjPhWdOFdV5f7BEwKhfq4=",
      "|1|YzIgzqGjPhWdOFdV5f7BEwKhfq4=|gv7zEfgnV+lEmaMk+ky9RslfbLc=" },
    { "example.org", 22, "SjnbaNhuKuXhayOsfsHremRkloU=",
      "|1|SjnbaNhuKuXhayOsfsHremRkloU=|XUhNgylslLA44wNKfRTr9vOLuqE=" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      gsize salt_len = 0;
      g_autofree guint8 *salt = g_base64_decode (vectors[i].salt_b64, &salt_len);
      g_autoptr(GError) error = NULL;
      g_autofree char *entry = NULL;
      g_autofree char *expected = NULL;

      g_assert_cmpuint (salt_len, ==, TETHER_SSH_KNOWN_HOSTS_SALT_LEN);
      entry = tether_ssh_known_hosts_format_entry (vectors[i].host, vectors[i].port, "ssh-ed25519",
                                                   ED25519_B64, salt, &error);
      g_assert_no_error (error);
      expected = g_strdup_printf ("%s ssh-ed25519 %s\n", vectors[i].hashed, ED25519_B64);
      g_assert_cmpstr (entry, ==, expected);
    }
}

static void
test_known_hosts_entry_invalid (void)
{
  static const struct {
    const char *host;
    guint       port;
    const char *type;
    const char *key;
  } cases[] = {
    { "bad host", 22, "ssh-ed25519", ED25519_B64 },
    { "h\nevil.example ssh-ed25519", 22, "ssh-ed25519", ED25519_B64 },
    { "example.org", 0, "ssh-ed25519", ED25519_B64 },
    { "example.org", 22, "ssh-ed25519\nx", ED25519_B64 },
    { "example.org", 22, "SSH-ED25519", ED25519_B64 },
    { "example.org", 22, "", ED25519_B64 },
    { "example.org", 22, "ssh-ed25519", "" },
    { "example.org", 22, "ssh-ed25519", "AAAA\nexample.org ssh-rsa AAAA" },
    { "example.org", 22, "ssh-ed25519", "AAAA AAAA" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *entry = tether_ssh_known_hosts_format_entry (cases[i].host, cases[i].port,
                                                                    cases[i].type, cases[i].key,
                                                                    NULL, &error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_null (entry);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_known_hosts_append (void)
{
  guint fds = tether_test_count_fds ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tether-kh-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "sub", "dir", NULL);
  g_autofree char *path = g_build_filename (sub, "known_hosts", NULL);
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_no_error (error);
  /* Missing folders and file are created, private. */
  g_assert_true (tether_ssh_known_hosts_append (path, "a.example ssh-ed25519 AAAA\n", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (tether_ssh_known_hosts_append (path, "b.example ssh-rsa BBBB\n", &error));
  text = read_file (path);
  g_assert_cmpstr (text, ==, "a.example ssh-ed25519 AAAA\nb.example ssh-rsa BBBB\n");
  g_clear_pointer (&text, g_free);

  /* A last line without a newline is not glued to the new entry. */
  g_assert_true (g_file_set_contents (path, "old.example ssh-rsa OLD", -1, &error));
  g_assert_true (tether_ssh_known_hosts_append (path, "new.example ssh-rsa NEW\n", &error));
  g_assert_no_error (error);
  text = read_file (path);
  g_assert_cmpstr (text, ==, "old.example ssh-rsa OLD\nnew.example ssh-rsa NEW\n");
  g_clear_pointer (&text, g_free);

  /* Not one line: refused, file untouched. */
  g_assert_false (tether_ssh_known_hosts_append (path, "x ssh-rsa X\ny ssh-rsa Y\n", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (tether_ssh_known_hosts_append (path, "no newline", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  text = read_file (path);
  g_assert_cmpstr (text, ==, "old.example ssh-rsa OLD\nnew.example ssh-rsa NEW\n");

  /* A folder where the file should be. */
  g_assert_false (tether_ssh_known_hosts_append (sub, "z ssh-rsa Z\n", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, sub));
  g_clear_error (&error);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_clear_pointer (&sub, g_free);
  sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  tether_test_assert_no_fd_leak (fds);
}

/* ---- private key files ---------------------------------------------------- */

typedef struct {
  const char         *file;
  TetherSshKeyFormat  format;
  gboolean            encrypted;
  const char         *cipher;
} KeyCase;

static const KeyCase key_cases[] = {
  { "openssh-ed25519-plain", TETHER_SSH_KEY_FORMAT_OPENSSH, FALSE, "none" },
  { "openssh-ed25519-encrypted", TETHER_SSH_KEY_FORMAT_OPENSSH, TRUE, "aes256-ctr" },
  { "pem-ec-plain", TETHER_SSH_KEY_FORMAT_PEM, FALSE, "" },
  { "pem-ec-encrypted", TETHER_SSH_KEY_FORMAT_PEM, TRUE, "" },
  { "pkcs8-plain", TETHER_SSH_KEY_FORMAT_PKCS8, FALSE, "" },
  { "pkcs8-encrypted", TETHER_SSH_KEY_FORMAT_PKCS8, TRUE, "" },
};

static GBytes *
corpus_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "ssh-key-file",
                                                 name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_key_file_formats (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_cases); i++)
    {
      g_autoptr(GBytes) bytes = corpus_file (key_cases[i].file);
      g_autoptr(GError) error = NULL;
      TetherSshKeyFileInfo info;
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      g_test_message ("%s", key_cases[i].file);
      g_assert_true (tether_ssh_key_file_inspect (data, len, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.format, ==, key_cases[i].format);
      g_assert_cmpint (info.encrypted, ==, key_cases[i].encrypted);
      g_assert_cmpstr (info.cipher, ==, key_cases[i].cipher);
    }
}

static void
test_key_file_openssh_body (void)
{
  static const struct { const char *file; gboolean encrypted; } bodies[] = {
    { "openssh-body-plain.bin", FALSE },
    { "openssh-body-encrypted.bin", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) bytes = corpus_file (bodies[i].file);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      TetherSshKeyFileInfo info;
      g_autoptr(GError) error = NULL;

      g_assert_true (tether_ssh_key_file_parse_openssh (data, len, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info.encrypted, ==, bodies[i].encrypted);

      /* Every proper prefix is truncated, and fails cleanly. */
      for (gsize n = 0; n < len; n++)
        {
          guint8 *copy = g_memdup2 (data, n);

          g_assert_false (tether_ssh_key_file_parse_openssh (copy, n, &info, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_assert_false (info.encrypted);
          g_clear_error (&error);
          g_free (copy);
        }
      /* A trailing byte is refused too. */
      {
        guint8 *longer = g_malloc (len + 1);

        memcpy (longer, data, len);
        longer[len] = 0;
        g_assert_false (tether_ssh_key_file_parse_openssh (longer, len + 1, &info, &error));
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
        g_clear_error (&error);
        g_free (longer);
      }
    }
}

static void
test_key_file_prefixes (void)
{
  /* Cutting a key file anywhere before its END line makes it unusable. */
  for (gsize i = 0; i < G_N_ELEMENTS (key_cases); i++)
    {
      g_autoptr(GBytes) bytes = corpus_file (key_cases[i].file);
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      const char *end = g_strrstr_len (data, (gssize) len, "-----END ");

      g_assert_nonnull (end);
      for (gsize n = 0; n < (gsize) (end - data) + 9; n++)
        {
          guint8 *copy = g_memdup2 (data, n);
          TetherSshKeyFileInfo info;
          g_autoptr(GError) error = NULL;

          g_assert_false (tether_ssh_key_file_inspect (copy, n, &info, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_free (copy);
        }
    }
}

static void
test_key_file_invalid (void)
{
  static const char *const texts[] = {
    "",
    "not a key",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDkImNkCG6B7w34tfFm3Y2ZQnsyGAwsLTkNmMArBgMW6 pub\n",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nAA!A\n-----END OPENSSH PRIVATE KEY-----\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n",
    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n",
  };
  TetherSshKeyFileInfo info;

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_false (tether_ssh_key_file_inspect ((const guint8 *) texts[i], strlen (texts[i]),
                                                   &info, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* Binary data and oversized files. */
  {
    static const guint8 nul[] = "-----BEGIN RSA PRIVATE KEY-----\n\0AAA\n-----END RSA PRIVATE KEY-----\n";
    g_autofree guint8 *big = g_malloc (TETHER_SSH_KEY_FILE_MAX_SIZE + 1);
    g_autoptr(GError) error = NULL;

    g_assert_false (tether_ssh_key_file_inspect (nul, sizeof nul - 1, &info, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    memset (big, 'A', TETHER_SSH_KEY_FILE_MAX_SIZE + 1);
    g_assert_false (tether_ssh_key_file_inspect (big, TETHER_SSH_KEY_FILE_MAX_SIZE + 1, &info, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_key_file_openssh_fields (void)
{
  /* Built field by field: magic, cipher, kdf, kdf options, key count, keys, private part. */
  static const struct {
    const char *cipher;
    const char *kdf;
    guint32     nkeys;
    gboolean    valid;
    gboolean    encrypted;
  } cases[] = {
    { "none", "none", 1, TRUE, FALSE },
    { "aes256-ctr", "bcrypt", 1, TRUE, TRUE },
    { "chacha20-poly1305@openssh.com", "bcrypt", 1, TRUE, TRUE },
    { "none", "bcrypt", 1, FALSE, FALSE },
    { "aes256-ctr", "none", 1, FALSE, FALSE },
    { "AES256", "bcrypt", 1, FALSE, FALSE },
    { "", "none", 1, FALSE, FALSE },
    { "none", "none", 0, FALSE, FALSE },
    { "none", "none", TETHER_SSH_KEY_MAX_KEYS + 1, FALSE, FALSE },
    { "none", "none", 0xffffffffu, FALSE, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) b = g_byte_array_new ();
      TetherSshKeyFileInfo info;
      g_autoptr(GError) error = NULL;
      guint32 keys_written = MIN (cases[i].nkeys, 2u);
      const char *strings[] = { cases[i].cipher, cases[i].kdf, "" };

      g_byte_array_append (b, (const guint8 *) "openssh-key-v1", 15);
      for (gsize s = 0; s < G_N_ELEMENTS (strings); s++)
        {
          guint32 n = GUINT32_TO_BE ((guint32) strlen (strings[s]));

          g_byte_array_append (b, (const guint8 *) &n, 4);
          g_byte_array_append (b, (const guint8 *) strings[s], (guint) strlen (strings[s]));
        }
      {
        guint32 n = GUINT32_TO_BE (cases[i].nkeys);

        g_byte_array_append (b, (const guint8 *) &n, 4);
      }
      for (guint32 k = 0; k < keys_written + 1; k++)   /* the keys, then the private part */
        {
          guint32 n = GUINT32_TO_BE (3);

          g_byte_array_append (b, (const guint8 *) &n, 4);
          g_byte_array_append (b, (const guint8 *) "key", 3);
        }

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      if (cases[i].valid)
        {
          g_assert_true (tether_ssh_key_file_parse_openssh (b->data, b->len, &info, &error));
          g_assert_no_error (error);
          g_assert_cmpint (info.encrypted, ==, cases[i].encrypted);
          g_assert_cmpstr (info.cipher, ==, cases[i].cipher);
        }
      else
        {
          g_assert_false (tether_ssh_key_file_parse_openssh (b->data, b->len, &info, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
        }
    }
}

/* ---- keyboard-interactive prompts ----------------------------------------- */

static void
test_prompt_is_password (void)
{
  g_assert_true (tether_ssh_prompt_is_password ("Password: "));
  g_assert_true (tether_ssh_prompt_is_password ("x2gotest@127.0.0.1's password:"));
  g_assert_true (tether_ssh_prompt_is_password ("PASSWORD for user"));
  g_assert_false (tether_ssh_prompt_is_password ("Verification code: "));
  g_assert_false (tether_ssh_prompt_is_password ("One-time passcode:"));
  g_assert_false (tether_ssh_prompt_is_password (""));
  g_assert_false (tether_ssh_prompt_is_password (NULL));
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/ssh/validate/host", test_validate_host);
  g_test_add_func ("/ssh/validate/username", test_validate_username);
  g_test_add_func ("/ssh/validate/port", test_validate_port);
  g_test_add_func ("/ssh/validate/command", test_validate_command);
  g_test_add_func ("/ssh/fingerprint/vectors", test_fingerprint_vectors);
  g_test_add_func ("/ssh/fingerprint/shape", test_fingerprint_shape);
  g_test_add_func ("/ssh/known-hosts/pattern", test_known_hosts_pattern);
  g_test_add_func ("/ssh/known-hosts/entry-plain", test_known_hosts_entry_plain);
  g_test_add_func ("/ssh/known-hosts/entry-hashed", test_known_hosts_entry_hashed);
  g_test_add_func ("/ssh/known-hosts/entry-invalid", test_known_hosts_entry_invalid);
  g_test_add_func ("/ssh/known-hosts/append", test_known_hosts_append);
  g_test_add_func ("/ssh/key-file/formats", test_key_file_formats);
  g_test_add_func ("/ssh/key-file/openssh-body", test_key_file_openssh_body);
  g_test_add_func ("/ssh/key-file/prefixes", test_key_file_prefixes);
  g_test_add_func ("/ssh/key-file/invalid", test_key_file_invalid);
  g_test_add_func ("/ssh/key-file/openssh-fields", test_key_file_openssh_fields);
  g_test_add_func ("/ssh/auth/prompt-is-password", test_prompt_is_password);

  return g_test_run ();
}
