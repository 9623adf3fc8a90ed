"""PSNR and SSIM the way super-resolution papers report them, and benchmark evaluation.

Protocol (SRCNN, EDSR, SRGAN, SwinIR tables): the network's output is rounded to 8 bits;
both images are converted to the Y channel of YCbCr (ITU-R BT.601, Y in [16, 235])

    Y = 16 + 65.481 R + 128.553 G + 24.966 B        (R, G, B in [0, 1])

``scale`` pixels are shaved from every border (the borders are what interpolation cannot
know), and the scores are computed per image and then averaged over the set.

    PSNR = 10 log10(255² / MSE)

PSNR of identical images is ``inf`` (MSE = 0); it is not capped. SSIM (Wang et al. 2004) uses
an 11×11 Gaussian window with σ = 1.5, K₁ = 0.01, K₂ = 0.03, L = 255, population
(co)variances, and averages the SSIM map over the positions where the window fits
(MATLAB's ``filter2(..., 'valid')``).
"""
import dataclasses
import re
from pathlib import Path

import numpy as np

from cv2course.checks import check_positive_int, check_scale

Y_WEIGHTS = (65.481, 128.553, 24.966)


def quantize(image):
    """Round a float [0, 1] image to the nearest of the 256 8-bit levels (still float in [0, 1])."""
    return np.clip(np.round(np.asarray(image, dtype=np.float64) * 255.0), 0, 255) / 255.0


def rgb_to_y(image):
    """Y of YCbCr in [16, 235] from RGB in [0, 1]: Y = 16 + 65.481 R + 128.553 G + 24.966 B."""
    img = np.asarray(image, dtype=np.float64)
    if img.shape[-1] != 3:
        raise ValueError(f"image must be RGB with 3 channels in the last axis, got shape {img.shape}")
    return 16.0 + img @ np.asarray(Y_WEIGHTS)


def shave(image, border):
    """Drop ``border`` pixels from every side of one (h, w) or (h, w, c) image."""
    arr = np.asarray(image)
    if border == 0:
        return arr
    index = [slice(None)] * arr.ndim
    for a in (0, 1):
        if arr.shape[a] <= 2 * border:
            raise ValueError(f"image of shape {arr.shape} is too small to shave {border} pixels from each border")
        index[a] = slice(border, arr.shape[a] - border)
    return arr[tuple(index)]


