"""Losses that are correct under ``tf.distribute`` (MirroredStrategy, MultiWorker, TPU).

Under a distribution strategy each replica sees ``global_batch / R`` examples and the
optimizer *sums* the replicas' gradients. A per-replica mean loss must therefore be
divided by R before differentiation, so that the summed gradient equals the gradient of
the mean over the global batch. Trackers record the unscaled per-replica mean; Keras'
``Mean`` metric then averages the replicas.
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
