import numpy as np
import pytest
import scipy.linalg

from cv2course.metrics import FeatureStatistics, feature_statistics, frechet_distance, frechet_distance_from_features


def _random_spd(rng, d, cond=100.0):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (q * np.geomspace(1.0, 1.0 / cond, d)) @ q.T


def _scipy_fd(mu1, s1, mu2, s2):
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def test_equal_covariances_leave_the_squared_mean_difference():
    rng = np.random.default_rng(0)
    sigma = _random_spd(rng, 12)
    mu1, mu2 = rng.standard_normal(12), rng.standard_normal(12)
    assert frechet_distance(mu1, sigma, mu2, sigma) == pytest.approx(np.sum((mu1 - mu2) ** 2), rel=1e-9)


@pytest.mark.parametrize("a, b", [(1.0, 4.0), (0.3, 2.5), (2.0, 2.0)])
def test_isotropic_gaussians_closed_form(a, b):
    d = 16
    fd = frechet_distance(np.zeros(d), a * np.eye(d), np.zeros(d), b * np.eye(d))
    assert fd == pytest.approx(d * (np.sqrt(a) - np.sqrt(b)) ** 2, abs=1e-10)


@pytest.mark.parametrize("d", [2, 10, 64])
def test_agrees_with_scipy_sqrtm_on_random_spd_matrices(d):
    rng = np.random.default_rng(d)
    for _ in range(3):
        mu1, mu2 = rng.standard_normal(d), rng.standard_normal(d)
        s1, s2 = _random_spd(rng, d), _random_spd(rng, d, cond=10.0)
        expected = _scipy_fd(mu1, s1, mu2, s2)
        assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-6)
        assert frechet_distance(mu1, s1, mu2, s2, method="sqrtm") == pytest.approx(expected, rel=1e-6)


def test_finite_when_fewer_samples_than_dimensions():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((20, 64)), rng.standard_normal((30, 64)) * 1.5 + 0.3
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    assert np.iscomplexobj(scipy.linalg.sqrtm(s1 @ s2))  # the textbook route goes complex here
    fd = frechet_distance(x.mean(0), s1, y.mean(0), s2)
    assert np.isfinite(fd) and fd > 0
    # singular Σ1 (eigen route) and regular Σ1 (Cholesky route) agree with the symmetric form
    assert fd == pytest.approx(frechet_distance(y.mean(0), s2, x.mean(0), s1), rel=1e-8)
    # and with the exact value from the symmetric square root, computed another way
    w, v = np.linalg.eigh(s1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    tr = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(root1 @ s2 @ root1), 0, None)))
    exact = np.sum((x.mean(0) - y.mean(0)) ** 2) + np.trace(s1) + np.trace(s2) - 2 * tr
    assert fd == pytest.approx(exact, rel=1e-6)


def test_identity_and_symmetry():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((500, 8)), rng.standard_normal((400, 8)) + 1
    assert frechet_distance_from_features(x, x) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance_from_features(x, y) == pytest.approx(frechet_distance_from_features(y, x), rel=1e-10)


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="4x4"):
        frechet_distance(np.zeros(4), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match="same length"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match="finite"):
        frechet_distance(np.array([np.nan, 0]), np.eye(2), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="method"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2), method="svd")


def test_streaming_statistics_equal_numpy_and_do_not_depend_on_batch_size():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((257, 6)) * [1, 2, 3, 4, 5, 6] + 1e4  # large mean: naive sums would lose digits
    for batch in (1, 7, 64, 257):
        stats = FeatureStatistics()
        for start in range(0, len(x), batch):
            stats.update(x[start:start + batch])
        assert stats.n == len(x)
        np.testing.assert_allclose(stats.mu, x.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(stats.sigma, np.cov(x, rowvar=False), rtol=1e-9, atol=1e-9)


def test_merge_equals_one_pass():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((100, 3))
    a, b = FeatureStatistics().update(x[:30]), FeatureStatistics().update(x[30:])
    a.merge(b)
    mu, sigma = feature_statistics(x)
    np.testing.assert_allclose(a.mu, mu)
    np.testing.assert_allclose(a.sigma, sigma)


def test_save_and_load_round_trip_in_ttur_format(tmp_path):
    rng = np.random.default_rng(5)
    stats = FeatureStatistics(extractor="digits-cnn").update(rng.standard_normal((50, 4)))
    path = stats.save(tmp_path / "real.npz")
    with np.load(path) as f:
        np.testing.assert_allclose(f["mu"], stats.mu)
        np.testing.assert_allclose(f["sigma"], stats.sigma)
    loaded = FeatureStatistics.load(path)
    assert loaded.n == 50 and loaded.extractor == "digits-cnn"
    np.testing.assert_allclose(loaded.sigma, stats.sigma)
    # a TTUR file has only mu and sigma: it can be compared but not extended
    np.savez(tmp_path / "ttur.npz", mu=stats.mu, sigma=stats.sigma)
    ttur = FeatureStatistics.load(tmp_path / "ttur.npz")
    assert ttur.frechet_distance(stats) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="sample count"):
        ttur.update(np.zeros((2, 4)))


def test_load_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FeatureStatistics.load(tmp_path / "missing.npz")
    np.savez(tmp_path / "bad.npz", mean=np.zeros(2))
    with pytest.raises(ValueError, match="lacks key"):
        FeatureStatistics.load(tmp_path / "bad.npz")
    with pytest.raises(ValueError, match="at least 2"):
        FeatureStatistics().update(np.zeros((1, 3))).sigma
