"""The GAN lectures' figures of the 2-D ring and the timeline: what their panels say, in quick mode."""
import numpy as np
import pytest

from cv2course import figures
from cv2course.experiments import toy2d
from cv2course.figures import gans


def _texts(fig):
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.fixture
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_ring_progress_counts_the_modes_each_panel_covers(close_figures):
    shots = toy2d.Snapshots()
    centres = toy2d.ring_centres()
    shots.steps = [0, 10, 20]
    shots.points = [np.zeros((8, 2)), centres, np.repeat(centres[[3]], 8, axis=0)]  # all 8, then one mode
    fig = gans.ring_progress([("GAN", shots)], title="t")
    texts = _texts(fig)
    assert "GAN\nstep 10: 8 of 8 modes" in texts and "GAN\nstep 20: 1 of 8 modes" in texts
    assert len(fig.axes) == 2  # step 0 is not drawn


def test_timeline_has_the_slides_years_and_marks_the_course_models(close_figures):
    texts = _texts(gans.gan_timeline(0))
    assert {str(y) for y in range(2014, 2019)} <= set(texts)
    assert "DCGAN\nRadford et al., notebook 05" in texts
    assert "StyleGAN\nKarras et al." in texts  # not in the course: no notebook


@pytest.mark.parametrize("name, runs", [("mode_collapse_sequence", 2), ("wgan_toy_progress", 2)])
def test_toy_figures_are_registered_and_say_they_are_quick(name, runs, close_figures):
    from cv2course import settings

    assert settings.QUICK
    spec = figures.load_all()[name]
    texts = _texts(spec.func(0))
    assert any("quick mode" in t for t in texts)
    assert sum("of 8 modes" in t for t in texts) == 4 * runs  # one panel per run and step count
    if name == "wgan_toy_progress":
        assert sum(", EMD " in t for t in texts) == 4 * runs  # each panel gives its exact EMD too


def test_ring_progress_gives_the_distance_of_the_steps_it_is_told(close_figures):
    shots = toy2d.Snapshots()
    shots.steps, shots.points = [0, 10, 20], [np.zeros((8, 2)), toy2d.ring_centres(), toy2d.ring_centres()]
    texts = _texts(gans.ring_progress([("WGAN", shots)], distances={"WGAN": {10: 0.456}}))
    assert "WGAN\nstep 10: 8 of 8 modes, EMD 0.46" in texts and "WGAN\nstep 20: 8 of 8 modes" in texts


@pytest.mark.parametrize("name", ["wgan_vs_gan", "mode_collapse"])
def test_the_comparison_figures_train_on_the_ring_and_say_they_are_quick(name, close_figures):
    from cv2course import settings

    assert settings.QUICK
    fig = figures.load_all()[name].func(0)
    texts = _texts(fig)
    assert any("quick mode" in t for t in texts)
    assert {"GAN", "WGAN, c = 0.01", "WGAN-GP, λ = 0.1"} <= set(texts)  # the legend names the three toy runs


def test_critic_toy_draws_the_setting_it_trained(close_figures):
    texts = _texts(gans.critic_toy("wgan", clip_value=0.1, n_critic=2))
    assert any("c = 0.1, n_critic = 2" in t for t in texts)
    texts = _texts(gans.critic_toy("wgan_gp", gp_weight=1.0, n_critic=1))
    assert any("WGAN-GP (λ = 1, n_critic = 1)" in t for t in texts)
