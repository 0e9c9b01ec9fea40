/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-canvas-private.h"

/*
 * The image (pixmap) cache and the palette cache (docs/spice-protocol.md
 * §9.4).
 */

/* ---- image cache -------------------------------------------------------- */

typedef struct {
  guint64         id;
  pixman_image_t *image;
  guint64         pixels;
  guint           refs;
  gboolean        lossy;
  GList          *lru_link;     /* in cache->lru; data = this entry */
} ImageEntry;

struct _TetherSpiceImageCache {
  gint        ref_count;
  GHashTable *entries;          /* guint64* (entry->id) -> ImageEntry* */
  GQueue      lru;              /* head: least recently used */
  guint64     max_pixels;
  guint64     pixels;
};

static guint64
image_pixels (pixman_image_t *image)
{
  return (guint64) pixman_image_get_width (image) * (guint64) pixman_image_get_height (image);
}

static void
image_entry_free (gpointer data)
{
  ImageEntry *entry = data;

  pixman_image_unref (entry->image);
  g_free (entry);
}

TetherSpiceImageCache *
tether_spice_image_cache_new (guint64 max_pixels)
{
  TetherSpiceImageCache *cache = g_new0 (TetherSpiceImageCache, 1);

  cache->ref_count = 1;
  cache->entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, image_entry_free);
  g_queue_init (&cache->lru);
  cache->max_pixels = max_pixels;
  return cache;
}

TetherSpiceImageCache *
tether_spice_image_cache_ref (TetherSpiceImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, NULL);
  cache->ref_count++;
  return cache;
}

void
tether_spice_image_cache_clear (TetherSpiceImageCache *cache)
{
  g_return_if_fail (cache != NULL);
  g_queue_clear (&cache->lru);
  g_hash_table_remove_all (cache->entries);
  cache->pixels = 0;
}

void
tether_spice_image_cache_unref (TetherSpiceImageCache *cache)
{
  if (cache == NULL || --cache->ref_count > 0)
    return;
  tether_spice_image_cache_clear (cache);
  g_hash_table_unref (cache->entries);
  g_free (cache);
}

static void
entry_drop (TetherSpiceImageCache *cache, ImageEntry *entry)
{
  cache->pixels -= entry->pixels;
  g_queue_delete_link (&cache->lru, entry->lru_link);
  g_hash_table_remove (cache->entries, &entry->id);
}

/* Evicts the least recently used entries, except @keep, until the cache
 * fits its budget. */
static void
evict (TetherSpiceImageCache *cache, ImageEntry *keep)
{
  GList *link = cache->lru.head;

  while (cache->pixels > cache->max_pixels && link != NULL)
    {
      ImageEntry *entry = link->data;

      link = link->next;
      if (entry == keep)
        continue;
      g_debug ("image cache over its budget of %" G_GUINT64_FORMAT " pixels: evicting image %"
               G_GUINT64_FORMAT, cache->max_pixels, entry->id);
      entry_drop (cache, entry);
    }
}

void
tether_spice_image_cache_set_max_pixels (TetherSpiceImageCache *cache, guint64 max_pixels)
{
  g_return_if_fail (cache != NULL);
  cache->max_pixels = max_pixels;
  evict (cache, NULL);
}

guint64
tether_spice_image_cache_get_max_pixels (TetherSpiceImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return cache->max_pixels;
}

guint64
tether_spice_image_cache_get_pixels (TetherSpiceImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return cache->pixels;
}

guint
tether_spice_image_cache_get_n_entries (TetherSpiceImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return g_hash_table_size (cache->entries);
}

static void
touch (TetherSpiceImageCache *cache, ImageEntry *entry)
{
  g_queue_unlink (&cache->lru, entry->lru_link);
  g_queue_push_tail_link (&cache->lru, entry->lru_link);
}

void
tether_spice_image_cache_put (TetherSpiceImageCache *cache, guint64 id, pixman_image_t *image,
                              gboolean lossy)
{
  ImageEntry *entry;
  guint64 pixels;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (image != NULL);

  entry = g_hash_table_lookup (cache->entries, &id);
  if (entry != NULL)
    {
      entry->refs++;
      touch (cache, entry);
      return;
    }
  pixels = image_pixels (image);
  if (pixels > cache->max_pixels)
    {
      g_debug ("image %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " pixels) is larger than the "
               "whole image cache; not kept", id, pixels);
      return;
    }
  entry = g_new0 (ImageEntry, 1);
  entry->id = id;
  entry->image = pixman_image_ref (image);
  entry->pixels = pixels;
  entry->refs = 1;
  entry->lossy = lossy;
  entry->lru_link = g_list_alloc ();
  entry->lru_link->data = entry;
  g_queue_push_tail_link (&cache->lru, entry->lru_link);
  g_hash_table_insert (cache->entries, &entry->id, entry);
  cache->pixels += pixels;
  evict (cache, entry);
}

