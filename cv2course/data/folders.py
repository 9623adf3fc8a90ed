"""Every image file under a folder, with unreadable files skipped and reported."""
import warnings
from pathlib import Path

import numpy as np

from cv2course.data.images import IMAGE_SUFFIXES, load_image


def image_files(path):
    """Sorted image files (by extension) under ``path``, recursively."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"image folder {str(root)!r} does not exist")
    if not root.is_dir():
        raise NotADirectoryError(f"{str(root)!r} is a file; image_folder expects a folder of images")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def image_folder(path, size=None, return_paths=False):
    """Load every image under ``path`` as float32 RGB [0, 1].

    With ``size`` (int or (h, w)) the images are resized and stacked into one NHWC array;
    an int gives square (size, size) images. Without ``size`` a list is returned. Corrupt
    files and files that are not images are skipped with one warning that lists them; a
    folder with no readable image is an error.
    """
    root = Path(path)
    files = image_files(root)
    others = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in IMAGE_SUFFIXES
                    and not p.name.startswith("."))
    images, paths, skipped = [], [], [str(p) for p in others]
    square = (size, size) if isinstance(size, (int, np.integer)) and not isinstance(size, bool) else size
    for f in files:
        try:
            images.append(load_image(f, size=square))
            paths.append(f)
        except ValueError:
            skipped.append(str(f))
    if skipped:
        skipped.sort()
        warnings.warn(f"image_folder skipped {len(skipped)} file(s) that are not readable images: "
                      + ", ".join(skipped[:20]) + (" ..." if len(skipped) > 20 else ""), stacklevel=2)
    if not images:
        raise ValueError(f"image folder {str(root)!r} contains no readable image "
                         f"(looked for {', '.join(IMAGE_SUFFIXES)})")
    out = np.stack(images) if size is not None else images
    return (out, paths) if return_paths else out
