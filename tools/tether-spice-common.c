/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every `tether spice VERB` shares. Public Tether API only. */
#include "config.h"

#include <string.h>

#include "tether-spice-common.h"
#include "tether-tool.h"

/* ==== session options ============================================================== */

/* A value given on the command line, applied later in command-line order. */
typedef struct {
  GParamSpec *pspec;
  GValue      value;
  gboolean    secret;
} PendingValue;

struct _TetherSpiceToolOptions {
  GObjectClass *klass;
  GPtrArray    *pspecs;      /* the properties that have an option */
  GPtrArray    *skipped;     /* names of writable properties without one */
  GArray       *entries;     /* GOptionEntry, zero-terminated */
  GPtrArray    *strings;     /* owned texts the entries point to */
  GArray       *pending;     /* PendingValue */
  char         *vv_file;
  char         *password_file;
  double        timeout;
};

/* Options of our own; a property of the same name would be skipped. */
static const char * const extra_names[] = { "vv", "password-file", "timeout", "help" };

/* Properties whose values are secrets (may carry credentials). */
static gboolean
is_secret (const char *name)
{
  return strcmp (name, "password") == 0 || strcmp (name, "proxy") == 0;
}

static void
pending_clear (gpointer data)
{
  PendingValue *p = data;

  if (p->secret && G_VALUE_HOLDS_STRING (&p->value) && g_value_get_string (&p->value) != NULL)
    {
      char *s = (char *) g_value_get_string (&p->value);

      explicit_bzero (s, strlen (s));
    }
  if (G_IS_VALUE (&p->value))
    g_value_unset (&p->value);
}

static const char *
keep (TetherSpiceToolOptions *opts, char *text)
{
  g_ptr_array_add (opts->strings, text);
  return text;
}

static char *
nick_list (GType type)
{
  GString *s = g_string_new (NULL);

  if (G_TYPE_IS_FLAGS (type))
    {
      GFlagsClass *fc = g_type_class_ref (type);

      for (guint i = 0; i < fc->n_values; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", fc->values[i].value_nick);
      g_type_class_unref (fc);
    }
  else
    {
      GEnumClass *ec = g_type_class_ref (type);

      for (guint i = 0; i < ec->n_values; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", ec->values[i].value_nick);
      g_type_class_unref (ec);
    }
  return g_string_free (s, FALSE);
}

/* A placeholder for a string property's value, from its name. */
static const char *
string_placeholder (const char *name)
{
  if (g_str_has_suffix (name, "-file") || g_str_has_suffix (name, "-db"))
    return "FILE";
  if (g_str_has_suffix (name, "-dir"))
    return "DIR";
  if (g_str_has_suffix (name, "-path"))
    return "PATH";
  if (g_str_has_suffix (name, "port"))
    return "PORT";
  if (strcmp (name, "host") == 0)
    return "HOST";
  if (strcmp (name, "uri") == 0 || strcmp (name, "proxy") == 0)
    return "URI";
  return "TEXT";
}

/* The argument placeholder and help line of a property's option, or FALSE
 * when its type cannot be given on a command line. */
static gboolean
describe (GParamSpec *pspec, char **arg, char **help)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  const char *name = g_param_spec_get_name (pspec);
  const char *deprecated = (pspec->flags & G_PARAM_DEPRECATED) ? " (deprecated)" : "";

  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING:
      if (strcmp (name, "password") == 0)
        {
          *arg = g_strdup ("PASSWORD");
          *help = g_strdup ("The ticket; other users can see it in ps: prefer --password-file or SPICE_PASSWORD");
        }
      else
        {
          *arg = g_strdup (string_placeholder (name));
          *help = g_strdup_printf ("Set the session's %s%s", name, deprecated);
        }
      return TRUE;
    case G_TYPE_BOOLEAN:
      *arg = g_strdup ("[=true|false]");
      *help = g_strdup_printf ("Set %s (default %s)%s", name,
                               G_PARAM_SPEC_BOOLEAN (pspec)->default_value ? "true" : "false", deprecated);
      return TRUE;
    case G_TYPE_INT:
      *arg = g_strdup ("N");
      *help = g_strdup_printf ("Set %s, %d to %d%s", name, G_PARAM_SPEC_INT (pspec)->minimum,
                               G_PARAM_SPEC_INT (pspec)->maximum, deprecated);
      return TRUE;
    case G_TYPE_UINT:
      *arg = g_strdup ("N");
      *help = g_strdup_printf ("Set %s, %u to %u%s", name, G_PARAM_SPEC_UINT (pspec)->minimum,
                               G_PARAM_SPEC_UINT (pspec)->maximum, deprecated);
      return TRUE;
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
      *arg = g_strdup ("N");
      *help = g_strdup_printf ("Set %s%s", name, deprecated);
      return TRUE;
    case G_TYPE_ENUM:
      {
        g_autofree char *nicks = nick_list (type);

        *arg = g_strdup ("NAME");
        *help = g_strdup_printf ("Set %s: one of %s%s", name, nicks, deprecated);
        return TRUE;
      }
    case G_TYPE_FLAGS:
      {
        g_autofree char *nicks = nick_list (type);

        *arg = g_strdup ("NAME,…");
        *help = g_strdup_printf ("Set %s: any of %s, comma-separated (empty: none)%s", name, nicks, deprecated);
        return TRUE;
      }
    case G_TYPE_BOXED:
      if (type == G_TYPE_STRV)
        {
          *arg = g_strdup ("A,B,…");
          *help = g_strdup_printf ("Set %s, comma-separated%s", name, deprecated);
          return TRUE;
        }
      if (type == G_TYPE_BYTE_ARRAY || type == G_TYPE_BYTES)
        {
          *arg = g_strdup ("FILE");
          *help = g_strdup_printf ("Set %s from the contents of FILE%s", name, deprecated);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

static gboolean
parse_bool (const char *value, gboolean *out)
{
  static const char * const yes[] = { "true", "yes", "on", "1" };
  static const char * const no[] = { "false", "no", "off", "0" };

  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (value, yes[i]) == 0)
      return *out = TRUE, TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (value, no[i]) == 0)
      return *out = FALSE, TRUE;
  return FALSE;
}

static gboolean
read_file_bytes (const char *path, gsize max, GBytes **out, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local = NULL;
  guint8 *buf;
  gsize n = 0;

  in = g_file_read (file, NULL, &local);
  if (in == NULL)
    return g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot read %s: %s", path, local->message), FALSE;
  /* One byte more than allowed, to see whether the file is too large. */
  buf = g_malloc (max + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf, max + 1, &n, NULL, &local))
    {
      g_free (buf);
      return g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot read %s: %s", path, local->message),
             FALSE;
    }
  if (n > max)
    {
      explicit_bzero (buf, max + 1);
      g_free (buf);
      return g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s is larger than %" G_GSIZE_FORMAT " bytes",
                          path, max), FALSE;
    }
  *out = g_bytes_new_take (g_realloc (buf, MAX (n, 1)), n);
  return TRUE;
}

