"""Paired LR/HR training patches for super-resolution, and the degradations that make LR images.

Each HR image is cropped to a multiple of the scale and shrunk with the benchmark
degradation (MATLAB bicubic, :func:`cv2course.sr.resize.downscale`) once; training patches
are aligned random crops (an LR patch of p/s pixels and the HR patch of p pixels it came
from), randomly flipped and rotated by multiples of 90° (the 8 symmetries of the square,
as in EDSR). Sources: scikit-image's bundled photos (default, offline), any image folder
(e.g. T91 or DIV2K's HR images), or DIV2K through TensorFlow Datasets when prepared.
"""
import warnings
from pathlib import Path

import numpy as np

from cv2course import settings
from cv2course.checks import check_images, check_positive, check_scale
from cv2course.data.pipelines import finish_pipeline

# Bundled photos used for training by default; "astronaut" is kept out for demos.
DEFAULT_TRAIN_IMAGES = ("chelsea", "coffee", "rocket", "motorcycle", "camera", "coins", "immunohistochemistry",
                        "brick", "gravel", "grass", "horse", "color")


def _check_patch(patch_size, scale):
    check_positive(patch_size, "patch_size", integer=True)
    if patch_size % scale:
        raise ValueError(f"patch_size (the HR patch side) must be a multiple of scale={scale}, got {patch_size}")
    return int(patch_size)


def degrade(hr, scale, blur=0.0, noise=0.0, seed=None):
    """An LR image by the classical degradation model I^LR = (I^HR ⊗ k_σ)↓s + n.

    k_σ is a Gaussian blur of standard deviation ``blur`` (HR pixels; 0 = none), ↓s the
    benchmarks' MATLAB bicubic ``downscale`` (itself antialiased), and n Gaussian noise of
    standard deviation ``noise`` (in [0, 1] units, e.g. 10/255; 0 = none) drawn with ``seed``;
    the result is clipped to [0, 1]. ``blur=0, noise=0`` is the bicubic benchmark degradation
    that Set5/Set14/DIV2K use and the shipped models were trained on. ``hr``: (h, w, 3) in [0, 1].
    """
    from scipy.ndimage import gaussian_filter

    from cv2course.sr.resize import downscale

    hr = check_images(hr, name="hr", rank=3)
    blur, noise = float(blur), float(noise)
    if blur < 0 or noise < 0:
        raise ValueError(f"blur and noise must be >= 0 (0 = none), got blur={blur}, noise={noise}")
    if blur > 0:
        hr = gaussian_filter(np.asarray(hr, np.float64), sigma=(blur, blur, 0), mode="reflect")
    lr = np.asarray(downscale(hr, scale), np.float64)
    if noise > 0:
        lr = lr + np.random.default_rng(seed).normal(0.0, noise, lr.shape)
    return np.clip(lr, 0.0, 1.0).astype(np.float32)


def augment_pair(lr, hr, flip, rotations):
    """The same flip (left-right) and ``rotations`` × 90° rotation applied to both patches."""
    if flip:
        lr, hr = lr[:, ::-1], hr[:, ::-1]
    return np.rot90(lr, rotations), np.rot90(hr, rotations)


