"""Comparing two discrete distributions: KL, Jensen-Shannon and the Earth Mover's distance.

Inputs are non-negative weights over the same outcomes (histograms, box counts); each is
normalised to sum to 1, so counts can be passed as they are. Zeros are fine: 0·log 0 = 0.
"""
import collections

import numpy as np

TransportResult = collections.namedtuple("TransportResult", ["distance", "plan"])
TransportResult.__doc__ = """Earth Mover's distance and an optimal transport plan γ (rows: p's bins, columns: q's)."""


def _distribution(x, name, axis=-1):
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of non-negative weights, got {type(x).__name__}") from exc
    if arr.ndim == 0 or arr.shape[axis] == 0:
        raise ValueError(f"{name} must hold at least one weight along axis {axis}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative (probabilities or counts), got a minimum of {arr.min():.4g}")
    total = arr.sum(axis=axis, keepdims=True)
    if np.any(total <= 0):
        raise ValueError(f"{name} sums to 0; a distribution needs some positive weight")
    return arr / total


def _pair(p, q, axis=-1):
    p = _distribution(p, "p", axis)
    q = _distribution(q, "q", axis)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape (the same outcomes), got {p.shape} and {q.shape}")
    return p, q


def _log(x, base):
    return np.log(x) if base is None else np.log(x) / np.log(base)


def kl_divergence(p, q, base=None, axis=-1):
    """Kullback-Leibler divergence KL(P‖Q) = Σᵢ pᵢ log(pᵢ / qᵢ).

    Natural log (nats) by default; ``base=2`` gives bits. Terms with pᵢ = 0 are 0; a bin
    with pᵢ > 0 and qᵢ = 0 makes the divergence infinite. Not symmetric:
    KL(P‖Q) ≠ KL(Q‖P) in general. Reduces along ``axis`` (batches of distributions work).
    """
    p, q = _pair(p, q, axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (_log(p, base) - _log(q, base)), 0.0)
    out = terms.sum(axis=axis)
    return float(out) if np.ndim(out) == 0 else out


def js_divergence(p, q, base=None, axis=-1):
    """Jensen-Shannon divergence JS(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = ½(P + Q).

    Symmetric and bounded by log 2 (1 bit with ``base=2``). This is the divergence; SciPy's
    ``jensenshannon`` returns its square root (a distance).
    """
    p, q = _pair(p, q, axis)
    m = (p + q) / 2.0
    return 0.5 * kl_divergence(p, m, base, axis) + 0.5 * kl_divergence(q, m, base, axis)


def _positions(positions, n):
    if positions is None:
        return np.arange(n, dtype=np.float64)
    x = np.asarray(positions, dtype=np.float64)
    if x.shape != (n,):
        raise ValueError(f"positions must hold one coordinate per bin ({n}), got shape {x.shape}")
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        raise ValueError("positions must be finite and strictly increasing")
    return x


def earth_movers_distance_1d(p, q, positions=None):
    """Earth Mover's (Wasserstein-1) distance of two histograms on a line, in closed form.

        W(P, Q) = ∫ |F_P(x) − F_Q(x)| dx = Σᵢ |F_P(xᵢ) − F_Q(xᵢ)| (xᵢ₊₁ − xᵢ)

    the area between the cumulative distributions. Bins sit at ``positions`` (default
    0, 1, 2, ...); p and q are normalised. Equals ``scipy.stats.wasserstein_distance``.
    """
    p, q = _pair(p, q)
    if p.ndim != 1:
        raise ValueError(f"p and q must be 1-D histograms, got shape {p.shape}")
    x = _positions(positions, p.shape[0])
    cdf_gap = np.abs(np.cumsum(p) - np.cumsum(q))[:-1]
    return float(np.sum(cdf_gap * np.diff(x)))


def _monotone_plan(p, q):
    """The north-west-corner coupling: mass moved in order, optimal on a line for |x − y|."""
    plan = np.zeros((p.size, q.size))
    i = j = 0
    left_p, left_q = p.copy(), q.copy()
    while i < p.size and j < q.size:
        move = min(left_p[i], left_q[j])
        plan[i, j] += move
        left_p[i] -= move
        left_q[j] -= move
        if left_p[i] <= 1e-15:
            i += 1
        else:
            j += 1
    return plan


