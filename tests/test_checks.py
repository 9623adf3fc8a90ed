import numpy as np
import pytest

from cv2course.checks import check_choice, check_images, check_positive


def test_valid_images_pass_as_float32():
    out = check_images(np.zeros((2, 4, 4, 3), np.float64))
    assert out.dtype == np.float32 and out.shape == (2, 4, 4, 3)


@pytest.mark.parametrize("x, match", [
    (np.zeros((4, 4, 3)), "rank 4"),
    (np.zeros((1, 4, 4, 1)), "3 channels"),
    (np.full((1, 4, 4, 3), np.nan), "NaN"),
    (np.full((1, 4, 4, 3), 2.0), r"\[0.0, 1.0\]"),
])
def test_bad_images_name_the_argument(x, match):
    with pytest.raises(ValueError, match=match) as err:
        check_images(x, name="content")
    assert "content" in str(err.value)


def test_min_size():
    with pytest.raises(ValueError, match="smaller than the minimum of 16x16"):
        check_images(np.zeros((1, 8, 8, 3)), min_size=16)


def test_choice_and_positive():
    assert check_choice("a", "mode", ("a", "b")) == "a"
    with pytest.raises(ValueError, match="mode must be one of"):
        check_choice("c", "mode", ("a", "b"))
    with pytest.raises(ValueError, match="latent_dim must be > 0"):
        check_positive(0, "latent_dim", integer=True)
    with pytest.raises(ValueError, match="an integer"):
        check_positive(2.5, "steps", integer=True)
    assert check_positive(0.0, "weight", allow_zero=True) == 0.0
