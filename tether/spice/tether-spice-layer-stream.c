/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A security layer over a connected stream (tether-spice-layer-stream-private.h).
 *
 * The GIOStream, its input stream and its output stream share one Layer:
 * the base streams, the codec, the decoded bytes not read yet and the
 * encoded packet still owed to the base stream. Codec calls hold the
 * layer's lock, so a reader and a writer on two threads do not call the
 * codec at once (Cyrus SASL does not promise that to be safe).
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-spice-layer-stream-private.h"

typedef struct {
  GIOStream                   *base;
  GInputStream                *base_in;
  GOutputStream               *base_out;
  const TetherSpiceLayerCodec *klass;
  gpointer                     codec;
  gsize                        max_chunk;
  GMutex                       codec_lock;

  /* Read side. */
  guint8                      *raw;        /* TETHER_SPICE_LAYER_READ_CHUNK bytes */
  GByteArray                  *plain;      /* decoded, from plain_off on unread */
  gsize                        plain_off;
  gboolean                     eof;
  GError                      *read_error; /* sticky */

  /* Write side. */
  GByteArray                  *owed;       /* an encoded packet, from owed_off on unwritten */
  gsize                        owed_off;
  gsize                        owed_plain; /* the plain bytes it carries */
} Layer;

static void
layer_free (gpointer data)
{
  Layer *l = data;

  g_mutex_lock (&l->codec_lock);
  if (l->klass->free != NULL && l->codec != NULL)
    l->klass->free (l->codec);
  l->codec = NULL;
  g_mutex_unlock (&l->codec_lock);
  g_mutex_clear (&l->codec_lock);
  g_free (l->raw);
  /* Decoded and encoded bytes are session data: wipe them. */
  if (l->plain->len > 0)
    explicit_bzero (l->plain->data, l->plain->len);
  g_byte_array_unref (l->plain);
  if (l->owed->len > 0)
    explicit_bzero (l->owed->data, l->owed->len);
  g_byte_array_unref (l->owed);
  g_clear_error (&l->read_error);
  g_object_unref (l->base);
}

static Layer *
layer_ref (Layer *l)
{
  return g_atomic_rc_box_acquire (l);
}

static void
layer_unref (Layer *l)
{
  g_atomic_rc_box_release_full (l, layer_free);
}

/* ---- reading ------------------------------------------------------------- */

static gssize
layer_read (Layer        *l,
            void         *buffer,
            gsize         count,
            gboolean      blocking,
            GCancellable *cancellable,
            GError      **error)
{
  for (;;)
    {
      const guint8 *out = NULL;
      gsize out_len = 0;
      GError *local = NULL;
      gssize got;
      gboolean ok;

      if (l->plain_off < l->plain->len)
        {
          gsize n = MIN (count, l->plain->len - l->plain_off);

          memcpy (buffer, l->plain->data + l->plain_off, n);
          explicit_bzero (l->plain->data + l->plain_off, n);
          l->plain_off += n;
          if (l->plain_off == l->plain->len)
            {
              g_byte_array_set_size (l->plain, 0);
              l->plain_off = 0;
            }
          return (gssize) n;
        }
      if (l->read_error != NULL)
        {
          g_propagate_error (error, g_error_copy (l->read_error));
          return -1;
        }
      if (l->eof || count == 0)
        return 0;

      if (blocking)
        got = g_input_stream_read (l->base_in, l->raw, TETHER_SPICE_LAYER_READ_CHUNK, cancellable, error);
      else
        got = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (l->base_in), l->raw,
                                                        TETHER_SPICE_LAYER_READ_CHUNK, cancellable, error);
      if (got < 0)
        return -1;
      if (got == 0)
        {
          l->eof = TRUE;
          return 0;
        }

      g_mutex_lock (&l->codec_lock);
      ok = l->codec != NULL && l->klass->decode (l->codec, l->raw, (gsize) got, &out, &out_len, &local);
      g_mutex_unlock (&l->codec_lock);
      explicit_bzero (l->raw, (gsize) got);
      if (!ok)
        {
          l->read_error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       "The security layer rejected the server's data: %s",
                                       local != NULL ? local->message : "the stream is closed");
          g_clear_error (&local);
          continue;
        }
      if (out_len > TETHER_SPICE_LAYER_MAX_PENDING)
        {
          l->read_error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       "The security layer decoded %" G_GSIZE_FORMAT " bytes from one read, "
                                       "more than the %u allowed", out_len, TETHER_SPICE_LAYER_MAX_PENDING);
          continue;
        }
      if (out_len > 0)
        g_byte_array_append (l->plain, out, (guint) out_len);
    }
}

