/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * TetherX2goProfiles:
 *
 * The X2Go session profiles of `~/.x2goclient/sessions`, the file x2goclient
 * and python-x2go (with its front ends such as pyhoca-cli) share, with the
 * semantics of python-x2go's `X2GoSessionProfiles`.
 *
 * Each section of the file is a profile; its name is the profile ID and its
 * key `name` the profile's name. Wherever a profile is asked for by
 * "ID or name" the string is first tried as a name, then as an ID, as
 * python-x2go does. Profiles that share a name are told apart by numbering
 * them in memory ("Work (1)", "Work (2)"), as python-x2go does; the file
 * keeps what it says until such a profile's name is set.
 *
 * Values are typed by a table of every key python-x2go knows (plus the keys
 * only x2goclient reads), see [func@X2goProfiles.get_known_keys]: strings,
 * 32-bit integers, booleans, string lists (`host`, `applications`) and the
 * shared-folder dictionary `export` (`a{sb}`: path → share automatically).
 * Keys missing from a profile read as their defaults; a value that does not
 * parse as its type (a boolean that says "maybe") reads as the default too.
 * Unknown keys are kept and read as strings.
 *
 * The file is written back only by [method@X2goProfiles.save], atomically
 * (a temporary file, fsync, rename) with mode 0600; lines and keys that were
 * not changed are written back byte for byte, with their comments, unknown
 * sections and keys. A file that failed to parse is never written over: the
 * profiles keep their earlier state and saving fails until a load succeeds.
 *
 * System profiles: the file `sessions` of the system directory (by default
 * `/etc/x2goclient`) is read too, read-only and underneath the user's file.
 * A profile ID in both files is the user's profile (the user's section
 * replaces the system one whole). A profile only in the system file is
 * visible like any other, but is copied into the user's file only when one
 * of its values is set (then all its keys are copied, and the user's copy
 * shadows the system one from then on); it cannot be removed. python-x2go
 * instead merges the two files key by key with the system file winning, and
 * writes both into the user's file on its next write, while its
 * `X2GoClient` passes only the user's file; x2goclient reads only one file
 * (`~/.x2goclient/sessions`, or `/etc/x2goclient/config/…` when that exists).
 * Pass an empty #TetherX2goProfiles:system-dir to read no system file.
 *
 * Unlike python-x2go, changing `host` keeps the profile's ID (as x2goclient
 * does), and removing a profile does not save the file by itself.
 *
 * The object does blocking file I/O on small local files in
 * [method@X2goProfiles.load] and [method@X2goProfiles.save] only.
 *
 * Since: 0.1
 */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-ini-private.h"
#include "tether-x2go-ini-value-private.h"
#include "tether-x2go-profile-keys-private.h"
#include "tether-x2go-profiles.h"

#define DEFAULT_SYSTEM_DIR "/etc/x2goclient"
#define SESSIONS_FILE "sessions"
/* How far add_profile looks for a free timestamp ID. */
#define MAX_ID_ATTEMPTS 100000

struct _TetherX2goProfiles {
  GObject        parent_instance;

  char          *client_rootdir;
  char          *sessions_rootdir;
  char          *ssh_rootdir;
  char          *system_dir;     /* NULL: none */

  TetherX2goIni *user;           /* never NULL */
  TetherX2goIni *system;         /* NULL: no system file */
  gboolean       user_broken;    /* the last load of the user file failed */

  GPtrArray     *ids;            /* profile IDs: the user's, then system-only */
  GHashTable    *names;          /* ID -> unique name */
};

