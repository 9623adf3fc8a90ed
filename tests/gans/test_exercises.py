"""GAN exercises: the reference passes, a plausible wrong version fails each, a stub is "not attempted"."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.exercises.core import check
from cv2course.gans import losses as L

softplus = lambda x: np.logaddexp(0.0, np.asarray(x, np.float64))  # noqa: E731

WRONG = {
    # sum instead of the mean over the batch (wrong normalisation)
    "gan_discriminator_loss": lambda r, f: softplus(-r).sum() + softplus(f).sum(),
    # the saturating minimax objective E log(1 − σ(l_f)) instead of −E log σ(l_f)
    "gan_generator_loss": lambda f: -softplus(f).mean(),
    # sign error: E f(x) − E f(G(z)) is what the critic maximises, not its loss
    "wasserstein_critic_loss": lambda r, f: np.mean(r) - np.mean(f),
    # rescales instead of clipping
    "weight_clipping": lambda ws, c: [w * c / np.abs(w).max() for w in ws],
    # the norm per channel (last axis only) instead of over all non-batch axes
    "gradient_penalty": lambda critic, real, fake, epsilon: _gp_last_axis_norm(critic, real, fake, epsilon),
}


def _gp_last_axis_norm(critic, real, fake, epsilon):
    eps = np.asarray(epsilon, np.float32).reshape(-1, 1, 1, 1)
    x = tf.constant(eps * real + (1 - eps) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = critic(x)
    g = tape.gradient(y, x)
    return float(tf.reduce_mean(tf.square(tf.norm(g, axis=-1) - 1.0)))


REFERENCE = {"gan_discriminator_loss": L.minimax_discriminator_loss,
             "gan_generator_loss": L.non_saturating_generator_loss,
             "wasserstein_critic_loss": L.wasserstein_critic_loss, "weight_clipping": L.clip_weights,
             "gradient_penalty": L.gradient_penalty}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_reference_passes_wrong_fails_stub_not_attempted(name):
    assert check(name, REFERENCE[name], verbose=False).status == "passed"
    assert check(name, WRONG[name], verbose=False).status == "failed"

    def stub(*args, **kwargs):
        raise NotImplementedError

    assert check(name, stub, verbose=False).status == "not attempted"


def _gp_over_all_axes(critic, real, fake, epsilon):
    """A student's gradient penalty: (‖∇D(x̂)‖₂ − 1)² with the norm over every non-batch axis."""
    eps = np.asarray(epsilon, np.float32).reshape(-1, *([1] * (np.ndim(real) - 1)))
    x = tf.constant(eps * real + (1 - eps) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = critic(x)
    g = tape.gradient(y, x).numpy().reshape(len(x), -1)
    return float(np.mean((np.linalg.norm(g, axis=1) - 1.0) ** 2))


def test_a_correct_numpy_solution_passes():
    """Independent solutions written from the slides' formulas (not the package's functions)."""
    assert check("gan_discriminator_loss", lambda r, f: softplus(-r).mean() + softplus(f).mean(),
                 verbose=False).passed
    assert check("gan_generator_loss", lambda f: softplus(-np.asarray(f)).mean(), verbose=False).passed
    assert check("wasserstein_critic_loss", lambda r, f: np.mean(f) - np.mean(r), verbose=False).passed
    assert check("weight_clipping", lambda ws, c: [np.clip(w, -c, c) for w in ws], verbose=False).passed
    assert check("gradient_penalty", _gp_over_all_axes, verbose=False).passed


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'gan_discriminator_loss': 'sum_over_batch',
    'gan_generator_loss': 'saturating',
    'wasserstein_critic_loss': 'critic_maximised',
    'weight_clipping': 'rescaled',
    'gradient_penalty': 'norm_per_channel',
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_mistake_is_named(name):
    result = check(name, WRONG[name], verbose=False)
    assert NAMED[name] in {f.slip for f in result.failures}, result.message
