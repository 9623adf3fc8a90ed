"""Precision and recall of a generator with k-nearest-neighbour balls (Kynkäänniemi et al., 2019).

Each sample gets a ball reaching its k-th nearest neighbour in its own set (k = 3); the
union of the balls approximates that set's manifold.

    precision = fraction of generated samples inside the real manifold   (quality)
    recall    = fraction of real samples inside the generated manifold   (coverage)

A collapsed generator has high precision and low recall; a blurry, over-spread one the
opposite. FID mixes both into one number; these two separate them.
"""
import collections

import numpy as np

from cv2course.metrics._blas import small_blas

PrecisionRecall = collections.namedtuple("PrecisionRecall", ["precision", "recall"])


def _features(x, name, k):
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape {arr.shape}")
    if arr.shape[0] <= k:
        raise ValueError(f"{name} needs more than k={k} samples for k-nearest-neighbour balls, got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def pairwise_distances(a, b, chunk=1024):
    """Euclidean distances between the rows of a and b, computed in chunks to bound memory."""
    b_sq = np.sum(b * b, axis=1)
    out = np.empty((a.shape[0], b.shape[0]))
    for start in range(0, a.shape[0], chunk):
        block = a[start:start + chunk]
        sq = np.sum(block * block, axis=1)[:, None] + b_sq[None, :] - 2.0 * block @ b.T
        out[start:start + chunk] = np.sqrt(np.clip(sq, 0.0, None))
    return out


def knn_radii(features, k=3):
    """Distance from each row to its k-th nearest other row (the ball's radius)."""
    d = pairwise_distances(features, features)
    np.fill_diagonal(d, np.inf)
    return np.partition(d, k - 1, axis=1)[:, k - 1]


def manifold_coverage(reference, queries, k=3):
    """Fraction of ``queries`` inside at least one k-NN ball of ``reference``."""
    radii = knn_radii(reference, k)
    d = pairwise_distances(queries, reference)
    return float(np.mean(np.any(d <= radii[None, :], axis=1)))


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall with k-NN balls (k = 3 as in the paper).

    Returns ``PrecisionRecall(precision, recall)``, both in [0, 1].
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    real = _features(real_features, "real_features", k)
    fake = _features(fake_features, "fake_features", k)
    if real.shape[1] != fake.shape[1]:
        raise ValueError("real and fake features must have the same dimension, "
                         f"got {real.shape[1]} and {fake.shape[1]}")
    with small_blas(max(real.shape[1], min(len(real), len(fake)))):
        return PrecisionRecall(manifold_coverage(real, fake, k), manifold_coverage(fake, real, k))
