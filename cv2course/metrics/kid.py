"""Kernel Inception Distance (Bińkowski et al., 2018): an unbiased MMD² with a cubic kernel.

    k(x, y) = (x·y / d + 1)³
    MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ)

Unlike the FD it has an unbiased estimator, so small samples do not inflate it. With
InceptionV3 pool3 features it is the KID; with other features "KD (extractor)".
"""
import collections

import numpy as np

from cv2course.metrics._blas import small_blas

KernelDistance = collections.namedtuple("KernelDistance", ["mean", "std"])


def polynomial_kernel(x, y, degree=3, coef0=1.0, xp=None):
    """k(x, y) = (x·y / d + coef0)^degree for all pairs of rows: an (len(x), len(y)) matrix.

    ``xp=keras.ops`` evaluates it on tensors (inside a Keras metric); default NumPy float64.
    """
    if xp is None:
        xp = np
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    return (xp.matmul(x, xp.transpose(y)) / x.shape[-1] + coef0) ** degree


def off_diagonal_mean(k, xp=np):
    """Mean of a square kernel matrix without its diagonal (the pairs i ≠ j)."""
    m = k.shape[0]
    return (xp.sum(k) - xp.trace(k)) / (m * (m - 1))


def mmd2_from_means(k_xx_mean, k_yy_mean, k_xy_mean):
    """MMD² = E k(x, x') + E k(y, y') − 2 E k(x, y) from the three kernel means."""
    return k_xx_mean + k_yy_mean - 2.0 * k_xy_mean


def mmd2_unbiased(k_xx, k_yy, k_xy):
    """Unbiased MMD² from the three kernel matrices (diagonals of k_xx and k_yy left out)."""
    m, n = k_xx.shape[0], k_yy.shape[0]
    if m < 2 or n < 2:
        raise ValueError(f"the unbiased MMD² needs at least 2 samples on each side, got {m} and {n}")
    return float(mmd2_from_means(off_diagonal_mean(k_xx), off_diagonal_mean(k_yy), k_xy.mean()))


def _features(x, name):
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features) with at least 2 samples, "
                         f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def kernel_distance(features1, features2, num_subsets=100, subset_size=1000, seed=0):
    """KID of two feature sets: mean ± std of the unbiased MMD² over random subsets.

    Each of ``num_subsets`` rounds draws ``subset_size`` rows (without replacement) from
    each set, as in the paper's code; ``subset_size`` is capped by the smaller set. Two
    samples of one distribution give ≈ 0 (slightly negative values are possible: the
    estimator is unbiased). Returns ``KernelDistance(mean, std)``.
    """
    x = _features(features1, "features1")
    y = _features(features2, "features2")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"features1 and features2 must have the same dimension, got {x.shape[1]} and {y.shape[1]}")
    if isinstance(num_subsets, bool) or not isinstance(num_subsets, (int, np.integer)) or num_subsets < 1:
        raise ValueError(f"num_subsets must be a positive integer, got {num_subsets!r}")
    if isinstance(subset_size, bool) or not isinstance(subset_size, (int, np.integer)) or subset_size < 2:
        raise ValueError(f"subset_size must be an integer >= 2, got {subset_size!r}")
    m = min(subset_size, len(x), len(y))
    rng = np.random.default_rng(seed)
    values = []
    with small_blas(max(m, x.shape[1])):
        for _ in range(num_subsets):
            xs = x[rng.choice(len(x), m, replace=False)]
            ys = y[rng.choice(len(y), m, replace=False)]
            values.append(mmd2_unbiased(polynomial_kernel(xs, xs), polynomial_kernel(ys, ys),
                                        polynomial_kernel(xs, ys)))
    return KernelDistance(float(np.mean(values)), float(np.std(values)))


kernel_inception_distance = kernel_distance