typedef struct {
  GInputStream parent;
  Layer       *layer;
} LayerInput;

typedef struct {
  GInputStreamClass parent_class;
} LayerInputClass;

static GType layer_input_get_type (void);
static void  layer_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE (LayerInput, layer_input, G_TYPE_INPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM, layer_input_pollable_init))

static gssize
layer_input_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  return layer_read (((LayerInput *) stream)->layer, buffer, count, TRUE, cancellable, error);
}

static gssize
layer_input_read_nonblocking (GPollableInputStream *stream, void *buffer, gsize count, GError **error)
{
  return layer_read (((LayerInput *) stream)->layer, buffer, count, FALSE, NULL, error);
}

static gboolean
layer_input_can_poll (GPollableInputStream *stream)
{
  Layer *l = ((LayerInput *) stream)->layer;

  return G_IS_POLLABLE_INPUT_STREAM (l->base_in)
         && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (l->base_in));
}

static gboolean
ready_without_base (Layer *l)
{
  return l->plain_off < l->plain->len || l->read_error != NULL || l->eof;
}

static gboolean
layer_input_is_readable (GPollableInputStream *stream)
{
  Layer *l = ((LayerInput *) stream)->layer;

  return ready_without_base (l) || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (l->base_in));
}

static GSource *
layer_input_create_source (GPollableInputStream *stream, GCancellable *cancellable)
{
  Layer *l = ((LayerInput *) stream)->layer;
  GSource *child, *source;

  /* Bytes already decoded: ready at once. */
  if (ready_without_base (l))
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (l->base_in), NULL);
  source = g_pollable_source_new_full (stream, child, cancellable);
  g_source_unref (child);
  return source;
}

static void
layer_input_finalize (GObject *object)
{
  layer_unref (((LayerInput *) object)->layer);
  G_OBJECT_CLASS (layer_input_parent_class)->finalize (object);
}

static void
layer_input_init (LayerInput *self)
{
}

static void
layer_input_class_init (LayerInputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = layer_input_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = layer_input_read;
}

static void
layer_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = layer_input_can_poll;
  iface->is_readable = layer_input_is_readable;
  iface->create_source = layer_input_create_source;
  iface->read_nonblocking = layer_input_read_nonblocking;
}

/* ---- writing ------------------------------------------------------------- */

