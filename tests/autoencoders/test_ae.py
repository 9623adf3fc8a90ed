import keras
import numpy as np
import pytest
from keras import ops

from cv2course.autoencoders import ae, sequences
from tests.autoencoders.roundtrip import assert_fit_evaluate_save_load_resume, tiny_digits

SHAPE = (16, 16, 1)
# A fixed salt-and-pepper pattern: the same corruption on every replica (random draws differ per replica).
_MASK = np.random.default_rng(0).random(SHAPE) < 0.2


def fixed_noise(x):
    return ops.where(_MASK, ops.ones_like(x), x)


def dense_ae():
    return ae.dense_autoencoder(SHAPE, latent_dim=4, hidden=(16,))


def conv_ae():
    return ae.conv_autoencoder(SHAPE, latent_dim=4, filters=(4, 8), dense_units=16)


def denoising_ae(noise_fn=None):
    model = ae.DenoisingAutoencoder(ae.conv_encoder(SHAPE, 4, (4, 8), 16), ae.conv_decoder(4, SHAPE, (8, 4), 16),
                                    noise="salt_and_pepper", strength=0.2, seed=3)
    model.noise_source = None if noise_fn is None else (lambda kind, x, step: noise_fn(x))
    return model


def sparse_ae(kind):
    code_activation = "sigmoid" if kind == "kl" else "relu"
    return ae.SparseAutoencoder(ae.dense_encoder(SHAPE, 8, (16,), code_activation=code_activation),
                                ae.dense_decoder(8, SHAPE, (16,)), sparsity=kind)


# One round trip per model class (the dense builder is covered by the parity and term tests).
BUILDERS = {"conv": conv_ae, "denoising": denoising_ae, "sparse_kl": lambda: sparse_ae("kl")}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_fit_evaluate_save_load_and_resume(name, tmp_path):
    x, x_val = tiny_digits()
    assert_fit_evaluate_save_load_resume(BUILDERS[name], x, x_val, tmp_path)


def test_each_replica_corrupts_its_share_with_its_own_noise(mirrored):
    """Replica parity itself is tests/test_parity.py; here: the corruption is not one draw copied to every replica."""
    import tensorflow as tf

    with mirrored.scope():
        model = denoising_ae()
    out = mirrored.run(tf.function(lambda: model.corrupt(tf.fill((1,) + SHAPE, 0.5))))
    first, second = (t.numpy() for t in mirrored.experimental_local_results(out))
    assert not np.array_equal(first, second)


def test_lstm_autoencoder_fits_round_trips_and_its_anomaly_score_is_the_sequence_mse(tmp_path):
    x, _ = sequences.ecg_waves(64, length=16, anomaly_fraction=0.25, seed=1)
    build = lambda: ae.LSTMAutoencoder(timesteps=16, features=1, latent_dim=4, units=8)  # noqa: E731
    model, _ = assert_fit_evaluate_save_load_resume(build, x[:32], x[32:], tmp_path)
    scores = model.anomaly_scores(x)
    x_hat = model.reconstruct(x)
    assert x_hat.shape == x.shape
    np.testing.assert_allclose(scores, ((x - x_hat) ** 2).mean(axis=(1, 2)), rtol=1e-5)


def test_tracked_terms_are_the_formulas_on_the_model_outputs():
    x, _ = tiny_digits(32)
    for kind in ("l1", "kl"):
        model = sparse_ae(kind)
        model.compile()
        logs = model.evaluate(x, batch_size=len(x), verbose=0, return_dict=True)
        code, x_hat = model.encode(x), model.reconstruct(x)
        rec = ((x - x_hat) ** 2).sum(axis=(1, 2, 3)).mean()
        if kind == "l1":
            penalty = np.abs(code).sum(axis=1).mean()
        else:
            rho_hat = code.mean(axis=0).astype(np.float64)
            penalty = np.sum(0.05 * np.log(0.05 / rho_hat) + 0.95 * np.log(0.95 / (1 - rho_hat)))
        np.testing.assert_allclose(logs["reconstruction"], rec, rtol=1e-5)
        np.testing.assert_allclose(logs["sparsity"], penalty, rtol=1e-4)
        np.testing.assert_allclose(logs["loss"], rec + model.weight * penalty, rtol=1e-5)


