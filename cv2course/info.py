"""``cv2course info``: versions, devices, quick mode, data folder and available weights.

    cv2course info
    cv2course info --quick      # what quick mode would use
"""
import platform
from pathlib import Path


def shipped_weights():
    """{file name: size} of the weights files inside the installed package (cv2course/weights/)."""
    folder = Path(__file__).resolve().parent / "weights"
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".md") if folder.is_dir() else []
    return {p.name: f"{p.stat().st_size / 1e3:.0f} kB in {folder}" for p in files} or {"(none)": f"nothing in {folder}"}


def collect():
    """A dict of what ``cv2course info`` prints."""
    import keras
    import numpy as np
    import tensorflow as tf

    from cv2course import __version__, settings
    from cv2course.backbones import available_weights

    return {
        "cv2course": __version__,
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras backend": keras.backend.backend(),
        "numpy": np.__version__,
        "devices": ", ".join(d.name for d in tf.config.list_logical_devices()),
        "quick mode": settings.QUICK,
        "data folder": str(settings.data_dir()),
        "weights": available_weights(),
        "shipped weights": shipped_weights(),
    }


def run(args):
    for key, value in collect().items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                print(f"  {k:22s} {v}")
        else:
            print(f"{key:24s} {value}")
    return 0


def register(sub):
    p = sub.add_parser("info", help="versions, devices, quick mode, data folder and weights available offline")
    p.set_defaults(func=run)
