/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tether spice info: connect, print what the server says about itself. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tether-spice-cli.h"
#include "tether-spice-common.h"
#include "tether-tool.h"

/* What is known of one channel: from the server's list, and from linking
 * it when Tether did. */
typedef struct {
  int         type;
  int         id;
  gboolean    offered;       /* in the server's CHANNELS_LIST */
  gboolean    linked;
  GArray     *common_caps;   /* guint bit numbers */
  GArray     *caps;
  char       *error;         /* why linking failed, or NULL */
  char       *tls_protocol;  /* over TLS: "TLSv1.3", ... */
  char       *tls_cipher;
} ChannelInfo;

static void
channel_info_clear (gpointer data)
{
  ChannelInfo *c = data;

  g_clear_pointer (&c->common_caps, g_array_unref);
  g_clear_pointer (&c->caps, g_array_unref);
  g_clear_pointer (&c->error, g_free);
  g_clear_pointer (&c->tls_protocol, g_free);
  g_clear_pointer (&c->tls_cipher, g_free);
}

static void
json_tls (TetherSpiceJsonWriter *w, const ChannelInfo *c)
{
  tether_spice_json_key (w, "tls");
  tether_spice_json_begin_object (w);
  tether_spice_json_key (w, "version");
  tether_spice_json_string (w, c->tls_protocol);
  tether_spice_json_key (w, "cipher");
  tether_spice_json_string (w, c->tls_cipher);
  tether_spice_json_end_object (w);
}

static GArray *
read_caps (TetherSpiceChannel *channel, gboolean common)
{
  GArray *bits = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint b = 0; b < TETHER_SPICE_TOOL_MAX_CAP_BITS; b++)
    if (common ? tether_spice_channel_test_common_capability (channel, b)
               : tether_spice_channel_test_capability (channel, b))
      g_array_append_val (bits, b);
  return bits;
}

static TetherSpiceChannel *
find_channel (GList *channels, int type, int id)
{
  for (GList *l = channels; l != NULL; l = l->next)
    if (tether_spice_channel_get_channel_type (l->data) == type && tether_spice_channel_get_channel_id (l->data) == id)
      return l->data;
  return NULL;
}

static ChannelInfo *
add_info (GArray *infos, int type, int id)
{
  ChannelInfo c = { 0 };

  for (guint i = 0; i < infos->len; i++)
    {
      ChannelInfo *have = &g_array_index (infos, ChannelInfo, i);

      if (have->type == type && have->id == id)
        return have;
    }
  c.type = type;
  c.id = id;
  g_array_append_val (infos, c);
  return &g_array_index (infos, ChannelInfo, infos->len - 1);
}

static const char *
mouse_mode_name (int mode)
{
  switch (mode)
    {
    case 1: return "server";
    case 2: return "client";
    default: return NULL;
    }
}

static void
json_caps (TetherSpiceJsonWriter *w, const char *key, const char *names_key, GArray *bits, int type, gboolean common)
{
  tether_spice_json_key (w, key);
  tether_spice_json_begin_array (w);
  for (guint i = 0; i < bits->len; i++)
    tether_spice_json_int (w, g_array_index (bits, guint, i));
  tether_spice_json_end_array (w);
  tether_spice_json_key (w, names_key);
  tether_spice_json_begin_array (w);
  for (guint i = 0; i < bits->len; i++)
    {
      guint b = g_array_index (bits, guint, i);
      const char *name = common ? tether_spice_tool_common_cap_name (b) : tether_spice_tool_channel_cap_name (type, b);

      if (name != NULL)
        tether_spice_json_string (w, name);
    }
  tether_spice_json_end_array (w);
}