static gboolean
bad_value (GError **error, const char *name, const char *value, const char *why)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--%s: %s%s%s%s", name, why,
               value != NULL ? " (got '" : "", value != NULL ? value : "", value != NULL ? "')" : "");
  return FALSE;
}

static gboolean
parse_flags (GParamSpec *pspec, const char *value, guint *out, GError **error)
{
  GFlagsClass *fc = G_PARAM_SPEC_FLAGS (pspec)->flags_class;
  g_auto(GStrv) parts = g_strsplit_set (value, ",|", -1);
  guint flags = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      GFlagsValue *v;

      if (part[0] == '\0' || g_ascii_strcasecmp (part, "none") == 0)
        continue;
      v = g_flags_get_value_by_nick (fc, part);
      if (v == NULL)
        v = g_flags_get_value_by_name (fc, part);
      if (v == NULL)
        {
          g_autofree char *nicks = nick_list (G_PARAM_SPEC_VALUE_TYPE (pspec));
          g_autofree char *why = g_strdup_printf ("'%s' is not one of %s", part, nicks);

          return bad_value (error, g_param_spec_get_name (pspec), NULL, why);
        }
      flags |= v->value;
    }
  *out = flags;
  return TRUE;
}

/* Converts the command-line text of an option into @value (initialised
 * here). */
