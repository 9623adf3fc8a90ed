"""The TFDS loaders on tensorflow-datasets' own mock data (no download; see tests/data/tfds_mock.py).

mock_data yields the same random examples for every as_dataset call, so the loaders'
output is compared with the raw examples read from the mocked builder.
"""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from cv2course.data import load_dataset, tfds_images
from cv2course.data.tfds import QUICK_LIMIT
from cv2course.sr.data import div2k_dataset, div2k_pairs
from tests.data.tfds_mock import mock_prepared

CASES = [("mnist", "train", (28, 28, 1)), ("fashion_mnist", "test", (28, 28, 1)), ("cifar10", "train", (32, 32, 3)),
         ("celeb_a", "train", (218, 178, 3)), ("cycle_gan/horse2zebra", "trainA", None)]


def raw_examples(name, split, n):
    return list(tfds.builder(name).as_dataset(split=split).take(n).as_numpy_iterator())


@pytest.mark.parametrize("name,split,shape", CASES)
def test_images_are_the_datasets_pixels_in_0_1(name, split, shape):
    with mock_prepared(num_examples=3, names=[name]):
        raw = raw_examples(name, split, 3)
        got = list(tfds_images(name, split=split).as_numpy_iterator())
        resized = next(iter(tfds_images(name, split=split, size=(20, 12), channels=3, batch_size=3)))
    assert len(got) == 3
    for image, example in zip(got, raw):
        assert image.dtype == np.float32 and image.ndim == 3
        if shape is not None:
            assert image.shape == shape
        np.testing.assert_allclose(image, example["image"] / 255.0, atol=1e-6)
    assert resized.shape == (3, 20, 12, 3) and resized.dtype == tf.float32
    assert 0.0 <= float(tf.reduce_min(resized)) and float(tf.reduce_max(resized)) <= 1.0


@pytest.mark.parametrize("name", ["mnist", "cifar10", "cycle_gan/horse2zebra"])
def test_class_labels(name):
    split = "trainA" if name.startswith("cycle_gan") else "train"
    with mock_prepared(num_examples=4, names=[name]):
        raw = raw_examples(name, split, 4)
        pairs = list(tfds_images(name, split=split, size=16, with_labels=True).as_numpy_iterator())
    assert [int(label) for _, label in pairs] == [int(e["label"]) for e in raw]


def test_celeb_a_with_and_without_attributes():
    with mock_prepared(num_examples=3, names=["celeb_a", "mnist"]):
        builder = tfds.builder("celeb_a")
        keys = list(builder.info.features["attributes"])
        raw = raw_examples("celeb_a", "train", 3)
        plain = next(iter(tfds_images("celeb_a", size=8, batch_size=3)))
        square = next(iter(tfds_images("celeb_a", crop_square=True, batch_size=3))).numpy()
        images, attributes = next(iter(tfds_images("celeb_a", size=8, batch_size=3, with_labels=True)))
        _, smiling = next(iter(tfds_images("celeb_a", size=8, batch_size=3, attribute="Smiling")))
        with pytest.raises(ValueError, match="unknown celeb_a attribute 'Smile'.*'Smiling'"):
            tfds_images("celeb_a", attribute="Smile")
        with pytest.raises(ValueError, match="only celeb_a"):
            tfds_images("mnist", attribute="Smiling")
    assert plain.shape == (3, 8, 8, 3)
    np.testing.assert_array_equal(images, plain)
    # crop_square keeps the central 178x178 of the 218x178 faces
    np.testing.assert_allclose(square[0], raw[0]["image"][20:198] / 255.0, atol=1e-6)
    assert attributes.shape == (3, 40)
    np.testing.assert_array_equal(attributes, [[int(e["attributes"][k]) for k in keys] for e in raw])
    np.testing.assert_array_equal(smiling, [int(e["attributes"]["Smiling"]) for e in raw])


def test_quick_mode_caps_the_examples(monkeypatch):
    from cv2course import settings

    with mock_prepared(num_examples=QUICK_LIMIT + 20, names=["mnist"]):
        monkeypatch.setattr(settings, "QUICK", True)
        assert tfds_images("mnist").reduce(0, lambda n, _: n + 1).numpy() == QUICK_LIMIT
        assert tfds_images("mnist", limit=None).reduce(0, lambda n, _: n + 1).numpy() == QUICK_LIMIT + 20
        monkeypatch.setattr(settings, "QUICK", False)
        assert tfds_images("mnist").reduce(0, lambda n, _: n + 1).numpy() == QUICK_LIMIT + 20


