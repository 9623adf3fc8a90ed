"""Running a super-resolution model on images of any size."""
import numpy as np

from cv2course.checks import check_images


def model_scale(model):
    """The upscaling factor of an SR model, measured on a small input."""
    out = model(np.zeros((1, 8, 8, 3), np.float32), training=False)
    h = int(out.shape[1])
    if h % 8 or out.shape[2] != out.shape[1] or out.shape[-1] != 3:
        raise ValueError(f"{model.name} does not look like an SR model: (1, 8, 8, 3) became {tuple(out.shape)}")
    return h // 8


def super_resolve(model, images, batch_size=1):
    """SR images in [0, 1] from LR images (h, w, 3) or (n, h, w, 3) in [0, 1]; the model runs whole
    images (all models here are fully convolutional) and its output is clipped to [0, 1]."""
    arr = np.asarray(images, dtype=np.float32)
    single = arr.ndim == 3
    arr = check_images(arr[None] if single else arr, name="images", min_size=2)
    outs = [np.asarray(model(arr[i:i + batch_size], training=False)) for i in range(0, len(arr), batch_size)]
    out = np.clip(np.concatenate(outs), 0.0, 1.0).astype(np.float32)
    return out[0] if single else out
