"""The Gram matrix of a layer as a picture: "style = correlation between channels"."""
import numpy as np

from cv2course.featviz.activations import layer_activations


def layer_gram(image, layer, normalize="positions", channels=None, arch="vgg19", weights="auto", extractor=None):
    """The Gram matrix (n_C × n_C) of ``layer`` for ``image`` via :func:`cv2course.nst.losses.gram_matrix`.

    ``normalize``: ``"positions"`` divides by n_H·n_W (as the style cost compares them),
    ``"none"`` gives A·Aᵀ, ``"correlation"`` gives G_kk' / sqrt(G_kk·G_k'k') (cosine
    similarity of two channels' maps, 1 on the diagonal, 0 for a dead channel).
    ``channels`` selects a subset (e.g. the first 32) for a readable heat map.
    """
    from cv2course.nst.losses import gram_matrix

    if normalize not in ("positions", "none", "correlation"):
        raise ValueError(f"normalize must be 'positions', 'none' or 'correlation', got {normalize!r}")
    a = layer_activations(image, [layer], arch=arch, weights=weights, extractor=extractor)[layer]
    if channels is not None:
        a = a[..., list(channels)]
    g = np.asarray(gram_matrix(a), dtype=np.float64)
    if normalize == "positions":
        g = g / (a.shape[0] * a.shape[1])
    elif normalize == "correlation":
        d = np.sqrt(np.diag(g))
        scale = np.outer(d, d)
        g = np.divide(g, scale, out=np.zeros_like(g), where=scale > 0)
    return g.astype(np.float32)
