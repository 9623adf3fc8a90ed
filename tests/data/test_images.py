import numpy as np
import pytest
from PIL import Image

from cv2course.data import image_from, list_sample_images, load_image, resize_image, sample_image, save_image, to_rgb


@pytest.mark.parametrize("name", ["astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "gravel",
                                  "brick", "grass"])
def test_sample_images_are_rgb_float_in_unit_range(name):
    img = sample_image(name)
    assert img.dtype == np.float32 and img.ndim == 3 and img.shape[-1] == 3
    assert 0.0 <= img.min() and img.max() <= 1.0 and img.std() > 0.01


def test_grayscale_sample_is_converted_to_rgb():
    img = sample_image("camera")
    assert img.shape == (512, 512, 3)
    np.testing.assert_array_equal(img[..., 0], img[..., 2])


def test_sample_size_sets_shorter_side_or_both():
    assert sample_image("chelsea", size=100).shape == (100, 150, 3)  # chelsea is 300x451
    assert sample_image("chelsea", size=(32, 48)).shape == (32, 48, 3)


def test_unknown_sample_lists_the_names():
    with pytest.raises(ValueError, match="astronaut"):
        sample_image("not-an-image")
    assert "astronaut" in list_sample_images()


def test_save_load_round_trip_is_exact_to_uint8(tmp_path):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (9, 7, 3)).astype(np.float32) / 255.0
    path = save_image(tmp_path / "x.png", img)
    np.testing.assert_array_equal(load_image(path), img)


def test_gray_and_rgba_files_are_converted(tmp_path):
    Image.fromarray(np.full((4, 5), 128, np.uint8), "L").save(tmp_path / "g.png")
    rgba = np.zeros((4, 5, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 0  # fully transparent: composited over white
    rgba[0, 0, 3] = 255
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    g = load_image(tmp_path / "g.png")
    a = load_image(tmp_path / "a.png")
    assert g.shape == a.shape == (4, 5, 3)
    np.testing.assert_allclose(g, 128 / 255, atol=1e-7)
    np.testing.assert_allclose(a[0, 0], [1, 0, 0])
    np.testing.assert_allclose(a[1, 1], [1, 1, 1])


def test_corrupt_file_names_the_file(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(ValueError, match="broken.png.*corrupt"):
        load_image(bad)
    with pytest.raises(FileNotFoundError, match="missing.png"):
        load_image(tmp_path / "missing.png")


def test_failed_save_keeps_the_existing_file(tmp_path):
    path = tmp_path / "keep.png"
    save_image(path, np.zeros((4, 4, 3)))
    before = path.read_bytes()
    with pytest.raises(ValueError, match="NaN"):
        save_image(path, np.full((4, 4, 3), np.nan))
    with pytest.raises(ValueError, match="shape"):
        save_image(path, np.zeros((4, 4, 2)))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]


def test_to_rgb_rejects_two_channels():
    with pytest.raises(ValueError, match="2 channels"):
        to_rgb(np.zeros((3, 3, 2)))


def test_resize_keeps_a_constant_image_constant():
    out = resize_image(np.full((10, 20, 3), 0.25, np.float32), (5, 7))
    assert out.shape == (5, 7, 3)
    np.testing.assert_allclose(out, 0.25, atol=1e-6)


def test_image_from_accepts_paths_and_names(tmp_path):
    assert image_from("coffee", size=16).shape[0] == 16
    save_image(tmp_path / "c.png", np.ones((3, 3, 3)))
    assert image_from(str(tmp_path / "c.png")).shape == (3, 3, 3)
    with pytest.raises(FileNotFoundError, match="neither an image file nor a sample image"):
        image_from("nope.jpg")
