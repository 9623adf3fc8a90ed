import numpy as np
import pytest

from cv2course.metrics import inception_score, kl_divergence


@pytest.mark.parametrize("k", [2, 5, 10])
def test_balanced_one_hot_predictions_score_the_number_of_classes(k):
    probs = np.eye(k)[np.arange(20 * k) % k]
    mean, std = inception_score(probs, splits=1)
    assert mean == pytest.approx(k) and std == 0.0
    # splits without shuffling stay balanced when each split holds whole cycles
    mean, std = inception_score(probs, splits=4, shuffle=False)
    assert mean == pytest.approx(k) and std == pytest.approx(0.0, abs=1e-12)


def test_identical_predictions_score_one_and_zero_probabilities_give_no_nan():
    probs = np.tile([0.0, 1.0, 0.0], (30, 1))
    assert inception_score(probs, splits=3) == pytest.approx((1.0, 0.0))
    soft = np.tile([0.2, 0.3, 0.5], (30, 1))
    assert inception_score(soft, splits=3).mean == pytest.approx(1.0)


def test_matches_the_formula_with_kl_and_is_seeded():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.full(10, 0.3), size=200)
    expected = np.exp(np.mean(kl_divergence(probs, np.broadcast_to(probs.mean(0), probs.shape), axis=1)))
    assert inception_score(probs, splits=1).mean == pytest.approx(expected)
    assert inception_score(probs, seed=3) == inception_score(probs, seed=3)
    parts = np.array_split(probs, 5)
    manual = [np.exp(np.mean(kl_divergence(p, np.broadcast_to(p.mean(0), p.shape), axis=1))) for p in parts]
    assert inception_score(probs, splits=5, shuffle=False) == pytest.approx((np.mean(manual), np.std(manual)))


def test_bounds_and_errors():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.full(4, 0.5), size=100)
    mean, _ = inception_score(probs, splits=1)
    assert 1.0 <= mean <= 4.0
    with pytest.raises(ValueError, match="sum to 1"):
        inception_score(probs * 2)
    with pytest.raises(ValueError, match="splits"):
        inception_score(probs[:5], splits=10)
    with pytest.raises(ValueError, match=r"\(N, K\)"):
        inception_score(probs[0])
