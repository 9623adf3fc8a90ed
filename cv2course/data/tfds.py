"""TensorFlow Datasets images: used when prepared locally or downloadable, never in quick mode.

Offline, a missing dataset raises within seconds an error naming the dataset and the
command that prepares it, instead of hanging on a download.
"""
import functools
import os
import socket
import threading

import numpy as np

from cv2course import settings
from cv2course.data.pipelines import finish_pipeline

KNOWN = ("mnist", "fashion_mnist", "cifar10", "celeb_a", "div2k", "cycle_gan")
_PROBE_HOST = ("storage.googleapis.com", 443)


@functools.lru_cache(maxsize=1)
def network_available(timeout=3.0):
    """Whether the TFDS/Keras download host answers within ``timeout`` seconds (checked once)."""
    if os.environ.get("CV2COURSE_OFFLINE", "").lower() in {"1", "true", "yes"}:
        return False
    result = []

    def probe():
        try:
            socket.create_connection(_PROBE_HOST, timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout + 1.0)  # name resolution can ignore the socket timeout
    return bool(result and result[0])


def downloads_allowed():
    """No downloads in quick mode or with CV2COURSE_OFFLINE=1; otherwise when the network answers."""
    return not settings.QUICK and network_available()


def tfds_data_dir():
    return os.environ.get("TFDS_DATA_DIR") or str(settings.data_dir() / "tensorflow_datasets")


QUICK_LIMIT = 256  # examples a TFDS loader yields in quick mode


def _check_name(name):
    if not isinstance(name, str) or name.split("/")[0].split(":")[0] not in KNOWN:
        raise ValueError(f"unknown dataset {name!r}; cv2course knows the TFDS datasets {list(KNOWN)} "
                         "(e.g. 'cycle_gan/horse2zebra'); for your own images use cv2course.data.image_folder")


def tfds_builder(name, data_dir=None, download=None):
    """The prepared TFDS builder of ``name``, downloading it first only when ``download`` allows.

    ``download``: None downloads only when allowed (not quick mode, network reachable);
    False only reads an already prepared ``data_dir``; True downloads when missing. A
    dataset that is missing and may not be downloaded is a FileNotFoundError naming the
    command that prepares it.
    """
    _check_name(name)
    import tensorflow_datasets as tfds

    data_dir = str(data_dir or tfds_data_dir())
    builder = tfds.builder(name, data_dir=data_dir)
    prepared = os.path.isdir(builder.data_dir) and any(
        f.endswith("dataset_info.json") for f in os.listdir(builder.data_dir))
    if not prepared:
        if download is None:
            download = downloads_allowed()
        if not download:
            raise FileNotFoundError(
                f"TFDS dataset {name!r} is not prepared in {data_dir!r} and cannot be downloaded now "
                f"(quick mode, CV2COURSE_OFFLINE or no network). Prepare it on a machine with network: "
                f"python -c \"import tensorflow_datasets as tfds; tfds.builder('{name}', "
                f"data_dir='{data_dir}').download_and_prepare()\" and copy that folder here, "
                f"or set TFDS_DATA_DIR to where it is")
        builder.download_and_prepare()
    return builder


def _label_fn(builder, name, with_labels, attribute):
    """example -> label for ``with_labels``/``attribute``, or None when no label is asked for."""
    import tensorflow as tf

    features = builder.info.features
    if attribute is not None:
        attributes = features["attributes"] if "attributes" in features else None
        if attributes is None:
            raise ValueError(f"attribute={attribute!r}: {name!r} has no attributes (only celeb_a has)")
        if attribute not in attributes:
            raise ValueError(f"unknown celeb_a attribute {attribute!r}; choose one of {sorted(attributes)}")
        return lambda example: tf.cast(example["attributes"][attribute], tf.int32)
    if not with_labels:
        return None
    if "label" in features:
        return lambda example: tf.cast(example["label"], tf.int32)
    if "attributes" in features:  # celeb_a: the 40 binary attributes in the dataset's order
        keys = list(features["attributes"])
        return lambda example: tf.stack([tf.cast(example["attributes"][k], tf.int32) for k in keys])
    raise ValueError(f"{name!r} has no labels (its features: {sorted(features)}); use with_labels=False")


def tfds_images(name, split="train", size=None, data_dir=None, download=None, batch_size=None,
                scale="[0,1]", image_key="image", with_labels=False, attribute=None, channels=None, limit="auto",
                crop_square=False):
    """A ``tf.data.Dataset`` of float32 NHWC images in [0, 1] (or [-1, 1]) from a TFDS dataset.

    ``download``: see :func:`tfds_builder`. ``size`` resizes (int: square; antialiased
    bilinear). ``channels``: None keeps the dataset's (1 for mnist), 1 or 3 converts.
    ``with_labels`` yields (image, label) pairs: the class label, or for celeb_a its 40
    binary attributes as one int vector; ``attribute`` (celeb_a) yields one attribute
    (0/1) as the label. ``limit``: at most this many examples ("auto": all, but
    ``QUICK_LIMIT`` in quick mode; None: all). ``crop_square`` first cuts the largest
    central square (celeb_a's 178x218 faces keep their proportions when resized).
    """
    _check_name(name)
    if scale not in ("[0,1]", "[-1,1]"):
        raise ValueError(f"scale must be '[0,1]' or '[-1,1]', got {scale!r}")
    if channels not in (None, 1, 3):
        raise ValueError(f"channels must be None (keep), 1 or 3, got {channels!r}")
    builder = tfds_builder(name, data_dir, download)
    features = builder.info.features
    if image_key not in features:
        raise ValueError(f"image_key {image_key!r} is not a feature of {name!r}; it has {sorted(features)}")
    label_of = _label_fn(builder, name, with_labels, attribute)
    import tensorflow as tf

    ds = builder.as_dataset(split=split)
    if limit == "auto":
        limit = settings.pick(None, QUICK_LIMIT)
    if limit is not None:
        ds = ds.take(int(limit))
    if size is not None:
        size = (size, size) if np.isscalar(size) else tuple(size)

    def convert(example):
        img = tf.image.convert_image_dtype(example[image_key], tf.float32)
        if channels == 3 and img.shape[-1] == 1:
            img = tf.image.grayscale_to_rgb(img)
        elif channels == 1 and img.shape[-1] == 3:
            img = tf.image.rgb_to_grayscale(img)
        if crop_square:
            side = tf.minimum(tf.shape(img)[0], tf.shape(img)[1])
            img = tf.image.resize_with_crop_or_pad(img, side, side)
        if size is not None:
            img = tf.image.resize(img, size, method="bilinear", antialias=True)
        img = tf.clip_by_value(img, 0.0, 1.0)
        if scale == "[-1,1]":
            img = img * 2.0 - 1.0
        return img if label_of is None else (img, label_of(example))

    ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size:
        ds = ds.batch(batch_size)
    return finish_pipeline(ds)
