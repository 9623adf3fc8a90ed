"""Images at the package boundary: float32 HWC RGB in [0, 1]; uint8 only in files.

Sample images are scikit-image's bundled photos and textures, read from the files that
ship inside scikit-image (no download).
"""
import warnings
from pathlib import Path

import numpy as np

from cv2course.atomic import atomic_path
from cv2course.checks import check_images

# name -> file in skimage/data (all shipped in the scikit-image wheel)
_SAMPLES = {
    "astronaut": "astronaut.png",
    "brick": "brick.png",
    "camera": "camera.png",
    "cell": "cell.png",
    "chelsea": "chelsea.png",
    "coffee": "coffee.png",
    "coins": "coins.png",
    "color": "color.png",
    "grass": "grass.png",
    "gravel": "gravel.png",
    "horse": "horse.png",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png",
    "logo": "logo.png",
    "moon": "moon.png",
    "motorcycle": "motorcycle_left.png",
    "page": "page.png",
    "retina": "retina.jpg",
    "rocket": "rocket.jpg",
    "text": "text.png",
}
_ALIASES = {"cat": "chelsea", "ihc": "immunohistochemistry", "hubble": "hubble_deep_field"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
MAX_IMAGE_SIDE = 8192  # a float32 RGB image of 8192 x 8192 already takes 0.8 GB
MAX_SILENT_ENLARGEMENT = 4  # resize_image warns when a side grows by more than this factor


def list_sample_images():
    """Names accepted by :func:`sample_image`, sorted."""
    return sorted(_SAMPLES)


def _skimage_data_dir():
    import skimage.data

    return Path(skimage.data.__file__).parent


def to_rgb(image, name="image"):
    """Convert a grayscale (HW or HW1) or RGBA (HW4) array to RGB (HW3); RGB passes through.

    RGBA is composited over white, so transparent areas become white rather than black.
    """
    img = np.asarray(image)
    if img.ndim == 2:
        img = img[..., None]
    if img.ndim != 3:
        raise ValueError(f"{name} must be HxW, HxWx1, HxWx3 or HxWx4, got shape {img.shape}")
    c = img.shape[-1]
    if c == 1:
        return np.repeat(img, 3, axis=-1)
    if c == 3:
        return img
    if c == 4:
        rgb, alpha = img[..., :3].astype(np.float32), img[..., 3:].astype(np.float32)
        top = 255.0 if img.dtype == np.uint8 else 1.0
        out = rgb * (alpha / top) + top * (1.0 - alpha / top)
        return out.astype(img.dtype)
    raise ValueError(f"{name} has {c} channels; expected 1 (gray), 3 (RGB) or 4 (RGBA)")


def _as_size(size, name="size"):
    if size is None:
        return None
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    try:
        h, w = (int(s) for s in size)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an int or an (height, width) pair, got {size!r}") from exc
    if h <= 0 or w <= 0:
        raise ValueError(f"{name} must be positive, got {size!r}")
    return h, w


def check_image_side(h, w, name="size"):
    """Raise a ValueError when an image of h x w pixels would exceed :data:`MAX_IMAGE_SIDE`."""
    if max(h, w) > MAX_IMAGE_SIDE:
        gigabytes = h * w * 3 * 4 / 1e9
        raise ValueError(f"{name} asks for a {h}x{w} image; the limit is {MAX_IMAGE_SIDE} pixels per side because "
                         f"a float32 RGB image that large needs {gigabytes:.1f} GB of memory; give a smaller size")


def resize_image(image, size, method="bicubic"):
    """Resize a float [0, 1] HWC image to ``size`` (int = shorter side, or (h, w)).

    An int keeps the aspect ratio and sets the shorter side; PIL does the resampling
    (antialiased when shrinking). Sides are limited to :data:`MAX_IMAGE_SIDE`; enlarging a
    side more than :data:`MAX_SILENT_ENLARGEMENT` times (a tiny image) warns.
    """
    from PIL import Image

    img = np.asarray(image, dtype=np.float32)
    h0, w0 = img.shape[:2]
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        if size <= 0:
            raise ValueError(f"size must be positive, got {size}")
        scale = size / min(h0, w0)
        h, w = max(1, round(h0 * scale)), max(1, round(w0 * scale))
    else:
        h, w = _as_size(size)
    if (h, w) == (h0, w0):
        return img
    check_image_side(h, w)
    if max(h / h0, w / w0) > MAX_SILENT_ENLARGEMENT:
        warnings.warn(f"a {h0}x{w0} image was enlarged {max(h / h0, w / w0):.0f}x to {h}x{w}; an image this small "
                      "has little detail to show and will look blurry: give a larger image", stacklevel=2)
    resample = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
                "lanczos": Image.LANCZOS}[method]
    channels = [Image.fromarray(img[..., c], mode="F").resize((w, h), resample) for c in range(img.shape[-1])]
    out = np.stack([np.asarray(ch, dtype=np.float32) for ch in channels], axis=-1)
    return np.clip(out, 0.0, 1.0)