class PatchPairs:
    """Random aligned (LR, HR) patch pairs from a list of HR images (float RGB [0, 1]).

    ``lr_images`` (optional) gives the LR images instead of making them with ``downscale``;
    each must be exactly 1/scale of its HR image. Images smaller than one patch are
    skipped with a warning; if none is large enough this is a ValueError.
    """

    def __init__(self, hr_images, scale, patch_size=96, lr_images=None, augment=True, seed=None, names=None):
        from cv2course.sr.resize import downscale, mod_crop

        self.scale = check_scale(scale)
        self.patch_size = _check_patch(patch_size, self.scale)
        self.augment = bool(augment)
        if len(hr_images) == 0:
            raise ValueError("hr_images is empty; give at least one image")
        names = list(names) if names is not None else [f"image {i}" for i in range(len(hr_images))]
        if lr_images is not None and len(lr_images) != len(hr_images):
            raise ValueError(f"got {len(hr_images)} HR images but {len(lr_images)} LR images")
        self.hr, self.lr, self.names, small = [], [], [], []
        for i, hr in enumerate(hr_images):
            hr = check_images(hr, name=f"HR image {names[i]}", rank=3)
            if lr_images is None:
                hr = mod_crop(hr, self.scale)
                if min(hr.shape[:2]) < self.patch_size:
                    small.append(f"{names[i]} ({hr.shape[0]}x{hr.shape[1]})")
                    continue
                lr = downscale(hr, self.scale)
            else:
                lr = check_images(lr_images[i], name=f"LR image {names[i]}", rank=3)
                if hr.shape[0] != lr.shape[0] * self.scale or hr.shape[1] != lr.shape[1] * self.scale:
                    raise ValueError(f"HR image {names[i]} is {hr.shape[0]}x{hr.shape[1]} but its LR image is "
                                     f"{lr.shape[0]}x{lr.shape[1]}: not a x{self.scale} pair")
                if min(hr.shape[:2]) < self.patch_size:
                    small.append(f"{names[i]} ({hr.shape[0]}x{hr.shape[1]})")
                    continue
            self.hr.append(hr)
            self.lr.append(lr)
            self.names.append(names[i])
        if not self.hr:
            raise ValueError(f"every image is smaller than one {self.patch_size}x{self.patch_size} HR patch: "
                             f"{', '.join(small)}; use a smaller patch_size or larger images")
        if small:
            warnings.warn(f"skipped {len(small)} image(s) smaller than a {self.patch_size}x{self.patch_size} patch: "
                          + ", ".join(small[:10]), stacklevel=2)
        # Images are drawn in proportion to their number of patch positions (each location equally likely).
        areas = np.array([(lr.shape[0] - self.lr_patch + 1) * (lr.shape[1] - self.lr_patch + 1) for lr in self.lr],
                         dtype=np.float64)
        self.probabilities = areas / areas.sum()
        self.reseed(seed)

    @property
    def lr_patch(self):
        return self.patch_size // self.scale

    def __len__(self):
        return len(self.hr)

    def reseed(self, seed):
        """Restart :meth:`sample`'s random stream from ``seed`` (an int, a tuple of ints or None)."""
        self.rng = np.random.default_rng(seed)

    def sample(self, batch_size, rng=None):
        """One batch: (lr (n, p/s, p/s, 3), hr (n, p, p, 3)) float32, drawn with ``rng`` (default: own stream)."""
        batch_size = int(check_positive(batch_size, "batch_size", integer=True))
        rng = self.rng if rng is None else rng
        p, s = self.lr_patch, self.scale
        lrs = np.empty((batch_size, p, p, 3), np.float32)
        hrs = np.empty((batch_size, p * s, p * s, 3), np.float32)
        for b, k in enumerate(rng.choice(len(self.hr), size=batch_size, p=self.probabilities)):
            lr, hr = self.lr[k], self.hr[k]
            y = int(rng.integers(0, lr.shape[0] - p + 1))
            x = int(rng.integers(0, lr.shape[1] - p + 1))
            lr_patch = lr[y:y + p, x:x + p]
            hr_patch = hr[y * s:(y + p) * s, x * s:(x + p) * s]
            if self.augment:
                lr_patch, hr_patch = augment_pair(lr_patch, hr_patch, bool(rng.integers(2)), int(rng.integers(4)))
            lrs[b], hrs[b] = lr_patch, hr_patch
        return lrs, hrs

    def dataset(self, batch_size=16, seed=None):
        """An endless ``tf.data.Dataset`` of (lr, hr) batches.

        With ``seed`` every iteration over the dataset yields the same batches (its own
        random stream); without, batches come from the sampler's stream (see :meth:`reseed`).
        """
        import tensorflow as tf

        batch_size = int(check_positive(batch_size, "batch_size", integer=True))
        p = self.lr_patch

        def batches():
            rng = None if seed is None else np.random.default_rng(seed)
            while True:
                yield self.sample(batch_size, rng)

        signature = (tf.TensorSpec((batch_size, p, p, 3), tf.float32),
                     tf.TensorSpec((batch_size, p * self.scale, p * self.scale, 3), tf.float32))
        return finish_pipeline(tf.data.Dataset.from_generator(batches, output_signature=signature))


def _load_source(source):
    """(list of HR images, names) from None (bundled photos), a folder, or a list of names/arrays."""
    from cv2course.data import image_folder, sample_image

    if source is None:
        names = list(settings.pick(DEFAULT_TRAIN_IMAGES, DEFAULT_TRAIN_IMAGES[:3]))
        return [sample_image(n) for n in names], names
    if isinstance(source, (str, Path)):
        images, paths = image_folder(source, return_paths=True)
        return images, [Path(p).name for p in paths]
    if isinstance(source, (list, tuple)):
        images = [sample_image(s) if isinstance(s, str) else np.asarray(s, np.float32) for s in source]
        return images, [s if isinstance(s, str) else f"image {i}" for i, s in enumerate(source)]
    raise TypeError(f"source must be None (bundled photos), a folder path, 'div2k' or a list of images, "
                    f"got {type(source).__name__}")


