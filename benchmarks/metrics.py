"""Speed and agreement of cv2course.metrics.frechet_distance against the textbook sqrtm route.

    python benchmarks/metrics.py [--dim 2048] [--samples 10000] [--seed 0] [--repeats 1]

Draws two correlated Gaussian feature sets of the given size (like InceptionV3 pool3
features: d = 2048, N = 10,000), computes their statistics once, then times
``frechet_distance`` (eigenvalues of Aᵀ Σ₂ A, float64) and an FD built on
``scipy.linalg.sqrtm(Σ₁Σ₂)`` (TTUR / pytorch-fid) in the same run, and prints a table.
"""
import argparse
import time

import numpy as np
import scipy.linalg

from cv2course.metrics import feature_statistics, frechet_distance


def scipy_sqrtm_fd(mu1, sigma1, mu2, sigma2):
    """FD with Tr sqrtm(Σ₁Σ₂), as in TTUR and pytorch-fid (real part)."""
    diff = mu1 - mu2
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def timed(fn, repeats):
    best, value = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return value, best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="best of this many runs per method")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    d, n = args.dim, args.samples
    mixing = np.eye(d) + rng.standard_normal((d, d)) / np.sqrt(d)
    x = np.abs(rng.standard_normal((n, d)) @ mixing)              # non-negative, correlated, like pool3
    y = np.abs(rng.standard_normal((n, d)) @ (mixing * 1.05) + 0.05)
    t0 = time.perf_counter()
    s1, s2 = feature_statistics(x), feature_statistics(y)
    t_stats = time.perf_counter() - t0

    ours, t_ours = timed(lambda: frechet_distance(*s1, *s2), args.repeats)
    ref, t_ref = timed(lambda: scipy_sqrtm_fd(*s1, *s2), args.repeats)
    rel = abs(ours - ref) / abs(ref)

    print(f"Fréchet distance, d = {d}, N = {n} per side, seed {args.seed} "
          f"(statistics of both sets: {t_stats:.2f} s, not timed below)")
    print(f"{'method':<44} {'seconds':>9} {'FD':>20}")
    print(f"{'cv2course.metrics.frechet_distance (eig)':<44} {t_ours:9.3f} {ours:20.10f}")
    print(f"{'scipy.linalg.sqrtm(Σ1Σ2) route':<44} {t_ref:9.3f} {ref:20.10f}")
    print(f"{'difference':<44} {t_ref - t_ours:9.3f} {ours - ref:20.3e}")
    print(f"speed-up {t_ref / t_ours:.1f}x; relative difference {rel:.2e} "
          f"({'within' if rel <= 1e-6 else 'OUTSIDE'} 1e-6)")


if __name__ == "__main__":
    main()
