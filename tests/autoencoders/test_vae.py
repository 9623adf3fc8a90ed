import numpy as np
import pytest
from keras import ops

from cv2course.autoencoders import ae, losses, vae
from tests.autoencoders.roundtrip import assert_fit_evaluate_save_load_resume, tiny_digits

SHAPE = (16, 16, 1)


def tiny_vae(latent_dim=2, beta=1.0):
    return vae.conv_vae(SHAPE, latent_dim, filters=(4, 8), dense_units=16, beta=beta, seed=5)


def smooth_epsilon(z_mean):
    """A deterministic stand-in for ε: a fixed function of each example's μ, so that every
    replica draws the same ε for the same example as one device does."""
    return ops.cos(3.0 * z_mean + 1.0)


def test_reparameterize_is_mu_plus_sigma_epsilon():
    mu = np.array([[0.5, -1.0]], np.float32)
    log_var = np.log(np.array([[4.0, 0.25]], np.float32))
    eps = np.array([[1.0, 2.0]], np.float32)
    np.testing.assert_allclose(vae.reparameterize(mu, log_var, eps), [[0.5 + 2.0, -1.0 + 0.5 * 2.0]], rtol=1e-6)


def test_sampling_layer_draws_have_the_encoder_mean_and_variance():
    n = 200_000
    mu = np.tile(np.array([[1.0, -2.0, 0.0]], np.float32), (n, 1))
    var = np.array([0.25, 4.0, 1.0], np.float32)
    log_var = np.tile(np.log(var)[None], (n, 1))
    z = np.asarray(vae.Sampling(seed=1)([mu, log_var]))
    sd_of_mean = np.sqrt(var / n)
    assert np.all(np.abs(z.mean(axis=0) - mu[0]) < 5 * sd_of_mean)
    np.testing.assert_allclose(z.var(axis=0), var, rtol=5 * np.sqrt(2.0 / n))
    # Different calls draw different ε; the given ε is used as is.
    layer = vae.Sampling(seed=1)
    assert not np.allclose(layer([mu[:4], log_var[:4]]), layer([mu[:4], log_var[:4]]))
    np.testing.assert_allclose(layer([mu[:2], log_var[:2]], epsilon=np.zeros((2, 3), np.float32)), mu[:2])


def test_vae_fits_validates_round_trips_and_resumes(tmp_path):
    x, x_val = tiny_digits()
    assert_fit_evaluate_save_load_resume(tiny_vae, x, x_val, tmp_path)


def test_test_step_terms_are_the_closed_forms_on_encoder_outputs():
    x, _ = tiny_digits(32)
    model = tiny_vae(beta=4.0)
    model.compile()
    model.noise_source = lambda kind, z_mean, step: ops.zeros_like(z_mean)  # z = μ: the reconstruction becomes deterministic
    logs = model.evaluate(x, batch_size=len(x), verbose=0, return_dict=True)
    mu, log_var = model.encode(x)
    kl = (-0.5 * (1 + log_var - mu ** 2 - np.exp(log_var)).sum(axis=1)).mean()
    rec = ((x - model.reconstruct(x)) ** 2).sum(axis=(1, 2, 3)).mean()
    np.testing.assert_allclose(logs["kl"], kl, rtol=1e-5)
    np.testing.assert_allclose(logs["reconstruction"], rec, rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], rec + 4.0 * kl, rtol=1e-5)
    np.testing.assert_allclose(logs["kl"], np.mean(losses.vae_kl(mu, log_var)), rtol=1e-5)


def test_encode_decode_sample_interpolate():
    x, _ = tiny_digits(8)
    model = tiny_vae(latent_dim=3)
    mu, log_var = model.encode(x)
    assert mu.shape == log_var.shape == (8, 3)
    np.testing.assert_allclose(model.reconstruct(x), model.decode(mu), atol=1e-6)
    a, b = model.sample(5, seed=0), model.sample(5, seed=0)
    assert a.shape == (5,) + SHAPE and np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1
    path = model.interpolate(x[0], x[1], steps=6)
    assert path.shape == (6,) + SHAPE
    np.testing.assert_allclose(path[0], model.decode(mu[:1])[0], atol=1e-6)
    np.testing.assert_allclose(path[-1], model.decode(mu[1:2])[0], atol=1e-6)
    middle = model.decode(0.5 * (mu[:1] + mu[1:2]))[0]
    assert not np.allclose(middle, path[0])


def test_vae_rejects_bad_parts_and_inputs():
    with pytest.raises(ValueError, match=r"\[z_mean, z_log_var\]"):
        vae.VAE(ae.dense_encoder(SHAPE, 2), ae.dense_decoder(2, SHAPE))
    with pytest.raises(ValueError, match="latent size"):
        vae.VAE(ae.dense_encoder(SHAPE, 2, variational=True), ae.dense_decoder(3, SHAPE))
    with pytest.raises(ValueError, match="beta"):
        vae.dense_vae(SHAPE, 2, hidden=(8,), beta=-1.0)
    for latent in (0, -1):
        with pytest.raises(ValueError, match="latent_dim"):
            vae.conv_vae(SHAPE, latent)
    model = tiny_vae()
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 16, 16, 1\)"):
        model.encode(np.zeros((2, 16, 16, 3), np.float32))
    with pytest.raises(ValueError, match=r"z must have shape \(batch, 2\)"):
        model.decode(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match="n must be"):
        model.sample(0)


def test_the_epsilon_stream_survives_save_weights_as_backup_and_restore_uses_it(tmp_path):
    """BackupAndRestore keeps ``model.save_weights`` files: a model restored from one draws the ε an
    uninterrupted fit would (the seed generator's state is saved with the weights)."""
    x, _ = tiny_digits(32)
    import keras

    def fit_epoch(model):
        model.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)

    keras.utils.set_random_seed(0)
    model = tiny_vae()
    model.compile(optimizer=keras.optimizers.SGD(0.01))
    fit_epoch(model)
    model.save_weights(tmp_path / "backup.weights.h5")
    fit_epoch(model)  # the uninterrupted run's second epoch
    keras.utils.set_random_seed(1)  # a new process: other global seeds
    restored = vae.conv_vae(SHAPE, 2, filters=(4, 8), dense_units=16, seed=7)  # even another constructor seed
    restored.compile(optimizer=keras.optimizers.SGD(0.01))
    restored.load_weights(tmp_path / "backup.weights.h5")
    fit_epoch(restored)
    for a, b in zip(model.weights, restored.weights):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6, err_msg=a.path)
