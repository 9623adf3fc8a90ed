"""scikit-learn's bundled handwritten digits (1,797 real 8x8 images), resized on request.

The fixed split keeps 1,497 images for training and 300 (30 per class) for testing, so
every run, test and benchmark sees the same test set.
"""
import functools

import numpy as np

from cv2course.checks import check_choice, check_positive

N_TEST_PER_CLASS = 30


@functools.lru_cache(maxsize=1)
def _split_indices():
    from sklearn.datasets import load_digits

    labels = load_digits().target
    rng = np.random.default_rng(0)
    test = np.concatenate([rng.choice(np.flatnonzero(labels == k), N_TEST_PER_CLASS, replace=False)
                           for k in range(10)])
    test = np.sort(test)
    train = np.setdiff1d(np.arange(len(labels)), test)
    return train, test


@functools.lru_cache(maxsize=8)
def _resized(size):
    from skimage.transform import resize
    from sklearn.datasets import load_digits

    raw = load_digits().images.astype(np.float32) / 16.0  # the dataset's range is 0..16
    if size == 8:
        out = raw
    else:
        out = resize(raw.transpose(1, 2, 0), (size, size), order=1, mode="edge", anti_aliasing=False,
                     preserve_range=True).transpose(2, 0, 1)
    out = np.clip(out, 0.0, 1.0).astype(np.float32)[..., None]
    out.setflags(write=False)
    return out


def digits(size=28, split="train", as_dataset=False, scale="[0,1]", batch_size=64, shuffle_seed=0,
           channels=1):
    """Images (N, size, size, channels) float32 and integer labels (N,).

    ``split``: "train" (1,497), "test" (300) or "all" (1,797). ``scale``: "[0,1]" or "[-1,1]".
    ``channels=3`` repeats the gray channel (for RGB models). ``as_dataset=True`` returns a
    shuffled, batched ``tf.data.Dataset`` of (image, label) pairs instead of arrays
    (finished by :func:`cv2course.data.pipelines.finish_pipeline`).
    """
    check_positive(size, "size", integer=True)
    check_choice(split, "split", ("train", "test", "all"))
    check_choice(scale, "scale", ("[0,1]", "[-1,1]"))
    check_choice(channels, "channels", (1, 3))
    from sklearn.datasets import load_digits

    labels = load_digits().target.astype(np.int64)
    images = _resized(int(size))
    if split != "all":
        idx = _split_indices()[0 if split == "train" else 1]
        images, labels = images[idx], labels[idx]
    images = np.array(images)
    if channels == 3:
        images = np.repeat(images, 3, axis=-1)
    if scale == "[-1,1]":
        images = images * 2.0 - 1.0
    if not as_dataset:
        return images, labels
    import tensorflow as tf

    from cv2course.data.pipelines import finish_pipeline

    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    ds = ds.shuffle(len(labels), seed=shuffle_seed, reshuffle_each_iteration=True)
    return finish_pipeline(ds.batch(batch_size, drop_remainder=True))
