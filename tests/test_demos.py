"""load_demo: the shipped demo generators and VAE make digits, in seconds, offline."""
import numpy as np
import pytest

from cv2course import demos
from cv2course.data import digits


@pytest.fixture(scope="module")
def real():
    return digits(28, "train")


def _nearest_real_distance(images, real_images):
    """Mean over ``images`` of the L2 distance to the closest real digit."""
    a = images.reshape(len(images), -1).astype(np.float64)
    b = real_images.reshape(len(real_images), -1).astype(np.float64)
    d2 = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None] - 2 * a @ b.T
    return float(np.sqrt(np.maximum(d2.min(1), 0)).mean())


@pytest.mark.parametrize("name", ["dcgan", "wgan_gp", "cgan", "vae"])
def test_pretrained_samples_lie_near_real_digits_untrained_ones_do_not(name, real):
    x, _ = real
    trained, untrained = demos.load_demo(name), demos.build_demo(name, seed=0)
    assert trained.pretrained

    def samples(model):
        if name == "vae":
            return model.sample(200, seed=1)
        if name == "cgan":
            return model.generate(np.arange(200) % 10, seed=1)
        return model.generate(200, seed=1)

    ours, theirs = samples(trained), samples(untrained)
    assert ours.shape == (200, 28, 28, 1) and ours.min() >= 0 and ours.max() <= 1
    assert _nearest_real_distance(ours, x) < 0.6 * _nearest_real_distance(theirs, x)


def test_the_cgan_draws_the_class_it_is_asked_for(real):
    """Each sample's closest class mean (of the real digits) is the requested class, nearly always."""
    x, y = real
    means = np.stack([x[y == k].mean(0) for k in range(10)]).reshape(10, -1)
    labels = np.arange(300) % 10
    images = demos.load_demo("cgan").generate(labels, seed=2).reshape(300, -1)
    nearest = ((images[:, None] - means[None]) ** 2).sum(-1).argmin(1)
    assert np.mean(nearest == labels) > 0.8


def test_unknown_and_missing_demos_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="name must be one of"):
        demos.load_demo("stylegan")
    monkeypatch.setattr(demos, "weights_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="benchmarks/demo_weights.py"):
        demos.load_demo("dcgan")
    with pytest.raises(FileNotFoundError, match="benchmarks/demo_weights.py"):
        demos.demo_record("dcgan")
