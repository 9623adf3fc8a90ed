"""The shipped SR models: one EDSR per advertised scale and the x4 SRGAN demo pair, the right factor,
small files."""
import pytest

from cv2course.sr.inference import model_scale
from cv2course.sr.pretrained import (AVAILABLE_SCALES, DEMO_FILES, pretrained_edsr, pretrained_srgan_pair,
                                     shipped_path, weights_dir)

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


def test_the_srgan_demo_pair_is_two_small_x4_models_of_one_architecture():
    import numpy as np

    for name in DEMO_FILES.values():
        assert (weights_dir() / name).stat().st_size < MAX_MB * 2 ** 20
    psnr_model, gan_model = pretrained_srgan_pair()
    assert model_scale(psnr_model) == model_scale(gan_model) == 4
    assert [w.shape for w in psnr_model.get_weights()] == [w.shape for w in gan_model.get_weights()]
    assert any(not np.array_equal(a, b) for a, b in zip(psnr_model.get_weights(), gan_model.get_weights()))


def test_a_missing_demo_file_names_the_command_that_makes_it(monkeypatch, tmp_path):
    from cv2course.sr import pretrained

    monkeypatch.setattr(pretrained, "weights_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match=r"edsr_x4\.keras is missing.*benchmarks/srgan_demo\.py"):
        pretrained_srgan_pair()
