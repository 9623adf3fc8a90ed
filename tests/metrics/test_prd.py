import numpy as np
import pytest

from cv2course.metrics import knn_radii, precision_recall


def test_collapsed_generator_has_high_precision_and_low_recall():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [6, 0], [0, 6], [6, 6]], dtype=float)
    real = np.concatenate([c + rng.standard_normal((100, 2)) for c in centres])
    collapsed = centres[0] + 0.3 * rng.standard_normal((400, 2))
    pr = precision_recall(real, collapsed)
    assert pr.precision > 0.9 and pr.recall < 0.4
    # an over-spread generator is the opposite
    spread = rng.uniform(-10, 16, size=(400, 2))
    pr = precision_recall(real, spread)
    assert pr.precision < 0.5 and pr.recall > 0.9
    # the same distribution scores high on both
    pr = precision_recall(real, np.concatenate([c + rng.standard_normal((100, 2)) for c in centres]))
    assert pr.precision > 0.8 and pr.recall > 0.8


def test_knn_radius_is_the_kth_neighbour_distance():
    points = np.array([[0.0], [1.0], [3.0], [7.0]])
    np.testing.assert_allclose(knn_radii(points, k=1), [1, 1, 2, 4])
    np.testing.assert_allclose(knn_radii(points, k=3), [7, 6, 4, 7])


def test_errors():
    with pytest.raises(ValueError, match="more than k"):
        precision_recall(np.zeros((3, 2)), np.zeros((10, 2)))
    with pytest.raises(ValueError, match="same dimension"):
        precision_recall(np.zeros((10, 2)), np.zeros((10, 3)))