static gboolean
parse_value (GParamSpec *pspec, const char *text, GValue *value, GError **error)
{
  const char *name = g_param_spec_get_name (pspec);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (text == NULL && G_TYPE_FUNDAMENTAL (type) != G_TYPE_BOOLEAN)
    return bad_value (error, name, NULL, "a value is required");
  g_value_init (value, type);
  switch (G_TYPE_FUNDAMENTAL (type))
    {
    case G_TYPE_STRING:
      g_value_set_string (value, text);
      return TRUE;
    case G_TYPE_BOOLEAN:
      {
        gboolean b = TRUE;

        if (text != NULL && !parse_bool (text, &b))
          return bad_value (error, name, text, "expected true or false");
        g_value_set_boolean (value, b);
        return TRUE;
      }
    case G_TYPE_INT:
      {
        gint64 n;
        g_autoptr(GError) local = NULL;

        if (!g_ascii_string_to_signed (text, 10, G_PARAM_SPEC_INT (pspec)->minimum,
                                       G_PARAM_SPEC_INT (pspec)->maximum, &n, &local))
          return bad_value (error, name, NULL, local->message);
        g_value_set_int (value, (int) n);
        return TRUE;
      }
    case G_TYPE_UINT:
      {
        guint64 n;
        g_autoptr(GError) local = NULL;

        if (!g_ascii_string_to_unsigned (text, 10, G_PARAM_SPEC_UINT (pspec)->minimum,
                                         G_PARAM_SPEC_UINT (pspec)->maximum, &n, &local))
          return bad_value (error, name, NULL, local->message);
        g_value_set_uint (value, (guint) n);
        return TRUE;
      }
    case G_TYPE_INT64:
      {
        gint64 n;
        g_autoptr(GError) local = NULL;

        if (!g_ascii_string_to_signed (text, 10, G_PARAM_SPEC_INT64 (pspec)->minimum,
                                       G_PARAM_SPEC_INT64 (pspec)->maximum, &n, &local))
          return bad_value (error, name, NULL, local->message);
        g_value_set_int64 (value, n);
        return TRUE;
      }
    case G_TYPE_UINT64:
      {
        guint64 n;
        g_autoptr(GError) local = NULL;

        if (!g_ascii_string_to_unsigned (text, 10, G_PARAM_SPEC_UINT64 (pspec)->minimum,
                                         G_PARAM_SPEC_UINT64 (pspec)->maximum, &n, &local))
          return bad_value (error, name, NULL, local->message);
        g_value_set_uint64 (value, n);
        return TRUE;
      }
    case G_TYPE_ENUM:
      {
        GEnumClass *ec = G_PARAM_SPEC_ENUM (pspec)->enum_class;
        GEnumValue *v = g_enum_get_value_by_nick (ec, text);

        if (v == NULL)
          v = g_enum_get_value_by_name (ec, text);
        if (v == NULL)
          {
            g_autofree char *nicks = nick_list (type);
            g_autofree char *why = g_strdup_printf ("expected one of %s", nicks);

            return bad_value (error, name, text, why);
          }
        g_value_set_enum (value, v->value);
        return TRUE;
      }
    case G_TYPE_FLAGS:
      {
        guint flags;

        if (!parse_flags (pspec, text, &flags, error))
          return FALSE;
        g_value_set_flags (value, flags);
        return TRUE;
      }
    case G_TYPE_BOXED:
      if (type == G_TYPE_STRV)
        {
          /* "" is the empty list. */
          g_auto(GStrv) parts = text[0] != '\0' ? g_strsplit (text, ",", -1) : g_new0 (char *, 1);

          g_value_set_boxed (value, parts);
          return TRUE;
        }
      if (type == G_TYPE_BYTE_ARRAY || type == G_TYPE_BYTES)
        {
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) local = NULL;

          if (!read_file_bytes (text, TETHER_SPICE_TOOL_MAX_FILE_SIZE, &bytes, &local))
            return bad_value (error, name, NULL, local->message);
          if (type == G_TYPE_BYTES)
            g_value_set_boxed (value, bytes);
          else
            g_value_take_boxed (value, g_bytes_unref_to_array (g_steal_pointer (&bytes)));
          return TRUE;
        }
      break;
    default:
      break;
    }
  return bad_value (error, name, NULL, "this property cannot be set from the command line");
}

static GParamSpec *
find_option (TetherSpiceToolOptions *opts, const char *name)
{
  for (guint i = 0; i < opts->pspecs->len; i++)
    if (strcmp (g_param_spec_get_name (opts->pspecs->pdata[i]), name) == 0)
      return opts->pspecs->pdata[i];
  return NULL;
}

gboolean
tether_spice_tool_options_add (TetherSpiceToolOptions *opts, const char *name, const char *value, GError **error)
{
  GParamSpec *pspec = find_option (opts, name);
  PendingValue p = { 0 };

  if (pspec == NULL)
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "Unknown option --%s", name), FALSE;
  p.pspec = pspec;
  p.secret = is_secret (name);
  if (!parse_value (pspec, value, &p.value, error))
    {
      pending_clear (&p);
      return FALSE;
    }
  g_array_append_val (opts->pending, p);
  return TRUE;
}

static gboolean
on_property_option (const char *option_name, const char *value, gpointer data, GError **error)
{
  TetherSpiceToolOptions *opts = data;
  const char *name = option_name;
  gboolean ok;

  while (*name == '-')
    name++;
  ok = tether_spice_tool_options_add (opts, name, value, error);
  /* GOption hands us its own copy, freed right after: wipe secrets first. */
  if (value != NULL && is_secret (name))
    explicit_bzero ((char *) value, strlen (value));
  return ok;
}

static gboolean
on_timeout_option (const char *option_name, const char *value, gpointer data, GError **error)
{
  TetherSpiceToolOptions *opts = data;
  char *end = NULL;
  double t = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !(t > 0.0) || t > 86400.0)
    return bad_value (error, "timeout", value, "expected seconds, more than 0 and at most 86400");
  opts->timeout = t;
  return TRUE;
}

static void
add_entry (TetherSpiceToolOptions *opts, const char *name, GOptionArg arg, gpointer data, int flags,
           const char *help, const char *arg_help)
{
  GOptionEntry e = { 0 };

  e.long_name = name;
  e.arg = arg;
  e.arg_data = data;
  e.flags = flags;
  e.description = help;
  e.arg_description = arg_help;
  g_array_append_val (opts->entries, e);
}

