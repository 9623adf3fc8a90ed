"""Input validation shared by the package: errors name the argument, the expectation and the value."""
import numpy as np


def describe(x):
    shape = getattr(x, "shape", None)
    dtype = getattr(x, "dtype", None)
    if shape is not None:
        return f"{type(x).__name__} of shape {tuple(shape)} and dtype {dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def check_images(x, name="images", channels=3, rank=4, value_range=(0.0, 1.0), min_size=None):
    """Return ``x`` as float32 NHWC (rank 4) or HWC (rank 3) after checking it.

    Raises ``ValueError`` for a wrong rank or channel count, non-finite values, values
    outside ``value_range`` (None skips that check) or a side smaller than ``min_size``.
    """
    try:
        arr = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {describe(x)}") from exc
    if arr.ndim != rank:
        layout = "(batch, height, width, channels)" if rank == 4 else "(height, width, channels)"
        raise ValueError(f"{name} must have rank {rank} {layout}, got shape {arr.shape}")
    if channels is not None and arr.shape[-1] != channels:
        raise ValueError(f"{name} must have {channels} channels in the last axis, got shape {arr.shape}; "
                         "convert with cv2course.data.to_rgb for RGB")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if value_range is not None and arr.size:
        lo, hi = value_range
        if arr.min() < lo - 1e-6 or arr.max() > hi + 1e-6:
            raise ValueError(f"{name} must lie in [{lo}, {hi}], got values in [{arr.min():.4g}, {arr.max():.4g}]; "
                             "images at the package's boundary are float32 in [0, 1]")
    if min_size is not None:
        h, w = arr.shape[-3], arr.shape[-2]
        if min(h, w) < min_size:
            raise ValueError(f"{name} is {h}x{w} pixels, smaller than the minimum of {min_size}x{min_size}")
    return arr


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``, else a ValueError listing them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(str, choices))}, got {value!r}")
    return value


def check_positive(value, name, allow_zero=False, integer=False):
    """Return ``value`` if it is a positive (or non-negative) number, else a ValueError."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds) or not np.isfinite(value):
        kind = "an integer" if integer else "a finite number"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_positive_int(value, name, allow_zero=False):
    """``value`` as an int if it is an integer > 0 (>= 0 with ``allow_zero``), else a ValueError."""
    return int(check_positive(value, name, allow_zero=allow_zero, integer=True))


def check_integer(value, name):
    """``value`` as an int if it is an integer of any sign (a seed, an offset), else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def check_in_range(value, name, low, high, include_low=True, include_high=True):
    """``value`` as a float if it is a finite number in the interval from ``low`` to ``high``
    (closed ends unless ``include_low``/``include_high`` is False), else a ValueError."""
    kinds = (int, float, np.integer, np.floating)
    ok = not isinstance(value, bool) and isinstance(value, kinds) and np.isfinite(value)
    ok = ok and (value >= low if include_low else value > low) and (value <= high if include_high else value < high)
    if not ok:
        interval = f"{'[' if include_low else '('}{low}, {high}{']' if include_high else ')'}"
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)


def check_scale(scale, name="scale", choices=(2, 3, 4)):
    """A super-resolution factor: ``scale`` as an int if it is one of ``choices``, else a ValueError."""
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or int(scale) not in choices:
        listed = ", ".join(map(str, choices[:-1])) + f" or {choices[-1]}" if len(choices) > 1 else str(choices[0])
        raise ValueError(f"{name} must be {listed}, got {scale!r}")
    return int(scale)
