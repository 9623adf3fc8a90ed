"""The style-transfer figures: the example pair they use, and reproducibility (same seed, same pixels)."""
import numpy as np
import pytest

from cv2course import figures


def test_example_pair_uses_the_lecture_pair_from_the_data_folder(tmp_path, monkeypatch):
    from cv2course.data import save_image
    from cv2course.nst.examples import FALLBACK_PAIR, example_pair

    monkeypatch.setenv("CV2COURSE_DATA", str(tmp_path))
    content, style, names = example_pair(40)
    assert names == FALLBACK_PAIR  # offline, nothing copied: scikit-image's photos
    assert max(content.shape[:2]) == 40 and max(style.shape[:2]) == 40

    rng = np.random.default_rng(0)
    (tmp_path / "nst").mkdir()
    save_image(tmp_path / "nst" / "tuebingen.jpg", rng.random((30, 60, 3)).astype(np.float32))
    save_image(tmp_path / "nst" / "starry_night.jpg", rng.random((50, 40, 3)).astype(np.float32))
    content, style, names = example_pair(20)
    assert names == ("tuebingen", "starry_night")
    assert content.shape == (10, 20, 3) and style.shape == (20, 16, 3)  # longer side 20, aspect kept
    assert content.dtype == np.float32 and 0.0 <= content.min() and content.max() <= 1.0


@pytest.mark.parametrize("name", ["nst_result"])
def test_same_seed_same_pixels(tmp_path, name):
    from PIL import Image

    paths = [figures.render(name, tmp_path / d, seed=s) for d, s in (("a", 0), ("b", 0))]
    a, b = (np.asarray(Image.open(p)) for p in paths)
    assert a.shape == b.shape and np.array_equal(a, b)
