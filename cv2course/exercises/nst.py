"""Exercises for the style-transfer slides: Gram matrix, content cost, style cost of a layer, total variation.

Inputs are one image's activations (n_H, n_W, n_C) as NumPy arrays; the references are the
package's own functions in :mod:`cv2course.nst.losses`.

Two normalisations. The exercises grade the NST lecture's costs (nst_lecture.txt):
J_content(C,G) = 1/(4 × n_H × n_W × n_C) Σ_all entries (a^(C) − a^(G))² and
J_style^[l](S,G) = 1/(4 × n_C² × (n_H × n_W)²) Σ_ij (G_(gram)ij^(S) − G_(gram)ij^(G))².
Class 5 (class5_generative_models.txt) writes J_content(G) = ‖f(a^[l](C)) − f(a^[l](G))‖²,
a plain sum of squares (× 4 n_H n_W n_C), and J_S^[l] with 1/(4(n_W^[l] n_H^[l])²), without
n_C² (× n_C²). Both give the same images once α, β are scaled by those factors; ``check()``
names class 5's when a student uses it.
"""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.exercises.diagnosis import scaled, times, wrong
from cv2course.i18n import tr
from cv2course.nst import losses


def _acts(seed, shapes):
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    # ReLU-like activations, as a VGG layer gives them
    return [np.maximum(rng.normal(size=s), 0).astype(np.float32) * 3 for s in shapes]


def _one_cases():
    # the last is a batch of one image, (1, n_H, n_W, n_C): what a style transfer's extractor gives
    return [((a,), {}) for a in _acts(0, [(4, 4, 3), (3, 5, 8), (6, 2, 1), (2, 2, 16), (1, 3, 4, 5)])]


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


def _n_C(a, *_):
    return np.shape(a)[-1]


def _positions(a, *_):
    return int(np.prod(np.shape(a)[:-1]))  # n_H · n_W (a leading batch of one changes nothing)


def _positions_gram(a):
    x = np.asarray(a, np.float64).reshape(-1, np.shape(a)[-1])
    return x @ x.T


def _tv(x, power=1, vertical=True, horizontal=True, reduce=np.sum):
    x = np.asarray(x, np.float64)
    dv, dh = np.abs(x[1:] - x[:-1]) ** power, np.abs(x[:, 1:] - x[:, :-1]) ** power
    return (reduce(dv) if vertical else 0.0) + (reduce(dh) if horizontal else 0.0)


CLASS5_CONTENT = scaled(
    "class5_content", lambda a_C, a_G: 4 * np.size(a_G),
    tr("this is class 5's normalisation: J_content(G) = ‖f(a^[l](C)) − f(a^[l](G))‖², a plain sum of squares. "
       "The exercise grades the NST lecture's J_content(C,G) = 1/(4 × n_H × n_W × n_C) Σ (a^(C) − a^(G))²: "
       "your answer is the expected one × 4·n_H·n_W·n_C = {factor}. Both lead to the same image once α is "
       "divided by that factor", lang="en"))
CLASS5_STYLE = scaled(
    "class5_style", lambda a_S, a_G: np.shape(a_G)[-1] ** 2,
    tr("this is class 5's normalisation: J_S^[l] = 1/(4(n_W^[l] n_H^[l])²) ‖G^[l](S) − G^[l](G)‖²_F, without "
       "n_C². The exercise grades the NST lecture's 1/(4 × n_C² × (n_H × n_W)²): your answer is the expected "
       "one × n_C² = {factor}. Both lead to the same image once each layer's λ^[l] (or β) is divided by n_C²",
       lang="en"))

exercise("gram_matrix", reference=losses.gram_matrix, cases=_one_cases, hidden=_hidden_one, rtol=1e-4, atol=1e-4,
         hint=(tr("The Gram matrix compares channels with channels: one number for every pair of channels (k, k'), "
                  "adding up over all the positions (i, j) how much both fire there. Its size is n_C × n_C, "
                  "whatever the image size.", lang="en"),
               tr("Slide formula: G_kk'^[l] = Σ_i Σ_j a_ijk^[l] a_ijk'^[l], that is G^[l] = A^[l] (A^[l])ᵀ with "
                  "A^[l] the activations unrolled to one row per channel, shape (n_C, n_H·n_W). No normalisation "
                  "here.", lang="en")),
         slips=(wrong("gram_positions", _positions_gram,
                      tr("your matrix compares positions with positions (n_H·n_W × n_H·n_W): you multiplied the "
                         "unrolled activations the other way round; the Gram matrix is n_C × n_C", lang="en")),
                scaled("gram_normalised", lambda a: 1 / _positions(a),
                       tr("your answer is the expected one ÷ n_H·n_W (× {factor}): this G is not normalised; the "
                          "style cost divides later", lang="en")),
                scaled("gram_normalised_all", lambda a: 1 / np.size(a),
                       tr("your answer is the expected one ÷ n_H·n_W·n_C (× {factor}): this G is not normalised; "
                          "the style cost divides later", lang="en"))),
         description="gram_matrix(a): the style matrix G = A·Aᵀ of activations a (n_H, n_W, n_C).")
