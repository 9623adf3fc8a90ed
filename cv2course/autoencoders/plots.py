"""Plots of the autoencoder lecture; each returns a matplotlib Figure.

Arrays in, figures out: the functions take images, codes and labels (NumPy), or a
``decode`` function (codes → images) for the latent manifold, so notebooks and slide
figures draw the same pictures from whatever models they trained.
"""
import numpy as np

from cv2course.checks import check_positive
from cv2course.i18n import tr
from cv2course.viz import image_grid


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _gray(img):
    img = np.asarray(img)
    return img[..., 0] if img.shape[-1] == 1 else img


def reconstruction_rows(rows, size=1.0, title=None):
    """One row of images per entry of ``rows`` ({"input": x, "noisy": x̃, "output": x̂}), labelled on the left."""
    if not rows:
        raise ValueError("rows must name at least one row of images, e.g. {'input': x, 'output': x_hat}")
    plt = _plt()
    ncols = max(len(v) for v in rows.values())
    fig, axes = plt.subplots(len(rows), ncols, figsize=(size * ncols + 0.8, size * len(rows) + (0.4 if title else 0)),
                             squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        images = np.clip(np.asarray(images, dtype=np.float32), 0, 1)
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
            if c < len(images):
                ax.imshow(_gray(images[c]), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=11)
    if title:
        fig.suptitle(title)
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return fig


def latent_scatter(codes, labels, title=None, ax=None, points=None, legend=True):
    """2-D codes as dots coloured by label (tab10); ``points`` (m, 2) are overlaid as black crosses."""
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(f"codes must have shape (n, 2) (a 2-D latent space), got {codes.shape}")
    labels = np.asarray(labels)
    if len(labels) != len(codes):
        raise ValueError(f"labels must have one entry per code, got {len(labels)} labels for {len(codes)} codes")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 4.5))
    else:
        fig = ax.figure
    cmap = plt.get_cmap("tab10")
    for k in np.unique(labels):
        sel = labels == k
        ax.scatter(codes[sel, 0], codes[sel, 1], s=7, color=cmap(int(k) % 10), label=str(k), alpha=0.8,
                   linewidths=0)
    if points is not None:
        points = np.asarray(points)
        ax.scatter(points[:, 0], points[:, 1], marker="x", s=40, color="black", label=tr("random z"))
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if legend:
        ax.legend(markerscale=2, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    if title:
        ax.set_title(title)
    return fig


def manifold_grid(n=15, quantiles=(0.05, 0.95)):
    """Latent coordinates of an n×n grid at normal quantiles: v = Φ⁻¹(linspace(q₀, q₁, n)).

    Returns ``(values, z)``: the n values along each axis and z (n·n, 2), row by row from
    the top (largest z₂) so that the decoded grid reads like the latent plane.
    """
    from scipy.stats import norm

    n = int(check_positive(n, "n", integer=True))
    lo, hi = quantiles
    if not 0.0 < lo < hi < 1.0:
        raise ValueError(f"quantiles must be (q0, q1) with 0 < q0 < q1 < 1, got {quantiles!r}")
    values = norm.ppf(np.linspace(lo, hi, n)).astype(np.float32)
    z1, z2 = np.meshgrid(values, values[::-1])
    return values, np.stack([z1.ravel(), z2.ravel()], axis=1)


def latent_manifold(decode, n=15, quantiles=(0.05, 0.95), latent_dim=2, title=None, size=6.0):
    """Decode an n×n grid of normal quantiles of (z₁, z₂) (other units 0) and tile the images.

    ``decode`` maps codes (m, latent_dim) to images (m, h, w, c). With a VAE's prior N(0, I)
    the grid covers the central part of the prior's mass evenly.
    """
    values, z = manifold_grid(n, quantiles)
    if latent_dim > 2:
        z = np.concatenate([z, np.zeros((len(z), latent_dim - 2), np.float32)], axis=1)
    images = np.asarray(decode(z))
    pad = 1  # thin white lines keep neighbouring (black-background) digits apart
    grid = image_grid(images, n, n, pad=pad, pad_value=1.0)
    h, w = images.shape[1] + pad, images.shape[2] + pad
    plt = _plt()
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(_gray(grid), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ticks = np.arange(n)
    step = max(1, n // 5)
    ax.set_xticks(ticks[::step] * w + (w - pad) / 2, [f"{v:.1f}" for v in values[::step]])
    ax.set_yticks(ticks[::step] * h + (h - pad) / 2, [f"{v:.1f}" for v in values[::-1][::step]])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return fig


def interpolation_strip(images, title=None, size=1.0, labels=("x_a", "x_b")):
    """One row: the decoded path from the first to the last image (t = 0 … 1)."""
    images = np.asarray(images)
    plt = _plt()
    n = len(images)
    fig, axes = plt.subplots(1, n, figsize=(size * n, size + 0.5 + (0.3 if title else 0)), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(_gray(np.clip(images[i], 0, 1)), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        t = i / max(n - 1, 1)
        ax.set_xlabel(labels[0] if i == 0 else labels[1] if i == n - 1 else f"t={t:.2f}", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.subplots_adjust(wspace=0.05)
    return fig


def latent_box_samples(codes, n, seed=0):
    """n points drawn uniformly from the bounding box of ``codes``: the natural guess of
    "random codes" for a plain autoencoder, whose code distribution is unknown."""
    codes = np.asarray(codes, dtype=np.float32)
    rng = np.random.default_rng(seed)
    return rng.uniform(codes.min(axis=0), codes.max(axis=0), (int(n), codes.shape[1])).astype(np.float32)


def ae_vs_vae(ae_codes, ae_points, ae_images, vae_codes, vae_points, vae_images, labels, ncols=6):
    """Continuity and completeness: each model's latent scatter with random points, and
    their decodings. The autoencoder's points land in gaps and decode to non-digits; the
    VAE's points z ~ N(0, I) decode to digits."""
    plt = _plt()
    fig = plt.figure(figsize=(11, 8.5))
    sub = fig.subfigures(2, 1, hspace=0.05)
    rows = ((tr("Autoencoder: random codes in the box of the training codes"), ae_codes, ae_points, ae_images),
            (tr("VAE: random codes z ~ N(0, I)"), vae_codes, vae_points, vae_images))
    for sf, (title, codes, points, images) in zip(sub, rows):
        left, right = sf.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.1]})
        latent_scatter(codes, labels, ax=left, points=points, legend=False)
        nrows = int(np.ceil(len(images) / ncols))
        right.imshow(_gray(image_grid(images, nrows, ncols, pad=1)), cmap="gray", vmin=0, vmax=1,
                     interpolation="nearest")
        right.axis("off")
        right.set_title(tr("decoded"), fontsize=10)
        sf.suptitle(title, fontsize=12)
    return fig


def ae_vs_pca(ae_codes, pca_codes, labels, ae_mse=None, pca_mse=None):
    """Two 2-D embeddings of the same digits side by side, with reconstruction MSE in the titles."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.5))
    for ax, codes, name, mse in ((axes[0], pca_codes, tr("PCA (2 components)"), pca_mse),
                                 (axes[1], ae_codes, tr("autoencoder (2-D code)"), ae_mse)):
        title = name if mse is None else tr("{name}\nreconstruction MSE {mse:.4f}", name=name, mse=mse)
        latent_scatter(codes, labels, ax=ax, title=title, legend=ax is axes[1])
    axes[0].set_xlabel(tr("PC 1"))
    axes[0].set_ylabel(tr("PC 2"))
    fig.tight_layout()
    return fig


def sequence_reconstructions(x, x_hat, scores, kinds=None, threshold=None, ncols=4):
    """Sequences (blue) and reconstructions (orange), titled with the anomaly score."""
    x, x_hat = np.asarray(x), np.asarray(x_hat)
    plt = _plt()
    n = len(x)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.2 * nrows), squeeze=False, sharey=True)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.axis("off")
            continue
        ax.plot(x[i, :, 0], lw=1.2, label=tr("input"))
        ax.plot(x_hat[i, :, 0], lw=1.2, label=tr("reconstruction"))
        flag = threshold is not None and scores[i] > threshold
        name = "" if kinds is None else f"{kinds[i]}: "
        ax.set_title(name + tr("score {score:.4f}", score=scores[i]), fontsize=9, color="crimson" if flag else "black")
        ax.set_xticks([])
    axes.flat[0].legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def score_histogram(scores, is_anomaly, threshold=None):
    """Histogram of anomaly scores for normal and anomalous sequences (log-spaced bins)."""
    scores, is_anomaly = np.asarray(scores), np.asarray(is_anomaly, bool)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    bins = np.geomspace(max(scores.min(), 1e-6), scores.max(), 40)
    ax.hist(scores[~is_anomaly], bins=bins, alpha=0.7, label=tr("normal"))
    ax.hist(scores[is_anomaly], bins=bins, alpha=0.7, label=tr("anomaly"), color="crimson")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=tr("threshold"))
    ax.set_xscale("log")
    ax.set_xlabel(tr("reconstruction MSE (anomaly score)"))
    ax.set_ylabel(tr("sequences"))
    ax.legend()
    fig.tight_layout()
    return fig