def test_denoising_autoencoder_trains_on_corrupted_inputs_against_clean_targets():
    keras.utils.set_random_seed(0)  # an initialisation whose output depends on its input (not all-dead ReLUs)
    x, _ = tiny_digits(32)
    model = denoising_ae(noise_fn=fixed_noise)
    model.compile()
    noisy = np.asarray(fixed_noise(ops.convert_to_tensor(x)))
    logs = model.evaluate(x, batch_size=len(x), verbose=0, return_dict=True)
    expected = ((x - model.reconstruct(noisy)) ** 2).sum(axis=(1, 2, 3)).mean()
    np.testing.assert_allclose(logs["reconstruction"], expected, rtol=1e-5)
    clean = ((x - model.reconstruct(x)) ** 2).sum(axis=(1, 2, 3)).mean()
    assert not np.isclose(expected, clean)
    # The model's own random corruption: salt-and-pepper at the requested fraction.
    model.noise_source = None
    flat = np.full((64, 16, 16, 1), 0.5, np.float32)
    changed = np.asarray(model.corrupt(ops.convert_to_tensor(flat))) != 0.5
    assert changed.mean() == pytest.approx(0.2, abs=0.02)


def test_builders_reject_bad_latent_sizes_and_shapes():
    for latent in (0, -2, 2.5):
        with pytest.raises(ValueError, match="latent_dim"):
            ae.dense_encoder(SHAPE, latent)
        with pytest.raises(ValueError, match="latent_dim"):
            ae.conv_decoder(latent, SHAPE)
    with pytest.raises(ValueError, match="latent_dim"):
        ae.LSTMAutoencoder(16, 1, latent_dim=0)
    with pytest.raises(ValueError, match="divisible"):
        ae.conv_encoder((15, 15, 1), 2)
    with pytest.raises(ValueError, match="input_shape"):
        ae.dense_encoder((16, 0, 1), 2)


def test_models_reject_mismatched_parts_and_wrong_inputs():
    with pytest.raises(TypeError, match="encoder must be a keras.Model"):
        ae.Autoencoder("encoder", ae.dense_decoder(4, SHAPE))
    with pytest.raises(ValueError, match="code size"):
        ae.Autoencoder(ae.dense_encoder(SHAPE, 4), ae.dense_decoder(3, SHAPE))
    with pytest.raises(ValueError, match="output shape"):
        ae.Autoencoder(ae.dense_encoder(SHAPE, 4), ae.dense_decoder(4, (8, 8, 1)))
    with pytest.raises(ValueError, match="VAE"):
        ae.Autoencoder(ae.dense_encoder(SHAPE, 4, variational=True), ae.dense_decoder(4, SHAPE))
    with pytest.raises(ValueError, match="noise must be one of"):
        ae.DenoisingAutoencoder(ae.dense_encoder(SHAPE, 4), ae.dense_decoder(4, SHAPE), noise="speckle")
    with pytest.raises(ValueError, match="target"):
        ae.SparseAutoencoder(ae.dense_encoder(SHAPE, 4), ae.dense_decoder(4, SHAPE), target=1.5)
    model = dense_ae()
    model.compile()
    wrong = np.zeros((4, 28, 28, 1), np.float32)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 16, 16, 1\), got \(4, 28, 28, 1\)"):
        model.encode(wrong)
    with pytest.raises(ValueError, match=r"shape \(batch, 16, 16, 1\)"):
        model.fit(wrong, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"z must have shape \(batch, 4\)"):
        model.decode(np.zeros((2, 3), np.float32))