static void
print_json (TetherSpiceSession *session, const char *name, const char *uuid, int mouse_mode, gboolean agent,
            GArray *infos)
{
  g_autoptr(TetherSpiceJsonWriter) w = tether_spice_json_writer_new (TRUE);
  g_autofree char *uri = tether_spice_session_get_uri (session);

  tether_spice_json_begin_object (w);
  tether_spice_json_key (w, "uri");
  tether_spice_json_string (w, uri);
  tether_spice_json_key (w, "name");
  tether_spice_json_string (w, name);
  tether_spice_json_key (w, "uuid");
  tether_spice_json_string (w, uuid);
  tether_spice_json_key (w, "mouse_mode");
  tether_spice_json_string (w, mouse_mode_name (mouse_mode));
  tether_spice_json_key (w, "agent_connected");
  tether_spice_json_bool (w, agent);
  /* The main channel's TLS, when it has it. */
  for (guint i = 0; i < infos->len; i++)
    {
      ChannelInfo *c = &g_array_index (infos, ChannelInfo, i);

      if (c->type == 1 && c->tls_protocol != NULL)
        json_tls (w, c);
    }
  tether_spice_json_key (w, "channels");
  tether_spice_json_begin_array (w);
  for (guint i = 0; i < infos->len; i++)
    {
      ChannelInfo *c = &g_array_index (infos, ChannelInfo, i);

      tether_spice_json_begin_object (w);
      tether_spice_json_key (w, "type");
      tether_spice_json_int (w, c->type);
      tether_spice_json_key (w, "type_name");
      tether_spice_json_string (w, tether_spice_channel_type_to_string (c->type));
      tether_spice_json_key (w, "id");
      tether_spice_json_int (w, c->id);
      tether_spice_json_key (w, "offered");
      tether_spice_json_bool (w, c->offered);
      tether_spice_json_key (w, "linked");
      tether_spice_json_bool (w, c->linked);
      if (c->linked)
        {
          json_caps (w, "common_caps", "common_cap_names", c->common_caps, c->type, TRUE);
          json_caps (w, "caps", "cap_names", c->caps, c->type, FALSE);
          if (c->tls_protocol != NULL)
            json_tls (w, c);
        }
      if (c->error != NULL)
        {
          tether_spice_json_key (w, "error");
          tether_spice_json_string (w, c->error);
        }
      tether_spice_json_end_object (w);
    }
  tether_spice_json_end_array (w);
  tether_spice_json_end_object (w);
  printf ("%s\n", tether_spice_json_writer_get (w));
}

static void
text_caps (GString *out, GArray *bits, int type, gboolean common)
{
  if (bits->len == 0)
    {
      g_string_append (out, " none");
      return;
    }
  for (guint i = 0; i < bits->len; i++)
    {
      guint b = g_array_index (bits, guint, i);
      const char *name = common ? tether_spice_tool_common_cap_name (b) : tether_spice_tool_channel_cap_name (type, b);

      if (name != NULL)
        g_string_append_printf (out, " %s", name);
      else
        g_string_append_printf (out, " %u", b);
    }
}

static void
print_text (const char *name, const char *uuid, int mouse_mode, gboolean agent, GArray *infos)
{
  g_autofree char *safe_name = tether_spice_tool_escape_text (name);
  const char *mode = mouse_mode_name (mouse_mode);

  printf ("Name:        %s\n", safe_name != NULL ? safe_name : "(not sent)");
  printf ("UUID:        %s\n", uuid != NULL ? uuid : "(not sent)");
  printf ("Mouse mode:  %s\n", mode != NULL ? mode : "(not known)");
  printf ("Agent:       %s\n", agent ? "connected" : "not connected");
  printf ("Channels:    %u\n", infos->len);
  for (guint i = 0; i < infos->len; i++)
    {
      ChannelInfo *c = &g_array_index (infos, ChannelInfo, i);
      g_autoptr(GString) line = g_string_new (NULL);
      g_autofree char *label = g_strdup_printf ("%s %d", tether_spice_channel_type_to_string (c->type), c->id);

      if (strcmp (tether_spice_channel_type_to_string (c->type), "unknown") == 0)
        {
          g_free (label);
          label = g_strdup_printf ("type %d id %d", c->type, c->id);
        }
      g_string_append_printf (line, "  %-12s", label);
      if (c->linked)
        {
          g_string_append (line, " common caps:");
          text_caps (line, c->common_caps, c->type, TRUE);
          g_string_append (line, "; caps:");
          text_caps (line, c->caps, c->type, FALSE);
          if (c->tls_protocol != NULL)
            g_string_append_printf (line, "; TLS: %s %s", c->tls_protocol, c->tls_cipher);
        }
      else if (c->error != NULL)
        {
          g_autofree char *safe = tether_spice_tool_escape_text (c->error);

          g_string_append_printf (line, " link failed: %s", safe);
        }
      else
        g_string_append (line, " (not linked)");
      printf ("%s\n", line->str);
    }
}

