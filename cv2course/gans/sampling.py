"""The sampling lines of the GAN papers' algorithm boxes, as plain functions the train steps call:
k real minibatches from one batch, z ~ N(0, I), ε ~ U[0, 1] (WGAN-GP's interpolation weights);
plus the dataset that feeds k·m real images per generator step.

Noise comes from a model's ``keras.random.SeedGenerator`` (saved with the weights, so a resumed
fit draws what an uninterrupted one would) through stateless Philox draws (the same numbers
with and without XLA) whose seed folds in the replica id (replicas draw different noise).
"""
import numpy as np
import tensorflow as tf

from cv2course.checks import check_images, check_positive_int
from cv2course.data.pipelines import finish_pipeline
from cv2course.distribute import replica_seed

Z_STREAM, EPSILON_STREAM = 0, 1


def critic_batches(images, batch_size=64, steps=1, labels=None, seed=0, repeat=False):
    """A shuffled ``tf.data.Dataset`` of batches of ``steps × batch_size`` real images in [0, 1]
    (with their labels when given), remainder dropped: what a model with ``steps``
    discriminator (critic) steps per generator step takes in ``fit``."""
    batch_size = check_positive_int(batch_size, "batch_size")
    steps = check_positive_int(steps, "steps")
    images = check_images(images, "images", channels=None, rank=4, value_range=(0.0, 1.0))
    per_step = batch_size * steps
    if len(images) < per_step:
        raise ValueError(f"images holds {len(images)} examples, fewer than one batch of steps × batch_size = "
                         f"{steps} × {batch_size} = {per_step}")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape[:1] != images.shape[:1]:
            raise ValueError(f"labels must have one entry per image ({len(images)}), got shape {labels.shape}")
        ds = tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int32)))
    else:
        ds = tf.data.Dataset.from_tensor_slices(images)
    ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return finish_pipeline(ds.batch(per_step, drop_remainder=True))


def real_minibatches(batch, k):
    """Split a batch of k·m rows into k minibatches of m: minibatch i takes rows i, i+k, i+2k, …
    (strided, so the split is the same on one device and on several replicas).

    A trailing remainder (rows beyond the last multiple of k) is dropped.
    """
    if batch.shape[0] is not None and batch.shape[0] < k:
        raise ValueError(f"a training batch must hold at least {k} examples (one per discriminator step), "
                         f"got {batch.shape[0]}; batch the data with critic_batches()")
    n = tf.shape(batch)[0]
    m = n // k
    shaped = tf.reshape(batch[: m * k], tf.concat([[m, k], tf.shape(batch)[1:]], axis=0))
    return [shaped[:, i] for i in range(k)]


def sample_z(seed_generator, n, latent_dim):
    """z ~ N(0, I): ``n`` latent vectors (n, latent_dim), float32."""
    seed = replica_seed(seed_generator.next(), Z_STREAM)
    return tf.random.stateless_normal(tf.stack([n, latent_dim]), seed=seed, alg="philox")


def sample_interpolation_weights(seed_generator, n):
    """ε ~ U[0, 1], one per sample (n,): where x̂ = εx + (1 − ε)x̃ lies between a real and a fake."""
    seed = replica_seed(seed_generator.next(), EPSILON_STREAM)
    return tf.random.stateless_uniform(tf.reshape(n, (1,)), seed=seed, alg="philox")


def float32(x):
    """Scores and features as float32 (a network under a mixed policy computes in (b)float16)."""
    return tf.cast(x, tf.float32)
