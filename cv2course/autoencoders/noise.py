"""Input corruptions for the denoising autoencoder: Gaussian noise and salt-and-pepper.

Each takes images in [0, 1] and returns corrupted images in [0, 1]. ``seed`` is anything
``keras.random`` accepts (an int, or a ``keras.random.SeedGenerator`` inside a model), or a
stateless seed tensor of shape (2,) (``distribute.replica_seed``: each replica its own draw).
"""
from keras import ops, random

from cv2course.checks import check_choice, check_positive

NOISE_KINDS = ("gaussian", "salt_and_pepper")


def _draw(kind, shape, dtype, seed):
    """``random.normal``/``random.uniform``, or their stateless TF twins for a seed tensor (same numbers)."""
    if hasattr(seed, "shape") and not isinstance(seed, int):
        import tensorflow as tf

        stateless = tf.random.stateless_normal if kind == "normal" else tf.random.stateless_uniform
        return stateless(shape, seed=tf.cast(seed, tf.int32), dtype=dtype)
    return (random.normal if kind == "normal" else random.uniform)(shape, dtype=dtype, seed=seed)


def gaussian_noise(x, std=0.3, seed=None):
    """x̃ = clip(x + σ·ε, 0, 1) with ε ~ N(0, 1) per pixel; ``std`` is σ."""
    check_positive(std, "std", allow_zero=True)
    x = ops.convert_to_tensor(x)
    return ops.clip(x + std * _draw("normal", ops.shape(x), x.dtype, seed), 0.0, 1.0)


def salt_and_pepper(x, fraction=0.2, seed=None):
    """Set a random ``fraction`` of the pixels to 0 (pepper) or 1 (salt), each with probability ½.

    A pixel is one spatial position: all its channels get the same value.
    """
    check_positive(fraction, "fraction", allow_zero=True)
    if fraction > 1:
        raise ValueError(f"fraction (of corrupted pixels) must lie in [0, 1], got {fraction!r}")
    x = ops.convert_to_tensor(x)
    shape = ops.shape(x)
    pixel_shape = tuple(shape[:-1]) + (1,) if len(x.shape) >= 3 else shape
    u = _draw("uniform", pixel_shape, x.dtype, seed)
    hit = ops.cast(u < fraction, x.dtype)
    salt = ops.cast(u < fraction / 2.0, x.dtype)  # half of the hits (u uniform on [0, fraction))
    return x * (1.0 - hit) + salt


def corrupt(x, kind="gaussian", strength=0.3, seed=None):
    """Corrupt ``x`` by name: ``"gaussian"`` (strength = σ) or ``"salt_and_pepper"`` (strength = fraction)."""
    check_choice(kind, "noise", NOISE_KINDS)
    if kind == "gaussian":
        return gaussian_noise(x, strength, seed=seed)
    return salt_and_pepper(x, strength, seed=seed)