TetherSpiceToolOptions *
tether_spice_tool_options_new (void)
{
  TetherSpiceToolOptions *opts = g_new0 (TetherSpiceToolOptions, 1);
  g_autofree GParamSpec **pspecs = NULL;
  guint n = 0;

  opts->klass = g_type_class_ref (TETHER_TYPE_SPICE_SESSION);
  opts->pspecs = g_ptr_array_new ();
  opts->skipped = g_ptr_array_new ();
  opts->entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  opts->strings = g_ptr_array_new_with_free_func (g_free);
  opts->pending = g_array_new (FALSE, TRUE, sizeof (PendingValue));
  g_array_set_clear_func (opts->pending, pending_clear);
  opts->timeout = TETHER_SPICE_TOOL_DEFAULT_TIMEOUT;

  add_entry (opts, "vv", G_OPTION_ARG_FILENAME, &opts->vv_file, 0,
             "Connect as the virt-viewer file FILE says (before the URI and the options)", "FILE");
  add_entry (opts, "password-file", G_OPTION_ARG_FILENAME, &opts->password_file, 0,
             "Read the password from the first line of FILE", "FILE");
  add_entry (opts, "timeout", G_OPTION_ARG_CALLBACK, (gpointer) on_timeout_option, 0,
             "Give up after SECONDS (default 10)", "SECONDS");

  /* One option per writable property, from the class itself: a property
   * added to the session gets its option without a change here. */
  pspecs = g_object_class_list_properties (opts->klass, &n);
  for (guint i = 0; i < n; i++)
    {
      GParamSpec *pspec = pspecs[i];
      const char *name = g_param_spec_get_name (pspec);
      char *arg = NULL, *help = NULL;
      gboolean clash = FALSE;

      if (!(pspec->flags & G_PARAM_WRITABLE))
        continue;
      for (gsize k = 0; k < G_N_ELEMENTS (extra_names); k++)
        clash = clash || strcmp (name, extra_names[k]) == 0;
      if (clash || !describe (pspec, &arg, &help))
        {
          g_ptr_array_add (opts->skipped, (gpointer) name);
          continue;
        }
      g_ptr_array_add (opts->pspecs, pspec);
      add_entry (opts, name, G_OPTION_ARG_CALLBACK, (gpointer) on_property_option,
                 G_TYPE_FUNDAMENTAL (G_PARAM_SPEC_VALUE_TYPE (pspec)) == G_TYPE_BOOLEAN ? G_OPTION_FLAG_OPTIONAL_ARG
                                                                                         : 0,
                 keep (opts, help), keep (opts, arg));
    }
  return opts;
}

void
tether_spice_tool_options_free (TetherSpiceToolOptions *opts)
{
  if (opts == NULL)
    return;
  g_array_unref (opts->pending);
  g_array_unref (opts->entries);
  g_ptr_array_unref (opts->strings);
  g_ptr_array_unref (opts->pspecs);
  g_ptr_array_unref (opts->skipped);
  g_free (opts->vv_file);
  g_free (opts->password_file);
  g_type_class_unref (opts->klass);
  g_free (opts);
}

GOptionGroup *
tether_spice_tool_options_group (TetherSpiceToolOptions *opts)
{
  GOptionGroup *group = g_option_group_new ("spice", "SPICE session options:", "Show the SPICE session options",
                                            opts, NULL);

  g_option_group_add_entries (group, (const GOptionEntry *) (gpointer) opts->entries->data);
  return group;
}

guint
tether_spice_tool_options_count (TetherSpiceToolOptions *opts, GPtrArray *skipped)
{
  if (skipped != NULL)
    for (guint i = 0; i < opts->skipped->len; i++)
      g_ptr_array_add (skipped, opts->skipped->pdata[i]);
  return opts->pspecs->len;
}

double
tether_spice_tool_options_get_timeout (TetherSpiceToolOptions *opts)
{
  return opts->timeout;
}

void
tether_spice_tool_options_print_help (TetherSpiceToolOptions *opts, FILE *out)
{
  for (guint i = 0; i < opts->entries->len; i++)
    {
      const GOptionEntry *e = &g_array_index (opts->entries, GOptionEntry, i);
      g_autofree char *left = g_strdup_printf ("--%s%s%s", e->long_name,
                                               e->arg_description != NULL && e->arg_description[0] != '[' ? " " : "",
                                               e->arg_description != NULL ? e->arg_description : "");

      glong width = g_utf8_strlen (left, -1);

      /* Padded by characters, not bytes ("…" is three). */
      fprintf (out, "  %s%*s %s\n", left, width < 30 ? (int) (30 - width) : 0, "", e->description);
    }
}

static void
wipe_from (char *s)
{
  explicit_bzero (s, strlen (s));
}

