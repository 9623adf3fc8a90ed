"""The style-transfer inputs: a file, a sample-image name or an array, at a given size."""
import numpy as np

from cv2course.checks import check_images


def long_side_size(image, size):
    """(h, w) with the longer side equal to ``size``, keeping the aspect ratio."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    return max(1, round(h * scale)), max(1, round(w * scale))


def load_input(spec, size, name):
    """One [0, 1] image (H, W, 3) from a path, a sample-image name or an array (H, W, 3) or
    (1, H, W, 3), resized so that its longer side is ``size`` (None keeps its size)."""
    from cv2course.data import image_from, resize_image

    if isinstance(spec, np.ndarray) or hasattr(spec, "numpy"):
        img = check_images(np.asarray(spec), name=name, rank=4 if np.ndim(spec) == 4 else 3)
        if img.ndim == 4:
            if img.shape[0] != 1:
                raise ValueError(f"{name} must be one image (H, W, 3) or (1, H, W, 3), got shape {img.shape}")
            img = img[0]
    else:
        img = image_from(spec)
    return resize_image(img, long_side_size(img, size)) if size is not None else img
