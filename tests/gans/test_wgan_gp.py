"""WGAN-GP (Gulrajani et al. Algorithm 1): the logged critic loss equals W + λ·GP from the
formulas, n_critic counted on distinct real batches, defaults, errors, save/load, parity."""
import keras
import pytest
import tensorflow as tf

from cv2course.data import digits
from cv2course.gans import losses as L
from cv2course.gans.dcgan_networks import dcgan_discriminator
from cv2course.gans.wgan_gp import WGANGP
from tests.gans.helpers import (TINY, deterministic, fit_save_load, real_batches_seen, recording_discriminator,
                                row_epsilons, row_latents)


@pytest.fixture(scope="module")
def images():
    return digits(28, "train")[0][:40]


def test_paper_defaults():
    model = WGANGP(**TINY)
    model.compile()
    assert model.n_critic == 5 and model.gp_weight == 10.0
    opt = model.discriminator_optimizer
    assert isinstance(opt, keras.optimizers.Adam)
    assert (float(opt.learning_rate), float(opt.beta_1), float(opt.beta_2)) == pytest.approx((1e-4, 0.0, 0.9))


def test_first_critic_step_logs_wasserstein_plus_lambda_gradient_penalty(images):
    keras.utils.set_random_seed(1)
    model = deterministic(WGANGP(n_critic=1, gp_weight=7.0, **TINY))
    model.compile(run_eagerly=True)
    batch = images[:6]
    real = tf.constant(batch * 2 - 1)
    fake = model.generator(row_latents(real, 0), training=True)
    w = L.wasserstein_critic_loss(model.critic(real), model.critic(fake))
    gp = L.gradient_penalty(model.critic, real, fake, epsilon=row_epsilons(real, 0))
    logs = model.train_on_batch(batch, return_dict=True)
    assert set(logs) == {m.name for m in model.metrics}
    assert logs["gradient_penalty"] == pytest.approx(float(gp), rel=1e-4)
    assert logs["critic_loss"] == pytest.approx(float(w + 7.0 * gp), rel=1e-4)
    assert logs["wasserstein"] == pytest.approx(-float(w), rel=1e-4)


def test_critic_is_stepped_n_critic_times_on_distinct_real_batches(images):
    critic, recorder = recording_discriminator()
    model = WGANGP(critic=critic, n_critic=4, **TINY)
    model.compile(run_eagerly=True)
    batch = images[:16]
    model.train_on_batch(batch)
    assert int(model.discriminator_optimizer.iterations) == 4 and int(model.generator_optimizer.iterations) == 1
    # Each critic step sees its real batch once in the score and is fresh (distinct) per step.
    seen = real_batches_seen(recorder, batch)
    assert seen == [list(range(i, 16, 4)) for i in range(4)]


def test_quick_fit_save_load_resume(images, tmp_path):
    model = WGANGP(n_critic=2, gp_weight=5.0, seed=0, **TINY)
    model.compile(run_eagerly=True)
    ds = model.make_dataset(images[:8], batch_size=4)
    loaded = fit_save_load(model, ds, tmp_path / "wgan_gp.keras")
    assert set(model.history.history) == {m.name for m in model.metrics} == {"critic_loss", "g_loss", "wasserstein",
                                                                             "gradient_penalty"}
    assert type(loaded) is WGANGP and loaded.gp_weight == 5.0 and loaded.n_critic == 2
    loaded.run_eagerly = True  # as the original; graph tracing would only cost test time
    loaded.fit(ds, epochs=1, verbose=0)
    assert int(loaded.discriminator_optimizer.iterations) == 4 and int(loaded.generator_optimizer.iterations) == 2


def test_bad_configuration_is_a_clear_error():
    with pytest.raises(ValueError, match=r"n_critic \(critic updates per generator update\) must be"):
        WGANGP(n_critic=0, **TINY)
    with pytest.raises(ValueError, match=r"gp_weight \(λ, the paper.s 10\) must be"):
        WGANGP(gp_weight=-1.0, **TINY)
    with pytest.raises(ValueError, match="must not use batch norm"):
        WGANGP(critic=dcgan_discriminator(28, base_filters=4, norm="batch"), **TINY)


@keras.saving.register_keras_serializable(package="cv2course_tests")
def doubled_penalty(critic, real, fake, epsilon=None):
    return 2.0 * L.gradient_penalty(critic, real, fake, epsilon=epsilon)


def test_gradient_penalty_hook_is_used_and_saved_only_when_not_the_default(images, tmp_path):
    keras.utils.set_random_seed(1)
    model = deterministic(WGANGP(n_critic=1, **TINY))
    assert "gradient_penalty" not in model.get_config()
    hooked = deterministic(WGANGP.from_config({**model.get_config(), "gradient_penalty": doubled_penalty}))
    hooked.set_weights(model.get_weights())
    for m in (model, hooked):
        m.compile(run_eagerly=True)
    default = model.test_on_batch(images[:6], return_dict=True)["gradient_penalty"]
    assert hooked.test_on_batch(images[:6], return_dict=True)["gradient_penalty"] == pytest.approx(2 * default, rel=1e-5)
    hooked.save(tmp_path / "hooked.keras")
    assert keras.models.load_model(tmp_path / "hooked.keras").gradient_penalty is doubled_penalty
    with pytest.raises(TypeError, match="gradient_penalty"):
        WGANGP(gradient_penalty=3, **TINY)
