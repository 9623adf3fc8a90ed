"""Run-wide settings: quick mode, preview mode, the data folder, seeds.

``QUICK`` is read from ``CV2COURSE_QUICK`` at import and can be changed with
:func:`set_quick` (the CLI's ``--quick``). Read it as ``settings.QUICK`` at call time.
``PREVIEW`` (``cv2course figures --preview``, the README's first command) is quick mode except
where :func:`pick` is given a ``preview`` value: the few figures a newcomer judges the package by.
"""
import os
import random
from pathlib import Path

import numpy as np


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


QUICK = _env_flag("CV2COURSE_QUICK")
PREVIEW = False


def set_quick(on=True):
    """Turn quick mode on or off for this process (and subprocesses it starts)."""
    global QUICK
    QUICK = bool(on)
    os.environ["CV2COURSE_QUICK"] = "1" if QUICK else "0"


def set_preview(on=True):
    """Preview mode on or off for this process: quick mode plus the ``preview`` values of :func:`pick`.

    Under ``CV2COURSE_QUICK=1`` from the environment (the tests) it stays plain quick mode, so the
    README's preview command runs in the suite at quick-mode cost.
    """
    global PREVIEW
    PREVIEW = bool(on) and not _env_flag("CV2COURSE_QUICK")
    if on:
        set_quick(True)


def pick(normal, quick, preview=None):
    """``quick`` in quick mode, else ``normal``: ``steps = pick(1000, 5)``; in preview mode ``preview``
    when given (``steps = pick(80, 3, preview=40)``), else ``quick``."""
    if not QUICK:
        return normal
    return preview if PREVIEW and preview is not None else quick


def data_dir():
    """The folder for caches and downloads: ``$CV2COURSE_DATA`` or ``~/.cache/cv2course``."""
    path = Path(os.environ.get("CV2COURSE_DATA") or Path.home() / ".cache" / "cv2course")
    path.mkdir(parents=True, exist_ok=True)
    return path


def set_seed(seed):
    """Seed Python, NumPy and Keras (which seeds TensorFlow) with one integer."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    import keras

    keras.utils.set_random_seed(int(seed) % 2**32)
