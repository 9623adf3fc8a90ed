"""The VAE exercises: the package's reference passes, plausible mistakes fail, a stub is "not attempted"."""
import numpy as np
import pytest

from cv2course.autoencoders.losses import vae_kl
from cv2course.autoencoders.vae import reparameterize
from cv2course.exercises import vae as vae_exercises  # noqa: F401  (registers the exercises)
from cv2course.exercises.core import EXERCISES, check

WRONG = {
    "reparameterize": {
        "sigma squared instead of sigma": lambda m, lv, e: m + np.exp(lv) * e,
        "log variance used as sigma": lambda m, lv, e: m + lv * e,
        "minus instead of plus": lambda m, lv, e: m - np.exp(0.5 * lv) * e,
    },
    "vae_kl": {
        "sign error": lambda m, lv: 0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=-1),
        "mean over units instead of sum": lambda m, lv: -0.5 * np.mean(1 + lv - m ** 2 - np.exp(lv), axis=-1),
        "missing the 1": lambda m, lv: -0.5 * np.sum(lv - m ** 2 - np.exp(lv), axis=-1),
        "averaged over the batch": lambda m, lv: np.mean(-0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=-1)),
    },
}


def test_references_are_the_package_functions_and_pass():
    assert EXERCISES["reparameterize"].reference is reparameterize
    assert EXERCISES["vae_kl"].reference is vae_kl
    assert check("reparameterize", reparameterize, verbose=False).passed
    assert check("vae_kl", vae_kl, verbose=False).passed
    # A NumPy transcription of the slide passes too (the cases are not tied to Keras tensors).
    assert check("vae_kl", lambda m, lv: -0.5 * np.sum(1 + lv - m ** 2 - np.exp(lv), axis=-1), verbose=False).passed
    assert check("reparameterize", lambda m, lv, eps: np.asarray(m) + np.exp(0.5 * np.asarray(lv)) * np.asarray(eps),
                 verbose=False).passed


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in WRONG.items() for k in v])
def test_plausible_mistakes_fail(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert result.status == "failed", (mistake, result)


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        raise NotImplementedError

    for name in ("reparameterize", "vae_kl"):
        assert check(name, stub).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'reparameterize': {'sigma squared instead of sigma': 'variance_not_std', 'log variance used as sigma': 'log_var_as_std', 'minus instead of plus': 'minus_noise'},
    'vae_kl': {'sign error': 'sign', 'mean over units instead of sum': 'kl_mean_over_units', 'missing the 1': 'kl_missing_one', 'averaged over the batch': 'kl_mean_over_batch'},
}


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in NAMED.items() for k in v])
def test_each_mistake_is_named(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert NAMED[name][mistake] in {f.slip for f in result.failures}, result.message
