"""The CNN-basics slides as small NumPy functions: convolution sizes, pooling, activations.

Every worked example of the slides is here with its numbers, so the notebook, the figures
and the tests use the same values.
"""
import numpy as np

# The pooling slides (2x2 filters, stride 2).
MAX_POOL_INPUT = np.array([[29, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]], dtype=np.float64)
MAX_POOL_OUTPUT = np.array([[100, 184], [12, 45]], dtype=np.float64)
AVG_POOL_INPUT = np.array([[31, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]], dtype=np.float64)
AVG_POOL_OUTPUT = np.array([[36.5, 80], [12, 15]], dtype=np.float64)
# The slide prints 36 for (31 + 15 + 0 + 100) / 4 = 36.5: it rounds down.
AVG_POOL_SLIDE_OUTPUT = np.array([[36, 80], [12, 15]], dtype=np.float64)


def _int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def conv_output_size(n, f, p=0, s=1):
    """Output side of a convolution or pooling: ⌊(n + 2p − f) / s⌋ + 1.

    ``n`` input side, ``f`` filter side, ``p`` padding on each side, ``s`` stride. "Valid"
    convolution is p = 0; "same" with stride 1 is p = (f − 1) / 2.
    """
    n, f, p, s = _int(n, "n", 1), _int(f, "f", 1), _int(p, "p", 0), _int(s, "s", 1)
    if f > n + 2 * p:
        raise ValueError(f"the filter ({f}) is larger than the padded input ({n} + 2·{p} = {n + 2 * p})")
    return (n + 2 * p - f) // s + 1


def zero_pad(x, p):
    """Pad the two spatial axes of (h, w) or (h, w, c) ``x`` with ``p`` zeros on each side."""
    x = np.asarray(x)
    p = _int(p, "p", 0)
    pad = [(p, p), (p, p)] + [(0, 0)] * (x.ndim - 2)
    return np.pad(x, pad)


