"""Interpolation: nearest, (bi)linear and (bi)cubic resizing, and MATLAB's ``imresize``.

Resizing is a convolution of the samples with a kernel, evaluated at the output positions.
Output pixel ``x`` (1-based) of a resize by ``scale`` sits at input position

    u = x / scale + ½ (1 − 1/scale)

and is Σ_j h(u − j) f(j) over the input samples j near u, with the weights normalised to
sum to one. Kernels:

    nearest   h(t) = 1 for −½ ≤ t < ½                      (width 1)
    linear    h(t) = 1 − |t| for |t| ≤ 1                   (width 2)
    cubic     Keys (1981) with a = −½:                     (width 4)
              (a+2)|t|³ − (a+3)|t|² + 1          |t| ≤ 1
              a|t|³ − 5a|t|² + 8a|t| − 4a        1 < |t| ≤ 2

When shrinking (scale < 1) with antialiasing the kernel is stretched, h_s(t) = s·h(s·t), so it
averages over the area an output pixel covers (a low-pass filter before subsampling). Beyond
the borders the image is mirrored (symmetric padding). This is MATLAB's ``imresize``, the
function every super-resolution benchmark used to make its low-resolution inputs.
"""
import numpy as np

from cv2course.checks import check_choice, check_positive, check_scale

METHODS = ("nearest", "bilinear", "bicubic")


def nearest_kernel(t):
    """Box kernel: 1 on [−½, ½), else 0."""
    t = np.asarray(t, dtype=np.float64)
    return ((t >= -0.5) & (t < 0.5)).astype(np.float64)


def linear_kernel(t):
    """Triangle kernel: max(0, 1 − |t|)."""
    t = np.abs(np.asarray(t, dtype=np.float64))
    return np.maximum(0.0, 1.0 - t)


def cubic_kernel(t, a=-0.5):
    """Keys' cubic convolution kernel (a = −½ as in MATLAB and PIL); see the module docstring."""
    t = np.abs(np.asarray(t, dtype=np.float64))
    t2, t3 = t * t, t * t * t
    near = (a + 2.0) * t3 - (a + 3.0) * t2 + 1.0
    far = a * t3 - 5.0 * a * t2 + 8.0 * a * t - 4.0 * a
    return np.where(t <= 1.0, near, np.where(t <= 2.0, far, 0.0))


# method -> (kernel, kernel width); "linear"/"cubic" are the 1-D names of the same kernels
KERNELS = {"nearest": (nearest_kernel, 1.0), "bilinear": (linear_kernel, 2.0), "bicubic": (cubic_kernel, 4.0)}
_ALIASES = {"linear": "bilinear", "cubic": "bicubic", "box": "nearest"}


def _method(method):
    """The canonical method name ("linear" -> "bilinear", "cubic" -> "bicubic")."""
    check_choice(method, "method", METHODS + tuple(_ALIASES))
    return _ALIASES.get(method, method)


def contributions(in_length, out_length, scale, method="bicubic", antialiasing=True):
    """MATLAB's per-axis resize as an (out_length, in_length) weight matrix.

    Row x holds the normalised kernel weights h(u − j) of output sample x on the input
    samples j, with out-of-range j folded back by symmetric padding (so rows sum to 1).
    """
    kernel, width = KERNELS[_method(method)]
    if scale < 1 and antialiasing:
        def h(t):
            return scale * kernel(scale * t)
        width = width / scale
    else:
        h = kernel
    x = np.arange(1, out_length + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1.0 - 1.0 / scale)
    left = np.floor(u - width / 2.0)
    taps = int(np.ceil(width)) + 2
    indices = left[:, None] + np.arange(taps)[None, :]  # 1-based input positions
    weights = h(u[:, None] - indices)
    weights = weights / weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_length), np.arange(in_length - 1, -1, -1)])
    folded = mirror[np.mod(indices.astype(np.int64) - 1, 2 * in_length)]
    matrix = np.zeros((out_length, in_length), dtype=np.float64)
    rows = np.repeat(np.arange(out_length), taps)
    np.add.at(matrix, (rows, folded.ravel()), weights.ravel())
    return matrix


