import re

import pytest

from cv2course import figures
from cv2course.cli import main


@pytest.fixture
def toy_figures():
    import matplotlib.pyplot as plt
    import numpy as np

    @figures.figure("toy_plot", kind="plot", caption="a seeded random walk", lecture="99_test")
    def toy_plot(seed):
        fig, ax = plt.subplots()
        ax.plot(np.cumsum(np.random.default_rng(seed).normal(size=20)))
        return fig

    @figures.figure("toy_image", kind="image", caption="noise", lecture="99_test")
    def toy_image(seed):
        fig, ax = plt.subplots()
        ax.imshow(np.random.default_rng(seed).random((8, 8)))
        return fig

    yield
    figures.FIGURES.pop("toy_plot")
    figures.FIGURES.pop("toy_image")


def test_only_writes_the_named_figures_and_an_index(tmp_path, toy_figures, capsys):
    assert main(["figures", "--out", str(tmp_path), "--only", "toy_plot", "toy_image", "--seed", "3"]) == 0
    assert (tmp_path / "toy_plot.svg").is_file() and (tmp_path / "toy_image.png").is_file()
    index = (tmp_path / "index.html").read_text()
    assert "a seeded random walk" in index and 'src="toy_image.png"' in index


def test_same_seed_same_figure(tmp_path, toy_figures):
    main(["figures", "--out", str(tmp_path / "a"), "--only", "toy_plot", "--seed", "7"])
    main(["figures", "--out", str(tmp_path / "b"), "--only", "toy_plot", "--seed", "7"])
    main(["figures", "--out", str(tmp_path / "c"), "--only", "toy_plot", "--seed", "8"])
    a, b, c = ((tmp_path / d / "toy_plot.svg").read_bytes() for d in "abc")
    assert a == b and a != c


def test_unknown_figure_and_missing_out(tmp_path, capsys):
    assert main(["figures", "--out", str(tmp_path), "--only", "nope"]) == 2
    assert "unknown figure" in capsys.readouterr().err
    assert main(["figures"]) == 2


def test_quick_mode_writes_every_listed_figure(tmp_path, capsys):
    """The README's main job: every registered slide figure, in quick mode."""
    specs = figures.load_all()
    # the figures issue 8 names, one per lecture topic, must all be registered
    named = {"nst_result", "nst_layers", "gram_heatmap", "activations", "ae_reconstructions", "vae_manifold",
             "gan_progression", "latent_interpolation", "mode_collapse", "divergences", "emd_plans",
             "wgan_vs_gan", "cgan_grid", "is_label_distributions", "sr_interpolation", "sr_comparison"}
    assert named <= set(specs), sorted(named - set(specs))
    assert main(["--quick", "figures", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    index = (tmp_path / "index.html").read_text()
    for name, spec in specs.items():
        suffix = ".png" if spec.kind == "image" else ".svg"
        assert (tmp_path / f"{name}{suffix}").stat().st_size > 0, name
        assert f'id="{name}"' in index
    assert re.search(rf"{len(specs)} figure\(s\)", out)
