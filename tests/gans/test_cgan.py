"""Conditional GAN: G(z|y), D(x|y) trained on (images, labels), class grids and morphing,
save/load/resume, errors (parity: tests/test_parity.py)."""
import numpy as np
import pytest

from cv2course.data import digits
from cv2course.gans.cgan import ConditionalGAN
from tests.gans.helpers import TINY, fit_save_load


@pytest.fixture(scope="module")
def data():
    x, y = digits(28, "train")
    return x[:16], y[:16]


@pytest.mark.parametrize("conditioning", ["one_hot", "embedding"])
def test_quick_fit_on_labelled_digits(data, conditioning):
    model = ConditionalGAN(conditioning=conditioning, discriminator_steps=2, seed=0, **TINY)
    model.compile(run_eagerly=True)
    history = model.fit(model.make_dataset(*data, batch_size=4), epochs=1, verbose=0)
    assert set(history.history) == {m.name for m in model.metrics} == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert int(model.discriminator_optimizer.iterations) == 4 and int(model.generator_optimizer.iterations) == 2
    grid = model.class_grid(per_class=2, seed=0)
    assert grid.shape == (20, 28, 28, 1) and 0 <= grid.min() and grid.max() <= 1


def test_labels_condition_the_output_and_morphing_ends_at_the_pure_classes():
    model = ConditionalGAN(**TINY)
    z = model.latent_vectors(1, seed=0)
    a, b = model.generate([2], z=z), model.generate([7], z=z)
    assert not np.allclose(a, b)
    morph = model.class_morph(2, 7, steps=5, n=1, seed=0)
    assert morph.shape == (1, 5, 28, 28, 1)
    np.testing.assert_allclose(morph[0, 0], a[0], atol=1e-6)
    np.testing.assert_allclose(morph[0, -1], b[0], atol=1e-6)
    # Integer labels and their one-hot codes are the same input.
    np.testing.assert_allclose(model.generate(np.eye(10, dtype=np.float32)[[2]], z=z), a, atol=1e-6)


def test_save_load_resume(data, tmp_path):
    model = ConditionalGAN(conditioning="embedding", num_classes=10, **TINY)
    model.compile(run_eagerly=True)
    ds = model.make_dataset(data[0][:8], data[1][:8], batch_size=4)
    loaded = fit_save_load(model, ds, tmp_path / "cgan.keras")
    assert type(loaded) is ConditionalGAN and loaded.conditioning == "embedding"
    z = model.latent_vectors(4, seed=1)
    np.testing.assert_allclose(loaded.generate([0, 1, 2, 3], z=z), model.generate([0, 1, 2, 3], z=z), rtol=1e-6)
    loaded.run_eagerly = True
    loaded.fit(ds, epochs=1, verbose=0)
    assert int(loaded.generator_optimizer.iterations) == 4


def test_bad_inputs_are_clear_errors(data):
    model = ConditionalGAN(**TINY)
    model.compile(run_eagerly=True)
    with pytest.raises(ValueError, match="images only"):
        model.train_on_batch(data[0][:4])
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        model.generate([3, 10])
    with pytest.raises(ValueError, match="same length"):
        model.generate([1, 2], z=model.latent_vectors(3))
    with pytest.raises(ValueError, match="start must be a class"):
        model.class_morph(-1, 3)
    with pytest.raises(ValueError, match="conditioning"):
        ConditionalGAN(conditioning="concat", **TINY)
    with pytest.raises(ValueError, match="discriminator_steps"):
        ConditionalGAN(discriminator_steps=0, **TINY)
