"""Adversarial losses by name against their formulas; gradient penalty closed forms; weight clipping."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cv2course.gans import losses as L


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


REAL = np.array([[1.5], [-0.3], [0.2], [2.0]], np.float32)
FAKE = np.array([[-1.0], [0.4], [-2.5], [0.1]], np.float32)


def _expected(name, real, fake, a=1.0):
    r, f = real.astype(np.float64), fake.astype(np.float64)
    ls_r, ls_f = _log_sigmoid(r), _log_sigmoid(f)
    log1m_f = _log_sigmoid(-f)  # log(1 - sigmoid(f))
    bce_real = -(a * ls_r + (1 - a) * _log_sigmoid(-r)).mean()
    return {
        "minimax": (bce_real - log1m_f.mean(), log1m_f.mean()),
        "non_saturating": (bce_real - log1m_f.mean(), -ls_f.mean()),
        "wasserstein": (f.mean() - r.mean(), -f.mean()),
        "hinge": (np.maximum(0, 1 - r).mean() + np.maximum(0, 1 + f).mean(), -f.mean()),
        "least_squares": (0.5 * ((r - a) ** 2).mean() + 0.5 * (f ** 2).mean(), 0.5 * ((f - 1) ** 2).mean()),
    }[name]


@pytest.mark.parametrize("name", L.LOSS_NAMES)
def test_each_loss_by_name_matches_its_formula(name):
    d_expected, g_expected = _expected(name, REAL, FAKE)
    assert float(L.discriminator_loss(name, REAL, FAKE)) == pytest.approx(d_expected, rel=1e-5, abs=1e-6)
    assert float(L.generator_loss(name, FAKE)) == pytest.approx(g_expected, rel=1e-5, abs=1e-6)
    pair = L.adversarial_losses(name)
    assert float(pair.discriminator(REAL, FAKE)) == pytest.approx(d_expected, rel=1e-5, abs=1e-6)
    assert float(pair.generator(FAKE)) == pytest.approx(g_expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", ["minimax", "non_saturating", "least_squares"])
def test_one_sided_label_smoothing_softens_only_the_real_target(name):
    d_expected, _ = _expected(name, REAL, FAKE, a=0.9)
    assert float(L.discriminator_loss(name, REAL, FAKE, label_smoothing=0.1)) == pytest.approx(d_expected, rel=1e-5)
    # The fake term is untouched: shifting only fake logits changes both versions equally.
    delta = lambda s: float(L.discriminator_loss(name, REAL, FAKE + 1, label_smoothing=s)) - float(
        L.discriminator_loss(name, REAL, FAKE, label_smoothing=s))
    assert delta(0.1) == pytest.approx(delta(0.0), rel=1e-5)


def test_minimax_generator_saturates_where_non_saturating_does_not():
    # At a confident discriminator (very negative fake logits) the minimax gradient vanishes.
    fake = tf.constant([[-8.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(fake)
        mm, ns = L.generator_loss("minimax", fake), L.generator_loss("non_saturating", fake)
    assert abs(float(tape.gradient(mm, fake)[0, 0])) < 1e-3
    assert abs(float(tape.gradient(ns, fake)[0, 0])) > 0.99


def test_names_are_normalised_and_bad_names_or_shapes_are_clear_errors():
    assert L.canonical_loss_name("Non-saturating") == "non_saturating"
    assert L.canonical_loss_name("lsgan") == "least_squares"
    with pytest.raises(ValueError, match="loss must be one of"):
        L.adversarial_losses("bce")
    with pytest.raises(ValueError, match="same shape apart from the batch axis"):
        L.discriminator_loss("hinge", np.zeros((4, 1)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="label_smoothing"):
        L.discriminator_loss("wasserstein", REAL, FAKE, label_smoothing=0.1)
    with pytest.raises(ValueError, match="label_smoothing"):
        L.discriminator_loss("minimax", REAL, FAKE, label_smoothing=1.0)


def _linear_critic(w):
    w = tf.constant(w, tf.float32)
    return lambda x: tf.reduce_sum(tf.reshape(x, (tf.shape(x)[0], -1)) * tf.reshape(w, (1, -1)), axis=1)


def test_gradient_penalty_is_zero_for_a_unit_gradient_linear_critic():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 5, 2))
    w /= np.linalg.norm(w)
    real, fake = rng.random((8, 6, 5, 2)), rng.random((8, 6, 5, 2))
    assert float(L.gradient_penalty(_linear_critic(w), real, fake)) == pytest.approx(0.0, abs=1e-8)


@pytest.mark.parametrize("scale", [0.3, 2.5])
def test_gradient_penalty_of_any_linear_critic_is_norm_minus_one_squared(scale):
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 4, 3))
    w *= scale / np.linalg.norm(w)  # the norm over ALL non-batch axes is `scale`
    real, fake = rng.random((5, 4, 4, 3)), rng.random((5, 4, 4, 3))
    assert float(L.gradient_penalty(_linear_critic(w), real, fake)) == pytest.approx((scale - 1) ** 2, rel=1e-5)


def test_gradient_penalty_interpolates_per_sample_with_the_given_epsilon():
    # D(x) = ½‖x‖² has ∇D(x̂) = x̂, so the penalty is mean_i (‖ε_i x_i + (1−ε_i) x̃_i‖ − 1)².
    rng = np.random.default_rng(2)
    real, fake = rng.random((4, 3, 3, 1)), rng.random((4, 3, 3, 1))
    eps = np.array([0.0, 0.25, 0.5, 1.0])
    critic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])
    x_hat = eps[:, None, None, None] * real + (1 - eps[:, None, None, None]) * fake
    expected = np.mean((np.linalg.norm(x_hat.reshape(4, -1), axis=1) - 1) ** 2)
    assert float(L.gradient_penalty(critic, real, fake, epsilon=eps)) == pytest.approx(expected, rel=1e-5)


def test_gradient_penalty_is_differentiable_with_respect_to_the_critic_weights():
    # GP(w) = (‖w‖ − 1)² for a linear critic, so dGP/dw = 2(‖w‖ − 1) w/‖w‖.
    w0 = np.array([[1.2], [-0.9], [0.4]], np.float32)
    w = tf.Variable(w0)
    real, fake = np.random.default_rng(3).random((6, 3)), np.random.default_rng(4).random((6, 3))
    with tf.GradientTape() as tape:
        gp = L.gradient_penalty(lambda x: tf.matmul(x, w), real, fake)
    norm = np.linalg.norm(w0)
    np.testing.assert_allclose(tape.gradient(gp, w).numpy(), 2 * (norm - 1) * w0 / norm, rtol=1e-4)


def test_gradient_penalty_bad_inputs_are_clear_errors():
    critic = _linear_critic(np.ones(4) / 2)
    with pytest.raises(ValueError, match="same shape"):
        L.gradient_penalty(critic, np.zeros((3, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="does not depend on its input"):
        L.gradient_penalty(lambda x: tf.ones((tf.shape(x)[0],)), np.zeros((3, 4)), np.ones((3, 4)))


def test_clip_weights_clips_variables_in_place_and_arrays_by_value():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.kernel.assign(np.linspace(-1, 1, 12).reshape(4, 3))
    layer.bias.assign([0.5, -0.005, 0.0])
    L.clip_weights(layer, 0.01)
    assert np.abs(layer.kernel.numpy()).max() == pytest.approx(0.01)
    np.testing.assert_allclose(layer.bias.numpy(), [0.01, -0.005, 0.0])
    (out,) = L.clip_weights([np.array([-2.0, 0.003, 7.0])], 0.1)
    np.testing.assert_allclose(np.asarray(out), [-0.1, 0.003, 0.1])
    with pytest.raises(ValueError, match="clip_value"):
        L.clip_weights(layer, -0.01)