static gssize
layer_write (Layer        *l,
             const void   *buffer,
             gsize         count,
             gboolean      blocking,
             GCancellable *cancellable,
             GError      **error)
{
  gsize carried;

  if (count == 0)
    return 0;
  if (l->owed->len == 0)
    {
      const guint8 *out = NULL;
      gsize out_len = 0, n = MIN (count, l->max_chunk);
      GError *local = NULL;
      gboolean ok;

      g_mutex_lock (&l->codec_lock);
      ok = l->codec != NULL && l->klass->encode (l->codec, buffer, n, &out, &out_len, &local);
      if (ok && out_len > 0)
        g_byte_array_append (l->owed, out, (guint) out_len);
      g_mutex_unlock (&l->codec_lock);
      if (!ok)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The security layer could not encode data: %s",
                       local != NULL ? local->message : "the stream is closed");
          g_clear_error (&local);
          return -1;
        }
      l->owed_off = 0;
      l->owed_plain = n;
    }
  else if (count < l->owed_plain)
    {
      /* Not the retry of the write that would block. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The security layer's pending write was retried with other data");
      return -1;
    }

  while (l->owed_off < l->owed->len)
    {
      const guint8 *p = l->owed->data + l->owed_off;
      gsize left = l->owed->len - l->owed_off;
      gssize put;

      if (blocking)
        put = g_output_stream_write (l->base_out, p, left, cancellable, error);
      else
        put = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (l->base_out), p, left,
                                                          cancellable, error);
      if (put < 0)
        return -1;
      l->owed_off += (gsize) put;
    }
  carried = l->owed_plain;
  explicit_bzero (l->owed->data, l->owed->len);
  g_byte_array_set_size (l->owed, 0);
  l->owed_off = 0;
  l->owed_plain = 0;
  return (gssize) carried;
}

typedef struct {
  GOutputStream parent;
  Layer        *layer;
} LayerOutput;

typedef struct {
  GOutputStreamClass parent_class;
} LayerOutputClass;

static GType layer_output_get_type (void);
static void  layer_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE (LayerOutput, layer_output, G_TYPE_OUTPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM, layer_output_pollable_init))

static gssize
layer_output_write (GOutputStream *stream, const void *buffer, gsize count, GCancellable *cancellable,
                    GError **error)
{
  return layer_write (((LayerOutput *) stream)->layer, buffer, count, TRUE, cancellable, error);
}

static gssize
layer_output_write_nonblocking (GPollableOutputStream *stream, const void *buffer, gsize count,
                                GError **error)
{
  return layer_write (((LayerOutput *) stream)->layer, buffer, count, FALSE, NULL, error);
}

static gboolean
layer_output_can_poll (GPollableOutputStream *stream)
{
  Layer *l = ((LayerOutput *) stream)->layer;

  return G_IS_POLLABLE_OUTPUT_STREAM (l->base_out)
         && g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (l->base_out));
}

static gboolean
layer_output_is_writable (GPollableOutputStream *stream)
{
  Layer *l = ((LayerOutput *) stream)->layer;

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (l->base_out));
}

static GSource *
layer_output_create_source (GPollableOutputStream *stream, GCancellable *cancellable)
{
  Layer *l = ((LayerOutput *) stream)->layer;
  GSource *child = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (l->base_out), NULL);
  GSource *source = g_pollable_source_new_full (stream, child, cancellable);

  g_source_unref (child);
  return source;
}

static gboolean
layer_output_flush (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  Layer *l = ((LayerOutput *) stream)->layer;

  /* A packet still owed goes out first (its bytes were accepted only once
   * it is written, so this happens only after a blocked write was dropped). */
  while (l->owed_off < l->owed->len)
    {
      gssize put = g_output_stream_write (l->base_out, l->owed->data + l->owed_off, l->owed->len - l->owed_off,
                                          cancellable, error);

      if (put < 0)
        return FALSE;
      l->owed_off += (gsize) put;
    }
  return g_output_stream_flush (l->base_out, cancellable, error);
}

static void
layer_output_finalize (GObject *object)
{
  layer_unref (((LayerOutput *) object)->layer);
  G_OBJECT_CLASS (layer_output_parent_class)->finalize (object);
}

static void
layer_output_init (LayerOutput *self)
{
}

static void
layer_output_class_init (LayerOutputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = layer_output_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = layer_output_write;
  G_OUTPUT_STREAM_CLASS (klass)->flush = layer_output_flush;
}

static void
layer_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = layer_output_can_poll;
  iface->is_writable = layer_output_is_writable;
  iface->create_source = layer_output_create_source;
  iface->write_nonblocking = layer_output_write_nonblocking;
}

/* ---- the stream ---------------------------------------------------------- */

struct _TetherSpiceLayerStream {
  GIOStream      parent;
  Layer         *layer;
  GInputStream  *in;
  GOutputStream *out;
};

G_DEFINE_FINAL_TYPE (TetherSpiceLayerStream, tether_spice_layer_stream, G_TYPE_IO_STREAM)

