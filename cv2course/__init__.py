"""cv2course: Keras 3 companion package for a computer-vision course on generative models.

Importing the package is light: TensorFlow and Keras load only when a submodule needs them.
"""
import os as _os

__version__ = "0.1.0"

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
