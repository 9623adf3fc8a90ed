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


def tfds_images(name, split="train", size=None, data_dir=None, download=None, batch_size=None,
                scale="[0,1]", image_key="image", with_labels=False):
    """A ``tf.data.Dataset`` of float32 images in [0, 1] (or [-1, 1]) from a TFDS dataset.

    ``download``: None downloads only when allowed (not quick mode, network reachable);
    False only reads an already prepared ``data_dir``. ``size`` resizes (int: square).
    """
    if not isinstance(name, str) or name.split("/")[0].split(":")[0] not in KNOWN:
        raise ValueError(f"unknown dataset {name!r}; cv2course knows the TFDS datasets {list(KNOWN)} "
                         "(e.g. 'cycle_gan/horse2zebra'); for your own images use cv2course.data.image_folder")
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
    import tensorflow as tf

    ds = builder.as_dataset(split=split)
    if size is not None:
        size = (size, size) if np.isscalar(size) else tuple(size)

    def convert(example):
        img = tf.image.convert_image_dtype(example[image_key], tf.float32)
        if img.shape[-1] == 1:
            img = tf.image.grayscale_to_rgb(img) if image_key != "image" or name in ("div2k",) else img
        if size is not None:
            img = tf.image.resize(img, size, method="bilinear", antialias=True)
        img = tf.clip_by_value(img, 0.0, 1.0)
        if scale == "[-1,1]":
            img = img * 2.0 - 1.0
        return (img, example["label"]) if with_labels else img

    ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
    if batch_size:
        ds = ds.batch(batch_size)
    return ds.prefetch(tf.data.AUTOTUNE)
