"""The lecture 06/09 slide figures render in quick mode and are reproducible."""
import pytest

from cv2course.figures import load_all, render

NAMES = ["divergences", "emd_plans", "is_label_distributions", "fid_vs_noise", "precision_recall"]


def test_figures_are_registered_with_captions():
    specs = load_all()
    for name in NAMES:
        assert specs[name].func.__module__ == "cv2course.figures.evaluation"
        assert specs[name].kind == "plot" and len(specs[name].caption) > 40


@pytest.mark.parametrize("name", NAMES)
def test_figure_renders_in_quick_mode(name, tmp_path):
    path = render(name, tmp_path, seed=0)
    assert path.suffix == ".svg" and path.stat().st_size > 5000


def test_same_seed_same_figure(tmp_path):
    first = render("precision_recall", tmp_path / "a", seed=3).read_bytes()
    again = render("precision_recall", tmp_path / "b", seed=3).read_bytes()
    other = render("precision_recall", tmp_path / "c", seed=4).read_bytes()
    assert first == again and first != other
