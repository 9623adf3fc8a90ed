"""FeatureExtractor: images in [0, 1] (arrays, folders, batches) to (N, d) features, streamed."""
import warnings
from pathlib import Path

import numpy as np

from cv2course.checks import check_images
from cv2course.metrics.frechet import FeatureStatistics
from cv2course.metrics.labels import INCEPTION_NAME, TTUR_NAME, label_for

LUMA = (0.299, 0.587, 0.114)  # ITU-R 601 luma weights: RGB -> gray for one-channel extractors


def _progress(verbose):
    """tqdm.auto's progress bar when verbose (imported only then: it warns in bare Jupyter)."""
    if verbose:
        from tqdm.auto import tqdm

        return tqdm
    return lambda iterable, **kwargs: iterable


class FeatureExtractor:
    """Images in [0, 1] (NHWC, 1 or 3 channels) -> (N, d) float64 features or probabilities.

    ``model`` maps a prepared batch (``input_size``, ``channels``, ``scale``) to features;
    feature maps of rank 4 are averaged over space. ``name`` labels the scores.
    """

    def __init__(self, model, name, input_size=None, channels=3, scale="[0,1]", resize_method="bilinear",
                 antialias=False, description=None):
        self.model = model
        self.name = name
        self.input_size = None if input_size is None else tuple(int(s) for s in input_size)
        self.channels = int(channels)
        self.scale = scale
        self.resize_method = resize_method
        self.antialias = bool(antialias)
        self.description = description or name

    @property
    def is_inception(self):
        return self.name in (INCEPTION_NAME, TTUR_NAME)

    def label(self, metric="FD"):
        """The score's label, see :func:`label_for`."""
        return label_for(self.name, metric)

    @property
    def dim(self):
        shape = self.model.output_shape
        if isinstance(shape, dict):
            (shape,) = shape.values()
        return int(shape[-1])

    def prepare(self, images):
        """A batch tensor in the model's layout: channels converted and resized, still in [0, 1]."""
        import keras

        x = keras.ops.convert_to_tensor(images, dtype="float32")
        c = x.shape[-1]
        if c != self.channels:
            if c == 1 and self.channels == 3:
                x = keras.ops.concatenate([x, x, x], axis=-1)
            elif c == 3 and self.channels == 1:
                x = keras.ops.sum(x * keras.ops.convert_to_tensor(LUMA, dtype="float32"), axis=-1, keepdims=True)
            else:
                raise ValueError(f"images must have 1 or 3 channels, got {c}")
        if self.input_size is not None and tuple(x.shape[1:3]) != self.input_size:
            x = keras.ops.image.resize(x, self.input_size, interpolation=self.resize_method,
                                       antialias=self.antialias)
        return x

    def features_tensor(self, images):
        """Features of a batch as a tensor (graph-friendly: usable inside ``train_step``)."""
        import keras

        x = self.prepare(images)
        if self.scale == "[-1,1]":
            x = x * 2.0 - 1.0
        out = self.model(x, training=False)
        if isinstance(out, dict):
            (out,) = out.values()
        if len(out.shape) == 4:
            out = keras.ops.mean(out, axis=(1, 2))
        return out

    def _batch_features(self, batch):
        return np.asarray(self.features_tensor(batch), dtype=np.float64)

    def __call__(self, images, batch_size=64, verbose=0):
        """Features (or probabilities) of an (N, H, W, C) array, batch by batch."""
        x = check_images(images, "images", channels=None)
        if x.shape[-1] not in (1, 3):
            raise ValueError(f"images must have 1 or 3 channels, got shape {x.shape}")
        if len(x) == 0:
            raise ValueError("images is empty")
        tqdm = _progress(verbose)
        starts = range(0, len(x), int(batch_size))
        parts = [self._batch_features(x[s:s + batch_size])
                 for s in tqdm(starts, desc=f"{self.name} features", disable=not verbose)]
        return np.concatenate(parts)

    def iter_features(self, source, batch_size=64, verbose=0):
        """Yield feature batches from an image array, a list of (HWC) images of any sizes, a folder
        of images, or an iterable of batches (e.g. a ``tf.data`` dataset of images or (image, label))."""
        if isinstance(source, (str, Path)):
            yield from self._folder_features(Path(source), batch_size, verbose)
            return
        if isinstance(source, np.ndarray) or hasattr(source, "shape"):
            yield self(np.asarray(source), batch_size=batch_size, verbose=verbose)
            return
        if isinstance(source, (list, tuple)) and source and np.ndim(source[0]) == 3:
            yield from self._list_features(source, batch_size, verbose)
            return
        for batch in source:
            if isinstance(batch, (tuple, list)):  # (images, labels) from a tf.data pipeline
                batch = batch[0]
            yield self(np.asarray(batch), batch_size=batch_size)

    def _list_features(self, images, batch_size, verbose, desc=None):
        """Images one by one (any sizes: each is prepared to the model's input), in batches."""
        tqdm = _progress(verbose)
        batch = []
        for img in tqdm(images, desc=desc or f"{self.name} features", disable=not verbose):
            if img is None:
                continue
            img = check_images(img, "image", channels=None, rank=3)
            batch.append(np.asarray(self.prepare(img[None]))[0])
            if len(batch) == batch_size:
                yield self._batch_features(np.stack(batch))
                batch = []
        if batch:
            yield self._batch_features(np.stack(batch))

    def _folder_features(self, folder, batch_size, verbose):
        from cv2course.data import image_files, load_image

        files = image_files(folder)
        if not files:
            raise ValueError(f"image folder {str(folder)!r} contains no image files")
        skipped = []

        def read_all():
            for path in files:
                try:
                    yield load_image(path)
                except ValueError:
                    skipped.append(str(path))
                    yield None

        yield from self._list_features(read_all(), batch_size, verbose, desc=f"{self.name} features of {folder.name}")
        if skipped:
            warnings.warn(f"skipped {len(skipped)} unreadable image file(s): {', '.join(skipped[:10])}", stacklevel=3)
        if len(skipped) == len(files):
            raise ValueError(f"image folder {str(folder)!r} contains no readable image")

    def features(self, source, batch_size=64, verbose=0):
        """All features of a source (array, folder, iterable of batches) as one (N, d) array."""
        parts = list(self.iter_features(source, batch_size, verbose))
        if not parts:
            raise ValueError("no images to extract features from")
        return np.concatenate(parts)

    def statistics(self, source, batch_size=64, verbose=0):
        """Streaming mean and covariance of the features of a source (``FeatureStatistics``)."""
        stats = FeatureStatistics(extractor=self.name)
        for part in self.iter_features(source, batch_size, verbose):
            stats.update(part)
        if stats.n == 0:
            raise ValueError("no images to extract features from")
        return stats

    def __repr__(self):
        return f"FeatureExtractor({self.name!r}, input={self.input_size}x{self.channels}, {self.description})"