def conv2d(x, filters, biases=None, stride=1, padding=0):
    """Convolution of one volume as the talk's worked example computes it (cross-correlation, no flip;
    data/slide_map.json, srgan_talk.txt's convolution example).

    ``x``: (n, n, n_C) input; ``filters``: (f, f, n_C, n_filters); ``biases``: (n_filters,).
    Output (o, o, n_filters) with o = :func:`conv_output_size`; output channel k at (i, j)
    is Σ x[i·s:i·s+f, j·s:j·s+f, :] · filters[..., k] + biases[k].
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(filters, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be a volume (height, width, channels), got shape {x.shape}")
    if w.ndim != 4 or w.shape[0] != w.shape[1] or w.shape[2] != x.shape[2]:
        raise ValueError(f"filters must be (f, f, {x.shape[2]}, n_filters) for an input with {x.shape[2]} channels, "
                         f"got shape {w.shape}")
    b = np.zeros(w.shape[3]) if biases is None else np.asarray(biases, dtype=np.float64).reshape(-1)
    if b.shape != (w.shape[3],):
        raise ValueError(f"biases must have one value per filter ({w.shape[3]}), got shape {np.shape(biases)}")
    f = w.shape[0]
    oh = conv_output_size(x.shape[0], f, padding, stride)
    ow = conv_output_size(x.shape[1], f, padding, stride)
    xp = zero_pad(x, padding)
    out = np.empty((oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            window = xp[i * stride:i * stride + f, j * stride:j * stride + f, :]
            out[i, j] = np.tensordot(window, w, axes=([0, 1, 2], [0, 1, 2])) + b
    return out


# The slide's convolution over a volume (CS231n's demo): a 5×5×3 input padded by 1 to
# 7×7×3, filters W0 and W1 (biases 1 and 0), stride 2, a 3×3×2 output. The slide's text
# keeps the padded first input channel, both filters, both biases and all 18 outputs.
CONV_SLIDE_INPUT_CHANNEL0 = np.array([
    [0, 0, 0, 0, 0, 0, 0],
    [0, 2, 1, 2, 1, 0, 0],
    [0, 1, 2, 1, 2, 0, 0],
    [0, 0, 2, 1, 2, 2, 0],
    [0, 2, 0, 2, 0, 0, 0],
    [0, 1, 1, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0]], dtype=np.float64)
CONV_SLIDE_FILTERS = np.stack([  # (3, 3, 3 input channels, 2 filters): W0 then W1
    np.stack([[[0, 0, -1], [0, 0, 0], [1, -1, 1]],
              [[0, 0, -1], [-1, -1, -1], [-1, -1, 0]],
              [[1, 1, 1], [0, -1, -1], [0, 1, -1]]], axis=-1),
    np.stack([[[-1, 0, 0], [0, 0, 1], [1, 1, 1]],
              [[-1, 0, 0], [0, -1, -1], [1, 0, 1]],
              [[-1, -1, -1], [-1, 0, 0], [1, 0, 1]]], axis=-1)], axis=-1).astype(np.float64)
CONV_SLIDE_BIASES = np.array([1.0, 0.0])
CONV_SLIDE_OUTPUT = np.stack([
    [[-4, -4, -3], [-8, -10, -1], [-2, -1, -1]],
    [[3, 4, 1], [1, 2, -2], [-2, -4, -3]]], axis=-1).astype(np.float64)
# Input channels 1 and 2 did not survive in the slide's text. These 5×5 values are a
# reconstruction: integers in {0, 1, 2} that give exactly the 18 outputs above, found by
# :func:`reconstruct_hidden_channels` (the closest such values to 1, as in the demo's draws).
CONV_SLIDE_RECONSTRUCTED_CHANNELS = np.stack([
    [[1, 1, 1, 2, 1], [2, 1, 1, 1, 1], [2, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 1, 0, 1, 1]],
    [[2, 1, 1, 1, 1], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0], [0, 1, 1, 0, 1]]], axis=-1).astype(np.float64)


def conv_volume_example():
    """The slide's convolution over a volume: a 5×5×3 input padded by 1 to 7×7×3, filters
    W0 and W1 (3×3×3, biases 1 and 0), stride 2 → the slide's 3×3×2 output

        o[:, :, 0] = −4 −4 −3 / −8 −10 −1 / −2 −1 −1,  o[:, :, 1] = 3 4 1 / 1 2 −2 / −2 −4 −3.

    Channel 0 of the input, the filters and the biases are the slide's; input channels 1
    and 2 are reconstructed (``"reconstructed_channels"``, see
    :data:`CONV_SLIDE_RECONSTRUCTED_CHANNELS`). ``"output"`` is computed by :func:`conv2d`.
    Returns a dict with input, padded, filters, biases, stride, padding, output.
    """
    x = np.concatenate([CONV_SLIDE_INPUT_CHANNEL0[1:-1, 1:-1, None], CONV_SLIDE_RECONSTRUCTED_CHANNELS], axis=-1)
    return {"input": x, "padded": zero_pad(x, 1), "filters": CONV_SLIDE_FILTERS.copy(),
            "biases": CONV_SLIDE_BIASES.copy(), "stride": 2, "padding": 1,
            "output": conv2d(x, CONV_SLIDE_FILTERS, CONV_SLIDE_BIASES, stride=2, padding=1),
            "reconstructed_channels": (1, 2)}


def reconstruct_hidden_channels(channel0=CONV_SLIDE_INPUT_CHANNEL0, filters=CONV_SLIDE_FILTERS,
                                biases=CONV_SLIDE_BIASES, output=CONV_SLIDE_OUTPUT, stride=2, values=(0, 2)):
    """Recover the input channels the slide lost as an integer program (``scipy.optimize.milp``).

    Unknowns: the 5×5 interiors of channels 1 and 2, integers in ``values`` (the demo draws
    {0, 1, 2}). Constraints: the convolution of the padded volume reproduces every output
    number. Among the solutions it takes the one closest to 1 in L1 (auxiliary dᵢ ≥ |xᵢ − 1|).
    Returns the (5, 5, 2) channels; raises ``ValueError`` if no such input exists.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    channel0 = np.asarray(channel0, dtype=np.float64)
    w = np.asarray(filters, dtype=np.float64)
    f, n_in, n_out = w.shape[0], w.shape[2], w.shape[3]
    inner = channel0.shape[0] - 2
    hidden = n_in - 1
    n = hidden * inner * inner
    rows, rhs = [], []
    for i in range(output.shape[0]):
        for j in range(output.shape[1]):
            window = (slice(i * stride, i * stride + f), slice(j * stride, j * stride + f))
            for k in range(n_out):
                row = np.zeros(n)
                for c in range(hidden):
                    for di in range(f):
                        for dj in range(f):
                            r, s = i * stride + di - 1, j * stride + dj - 1  # position in the unpadded input
                            if 0 <= r < inner and 0 <= s < inner:
                                row[(c * inner + r) * inner + s] += w[di, dj, c + 1, k]
                rows.append(row)
                rhs.append(output[i, j, k] - biases[k] - np.sum(channel0[window] * w[:, :, 0, k]))
    a, rhs, eye = np.array(rows), np.array(rhs), np.eye(n)
    lo, hi = values
    res = milp(np.concatenate([np.zeros(n), np.ones(n)]),
               constraints=[LinearConstraint(np.hstack([a, np.zeros_like(a)]), rhs, rhs),
                            LinearConstraint(np.hstack([-eye, eye]), -1, np.inf),   # dᵢ ≥ 1 − xᵢ
                            LinearConstraint(np.hstack([eye, eye]), 1, np.inf)],    # dᵢ ≥ xᵢ − 1
               integrality=np.concatenate([np.ones(n), np.zeros(n)]),
               bounds=Bounds(np.concatenate([np.full(n, lo), np.zeros(n)]), np.concatenate([np.full(n, hi), np.full(n, np.inf)])))
    if res.status != 0:
        raise ValueError(f"no input with values in {values} reproduces the output: {res.message}")
    x = np.round(res.x[:n]).reshape(hidden, inner, inner)
    return np.moveaxis(x, 0, -1)


