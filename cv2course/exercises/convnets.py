"""Exercises for the CNN-basics slides: convolution output size, a convolution over a volume, max and average pooling."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.exercises.diagnosis import scaled, wrong
from cv2course.featviz import cnn_basics
from cv2course.i18n import tr


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


def _flipped_conv(x, filters, biases, stride=1, padding=0):
    return cnn_basics.conv2d(x, np.asarray(filters)[::-1, ::-1], biases, stride=stride, padding=padding)


exercise("conv_output_size", reference=cnn_basics.conv_output_size, cases=_size_cases, hidden=_hidden_sizes,
         hint=(tr("Count the positions where the filter fits: the padded input is n + 2p wide, the filter's first "
                  "position is 0 and each step moves s pixels. The result is an integer.", lang="en"),
               tr("Slide: n_out = ⌊(n + 2p − f) / s⌋ + 1. The slide's 5×5 input padded by 1 with a 3×3 filter and "
                  "stride 2 gives 3.", lang="en")),
         slips=(wrong("size_no_plus_one", lambda n, f, p=0, s=1: (n + 2 * p - f) // s,
                      tr("you forgot the + 1 of ⌊(n + 2p − f) / s⌋ + 1: the filter's first position counts too",
                         lang="en")),
                wrong("size_padding_once", lambda n, f, p=0, s=1: (n + p - f) // s + 1,
                      tr("you padded one side only: the padding p is added on both sides, n + 2p", lang="en")),
                wrong("size_not_floored", lambda n, f, p=0, s=1: (n + 2 * p - f) / s + 1,
                      tr("your answer is not rounded down: ⌊(n + 2p − f) / s⌋ + 1 is an integer (a window that "
                         "does not fit is dropped)", lang="en"))),
         description="conv_output_size(n, f, p, s): side of a convolution's output for an n x n input, "
                     "f x f filter, padding p, stride s.")
exercise("conv2d", reference=cnn_basics.conv2d, cases=_conv_cases, hidden=_hidden_convs,
         hint=(tr("Each output value is one filter laid on one window of the padded input: multiply the window by "
                  "the filter entry by entry over all its channels, add everything up, add that filter's bias. "
                  "Windows start every `stride` pixels; the slides' convolution does not flip the filter.",
                  lang="en"),
               tr("o[i, j, k] = Σ_a,b,c x_p[i·s + a, j·s + b, c] · w[a, b, c, k] + b_k, with x_p the input padded "
                  "by p zeros. On the slide's volume the first output channel is "
                  "[[−4, −4, −3], [−8, −10, −1], [−2, −1, −1]].",
                  lang="en")),
         slips=(wrong("conv_flipped", _flipped_conv,
                      tr("you flipped the filter (the textbook convolution): the slides' convolution is a "
                         "cross-correlation, the filter is laid on the window as it is", lang="en")),
                wrong("conv_no_bias",
                      lambda x, w, b, stride=1, padding=0: cnn_basics.conv2d(x, w, None, stride, padding),
                      tr("the bias is missing: add b_k to every output of filter k", lang="en"))),
         description="conv2d(x, filters, biases, stride, padding): x (h, w, n_C), filters (f, f, n_C, n_filters), "
                     "biases (n_filters,) -> (h', w', n_filters).")
exercise("max_pool", reference=cnn_basics.max_pool, cases=_pool_cases(cnn_basics.MAX_POOL_INPUT),
         hidden=_hidden_pools,
         hint=(tr("Max pooling keeps the largest value of each f × f window; the windows move s pixels at a time "
                  "and every channel is pooled on its own.", lang="en"),
               tr("Each output is the maximum of the f × f values of its window, the windows starting every s "
                  "pixels: ⌊(n − f) / s⌋ + 1 outputs per side. The slide's matrix gives [[100, 184], [12, 45]].",
                  lang="en")),
         slips=(wrong("pool_stride_one", lambda x, f=2, s=2: cnn_basics.max_pool(x, f, 1),
                      tr("your windows move 1 pixel at a time: they move s pixels (the stride)", lang="en")),
                wrong("pool_average", lambda x, f=2, s=2: cnn_basics.avg_pool(x, f, s),
                      tr("this is average pooling: max pooling keeps the largest value of each window", lang="en"))),
         description="max_pool(x, f=2, s=2) for x of shape (h, w) or (h, w, c).")
exercise("avg_pool", reference=cnn_basics.avg_pool, cases=_pool_cases(cnn_basics.AVG_POOL_INPUT),
         hidden=_hidden_pools,
         hint=(tr("Average pooling is max pooling with the mean of each window instead of its largest value.",
                  lang="en"),
               tr("Each output is 1/f² times the sum of the f × f values of its window, the windows starting every "
                  "s pixels. The slide's matrix gives [[36.5, 80], [12, 15]] (the slide prints 36).", lang="en")),
         slips=(scaled("pool_sum", lambda x, f=2, s=2: f * f,
                       tr("your answer is the expected one × f² = {factor}: you summed each window; average pooling "
                          "divides by the f² values in it", lang="en")),
                scaled("pool_divided_by_f", lambda x, f=2, s=2: f,
                       tr("your answer is the expected one × f = {factor}: divide each window's sum by f², the "
                          "number of values in it, not by f", lang="en")),
                wrong("pool_max", lambda x, f=2, s=2: cnn_basics.max_pool(x, f, s),
                      tr("this is max pooling: average pooling takes the mean of each window", lang="en")),
                wrong("pool_stride_one", lambda x, f=2, s=2: cnn_basics.avg_pool(x, f, 1),
                      tr("your windows move 1 pixel at a time: they move s pixels (the stride)", lang="en"))),
         description="avg_pool(x, f=2, s=2) for x of shape (h, w) or (h, w, c).")
