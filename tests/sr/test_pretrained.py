"""The shipped SR models: one per advertised scale, the right factor, small files."""
import pytest

from cv2course.sr.inference import model_scale
from cv2course.sr.pretrained import AVAILABLE_SCALES, pretrained_edsr, shipped_path

MAX_MB = 3.0


def test_x2_x3_x4_are_shipped():
    assert tuple(AVAILABLE_SCALES) == (2, 3, 4)


@pytest.mark.parametrize("scale", AVAILABLE_SCALES)
def test_each_shipped_model_upscales_by_its_scale_and_is_small(scale):
    path = shipped_path(scale)
    assert path.is_file(), f"{path} is missing"
    assert path.stat().st_size < MAX_MB * 2 ** 20
    assert model_scale(pretrained_edsr(scale)) == scale


def test_an_unshipped_scale_names_the_shipped_ones():
    with pytest.raises(ValueError, match=r"scale \[2, 3, 4\], got 5"):
        pretrained_edsr(5)
