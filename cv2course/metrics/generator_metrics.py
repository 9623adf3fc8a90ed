"""FD, KD and IS of a generator's samples while it trains, as a Keras callback.

The package's GANs, cGANs and VAEs learn from unlabelled batches whose "predictions" are
not images, so ``compile(metrics=[FrechetDistance(...)])`` has nothing to update. Instead,
at the end of an epoch this callback draws ``n`` samples from the model (the same latent
vectors every time, so the curve shows the generator changing, not the noise), computes
the scores with the chosen extractor and writes them into the epoch's logs: they appear
in ``history.history`` under names that carry the extractor, e.g. ``fd_digits_cnn``.

    monitor = GeneratorMetrics(x_test, extractor="digits-cnn", n=500)
    history = gan.fit(data, epochs=10, callbacks=[monitor])
    history.history["fd_digits_cnn"]
"""
import inspect
import re

import keras
import numpy as np

from cv2course.checks import check_positive
from cv2course.metrics.features import get_extractor, statistics_of
from cv2course.metrics.frechet import frechet_distance
from cv2course.metrics.inception import inception_score
from cv2course.metrics.kid import kernel_distance

SCORES = ("fd", "kd", "is")


def metric_key(score, extractor_name):
    """The history key of ``score`` ("fd", "kd", "is") from the named extractor: ``fd_digits_cnn``."""
    return f"{score}_" + re.sub(r"[^0-9a-z]+", "_", extractor_name.lower()).strip("_")


def sample_images(model, n, seed):
    """``n`` images in [0, 1] from a GAN (``generate(n)``), a cGAN (``generate(labels)``, the
    classes in turn) or a VAE (``sample(n)``), the same ones for the same ``seed``."""
    generate = getattr(model, "generate", None)
    if generate is not None:
        first = next(iter(inspect.signature(generate).parameters), None)
        if first == "labels":
            return generate(np.arange(n) % int(model.num_classes), seed=seed)
        return generate(n, seed=seed)
    if hasattr(model, "sample"):
        return model.sample(n, seed=seed)
    raise TypeError(f"cannot sample from a {type(model).__name__}: it has neither generate() nor sample(); "
                    "pass sampler=lambda model, n, seed: images")


class GeneratorMetrics(keras.callbacks.Callback):
    """At the end of every ``every`` epochs: FD (and KD, IS) of ``n`` samples against ``real``.

    ``real``: real images (array or folder) or, for FD only, their statistics (``.npz``).
    ``extractor``: as :func:`cv2course.metrics.get_extractor` ("digits-cnn", "inception",
    a Keras model ...). ``scores``: any of "fd" (Fréchet distance), "kd" (unbiased MMD²
    with KID's cubic kernel, mean over ``num_subsets`` subsets) and "is" (Inception Score
    of the extractor's class probabilities, ``output="probs"``). Logged under
    :func:`metric_key` names (``fd_digits_cnn``, ``kd_inception`` ...); ``labels`` maps each
    key to its printed label ("FD (digits-cnn)"), ``history`` keeps every value with its
    ``epoch``. ``sampler(model, n, seed)`` replaces :func:`sample_images`.
    """

    def __init__(self, real, extractor="digits-cnn", n=500, scores=("fd",), every=1, seed=0, sampler=None,
                 num_subsets=10, subset_size=1000, batch_size=64):
        super().__init__()
        scores = (scores,) if isinstance(scores, str) else tuple(scores)
        unknown = [s for s in scores if s not in SCORES]
        if unknown or not scores:
            raise ValueError(f"scores must name some of {SCORES}, got {scores!r}")
        self.n = int(check_positive(n, "n", integer=True))
        if self.n < 2:
            raise ValueError(f"n must be >= 2 (a covariance needs two samples), got {n}")
        self.every = int(check_positive(every, "every", integer=True))
        self.scores, self.seed, self.sampler = scores, seed, sampler or sample_images
        self.num_subsets, self.subset_size, self.batch_size = int(num_subsets), int(subset_size), int(batch_size)
        self.extractor = get_extractor(extractor)
        self.real_stats = statistics_of(real, self.extractor, batch_size) if "fd" in scores else None
        self.real_features = self.extractor.features(real, batch_size) if "kd" in scores else None
        self.classifier = get_extractor(extractor, "probs") if "is" in scores else None
        name = self.extractor.name
        self.keys = {score: metric_key(score, name) for score in scores}
        self.labels = {self.keys[s]: self.extractor.label({"fd": "FD", "kd": "KD", "is": "IS"}[s]) for s in scores}
        self.history = {key: [] for key in self.keys.values()}
        self.history["epoch"] = []

    def scores_of(self, images):
        """{key: value} of these images, computed exactly as at the end of an epoch."""
        out = {}
        if "fd" in self.scores:
            stats = self.extractor.statistics(images, self.batch_size)
            out[self.keys["fd"]] = float(frechet_distance(self.real_stats.mu, self.real_stats.sigma,
                                                          stats.mu, stats.sigma))
        if "kd" in self.scores:
            feats = self.extractor.features(images, self.batch_size)
            out[self.keys["kd"]] = float(kernel_distance(self.real_features, feats, self.num_subsets,
                                                         self.subset_size, seed=self.seed).mean)
        if "is" in self.scores:
            probs = self.classifier.features(images, self.batch_size)
            out[self.keys["is"]] = float(inception_score(probs, splits=min(10, len(probs)), seed=self.seed).mean)
        return out

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        images = np.asarray(self.sampler(self.model, self.n, self.seed), np.float32)
        values = self.scores_of(images)
        if logs is not None:
            logs.update(values)
        for key, value in values.items():
            self.history[key].append(value)
        self.history["epoch"].append(epoch + 1)
