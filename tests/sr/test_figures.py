"""The lecture's slide figures render in quick mode and are reproducible."""
import pytest

from cv2course.figures import load_all, render


@pytest.mark.parametrize("name", ["sr_interpolation", "sr_comparison", "sr_gan_comparison", "sr_degradations"])
def test_figure_renders(tmp_path, name):
    specs = load_all()
    assert specs[name].lecture == "11_super_resolution"
    path = render(name, tmp_path, seed=1)
    assert path.is_file() and path.suffix == (".svg" if specs[name].kind == "plot" else ".png")
    if name == "sr_interpolation":
        again = render(name, tmp_path / "again", seed=1)
        assert again.read_bytes() == path.read_bytes()  # same seed, same figure


def test_comparison_captions_come_from_the_protocol():
    import numpy as np

    from cv2course.figures.sr import _comparison_images
    from cv2course.sr.evaluate import psnr

    hr, lr, results = _comparison_images(4)
    assert lr.shape[0] * 4 == hr.shape[0]
    assert psnr(hr, results["bicubic"], 4) > psnr(hr, results["nearest"], 4)
    assert all(np.shape(v) == hr.shape for v in results.values())


def test_degradation_panels_follow_the_degradation():
    from cv2course.data import sample_image
    from cv2course.figures.sr import degradation_panels
    from cv2course.sr.data import degrade
    from cv2course.sr.evaluate import psnr
    from cv2course.sr.resize import mod_crop, upscale

    clean = degradation_panels(4, "bicubic", size=64)
    noisy = degradation_panels(4, "noise", size=64)
    assert [t.split(" (")[0] for t, _ in clean] == ["LR", "bicubic", "EDSR", "original"]
    hr = mod_crop(sample_image("astronaut", size=64), 4)
    expected = psnr(hr, upscale(degrade(hr, 4, noise=10 / 255, seed=0), 4), 4)
    assert noisy[1][0].startswith(f"bicubic ({expected:.2f}dB/")
    assert noisy[1][0] != clean[1][0]
    with pytest.raises(ValueError, match="degradation"):
        degradation_panels(4, "jpeg")


def test_gan_comparison_shows_bicubic_the_psnr_model_and_its_srgan_beside_the_talks_numbers():
    import numpy as np

    from cv2course.figures.sr import GAN_MODEL, PSNR_MODEL, TALK_SCORES, gan_comparison_images
    from cv2course.sr.evaluate import psnr

    hr, results = gan_comparison_images(4)
    assert list(results) == ["bicubic", PSNR_MODEL, GAN_MODEL]
    assert TALK_SCORES == {"bicubic": (21.59, 0.6423), "SRResNet": (23.53, 0.7832), "SRGAN": (21.15, 0.6868)}
    assert psnr(hr, results[PSNR_MODEL], 4) > psnr(hr, results["bicubic"], 4)  # the PSNR-trained model gains
    assert not np.array_equal(results[PSNR_MODEL], results[GAN_MODEL])
