"""The embedded unpaired task: morphology against scikit-image, disjoint domains, the error score."""
import numpy as np
import pytest

from cv2course.gans import unpaired


def _images(n=3, size=12, seed=0):
    return np.random.default_rng(seed).random((n, size, size, 1)).astype(np.float32)


@pytest.mark.parametrize("radius", [1, 2])
def test_dilate_and_erode_match_scikit_image(radius):
    from skimage.morphology import dilation, disk, erosion

    x = _images()
    want_d = np.stack([dilation(img[..., 0], disk(radius)) for img in x])[..., None]
    want_e = np.stack([erosion(img[..., 0], disk(radius)) for img in x])[..., None]
    np.testing.assert_allclose(unpaired.dilate(x, radius), want_d)
    np.testing.assert_allclose(unpaired.erode(x, radius), want_e)
    assert np.all(unpaired.dilate(x, radius) >= x) and np.all(unpaired.erode(x, radius) <= x)


def test_invert_is_an_involution_and_transform_dispatches():
    x = _images()
    np.testing.assert_allclose(unpaired.invert(x), 1.0 - x)
    np.testing.assert_allclose(unpaired.transform(unpaired.transform(x, "invert"), "invert"), x, atol=1e-7)
    np.testing.assert_allclose(unpaired.transform(x, "dilate", 1), unpaired.dilate(x, 1))
    with pytest.raises(ValueError, match="transform"):
        unpaired.transform(x, "blur")
    with pytest.raises(ValueError, match="radius"):
        unpaired.dilate(x, 0)


def test_domains_come_from_disjoint_digits():
    from cv2course.data import digits

    train, _ = digits(size=8, split="train")
    x, y = unpaired.digits_domains("invert", size=8, seed=3)
    assert len(x) + len(y) == len(train) and abs(len(x) - len(y)) <= 1
    sources_y = 1.0 - y
    x_rows = {row.tobytes() for row in x.reshape(len(x), -1)}
    assert not any(row.tobytes() in x_rows for row in sources_y.reshape(len(y), -1))
    assert all(row.tobytes() in {r.tobytes() for r in train.reshape(len(train), -1)}
               for row in sources_y.reshape(len(y), -1)[:20])


def test_unpaired_dataset_batches_each_domain():
    x, y = np.zeros((10, 8, 8, 1), np.float32), np.ones((7, 8, 8, 1), np.float32)
    batches = list(unpaired.unpaired_dataset(x, y, batch_size=3))
    assert len(batches) == 2  # the smaller domain (7 images) ends the epoch
    for bx, by in batches:
        assert bx.shape == by.shape == (3, 8, 8, 1)
        assert np.all(bx.numpy() == 0) and np.all(by.numpy() == 1)
    with pytest.raises(ValueError, match="batch_size"):
        unpaired.unpaired_dataset(x, y, batch_size=8)


class _Oracle:
    """A 'model' that applies the true mapping (or nothing)."""

    def __init__(self, perfect):
        self.perfect = perfect

    def translate(self, images, direction):
        if not self.perfect:
            return images
        return unpaired.invert(images)


def test_translation_error_is_zero_for_the_true_mapping_and_measures_doing_nothing():
    exact = unpaired.translation_error(_Oracle(True), "invert", size=8)
    assert exact["g_mae"] < 1e-6 and exact["f_mae"] < 1e-6
    nothing = unpaired.translation_error(_Oracle(False), "invert", size=8)
    x, y = unpaired.paired_test_set("invert", size=8)
    assert np.isclose(nothing["g_mae"], np.mean(np.abs(x - y)))
    assert np.isclose(nothing["g_mae"], nothing["identity_mae"]) and np.isclose(nothing["f_mae"], nothing["identity_mae"])


def test_horse2zebra_offline_names_the_dataset_and_the_fix():
    with pytest.raises(FileNotFoundError, match="horse2zebra.*download_and_prepare"):
        unpaired.horse2zebra(download=False)
