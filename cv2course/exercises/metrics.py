"""Exercises for comparing distributions and evaluating generators (lecture 06 and 09)."""
import numpy as np

from cv2course.exercises.core import exercise
from cv2course.exercises.diagnosis import LOG2, answer, times, wrong
from cv2course.i18n import tr
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


def _is_reversed(probs, splits=1):
    """The Inception Score with each KL turned round: KL(p(y) ‖ p(y|x))."""
    probs = np.asarray(probs, np.float64)
    marginal = probs.mean(axis=0)
    return float(np.exp(np.mean([kl_divergence(marginal, row) for row in probs])))


def _fd(mu1, sigma1, mu2, sigma2, mean_power=2, cross=2.0, root=True):
    import scipy.linalg

    cov = scipy.linalg.sqrtm(sigma1 @ sigma2).real if root else sigma1 @ sigma2
    return (np.linalg.norm(np.asarray(mu1) - mu2) ** mean_power + np.trace(sigma1) + np.trace(sigma2)
            - cross * np.trace(cov))


exercise("kl_divergence", kl_divergence, topic="metrics", cases=_distribution_pairs, hidden=_hidden_distribution_pairs,
         hint=(tr("KL(P‖Q) weighs the log-ratio of the two distributions by P, bin by bin. Bins where P is 0 add "
                  "nothing (0 · log 0 = 0), and the order of P and Q matters.", lang="en"),
               tr("Slide: D_KL(P‖Q) = Σ_x P(x) log(P(x)/Q(x)) with the natural log ln, the sum over the bins "
                  "where P(x) > 0.", lang="en")),
         slips=(wrong("kl_swapped", lambda p, q: kl_divergence(q, p),
                      tr("this is KL(Q‖P): P and Q are swapped; KL is not symmetric, P weighs the log-ratio",
                         lang="en")),
                LOG2),
         description="Kullback-Leibler divergence of two discrete distributions p and q (natural log).")

exercise("js_divergence", js_divergence, topic="metrics", cases=_distribution_pairs, hidden=_hidden_distribution_pairs,
         hint=(tr("Jensen-Shannon compares each distribution with their average M, with KL, and averages the two "
                  "results. It is symmetric and finite even where one distribution has zeros.", lang="en"),
               tr("Slide: D_JS(p‖q) = ½ D_KL(p‖M) + ½ D_KL(q‖M) with M the mixture ½ p + ½ q, natural log. The "
                  "divergence itself, not its square root.", lang="en")),
         slips=(answer("js_root", np.sqrt,
                       tr("this is the Jensen-Shannon distance, the square root of the divergence (what "
                          "scipy.spatial.distance.jensenshannon returns): return the divergence", lang="en")),
                times("js_no_half", 2,
                      tr("your answer is the expected one × 2: the two KL terms are each weighted by ½", lang="en")),
                wrong("js_symmetrised_kl", lambda p, q: 0.5 * (kl_divergence(p, q) + kl_divergence(q, p)),
                      tr("this is ½ (KL(P‖Q) + KL(Q‖P)), the symmetrised KL: JS compares each with the mixture "
                         "M = (P + Q)/2", lang="en")),
                LOG2),
         description="Jensen-Shannon divergence of two discrete distributions (natural log).")

exercise("earth_movers_distance_1d", earth_movers_distance_1d, topic="metrics", cases=_histogram_pairs,
         hidden=_hidden_distribution_pairs,
         hint=(tr("The EMD is the least total mass × distance moved to turn one histogram into the other. On a "
                  "line, the mass that must cross the gap between positions k and k + 1 is the difference of the "
                  "two cumulative distributions there.", lang="en"),
               tr("EMD(P, Q) = Σ_k |F_P(k) − F_Q(k)| with F_P(k) = Σ_{i ≤ k} P(i), the cumulative distribution "
                  "(positions one unit apart).", lang="en")),
         slips=(wrong("emd_no_cumulative", lambda p, q: np.sum(np.abs(np.asarray(p, float) - q)),
                      tr("this is Σ |P − Q|, the total variation ×2: it ignores how far the mass moves; compare the "
                         "cumulative distributions", lang="en")),
                wrong("emd_no_abs", lambda p, q: np.sum(np.cumsum(p) - np.cumsum(q)),
                      tr("you added signed differences of the cumulative distributions: take their absolute values",
                         lang="en"))),
         description="Earth Mover's distance of two histograms over positions 0, 1, 2, ...")

exercise("inception_score", inception_score, topic="metrics", cases=_probability_sets,
         hidden=_hidden_probability_sets, expected=lambda score: score.mean, accept=_score_alone,
         hint=(tr("A good generator gives confident predictions (p(y|x) peaked) that cover all classes (p(y) flat): "
                  "the IS measures how far each p(y|x) is from the marginal p(y), on average, then exponentiates.",
                  lang="en"),
               tr("IS = exp(1/N Σ_x KL(p(y|x) ‖ p(y))) with p(y) = 1/N Σ_x p(y|x), natural log, 0 · log 0 = 0.",
                  lang="en")),
         slips=(answer("is_no_exp", np.log,
                       tr("this is log IS, the mean KL: the exp at the end is missing", lang="en")),
                wrong("is_kl_reversed", _is_reversed,
                      tr("you computed KL(p(y) ‖ p(y|x)): the KL runs from each prediction p(y|x) to the marginal "
                         "p(y)", lang="en"))),
         description="Inception Score of an (N, K) array of class probabilities, one split "
                     "(return the score, or (score, 0.0)).")

exercise("frechet_distance", frechet_distance, topic="metrics", cases=_gaussian_pairs,
         hidden=_hidden_gaussian_pairs, rtol=1e-6,
         hint=(tr("The Fréchet distance of two Gaussians adds a term for the means and a term for the covariances; "
                  "the covariance term needs a matrix square root (not an element-wise one).", lang="en"),
               tr("FD = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½: the mean term squared, the cross term twice, "
                  "the real part of the matrix square root.", lang="en")),
         slips=(wrong("fd_mean_not_squared", lambda *a: _fd(*a, mean_power=1),
                      tr("the mean term is ‖μ₁ − μ₂‖, not squared: FD uses ‖μ₁ − μ₂‖²", lang="en")),
                wrong("fd_cross_once", lambda *a: _fd(*a, cross=1.0),
                      tr("the cross term counts once: FD subtracts 2 Tr (Σ₁Σ₂)^½", lang="en")),
                wrong("fd_no_matrix_root", lambda *a: _fd(*a, root=False),
                      tr("the square root of Σ₁Σ₂ is missing: FD subtracts 2 Tr (Σ₁Σ₂)^½, a matrix square root",
                         lang="en"))),
         description="Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).")