G_DEFINE_FINAL_TYPE (TetherX2goProfiles, tether_x2go_profiles, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT_ROOTDIR,
  PROP_SESSIONS_ROOTDIR,
  PROP_SSH_ROOTDIR,
  PROP_SYSTEM_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the index of IDs and names ----------------------------------------- */

static TetherX2goIni *
doc_of (TetherX2goProfiles *self, const char *id)
{
  if (tether_x2go_ini_has_section (self->user, id))
    return self->user;
  if (self->system != NULL && tether_x2go_ini_has_section (self->system, id))
    return self->system;
  return NULL;
}

static char *
stored_name (TetherX2goIni *doc, const char *id)
{
  char *name = tether_x2go_ini_get_string (doc, id, "name");

  return name != NULL ? name : g_strdup ("NEW_PROFILE");
}

static void
add_ids_of (TetherX2goProfiles *self, TetherX2goIni *doc, GHashTable *seen)
{
  g_auto(GStrv) sections = NULL;

  if (doc == NULL)
    return;
  sections = tether_x2go_ini_get_sections (doc);
  for (gsize k = 0; sections[k] != NULL; k++)
    {
      char *id;

      if (tether_x2go_profile_is_non_profile_section (sections[k]) ||
          g_hash_table_contains (seen, sections[k]))
        continue;
      /* The set borrows the copy in self->ids, which outlives it. */
      id = g_strdup (sections[k]);
      g_ptr_array_add (self->ids, id);
      g_hash_table_add (seen, id);
    }
}

static void
rebuild_index (TetherX2goProfiles *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  g_ptr_array_set_size (self->ids, 0);
  g_hash_table_remove_all (self->names);
  add_ids_of (self, self->user, seen);
  add_ids_of (self, self->system, seen);

  /* Duplicate names get "(1)", "(2)"… in file order, as python-x2go does. */
  for (guint k = 0; k < self->ids->len; k++)
    {
      const char *id = g_ptr_array_index (self->ids, k);
      char *name = stored_name (doc_of (self, id), id);
      GPtrArray *same = g_hash_table_lookup (by_name, name);

      if (same == NULL)
        {
          same = g_ptr_array_new ();
          g_hash_table_insert (by_name, g_strdup (name), same);
          g_ptr_array_add (order, same);
        }
      g_ptr_array_add (same, (gpointer) id);
      g_hash_table_insert (self->names, g_strdup (id), name);
    }
  for (guint k = 0; k < order->len; k++)
    {
      GPtrArray *same = g_ptr_array_index (order, k);

      if (same->len < 2)
        continue;
      for (guint j = 0; j < same->len; j++)
        {
          const char *id = g_ptr_array_index (same, j);
          const char *name = g_hash_table_lookup (self->names, id);

          g_hash_table_insert (self->names, g_strdup (id),
                               g_strdup_printf ("%s (%u)", name, j + 1));
        }
    }
}

static const char *
find_id_by_name (TetherX2goProfiles *self, const char *name)
{
  for (guint k = 0; k < self->ids->len; k++)
    {
      const char *id = g_ptr_array_index (self->ids, k);

      if (g_strcmp0 (g_hash_table_lookup (self->names, id), name) == 0)
        return id;
    }
  return NULL;
}

/* Name first, then ID. */
static const char *
resolve (TetherX2goProfiles *self, const char *id_or_name, GError **error)
{
  const char *id;

  if (id_or_name == NULL)
    {
      g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE,
                           "no session profile given");
      return NULL;
    }
  id = find_id_by_name (self, id_or_name);
  if (id != NULL)
    return id;
  for (guint k = 0; k < self->ids->len; k++)
    if (strcmp (g_ptr_array_index (self->ids, k), id_or_name) == 0)
      return g_ptr_array_index (self->ids, k);
  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE,
               "no session profile with the ID or name “%s”", id_or_name);
  return NULL;
}

/* ---- GObject ------------------------------------------------------------ */

