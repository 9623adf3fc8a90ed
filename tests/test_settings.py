import random

import numpy as np
import pytest

from cv2course import settings


def test_set_seed_makes_python_numpy_and_keras_repeatable():
    import keras

    def draw():
        settings.set_seed(123)
        return random.random(), np.random.rand(3), np.asarray(keras.random.normal((4,)))

    a, b = draw(), draw()
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])
    settings.set_seed(124)
    assert random.random() != a[0]


def test_set_seed_rejects_non_integers():
    with pytest.raises(TypeError, match="seed"):
        settings.set_seed(1.5)


def test_quick_mode_switch_and_pick(monkeypatch):
    monkeypatch.setattr(settings, "QUICK", False)
    assert settings.pick(100, 2) == 100
    settings.set_quick(True)
    try:
        assert settings.QUICK and settings.pick(100, 2) == 2
        import os

        assert os.environ["CV2COURSE_QUICK"] == "1"
    finally:
        settings.set_quick(True)  # the test session runs in quick mode


def test_data_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CV2COURSE_DATA", str(tmp_path / "cache"))
    assert settings.data_dir() == tmp_path / "cache"
    assert (tmp_path / "cache").is_dir()
