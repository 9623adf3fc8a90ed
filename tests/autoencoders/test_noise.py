import numpy as np
import pytest

from cv2course.autoencoders import noise


def test_gaussian_noise_has_the_requested_std_and_stays_in_range():
    x = np.full((64, 32, 32, 1), 0.5, np.float32)
    out = np.asarray(noise.gaussian_noise(x, std=0.1, seed=1))
    delta = out - x
    assert abs(delta.mean()) < 3 * 0.1 / np.sqrt(delta.size)
    assert delta.std() == pytest.approx(0.1, rel=0.01)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.asarray(noise.gaussian_noise(np.ones((4, 8, 8, 1), np.float32), 0.5, seed=2)).max() <= 1.0


def test_salt_and_pepper_corrupts_the_requested_fraction_half_salt_half_pepper():
    x = np.full((64, 32, 32, 3), 0.5, np.float32)
    out = np.asarray(noise.salt_and_pepper(x, fraction=0.2, seed=3))
    changed = np.any(out != 0.5, axis=-1)
    n = changed.size
    assert changed.mean() == pytest.approx(0.2, abs=4 * np.sqrt(0.2 * 0.8 / n))
    salt = np.all(out == 1.0, axis=-1)
    pepper = np.all(out == 0.0, axis=-1)
    assert np.array_equal(salt | pepper, changed)  # every channel of a pixel gets the same value
    assert salt.sum() / changed.sum() == pytest.approx(0.5, abs=0.03)
    np.testing.assert_array_equal(out[~changed], 0.5)


def test_corrupt_by_name_and_clear_errors():
    x = np.full((2, 4, 4, 1), 0.5, np.float32)
    np.testing.assert_array_equal(noise.corrupt(x, "salt_and_pepper", 0.0, seed=0), x)
    np.testing.assert_array_equal(noise.corrupt(x, "gaussian", 0.0, seed=0), x)
    with pytest.raises(ValueError, match="noise must be one of"):
        noise.corrupt(x, "speckle", 0.1)
    with pytest.raises(ValueError, match="fraction"):
        noise.salt_and_pepper(x, 1.5)
    with pytest.raises(ValueError, match="std"):
        noise.gaussian_noise(x, -0.1)
