"""Keras' ImageNet weight files in the Keras cache (``$KERAS_HOME/models`` or ``~/.keras/models``)."""
import os
from pathlib import Path

KERAS_FILES = {
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg19": "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "inception_v3": "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    "inception_v3_notop": "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


def keras_cache_dir():
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "models"


def cached_keras_file(key):
    """The cached file of ``key`` (a key of :data:`KERAS_FILES`), or None."""
    path = keras_cache_dir() / KERAS_FILES[key]
    return path if path.is_file() else None
