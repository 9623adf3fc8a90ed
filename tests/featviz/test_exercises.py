"""The CNN-basics exercises: the reference passes, plausible mistakes fail, stubs are not attempted."""
import numpy as np
import pytest

from cv2course.exercises import check
from cv2course.exercises.core import load_all
from cv2course.featviz import cnn_basics

load_all()


def pool(reduce):
    def f(x, f=2, s=2):
        x = np.asarray(x, float)
        oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1
        return np.array([[reduce(x[i * s:i * s + f, j * s:j * s + f], axis=(0, 1)) for j in range(ow)]
                         for i in range(oh)])
    return f


def conv(flip=False, bias=True, pad_one_side=False):
    def f(x, filters, biases, stride=1, padding=0):
        x = np.pad(np.asarray(x, float), ((padding, 0 if pad_one_side else padding),) * 2 + ((0, 0),))
        w = np.asarray(filters, float)[::-1, ::-1] if flip else np.asarray(filters, float)
        k = w.shape[0]
        oh, ow = (x.shape[0] - k) // stride + 1, (x.shape[1] - k) // stride + 1
        return np.array([[np.tensordot(x[i * stride:i * stride + k, j * stride:j * stride + k], w, 3)
                          + (biases if bias else 0) for j in range(ow)] for i in range(oh)])
    return f


CORRECT = {"conv_output_size": lambda n, f, p=0, s=1: (n + 2 * p - f) // s + 1, "conv2d": conv(),
           "max_pool": pool(np.max), "avg_pool": pool(np.mean)}
WRONG = {
    "conv_output_size": [lambda n, f, p=0, s=1: (n + 2 * p - f) / s + 1,  # no floor
                         lambda n, f, p=0, s=1: (n + p - f) // s + 1,  # padding on one side only
                         lambda n, f, p=0, s=1: (n + 2 * p - f) // s],  # forgot +1
    "conv2d": [conv(flip=True),  # a true convolution (flipped kernel), not the slides' cross-correlation
               conv(bias=False),  # forgot the bias
               conv(pad_one_side=True)],  # padding on one side only
    "max_pool": [lambda x, f=2, s=2: pool(np.max)(x, f, 1),  # stride 1
                 lambda x, f=2, s=2: pool(np.mean)(x, f, s)],  # average instead of max
    "avg_pool": [lambda x, f=2, s=2: pool(np.sum)(x, f, s) / f,  # divides by f, not f*f
                 lambda x, f=2, s=2: np.floor(pool(np.mean)(x, f, s))],  # the slide's rounding
}


def test_slide_cases_are_first():
    assert cnn_basics.conv_output_size(5, 3, 1, 2) == 3
    from cv2course.exercises.core import get

    (args, kwargs), *_ = get("conv2d").cases()
    np.testing.assert_array_equal(cnn_basics.conv2d(*args, **kwargs), cnn_basics.CONV_SLIDE_OUTPUT)


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_reference_and_numpy_solution_pass(name):
    assert check(name, getattr(cnn_basics, name), verbose=False).passed
    assert check(name, CORRECT[name], verbose=False).passed


@pytest.mark.parametrize("name", sorted(WRONG))
def test_plausible_mistakes_fail(name):
    for wrong in WRONG[name]:
        assert check(name, wrong, verbose=False).status == "failed", name


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_stub_is_not_attempted(name):
    def stub(*args, **kwargs):
        raise NotImplementedError

    assert check(name, stub, verbose=False).status == "not attempted"


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'conv_output_size': {0: 'size_not_floored', 1: 'size_padding_once', 2: 'size_no_plus_one'},
    'conv2d': {0: 'conv_flipped', 1: 'conv_no_bias'},
    'max_pool': {0: 'pool_stride_one', 1: 'pool_average'},
    'avg_pool': {0: 'pool_divided_by_f'},
}


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in NAMED.items() for k in v])
def test_each_mistake_is_named(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert NAMED[name][mistake] in {f.slip for f in result.failures}, result.message