def patch_pairs(source=None, scale=2, patch_size=96, augment=True, seed=None):
    """:class:`PatchPairs` from ``source``: None = scikit-image's bundled photos, a folder of
    HR images (e.g. T91), or a list of sample-image names / arrays."""
    images, names = _load_source(source)
    return PatchPairs(images, scale, patch_size, augment=augment, seed=seed, names=names)


def div2k_pairs(scale=2, split="train", download=None, data_dir=None, limit="auto"):
    """DIV2K (bicubic track) as a ``tf.data.Dataset`` of whole (lr, hr) float32 [0, 1] image pairs.

    Each pair is cropped to its largest aligned region, LR h×w and HR (scale·h)×(scale·w)
    from the top-left corner (for DIV2K's own pairs this keeps everything), so that LR
    pixel (i, j) always covers HR pixels [s·i, s·i + s) × [s·j, s·j + s). ``download``,
    ``data_dir`` and ``limit`` as in :func:`cv2course.data.tfds_images`.
    """
    import tensorflow as tf

    from cv2course.data.tfds import QUICK_LIMIT, tfds_builder

    scale = check_scale(scale)
    ds = tfds_builder(f"div2k/bicubic_x{scale}", data_dir, download).as_dataset(split=split)
    if limit == "auto":
        limit = settings.pick(None, QUICK_LIMIT)
    if limit is not None:
        ds = ds.take(int(limit))

    def aligned(example):
        lr = tf.image.convert_image_dtype(example["lr"], tf.float32)
        hr = tf.image.convert_image_dtype(example["hr"], tf.float32)
        h = tf.minimum(tf.shape(lr)[0], tf.shape(hr)[0] // scale)
        w = tf.minimum(tf.shape(lr)[1], tf.shape(hr)[1] // scale)
        return lr[:h, :w], hr[:h * scale, :w * scale]

    return ds.map(aligned, num_parallel_calls=tf.data.AUTOTUNE)


def div2k_dataset(scale=2, patch_size=96, batch_size=16, split="train", augment=True, seed=None, download=None,
                  data_dir=None):
    """An endless ``tf.data.Dataset`` of (lr, hr) patch batches from DIV2K (see :func:`div2k_pairs`).

    Pairs smaller than one patch are skipped. Without a prepared DIV2K that may not be
    downloaded (``download``, as in :func:`cv2course.data.tfds_images`) this is a
    FileNotFoundError naming the command that prepares it.
    """
    import tensorflow as tf

    scale = check_scale(scale)
    patch_size = _check_patch(patch_size, scale)
    batch_size = int(check_positive(batch_size, "batch_size", integer=True))
    p = patch_size // scale

    def large_enough(lr_img, hr_img):
        return tf.logical_and(tf.shape(lr_img)[0] >= p, tf.shape(lr_img)[1] >= p)

    def crop(lr_img, hr_img):
        shape = tf.shape(lr_img)
        y = tf.random.uniform((), 0, shape[0] - p + 1, dtype=tf.int32, seed=seed)
        x = tf.random.uniform((), 0, shape[1] - p + 1, dtype=tf.int32, seed=seed)
        lr_patch = lr_img[y:y + p, x:x + p]
        hr_patch = hr_img[y * scale:(y + p) * scale, x * scale:(x + p) * scale]
        if augment:
            k = tf.random.uniform((), 0, 4, dtype=tf.int32, seed=seed)
            flip = tf.random.uniform((), seed=seed) < 0.5
            lr_patch = tf.image.rot90(tf.cond(flip, lambda: lr_patch[:, ::-1], lambda: lr_patch), k)
            hr_patch = tf.image.rot90(tf.cond(flip, lambda: hr_patch[:, ::-1], lambda: hr_patch), k)
        return tf.ensure_shape(lr_patch, (p, p, 3)), tf.ensure_shape(hr_patch, (patch_size, patch_size, 3))

    ds = div2k_pairs(scale, split, download, data_dir).filter(large_enough).repeat()
    ds = ds.shuffle(64, seed=seed).map(crop, num_parallel_calls=tf.data.AUTOTUNE)
    return finish_pipeline(ds.batch(batch_size, drop_remainder=True))


def sr_dataset(source=None, scale=2, patch_size=96, batch_size=16, augment=True, seed=None, download=None):
    """An endless ``tf.data.Dataset`` of (lr, hr) batches from any source, "div2k" included
    (``download`` applies to DIV2K only)."""
    if isinstance(source, str) and source.lower().startswith("div2k"):
        return div2k_dataset(scale, patch_size, batch_size, augment=augment, seed=seed, download=download)
    return patch_pairs(source, scale, patch_size, augment).dataset(batch_size, seed)