def _read(path):
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"image file {str(path)!r} does not exist")
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; use cv2course.data.image_folder for folders")
    try:
        with Image.open(path) as im:
            im.load()
            if im.mode in ("I;16", "I", "F"):
                arr = np.asarray(im, dtype=np.float32)
                arr = arr / max(arr.max(), 1.0)
                return to_rgb(arr, name=str(path))
            im = im.convert("RGBA" if im.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            arr = np.asarray(im)
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"cannot read image file {str(path)!r}: it is corrupt or not an image ({exc})") from exc
    return to_rgb(arr, name=str(path)).astype(np.float32) / 255.0


def load_image(path, size=None):
    """Read an image file as float32 HWC RGB in [0, 1]; gray and RGBA are converted.

    ``size``: None keeps the original, an int sets the shorter side, (h, w) sets both.
    """
    img = _read(path)
    return resize_image(img, size) if size is not None else img


def sample_image(name, size=None):
    """One of scikit-image's bundled images by name (see :func:`list_sample_images`), as RGB [0, 1]."""
    key = _ALIASES.get(name, name)
    if key not in _SAMPLES:
        raise ValueError(f"unknown sample image {name!r}; choose one of {list_sample_images()}")
    return load_image(_skimage_data_dir() / _SAMPLES[key], size=size)


def image_from(spec, size=None):
    """An image from a file path or a sample-image name (the CLI's CONTENT/STYLE arguments)."""
    if isinstance(spec, np.ndarray):
        img = check_images(to_rgb(spec), name="image", rank=3)
        return resize_image(img, size) if size is not None else img
    path = Path(str(spec))
    if path.exists():
        return load_image(path, size=size)
    key = _ALIASES.get(str(spec), str(spec))
    if key in _SAMPLES:
        return sample_image(key, size=size)
    raise FileNotFoundError(f"{str(spec)!r} is neither an image file nor a sample image name "
                            f"(sample images: {', '.join(list_sample_images())})")


def to_uint8(image):
    """float [0, 1] -> uint8 with rounding (the only place uint8 appears)."""
    img = np.asarray(image, dtype=np.float32)
    return np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)


def save_image(path, image):
    """Write a float [0, 1] HWC image (or HW gray) to ``path``; the format follows the extension.

    The write is atomic: an existing file is replaced only by a complete new one.
    """
    from PIL import Image

    img = np.asarray(image, dtype=np.float32)
    if img.ndim == 4 and img.shape[0] == 1:
        img = img[0]
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[-1] not in (3, 4)):
        raise ValueError(f"image must be HxW, HxWx1, HxWx3 or HxWx4 to save, got shape {np.shape(image)}")
    if not np.all(np.isfinite(img)):
        raise ValueError("image contains NaN or infinite values; nothing was written")
    if img.min() < -1e-3 or img.max() > 1 + 1e-3:
        warnings.warn(f"image values in [{img.min():.3g}, {img.max():.3g}] were clipped to [0, 1] for saving",
                      stacklevel=2)
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise ValueError(f"path must end in one of {IMAGE_SUFFIXES} to choose the format, got {str(path)!r}")
    with atomic_path(path) as tmp:
        Image.fromarray(to_uint8(img)).save(tmp)
    return Path(path)