gboolean
tether_spice_image_cache_replace (TetherSpiceImageCache *cache, guint64 id, pixman_image_t *image)
{
  ImageEntry *entry;
  guint64 pixels;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (image != NULL, FALSE);

  entry = g_hash_table_lookup (cache->entries, &id);
  if (entry == NULL)
    return FALSE;
  pixels = image_pixels (image);
  pixman_image_ref (image);
  pixman_image_unref (entry->image);
  entry->image = image;
  cache->pixels = cache->pixels - entry->pixels + pixels;
  entry->pixels = pixels;
  entry->lossy = FALSE;
  touch (cache, entry);
  evict (cache, entry);
  return TRUE;
}

void
tether_spice_image_cache_remove (TetherSpiceImageCache *cache, guint64 id)
{
  ImageEntry *entry;

  g_return_if_fail (cache != NULL);
  entry = g_hash_table_lookup (cache->entries, &id);
  if (entry == NULL)
    return;
  if (--entry->refs == 0)
    entry_drop (cache, entry);
}

pixman_image_t *
tether_spice_image_cache_lookup (TetherSpiceImageCache *cache, guint64 id, gboolean lossless,
                                 gboolean *lossy)
{
  ImageEntry *entry;

  g_return_val_if_fail (cache != NULL, NULL);
  entry = g_hash_table_lookup (cache->entries, &id);
  if (lossy != NULL)
    *lossy = entry != NULL && entry->lossy;
  if (entry == NULL || (lossless && entry->lossy))
    return NULL;
  touch (cache, entry);
  return pixman_image_ref (entry->image);
}

guint
tether_spice_image_cache_get_refs (TetherSpiceImageCache *cache, guint64 id)
{
  ImageEntry *entry;

  g_return_val_if_fail (cache != NULL, 0);
  entry = g_hash_table_lookup (cache->entries, &id);
  return entry != NULL ? entry->refs : 0;
}

/* ---- palette cache ------------------------------------------------------ */

struct _TetherSpicePaletteCache {
  GHashTable *palettes;   /* guint64* (palette->unique) -> TetherSpicePalette* */
  GQueue      order;      /* of TetherSpicePalette*, oldest first */
};

TetherSpicePaletteCache *
tether_spice_palette_cache_new (void)
{
  TetherSpicePaletteCache *cache = g_new0 (TetherSpicePaletteCache, 1);

  cache->palettes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  g_queue_init (&cache->order);
  return cache;
}

void
tether_spice_palette_cache_clear (TetherSpicePaletteCache *cache)
{
  g_return_if_fail (cache != NULL);
  g_queue_clear (&cache->order);
  g_hash_table_remove_all (cache->palettes);
}

void
tether_spice_palette_cache_free (TetherSpicePaletteCache *cache)
{
  if (cache == NULL)
    return;
  tether_spice_palette_cache_clear (cache);
  g_hash_table_unref (cache->palettes);
  g_free (cache);
}

void
tether_spice_palette_cache_remove (TetherSpicePaletteCache *cache, guint64 id)
{
  TetherSpicePalette *palette;

  g_return_if_fail (cache != NULL);
  palette = g_hash_table_lookup (cache->palettes, &id);
  if (palette == NULL)
    return;
  g_queue_remove (&cache->order, palette);
  g_hash_table_remove (cache->palettes, &id);
}

void
tether_spice_palette_cache_put (TetherSpicePaletteCache *cache, const TetherSpicePalette *palette)
{
  TetherSpicePalette *copy;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (palette != NULL);
  tether_spice_palette_cache_remove (cache, palette->unique);
  while (g_queue_get_length (&cache->order) >= TETHER_SPICE_PALETTE_CACHE_MAX)
    {
      TetherSpicePalette *oldest = g_queue_pop_head (&cache->order);

      g_hash_table_remove (cache->palettes, &oldest->unique);
    }
  copy = g_memdup2 (palette, sizeof *palette);
  g_hash_table_insert (cache->palettes, &copy->unique, copy);
  g_queue_push_tail (&cache->order, copy);
}

const TetherSpicePalette *
tether_spice_palette_cache_lookup (TetherSpicePaletteCache *cache, guint64 id)
{
  g_return_val_if_fail (cache != NULL, NULL);
  return g_hash_table_lookup (cache->palettes, &id);
}

guint
tether_spice_palette_cache_get_n_entries (TetherSpicePaletteCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return g_hash_table_size (cache->palettes);
}
