"""GAN (Algorithm 1): fresh real batch per discriminator step, counted steps, trackers, the
first step against the loss formulas, save/load/resume, XLA (parity: tests/test_parity.py)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cv2course.data import digits
from cv2course.gans import losses as L
from cv2course.gans.gan import GAN, critic_batches
from cv2course.gans.sampling import real_minibatches
from tests.distributed import assert_logs_close, first_step_logs
from tests.gans.helpers import (TINY, deterministic, fit_save_load, real_batches_seen, recording_discriminator,
                                row_latents)

@pytest.fixture(scope="module")
def images():
    return digits(28, "train")[0][:48]


def test_real_minibatches_is_strided_and_partition_invariant():
    batch = tf.range(12)
    parts = [p.numpy().tolist() for p in real_minibatches(batch, 3)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]
    # Two replicas' halves split the same way give the same per-step batches.
    halves = [real_minibatches(batch[:6], 3), real_minibatches(batch[6:], 3)]
    assert [sorted(h[0][i].numpy().tolist() + h[1][i].numpy().tolist()) for i in range(3) for h in [halves]] == parts
    with pytest.raises(ValueError, match="at least 3 examples"):
        real_minibatches(tf.zeros((2, 4)), 3)


def test_critic_batches_sizes_and_errors(images):
    ds = critic_batches(images, batch_size=4, steps=3)
    shapes = [tuple(b.shape) for b in ds]
    assert shapes == [(12, 28, 28, 1)] * 4
    with pytest.raises(ValueError, match="fewer than one batch"):
        critic_batches(images[:5], batch_size=4, steps=3)
    with pytest.raises(ValueError, match=r"\[0.0, 1.0\]"):
        critic_batches(images * 2 - 1, batch_size=4)


def test_k_discriminator_steps_each_on_a_distinct_fresh_real_batch(images):
    disc, recorder = recording_discriminator()
    model = GAN(discriminator=disc, discriminator_steps=3, **TINY)
    model.compile(run_eagerly=True)
    batch = images[:12]
    model.train_on_batch(batch)
    assert int(model.discriminator_optimizer.iterations) == 3 and int(model.generator_optimizer.iterations) == 1
    seen = real_batches_seen(recorder, batch)
    assert seen == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]


def test_quick_fit_counts_steps_and_trackers_match_logged_keys(images):
    model = GAN(discriminator_steps=2, seed=0, **TINY)
    model.compile(run_eagerly=True)
    history = model.fit(model.make_dataset(images[:24], batch_size=4), epochs=1, verbose=0,
                        validation_data=images[:8])
    names = [m.name for m in model.metrics]
    assert names == ["d_loss", "g_loss", "d_real", "d_fake"]
    assert set(history.history) == set(names) | {f"val_{n}" for n in names}
    assert int(model.generator_optimizer.iterations) == 3 and int(model.discriminator_optimizer.iterations) == 6
    assert all(np.isfinite(v[0]) for v in history.history.values())
    out = model.generate(5, seed=1)
    assert out.shape == (5, 28, 28, 1) and out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(out, model.generate(5, seed=1))


@pytest.mark.parametrize("loss,smoothing", [("non_saturating", 0.0), ("minimax", 0.1)])
def test_first_step_logs_equal_the_loss_formulas_at_the_initial_weights(images, loss, smoothing):
    keras.utils.set_random_seed(3)
    model = deterministic(GAN(loss=loss, label_smoothing=smoothing, **TINY))
    model.compile(run_eagerly=True)
    batch = images[:6]
    real = batch * 2 - 1
    fake = model.generator(row_latents(real, 0), training=True)
    real_scores = model.discriminator(real, training=True)
    fake_scores = model.discriminator(fake, training=True)
    expected = float(L.discriminator_loss(loss, real_scores, fake_scores, label_smoothing=smoothing))
    logs = model.train_on_batch(batch, return_dict=True)
    assert logs["d_loss"] == pytest.approx(expected, rel=1e-5)
    assert logs["d_real"] == pytest.approx(float(tf.reduce_mean(tf.sigmoid(real_scores))), rel=1e-5)


def test_save_load_resume_keeps_optimizer_state(images, tmp_path):
    model = GAN(discriminator_steps=2, loss="minimax", label_smoothing=0.1, seed=0, **TINY)
    model.compile(discriminator_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.5), run_eagerly=True)
    ds = model.make_dataset(images[:8], batch_size=4)
    loaded = fit_save_load(model, ds, tmp_path / "gan.keras")
    assert type(loaded) is GAN
    assert (loaded.loss_name, loaded.label_smoothing, loaded.discriminator_steps) == ("minimax", 0.1, 2)
    assert float(loaded.discriminator_optimizer.learning_rate) == pytest.approx(3e-4)
    assert int(loaded.discriminator_optimizer.iterations) == 2
    z = model.latent_vectors(3, seed=0)
    np.testing.assert_allclose(loaded.generate(z=z), model.generate(z=z), rtol=1e-6)
    loaded.run_eagerly = True  # as the original; graph tracing would only cost test time
    loaded.fit(ds, epochs=1, verbose=0)
    assert int(loaded.discriminator_optimizer.iterations) == 4 and int(loaded.generator_optimizer.iterations) == 2


def test_jit_compiled_step_matches_the_eager_step(images):
    def build(jit):
        def make():
            model = deterministic(GAN(**TINY))
            model.compile(jit_compile=jit, run_eagerly=not jit)
            assert model.jit_compile == jit
            return model
        return make

    plain = first_step_logs(build(False), images[:4])
    xla = first_step_logs(build(True), images[:4])
    assert_logs_close(plain, xla, atol=1e-4, rtol=1e-4)


def test_bad_configuration_is_a_clear_error():
    for steps in (0, -1, 1.5):
        with pytest.raises(ValueError, match=r"discriminator_steps \(discriminator updates per .*\) must be"):
            GAN(discriminator_steps=steps, **TINY)
    with pytest.raises(ValueError, match="loss must be one of"):
        GAN(loss="bce", **TINY)
    with pytest.raises(ValueError, match="label_smoothing"):
        GAN(loss="hinge", label_smoothing=0.1, **TINY)
    from cv2course.gans.dcgan_networks import dcgan_discriminator, dcgan_generator

    with pytest.raises(ValueError, match="generator makes images of shape"):
        GAN(generator=dcgan_generator(32, latent_dim=4, base_filters=4), discriminator=dcgan_discriminator(28),
            **TINY)
    with pytest.raises(ValueError, match="one raw score"):
        GAN(discriminator=dcgan_discriminator(28, base_filters=4, outputs=3), **TINY)


def test_compile_refuses_metrics_it_would_ignore():
    model = GAN(**TINY)
    with pytest.raises(ValueError, match=r"cv2course\.metrics\.GeneratorMetrics callback"):
        model.compile(metrics=["mse"])
    with pytest.raises(ValueError, match="discriminator_optimizer="):
        model.compile(optimizer="adam")


def test_xla_default_follows_the_class_outside_quick_mode_only(monkeypatch):
    from cv2course import settings

    assert settings.QUICK  # the test suite runs in quick mode
    model = GAN(**TINY)
    monkeypatch.setattr(GAN, "default_jit_compile", True)
    model.compile()
    assert model.jit_compile is False  # never in quick mode: compiling costs more than a quick fit
    settings.set_quick(False)
    try:
        model.compile()
        assert model.jit_compile is True
        model.compile(run_eagerly=True)  # eager steps cannot be XLA-compiled: no warning, no XLA
        assert model.jit_compile is False
        monkeypatch.setattr(GAN, "default_jit_compile", False)  # the measured choice (benchmarks/gans.py)
        model.compile()
        assert model.jit_compile is False
        model.compile(jit_compile=True)
        assert model.jit_compile is True
    finally:
        settings.set_quick(True)