def _pool(x, f, s, reduce, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (height, width) or (height, width, channels), got shape {x.shape}")
    f, s = _int(f, "f", 1), _int(s, "s", 1)
    oh, ow = conv_output_size(x.shape[0], f, 0, s), conv_output_size(x.shape[1], f, 0, s)
    out = np.empty((oh, ow) + x.shape[2:])
    for i in range(oh):
        for j in range(ow):
            out[i, j] = reduce(x[i * s:i * s + f, j * s:j * s + f], axis=(0, 1))
    return out


def max_pool(x, f=2, s=2):
    """Max pooling: the largest value of each f×f window, windows s apart (each channel separately).

    Slide: max_pool(MAX_POOL_INPUT) = [[100, 184], [12, 45]].
    """
    return _pool(x, f, s, np.max, "max_pool")


def avg_pool(x, f=2, s=2):
    """Average pooling: the mean of each f×f window, windows s apart (each channel separately).

    Slide: avg_pool(AVG_POOL_INPUT) = [[36.5, 80], [12, 15]].
    """
    return _pool(x, f, s, np.mean, "avg_pool")


# Activation functions of the slides.
def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x))."""
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the same function, without overflow for large |x|


def tanh(x):
    """tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))."""
    return np.tanh(np.asarray(x, dtype=np.float64))


def relu(x):
    """ReLU(x) = max(0, x)."""
    return np.maximum(0.0, np.asarray(x, dtype=np.float64))


def leaky_relu(x, slope=0.1):
    """Leaky ReLU: max(0.1·x, x) (``slope`` = 0.1 on the slide)."""
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(slope * x, x)


def elu(x, alpha=1.0):
    """ELU(x) = x for x > 0, α·(e^x − 1) otherwise."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def maxout(x, weights=((1.0,), (-1.0,)), biases=(0.0, 0.0)):
    """Maxout: max(w₁ᵀx + b₁, w₂ᵀx + b₂, ...), the largest of k linear pieces.

    ``x``: (..., d) or scalars (d = 1); ``weights``: (k, d); ``biases``: (k,). ReLU is
    maxout with pieces (0, 0) and (1, 0); the default pieces give |x|.
    """
    w = np.asarray(weights, dtype=np.float64)
    b = np.asarray(biases, dtype=np.float64)
    if w.ndim != 2 or b.shape != (w.shape[0],):
        raise ValueError(f"weights must be (k, d) and biases (k,), got shapes {w.shape} and {b.shape}")
    x = np.asarray(x, dtype=np.float64)
    xs = x[..., None] if w.shape[1] == 1 and (x.ndim == 0 or x.shape[-1] != 1) else x
    if xs.shape[-1] != w.shape[1]:
        raise ValueError(f"x's last axis must have d = {w.shape[1]} values, got shape {x.shape}")
    return np.max(xs @ w.T + b, axis=-1)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "ReLU": relu, "leaky ReLU": leaky_relu, "maxout": maxout,
               "ELU": elu}


# Why pooling: the parameters of a VGG-style network with and without its pooling layers.
VGG16_BLOCKS = ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512))   # (3×3 convolutions, channels) per block
VGG16_DENSE = (4096, 4096, 1000)


def conv_params(f, n_c_in, n_c_out):
    """Weights and biases of a convolution with ``n_c_out`` f×f×n_c_in filters: (f·f·n_c_in + 1)·n_c_out.

    It does not depend on the input's height and width."""
    return (_int(f, "f", 1) ** 2 * _int(n_c_in, "n_c_in", 1) + 1) * _int(n_c_out, "n_c_out", 1)


def dense_params(n_in, n_out):
    """Weights and biases of a dense (fully connected) layer, z = Wx + b: (n_in + 1)·n_out."""
    return (_int(n_in, "n_in", 1) + 1) * _int(n_out, "n_out", 1)


def vgg16_layers(size=224, pooling=True, channels=3):
    """VGG16's layers as rows (name, output shape (n_H, n_W, n_C), parameters).

    Same-padded 3×3 convolutions keep n_H, n_W; each 2×2 max pooling (stride 2) halves them while
    the blocks raise n_C. ``pooling=False`` drops the five pooling layers: the convolutions keep
    their parameters, but the first dense layer then sees a size×size×512 volume.
    With ``pooling=True`` and size 224 the total is Keras' ``VGG16()``: 138,357,544.
    """
    n, c_in, rows = _int(size, "size", 1), _int(channels, "channels", 1), []
    for b, (convs, c_out) in enumerate(VGG16_BLOCKS, start=1):
        for k in range(1, convs + 1):
            rows.append((f"block{b}_conv{k}", (n, n, c_out), conv_params(3, c_in, c_out)))
            c_in = c_out
        if pooling:
            n = conv_output_size(n, 2, 0, 2)
            rows.append((f"block{b}_pool", (n, n, c_in), 0))
    n_in = n * n * c_in
    for name, units in zip(("fc1", "fc2", "predictions"), VGG16_DENSE):
        rows.append((name, (units,), dense_params(n_in, units)))
        n_in = units
    return rows
