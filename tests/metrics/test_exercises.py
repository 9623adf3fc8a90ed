"""The metric exercises: references pass, plausible mistakes fail, stubs are 'not attempted'."""
import numpy as np
import pytest
import scipy.linalg

import cv2course.exercises.metrics as metric_exercises
from cv2course.exercises.core import EXERCISES, check


def _kl(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / q), 0.0))


def _js(p, q, root=False, half=True):
    m = (np.asarray(p, float) + np.asarray(q, float)) / 2
    js = (0.5 if half else 1.0) * (_kl(p, m) + _kl(q, m))
    return np.sqrt(js) if root else js


def _is(probs, splits=1, use_exp=True, reverse=False):
    probs = np.asarray(probs, float)
    py = probs.mean(axis=0)
    kls = [_kl(py, row) if reverse else _kl(row, py) for row in probs]
    return np.exp(np.mean(kls)) if use_exp else np.mean(kls)


def _fd(mu1, s1, mu2, s2, squared=True, factor=2.0):
    diff = np.linalg.norm(mu1 - mu2)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return (diff ** 2 if squared else diff) + np.trace(s1) + np.trace(s2) - factor * np.trace(covmean)


WRONG = {
    "kl_divergence": [lambda p, q: _kl(q, p),                                        # arguments swapped
                      lambda p, q: _kl(p, q) / np.log(2),                            # bits, not nats
                      lambda p, q: np.sum(np.log(np.asarray(p) + 1e-12) - np.log(q))],  # p weight missing
    "js_divergence": [lambda p, q: _js(p, q, root=True),                             # SciPy's distance
                      lambda p, q: _js(p, q, half=False),                            # missing 1/2
                      lambda p, q: 0.5 * (_kl(p, q) + _kl(q, p))],                    # symmetrised KL
    "earth_movers_distance_1d": [lambda p, q: np.sum(np.abs(np.asarray(p) - q)),     # no cumulative sums
                                 lambda p, q: np.sum(np.cumsum(p) - np.cumsum(q))],  # no absolute value
    "inception_score": [lambda probs, splits=1: _is(probs, use_exp=False),            # exp forgotten
                        lambda probs, splits=1: _is(probs, reverse=True)],            # KL reversed
    "frechet_distance": [lambda *a: _fd(*a, squared=False),                          # ‖Δμ‖ not squared
                         lambda *a: _fd(*a, factor=1.0)],                            # cross term once
}

RIGHT = {"kl_divergence": _kl, "js_divergence": _js, "inception_score": _is, "frechet_distance": _fd,
         "earth_movers_distance_1d": lambda p, q: np.sum(np.abs(np.cumsum(p) - np.cumsum(q)))}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_reference_and_an_independent_solution_pass(name):
    import cv2course.metrics as package

    assert EXERCISES[name].reference is getattr(package, name)  # the package's own function
    assert EXERCISES[name].topic == "metrics" and metric_exercises.__name__.endswith("metrics")
    assert check(name, EXERCISES[name].reference, verbose=False).passed
    assert check(name, RIGHT[name], verbose=False).passed


@pytest.mark.parametrize("name, wrong", [(n, w) for n, ws in WRONG.items() for w in ws])
def test_plausible_mistakes_fail(name, wrong):
    result = check(name, wrong, verbose=False)
    assert result.status == "failed", result


@pytest.mark.parametrize("name", sorted(WRONG))
def test_stub_is_not_attempted(name):
    def stub(*args, **kwargs):
        raise NotImplementedError

    assert check(name, stub, verbose=False).status == "not attempted"


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'kl_divergence': {0: 'kl_swapped', 1: 'log2'},
    'js_divergence': {0: 'js_root', 1: 'js_no_half', 2: 'js_symmetrised_kl'},
    'earth_movers_distance_1d': {0: 'emd_no_cumulative', 1: 'emd_no_abs'},
    'inception_score': {0: 'is_no_exp', 1: 'is_kl_reversed'},
    'frechet_distance': {0: 'fd_mean_not_squared', 1: 'fd_cross_once'},
}


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in NAMED.items() for k in v])
def test_each_mistake_is_named(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert NAMED[name][mistake] in {f.slip for f in result.failures}, result.message