int
tether_tool_spice_info (int argc, char **argv)
{
  g_autoptr(TetherSpiceToolOptions) opts = tether_spice_tool_options_new ();
  gboolean json = FALSE, main_only = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "main-only", 0, 0, G_OPTION_ARG_NONE, &main_only,
      "Link no channel but the main one (the list is the server's either way)", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  g_autoptr(TetherSpiceSession) session = NULL;
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GArray) infos = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *name = NULL;
  TetherSpiceMainChannel *main_channel;
  GList *channels;
  gint64 deadline;
  int mouse_mode;
  gboolean agent;

  positional = tether_spice_tool_parse (opts, entries, "[URI]",
                                        "Connect to a SPICE server and print its name, UUID, channels (with the "
                                        "capabilities of those Tether links) and mouse mode.",
                                        argc, argv, &error);
  if (positional == NULL)
    return tether_spice_tool_report_error ("info", error);
  if (g_strv_length (positional) > 1)
    {
      g_printerr ("tether spice info: one URI at most (got '%s' after it)\n", positional[1]);
      return TETHER_EXIT_USAGE;
    }
  session = tether_spice_tool_options_make_session (opts, positional[0], &error);
  if (session == NULL)
    return tether_spice_tool_report_error ("info", error);

  deadline = g_get_monotonic_time () + (gint64) (tether_spice_tool_options_get_timeout (opts) * G_USEC_PER_SEC);
  main_channel = tether_spice_tool_connect (session, deadline, &error);
  if (main_channel == NULL)
    return tether_spice_tool_report_error ("info", error);

  infos = g_array_new (FALSE, TRUE, sizeof (ChannelInfo));
  g_array_set_clear_func (infos, channel_info_clear);
  /* Main first; then the server's list in its order. */
  add_info (infos, TETHER_SPICE_CHANNEL_TYPE_MAIN, 0);
  list = tether_spice_main_channel_dup_channel_list (main_channel);
  if (list != NULL)
    {
      GVariantIter iter;
      gint32 type, id;

      g_variant_iter_init (&iter, list);
      while (g_variant_iter_next (&iter, "(ii)", &type, &id))
        add_info (infos, type, id)->offered = TRUE;
    }
  /* Link the other channels the session made (those Tether implements). */
  channels = tether_spice_session_get_channels (session);
  for (GList *l = channels; l != NULL; l = l->next)
    {
      TetherSpiceChannel *ch = l->data;
      ChannelInfo *c = add_info (infos, tether_spice_channel_get_channel_type (ch),
                                 tether_spice_channel_get_channel_id (ch));
      g_autoptr(GError) link_error = NULL;

      if (TETHER_IS_SPICE_MAIN_CHANNEL (ch))
        c->linked = TRUE;
      else if (!main_only)
        {
          c->linked = tether_spice_tool_link_channel (ch, deadline, &link_error);
          if (!c->linked)
            c->error = g_strdup_printf ("%s: %s", tether_spice_tool_error_cause (link_error), link_error->message);
        }
    }
  /* Channels that were linked; the list is re-read, a failing channel may
   * have been destroyed meanwhile. */
  g_list_free (channels);
  channels = tether_spice_session_get_channels (session);
  for (guint i = 0; i < infos->len; i++)
    {
      ChannelInfo *c = &g_array_index (infos, ChannelInfo, i);
      TetherSpiceChannel *ch = find_channel (channels, c->type, c->id);

      if (c->linked && ch == NULL)
        c->linked = FALSE;
      if (c->linked)
        {
          c->common_caps = read_caps (ch, TRUE);
          c->caps = read_caps (ch, FALSE);
          if (tether_spice_channel_get_tls_protocol (ch) != NULL)
            {
              c->tls_protocol = g_strdup (tether_spice_channel_get_tls_protocol (ch));
              c->tls_cipher = g_strdup (tether_spice_channel_get_tls_cipher (ch));
            }
        }
    }
  g_list_free (channels);

  name = g_strdup (tether_spice_session_get_name (session));
  uuid = tether_spice_session_get_uuid_string (session);
  mouse_mode = tether_spice_main_channel_get_mouse_mode (main_channel);
  agent = tether_spice_main_channel_get_agent_connected (main_channel);
  if (json)
    print_json (session, name, uuid, mouse_mode, agent, infos);
  else
    print_text (name, uuid, mouse_mode, agent, infos);
  fflush (stdout);
  tether_spice_tool_disconnect (session);
  return TETHER_EXIT_OK;
}