def _as_image_stack(image, name):
    arr = np.asarray(image)
    if arr.dtype == np.uint8:
        raise TypeError(f"{name} must be float in [0, 1] (uint8 appears only in files); "
                        "convert with image.astype('float32') / 255")
    arr = arr.astype(np.float64)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(f"{name} must be (h, w), (h, w, c) or (n, h, w, c), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def output_size(size, scale):
    """MATLAB's output size for a scale factor: ceil(size · scale) per axis."""
    return tuple(int(np.ceil(s * scale - 1e-9)) for s in size)


def imresize(image, scale=None, output_shape=None, method="bicubic", antialiasing=True, clip=True, uint8=False):
    """Resize like MATLAB's ``imresize(image, scale, method)`` (float in, float out).

    ``image``: (h, w), (h, w, c) or (n, h, w, c) float in [0, 1]. Give ``scale`` (a number,
    e.g. ½ to shrink, 4 to enlarge) or ``output_shape`` (h, w). Antialiasing applies only
    when shrinking. The result is clipped to [0, 1] unless ``clip=False`` (cubic
    interpolation overshoots at edges). ``uint8=True`` rounds to 8-bit levels after each
    axis, as MATLAB does for a uint8 image (this reproduces the benchmark sets' LR files).
    """
    method = _method(method)
    arr = _as_image_stack(image, "image")
    hw_axes = (1, 2) if arr.ndim == 4 else (0, 1)
    in_size = tuple(arr.shape[a] for a in hw_axes)
    if (scale is None) == (output_shape is None):
        raise ValueError("give exactly one of scale (a positive number) and output_shape (height, width)")
    if scale is not None:
        check_positive(scale, "scale")
        scales = (float(scale), float(scale))
        out_size = output_size(in_size, float(scale))
    else:
        try:
            out_size = tuple(int(s) for s in output_shape)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"output_shape must be (height, width), got {output_shape!r}") from exc
        if len(out_size) != 2 or min(out_size) < 1:
            raise ValueError(f"output_shape must be two positive integers (height, width), got {output_shape!r}")
        scales = tuple(o / i for o, i in zip(out_size, in_size))
    if min(in_size) < 1:
        raise ValueError(f"image must have at least one pixel, got shape {arr.shape}")
    out = arr
    # Separable: one axis after the other, the more shrunk axis first (MATLAB's order).
    for k in np.argsort(scales, kind="stable"):
        weights = contributions(in_size[k], out_size[k], scales[k], method, antialiasing)
        out = np.moveaxis(np.tensordot(weights, out, axes=([1], [hw_axes[k]])), 0, hw_axes[k])
        if uint8:
            out = np.clip(np.round(out * 255.0), 0.0, 255.0) / 255.0
    if clip:
        out = np.clip(out, 0.0, 1.0)
    return out.astype(np.float32)



def upscale(image, scale, method="bicubic"):
    """Enlarge (h, w[, c]) or (n, h, w, c) images by an integer factor with interpolation.

    ``method``: "nearest", "bilinear" or "bicubic" (MATLAB's kernels; the SR papers'
    "bicubic" baseline is ``upscale(lr, s, "bicubic")``).
    """
    return imresize(image, scale=check_scale(scale), method=method)


def downscale(image, scale, uint8=True):
    """The benchmark degradation: MATLAB bicubic ``imresize(image, 1/scale)`` with antialiasing.

    The image is first cropped to a multiple of ``scale`` (as the SR benchmarks' HR
    images are), so the result is exactly (h/scale, w/scale). With ``uint8=True`` (default)
    it is rounded to 8 bits after each axis like MATLAB on a uint8 image: away from the
    borders this gives the Set5/Set14 LR files bit for bit (x3) or to ±1 level (x2, x4).
    """
    scale = check_scale(scale)
    arr = np.asarray(image)
    hw = (1, 2) if arr.ndim == 4 else (0, 1)
    h, w = arr.shape[hw[0]] // scale, arr.shape[hw[1]] // scale
    if h < 1 or w < 1:
        raise ValueError(f"image of shape {arr.shape} is smaller than the scale {scale}")
    return imresize(mod_crop(arr, scale), output_shape=(h, w), method="bicubic", uint8=uint8)


def mod_crop(image, scale):
    """Crop the bottom/right so that height and width are multiples of ``scale``."""
    arr = np.asarray(image)
    if arr.ndim == 4:
        return arr[:, : arr.shape[1] - arr.shape[1] % scale, : arr.shape[2] - arr.shape[2] % scale]
    return arr[: arr.shape[0] - arr.shape[0] % scale, : arr.shape[1] - arr.shape[1] % scale]


# --- demos for the slide ---------------------------------------------------------------------

def interpolate_1d(samples, positions, method="cubic"):
    """Values at ``positions`` (in sample units, 0 = first sample) of the interpolation of
    ``samples`` with the nearest / linear / cubic kernel (mirrored beyond the ends).

    This is the continuous version of :func:`imresize`: f(u) = Σ_j h(u − j) f_j.
    """
    kernel, width = KERNELS[_method(method)]
    f = np.asarray(samples, dtype=np.float64)
    if f.ndim != 1 or f.size < 1:
        raise ValueError(f"samples must be a non-empty 1-D array, got shape {f.shape}")
    u = np.asarray(positions, dtype=np.float64)
    taps = int(np.ceil(width)) + 2
    j = np.floor(u - width / 2.0)[..., None] + np.arange(taps)
    w = kernel(u[..., None] - j)
    n = f.size
    mirror = np.concatenate([np.arange(n), np.arange(n - 1, -1, -1)])
    idx = mirror[np.mod(j.astype(np.int64), 2 * n)]
    return np.sum(w * f[idx], axis=-1) / np.sum(w, axis=-1)


def interpolate_2d(grid, factor, method="cubic"):
    """A small (h, w) grid enlarged ``factor`` times with one interpolation method (separable)."""
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 2:
        raise ValueError(f"grid must be a 2-D array, got shape {grid.shape}")
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"factor must be a positive integer, got {factor}")
    return imresize(grid, scale=factor, method=method, clip=False).astype(np.float64)