void
tether_spice_tool_hide_secrets (int argc, char **argv)
{
  static const char * const secret_options[] = { "--password", "--proxy" };

  for (int i = 1; i < argc; i++)
    {
      char *arg = argv[i];
      char *q;

      if (strcmp (arg, "--") == 0)
        break;
      for (gsize k = 0; k < G_N_ELEMENTS (secret_options); k++)
        {
          gsize n = strlen (secret_options[k]);

          if (strncmp (arg, secret_options[k], n) != 0)
            continue;
          if (arg[n] == '=')
            wipe_from (arg + n + 1);
          else if (arg[n] == '\0' && i + 1 < argc)
            wipe_from (argv[++i]);
          break;
        }
      /* A URI's password parameters, each up to the next parameter. The
       * length is taken first: wiping puts NULs inside the string. */
      if (g_str_has_prefix (arg, "spice"))
        {
          static const char key[] = "password=";
          gsize total = strlen (arg), pos = 0;

          while (pos < total && (q = memmem (arg + pos, total - pos, key, sizeof key - 1)) != NULL)
            {
              char *v = q + sizeof key - 1;
              gsize len = 0;

              while (v + len < arg + total && v[len] != '&' && v[len] != '#')
                len++;
              if (q > arg && (q[-1] == '?' || q[-1] == '&'))
                explicit_bzero (v, len);
              pos = (gsize) (v - arg) + len;
            }
        }
    }
}

char **
tether_spice_tool_parse (TetherSpiceToolOptions *opts, const GOptionEntry *entries, const char *parameter_string,
                         const char *summary, int argc, char **argv, GError **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (parameter_string);
  GOptionGroup *group = tether_spice_tool_options_group (opts);
  g_auto(GStrv) args = g_new0 (char *, (gsize) argc + 1);
  g_autofree char *prog = g_strdup_printf ("tether spice %s", argc > 0 ? argv[0] : "");
  char **positional;
  guint n;

  /* Our own copy to parse; the originals lose their secrets at once. */
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  g_free (args[0]);
  args[0] = g_strdup (prog);
  tether_spice_tool_hide_secrets (argc, argv);
  if (entries != NULL)
    g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (ctx, group);
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, "URI: spice://HOST:PORT, spice+tls://HOST:TLS_PORT or "
                                         "spice+unix:///PATH (query parameters port, tls-port, password).\n"
                                         "The SPICE_PASSWORD environment variable gives the password too.");
  if (!g_option_context_parse_strv (ctx, &args, error))
    return NULL;
  /* args[0] is the program name. */
  n = g_strv_length (args);
  positional = g_new0 (char *, MAX (n, 1));
  for (guint i = 1; i < n; i++)
    positional[i - 1] = g_strdup (args[i]);
  return positional;
}

/* The first line of @path, without its line end. */
static char *
read_password_file (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize n, len = 0;
  char *password;

  if (!read_file_bytes (path, 4096, &bytes, error))
    return NULL;
  data = g_bytes_get_data (bytes, &n);
  while (len < n && data[len] != '\n' && data[len] != '\0')
    len++;
  if (len < n && data[len] == '\0')
    {
      explicit_bzero ((char *) data, n);
      return g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "The password file %s holds a NUL byte", path),
             NULL;
    }
  if (len > 0 && data[len - 1] == '\r')
    len--;
  password = g_strndup (data, len);
  /* The bytes are ours alone. */
  explicit_bzero ((char *) data, n);
  return password;
}

static void
set_secret_string (TetherSpiceSession *session, const char *property, char *value)
{
  g_object_set (session, property, value, NULL);
  explicit_bzero (value, strlen (value));
  g_free (value);
}

TetherSpiceSession *
tether_spice_tool_options_make_session (TetherSpiceToolOptions *opts, const char *uri, GError **error)
{
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  const char *env_password = g_getenv ("SPICE_PASSWORD");
  g_autofree char *where = NULL;

  /* Construct-only properties go to the constructor. */
  for (guint i = 0; i < opts->pending->len; i++)
    {
      PendingValue *p = &g_array_index (opts->pending, PendingValue, i);

      if (p->pspec->flags & G_PARAM_CONSTRUCT_ONLY)
        {
          g_ptr_array_add (names, (gpointer) g_param_spec_get_name (p->pspec));
          g_array_append_vals (values, &p->value, 1);
        }
    }
  session = TETHER_SPICE_SESSION (g_object_new_with_properties (TETHER_TYPE_SPICE_SESSION, names->len,
                                                                (const char **) names->pdata,
                                                                (const GValue *) (gpointer) values->data));
  if (env_password != NULL)
    g_object_set (session, "password", env_password, NULL);
  if (opts->vv_file != NULL && !tether_spice_session_load_vv_file (session, opts->vv_file, error))
    return NULL;
  if (uri != NULL && !tether_spice_session_load_uri (session, uri, error))
    return NULL;
  for (guint i = 0; i < opts->pending->len; i++)
    {
      PendingValue *p = &g_array_index (opts->pending, PendingValue, i);

      if (!(p->pspec->flags & G_PARAM_CONSTRUCT_ONLY))
        g_object_set_property (G_OBJECT (session), g_param_spec_get_name (p->pspec), &p->value);
    }
  if (opts->password_file != NULL)
    {
      char *password = read_password_file (opts->password_file, error);

      if (password == NULL)
        return NULL;
      set_secret_string (session, "password", password);
    }
  where = tether_spice_session_get_uri (session);
  if (where == NULL)
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                        "No server given: pass a URI (spice://HOST:PORT, spice+tls://HOST:PORT, "
                        "spice+unix:///PATH), --vv FILE, or --host with --port or --tls-port"), NULL;
  return g_steal_pointer (&session);
}

