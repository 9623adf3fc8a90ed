"""Image size bounds and the tiny-image warning of ``resize_image`` (used by the CLI's image arguments)."""
import warnings

import numpy as np
import pytest

from cv2course.data.images import MAX_IMAGE_SIDE, resize_image


def test_a_tiny_image_is_enlarged_with_a_warning():
    with pytest.warns(UserWarning, match=r"a 1x1 image was enlarged 64x to 64x64.*give a larger image"):
        out = resize_image(np.full((1, 1, 3), 0.25, np.float32), (64, 64))
    assert out.shape == (64, 64, 3) and np.allclose(out, 0.25, atol=1e-3)


def test_ordinary_resizing_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resize_image(np.zeros((16, 16, 3), np.float32), 64)  # 4x: allowed without a word
        resize_image(np.zeros((100, 100, 3), np.float32), 10)


def test_sizes_beyond_the_limit_are_refused_with_the_reason():
    with pytest.raises(ValueError, match=rf"the limit is {MAX_IMAGE_SIDE} pixels per side .* 4.8 GB"):
        resize_image(np.zeros((2, 2, 3), np.float32), (20000, 20000))
    assert resize_image(np.zeros((2, 2, 3), np.float32), (1, MAX_IMAGE_SIDE)).shape == (1, MAX_IMAGE_SIDE, 3)