exercise("content_cost", reference=losses.content_cost, cases=_pair_cases, hidden=_hidden_pairs, rtol=1e-4, atol=1e-6,
         hint=(tr("The content cost measures how far apart the two activations are, entry by entry, with squared "
                  "differences. This exercise grades the NST lecture's normalisation, not class 5's plain "
                  "squared norm.", lang="en"),
               tr("NST lecture: J_content(C,G) = 1/(4 × n_H × n_W × n_C) Σ_all entries (a^(C) − a^(G))². "
                  "A sum over all entries, then divided by 4 n_H n_W n_C.", lang="en")),
         slips=(CLASS5_CONTENT,
                times("content_no_quarter", 4,
                      tr("your answer is the expected one × 4: you divided by n_H·n_W·n_C (a mean) but dropped "
                         "the 4 of 1/(4 × n_H × n_W × n_C)", lang="en")),
                scaled("content_no_channels", _n_C,
                       tr("your answer is the expected one × n_C = {factor}: the denominator 4 × n_H × n_W × n_C "
                          "is missing its n_C", lang="en"))),
         description="content_cost(a_C, a_G): the NST lecture's 1/(4 n_H n_W n_C) Σ (a(C) − a(G))² "
                     "(not class 5's ‖a^[l](C) − a^[l](G)‖²).")
exercise("style_cost_layer", reference=losses.style_cost_layer, cases=_pair_cases, hidden=_hidden_pairs,
         rtol=1e-4, atol=1e-6,
         hint=(tr("Compare the two images' Gram matrices (use your gram_matrix): square the differences of all "
                  "their entries and add them up, then normalise. This exercise grades the NST lecture's "
                  "normalisation, which has n_C² where class 5's has none.", lang="en"),
               tr("NST lecture: J_style^[l](S,G) = 1/(4 × n_C² × (n_H × n_W)²) Σ_i Σ_j (G_ij^(S) − G_ij^(G))², "
                  "the squared Frobenius norm of G^(S) − G^(G) divided by 4 n_C² (n_H n_W)².", lang="en")),
         slips=(CLASS5_STYLE,
                times("style_no_quarter", 4,
                      tr("your answer is the expected one × 4: the 4 of 1/(4 × n_C² × (n_H × n_W)²) is missing "
                         "(TensorFlow's style-transfer tutorial drops it too)", lang="en")),
                scaled("style_positions_once", _positions,
                       tr("your answer is the expected one × n_H·n_W = {factor}: (n_H × n_W) is squared in the "
                          "denominator", lang="en"))),
         description="style_cost_layer(a_S, a_G): the NST lecture's 1/(4 n_C² (n_H n_W)²) ‖G(S) − G(G)‖²_F "
                     "(not class 5's 1/(4(n_H n_W)²)).")
exercise("total_variation", reference=losses.total_variation, cases=_image_cases, hidden=_hidden_images,
         rtol=1e-4, atol=1e-5,
         hint=(tr("Total variation adds up how much each pixel differs from its neighbour below and from its "
                  "neighbour on the right, in every channel. A constant image gives 0.", lang="en"),
               tr("J_TV(G) = Σ_i,j,c |G_i+1,j,c − G_i,j,c| + Σ_i,j,c |G_i,j+1,c − G_i,j,c|: absolute values "
                  "(not squares), summed (not averaged), both directions.", lang="en")),
         slips=(wrong("tv_vertical_only", lambda x: _tv(x, horizontal=False),
                      tr("your answer has only the vertical differences (G_i+1,j − G_i,j): add the horizontal "
                         "ones (G_i,j+1 − G_i,j)", lang="en")),
                wrong("tv_horizontal_only", lambda x: _tv(x, vertical=False),
                      tr("your answer has only the horizontal differences (G_i,j+1 − G_i,j): add the vertical "
                         "ones (G_i+1,j − G_i,j)", lang="en")),
                wrong("tv_squared", lambda x: _tv(x, power=2),
                      tr("you squared the differences: this total variation takes their absolute values",
                         lang="en")),
                wrong("tv_mean", lambda x: _tv(x, reduce=np.mean),
                      tr("you averaged the differences: the formula sums them", lang="en"))),
         description="total_variation(image): Σ|vertical differences| + Σ|horizontal differences| of an (H, W, C) image.")
