"""Exercises for the style-transfer slides: Gram matrix, content cost, style cost of a layer, total variation.

Inputs are one image's activations (n_H, n_W, n_C) as NumPy arrays; the references are the
package's own functions in :mod:`cv2course.nst.losses`.
"""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.nst import losses


def _acts(seed, shapes):
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    # ReLU-like activations, as a VGG layer gives them
    return [np.maximum(rng.normal(size=s), 0).astype(np.float32) * 3 for s in shapes]


def _one_cases():
    return [((a,), {}) for a in _acts(0, [(4, 4, 3), (3, 5, 8), (6, 2, 1), (2, 2, 16)])]


def _pair_cases():
    out = []
    for seed, shape in enumerate([(4, 4, 3), (3, 5, 8), (6, 2, 1), (2, 2, 16)]):
        a, b = _acts(seed + 10, [shape, shape])
        out.append(((a, b), {}))
    return out


def _random_shapes(rng, count=3):
    return [tuple(int(v) for v in rng.integers(1, 7, size=3)) for _ in range(count)]


def _hidden_one(rng):
    return [((a,), {}) for a in _acts(rng, _random_shapes(rng))]


def _hidden_pairs(rng):
    return [(tuple(_acts(rng, [s, s])), {}) for s in _random_shapes(rng)]


def _hidden_images(rng):
    return [((rng.uniform(size=(int(rng.integers(2, 9)), int(rng.integers(2, 9)), c)).astype(np.float32),), {})
            for c in (1, 3, 3)]


def _image_cases():
    rng = np.random.default_rng(1)
    return [((rng.uniform(size=s).astype(np.float32),), {}) for s in [(5, 5, 3), (4, 7, 3), (8, 3, 1)]] + [
        ((np.full((4, 4, 3), 0.25, np.float32),), {})]


exercise("gram_matrix", reference=losses.gram_matrix, cases=_one_cases, hidden=_hidden_one, rtol=1e-4, atol=1e-4,
         hint="Unroll the activations to A of shape (n_C, n_H*n_W): a.reshape(-1, n_C).T, then G = A @ A.T, "
              "an (n_C, n_C) matrix. No normalisation here.",
         description="gram_matrix(a): the style matrix G = A·Aᵀ of activations a (n_H, n_W, n_C).")
exercise("content_cost", reference=losses.content_cost, cases=_pair_cases, hidden=_hidden_pairs, rtol=1e-4, atol=1e-6,
         hint="J_content = sum((a_C - a_G)**2) / (4 * n_H * n_W * n_C): sum, do not average, and keep the 4.",
         description="content_cost(a_C, a_G): 1/(4 n_H n_W n_C) Σ (a(C) − a(G))².")
exercise("style_cost_layer", reference=losses.style_cost_layer, cases=_pair_cases, hidden=_hidden_pairs,
         rtol=1e-4, atol=1e-6,
         hint="Compute G_S and G_G with your gram_matrix, then sum((G_S - G_G)**2) / (4 * n_C**2 * (n_H*n_W)**2).",
         description="style_cost_layer(a_S, a_G): 1/(4 n_C² (n_H n_W)²) ‖G(S) − G(G)‖²_F.")
exercise("total_variation", reference=losses.total_variation, cases=_image_cases, hidden=_hidden_images,
         rtol=1e-4, atol=1e-5,
         hint="Sum the absolute differences of vertical neighbours, x[1:] - x[:-1], and of horizontal "
              "neighbours, x[:, 1:] - x[:, :-1], over all channels. A constant image gives 0.",
         description="total_variation(image): Σ|vertical differences| + Σ|horizontal differences| of an (H, W, C) image.")
