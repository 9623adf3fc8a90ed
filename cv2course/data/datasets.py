"""The lecture notebooks' dataset switch: one name (or a folder) -> NumPy images and labels.

``"digits"`` (scikit-learn's embedded 8x8 digits, resized) works offline and is every
notebook's default; ``"mnist"``, ``"fashion_mnist"``, ``"cifar10"`` and ``"celeb_a"``
come from TensorFlow Datasets (see :func:`cv2course.data.tfds_images`: prepared locally or
downloadable, never in quick mode); any other string is a folder of images. Notebooks
read the choice from ``CV2COURSE_DATASET`` (see :func:`dataset_choice`).
"""
import os
from pathlib import Path

import numpy as np

from cv2course import settings

DATASET_ENV = "CV2COURSE_DATASET"
# name: (default side in pixels, channels, TFDS name of the held-out split)
DATASETS = {"digits": (28, 1, "test"), "mnist": (28, 1, "test"), "fashion_mnist": (28, 1, "test"),
            "cifar10": (32, 3, "test"), "celeb_a": (64, 3, "test")}


def dataset_choice(default="digits"):
    """The notebook's ``DATASET``: ``$CV2COURSE_DATASET`` when set, else ``default``."""
    return os.environ.get(DATASET_ENV, "").strip() or default


def dataset_shape(name):
    """(side, channels) :func:`load_dataset` gives ``name`` by default (a folder: 64 px RGB)."""
    side, channels, _ = DATASETS.get(name, (64, 3, None))
    return side, channels


def load_dataset(name="digits", split="train", size=None, channels=None, n=None, download=None):
    """(images (N, size, size, channels) float32 in [0, 1], labels (N,) int or None) of ``name``.

    ``name``: a key of ``DATASETS`` or a folder of images (no labels). ``split``: "train"
    or "test" (a folder has only "train"). ``size``/``channels`` default to the dataset's
    own (see :func:`dataset_shape`); images are cut to their central square before resizing.
    ``n`` keeps at most that many examples. celeb_a's label is its "Smiling" attribute (0/1).
    ``download`` goes to :func:`tfds_images`.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if not isinstance(name, (str, Path)):
        raise TypeError(f"name must be a dataset name {sorted(DATASETS)} or a folder path, got {type(name).__name__}")
    side, default_channels = dataset_shape(str(name))
    size = int(size or side)
    channels = int(channels or default_channels)
    if n is not None:
        n = int(n)
    if name == "digits":
        from cv2course.data.digits import digits

        x, y = digits(size, split, channels=channels)
        return (x[:n], y[:n]) if n is not None else (x, y)
    if name in DATASETS:
        from cv2course.data.tfds import tfds_images

        tfds_split = DATASETS[name][2] if split == "test" else "train"
        attribute = "Smiling" if name == "celeb_a" else None
        ds = tfds_images(name, split=tfds_split, size=size, channels=channels, download=download, batch_size=256,
                         with_labels=attribute is None, attribute=attribute, crop_square=True,
                         limit="auto" if n is None else n)
        xs, ys = [], []
        for images, labels in ds.as_numpy_iterator():
            xs.append(images)
            ys.append(labels)
        if not xs:
            raise ValueError(f"dataset {name!r} split {split!r} is empty")
        return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)
    folder = Path(name)
    if not folder.is_dir():
        raise FileNotFoundError(f"DATASET {str(name)!r} is neither one of {sorted(DATASETS)} nor a folder of images")
    if split != "train":
        raise ValueError(f"a folder of images has no {split!r} split; use split='train' and hold some out")
    from cv2course.data.folders import image_folder

    x = image_folder(folder, size=size)
    if channels == 1:
        x = x.mean(axis=-1, keepdims=True)
    from cv2course.data.tfds import QUICK_LIMIT

    n = settings.pick(None, QUICK_LIMIT) if n is None else n
    return np.asarray(x if n is None else x[:n], np.float32), None


def load_train_test(name="digits", size=None, channels=None, test_fraction=0.2, download=None):
    """((x_train, y_train), (x_test, y_test)) of ``name`` (see :func:`load_dataset`).

    A folder has no test split: its last ``test_fraction`` of images (sorted by path) is
    held out, and its labels are None.
    """
    if name in DATASETS:
        return (load_dataset(name, "train", size, channels, download=download),
                load_dataset(name, "test", size, channels, download=download))
    x, _ = load_dataset(name, "train", size, channels)
    if len(x) < 2:
        raise ValueError(f"folder {str(name)!r} has {len(x)} image(s); a train/test split needs at least 2")
    n_test = min(len(x) - 1, max(1, int(round(test_fraction * len(x)))))
    return (x[:-n_test], None), (x[-n_test:], None)
