"""Unpaired image domains for CycleGAN: an embedded digits task that runs offline, and horse2zebra.

Embedded task: domain X holds plain digits, domain Y *other* digits after a known
transformation — thickened strokes (grey-level morphological dilation with a disk,
``"dilate"``), thinned strokes (``"erode"``) or inverted polarity (``"invert"``). The two
domains come from disjoint halves of the training digits, so no image of X has its
partner in Y: the pairing must be learned from the distributions alone, as with horses and
zebras. Because the true mapping is known, :func:`translation_error` can score a trained
model on the test digits (which an unpaired real task cannot).
"""
import numpy as np

from cv2course.checks import check_choice, check_images, check_positive
from cv2course.data.pipelines import finish_pipeline

TRANSFORMS = ("dilate", "erode", "invert")


def _disk(radius):
    from skimage.morphology import disk

    return disk(int(radius)).astype(bool)  # x² + y² ≤ r²: r = 1 is the 3×3 cross


def dilate(images, radius=1):
    """Grey-level dilation of each image of (N, H, W, C) in [0, 1]: the maximum over a disk of
    ``radius`` pixels (scipy.ndimage.grey_dilation), which thickens bright strokes."""
    arr = check_images(images, "images", channels=None)
    check_positive(radius, "radius", integer=True)
    from scipy.ndimage import grey_dilation

    return grey_dilation(arr, footprint=_disk(radius)[None, :, :, None]).astype(np.float32)


def erode(images, radius=1):
    """Grey-level erosion (minimum over a disk of ``radius`` pixels), which thins bright strokes."""
    arr = check_images(images, "images", channels=None)
    check_positive(radius, "radius", integer=True)
    from scipy.ndimage import grey_erosion

    return grey_erosion(arr, footprint=_disk(radius)[None, :, :, None]).astype(np.float32)


def invert(images):
    """1 − x: white strokes on black become black strokes on white."""
    return (1.0 - check_images(images, "images", channels=None)).astype(np.float32)


def transform(images, name="dilate", radius=2):
    """The domain-Y version of ``images`` under transformation ``name`` (one of ``TRANSFORMS``)."""
    check_choice(name, "transform", TRANSFORMS)
    if name == "invert":
        return invert(images)
    return (dilate if name == "dilate" else erode)(images, radius)


def digits_domains(transform_name="dilate", size=28, split="train", radius=2, seed=0):
    """(x_images, y_images): plain digits and transformed *other* digits, float32 (N, size, size, 1).

    ``split="train"`` uses the training digits, randomly halved with ``seed`` (X: first
    half, Y: transformed second half); ``split="test"`` does the same with the test digits.
    """
    from cv2course.data import digits

    images, _ = digits(size=size, split=split)
    order = np.random.default_rng(seed).permutation(len(images))
    half = len(images) // 2
    return images[order[:half]], transform(images[order[half:]], transform_name, radius)


def paired_test_set(transform_name="dilate", size=28, radius=2):
    """(x, y_true): the test digits and their true transformations, for :func:`translation_error`."""
    from cv2course.data import digits

    images, _ = digits(size=size, split="test")
    return images, transform(images, transform_name, radius)


def unpaired_dataset(x_images, y_images, batch_size=8, seed=0, repeat=False):
    """A ``tf.data.Dataset`` of unpaired ``(x, y)`` batches: each domain shuffled on its own
    (reshuffled every epoch) and zipped; an epoch ends with the smaller domain."""
    x_images = check_images(x_images, "x_images", channels=None)
    y_images = check_images(y_images, "y_images", channels=None)
    check_positive(batch_size, "batch_size", integer=True)
    if min(len(x_images), len(y_images)) < batch_size:
        raise ValueError(f"each domain needs at least batch_size={batch_size} images, got {len(x_images)} "
                         f"and {len(y_images)}")
    import tensorflow as tf

    def domain(images, offset):
        ds = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed + offset,
                                                               reshuffle_each_iteration=True)
        return ds.repeat() if repeat else ds

    ds = tf.data.Dataset.zip((domain(x_images, 0), domain(y_images, 1)))
    return finish_pipeline(ds.batch(batch_size, drop_remainder=True))


def digits_unpaired(transform_name="dilate", size=28, batch_size=8, radius=2, seed=0, repeat=False):
    """The embedded unpaired task as a dataset of ``(x, y)`` batches (see :func:`digits_domains`)."""
    x, y = digits_domains(transform_name, size, "train", radius, seed)
    return unpaired_dataset(x, y, batch_size, seed, repeat)


def translation_error(model, transform_name="dilate", size=28, radius=2):
    """Mean absolute error of a trained CycleGAN on the test digits, both directions, against the
    true mapping; and the same for doing nothing (the identity), as the bar to beat.

    Returns {"g_mae": mean |G(x) − T(x)|, "f_mae": mean |F(T(x)) − x|, "identity_mae": mean |x − T(x)|}.
    """
    x, y = paired_test_set(transform_name, size, radius)
    g = model.translate(x, "x_to_y")
    f = model.translate(y, "y_to_x")
    return {"g_mae": float(np.mean(np.abs(g - y))), "f_mae": float(np.mean(np.abs(f - x))),
            "identity_mae": float(np.mean(np.abs(x - y)))}


def horse2zebra(split="train", size=256, batch_size=1, seed=0, download=None, repeat=False):
    """TFDS ``cycle_gan/horse2zebra`` as unpaired ``(horse, zebra)`` batches in [0, 1], resized to ``size``.

    Only when prepared locally or downloadable (never in quick mode); otherwise
    ``FileNotFoundError`` with the command that prepares it (``cv2course.data.tfds_images``).
    """
    check_choice(split, "split", ("train", "test"))
    check_positive(batch_size, "batch_size", integer=True)
    import tensorflow as tf

    from cv2course.data import tfds_images

    name = "cycle_gan/horse2zebra"
    horses = tfds_images(name, split=f"{split}A", size=size, download=download)
    zebras = tfds_images(name, split=f"{split}B", size=size, download=download)

    def domain(ds, offset):
        ds = ds.shuffle(256, seed=seed + offset, reshuffle_each_iteration=True)
        return ds.repeat() if repeat else ds

    ds = tf.data.Dataset.zip((domain(horses, 0), domain(zebras, 1)))
    return finish_pipeline(ds.batch(batch_size, drop_remainder=True))
