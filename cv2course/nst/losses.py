"""The style-transfer costs of the slides, each one pure function.

Activations are one image's: ``(n_H, n_W, n_C)``, or ``(1, n_H, n_W, n_C)`` (a batch of
one, as a Keras model returns them). A batch of several images is refused: the costs
compare *one* generated image with its targets. Inputs may be NumPy arrays or tensors; the
result is a float32 scalar tensor (differentiable with ``tf.GradientTape``).
"""
import tensorflow as tf


def _single(a, name):
    """``a`` as a float32 (n_H, n_W, n_C) tensor; a leading batch of one is dropped."""
    a = tf.convert_to_tensor(a, dtype=tf.float32)
    rank = a.shape.rank
    if rank == 4:
        if a.shape[0] is not None and a.shape[0] != 1:
            raise ValueError(f"{name} must be one image's activations, (n_H, n_W, n_C) or (1, n_H, n_W, n_C); "
                             f"got a batch of {a.shape[0]} (shape {tuple(a.shape)})")
        return a[0]
    if rank != 3:
        raise ValueError(f"{name} must have rank 3 (n_H, n_W, n_C) or rank 4 (1, n_H, n_W, n_C), "
                         f"got shape {tuple(a.shape)}")
    return a


def _same_shape(a, b, names):
    if a.shape.is_fully_defined() and b.shape.is_fully_defined() and a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")


def _positions(a):
    """n_H · n_W of a (n_H, n_W, n_C) tensor, as float32."""
    shape = tf.shape(a)
    return tf.cast(shape[0] * shape[1], tf.float32)


def unroll(a):
    """The activations unrolled to A, one row per channel: (n_C, n_H·n_W)."""
    a = _single(a, "a")
    return tf.transpose(tf.reshape(a, (-1, tf.shape(a)[-1])))


def gram_matrix(a):
    """Style (Gram) matrix G = A·Aᵀ of the unrolled activations A (n_C × n_H·n_W).

    G_kk' = Σ_i Σ_j a_ijk · a_ijk' measures how much channels k and k' fire together;
    shape (n_C, n_C), not normalised (the style cost normalises).
    """
    A = unroll(a)
    return tf.matmul(A, A, transpose_b=True)


def normalized_gram(a, gram=None):
    """G / (n_H·n_W): the Gram matrix per position, comparable between image sizes.

    ``gram``: the function giving G of an (n_H, n_W, n_C) activation (default :func:`gram_matrix`).
    """
    a = _single(a, "a")
    return tf.convert_to_tensor((gram or gram_matrix)(a), tf.float32) / _positions(a)


def style_cost_from_grams(gram_S, gram_G):
    """1/(4·n_C²) · ‖G(S) − G(G)‖²_F for Gram matrices already divided by n_H·n_W.

    Equal to :func:`style_cost_layer` on the activations; the transfer uses it so that the
    style targets are computed once.
    """
    gram_S = tf.convert_to_tensor(gram_S, dtype=tf.float32)
    gram_G = tf.convert_to_tensor(gram_G, dtype=tf.float32)
    _same_shape(gram_S, gram_G, ("gram_S", "gram_G"))
    n_C = tf.cast(tf.shape(gram_G)[0], tf.float32)
    return tf.reduce_sum(tf.square(gram_S - gram_G)) / (4.0 * n_C ** 2)


def content_cost(a_C, a_G):
    """J_content(C, G) = 1/(4·n_H·n_W·n_C) · Σ (a(C) − a(G))²  (one hidden layer)."""
    a_C, a_G = _single(a_C, "a_C"), _single(a_G, "a_G")
    _same_shape(a_C, a_G, ("a_C", "a_G"))
    n = tf.cast(tf.size(a_G), tf.float32)
    return tf.reduce_sum(tf.square(a_C - a_G)) / (4.0 * n)


def style_cost_layer(a_S, a_G):
    """J_style^[l](S, G) = 1/(4·n_C²·(n_H·n_W)²) · ‖G(S) − G(G)‖²_F  (Frobenius norm).

    G(·) is :func:`gram_matrix`. When the style image's activations have another size than
    the generated image's, each Gram matrix is divided by its own n_H·n_W, which is the
    slide formula whenever the sizes agree.
    """
    a_S, a_G = _single(a_S, "a_S"), _single(a_G, "a_G")
    if a_S.shape[-1] is not None and a_G.shape[-1] is not None and a_S.shape[-1] != a_G.shape[-1]:
        raise ValueError(f"a_S and a_G must have the same number of channels, got {a_S.shape[-1]} and {a_G.shape[-1]}")
    return style_cost_from_grams(normalized_gram(a_S), normalized_gram(a_G))


def style_cost(a_S, a_G, layer_weights):
    """J_style(S, G) = Σ_l λ^[l] · J_style^[l](S, G).

    ``a_S`` and ``a_G`` map layer names to activations; ``layer_weights`` maps the same
    names to λ^[l] (the presets use 0.2 for each of five layers, Gatys et al.'s w_l = 1/5; the slides
    leave λ^[l] open).
    """
    missing = [name for name in layer_weights if name not in a_S or name not in a_G]
    if missing:
        raise ValueError(f"layer_weights names layers {missing} that are missing from a_S or a_G")
    return tf.add_n([float(w) * style_cost_layer(a_S[name], a_G[name]) for name, w in layer_weights.items()])


def total_variation(image):
    """J_TV(G) = Σ_ijc |G_i+1,j,c − G_ijc| + Σ_ijc |G_i,j+1,c − G_ijc|.

    Vertical plus horizontal absolute differences of neighbouring pixels, summed over the
    channels (``tf.image.total_variation`` of one image). Zero for a constant image;
    penalises high-frequency noise.
    """
    x = _single(image, "image")
    return tf.reduce_sum(tf.abs(x[1:] - x[:-1])) + tf.reduce_sum(tf.abs(x[:, 1:] - x[:, :-1]))


def total_cost(J_content, J_style, J_tv=0.0, alpha=10.0, beta=40.0, gamma=0.0):
    """J(G) = α·J_content(C, G) + β·J_style(S, G) + γ·J_TV(G)."""
    return alpha * J_content + beta * J_style + gamma * J_tv
