"""Losses and random draws that are correct under ``tf.distribute`` (MirroredStrategy,
MultiWorker, TPU).

Under a distribution strategy each replica sees ``global_batch / R`` examples and the
optimizer *sums* the replicas' gradients. A per-replica mean loss must therefore be
divided by R before differentiation, so that the summed gradient equals the gradient of
the mean over the global batch. Trackers record the unscaled per-replica mean; Keras'
``Mean`` metric then averages the replicas. Noise drawn in a training step must differ
between replicas (:func:`replica_seed`), or every replica would draw the same z.
"""


def num_replicas():
    """Replicas in sync of the current strategy (1 outside any strategy)."""
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


def scale_for_replicas(loss):
    """``loss / R``: differentiate this, not the per-replica mean, in a custom ``train_step``."""
    r = num_replicas()
    return loss if r == 1 else loss / r


def global_mean(per_example):
    """Mean of per-example values over the *global* batch, scaled for gradient summation.

    Equivalent to ``scale_for_replicas(mean(per_example))`` when replicas get equal shares.
    """
    import keras

    return scale_for_replicas(keras.ops.mean(per_example))


def global_batch_mean(values):
    """The mean over the *global* batch (all replicas) along axis 0, shape (1, ...); gradients
    flow through the all-reduce, so a batch statistic (feature matching, a sparsity target)
    is the same on one device and on several."""
    import tensorflow as tf

    total = tf.reduce_sum(values, axis=0, keepdims=True)
    count = tf.cast(tf.shape(values)[0], values.dtype)
    ctx = tf.distribute.get_replica_context()
    if ctx is not None and ctx.num_replicas_in_sync > 1:
        total = ctx.all_reduce(tf.distribute.ReduceOp.SUM, total)
        count = ctx.all_reduce(tf.distribute.ReduceOp.SUM, count)
    return total / count


def replica_id():
    """This replica's index in its sync group (0 outside a strategy)."""
    import tensorflow as tf

    ctx = tf.distribute.get_replica_context()
    return ctx.replica_id_in_sync_group if ctx is not None else 0


def replica_seed(seed, stream=0):
    """A stateless-RNG seed (int32, shape (2,)) for this replica and ``stream``:
    ``seed + (0, stream + 1000003·r)``, so replicas (and streams such as z and ε) draw
    different numbers from one seed generator. On one device, stream 0 is ``seed`` itself."""
    import tensorflow as tf

    seed = tf.convert_to_tensor(seed)
    offset = tf.cast(stream, seed.dtype) + tf.cast(1000003, seed.dtype) * tf.cast(replica_id(), seed.dtype)
    return tf.cast(seed + tf.stack([tf.zeros_like(offset), offset]), tf.int32)


def patch_keras_multi_worker_logs():
    """Let Keras 3's ``fit`` run under ``MultiWorkerMirroredStrategy``: call once per worker,
    before ``fit``.

    Keras (3.15) averages each step's scalar logs over replicas with
    ``strategy.reduce("MEAN", v, axis=0)``, which fails on scalars there ("Invalid reduction
    dimension 0 for input with 0 dimensions", tensorflow/tensorflow#72388). This replaces that
    one reduction, for that strategy only, by the mean over replicas (``axis=None``). It patches
    a private Keras function: remove it once Keras fixes the reduction.
    """
    import tensorflow as tf
    from keras.src.backend.tensorflow import trainer

    keras_reduce = trainer.reduce_per_replica
    if getattr(keras_reduce, "cv2course_patched", False):
        return

    def reduce_per_replica(values, strategy, reduction):
        if reduction == "auto" and isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
            return tf.nest.map_structure(lambda v: strategy.reduce("MEAN", v, axis=None), values)
        return keras_reduce(values, strategy, reduction)

    reduce_per_replica.cv2course_patched = True
    trainer.reduce_per_replica = reduce_per_replica
