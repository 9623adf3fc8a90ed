import numpy as np
import pytest

from cv2course.metrics import kernel_distance, mmd2_unbiased, polynomial_kernel


def _direct_mmd2(x, y):
    """The unbiased MMD² with k(a, b) = (a·b/d + 1)³ written as explicit loops."""
    d = x.shape[1]
    k = lambda a, b: (a @ b / d + 1.0) ** 3  # noqa: E731
    m, n = len(x), len(y)
    kxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    kyy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    kxy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return kxx + kyy - 2 * kxy


def test_matches_a_direct_numpy_mmd():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((25, 5)), rng.standard_normal((25, 5)) + 0.5
    direct = _direct_mmd2(x, y)
    k = polynomial_kernel
    assert mmd2_unbiased(k(x, x), k(y, y), k(x, y)) == pytest.approx(direct, rel=1e-10)
    # one subset holding every sample is the plain estimate
    mean, std = kernel_distance(x, y, num_subsets=1, subset_size=25)
    assert mean == pytest.approx(direct, rel=1e-10) and std == 0.0


def test_near_zero_for_one_distribution_and_larger_for_another():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((600, 8)), rng.standard_normal((600, 8))
    same = kernel_distance(x, y, num_subsets=20, subset_size=300)
    shifted = kernel_distance(x, y + 0.5, num_subsets=20, subset_size=300)
    assert abs(same.mean) < 3 * same.std + 1e-3
    assert shifted.mean > 10 * abs(same.mean) and shifted.mean > 5 * shifted.std


def test_seeded_and_validated():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((50, 3)), rng.standard_normal((40, 3))
    assert kernel_distance(x, y, 5, 20, seed=1) == kernel_distance(x, y, 5, 20, seed=1)
    with pytest.raises(ValueError, match="same dimension"):
        kernel_distance(x, y[:, :2])
    with pytest.raises(ValueError, match="num_subsets"):
        kernel_distance(x, y, num_subsets=0)
