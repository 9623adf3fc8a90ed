"""The style-transfer exercises: the reference passes, plausible mistakes fail, stubs are not attempted."""
import numpy as np
import pytest

from cv2course.exercises import check
from cv2course.exercises.core import load_all
from cv2course.nst import losses

load_all()


def gram(a):
    A = a.reshape(-1, a.shape[-1]).T
    return A @ A.T


def style(a_S, a_G):
    h, w, c = a_S.shape
    return np.sum((gram(a_S) - gram(a_G)) ** 2) / (4 * c ** 2 * (h * w) ** 2)


def content(a_C, a_G):
    return np.sum((a_C - a_G) ** 2) / (4 * a_C.size)


def tv(x):
    return np.abs(np.diff(x, axis=0)).sum() + np.abs(np.diff(x, axis=1)).sum()


CORRECT = {"gram_matrix": gram, "content_cost": content, "style_cost_layer": style, "total_variation": tv}
WRONG = {
    "gram_matrix": [lambda a: a.reshape(-1, a.shape[-1]) @ a.reshape(-1, a.shape[-1]).T,  # positions x positions
                    lambda a: gram(a) / (a.shape[0] * a.shape[1])],  # normalised
    "content_cost": [lambda a_C, a_G: np.mean((a_C - a_G) ** 2),  # missing the 1/4
                     lambda a_C, a_G: np.sum((a_C - a_G) ** 2) / (4 * a_C.shape[0] * a_C.shape[1])],  # no n_C
    "style_cost_layer": [lambda a_S, a_G: 4 * style(a_S, a_G),  # the TF tutorial's normalisation
                         lambda a_S, a_G: np.sum(gram(a_S) - gram(a_G)) ** 2 / (4 * a_S.shape[2] ** 2
                                                                              * (a_S.shape[0] * a_S.shape[1]) ** 2)],
    "total_variation": [lambda x: np.abs(np.diff(x, axis=0)).sum(),  # vertical only
                        lambda x: (np.diff(x, axis=0) ** 2).sum() + (np.diff(x, axis=1) ** 2).sum()],  # squared
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_reference_and_numpy_solution_pass(name):
    assert check(name, getattr(losses, name), verbose=False).passed
    assert check(name, CORRECT[name], verbose=False).passed


@pytest.mark.parametrize("name", sorted(WRONG))
def test_plausible_mistakes_fail(name):
    for wrong in WRONG[name]:
        result = check(name, wrong, verbose=False)
        assert result.status == "failed", name


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_stub_is_not_attempted(name):
    def stub(*args):
        raise NotImplementedError

    assert check(name, stub, verbose=False).status == "not attempted"


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'gram_matrix': {0: 'gram_positions', 1: 'gram_normalised'},
    'content_cost': {0: 'content_no_quarter', 1: 'content_no_channels'},
    'style_cost_layer': {0: 'style_no_quarter'},
    'total_variation': {0: 'tv_vertical_only', 1: 'tv_squared'},
}


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in NAMED.items() for k in v])
def test_each_mistake_is_named(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert NAMED[name][mistake] in {f.slip for f in result.failures}, result.message


def test_a_keras_ops_gram_matrix_passes_on_numpy_cases():
    """The notebook asks for keras.ops (differentiable in a style transfer); check() feeds it NumPy arrays."""
    from keras import ops

    def gram_ops(a):
        A = ops.reshape(a, (-1, ops.shape(a)[-1]))
        return ops.matmul(ops.transpose(A), A)

    assert check("gram_matrix", gram_ops, verbose=False).passed
