/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tss.h: internals of tether-test-spice-server, a SPICE server on
 * libspice-server that serves a deterministic synthetic picture. */
#pragma once

#include <glib.h>
#include <spice.h>

G_BEGIN_DECLS

/* Largest picture the server accepts (the pattern model and the surface are
 * each width * height * 4 bytes). */
#define TSS_MAX_DIMENSION 4096u
#define TSS_MIN_DIMENSION 16u

/* --- lines on stdout ---------------------------------------------------------- */

/* Prints one line on stdout and flushes it; safe from any thread. */
void tss_emit (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* --- core interface (tss-core.c) ---------------------------------------------- */

/* spice-server's timers and fd watches on the default GMainContext. Every
 * entry point is safe from any thread (spice-server calls some of them from
 * its worker thread). The returned table is static. */
SpiceCoreInterface *tss_core_interface (void);
/* How many core-interface calls came from threads other than the one that
 * called tss_core_interface (the main thread). */
guint tss_core_foreign_calls (void);
/* Timers and watches currently alive (for the exit summary). */
guint tss_core_live_timers (void);
guint tss_core_live_watches (void);
void tss_core_set_print_channels (gboolean print);
/* Called (from any thread) each time a display channel finishes its link. */
void tss_core_set_display_hook (void (*hook) (void));

/* --- synthetic pictures (tss-pattern.c) --------------------------------------- */

typedef enum {
  TSS_PATTERN_STATIC,
  TSS_PATTERN_MOVING_BARS,
  TSS_PATTERN_NOISE,
  TSS_PATTERN_TEXT,
  TSS_PATTERN_GRADIENT,
} TssPatternKind;

typedef struct {
  guint x;
  guint y;
  guint width;
  guint height;
} TssRect;

typedef struct _TssPattern TssPattern;

gboolean tss_pattern_kind_from_string (const char *name, TssPatternKind *kind);
const char *tss_pattern_kind_to_string (TssPatternKind kind);
guint32 tss_hash3 (guint32 a, guint32 b, guint32 c);

/* A model framebuffer of width * height xRGB pixels (0x00RRGGBB, stride
 * width * 4), drawn with frame 0 on creation. */
TssPattern *tss_pattern_new (TssPatternKind kind, guint32 seed, guint width, guint height);
void tss_pattern_free (TssPattern *pattern);
const guint32 *tss_pattern_get_pixels (const TssPattern *pattern);
guint64 tss_pattern_get_frame (const TssPattern *pattern);
/* Draws the next frame into the model. Returns FALSE when the pattern never
 * changes (static); else sets *dirty to the changed rectangle. */
gboolean tss_pattern_next_frame (TssPattern *pattern, TssRect *dirty);

/* --- inputs (tss-input.c) ----------------------------------------------------- */

/* Registers a keyboard, a mouse and a tablet with the server; events are
 * counted and, if @print, written to stdout as lines. Call once, after
 * spice_server_init. Returns FALSE if the server refused an interface. */
gboolean tss_input_attach (SpiceServer *server, gboolean print);
guint64 tss_input_key_count (void);
guint64 tss_input_mouse_count (void);

G_END_DECLS