def earth_movers_distance(p, q, cost=None, positions=None):
    """Earth Mover's distance W(P, Q) = min_γ Σᵢⱼ γᵢⱼ Cᵢⱼ over plans γ ≥ 0 with marginals P, Q.

    ``cost=None``: both histograms on one line (bins at ``positions``, default 0, 1, ...),
    Cᵢⱼ = |xᵢ − xⱼ|; the distance is the closed form of :func:`earth_movers_distance_1d` and
    the plan is the order-preserving coupling. With a cost matrix of shape (len(p), len(q))
    the optimal-transport linear program is solved with ``scipy.optimize.linprog`` (HiGHS);
    p and q may then have different lengths. Returns ``TransportResult(distance, plan)``;
    the plan's rows sum to p and columns to q (both normalised to 1).
    """
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    if p.ndim != 1 or q.ndim != 1:
        raise ValueError(f"p and q must be 1-D histograms, got shapes {p.shape} and {q.shape}")
    if cost is None:
        if p.shape != q.shape:
            raise ValueError(f"without a cost matrix p and q share the same bins; got lengths {p.size} and {q.size}. "
                             "Pass cost= of shape (len(p), len(q)) for different supports")
        return TransportResult(earth_movers_distance_1d(p, q, positions), _monotone_plan(p, q))
    c = np.asarray(cost, dtype=np.float64)
    if c.shape != (p.size, q.size):
        raise ValueError(f"cost must have shape (len(p), len(q)) = {(p.size, q.size)}, got {c.shape}")
    if not np.all(np.isfinite(c)):
        raise ValueError("cost contains NaN or infinite values")
    from scipy.optimize import linprog

    m, n = c.shape
    rows = np.kron(np.eye(m), np.ones((1, n)))   # Σⱼ γᵢⱼ = pᵢ
    cols = np.kron(np.ones((1, m)), np.eye(n))   # Σᵢ γᵢⱼ = qⱼ
    res = linprog(c.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([p, q]),
                  bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"the transport linear program failed: {res.message}")
    plan = np.clip(res.x.reshape(m, n), 0.0, None)
    return TransportResult(float(np.sum(plan * c)), plan)


def earth_movers_distance_points(x, y):
    """Exact Earth Mover's distance between two equal-size point sets, each point of mass 1/n.

        W(P̂, Q̂) = min over permutations σ of 1/n Σᵢ ‖xᵢ − y_σ(i)‖₂

    With equal uniform weights an optimal transport plan can be taken to be a permutation
    (Birkhoff–von Neumann: the plans are the doubly stochastic matrices, whose vertices are
    permutations), so the linear program of :func:`earth_movers_distance` reduces to an
    assignment problem, solved exactly by ``scipy.optimize.linear_sum_assignment``
    (n = 1,000 points in well under a second). ``x`` and ``y``: (n, d) arrays (a 1-D array is n
    points on a line); the ground distance is Euclidean. For samples of two distributions this is
    the distance of the empirical distributions, a consistent but biased (upward) estimate of
    W(P, Q): two samples of one distribution are not at distance 0.
    """
    a = _points(x, "x")
    b = _points(y, "y")
    if a.shape != b.shape:
        raise ValueError(f"x and y must be point sets of the same size and dimension, got shapes {a.shape} "
                         f"and {b.shape}; subsample the larger set")
    from scipy.optimize import linear_sum_assignment

    cost = distance_cost(a, b)
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].mean())


def _points(x, name):
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of points (n, d), got {type(x).__name__}") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty array of points of shape (n, d), got shape {np.shape(x)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def transport_cost(plan, cost):
    """Cost Σᵢⱼ γᵢⱼ Cᵢⱼ of a given plan γ (e.g. a hand-made plan from the slides)."""
    plan = np.asarray(plan, dtype=np.float64)
    cost = np.asarray(cost, dtype=np.float64)
    if plan.shape != cost.shape:
        raise ValueError(f"plan and cost must have the same shape, got {plan.shape} and {cost.shape}")
    return float(np.sum(plan * cost))


def distance_cost(x, y):
    """Cost matrix Cᵢⱼ = ‖xᵢ − yⱼ‖₂ between positions x (rows) and y (columns): numbers on a line
    (then |xᵢ − yⱼ|) or points, (n, d) arrays."""
    x, y = (np.asarray(v, dtype=np.float64) for v in (x, y))
    x, y = (v.reshape(-1, 1) if v.ndim < 2 else v for v in (x, y))
    return np.sqrt(np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1))


def emd_box_example():
    """The slides' box-moving example: the two 3×4 transport plans of the Earth Mover slide.

    P has 3, 1, 2 boxes at positions x = 1, 2, 3; Q has 1, 1, 2, 2 boxes at y = 7, 8, 9, 10.
    Rows of a plan are P's positions, columns Q's, entries are boxes (the slide's tables):

        γ₁:  x=1: 1 0 0 2    γ₂:  x=1: 1 0 1 1
             x=2: 0 1 0 0         x=2: 0 1 0 0
             x=3: 0 0 2 0         x=3: 0 0 1 1

    Every box moves right, so every plan costs Σy − Σx = 53 − 11 = 42 box-steps (7 per
    box): the EMD is the cost of the cheapest plan, and here every plan attains it.
    """
    return {
        "p_positions": np.array([1, 2, 3]), "p_boxes": np.array([3, 1, 2]),
        "q_positions": np.array([7, 8, 9, 10]), "q_boxes": np.array([1, 1, 2, 2]),
        "gamma1": np.array([[1, 0, 0, 2], [0, 1, 0, 0], [0, 0, 2, 0]]),
        "gamma2": np.array([[1, 0, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1]]),
    }
