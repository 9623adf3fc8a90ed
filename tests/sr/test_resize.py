"""imresize follows MATLAB's scheme: closed forms, PIL's identical kernel in the interior, MATLAB's LR sets."""
import numpy as np
import pytest
from PIL import Image

from cv2course.sr.resize import (contributions, cubic_kernel, downscale, imresize, interpolate_1d, interpolate_2d,
                                 linear_kernel, mod_crop, nearest_kernel, upscale)


def test_cubic_kernel_values_and_partition_of_unity():
    assert cubic_kernel(0.0) == 1.0
    assert np.allclose(cubic_kernel([1.0, -1.0, 2.0, -2.0, 2.5]), 0.0)
    # a = -1/2 at t = 1/2: (a+2)/8 - (a+3)/4 + 1 = 0.5625
    assert cubic_kernel(0.5) == pytest.approx(0.5625)
    t = np.linspace(0, 1, 17)
    shifts = np.arange(-3, 4)
    for kernel in (nearest_kernel, linear_kernel, cubic_kernel):
        assert np.allclose(kernel(t[:, None] - shifts[None, :]).sum(axis=1), 1.0)


@pytest.mark.parametrize("scale", [0.5, 1 / 3, 0.25, 2.0, 3.0])
def test_contribution_rows_sum_to_one(scale):
    n = 24
    w = contributions(n, int(np.ceil(n * scale)), scale)
    assert np.allclose(w.sum(axis=1), 1.0)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_downscale_of_a_constant_image_is_constant(scale):
    img = np.full((36, 48, 3), 0.37, np.float32)
    out = imresize(img, 1 / scale)
    assert out.shape == (36 // scale, 48 // scale, 3)
    assert np.allclose(out, 0.37, atol=1e-6)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_downscale_of_a_ramp_matches_its_analytic_value(scale):
    # f(i) = a·i + b at 1-based pixel centres; output x samples the input at u = s·x + (1 − s)/2.
    a, b = 0.01, 0.1
    i = np.arange(1, 61)
    img = np.repeat((a * i + b)[:, None], 24, axis=1)
    out = imresize(img, 1 / scale)
    x = np.arange(1, out.shape[0] + 1)
    expected = a * (scale * x + 0.5 * (1 - scale)) + b
    inner = slice(3, -3)  # away from the (mirrored) border
    assert np.allclose(out[inner, 2], expected[inner], atol=1e-6)
    assert not np.allclose(out[0, 2], expected[0], atol=1e-4)  # the border does differ (symmetric padding)


@pytest.mark.parametrize("scale", [2, 3, 4])
@pytest.mark.parametrize("method", ["bilinear", "bicubic"])
def test_upscale_matches_pil_away_from_the_border(scale, method):
    rng = np.random.default_rng(scale)
    img = rng.random((20, 16)).astype(np.float32)
    resample = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}[method]
    ref = np.asarray(Image.fromarray(img, mode="F").resize((16 * scale, 20 * scale), resample))
    out = imresize(img, scale, method=method, clip=False)
    m = 3 * scale
    assert np.allclose(out[m:-m, m:-m], ref[m:-m, m:-m], atol=1e-5)


@pytest.mark.parametrize("scale", [2, 4])
def test_antialiased_downscale_matches_pil_away_from_the_border(scale):
    rng = np.random.default_rng(0)
    img = rng.random((48, 40)).astype(np.float32)
    ref = np.asarray(Image.fromarray(img, mode="F").resize((40 // scale, 48 // scale), Image.BICUBIC))
    out = imresize(img, 1 / scale, clip=False)
    assert np.allclose(out[3:-3, 3:-3], ref[3:-3, 3:-3], atol=1e-5)


def test_without_antialiasing_a_downscale_aliases():
    stripes = np.tile([0.0, 1.0], 24)[None, :].repeat(24, axis=0)  # period 2: the highest frequency
    smooth = imresize(stripes, 1 / 3)
    aliased = imresize(stripes, 1 / 3, antialiasing=False)  # samples every third pixel: 0, 1, 0, 1 ...
    assert np.allclose(smooth[2:-2, 2:-2], 0.5, atol=0.05)
    assert np.ptp(aliased[2:-2, 2:-2]) > 0.9


def test_shapes_batches_and_output_shape():
    rng = np.random.default_rng(1)
    batch = rng.random((2, 12, 10, 3)).astype(np.float32)
    out = imresize(batch, output_shape=(5, 7))
    assert out.shape == (2, 5, 7, 3)
    assert np.allclose(out[1], imresize(batch[1], output_shape=(5, 7)), atol=1e-6)
    assert upscale(batch, 3, "nearest").shape == (2, 36, 30, 3)
    # nearest x2 repeats every pixel in a 2x2 block
    assert np.array_equal(upscale(batch[0], 2, "nearest"), np.repeat(np.repeat(batch[0], 2, 0), 2, 1))


def test_downscale_crops_to_a_multiple_and_rounds_like_matlab_uint8():
    rng = np.random.default_rng(2)
    img = rng.random((31, 26, 3)).astype(np.float32)
    assert mod_crop(img, 4).shape == (28, 24, 3)
    lr = downscale(img, 4)
    assert lr.shape == (7, 6, 3)
    assert np.allclose(lr * 255, np.round(lr * 255), atol=1e-4)  # 8-bit levels
    assert np.abs(downscale(img, 4, uint8=False) - lr).max() <= 1.01 / 255


def test_interpolation_demos():
    f = np.array([0.0, 1.0, 0.5, 0.8, 0.2])
    for method in ("nearest", "linear", "cubic"):
        assert np.allclose(interpolate_1d(f, np.arange(5), method), f)  # interpolating: exact at samples
    ramp = 0.3 * np.arange(8) + 1.0
    u = np.linspace(2.0, 5.0, 13)
    assert np.allclose(interpolate_1d(ramp, u, "linear"), 0.3 * u + 1.0)
    quad = (np.arange(10) - 4.0) ** 2
    u = np.linspace(3.0, 6.0, 7)
    assert np.allclose(interpolate_1d(quad, u, "cubic"), (u - 4.0) ** 2)  # Keys (a = -1/2) is exact to degree 2
    assert np.allclose(interpolate_1d(f, [1.3], "nearest"), [1.0])
    grid = np.arange(16, dtype=float).reshape(4, 4)
    assert interpolate_2d(grid, 8, "cubic").shape == (32, 32)


def test_bad_input_gives_clear_errors():
    img = np.zeros((8, 8, 3), np.float32)
    for bad in (1, 5, 2.0, True):
        with pytest.raises(ValueError, match="scale must be 2, 3 or 4"):
            upscale(img, bad)
    with pytest.raises(ValueError, match="method"):
        upscale(img, 2, "lanczos")
    with pytest.raises(TypeError, match="uint8"):
        imresize(np.zeros((4, 4), np.uint8), 2)
    with pytest.raises(ValueError, match="exactly one"):
        imresize(img, 2, output_shape=(4, 4))
    with pytest.raises(ValueError, match="smaller than the scale"):
        downscale(np.zeros((3, 8, 3), np.float32), 4)
