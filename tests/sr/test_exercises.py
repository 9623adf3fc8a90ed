"""The SR exercises: the package's functions pass, plausible mistakes fail, stubs are 'not attempted'."""
import numpy as np
import pytest

import cv2course.exercises.sr  # noqa: F401  (registers the exercises)
from cv2course.exercises.core import EXERCISES, check

Y = np.array([65.481, 128.553, 24.966])


def _psnr(hr, sr, scale, y=True, rounded=True, shave=True, peak=255.0, factor=10.0):
    hr, sr = np.asarray(hr, float), np.asarray(sr, float)
    if rounded:
        sr = np.round(sr * 255) / 255
    a, b = (16 + hr @ Y, 16 + sr @ Y) if y else (hr * 255, sr * 255)
    if shave and scale:
        a, b = a[scale:-scale, scale:-scale], b[scale:-scale, scale:-scale]
    return factor * np.log10(peak ** 2 / np.mean((a - b) ** 2))


def _shuffle(x, r, torch_order=False, transpose=True):
    x = np.asarray(x)
    n, h, w, c = x.shape
    co = c // (r * r)
    if torch_order:  # channels ordered c·r² + r·i + j
        x = x.reshape(n, h, w, co, r, r).transpose(0, 1, 4, 2, 5, 3)
    else:
        x = x.reshape(n, h, w, r, r, co)
        x = x.transpose(0, 1, 3, 2, 4, 5) if transpose else x
    return x.reshape(n, h * r, w * r, co)


RIGHT = {"psnr": _psnr, "pixel_shuffle": _shuffle}
WRONG = {
    "psnr": [lambda hr, sr, s: _psnr(hr, sr, s, y=False),          # RGB instead of Y
             lambda hr, sr, s: _psnr(hr, sr, s, shave=False),      # border kept
             lambda hr, sr, s: _psnr(hr, sr, s, peak=1.0),         # wrong normalisation: peak 1 on a 0-255 scale
             lambda hr, sr, s: _psnr(hr, sr, s, factor=20.0),      # 20·log10 of an MSE
             lambda hr, sr, s: _psnr(hr, sr, s, rounded=False)],   # output not rounded to 8 bits
    "pixel_shuffle": [lambda x, r: _shuffle(x, r, torch_order=True),   # PyTorch's channel order
                      lambda x, r: _shuffle(x, r, transpose=False)],   # reshape without transpose
}


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_reference_and_an_independent_solution_pass(name):
    import cv2course.sr as sr

    reference = EXERCISES[name].reference
    assert reference is (sr.psnr if name == "psnr" else sr.pixel_shuffle.pixel_shuffle)
    assert check(name, reference, verbose=False).passed
    assert check(name, RIGHT[name], verbose=False).passed


@pytest.mark.parametrize("name,index", [(n, i) for n, fns in WRONG.items() for i in range(len(fns))])
def test_plausible_mistakes_fail(name, index):
    result = check(name, WRONG[name][index], verbose=False)
    assert result.status == "failed", result


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_stub_is_not_attempted(name):
    def stub(*args, **kwargs):
        raise NotImplementedError

    assert check(name, stub, verbose=False).status == "not attempted"


# The slip check() names for each mistake above (cv2course.exercises.diagnosis): the feedback says what went wrong.
NAMED = {
    'psnr': {0: 'psnr_rgb', 1: 'psnr_no_shave', 2: 'psnr_peak_one', 3: 'psnr_twenty', 4: 'psnr_not_rounded'},
    'pixel_shuffle': {0: 'shuffle_channels_first', 1: 'shuffle_not_interleaved'},
}


@pytest.mark.parametrize("name,mistake", [(n, k) for n, v in NAMED.items() for k in v])
def test_each_mistake_is_named(name, mistake):
    result = check(name, WRONG[name][mistake], verbose=False)
    assert NAMED[name][mistake] in {f.slip for f in result.failures}, result.message
