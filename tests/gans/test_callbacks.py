"""Mode-collapse measures against closed forms; the monitors inside a quick fit."""
import numpy as np
import pytest

from cv2course.data import digits
from cv2course.gans import callbacks as C
from cv2course.gans.gan import GAN
from cv2course.metrics import mode_collapse as M
from tests.gans.helpers import TINY


def test_class_entropy_and_coverage_closed_forms():
    uniform = np.repeat(np.arange(10), 7)
    assert M.class_entropy(uniform) == pytest.approx(np.log2(10))
    assert M.class_entropy(np.full(50, 3)) == 0.0
    assert M.class_entropy([0, 0, 1, 1]) == pytest.approx(1.0)
    assert M.classes_covered(uniform) == 10
    # One stray sample of class 9 among 100 is below the 2% share: not covered.
    assert M.classes_covered(np.r_[np.zeros(99, int), 9]) == 1
    assert M.classes_covered(np.r_[np.zeros(90, int), np.full(10, 9)]) == 2


def test_mean_pairwise_distance_matches_brute_force():
    x = np.random.default_rng(0).random((6, 4, 4, 1))
    flat = x.reshape(6, -1)
    brute = np.mean([np.linalg.norm(flat[i] - flat[j]) for i in range(6) for j in range(i + 1, 6)])
    assert M.mean_pairwise_distance(x) == pytest.approx(brute)
    assert M.mean_pairwise_distance(np.repeat(x[:1], 5, axis=0)) == 0.0  # total collapse
    with pytest.raises(ValueError, match="at least 2"):
        M.mean_pairwise_distance(x[:1])


class ConstantClassifier:
    """Predicts class = (brightest row index) % 10: deterministic and cheap."""

    def __call__(self, x):
        rows = np.asarray(x)[..., 0].mean(axis=2).argmax(axis=1) % 10
        return np.eye(10)[rows]


def test_monitors_during_a_quick_fit(tmp_path):
    x = digits(28, "train")[0][:8]
    model = GAN(seed=0, **TINY)
    model.compile(run_eagerly=True)
    grid = C.ImageGridMonitor(n=4, seed=1, out_dir=tmp_path / "frames", gif=tmp_path / "progress.gif")
    collapse = C.ModeCollapseMonitor(n=20, classifier=ConstantClassifier(), reference=x)
    before = model.generate(z=model.latent_vectors(4, seed=1))
    history = model.fit(model.make_dataset(x, batch_size=4), epochs=2, verbose=0, callbacks=[grid, collapse])
    assert grid.epochs == [0, 1, 2] and len(grid.frames) == 3
    from cv2course.viz import image_grid

    np.testing.assert_allclose(grid.frames[0], image_grid(before), atol=1e-6)  # frame 0 is the untrained G
    assert not np.allclose(grid.frames[0], grid.frames[-1])
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == ["epoch_0000.png", "epoch_0001.png",
                                                                     "epoch_0002.png"]
    assert (tmp_path / "progress.gif").stat().st_size > 0
    for key in C.ModeCollapseMonitor.keys:
        assert len(history.history[key]) == 2 and history.history[key] == collapse.history[key]
    images = model.generate(z=model.latent_vectors(20, seed=0))
    assert collapse.history["mean_pairwise_distance"][-1] == pytest.approx(M.mean_pairwise_distance(images),
                                                                           rel=1e-5)
    assert collapse.reference_distance == pytest.approx(M.mean_pairwise_distance(x))
