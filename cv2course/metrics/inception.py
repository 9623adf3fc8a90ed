"""Inception Score (Salimans et al., 2016).

    IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = E_x p(y|x)

High when each image is classified confidently (sharp p(y|x): quality) and the classes
are spread evenly (flat p(y): diversity). It ranges from 1 to the number of classes K.
As in the paper, the samples are split into ``splits`` parts (10 by default) and the mean
and standard deviation of the per-part scores are reported.
"""
import collections

import numpy as np

from cv2course.metrics.divergences import kl_divergence

InceptionScore = collections.namedtuple("InceptionScore", ["mean", "std"])


def _check_probs(probs):
    try:
        p = np.asarray(probs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"probs must be an (N, K) array of class probabilities, got {type(probs).__name__}") from exc
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(f"probs must be an (N, K) array of class probabilities with K >= 2, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probs must be finite and non-negative (softmax outputs)")
    rows = p.sum(axis=1)
    if np.any(np.abs(rows - 1.0) > 1e-3):
        raise ValueError(f"each row of probs must sum to 1 (a softmax output); row sums range "
                         f"{rows.min():.4g}..{rows.max():.4g}")
    return p / rows[:, None]


def inception_score(probs, splits=10, shuffle=True, seed=0):
    """Inception Score of class probabilities p(y|x) (N, K): ``InceptionScore(mean, std)``.

        IS = exp( mean_x KL( p(y|x) ‖ p(y) ) ) within each split, p(y) = that split's mean

    The rows are shuffled with ``seed`` (``shuffle=False`` keeps their order) and cut into
    ``splits`` nearly equal parts. Zero probabilities are fine (0·log 0 = 0).
    """
    p = _check_probs(probs)
    if isinstance(splits, bool) or not isinstance(splits, (int, np.integer)) or splits < 1:
        raise ValueError(f"splits must be a positive integer, got {splits!r}")
    if splits > p.shape[0]:
        raise ValueError(f"splits ({splits}) cannot exceed the number of samples ({p.shape[0]})")
    if shuffle:
        p = p[np.random.default_rng(seed).permutation(p.shape[0])]
    scores = []
    for part in np.array_split(p, splits):
        marginal = np.broadcast_to(part.mean(axis=0), part.shape)
        scores.append(np.exp(np.mean(kl_divergence(part, marginal, axis=1))))
    return InceptionScore(float(np.mean(scores)), float(np.std(scores)))


def classifier_probabilities(images, classifier="digits-cnn", batch_size=64, verbose=0):
    """p(y|x) of [0, 1] NHWC images from a classifier: "inception" (ImageNet InceptionV3,
    1000 classes), "digits-cnn" (the package's digits classifier, 10 classes) or a Keras
    model ending in a softmax. Images are resized and converted as the extractor documents.
    """
    from cv2course.metrics.features import get_extractor

    return get_extractor(classifier, output="probs")(images, batch_size=batch_size, verbose=verbose)


def inception_score_of_images(images, classifier="digits-cnn", splits=10, batch_size=64, seed=0, verbose=0):
    """Inception Score of images through a classifier; returns a labelled ``Score``.

    "IS" only with the ImageNet InceptionV3; otherwise "IS (digits-cnn)" etc.
    """
    from cv2course.metrics.features import Score, get_extractor

    extractor = get_extractor(classifier, output="probs")
    probs = extractor(images, batch_size=batch_size, verbose=verbose)
    mean, std = inception_score(probs, splits=min(splits, len(probs)), seed=seed)
    return Score(extractor.label("IS"), mean, std, n=len(probs), extractor=extractor.name)
