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


def test_the_named_figures_are_registered():
    specs = figures.load_all()
    # the figures issue 8 names, one per lecture topic, must all be registered
    named = {"nst_result", "nst_layers", "gram_heatmap", "activations", "ae_reconstructions", "vae_manifold",
             "gan_progression", "latent_interpolation", "mode_collapse", "divergences", "emd_plans",
             "wgan_vs_gan", "cgan_grid", "is_label_distributions", "sr_interpolation", "sr_comparison"}
    assert named <= set(specs), sorted(named - set(specs))


def test_every_figure_in_preview_mode_is_the_readme_command():
    """Every registered figure in preview mode is the README's main command, which
    tests/test_readme.py runs literally (once, at quick-mode cost) and checks file by file."""
    from tests.test_readme import readme_commands

    assert "cv2course figures --preview" in readme_commands()[0]


@pytest.fixture
def picked():
    """A toy figure that records what ``settings.pick`` gives it; settings restored afterwards."""
    import matplotlib.pyplot as plt

    from cv2course import settings

    seen = []

    @figures.figure("toy_pick", kind="plot", caption="records settings.pick", lecture="99_test")
    def toy_pick(seed):
        seen.append((settings.pick("normal", "quick", preview="preview"), settings.pick("normal", "quick")))
        return plt.figure()

    quick = settings.QUICK
    yield seen
    figures.FIGURES.pop("toy_pick")
    settings.set_preview(False)
    settings.set_quick(quick)


def test_preview_is_quick_mode_with_the_preview_values(tmp_path, picked, monkeypatch):
    monkeypatch.delenv("CV2COURSE_QUICK", raising=False)
    from cv2course import settings

    settings.set_quick(False)
    assert main(["figures", "-o", str(tmp_path / "normal"), "--only", "toy_pick"]) == 0
    assert main(["figures", "--preview", "-o", str(tmp_path / "preview"), "--only", "toy_pick"]) == 0
    assert picked == [("normal", "normal"), ("preview", "quick")]


def test_preview_under_quick_from_the_environment_is_plain_quick(tmp_path, picked, monkeypatch):
    """What the suite runs the README's command in: CV2COURSE_QUICK=1 wins over --preview."""
    monkeypatch.setenv("CV2COURSE_QUICK", "1")
    from cv2course import settings

    settings.set_quick(True)
    assert main(["figures", "--preview", "-o", str(tmp_path), "--only", "toy_pick"]) == 0
    assert main(["--quick", "figures", "--preview", "-o", str(tmp_path), "--only", "toy_pick"]) == 0
    assert picked == [("quick", "quick"), ("quick", "quick")]


def test_an_existing_file_as_output_is_a_one_line_error(tmp_path, toy_figures, capsys):
    target = tmp_path / "figures.png"
    target.write_bytes(b"keep me")
    assert main(["figures", "-o", str(target), "--only", "toy_plot"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "-o/--output" in err and "is a file; give a folder" in err
    assert target.read_bytes() == b"keep me"


def test_out_is_accepted_and_the_times_are_tabled(tmp_path, toy_figures, capsys):
    assert main(["figures", "--out", str(tmp_path), "--only", "toy_plot", "toy_image"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("figure "):].splitlines()
    assert re.match(r"figure\s+seconds\s+lecture", table[0])
    rows = {line.split()[0]: line.split() for line in table[1:4]}
    assert set(rows) == {"toy_plot", "toy_image", "total"}
    assert float(rows["total"][1]) >= max(float(rows["toy_plot"][1]), float(rows["toy_image"][1]))


def test_time_table_is_slowest_first_with_failures_and_total():
    from cv2course.figures.cli import time_table

    rows = [{"name": "a", "seconds": 1.0, "lecture": "x"}, {"name": "bb", "seconds": 3.0, "lecture": "y"}]
    lines = time_table(rows, failed=["c"]).splitlines()
    assert [line.split()[0] for line in lines] == ["figure", "bb", "a", "c", "total"]
    assert lines[3].split()[1] == "FAILED" and lines[4].split()[1] == "4.0"


@pytest.mark.parametrize("name", ["gan_progression", "wgan_samples", "cgan_grid", "vae_manifold"])
def test_quick_generator_figures_draw_the_pretrained_demos_and_say_so(name):
    """Quick mode trains nothing to digits in seconds: these figures use the shipped demo weights
    (tests/test_demos.py checks that those make digits) and their titles say "pretrained"."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from cv2course import settings

    assert settings.QUICK
    fig = figures.load_all()[name].func(0)
    try:
        texts = [t.get_text() for t in fig.findobj(Text)]
        assert any("pretrained" in t for t in texts), texts
    finally:
        plt.close(fig)
