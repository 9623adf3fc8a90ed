"""lerp/slerp closed forms and latent traversals."""
import numpy as np
import pytest

from cv2course.gans import latent
from cv2course.gans.cgan import ConditionalGAN
from cv2course.gans.gan import GAN
from tests.gans.helpers import TINY


def test_lerp_is_the_straight_line():
    z0, z1 = np.array([0.0, 2.0]), np.array([4.0, -2.0])
    path = latent.lerp(z0, z1, steps=5)
    np.testing.assert_allclose(path, [[0, 2], [1, 1], [2, 0], [3, -1], [4, -2]], atol=1e-6)


def test_slerp_follows_the_great_circle():
    z0, z1 = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    path = latent.slerp(z0, z1, steps=3)
    np.testing.assert_allclose(path[[0, -1]], [z0, z1], atol=1e-6)
    np.testing.assert_allclose(path[1], [np.sqrt(0.5), np.sqrt(0.5), 0.0], atol=1e-6)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(64), rng.standard_normal(64)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    norms = np.linalg.norm(latent.slerp(a, b, steps=9), axis=1)
    np.testing.assert_allclose(norms, np.linalg.norm(a), rtol=1e-5)  # lerp would dip in the middle
    assert np.linalg.norm(latent.lerp(a, b, steps=9)[4]) < 0.95 * np.linalg.norm(a)
    np.testing.assert_allclose(latent.slerp(a, 2 * a, steps=4), latent.lerp(a, 2 * a, steps=4), atol=1e-6)


def test_bad_inputs():
    with pytest.raises(ValueError, match="same length"):
        latent.lerp(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="steps must be >= 2"):
        latent.slerp(np.ones(3), np.ones(3), steps=1)


def test_interpolation_strip_and_traversal_decode_the_path():
    model = GAN(**TINY)
    z0, z1 = model.latent_vectors(2, seed=3)
    strip = latent.interpolation_strip(model, z0, z1, steps=4, method="lerp")
    assert strip.shape == (4, 28, 28, 1)
    np.testing.assert_allclose(strip[[0, -1]], model.generate(z=np.stack([z0, z1])), atol=1e-6)
    walk = latent.latent_traversal(model, z=z0, dims=(1, 3), values=[-2.0, 0.0, 2.0])
    assert walk.shape == (2, 3, 28, 28, 1)
    z_mid = z0.copy()
    z_mid[3] = 0.0
    np.testing.assert_allclose(walk[1, 1], model.generate(z=z_mid[None])[0], atol=1e-6)
    with pytest.raises(ValueError, match="dims must lie in"):
        latent.latent_traversal(model, dims=(4,))
    cgan = ConditionalGAN(**TINY)
    with pytest.raises(ValueError, match="needs labels"):
        latent.interpolation_strip(cgan, steps=3)
    assert latent.interpolation_strip(cgan, steps=3, labels=5).shape == (3, 28, 28, 1)
