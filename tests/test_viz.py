import numpy as np
import pytest
from PIL import Image

from cv2course.viz import image_grid, save_figure, save_gif, show_images


def test_grid_places_images_row_by_row():
    imgs = np.stack([np.full((2, 3, 1), v, np.float32) for v in (0.1, 0.2, 0.3)])
    grid = image_grid(imgs, ncols=2, pad=1, pad_value=1.0)
    assert grid.shape == (5, 7, 1)
    assert grid[0, 0, 0] == pytest.approx(0.1) and grid[0, 4, 0] == pytest.approx(0.2)
    assert grid[3, 0, 0] == pytest.approx(0.3) and grid[3, 4, 0] == 1.0  # empty cell stays padding
    assert grid[2, 0, 0] == 1.0  # the padding row


def test_grid_maps_minus_one_one_to_unit_range():
    grid = image_grid(np.array([[[[-1.0]]], [[[1.0]]]]), pad=0)
    np.testing.assert_allclose(grid[..., 0], [[0.0, 1.0]])


def test_grid_errors():
    with pytest.raises(ValueError, match="cannot hold"):
        image_grid(np.zeros((5, 2, 2, 1)), nrows=2, ncols=2)


def test_png_is_300_dpi_and_svg_is_reproducible(tmp_path):
    import matplotlib.pyplot as plt

    fig = show_images(np.random.default_rng(0).random((3, 8, 8, 3)), titles=["a", "b", "c"])
    png = save_figure(fig, tmp_path / "grid", kind="image")
    assert png.suffix == ".png"
    dpi = Image.open(png).info["dpi"]
    assert round(dpi[0]) == 300

    def plot():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 0, 1])
        return fig

    a = save_figure(plot(), tmp_path / "a", kind="plot").read_bytes()
    b = save_figure(plot(), tmp_path / "b", kind="plot").read_bytes()
    assert a == b and a.startswith(b"<?xml")
    with pytest.raises(ValueError, match="kind"):
        save_figure(plot(), tmp_path / "c", kind="movie")


def test_gif_has_every_frame(tmp_path):
    frames = np.linspace(0, 1, 4)[:, None, None, None] * np.ones((4, 6, 6, 3))
    path = save_gif(frames, tmp_path / "x.gif")
    with Image.open(path) as gif:
        assert gif.n_frames == 4
    with pytest.raises(ValueError, match=".gif"):
        save_gif(frames, tmp_path / "x.png")