enum {
  PROP_0,
  PROP_BASE_IO_STREAM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GInputStream *
get_input_stream (GIOStream *stream)
{
  return TETHER_SPICE_LAYER_STREAM (stream)->in;
}

static GOutputStream *
get_output_stream (GIOStream *stream)
{
  return TETHER_SPICE_LAYER_STREAM (stream)->out;
}

static gboolean
close_fn (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  return g_io_stream_close (TETHER_SPICE_LAYER_STREAM (stream)->layer->base, cancellable, error);
}

static void
base_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

/* The base stream's own asynchronous close, on the caller's context (GIO's
 * default would run close_fn in a worker thread). */
static void
close_async (GIOStream *stream, int io_priority, GCancellable *cancellable, GAsyncReadyCallback callback,
             gpointer user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, close_async);
  g_io_stream_close_async (TETHER_SPICE_LAYER_STREAM (stream)->layer->base, io_priority, cancellable,
                           base_closed, task);
}

static gboolean
close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tether_spice_layer_stream_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceLayerStream *self = TETHER_SPICE_LAYER_STREAM (object);

  switch (prop_id)
    {
    case PROP_BASE_IO_STREAM:
      g_value_set_object (value, self->layer != NULL ? self->layer->base : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_layer_stream_finalize (GObject *object)
{
  TetherSpiceLayerStream *self = TETHER_SPICE_LAYER_STREAM (object);

  g_clear_object (&self->in);
  g_clear_object (&self->out);
  g_clear_pointer (&self->layer, layer_unref);
  G_OBJECT_CLASS (tether_spice_layer_stream_parent_class)->finalize (object);
}

static void
tether_spice_layer_stream_init (TetherSpiceLayerStream *self)
{
}

static void
tether_spice_layer_stream_class_init (TetherSpiceLayerStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->get_property = tether_spice_layer_stream_get_property;
  object_class->finalize = tether_spice_layer_stream_finalize;
  stream_class->get_input_stream = get_input_stream;
  stream_class->get_output_stream = get_output_stream;
  stream_class->close_fn = close_fn;
  stream_class->close_async = close_async;
  stream_class->close_finish = close_finish;

  properties[PROP_BASE_IO_STREAM] =
    g_param_spec_object ("base-io-stream", NULL, NULL, G_TYPE_IO_STREAM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

GIOStream *
tether_spice_layer_stream_new (GIOStream                   *base,
                               const TetherSpiceLayerCodec *klass,
                               gpointer                     codec,
                               gsize                        max_chunk)
{
  TetherSpiceLayerStream *self;
  Layer *l;
  LayerInput *in;
  LayerOutput *out;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);
  g_return_val_if_fail (klass != NULL && klass->encode != NULL && klass->decode != NULL, NULL);
  g_return_val_if_fail (max_chunk > 0, NULL);

  l = g_atomic_rc_box_new0 (Layer);
  l->base = g_object_ref (base);
  l->base_in = g_io_stream_get_input_stream (base);
  l->base_out = g_io_stream_get_output_stream (base);
  l->klass = klass;
  l->codec = codec;
  l->max_chunk = MIN (max_chunk, (gsize) G_MAXUINT / 2);
  g_mutex_init (&l->codec_lock);
  l->raw = g_malloc (TETHER_SPICE_LAYER_READ_CHUNK);
  l->plain = g_byte_array_new ();
  l->owed = g_byte_array_new ();

  self = g_object_new (TETHER_SPICE_TYPE_LAYER_STREAM, NULL);
  self->layer = l;
  in = g_object_new (layer_input_get_type (), NULL);
  in->layer = layer_ref (l);
  self->in = G_INPUT_STREAM (in);
  out = g_object_new (layer_output_get_type (), NULL);
  out->layer = layer_ref (l);
  self->out = G_OUTPUT_STREAM (out);
  return G_IO_STREAM (self);
}

GIOStream *
tether_spice_layer_stream_get_base (TetherSpiceLayerStream *self)
{
  g_return_val_if_fail (TETHER_SPICE_IS_LAYER_STREAM (self), NULL);
  return self->layer->base;
}
