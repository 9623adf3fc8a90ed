import numpy as np
import pytest

from cv2course.data import image_folder, save_image


def test_loads_images_recursively_and_skips_corrupt_ones(tmp_path):
    save_image(tmp_path / "a.png", np.zeros((8, 10, 3)))
    (tmp_path / "sub").mkdir()
    save_image(tmp_path / "sub" / "b.jpg", np.ones((6, 6, 3)))
    (tmp_path / "bad.png").write_bytes(b"garbage")
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.warns(UserWarning, match=r"skipped 2 file.*bad.png.*notes.txt"):
        images, paths = image_folder(tmp_path, size=4, return_paths=True)
    assert images.shape == (2, 4, 4, 3)
    assert [p.name for p in paths] == ["a.png", "b.jpg"]


def test_without_size_returns_a_list_of_originals(tmp_path):
    save_image(tmp_path / "a.png", np.zeros((8, 10, 3)))
    save_image(tmp_path / "b.png", np.zeros((3, 4, 3)))
    out = image_folder(tmp_path)
    assert [im.shape for im in out] == [(8, 10, 3), (3, 4, 3)]


def test_empty_and_missing_folders(tmp_path):
    with pytest.raises(ValueError, match="no readable image"):
        image_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        image_folder(tmp_path / "nope")
