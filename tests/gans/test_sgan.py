"""Semi-supervised GAN: the K-logit losses against NumPy (and the K + 1-class model they equal),
the data helpers, and the model (fit, evaluate, save/load/resume, XLA, MirroredStrategy, errors)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cv2course.gans import losses as L
from cv2course.experiments import sgan_digits as sgan_experiment
from cv2course.gans import sgan
from tests.distributed import assert_logs_close
from tests.distributed import mirrored_strategy as shared_mirrored_strategy

SIZE, LATENT = 8, 8  # the digits' native 8×8: the smallest DCGAN pair (4 → 8 px)


def _lse(l):
    m = l.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(l - m).sum(axis=-1, keepdims=True)))[..., 0]


def test_log_real_probability_is_log_z_over_z_plus_one():
    logits = np.random.default_rng(0).normal(0, 3, (6, 10))
    z = np.exp(logits).sum(axis=-1)
    np.testing.assert_allclose(np.asarray(L.sgan_log_real_probability(logits)), np.log(z / (z + 1)), rtol=1e-5)
    # stable for large logits, where Z overflows float32
    assert np.isfinite(np.asarray(L.sgan_log_real_probability(np.full((1, 10), 200.0)))).all()


def test_losses_against_numpy_and_the_k_plus_1_class_model():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(0, 2, (5, 10)), rng.normal(0, 2, (7, 10))
    labels = rng.integers(0, 10, 5)
    # K + 1 classes with the fake logit fixed at 0: p(fake | x) = 1 / (Z + 1)
    p_fake_real = 1 / (np.exp(real).sum(-1) + 1)
    p_fake_fake = 1 / (np.exp(fake).sum(-1) + 1)
    want_unsup = -np.mean(np.log(1 - p_fake_real)) - np.mean(np.log(p_fake_fake))
    np.testing.assert_allclose(float(L.sgan_unsupervised_discriminator_loss(real, fake)), want_unsup, rtol=1e-5)
    np.testing.assert_allclose(float(L.sgan_non_saturating_generator_loss(fake)), -np.mean(np.log(1 - p_fake_fake)),
                               rtol=1e-5)
    # the supervised loss is the K-class cross-entropy (the K + 1 model conditioned on "real")
    log_softmax = real - _lse(real)[:, None]
    np.testing.assert_allclose(float(L.sgan_supervised_loss(real, labels)), -np.mean(log_softmax[np.arange(5), labels]),
                               rtol=1e-5)
    np.testing.assert_allclose(float(L.classification_accuracy(real, labels)),
                               np.mean(real.argmax(-1) == labels))
    f_real, f_fake = rng.normal(size=(5, 12)), rng.normal(size=(7, 12))
    np.testing.assert_allclose(float(L.feature_matching_loss(f_real, f_fake)),
                               np.sum((f_real.mean(0) - f_fake.mean(0)) ** 2), rtol=1e-5)


def test_labelled_subset_is_balanced_and_reproducible():
    from cv2course.data import digits

    x, y = digits(size=SIZE, split="train")
    lx, ly = sgan.labelled_subset(x, y, 30, seed=2)
    assert np.bincount(ly, minlength=10).tolist() == [3] * 10
    rows = {r.tobytes() for r in x.reshape(len(x), -1)}
    assert all(r.tobytes() in rows for r in lx.reshape(len(lx), -1))
    np.testing.assert_array_equal(sgan.labelled_subset(x, y, 30, seed=2)[0], lx)
    assert not np.array_equal(sgan.labelled_subset(x, y, 30, seed=3)[0], lx)
    with pytest.raises(ValueError, match="multiple of num_classes"):
        sgan.labelled_subset(x, y, 25)


def test_semi_supervised_dataset_cycles_the_labelled_examples():
    unl = np.zeros((20, SIZE, SIZE, 1), np.float32)
    lab = np.ones((3, SIZE, SIZE, 1), np.float32) * np.arange(3, dtype=np.float32)[:, None, None, None] / 2
    batches = list(sgan.semi_supervised_dataset(lab, np.arange(3), unl, batch_size=6, labelled_batch_size=2))
    assert len(batches) == 3  # one pass over 20 unlabelled images in batches of 6
    for (u, l), y in batches:
        assert u.shape == (6, SIZE, SIZE, 1) and l.shape == (2, SIZE, SIZE, 1) and y.shape == (2,)
        np.testing.assert_allclose(l.numpy()[:, 0, 0, 0], y.numpy() / 2)  # images stay with their labels
    with pytest.raises(ValueError, match="one integer per labelled image"):
        sgan.semi_supervised_dataset(lab, np.arange(4), unl)


def _tiny(dropout=0.25, **kwargs):
    return sgan.SemiSupervisedGAN(image_size=SIZE, base_filters=4, latent_dim=LATENT, dropout=dropout, **kwargs)


def _projection_sampler(seed=0):
    """z = a fixed function of the real batch: the same noise on one device and on two replicas."""
    w = np.random.default_rng(seed).normal(0, 0.2, (SIZE * SIZE, LATENT)).astype(np.float32)

    def sampler(kind, reference, step):
        flat = tf.reshape(reference, (tf.shape(reference)[0], -1))
        return tf.tanh(flat @ w + float(step))
    return sampler


@pytest.fixture(scope="module")
def fitted():
    """A quick-mode fit on the embedded digits, its step compiled with XLA, with test-split validation.
    No dropout and z a fixed function of the batch, so that a later step can be repeated exactly
    (XLA and eager execution draw different random numbers from the same seed)."""
    from cv2course.data import digits

    keras.utils.set_random_seed(0)
    x, y = digits(size=SIZE, split="train")
    lx, ly = sgan.labelled_subset(x, y, 100)
    test = digits(size=SIZE, split="test")
    model = _tiny(dropout=0.0, seed=0)
    model.noise_source = _projection_sampler()
    model.compile(jit_compile=True)
    history = model.fit(sgan.semi_supervised_dataset(lx, ly, x[:96], batch_size=32, labelled_batch_size=16),
                        epochs=2, verbose=0, validation_data=test)
    return model, history, test, (lx, ly, x)


def test_quick_fit_logs_its_trackers_and_evaluate_reports_test_accuracy(fitted):
    model, history, (tx, ty), _ = fitted
    names = [m.name for m in model.metrics]
    assert names == list(sgan.SemiSupervisedGAN.tracker_names)
    assert set(history.history) == set(names) | {"val_supervised_loss", "val_accuracy"}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert model.jit_compile is True and int(model.discriminator_optimizer.iterations.numpy()) == 6
    logs = model.evaluate(tx, ty, batch_size=64, verbose=0, return_dict=True)  # 300 = 4 × 64 + 44
    assert set(logs) == {"supervised_loss", "accuracy"}
    np.testing.assert_allclose(logs["accuracy"], np.mean(model.classify(tx) == ty), atol=1e-6)
    probs = np.asarray(model(tx[:5]))
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)
    assert model.generate(4, seed=1).shape == (4, SIZE, SIZE, 1)


def test_save_load_resumes_with_optimizer_state_and_xla_step_equals_eager(fitted, tmp_path):
    model, _, _, (lx, ly, x) = fitted
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert int(loaded.generator_optimizer.iterations.numpy()) == 6 and loaded.jit_compile is True
    for a, b in zip(model.discriminator_optimizer.variables + model.generator_optimizer.variables,
                    loaded.discriminator_optimizer.variables + loaded.generator_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    loaded.noise_source = model.noise_source  # a callable is not part of the saved config
    # one more step: the original with its XLA-compiled step, the loaded model eagerly (no second trace)
    loaded.run_eagerly = True
    batch = tf.data.Dataset.from_tensors(((x[:32], lx[:16]), ly[:16].astype(np.int32)))
    before = [np.asarray(w) for w in model.generator.weights]
    want = model.fit(batch, verbose=0).history
    got = loaded.fit(batch, verbose=0).history
    assert_logs_close({k: v[0] for k, v in want.items()}, {k: v[0] for k, v in got.items()})
    assert max(np.abs(np.asarray(w) - b).max() for w, b in zip(model.generator.weights, before)) > 1e-5
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6, err_msg=a.path)


def test_labelled_only_baseline_trains_a_fresh_copy_of_the_discriminator():
    from cv2course.data import digits

    x, y = digits(size=SIZE, split="train")
    lx, ly = sgan.labelled_subset(x, y, 50)
    disc = sgan.sgan_discriminator(SIZE, 1, 10, base_filters=4)
    kept = [np.asarray(w) for w in disc.weights]
    baseline = sgan_experiment.labelled_only_classifier(disc, lx, ly, steps=40, learning_rate=1e-2)
    assert all(np.array_equal(np.asarray(w), k) for w, k in zip(disc.weights, kept))  # D itself untouched
    assert baseline.count_params() == disc.count_params()
    probs = baseline.predict(lx, verbose=0)
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)
    assert sgan_experiment.accuracy_of(baseline, lx, ly) > 0.5  # it learns its labelled set (chance: 0.1)


def test_bad_configuration_gives_clear_errors():
    with pytest.raises(ValueError, match="unsupervised_weight"):
        _tiny(unsupervised_weight=-1)
    with pytest.raises(ValueError, match="generator_objective"):
        _tiny(generator_objective="minimax")
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        sgan.sgan_discriminator(SIZE, num_classes=1)
    from cv2course.gans.dcgan_networks import dcgan_discriminator, dcgan_generator

    g = dcgan_generator(SIZE, 1, LATENT, 4)
    with pytest.raises(ValueError, match=r"\[logits \(N, K\), features \(N, F\)\]"):
        sgan.SemiSupervisedGAN(g, dcgan_discriminator(SIZE, 1, 4, outputs=10))
    with pytest.raises(ValueError, match="generator makes images of shape"):
        sgan.SemiSupervisedGAN(g, sgan.sgan_discriminator(16, base_filters=4))
    model = _tiny()
    batch = ((np.zeros((4, SIZE, SIZE, 1), np.float32),) * 2, np.zeros(4, np.int32))
    with pytest.raises(ValueError, match="compile"):
        model.train_step(batch)
    model.compile()
    with pytest.raises(ValueError, match="semi_supervised_dataset"):
        model.train_step((np.zeros((4, SIZE, SIZE, 1), np.float32), np.zeros(4, np.int32)))
    with pytest.raises(ValueError, match="discriminator_optimizer="):
        model.compile(optimizer="adam")


def test_replicas_draw_different_noise():
    mirrored_strategy = shared_mirrored_strategy()
    with mirrored_strategy.scope():
        model = _tiny(seed=3)
    ref = tf.zeros((500, 1))
    z = mirrored_strategy.run(tf.function(lambda: model.sample_z(ref, 0)))
    a, b = (np.asarray(t) for t in mirrored_strategy.experimental_local_results(z))
    assert a.shape == b.shape == (500, LATENT) and not np.allclose(a, b)
    both = np.concatenate([a, b])
    assert abs(both.mean()) < 0.05 and abs(both.std() - 1) < 0.05  # N(0, I): 8000 draws, 4σ ≈ 0.045


def test_noisy_discriminator_adds_gaussian_noise_in_training_only():
    disc = sgan.sgan_discriminator(SIZE, 1, 10, base_filters=4, dropout=0.0, input_noise=0.3, hidden_noise=0.5)
    noise = [layer for layer in disc.layers if isinstance(layer, keras.layers.GaussianNoise)]
    trunk_noise = [layer for layer in disc.get_layer("sgan_discriminator_trunk").layers
                   if isinstance(layer, keras.layers.GaussianNoise)]
    assert [n.stddev for n in noise] == [0.3] and [n.stddev for n in trunk_noise] == [0.5]  # one block at 8 px
    # the same weights as the noise-free network, so the labelled-only baseline can drop the noise
    assert disc.count_params() == sgan.sgan_discriminator(SIZE, 1, 10, base_filters=4, dropout=0.0).count_params()
    x = np.random.default_rng(0).uniform(-1, 1, (4, SIZE, SIZE, 1)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(disc(x)[0]), np.asarray(disc(x)[0]))  # inference: deterministic
    assert not np.allclose(np.asarray(disc(x, training=True)[0]), np.asarray(disc(x, training=True)[0]))
    model = _tiny(input_noise=0.3, hidden_noise=0.5)
    assert any(isinstance(layer, keras.layers.GaussianNoise) for layer in model.discriminator.layers)
    with pytest.raises(ValueError, match="hidden_noise"):
        sgan.sgan_discriminator(SIZE, hidden_noise=-0.1)


