import matplotlib
import numpy as np
import pytest
from scipy.stats import norm

from cv2course.autoencoders import plots

matplotlib.use("Agg")


def test_manifold_grid_sits_on_normal_quantiles_top_row_first():
    values, z = plots.manifold_grid(5, (0.1, 0.9))
    np.testing.assert_allclose(values, norm.ppf(np.linspace(0.1, 0.9, 5)), rtol=1e-6)
    assert z.shape == (25, 2)
    np.testing.assert_allclose(z[:5, 0], values, rtol=1e-6)        # first row: z1 left to right
    np.testing.assert_allclose(z[:5, 1], values[-1], rtol=1e-6)    # at the largest z2
    np.testing.assert_allclose(z[::5, 1], values[::-1], rtol=1e-6)
    with pytest.raises(ValueError, match="quantiles"):
        plots.manifold_grid(5, (0.0, 0.9))


def test_latent_manifold_decodes_the_grid_padded_to_the_latent_size():
    seen = []

    def decode(z):
        seen.append(z)
        return np.full((len(z), 6, 6, 1), 0.5, np.float32)

    fig = plots.latent_manifold(decode, n=4, latent_dim=3)
    assert seen[0].shape == (16, 3) and np.all(seen[0][:, 2] == 0)
    assert fig.axes[0].images[0].get_array().shape[:2] == (4 * 7 - 1, 4 * 7 - 1)


def test_the_other_plots_return_figures_and_check_their_inputs():
    rng = np.random.default_rng(0)
    images = rng.random((6, 8, 8, 1)).astype(np.float32)
    codes, labels = rng.normal(size=(30, 2)), rng.integers(0, 10, 30)
    assert plots.reconstruction_rows({"input": images, "output": images}).axes
    assert plots.interpolation_strip(images).axes
    assert plots.ae_vs_pca(codes, codes, labels, 0.01, 0.02).axes
    box = plots.latent_box_samples(codes, 50, seed=1)
    assert box.shape == (50, 2) and np.all(box >= codes.min(0)) and np.all(box <= codes.max(0))
    assert plots.ae_vs_vae(codes, box[:6], images, codes, box[:6], images, labels).axes
    seq = rng.normal(size=(3, 20, 1))
    assert plots.sequence_reconstructions(seq, seq, [0.1, 0.2, 0.3], ["a", "b", "c"], threshold=0.15).axes
    assert plots.score_histogram(np.array([0.1, 0.2, 0.3, 2.0]), np.array([0, 0, 0, 1]), 0.5).axes
    with pytest.raises(ValueError, match="codes must have shape"):
        plots.latent_scatter(np.zeros((5, 1)), np.zeros(5))
    with pytest.raises(ValueError, match="one entry per code"):
        plots.latent_scatter(np.zeros((5, 2)), np.zeros(4))
    matplotlib.pyplot.close("all")