/* ==== connecting ==================================================================== */

typedef struct {
  TetherSpiceMainChannel *main;
  gboolean                async_done;
  gboolean                list;
  gboolean                gone;       /* the main channel failed or closed after opening */
  GError                 *error;
} ConnectState;

static void
on_list (GObject *channel, GParamSpec *pspec, gpointer user_data)
{
  ((ConnectState *) user_data)->list = TRUE;
}

static void
on_main_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  ConnectState *st = user_data;
  const GError *e;

  if (event == TETHER_SPICE_CHANNEL_EVENT_OPENED || st->gone)
    return;
  st->gone = TRUE;
  e = tether_spice_channel_get_error (channel);
  if (st->error == NULL)
    st->error = e != NULL ? g_error_copy (e)
                          : g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                                         "The server closed the main channel");
}

static void
on_channel_new (TetherSpiceSession *session, TetherSpiceChannel *channel, gpointer user_data)
{
  ConnectState *st = user_data;

  if (TETHER_IS_SPICE_MAIN_CHANNEL (channel) && st->main == NULL)
    {
      st->main = TETHER_SPICE_MAIN_CHANNEL (channel);
      g_signal_connect (channel, "notify::channel-list", G_CALLBACK (on_list), st);
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_main_event), st);
    }
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectState *st = user_data;
  GError *local = NULL;

  if (!tether_spice_session_connect_finish (TETHER_SPICE_SESSION (source), result, &local) && st->error == NULL)
    st->error = local;
  else
    g_clear_error (&local);
  st->async_done = TRUE;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* One main loop turn, waking at @deadline at the latest. FALSE once it
 * passed. */
static gboolean
iterate_until (gint64 deadline)
{
  gint64 now = g_get_monotonic_time ();
  GMainContext *ctx = g_main_context_get_thread_default ();
  GSource *timer;

  if (now >= deadline)
    return FALSE;
  if (ctx == NULL)
    ctx = g_main_context_default ();
  timer = g_timeout_source_new ((guint) MIN ((deadline - now + 999) / 1000, G_MAXUINT));
  g_source_set_callback (timer, wake_up, NULL, NULL);
  g_source_attach (timer, ctx);
  g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return TRUE;
}

static GError *
timeout_error (const char *what)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No answer in time while %s", what);
}

TetherSpiceMainChannel *
tether_spice_tool_connect (TetherSpiceSession *session, gint64 deadline, GError **error)
{
  ConnectState st = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gulong new_id;
  TetherSpiceMainChannel *main_channel;

  new_id = g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new), &st);
  tether_spice_session_connect_async (session, cancellable, on_connected, &st);
  while (!st.async_done)
    if (!iterate_until (deadline))
      {
        g_cancellable_cancel (cancellable);
        /* The cancelled task completes on the next turns. */
        while (!st.async_done)
          g_main_context_iteration (NULL, TRUE);
        g_clear_error (&st.error);
        st.error = timeout_error ("connecting to the server (the main channel was not linked)");
        break;
      }
  while (st.error == NULL && !st.list && !st.gone)
    if (!iterate_until (deadline))
      st.error = timeout_error ("waiting for the server's channel list");
  if (st.error == NULL && st.gone)
    st.error = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT, "The main channel closed");
  g_signal_handler_disconnect (session, new_id);
  if (st.main != NULL)
    g_signal_handlers_disconnect_by_data (st.main, &st);
  main_channel = st.main;
  if (st.error != NULL)
    {
      g_propagate_error (error, st.error);
      tether_spice_session_disconnect (session);
      return NULL;
    }
  return main_channel;
}

typedef struct {
  gboolean done;
  GError  *error;
} LinkState;

static void
on_link_event (TetherSpiceChannel *channel, TetherSpiceChannelEvent event, gpointer user_data)
{
  LinkState *st = user_data;
  const GError *e;

  if (st->done)
    return;
  st->done = TRUE;
  if (event == TETHER_SPICE_CHANNEL_EVENT_OPENED)
    return;
  e = tether_spice_channel_get_error (channel);
  st->error = e != NULL ? g_error_copy (e)
                        : g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT, "The channel was closed");
}

gboolean
tether_spice_tool_link_channel (TetherSpiceChannel *channel, gint64 deadline, GError **error)
{
  LinkState st = { 0 };
  gulong id = g_signal_connect (channel, "channel-event", G_CALLBACK (on_link_event), &st);

  if (!tether_spice_channel_connect (channel))
    {
      g_signal_handler_disconnect (channel, id);
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT,
                          "The %s channel cannot connect now",
                          tether_spice_channel_type_to_string (tether_spice_channel_get_channel_type (channel))),
             FALSE;
    }
  while (!st.done)
    if (!iterate_until (deadline))
      {
        st.error = timeout_error ("linking a channel");
        tether_spice_channel_disconnect (channel, TETHER_SPICE_CHANNEL_EVENT_CLOSED);
        break;
      }
  g_signal_handler_disconnect (channel, id);
  if (st.error != NULL)
    {
      g_propagate_error (error, st.error);
      return FALSE;
    }
  return TRUE;
}

