"""The lecture's slide figures render in quick mode and are reproducible."""
import pytest

from cv2course.figures import load_all, render


@pytest.mark.parametrize("name", ["sr_interpolation", "sr_comparison"])
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