static void
tether_x2go_profiles_init (TetherX2goProfiles *self)
{
  self->user = tether_x2go_ini_new ();
  self->ids = g_ptr_array_new_with_free_func (g_free);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
tether_x2go_profiles_constructed (GObject *object)
{
  TetherX2goProfiles *self = TETHER_X2GO_PROFILES (object);

  G_OBJECT_CLASS (tether_x2go_profiles_parent_class)->constructed (object);

  if (self->client_rootdir == NULL)
    self->client_rootdir = g_build_filename (g_get_home_dir (), ".x2goclient", NULL);
  if (self->sessions_rootdir == NULL)
    self->sessions_rootdir = g_build_filename (g_get_home_dir (), ".x2go", NULL);
  if (self->ssh_rootdir == NULL)
    self->ssh_rootdir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  if (self->system_dir == NULL)
    self->system_dir = g_strdup (DEFAULT_SYSTEM_DIR);
  else if (self->system_dir[0] == '\0')
    g_clear_pointer (&self->system_dir, g_free);
}

static void
tether_x2go_profiles_finalize (GObject *object)
{
  TetherX2goProfiles *self = TETHER_X2GO_PROFILES (object);

  g_free (self->client_rootdir);
  g_free (self->sessions_rootdir);
  g_free (self->ssh_rootdir);
  g_free (self->system_dir);
  tether_x2go_ini_free (self->user);
  tether_x2go_ini_free (self->system);
  g_ptr_array_unref (self->ids);
  g_hash_table_unref (self->names);

  G_OBJECT_CLASS (tether_x2go_profiles_parent_class)->finalize (object);
}

static void
tether_x2go_profiles_get_property (GObject *object, guint prop_id, GValue *value,
                                   GParamSpec *pspec)
{
  TetherX2goProfiles *self = TETHER_X2GO_PROFILES (object);

  switch (prop_id)
    {
    case PROP_CLIENT_ROOTDIR:
      g_value_set_string (value, self->client_rootdir);
      break;
    case PROP_SESSIONS_ROOTDIR:
      g_value_set_string (value, self->sessions_rootdir);
      break;
    case PROP_SSH_ROOTDIR:
      g_value_set_string (value, self->ssh_rootdir);
      break;
    case PROP_SYSTEM_DIR:
      g_value_set_string (value, self->system_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_x2go_profiles_set_property (GObject *object, guint prop_id, const GValue *value,
                                   GParamSpec *pspec)
{
  TetherX2goProfiles *self = TETHER_X2GO_PROFILES (object);

  switch (prop_id)
    {
    case PROP_CLIENT_ROOTDIR:
      g_free (self->client_rootdir);
      self->client_rootdir = g_value_dup_string (value);
      break;
    case PROP_SESSIONS_ROOTDIR:
      g_free (self->sessions_rootdir);
      self->sessions_rootdir = g_value_dup_string (value);
      break;
    case PROP_SSH_ROOTDIR:
      g_free (self->ssh_rootdir);
      self->ssh_rootdir = g_value_dup_string (value);
      break;
    case PROP_SYSTEM_DIR:
      g_free (self->system_dir);
      self->system_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_x2go_profiles_class_init (TetherX2goProfilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tether_x2go_profiles_constructed;
  object_class->finalize = tether_x2go_profiles_finalize;
  object_class->get_property = tether_x2go_profiles_get_property;
  object_class->set_property = tether_x2go_profiles_set_property;

  /**
   * TetherX2goProfiles:client-rootdir: (getter get_client_rootdir)
   *
   * The client root directory, which holds the `sessions` file (and
   * x2goclient's `settings`, `printing` and `xconfig`). %NULL at
   * construction means `~/.x2goclient`.
   *
   * Since: 0.1
   */
  properties[PROP_CLIENT_ROOTDIR] =
    g_param_spec_string ("client-rootdir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TetherX2goProfiles:sessions-rootdir: (getter get_sessions_rootdir)
   *
   * The sessions root directory, where sessions keep their local files and
   * nxproxy its cache. %NULL at construction means `~/.x2go`.
   *
   * Since: 0.1
   */
  properties[PROP_SESSIONS_ROOTDIR] =
    g_param_spec_string ("sessions-rootdir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TetherX2goProfiles:ssh-rootdir: (getter get_ssh_rootdir)
   *
   * The SSH client directory (known_hosts, keys). %NULL at construction
   * means `~/.ssh`.
   *
   * Since: 0.1
   */
  properties[PROP_SSH_ROOTDIR] =
    g_param_spec_string ("ssh-rootdir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * TetherX2goProfiles:system-dir: (getter get_system_dir)
   *
   * The directory of the read-only system files (its `sessions` file
   * supplies system profiles). %NULL at construction means
   * `/etc/x2goclient`; an empty string means none.
   *
   * Since: 0.1
   */
  properties[PROP_SYSTEM_DIR] =
    g_param_spec_string ("system-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* ---- construction, files ------------------------------------------------ */

/**
 * tether_x2go_profiles_new:
 * @client_rootdir: (nullable) (type filename): the client root directory,
 *   or %NULL for `~/.x2goclient`
 *
 * Creates a profile store. It is empty until [method@X2goProfiles.load].
 * Set the other directories with g_object_new() and the properties.
 *
 * Returns: (transfer full): a new #TetherX2goProfiles
 *
 * Since: 0.1
 */
TetherX2goProfiles *
tether_x2go_profiles_new (const char *client_rootdir)
{
  return g_object_new (TETHER_X2GO_TYPE_PROFILES, "client-rootdir", client_rootdir, NULL);
}

/**
 * tether_x2go_profiles_get_sessions_file:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (transfer full) (type filename): the path of the user's sessions
 *   file
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_get_sessions_file (TetherX2goProfiles *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  return g_build_filename (self->client_rootdir, SESSIONS_FILE, NULL);
}

static TetherX2goIni *
load_optional (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  TetherX2goIni *ini = tether_x2go_ini_load_file (path, &local);

  if (ini != NULL)
    return ini;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return tether_x2go_ini_new ();
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/**
 * tether_x2go_profiles_load:
 * @self: a #TetherX2goProfiles
 * @error: return location for a #GError
 *
 * (Re)reads the user's sessions file (a missing file is an empty one) and
 * the system's. On error nothing changes in memory; when the user's file did
 * not parse (%TETHER_X2GO_ERROR_BAD_CONFIG_FILE, with the file and line in
 * the message), [method@X2goProfiles.save] refuses to write over it until a
 * load succeeds.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_load (TetherX2goProfiles *self, GError **error)
{
  g_autofree char *user_path = NULL;
  g_autoptr(TetherX2goIni) user = NULL;
  g_autoptr(TetherX2goIni) system = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  user_path = tether_x2go_profiles_get_sessions_file (self);
  user = load_optional (user_path, error);
  if (user == NULL)
    {
      self->user_broken = TRUE;
      return FALSE;
    }
  if (self->system_dir != NULL)
    {
      g_autofree char *system_path = g_build_filename (self->system_dir, SESSIONS_FILE, NULL);

      system = load_optional (system_path, error);
      if (system == NULL)
        return FALSE;
    }
  tether_x2go_ini_free (self->user);
  self->user = g_steal_pointer (&user);
  tether_x2go_ini_free (self->system);
  self->system = g_steal_pointer (&system);
  self->user_broken = FALSE;
  rebuild_index (self);
  return TRUE;
}

/**
 * tether_x2go_profiles_save:
 * @self: a #TetherX2goProfiles
 * @error: return location for a #GError
 *
 * Writes the user's sessions file atomically with mode 0600, creating the
 * client root directory (mode 0700) if needed. System profiles that were
 * not changed are not written. Fails with
 * %TETHER_X2GO_ERROR_BAD_CONFIG_FILE, writing nothing, after a load that
 * failed to parse the user's file.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_save (TetherX2goProfiles *self, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = tether_x2go_profiles_get_sessions_file (self);
  if (self->user_broken)
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
                   "%s did not load; not writing over it", path);
      return FALSE;
    }
  if (g_mkdir_with_parents (self->client_rootdir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot create: %s", self->client_rootdir, g_strerror (saved));
      return FALSE;
    }
  return tether_x2go_ini_save_file (self->user, path, error);
}

/* ---- directories -------------------------------------------------------- */

/**
 * tether_x2go_profiles_get_client_rootdir:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (type filename): the client root directory
 *
 * Since: 0.1
 */
const char *
tether_x2go_profiles_get_client_rootdir (TetherX2goProfiles *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  return self->client_rootdir;
}

/**
 * tether_x2go_profiles_get_sessions_rootdir:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (type filename): the sessions root directory
 *
 * Since: 0.1
 */
const char *
tether_x2go_profiles_get_sessions_rootdir (TetherX2goProfiles *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  return self->sessions_rootdir;
}

/**
 * tether_x2go_profiles_get_ssh_rootdir:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (type filename): the SSH client directory
 *
 * Since: 0.1
 */
const char *
tether_x2go_profiles_get_ssh_rootdir (TetherX2goProfiles *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  return self->ssh_rootdir;
}

/**
 * tether_x2go_profiles_get_system_dir:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (nullable) (type filename): the system directory, or %NULL when
 *   no system file is read
 *
 * Since: 0.1
 */
const char *
tether_x2go_profiles_get_system_dir (TetherX2goProfiles *self)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  return self->system_dir;
}

/* ---- IDs and names ------------------------------------------------------ */

/**
 * tether_x2go_profiles_get_profile_ids:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (transfer full) (array zero-terminated=1): the profile IDs, the
 *   user's in file order, then the system-only ones
 *
 * Since: 0.1
 */
char **
tether_x2go_profiles_get_profile_ids (TetherX2goProfiles *self)
{
  GPtrArray *out;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  out = g_ptr_array_new ();
  for (guint k = 0; k < self->ids->len; k++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (self->ids, k)));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/**
 * tether_x2go_profiles_get_profile_names:
 * @self: a #TetherX2goProfiles
 *
 * Returns: (transfer full) (array zero-terminated=1): the profile names, in
 *   the order of [method@X2goProfiles.get_profile_ids]; all different
 *
 * Since: 0.1
 */
char **
tether_x2go_profiles_get_profile_names (TetherX2goProfiles *self)
{
  GPtrArray *out;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  out = g_ptr_array_new ();
  for (guint k = 0; k < self->ids->len; k++)
    g_ptr_array_add (out, g_strdup (g_hash_table_lookup (self->names,
                                                         g_ptr_array_index (self->ids, k))));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/**
 * tether_x2go_profiles_is_session_profile:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 *
 * Returns: whether such a profile exists
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_is_session_profile (TetherX2goProfiles *self, const char *profile_id_or_name)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  return profile_id_or_name != NULL && resolve (self, profile_id_or_name, NULL) != NULL;
}

/**
 * tether_x2go_profiles_is_system_profile:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 *
 * Returns: whether the profile exists and comes from the system file only
 *   (so it is read-only until one of its values is set)
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_is_system_profile (TetherX2goProfiles *self, const char *profile_id_or_name)
{
  const char *id;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);

  id = resolve (self, profile_id_or_name, NULL);
  return id != NULL && doc_of (self, id) == self->system;
}

/**
 * tether_x2go_profiles_to_profile_id:
 * @self: a #TetherX2goProfiles
 * @profile_name: a profile name
 *
 * Returns: (transfer full) (nullable): the ID of the profile of that name,
 *   or %NULL when there is none
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_to_profile_id (TetherX2goProfiles *self, const char *profile_name)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);
  return g_strdup (find_id_by_name (self, profile_name));
}

/**
 * tether_x2go_profiles_to_profile_name:
 * @self: a #TetherX2goProfiles
 * @profile_id: a profile ID
 *
 * Returns: (transfer full) (nullable): the name of the profile with that ID,
 *   or %NULL when there is none
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_to_profile_name (TetherX2goProfiles *self, const char *profile_id)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);
  return g_strdup (g_hash_table_lookup (self->names, profile_id));
}

/**
 * tether_x2go_profiles_check_profile_id_or_name:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * Finds a profile by name first, then by ID.
 *
 * Returns: (transfer full): the profile's ID, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_check_profile_id_or_name (TetherX2goProfiles *self,
                                               const char         *profile_id_or_name,
                                               GError            **error)
{
  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  return g_strdup (resolve (self, profile_id_or_name, error));
}

/* ---- values ------------------------------------------------------------- */

/* The value of @key in profile @id, typed; NULL when the key is neither in
 * the profile nor in the table. */
static GVariant *
lookup_value (TetherX2goProfiles *self, const char *id, const char *key)
{
  TetherX2goIni *doc = doc_of (self, id);
  const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (key);
  const char *raw = tether_x2go_ini_get_raw (doc, id, key);

  if (strcmp (key, "name") == 0)
    return g_variant_ref_sink (g_variant_new_string (g_hash_table_lookup (self->names, id)));
  if (known == NULL)
    {
      g_auto(GStrv) one = NULL;

      if (raw == NULL)
        return NULL;
      one = tether_x2go_ini_decode_value (raw, strlen (raw), FALSE);
      return g_variant_ref_sink (g_variant_new_string (one[0]));
    }
  if (raw != NULL)
    {
      g_autoptr(GError) error = NULL;
      GVariant *v = tether_x2go_value_from_raw (known->kind, raw, &error);

      if (v != NULL)
        return v;
      g_debug ("profile %s, key %s: %s; using the default", id, key, error->message);
    }
  return tether_x2go_profile_key_default (known);
}

/* Every key of profile @id in file order, then the known keys it lacks. */
static GVariant *
config_for_id (TetherX2goProfiles *self, const char *id)
{
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (doc_of (self, id), id);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantBuilder b;
  const TetherX2goProfileKey *table;
  gsize n_table;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (gsize k = 0; keys != NULL && keys[k] != NULL; k++)
    {
      g_autoptr(GVariant) v = lookup_value (self, id, keys[k]);

      g_hash_table_add (seen, keys[k]);
      g_variant_builder_add (&b, "{sv}", keys[k], v);
    }
  table = tether_x2go_profile_keys (&n_table);
  for (gsize k = 0; k < n_table; k++)
    {
      g_autoptr(GVariant) v = NULL;

      if (g_hash_table_contains (seen, table[k].key))
        continue;
      v = lookup_value (self, id, table[k].key);
      g_variant_builder_add (&b, "{sv}", table[k].key, v);
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/**
 * tether_x2go_profiles_get_profile_config:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * The whole profile: every key in the profile (in file order), then every
 * known key it lacks with its default. From Python, `.unpack()` gives a
 * dict of str, int, bool, list and (for `export`) dict values.
 *
 * Returns: (transfer full): an `a{sv}` #GVariant, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_profiles_get_profile_config (TetherX2goProfiles *self,
                                         const char         *profile_id_or_name,
                                         GError            **error)
{
  const char *id;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  id = resolve (self, profile_id_or_name, error);
  if (id == NULL)
    return NULL;
  return config_for_id (self, id);
}

/**
 * tether_x2go_profiles_get_profile_value:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @key: a key, as in the file (`host`, `sshport`…)
 * @error: return location for a #GError
 *
 * One value of a profile, typed as [func@X2goProfiles.get_key_type] says,
 * or a string for a key Tether does not know.
 *
 * Returns: (transfer full): the value, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE, or %G_IO_ERROR_NOT_FOUND for an
 *   unknown key the profile does not have
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_profiles_get_profile_value (TetherX2goProfiles *self,
                                        const char         *profile_id_or_name,
                                        const char         *key,
                                        GError            **error)
{
  const char *id;
  GVariant *v;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  id = resolve (self, profile_id_or_name, error);
  if (id == NULL)
    return NULL;
  v = lookup_value (self, id, key);
  if (v == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "session profile “%s” has no key “%s”", id, key);
  return v;
}

static gboolean
check_key_name (const char *key, GError **error)
{
  if (key[0] == '\0' || !g_utf8_validate (key, -1, NULL) || strpbrk (key, "\r\n") != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a key must be a non-empty line of UTF-8 text");
      return FALSE;
    }
  return TRUE;
}

/* Makes profile @id writable in the user's file. */
static void
make_user_copy (TetherX2goProfiles *self, const char *id)
{
  if (doc_of (self, id) == self->system)
    tether_x2go_ini_copy_section (self->user, self->system, id);
}

/**
 * tether_x2go_profiles_set_profile_value:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @key: a key, as in the file
 * @value: the value, of the key's type (a string for a key Tether does not
 *   know)
 * @error: return location for a #GError
 *
 * Sets one value in memory; [method@X2goProfiles.save] writes it. A wrong
 * type is %G_IO_ERROR_INVALID_ARGUMENT; so is an empty `name`, and a `name`
 * another profile has is %G_IO_ERROR_EXISTS. Setting a value of a system
 * profile copies the profile into the user's file.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_set_profile_value (TetherX2goProfiles *self,
                                        const char         *profile_id_or_name,
                                        const char         *key,
                                        GVariant           *value,
                                        GError            **error)
{
  g_autoptr(GVariant) owned = NULL;
  const TetherX2goProfileKey *known;
  TetherX2goValueKind kind;
  g_autofree char *raw = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  owned = g_variant_ref_sink (value);
  id = g_strdup (resolve (self, profile_id_or_name, error));
  if (id == NULL || !check_key_name (key, error))
    return FALSE;
  known = tether_x2go_profile_key_lookup (key);
  kind = known != NULL ? known->kind : TETHER_X2GO_VALUE_STRING;
  if (!g_variant_is_of_type (value, tether_x2go_value_kind_type (kind)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "key “%s” takes a %s (GVariant type “%s”), not “%s”", key,
                   tether_x2go_value_kind_name (kind),
                   (const char *) tether_x2go_value_kind_type (kind),
                   g_variant_get_type_string (value));
      return FALSE;
    }
  if (kind == TETHER_X2GO_VALUE_STRING)
    {
      const char *s = g_variant_get_string (value, NULL);

      if (strcmp (key, "name") == 0)
        {
          const char *holder = find_id_by_name (self, s);

          if (s[0] == '\0')
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   "a profile name must not be empty");
              return FALSE;
            }
          if (holder != NULL && strcmp (holder, id) != 0)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           "a session profile named “%s” exists already", s);
              return FALSE;
            }
        }
    }

  make_user_copy (self, id);
  raw = tether_x2go_value_to_raw (kind, value, tether_x2go_ini_get_raw_utf8 (self->user));
  tether_x2go_ini_set_raw (self->user, id, key, raw);
  if (strcmp (key, "name") == 0)
    rebuild_index (self);
  return TRUE;
}

/**
 * tether_x2go_profiles_set_profile_value_from_string:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @key: a key, as in the file
 * @text: the value as a person types it: `true`/`false` (also 1/0, yes/no,
 *   on/off), a decimal number, a comma-separated list, or for `export`
 *   `path:1;path2:0`
 * @error: return location for a #GError
 *
 * [method@X2goProfiles.set_profile_value] for text from a command line.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_set_profile_value_from_string (TetherX2goProfiles *self,
                                                    const char         *profile_id_or_name,
                                                    const char         *key,
                                                    const char         *text,
                                                    GError            **error)
{
  const TetherX2goProfileKey *known;
  g_autoptr(GVariant) value = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  g_return_val_if_fail (key != NULL && text != NULL, FALSE);

  known = tether_x2go_profile_key_lookup (key);
  value = tether_x2go_value_from_text (known != NULL ? known->kind : TETHER_X2GO_VALUE_STRING,
                                       text, error);
  if (value == NULL)
    {
      g_prefix_error (error, "%s: ", key);
      return FALSE;
    }
  return tether_x2go_profiles_set_profile_value (self, profile_id_or_name, key, value, error);
}

/**
 * tether_x2go_profiles_unset_profile_value:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @key: a key, as in the file
 * @error: return location for a #GError
 *
 * Removes a key from a profile, so a known key reads as its default. The
 * name cannot be unset.
 *
 * Returns: %TRUE on success (also when the key was not set)
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_unset_profile_value (TetherX2goProfiles *self,
                                          const char         *profile_id_or_name,
                                          const char         *key,
                                          GError            **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  id = g_strdup (resolve (self, profile_id_or_name, error));
  if (id == NULL)
    return FALSE;
  if (strcmp (key, "name") == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "the name of a profile cannot be unset");
      return FALSE;
    }
  make_user_copy (self, id);
  tether_x2go_ini_remove_key (self->user, id, key);
  return TRUE;
}

/* ---- adding, removing ---------------------------------------------------- */

/* x2goclient's form of a new ID: local time, "yyyyMMddhhmmsszzz". */
static char *
new_profile_id (TetherX2goProfiles *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  for (guint attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++)
    {
      g_autoptr(GDateTime) t = g_date_time_add (now, (GTimeSpan) attempt * 1000);
      g_autofree char *stamp = g_date_time_format (t, "%Y%m%d%H%M%S");
      char *id = g_strdup_printf ("%s%03d", stamp, g_date_time_get_microsecond (t) / 1000);

      if (doc_of (self, id) == NULL)
        return id;
      g_free (id);
    }
  return g_uuid_string_random ();
}

/**
 * tether_x2go_profiles_add_profile:
 * @self: a #TetherX2goProfiles
 * @profile_name: the name of the new profile
 * @error: return location for a #GError
 *
 * Adds a profile with every known key at its default, under a new ID made
 * as x2goclient makes them (the local time as `yyyyMMddhhmmsszzz`). A name
 * that exists is %G_IO_ERROR_EXISTS, as in python-x2go.
 *
 * Returns: (transfer full): the new profile's ID, or %NULL on error
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_add_profile (TetherX2goProfiles *self,
                                  const char         *profile_name,
                                  GError            **error)
{
  const TetherX2goProfileKey *table;
  gsize n_table;
  g_autofree char *id = NULL;
  gboolean raw_utf8;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);

  if (profile_name[0] == '\0' || !g_utf8_validate (profile_name, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a profile name must be non-empty UTF-8 text");
      return NULL;
    }
  if (find_id_by_name (self, profile_name) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "a session profile named “%s” exists already", profile_name);
      return NULL;
    }
  id = new_profile_id (self);
  raw_utf8 = tether_x2go_ini_get_raw_utf8 (self->user);
  tether_x2go_ini_add_section (self->user, id);
  tether_x2go_ini_set_string (self->user, id, "name", profile_name);
  table = tether_x2go_profile_keys (&n_table);
  for (gsize k = 0; k < n_table; k++)
    {
      g_autoptr(GVariant) v = NULL;
      g_autofree char *raw = NULL;

      if (strcmp (table[k].key, "name") == 0)
        continue;
      v = tether_x2go_profile_key_default (&table[k]);
      raw = tether_x2go_value_to_raw (table[k].kind, v, raw_utf8);
      tether_x2go_ini_set_raw (self->user, id, table[k].key, raw);
    }
  rebuild_index (self);
  return g_steal_pointer (&id);
}

/**
 * tether_x2go_profiles_remove_profile:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * Removes a profile from the user's file in memory. A system-only profile
 * cannot be removed (%G_IO_ERROR_READ_ONLY); removing the user's copy of a
 * system profile makes the system profile visible again.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
tether_x2go_profiles_remove_profile (TetherX2goProfiles *self,
                                     const char         *profile_id_or_name,
                                     GError            **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), FALSE);

  id = g_strdup (resolve (self, profile_id_or_name, error));
  if (id == NULL)
    return FALSE;
  if (doc_of (self, id) != self->user)
    {
      g_autofree char *path = g_build_filename (self->system_dir, SESSIONS_FILE, NULL);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                   "session profile “%s” comes from %s and cannot be removed", id, path);
      return FALSE;
    }
  tether_x2go_ini_remove_section (self->user, id);
  rebuild_index (self);
  return TRUE;
}

/* ---- derived ------------------------------------------------------------ */

static char *
config_string (GVariant *config, const char *key)
{
  const char *s = NULL;

  g_variant_lookup (config, key, "&s", &s);
  return g_strdup (s != NULL ? s : "");
}

static gboolean
config_bool (GVariant *config, const char *key)
{
  gboolean b = FALSE;

  g_variant_lookup (config, key, "b", &b);
  return b;
}

/**
 * tether_x2go_profiles_get_profile_metatype:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * A description of the kind of session a profile starts, for people, as
 * python-x2go gives it: "RDP/proxy", "XFCE + Published Applications",
 * "Published Applications", "Single Applications", "XFCE Desktop",
 * "CUSTOM Desktop", "RDP/direct" or "not supported".
 *
 * Returns: (transfer full): the description, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_get_profile_metatype (TetherX2goProfiles *self,
                                           const char         *profile_id_or_name,
                                           GError            **error)
{
  g_autoptr(GVariant) config = NULL;
  g_autoptr(GVariant) hosts = NULL;
  g_autofree char *command = NULL;
  g_autofree char *rdpserver = NULL;
  const char *desktop;
  gboolean has_host = FALSE;
  gboolean rdp;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  config = tether_x2go_profiles_get_profile_config (self, profile_id_or_name, error);
  if (config == NULL)
    return NULL;
  hosts = g_variant_lookup_value (config, "host", G_VARIANT_TYPE_STRING_ARRAY);
  for (gsize k = 0; hosts != NULL && k < g_variant_n_children (hosts); k++)
    {
      const char *h;

      g_variant_get_child (hosts, k, "&s", &h);
      has_host = has_host || h[0] != '\0';
    }
  command = config_string (config, "command");
  rdpserver = config_string (config, "rdpserver");
  rdp = rdpserver[0] != '\0' && strcmp (command, "RDP") == 0;
  desktop = tether_x2go_desktop_session_for_command (command);

  if (!has_host)
    return g_strdup (rdp ? "RDP/direct" : "not supported");
  if (rdp)
    return g_strdup ("RDP/proxy");
  if (config_bool (config, "published"))
    {
      /* python-x2go names only the shortcut (XFCE) here, not the program. */
      if (desktop != NULL && strcmp (desktop, command) == 0)
        return g_strdup_printf ("%s + Published Applications", command);
      return g_strdup ("Published Applications");
    }
  if (config_bool (config, "rootless"))
    return g_strdup ("Single Applications");
  if (desktop != NULL)
    return g_strdup_printf ("%s Desktop", desktop);
  return g_strdup ("CUSTOM Desktop");
}

static void
append_indent (GString *out, guint indent)
{
  for (guint k = 0; k < indent; k++)
    g_string_append_c (out, ' ');
}

static void
append_profile_json (GString *out, GVariant *config, guint indent)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean first = TRUE;

  g_string_append (out, "{\n");
  g_variant_iter_init (&iter, config);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!first)
        g_string_append (out, ",\n");
      first = FALSE;
      append_indent (out, indent + 2);
      tether_x2go_json_append_string (out, key);
      g_string_append (out, ": ");
      if (!tether_x2go_json_append_value (out, value))
        g_string_append (out, "null");
      g_variant_unref (value);
    }
  g_string_append_c (out, '\n');
  append_indent (out, indent);
  g_string_append_c (out, '}');
}

/**
 * tether_x2go_profiles_dump_profile_json:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * The profile as a JSON object, keys named as in the file, values typed as
 * by [method@X2goProfiles.get_profile_config] (`export` is an object of
 * path → boolean), with defaults filled in.
 *
 * Returns: (transfer full): the JSON text, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_dump_profile_json (TetherX2goProfiles *self,
                                        const char         *profile_id_or_name,
                                        GError            **error)
{
  g_autoptr(GVariant) config = NULL;
  GString *out;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  config = tether_x2go_profiles_get_profile_config (self, profile_id_or_name, error);
  if (config == NULL)
    return NULL;
  out = g_string_new (NULL);
  append_profile_json (out, config, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/**
 * tether_x2go_profiles_dump_json:
 * @self: a #TetherX2goProfiles
 *
 * Every profile as one JSON object: profile ID → the object of
 * [method@X2goProfiles.dump_profile_json].
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 0.1
 */
char *
tether_x2go_profiles_dump_json (TetherX2goProfiles *self)
{
  GString *out;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  out = g_string_new ("{");
  for (guint k = 0; k < self->ids->len; k++)
    {
      const char *id = g_ptr_array_index (self->ids, k);
      g_autoptr(GVariant) config = config_for_id (self, id);

      g_string_append (out, k > 0 ? ",\n  " : "\n  ");
      tether_x2go_json_append_string (out, id);
      g_string_append (out, ": ");
      append_profile_json (out, config, 2);
    }
  g_string_append (out, self->ids->len > 0 ? "\n}\n" : "}\n");
  return g_string_free (out, FALSE);
}

/* ---- the key table ------------------------------------------------------ */

/**
 * tether_x2go_profiles_get_known_keys:
 *
 * Every profile key Tether knows the type and default of: those of
 * python-x2go, then those only x2goclient reads.
 *
 * Returns: (transfer none) (array zero-terminated=1): the keys
 *
 * Since: 0.1
 */
const char * const *
tether_x2go_profiles_get_known_keys (void)
{
  static const char **keys;

  if (g_once_init_enter (&keys))
    {
      gsize n;
      const TetherX2goProfileKey *table = tether_x2go_profile_keys (&n);
      const char **list = g_new0 (const char *, n + 1);

      for (gsize k = 0; k < n; k++)
        list[k] = table[k].key;
      g_once_init_leave (&keys, list);
    }
  return keys;
}

/**
 * tether_x2go_profiles_get_key_type:
 * @key: a profile key
 *
 * Returns: (transfer none) (nullable): the GVariant type of a known key's
 *   values (`s`, `i`, `b`, `as` or `a{sb}`), or %NULL for an unknown key
 *
 * Since: 0.1
 */
const GVariantType *
tether_x2go_profiles_get_key_type (const char *key)
{
  const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (key);

  return known != NULL ? tether_x2go_value_kind_type (known->kind) : NULL;
}

/**
 * tether_x2go_profiles_get_key_default:
 * @key: a profile key
 *
 * Returns: (transfer full) (nullable): the default of a known key (for
 *   `user` the local user name), or %NULL for an unknown key
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_profiles_get_key_default (const char *key)
{
  const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (key);

  return known != NULL ? tether_x2go_profile_key_default (known) : NULL;
}
