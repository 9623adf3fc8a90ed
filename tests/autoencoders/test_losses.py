import numpy as np
import pytest
from scipy import integrate, special, stats

from cv2course.autoencoders import losses


def _kl_by_integration(mu, sigma):
    """KL[N(mu, sigma²) ‖ N(0, 1)] = ∫ p log(p/q), numerically."""
    p, q = stats.norm(mu, sigma), stats.norm(0.0, 1.0)
    lo, hi = mu - 12 * sigma, mu + 12 * sigma
    return integrate.quad(lambda z: p.pdf(z) * (p.logpdf(z) - q.logpdf(z)), lo, hi, limit=200)[0]


def test_vae_kl_matches_numerical_integration_for_known_mu_sigma():
    mu = np.array([[0.0, 0.7, -1.2], [2.0, 0.0, 0.3]], np.float32)
    sigma = np.array([[1.0, 0.5, 2.0], [0.3, 1.5, 1.0]], np.float32)
    got = np.asarray(losses.vae_kl(mu, np.log(sigma ** 2)))
    expected = [sum(_kl_by_integration(m, s) for m, s in zip(mr, sr)) for mr, sr in zip(mu, sigma)]
    assert got.shape == (2,)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_vae_kl_is_zero_only_at_the_prior():
    assert float(losses.vae_kl(np.zeros((1, 4)), np.zeros((1, 4)))[0]) == 0.0
    assert float(losses.vae_kl(np.full((1, 4), 0.1), np.zeros((1, 4)))[0]) > 0


def test_reconstruction_loss_sums_over_pixels_per_example():
    rng = np.random.default_rng(0)
    x, x_hat = rng.random((3, 4, 5, 2), np.float32), rng.random((3, 4, 5, 2), np.float32)
    np.testing.assert_allclose(losses.reconstruction_loss(x, x_hat), ((x - x_hat) ** 2).sum(axis=(1, 2, 3)), rtol=1e-6)
    np.testing.assert_allclose(losses.mean_squared_error(x, x_hat), ((x - x_hat) ** 2).mean(axis=(1, 2, 3)), rtol=1e-6)
    with pytest.raises(ValueError, match="same shape"):
        losses.reconstruction_loss(x, x_hat[:, :3])


def _sparse_kl_numpy(rho, rho_hat):
    return np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))


def test_sparse_kl_matches_a_numpy_transcription_and_bernoulli_kl():
    rho_hat = np.array([0.01, 0.05, 0.2, 0.5, 0.93], np.float32)
    got = float(losses.sparse_kl(0.05, rho_hat))
    np.testing.assert_allclose(got, _sparse_kl_numpy(0.05, rho_hat.astype(np.float64)), rtol=1e-5)
    bernoulli = special.rel_entr(0.05, rho_hat) + special.rel_entr(0.95, 1 - rho_hat)
    np.testing.assert_allclose(got, bernoulli.sum(), rtol=1e-5)
    assert float(losses.sparse_kl(0.05, np.full(6, 0.05, np.float32))) == pytest.approx(0.0, abs=1e-6)


def test_sparse_kl_is_finite_for_dead_units_and_rejects_bad_targets():
    assert np.isfinite(float(losses.sparse_kl(0.1, np.array([0.0, 1.0], np.float32))))
    for rho in (0.0, 1.0, -0.2):
        with pytest.raises(ValueError, match="rho"):
            losses.sparse_kl(rho, np.array([0.5], np.float32))


def test_l1_activity_and_negative_elbo():
    code = np.array([[1.0, -2.0, 0.0], [0.5, 0.5, -0.5]], np.float32)
    np.testing.assert_allclose(losses.l1_activity(code), [3.0, 1.5])
    x = np.zeros((2, 3, 3, 1), np.float32)
    x_hat = np.full_like(x, 0.5)
    mu, log_var = np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)
    np.testing.assert_allclose(losses.negative_elbo(x, x_hat, mu, log_var, beta=4.0),
                               np.full(2, 9 * 0.25 + 4.0 * 1.0), rtol=1e-6)


def test_losses_of_16_bit_tensors_are_float32():
    from keras import ops

    x = np.random.default_rng(0).random((2, 4, 4, 1)).astype(np.float32)
    for dtype in ("bfloat16", "float16"):
        half = ops.cast(x, dtype)
        assert losses.reconstruction_loss(x, half).dtype == "float32"
        assert losses.vae_kl(half[:, 0, :, 0], half[:, 1, :, 0]).dtype == "float32"
