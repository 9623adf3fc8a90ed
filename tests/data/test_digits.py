import numpy as np
import pytest
from sklearn.datasets import load_digits

from cv2course.data import digits


def test_fixed_split_sizes_and_balance():
    x_train, y_train = digits(split="train")
    x_test, y_test = digits(split="test")
    assert x_train.shape == (1497, 28, 28, 1) and x_test.shape == (300, 28, 28, 1)
    assert np.bincount(y_test).tolist() == [30] * 10
    x_again, y_again = digits(split="test")
    np.testing.assert_array_equal(x_test, x_again)


def test_split_is_a_partition_of_the_real_digits():
    raw = load_digits()
    x_all, y_all = digits(size=8, split="all")
    np.testing.assert_allclose(x_all[..., 0], raw.images / 16.0)
    x_tr, _ = digits(size=8, split="train")
    x_te, _ = digits(size=8, split="test")
    rows = {r.tobytes() for r in x_tr.reshape(len(x_tr), -1)}
    # duplicates exist among the 1,797 digits, so compare counts, not identities
    assert len(x_tr) + len(x_te) == len(x_all) == 1797
    assert sum(r.tobytes() in rows for r in x_te.reshape(len(x_te), -1)) < 5


def test_resize_is_bilinear_and_in_range():
    x, _ = digits(size=16, split="all")
    assert x.shape == (1797, 16, 16, 1) and x.min() >= 0 and x.max() <= 1
    # bilinear resizing preserves the mean intensity to within a few percent
    raw = load_digits().images / 16.0
    assert abs(x.mean() - raw.mean()) < 0.02


def test_scale_and_channels():
    x, _ = digits(size=8, split="test", scale="[-1,1]", channels=3)
    assert x.shape[-1] == 3 and x.min() == -1.0 and x.max() == 1.0


def test_as_dataset_batches():
    ds = digits(size=12, as_dataset=True, batch_size=32)
    images, labels = next(iter(ds))
    assert images.shape == (32, 12, 12, 1) and labels.shape == (32,)


@pytest.mark.parametrize("kwargs, match", [({"split": "val"}, "split"), ({"scale": "0-255"}, "scale"),
                                           ({"size": 0}, "size")])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        digits(**kwargs)
