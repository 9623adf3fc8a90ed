"""Exercises for the CNN-basics slides: convolution output size, a convolution over a volume, max and average pooling."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.featviz import cnn_basics


def _size_cases():
    # the slide's volume example first, then valid, same and strided convolutions and pooling
    return [((5, 3, 1, 2), {}), ((6, 3, 0, 1), {}), ((7, 3, 1, 1), {}), ((32, 5, 2, 1), {}), ((8, 2, 0, 2), {}),
            ((224, 7, 3, 2), {}), ((10, 4, 0, 3), {})]


def _hidden_sizes(rng):
    cases = []
    while len(cases) < 6:
        n, f, p, s = int(rng.integers(3, 65)), int(rng.integers(1, 8)), int(rng.integers(0, 4)), int(rng.integers(1, 5))
        if f <= n + 2 * p:
            cases.append(((n, f, p, s), {}))
    return cases


def _hidden_pools(rng):
    cases = []
    for channels in (None, None, int(rng.integers(1, 4))):
        f = int(rng.integers(2, 4))
        s = int(rng.integers(1, 4))
        shape = tuple(int(v) for v in rng.integers(f, 10, size=2)) + ((channels,) if channels else ())
        cases.append(((rng.normal(size=shape) * 10,), {"f": f, "s": s}))
    return cases


def _conv_cases():
    ex = cnn_basics.conv_volume_example()  # the slide's volume, filters and biases first
    rng = np.random.default_rng(1)
    return [((ex["input"], ex["filters"], ex["biases"]), {"stride": 2, "padding": 1}),
            ((rng.integers(0, 3, size=(6, 6, 1)).astype(float), rng.integers(-1, 2, size=(3, 3, 1, 2)).astype(float),
              np.array([0.5, -1.0])), {"stride": 1, "padding": 0}),
            ((rng.normal(size=(7, 5, 2)), rng.normal(size=(3, 3, 2, 3)), rng.normal(size=3)),
             {"stride": 2, "padding": 2})]


def _hidden_convs(rng):
    cases = []
    for _ in range(4):
        f, c, k = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        shape = tuple(int(v) for v in rng.integers(f, 9, size=2)) + (c,)
        cases.append(((rng.normal(size=shape), rng.normal(size=(f, f, c, k)), rng.normal(size=k)),
                      {"stride": int(rng.integers(1, 3)), "padding": int(rng.integers(0, 3))}))
    return cases


def _pool_cases(slide_input):
    rng = np.random.default_rng(0)
    return lambda: [((slide_input.copy(),), {"f": 2, "s": 2}),
                    ((rng.integers(0, 50, size=(6, 6)).astype(float),), {"f": 3, "s": 3}),
                    ((rng.normal(size=(5, 7, 2)),), {"f": 2, "s": 1}),
                    ((rng.normal(size=(7, 7)),), {"f": 3, "s": 2})]


exercise("conv_output_size", reference=cnn_basics.conv_output_size, cases=_size_cases, hidden=_hidden_sizes,
         hint="Output side = floor((n + 2p - f) / s) + 1: integer division, then add one. "
              "The slide's 5x5 input padded by 1 with a 3x3 filter and stride 2 gives 3.",
         description="conv_output_size(n, f, p, s): side of a convolution's output for an n x n input, "
                     "f x f filter, padding p, stride s.")
exercise("conv2d", reference=cnn_basics.conv2d, cases=_conv_cases, hidden=_hidden_convs,
         hint="Pad the two spatial axes with p zeros, then for each output (i, j) and filter k take the f x f x n_C "
              "window starting at (i*s, j*s), multiply it by filters[..., k] elementwise, sum, and add biases[k] "
              "(no flip: the slides' convolution is a cross-correlation). The slide's volume gives "
              "o[:, :, 0] = [[-4, -4, -3], [-8, -10, -1], [-2, -1, -1]].",
         description="conv2d(x, filters, biases, stride, padding): x (h, w, n_C), filters (f, f, n_C, n_filters), "
                     "biases (n_filters,) -> (h', w', n_filters).")
exercise("max_pool", reference=cnn_basics.max_pool, cases=_pool_cases(cnn_basics.MAX_POOL_INPUT),
         hidden=_hidden_pools,
         hint="Slide windows of f x f, moving s pixels at a time (not 1), and keep the largest value of each; "
              "with a channel axis pool every channel separately. The slide's matrix gives [[100, 184], [12, 45]].",
         description="max_pool(x, f=2, s=2) for x of shape (h, w) or (h, w, c).")
exercise("avg_pool", reference=cnn_basics.avg_pool, cases=_pool_cases(cnn_basics.AVG_POOL_INPUT),
         hidden=_hidden_pools,
         hint="Like max pooling, but each output is the mean of the f x f window: divide by f*f. "
              "The slide's matrix gives [[36.5, 80], [12, 15]] (the slide prints 36).",
         description="avg_pool(x, f=2, s=2) for x of shape (h, w) or (h, w, c).")