void
tether_spice_tool_disconnect (TetherSpiceSession *session)
{
  gint64 end = g_get_monotonic_time () + 50 * 1000;

  tether_spice_session_disconnect (session);
  /* Closing is asynchronous: let the sockets go before the process ends. */
  while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < end)
    ;
}

/* ==== errors and text ================================================================= */

const char *
tether_spice_tool_error_cause (const GError *error)
{
  if (error->domain == TETHER_SPICE_ERROR)
    switch ((TetherSpiceError) error->code)
      {
      case TETHER_SPICE_ERROR_CONNECT: return "cannot connect";
      case TETHER_SPICE_ERROR_PROTOCOL: return "protocol error";
      case TETHER_SPICE_ERROR_LINK: return "link refused";
      case TETHER_SPICE_ERROR_AUTH: return "authentication failed";
      case TETHER_SPICE_ERROR_TLS: return "TLS failed";
      case TETHER_SPICE_ERROR_UNSUPPORTED: return "not supported";
      case TETHER_SPICE_ERROR_LIMIT_EXCEEDED: return "over a limit";
      case TETHER_SPICE_ERROR_FAILED:
      default: return "failed";
      }
  if (error->domain == G_IO_ERROR)
    switch (error->code)
      {
      case G_IO_ERROR_TIMED_OUT: return "timed out";
      case G_IO_ERROR_CANCELLED: return "cancelled";
      case G_IO_ERROR_NOT_SUPPORTED: return "not supported";
      default: return "I/O error";
      }
  if (error->domain == G_URI_ERROR)
    return "invalid URI";
  if (error->domain == G_KEY_FILE_ERROR)
    return "invalid .vv file";
  if (error->domain == G_OPTION_ERROR)
    return "bad command line";
  if (error->domain == G_FILE_ERROR)
    return "cannot read a file";
  return "failed";
}

int
tether_spice_tool_report_error (const char *verb, const GError *error)
{
  g_autofree char *message = tether_spice_tool_escape_text (error->message);

  g_printerr ("tether spice %s: %s: %s\n", verb, tether_spice_tool_error_cause (error), message);
  if (error->domain == G_OPTION_ERROR)
    return TETHER_EXIT_USAGE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return TETHER_EXIT_NOT_SUPPORTED;
  return TETHER_EXIT_FAILURE;
}

char *
tether_spice_tool_escape_text (const char *text)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if ((c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069))
        /* C1 controls, line separators and bidirectional overrides. */
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

const char *
tether_spice_tool_common_cap_name (guint cap)
{
  static const char * const names[] = { "auth-selection", "auth-spice", "auth-sasl", "mini-header" };

  return cap < G_N_ELEMENTS (names) ? names[cap] : NULL;
}

const char *
tether_spice_tool_channel_cap_name (int type, guint cap)
{
  static const char * const main_caps[] = { "semi-seamless-migrate", "name-and-uuid", "agent-connected-tokens",
                                            "seamless-migrate" };
  static const char * const display_caps[] = { "sized-stream", "monitors-config", "composite", "a8-surface",
                                               "stream-report", "lz4-compression", "pref-compression",
                                               "gl-scanout", "multi-codec", "codec-mjpeg", "codec-vp8",
                                               "codec-h264", "pref-video-codec-type", "codec-vp9", "codec-h265" };
  static const char * const inputs_caps[] = { "key-scancode" };
  static const char * const playback_caps[] = { "celt-0.5.1", "volume", "latency", "opus" };
  static const char * const record_caps[] = { "celt-0.5.1", "volume", "opus" };
  static const char * const spicevmc_caps[] = { "data-compress-lz4" };
  const char * const *names;
  gsize n;

  switch (type)
    {
    case TETHER_SPICE_CHANNEL_TYPE_MAIN: names = main_caps; n = G_N_ELEMENTS (main_caps); break;
    case TETHER_SPICE_CHANNEL_TYPE_DISPLAY: names = display_caps; n = G_N_ELEMENTS (display_caps); break;
    case TETHER_SPICE_CHANNEL_TYPE_INPUTS: names = inputs_caps; n = G_N_ELEMENTS (inputs_caps); break;
    case TETHER_SPICE_CHANNEL_TYPE_PLAYBACK: names = playback_caps; n = G_N_ELEMENTS (playback_caps); break;
    case TETHER_SPICE_CHANNEL_TYPE_RECORD: names = record_caps; n = G_N_ELEMENTS (record_caps); break;
    case TETHER_SPICE_CHANNEL_TYPE_USBREDIR:
    case TETHER_SPICE_CHANNEL_TYPE_PORT:
    case TETHER_SPICE_CHANNEL_TYPE_WEBDAV:
      names = spicevmc_caps;
      n = G_N_ELEMENTS (spicevmc_caps);
      break;
    default:
      return NULL;
    }
  return cap < n ? names[cap] : NULL;
}