def _pair(hr, sr, scale):
    hr = np.asarray(hr, dtype=np.float64)
    sr = np.asarray(sr, dtype=np.float64)
    for name, arr in (("hr", hr), ("sr", sr)):
        if arr.ndim not in (3, 4) or arr.shape[-1] != 3:
            raise ValueError(f"{name} must be an RGB image (h, w, 3) or batch (n, h, w, 3) in [0, 1], "
                             f"got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
    if hr.shape != sr.shape:
        raise ValueError(f"hr and sr must have the same shape, got {hr.shape} and {sr.shape}")
    check_positive_int(scale, "scale (pixels shaved from each border)", allow_zero=True)
    return quantize(hr), quantize(sr)


def _prepare(hr, sr, scale, rgb):
    """Protocol images in [0, 255]: (h, w) Y or (h, w, 3) RGB, shaved."""
    hr, sr = _pair(hr, sr, scale)
    if rgb:
        hr, sr = hr * 255.0, sr * 255.0
    else:
        hr, sr = rgb_to_y(hr), rgb_to_y(sr)
    return shave(hr, scale), shave(sr, scale)


def psnr_values(a, b, data_range=255.0):
    """10 log10(data_range² / mean((a − b)²)) of two arrays; ``inf`` when they are identical."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"the two arrays must have the same shape, got {a.shape} and {b.shape}")
    mse = np.mean((a - b) ** 2)
    if mse == 0:
        return float("inf")
    return float(10.0 * np.log10(data_range ** 2 / mse))


def gaussian_window(size=11, sigma=1.5):
    """Normalised 1-D Gaussian weights (MATLAB's ``fspecial('gaussian', [size 1], sigma)``)."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-x * x / (2.0 * sigma * sigma))
    return g / g.sum()


def _filter_valid(img, g):
    """Separable 'valid' correlation of a 2-D image with the 1-D window ``g`` on both axes."""
    from scipy.ndimage import correlate1d

    r = (len(g) - 1) // 2
    out = correlate1d(correlate1d(img, g, axis=0, mode="reflect"), g, axis=1, mode="reflect")
    return out[r:img.shape[0] - r, r:img.shape[1] - r]


def ssim_values(a, b, data_range=255.0, window=11, sigma=1.5, k1=0.01, k2=0.03):
    """Mean SSIM of two 2-D arrays (Wang et al. 2004) with a Gaussian window:

    SSIM = (2 μ_a μ_b + C₁)(2 σ_ab + C₂) / ((μ_a² + μ_b² + C₁)(σ_a² + σ_b² + C₂)),
    C₁ = (k₁ L)², C₂ = (k₂ L)², local statistics from the normalised window.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"ssim needs two 2-D arrays of the same shape, got {a.shape} and {b.shape}")
    if min(a.shape) < window:
        raise ValueError(f"images of {a.shape[0]}x{a.shape[1]} pixels are smaller than the {window}x{window} "
                         "SSIM window")
    g = gaussian_window(window, sigma)
    mu_a, mu_b = _filter_valid(a, g), _filter_valid(b, g)
    var_a = _filter_valid(a * a, g) - mu_a ** 2
    var_b = _filter_valid(b * b, g) - mu_b ** 2
    cov = _filter_valid(a * b, g) - mu_a * mu_b
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return float(ssim_map.mean())


def _per_image(fn, hr, sr, scale, rgb):
    hr, sr = np.asarray(hr), np.asarray(sr)
    if hr.ndim == 4 and np.shape(sr) == hr.shape:
        return np.array([_per_image(fn, h, s, scale, rgb) for h, s in zip(hr, sr)])
    return fn(*_prepare(hr, sr, scale, rgb))


def psnr(hr, sr, scale=0, rgb=False):
    """PSNR in dB between a ground truth ``hr`` and a reconstruction ``sr`` (float RGB [0, 1]).

    Both are rounded to 8 bits, converted to Y (or kept RGB with ``rgb=True``) in
    [0, 255], and ``scale`` pixels are shaved from each border; then
    PSNR = 10 log10(255² / MSE). Identical images give ``inf`` (not capped). A batch
    (n, h, w, 3) gives one value per image (average them for a set's score).
    """
    return _per_image(psnr_values, hr, sr, scale, rgb)


def ssim(hr, sr, scale=0, rgb=False):
    """SSIM between ``hr`` and ``sr`` on the same protocol as :func:`psnr` (RGB: mean over channels)."""
    def fn(a, b):
        if a.ndim == 3:
            return float(np.mean([ssim_values(a[..., c], b[..., c]) for c in range(a.shape[-1])]))
        return ssim_values(a, b)

    return _per_image(fn, hr, sr, scale, rgb)


# --- evaluation over a folder ----------------------------------------------------------------

@dataclasses.dataclass
class SRScores:
    """Per-image scores of one method on one image set, and their means."""
    method: str
    scale: int
    names: list
    psnr: list
    ssim: list
    images: list = dataclasses.field(default=None, repr=False)

    @property
    def mean_psnr(self):
        return float(np.mean(self.psnr))

    @property
    def mean_ssim(self):
        return float(np.mean(self.ssim))

    def rows(self):
        return [{"image": n, "psnr": p, "ssim": s} for n, p, s in zip(self.names, self.psnr, self.ssim)]

    def table(self):
        width = max([len("mean")] + [len(n) for n in self.names])
        lines = [f"{self.method} x{self.scale}", f"{'image':<{width}}  PSNR (dB)  SSIM"]
        lines += [f"{n:<{width}}  {p:9.2f}  {s:.4f}" for n, p, s in zip(self.names, self.psnr, self.ssim)]
        lines.append(f"{'mean':<{width}}  {self.mean_psnr:9.2f}  {self.mean_ssim:.4f}")
        return "\n".join(lines)

    def __str__(self):
        return self.table()



def sample_pairs(names, scale):
    """[(name, hr, lr)] from scikit-image's bundled photos (e.g. a held-out set): HR = the photo
    cropped to a multiple of ``scale``, LR = ``downscale(hr, scale)`` (MATLAB bicubic)."""
    from cv2course.data import sample_image
    from cv2course.sr.resize import downscale, mod_crop

    scale = check_scale(scale)
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must be a non-empty list of sample image names, got {names!r}")
    pairs = []
    for name in names:
        hr = mod_crop(sample_image(name), scale)
        pairs.append((name, hr, downscale(hr, scale)))
    return pairs


def image_pairs(folder, scale):
    """[(name, hr, lr)] from ``folder``: ``*_HR.*``/``*_LR.*`` pairs, or HR images only.

    A folder with an ``x{scale}`` subfolder (the Set5/Set14 layout) uses that subfolder.
    Without LR files the LR image is ``downscale(hr, scale)`` (MATLAB bicubic) of the HR
    image cropped to a multiple of ``scale``. Pairs whose sizes do not match by a factor
    ``scale`` raise a ValueError naming the files. A list or tuple of sample image names
    instead of a folder gives :func:`sample_pairs`.
    """
    from cv2course.data import image_files, load_image
    from cv2course.sr.resize import downscale, mod_crop

    if isinstance(folder, (list, tuple)):
        return sample_pairs(folder, scale)
    scale = check_scale(scale)
    root = Path(folder)
    if (root / f"x{scale}").is_dir():
        root = root / f"x{scale}"
    files = image_files(root)
    if not files:
        raise FileNotFoundError(f"no images in {str(root)!r}")
    pattern = re.compile(r"^(.*)_(HR|LR)$", re.IGNORECASE)
    hr_files, lr_files, plain = {}, {}, []
    for f in files:
        m = pattern.match(f.stem)
        if m and m.group(2).upper() == "HR":
            hr_files[m.group(1)] = f
        elif m:
            lr_files[m.group(1)] = f
        else:
            plain.append(f)
    pairs = []
    if hr_files or lr_files:
        missing = sorted(set(hr_files) ^ set(lr_files))
        if missing:
            raise ValueError(f"in {str(root)!r} these images have an HR or an LR file but not both: {missing}")
        for key in sorted(hr_files):
            hr, lr = load_image(hr_files[key]), load_image(lr_files[key])
            if hr.shape[0] != lr.shape[0] * scale or hr.shape[1] != lr.shape[1] * scale:
                raise ValueError(f"{hr_files[key].name} is {hr.shape[0]}x{hr.shape[1]} but {lr_files[key].name} is "
                                 f"{lr.shape[0]}x{lr.shape[1]}: not a x{scale} pair")
            pairs.append((key, hr, lr))
    for f in plain:
        hr = mod_crop(load_image(f), scale)
        pairs.append((f.stem, hr, downscale(hr, scale)))
    return pairs


def super_resolver(model_or_method, scale):
    """A function LR (h, w, 3) -> SR (s·h, s·w, 3) in [0, 1] from a method name, a Keras model,
    a path to a saved model, or a callable."""
    from cv2course.sr.resize import METHODS, upscale

    if isinstance(model_or_method, str) and model_or_method in METHODS + ("linear", "cubic"):
        return model_or_method, lambda lr: upscale(lr, scale, model_or_method)
    if isinstance(model_or_method, (str, Path)):
        from cv2course.sr.pretrained import load_model

        model_or_method = load_model(model_or_method)
    import keras

    if isinstance(model_or_method, keras.Model):
        from cv2course.sr.inference import super_resolve

        model = model_or_method
        return model.name, lambda lr: super_resolve(model, lr)
    if callable(model_or_method):
        return getattr(model_or_method, "__name__", "custom"), model_or_method
    raise TypeError(f"model_or_method must be 'nearest', 'bilinear', 'bicubic', a keras.Model, a model file "
                    f"or a function, got {type(model_or_method).__name__}")


def evaluate(model_or_method, folder, scale, rgb=False, keep_images=False, name=None, verbose=0):
    """PSNR/SSIM of a super-resolver over an image folder, per image and on average.

    ``model_or_method``: "bicubic" / "bilinear" / "nearest", a Keras SR model (or a path to
    one), or a function LR -> SR. ``folder``: ``*_HR.png``/``*_LR.png`` pairs (optionally
    in ``x{scale}`` subfolders), HR images only, or a list of sample image names. Scores
    follow :func:`psnr` and :func:`ssim` (Y channel, 8-bit output, ``scale`` pixels shaved) unless ``rgb=True``.
    Returns :class:`SRScores` (``.table()``, ``.mean_psnr``, ``.mean_ssim``).
    """
    scale = check_scale(scale)
    label, fn = super_resolver(model_or_method, scale)
    pairs = image_pairs(folder, scale)
    names, p, s, images = [], [], [], []
    iterator = pairs
    if verbose:
        from tqdm.auto import tqdm

        iterator = tqdm(pairs, desc=f"{label} x{scale}")
    for key, hr, lr in iterator:
        sr = np.asarray(fn(lr))
        if sr.shape != hr.shape:
            raise ValueError(f"{label} turned the {lr.shape[0]}x{lr.shape[1]} input {key!r} into "
                             f"{sr.shape}, expected {hr.shape}")
        names.append(key)
        p.append(float(psnr(hr, sr, scale, rgb)))
        s.append(float(ssim(hr, sr, scale, rgb)))
        if keep_images:
            images.append((hr, lr, np.clip(sr, 0, 1).astype(np.float32)))
    return SRScores(name or label, scale, names, p, s, images if keep_images else None)


def caption(method, hr, sr, scale=0, rgb=False):
    """The slide's caption: "method (PSNR dB/SSIM)", e.g. "bicubic (21.59dB/0.6423)"."""
    return f"{method} ({psnr(hr, sr, scale, rgb):.2f}dB/{ssim(hr, sr, scale, rgb):.4f})"


def comparison_figure(hr, candidates, scale=0, crop=None, size=3.0, rgb=False, hr_title=None):
    """Side-by-side crops of reconstructions with "method (PSNR dB/SSIM)" captions and the HR.

    ``candidates``: {method: image of hr's shape}. Scores are on the whole image (protocol
    of :func:`psnr`); ``crop`` = (top, left, height, width) selects the part shown;
    ``hr_title`` names the last panel (default "HR (ground truth)").
    """
    import matplotlib.pyplot as plt

    from cv2course.i18n import tr

    hr = np.asarray(hr, dtype=np.float32)
    titles, panels = [], []
    for method, img in candidates.items():
        img = np.clip(np.asarray(img, dtype=np.float32), 0.0, 1.0)
        if img.shape != hr.shape:
            raise ValueError(f"candidate {method!r} has shape {img.shape}, expected the HR shape {hr.shape}")
        titles.append(caption(method, hr, img, scale, rgb))
        panels.append(img)
    titles.append(tr("HR (ground truth)") if hr_title is None else hr_title)
    panels.append(hr)
    if crop is not None:
        top, left, h, w = crop
        panels = [p[top:top + h, left:left + w] for p in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(size * len(panels), size * 1.08), squeeze=False)
    for ax, img, title in zip(axes[0], panels, titles):
        ax.imshow(img, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return fig
