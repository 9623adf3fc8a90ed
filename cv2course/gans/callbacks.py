"""Keras callbacks that watch a GAN train: a fixed-noise image grid and a mode-collapse monitor.

``ImageGridMonitor`` decodes the same noise vectors after every epoch, so the frames show
one generator improving (the slide's training-progression grid; optionally a GIF).
``ModeCollapseMonitor`` classifies generated digits with the package's digits classifier
and logs how many classes they cover, the entropy of the class histogram, and the mean
pairwise distance between samples (a collapsed generator repeats itself: all three fall).
"""
from pathlib import Path

import keras
import numpy as np

from cv2course.checks import check_positive
from cv2course.metrics.mode_collapse import class_entropy, classes_covered, mean_pairwise_distance


def _generate(model, z, labels):
    if hasattr(model, "num_classes"):
        return model.generate(labels, z=z)
    return model.generate(z=z)


def _fixed_inputs(model, n, seed, labels):
    z = model.latent_vectors(n, seed)
    if hasattr(model, "num_classes") and labels is None:
        labels = np.arange(n) % model.num_classes
    return z, labels


class ImageGridMonitor(keras.callbacks.Callback):
    """After every ``every`` epochs, decode the same ``n`` noise vectors into a grid.

    Keeps the grids in ``self.frames`` (list of (H, W, C) arrays in [0, 1]) with their epochs
    in ``self.epochs``; writes ``out_dir/epoch_XXXX.png`` when ``out_dir`` is given, the grid
    as a TensorBoard image ("samples", step = epoch) into ``log_dir`` when given (the
    ``TensorBoard`` callback's folder, say), and a GIF of all frames at the end of training
    when ``gif`` names a file. A conditional model
    gets labels 0, 1, …, K−1, 0, … unless ``labels`` is given. Frame 0 (``on_train_begin``)
    shows the untrained generator.
    """

    def __init__(self, n=16, seed=0, every=1, out_dir=None, gif=None, labels=None, ncols=None, gif_duration=0.3,
                 log_dir=None):
        super().__init__()
        self.n = check_positive(n, "n", integer=True)
        self.every = check_positive(every, "every", integer=True)
        self.seed, self.labels, self.ncols, self.gif_duration = seed, labels, ncols, gif_duration
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.gif = None if gif is None else Path(gif)
        self.log_dir = None if log_dir is None else Path(log_dir)
        self._writer = None
        self.frames, self.epochs = [], []
        self._z = None

    def _record(self, epoch):
        from cv2course.viz import image_grid

        if self._z is None:
            self._z, self.labels = _fixed_inputs(self.model, self.n, self.seed, self.labels)
        images = _generate(self.model, self._z, self.labels)
        ncols = self.ncols or (self.model.num_classes if hasattr(self.model, "num_classes") and self.n %
                               self.model.num_classes == 0 else None)
        grid = image_grid(images, ncols=ncols)
        self.frames.append(grid)
        self.epochs.append(epoch)
        if self.out_dir is not None:
            from cv2course.data import save_image

            self.out_dir.mkdir(parents=True, exist_ok=True)
            save_image(self.out_dir / f"epoch_{epoch:04d}.png", grid)
        if self.log_dir is not None:
            import tensorflow as tf

            if self._writer is None:
                self._writer = tf.summary.create_file_writer(str(self.log_dir / "samples"))
            with self._writer.as_default():
                tf.summary.image("samples", grid[None].astype("float32"), step=epoch)
            self._writer.flush()

    def on_train_begin(self, logs=None):
        if not self.frames:
            self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._record(epoch + 1)

    def on_train_end(self, logs=None):
        if self.gif is not None and self.frames:
            from cv2course.viz import save_gif

            self.gif.parent.mkdir(parents=True, exist_ok=True)
            save_gif(self.frames, self.gif, duration=self.gif_duration)


class ModeCollapseMonitor(keras.callbacks.Callback):
    """After every ``every`` epochs, sample ``n`` images and log ``classes_covered``,
    ``class_entropy`` (bits) and ``mean_pairwise_distance`` into the epoch's logs (so they
    appear in ``history.history``) and into ``self.history``.

    ``classifier``: a callable or Keras model mapping 28×28×1 [0, 1] images to class
    probabilities; default the package's digits classifier (trained once, cached).
    ``reference``: real images whose mean pairwise distance is stored as ``self.reference_distance``.
    """

    keys = ("classes_covered", "class_entropy", "mean_pairwise_distance")

    def __init__(self, n=500, seed=0, every=1, classifier=None, num_classes=10, min_share=0.02, reference=None):
        super().__init__()
        self.n = check_positive(n, "n", integer=True)
        if self.n < 2:
            raise ValueError(f"n must be >= 2 (pairwise distances), got {n}")
        self.every = check_positive(every, "every", integer=True)
        self.seed, self.num_classes, self.min_share = seed, int(num_classes), float(min_share)
        self._classifier = classifier
        self.history = {key: [] for key in self.keys}
        self.history["epoch"] = []
        self.reference_distance = None if reference is None else mean_pairwise_distance(reference, seed=seed)

    @property
    def classifier(self):
        if self._classifier is None:
            from cv2course.backbones import digits_classifier

            self._classifier = digits_classifier()
        return self._classifier

    def measure(self, images):
        """{classes_covered, class_entropy, mean_pairwise_distance} of a batch of images in [0, 1]."""
        images = np.asarray(images, dtype=np.float32)
        x = images
        if x.shape[1:] != (28, 28, 1):
            import tensorflow as tf

            x = tf.image.resize(x.mean(axis=-1, keepdims=True), (28, 28), antialias=True).numpy()
        clf = self.classifier
        probs = clf.predict(x, verbose=0) if isinstance(clf, keras.Model) else np.asarray(clf(x))
        labels = np.argmax(probs, axis=-1)
        return {"classes_covered": classes_covered(labels, self.num_classes, self.min_share),
                "class_entropy": class_entropy(labels, self.num_classes),
                "mean_pairwise_distance": mean_pairwise_distance(images, seed=self.seed)}

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        z, labels = _fixed_inputs(self.model, self.n, self.seed, None)
        values = self.measure(_generate(self.model, z, labels))
        for key, value in values.items():
            self.history[key].append(value)
            if logs is not None:
                logs[key] = value
        self.history["epoch"].append(epoch + 1)