/* ==== JSON ============================================================================ */

typedef struct {
  gboolean object;
  guint    count;
  gboolean have_key;
} JsonLevel;

struct _TetherSpiceJsonWriter {
  GString  *out;
  GArray   *stack;     /* JsonLevel */
  gboolean  pretty;
  gboolean  top_done;  /* the one top-level value is written */
};

TetherSpiceJsonWriter *
tether_spice_json_writer_new (gboolean pretty)
{
  TetherSpiceJsonWriter *w = g_new0 (TetherSpiceJsonWriter, 1);

  w->out = g_string_new (NULL);
  w->stack = g_array_new (FALSE, TRUE, sizeof (JsonLevel));
  w->pretty = pretty;
  return w;
}

void
tether_spice_json_writer_free (TetherSpiceJsonWriter *w)
{
  if (w == NULL)
    return;
  g_string_free (w->out, TRUE);
  g_array_unref (w->stack);
  g_free (w);
}

static JsonLevel *
top (TetherSpiceJsonWriter *w)
{
  return w->stack->len > 0 ? &g_array_index (w->stack, JsonLevel, w->stack->len - 1) : NULL;
}

static void
newline (TetherSpiceJsonWriter *w, guint depth)
{
  if (!w->pretty)
    return;
  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (w->out, "  ");
}

/* Before any value: separators, and checks that a value fits here. */
static gboolean
before_value (TetherSpiceJsonWriter *w)
{
  JsonLevel *l = top (w);

  if (l == NULL)
    {
      g_return_val_if_fail (!w->top_done, FALSE);
      w->top_done = TRUE;
      return TRUE;
    }
  if (l->object)
    {
      g_return_val_if_fail (l->have_key, FALSE);
      l->have_key = FALSE;
      return TRUE;
    }
  if (l->count > 0)
    g_string_append_c (w->out, ',');
  newline (w, w->stack->len);
  l->count++;
  return TRUE;
}

void
tether_spice_json_escape_append (GString *out, const char *s)
{
  const char *p = s, *end = s + strlen (s);

  g_string_append_c (out, '"');
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: the replacement character. */
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

static void
begin (TetherSpiceJsonWriter *w, gboolean object)
{
  JsonLevel l = { object, 0, FALSE };

  if (!before_value (w))
    return;
  g_string_append_c (w->out, object ? '{' : '[');
  g_array_append_val (w->stack, l);
}

static void
end (TetherSpiceJsonWriter *w, gboolean object)
{
  JsonLevel *l = top (w);
  guint count;

  g_return_if_fail (l != NULL && l->object == object && !l->have_key);
  count = l->count;
  g_array_set_size (w->stack, w->stack->len - 1);
  if (count > 0)
    newline (w, w->stack->len);
  g_string_append_c (w->out, object ? '}' : ']');
}

void
tether_spice_json_begin_object (TetherSpiceJsonWriter *w)
{
  begin (w, TRUE);
}

void
tether_spice_json_end_object (TetherSpiceJsonWriter *w)
{
  end (w, TRUE);
}

void
tether_spice_json_begin_array (TetherSpiceJsonWriter *w)
{
  begin (w, FALSE);
}

void
tether_spice_json_end_array (TetherSpiceJsonWriter *w)
{
  end (w, FALSE);
}

void
tether_spice_json_key (TetherSpiceJsonWriter *w, const char *key)
{
  JsonLevel *l = top (w);

  g_return_if_fail (key != NULL);
  g_return_if_fail (l != NULL && l->object && !l->have_key);
  if (l->count > 0)
    g_string_append_c (w->out, ',');
  newline (w, w->stack->len);
  tether_spice_json_escape_append (w->out, key);
  g_string_append (w->out, w->pretty ? ": " : ":");
  l->count++;
  l->have_key = TRUE;
}

void
tether_spice_json_string (TetherSpiceJsonWriter *w, const char *value)
{
  if (value == NULL)
    {
      tether_spice_json_null (w);
      return;
    }
  if (before_value (w))
    tether_spice_json_escape_append (w->out, value);
}

void
tether_spice_json_int (TetherSpiceJsonWriter *w, gint64 value)
{
  if (before_value (w))
    g_string_append_printf (w->out, "%" G_GINT64_FORMAT, value);
}

void
tether_spice_json_bool (TetherSpiceJsonWriter *w, gboolean value)
{
  if (before_value (w))
    g_string_append (w->out, value ? "true" : "false");
}

void
tether_spice_json_null (TetherSpiceJsonWriter *w)
{
  if (before_value (w))
    g_string_append (w->out, "null");
}

const char *
tether_spice_json_writer_get (TetherSpiceJsonWriter *w)
{
  return w->out->str;
}

gboolean
tether_spice_json_writer_is_complete (TetherSpiceJsonWriter *w)
{
  return w->top_done && w->stack->len == 0;
}