@pytest.mark.parametrize("name,shape", [("mnist", (28, 28, 1)), ("fashion_mnist", (28, 28, 1)),
                                        ("cifar10", (32, 32, 3)), ("celeb_a", (64, 64, 3))])
def test_load_dataset_gives_arrays_of_the_datasets_shape(name, shape):
    with mock_prepared(num_examples=5, names=[name]):
        x, y = load_dataset(name, "test")
        x3, _ = load_dataset(name, size=16, channels=3, n=2)
    assert x.shape == (5,) + shape and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.shape == (5,) and set(np.unique(y)) <= set(range(10))
    assert x3.shape == (2, 16, 16, 3)


def test_load_dataset_digits_and_folders(tmp_path):
    x, y = load_dataset("digits", "test", size=16, channels=3)
    assert x.shape == (300, 16, 16, 3) and y.shape == (300,)
    from cv2course.data import sample_image, save_image

    for name in ("chelsea", "coffee"):
        save_image(tmp_path / f"{name}.png", sample_image(name, size=40))
    images, labels = load_dataset(str(tmp_path), size=24, channels=1)
    assert images.shape == (2, 24, 24, 1) and labels is None
    with pytest.raises(FileNotFoundError, match="neither one of"):
        load_dataset(str(tmp_path / "nope"))


def box_downscale(hr, s):
    h, w = hr.shape[0] // s, hr.shape[1] // s
    return hr[:h * s, :w * s].reshape(h, s, w, s, 3).mean(axis=(1, 3))


def div2k_examples(scale, n=4):
    """HR images whose sides are not multiples of the scale, LR = s×s block means plus one stray row."""
    rng = np.random.default_rng(scale)
    examples = []
    for _ in range(n):
        hr = rng.integers(0, 256, size=(int(rng.integers(30, 40)), int(rng.integers(30, 40)), 3)).astype(np.uint8)
        lr = np.round(box_downscale(hr.astype(np.float64), scale)).astype(np.uint8)
        lr = np.concatenate([lr, np.full((1, lr.shape[1], 3), 255, np.uint8)])  # a row with no HR pixels
        examples.append({"lr": lr, "hr": hr})
    return examples


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_div2k_patches_are_aligned_at_each_scale(scale):
    examples = div2k_examples(scale)

    def as_dataset(self, *args, **kwargs):
        spec = {"lr": tf.TensorSpec((None, None, 3), tf.uint8), "hr": tf.TensorSpec((None, None, 3), tf.uint8)}
        return tf.data.Dataset.from_generator(lambda: iter(examples), output_signature=spec)

    patch = 8 * scale
    with mock_prepared(names=[f"div2k/bicubic_x{scale}"], as_dataset_fn=as_dataset):
        pairs = list(div2k_pairs(scale).as_numpy_iterator())
        lr, hr = next(iter(div2k_dataset(scale, patch_size=patch, batch_size=6, seed=0, download=False)))
    for (lr_img, hr_img), example in zip(pairs, examples):
        assert hr_img.shape[:2] == (scale * lr_img.shape[0], scale * lr_img.shape[1])
        np.testing.assert_allclose(lr_img, example["lr"][:lr_img.shape[0]] / 255.0, atol=1e-6)
    assert lr.shape == (6, 8, 8, 3) and hr.shape == (6, patch, patch, 3) and lr.dtype == tf.float32
    # block means commute with the flips and quarter turns: an aligned pair stays a pair
    for lr_patch, hr_patch in zip(lr.numpy(), hr.numpy()):
        np.testing.assert_allclose(lr_patch, box_downscale(hr_patch, scale), atol=0.5 / 255 + 1e-6)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_div2k_random_mock_pairs_get_consistent_sizes(scale):
    with mock_prepared(num_examples=3, names=[f"div2k/bicubic_x{scale}"]):
        for lr_img, hr_img in div2k_pairs(scale).as_numpy_iterator():
            assert hr_img.shape == (scale * lr_img.shape[0], scale * lr_img.shape[1], 3)
            assert lr_img.dtype == np.float32 and hr_img.max() <= 1.0


def test_div2k_missing_offline_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="div2k/bicubic_x3.*download_and_prepare"):
        div2k_dataset(3, patch_size=24, download=False, data_dir=tmp_path)
