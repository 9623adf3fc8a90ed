"""Exercises for comparing distributions and evaluating generators (lecture 06 and 09)."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.metrics.divergences import earth_movers_distance_1d, js_divergence, kl_divergence
from cv2course.metrics.frechet import frechet_distance
from cv2course.metrics.inception import inception_score


def _distribution_pairs():
    rng = np.random.default_rng(6)
    cases = [(([0.5, 0.5], [0.9, 0.1]), {}), (([0.1, 0.2, 0.7], [0.3, 0.3, 0.4]), {}),
             (([0.0, 0.25, 0.75], [0.2, 0.4, 0.4]), {})]  # a zero in p: 0 · log 0 = 0
    for n in (4, 9):
        p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
        cases.append(((p, q), {}))
    return cases


def _histogram_pairs():
    rng = np.random.default_rng(7)
    cases = [(([1.0, 0, 0, 0], [0, 0, 0, 1.0]), {}), (([0.5, 0.5, 0], [0, 0.5, 0.5]), {}),
             (([0.3, 0.2, 0.1, 0.4], [0.1, 0.2, 0.4, 0.3]), {})]
    for n in (5, 10):
        cases.append(((rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))), {}))
    return cases


def _probability_sets():
    rng = np.random.default_rng(8)
    return [((np.eye(4)[np.arange(12) % 4],), {"splits": 1}),          # balanced one-hots: IS = 4
            ((np.tile([0.0, 1.0, 0.0], (5, 1)),), {"splits": 1}),      # identical predictions: IS = 1
            ((rng.dirichlet(np.full(10, 0.2), size=50),), {"splits": 1}),
            ((rng.dirichlet(np.full(3, 2.0), size=20),), {"splits": 1})]


def _gaussian_pairs():
    rng = np.random.default_rng(9)
    cases = [((np.zeros(3), np.eye(3), np.ones(3), np.eye(3)), {}),
             ((np.zeros(4), np.eye(4), np.zeros(4), 4.0 * np.eye(4)), {})]
    for d in (2, 5):
        a, b = rng.standard_normal((d, d)), rng.standard_normal((d, d))
        cases.append(((rng.standard_normal(d), a @ a.T + 0.1 * np.eye(d), rng.standard_normal(d),
                       b @ b.T + 0.1 * np.eye(d)), {}))
    return cases


def _hidden_distribution_pairs(rng):
    return [((rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))), {}) for n in rng.integers(2, 12, size=3)]


def _hidden_probability_sets(rng):
    return [((rng.dirichlet(np.full(int(k), float(a)), size=int(n)),), {"splits": 1})
            for n, k, a in zip(rng.integers(5, 60, size=3), rng.integers(2, 11, size=3), rng.uniform(0.1, 2, size=3))]


def _hidden_gaussian_pairs(rng):
    cases = []
    for d in rng.integers(1, 6, size=3):
        a, b = rng.standard_normal((d, d)), rng.standard_normal((d, d))
        cases.append(((rng.standard_normal(d), a @ a.T + 0.1 * np.eye(d), rng.standard_normal(d),
                       b @ b.T + 0.1 * np.eye(d)), {}))
    return cases


def _score_alone(got):
    """Accept the score alone or a (mean, std) pair: compare the mean."""
    if isinstance(got, list) and len(got) == 2:
        return got[0]
    if isinstance(got, np.ndarray) and got.shape == (2,):
        return got[0]
    return got


exercise("kl_divergence", kl_divergence, topic="metrics", cases=_distribution_pairs, hidden=_hidden_distribution_pairs,
         hint="KL(P‖Q) = Σ p·log(p/q) with the natural log; skip the bins where p = 0 (0·log 0 = 0), "
              "e.g. with np.where(p > 0, ...). Keep the order: P weighs the log-ratio.",
         description="Kullback-Leibler divergence of two discrete distributions p and q (natural log).")

exercise("js_divergence", js_divergence, topic="metrics", cases=_distribution_pairs, hidden=_hidden_distribution_pairs,
         hint="M = (P + Q)/2, then JS = ½ KL(P‖M) + ½ KL(Q‖M). It is the divergence, not its square root "
              "(scipy.spatial.distance.jensenshannon returns the root).",
         description="Jensen-Shannon divergence of two discrete distributions (natural log).")

exercise("earth_movers_distance_1d", earth_movers_distance_1d, topic="metrics", cases=_histogram_pairs,
         hidden=_hidden_distribution_pairs,
         hint="On a line with unit spacing the EMD is the area between the cumulative distributions: "
              "Σ |cumsum(p) − cumsum(q)|. Not Σ |p − q|, which ignores how far mass moves.",
         description="Earth Mover's distance of two histograms over positions 0, 1, 2, ...")

exercise("inception_score", inception_score, topic="metrics", cases=_probability_sets,
         hidden=_hidden_probability_sets, expected=lambda score: score.mean, accept=_score_alone,
         hint="p(y) = mean over rows of p(y|x); IS = exp(mean over rows of KL(p(y|x) ‖ p(y))). "
              "Mind zero probabilities (0·log 0 = 0) and the exp at the end.",
         description="Inception Score of an (N, K) array of class probabilities, one split "
                     "(return the score, or (score, 0.0)).")

exercise("frechet_distance", frechet_distance, topic="metrics", cases=_gaussian_pairs,
         hidden=_hidden_gaussian_pairs, rtol=1e-6,
         hint="FD = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½; scipy.linalg.sqrtm gives the matrix square "
              "root (take its real part). The mean term is squared, and the cross term counts twice.",
         description="Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).")
