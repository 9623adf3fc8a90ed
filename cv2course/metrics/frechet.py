"""Fréchet distance between Gaussians fitted to features, and streaming feature statistics.

    FD = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½        (Heusel et al., 2017)

With InceptionV3 pool3 features this is the FID; with any other extractor it is
"FD (extractor)". The statistics file format is TTUR's: an ``.npz`` with keys ``mu`` and
``sigma``.
"""
import warnings
from pathlib import Path

import numpy as np

from cv2course.metrics._blas import small_blas


def _as_stats(mu, sigma, name):
    mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
    sigma = np.atleast_2d(np.asarray(sigma, dtype=np.float64))
    if mu.ndim != 1:
        raise ValueError(f"mu{name} must be a vector of length d, got shape {mu.shape}")
    d = mu.shape[0]
    if sigma.shape != (d, d):
        raise ValueError(f"sigma{name} must be a {d}x{d} covariance matrix to match mu{name} of length {d}, "
                         f"got shape {sigma.shape}")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError(f"mu{name} and sigma{name} must be finite; got NaN or infinite values")
    return mu, sigma


def trace_sqrt_product(sigma1, sigma2):
    """Tr (Σ₁Σ₂)^½ from eigenvalues, for symmetric positive semi-definite Σ₁, Σ₂.

    Write Σ₁ = A Aᵀ (Cholesky factor, or V diag(√λ) from Σ₁'s eigen-decomposition when Σ₁
    is singular). Σ₁Σ₂ = A Aᵀ Σ₂ has the same non-zero eigenvalues as the symmetric PSD
    matrix Aᵀ Σ₂ A, so Tr (Σ₁Σ₂)^½ = Σᵢ √max(νᵢ, 0) with νᵢ its eigenvalues. Real and
    finite for singular covariances (fewer samples than dimensions), unlike the complex
    Schur route of ``sqrtm``, and several times faster.
    """
    with small_blas(sigma1.shape[0]):
        return _trace_sqrt_product(sigma1, sigma2)


def covariance_factor(sigma):
    """A with Σ = A Aᵀ: the Cholesky factor, or V diag(√λ) over Σ's positive eigenvalues when
    Σ is singular (a (d, 0) matrix for Σ = 0)."""
    import scipy.linalg

    sigma = (sigma + sigma.T) / 2.0
    try:
        return scipy.linalg.cholesky(sigma, lower=True, check_finite=False)
    except scipy.linalg.LinAlgError:  # singular Σ (n <= d): factor through its eigenvalues
        lam, vec = scipy.linalg.eigh(sigma, check_finite=False)
        keep = lam > lam.max(initial=0.0) * sigma.shape[0] * np.finfo(np.float64).eps
        return vec[:, keep] * np.sqrt(lam[keep])


def trace_sqrt_from_factor(a, sigma2, xp=None):
    """Tr (Σ₁Σ₂)^½ = Σᵢ √max(νᵢ, 0), νᵢ the eigenvalues of Aᵀ Σ₂ A, where Σ₁ = A Aᵀ.

    NumPy/SciPy in float64 by default; ``xp=keras.ops`` evaluates it on tensors (inside a
    Keras metric's ``result``).
    """
    if xp is None:
        import scipy.linalg

        m = a.T @ sigma2 @ a
        nu = scipy.linalg.eigvalsh((m + m.T) / 2.0, check_finite=False) if m.size else np.zeros(0)
        return float(np.sqrt(np.clip(nu, 0.0, None)).sum())
    m = xp.matmul(xp.transpose(a), xp.matmul(sigma2, a))
    nu, _ = xp.eigh((m + xp.transpose(m)) / 2.0)
    return xp.sum(xp.sqrt(xp.maximum(nu, 0.0)))


def frechet_from_parts(mean_shift_sq, trace1, trace2, tr_covmean):
    """FD = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½ from its four parts (arrays or tensors)."""
    return mean_shift_sq + trace1 + trace2 - 2.0 * tr_covmean


def _trace_sqrt_product(sigma1, sigma2):
    return trace_sqrt_from_factor(covariance_factor(sigma1), (sigma2 + sigma2.T) / 2.0)


def _trace_sqrt_product_sqrtm(sigma1, sigma2, eps=1e-6):
    """The textbook route (pytorch-fid / TTUR): Tr of scipy.linalg.sqrtm(Σ₁Σ₂), real part."""
    import scipy.linalg

    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.all(np.isfinite(covmean)):
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        imag = np.max(np.abs(np.diagonal(covmean).imag))
        if imag > 1e-3:
            warnings.warn(f"sqrtm(Σ₁Σ₂) has an imaginary component up to {imag:.3g} (singular covariances?); "
                          "using its real part. method='eig' avoids this.", RuntimeWarning, stacklevel=3)
        covmean = covmean.real
    return float(np.trace(covmean))


def frechet_distance(mu1, sigma1, mu2, sigma2, method="eig"):
    """Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂), in float64.

        FD = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½

    ``method="eig"`` (default) takes Tr (Σ₁Σ₂)^½ from the eigenvalues of a symmetric
    matrix (see :func:`trace_sqrt_product`): fast, and finite when the covariances are
    singular (n < d). ``method="sqrtm"`` is the textbook route with
    ``scipy.linalg.sqrtm(Σ₁Σ₂)`` used by TTUR and pytorch-fid. Tiny negative results from
    rounding are clipped to 0.
    """
    if method not in ("eig", "sqrtm"):
        raise ValueError(f"method must be 'eig' or 'sqrtm', got {method!r}")
    mu1, sigma1 = _as_stats(mu1, sigma1, "1")
    mu2, sigma2 = _as_stats(mu2, sigma2, "2")
    if mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 must have the same length, got {mu1.shape[0]} and {mu2.shape[0]}")
    diff = mu1 - mu2
    if method == "eig":
        tr_covmean = trace_sqrt_product(sigma1, sigma2)
    else:
        tr_covmean = _trace_sqrt_product_sqrtm(sigma1, sigma2)
    fd = float(frechet_from_parts(diff @ diff, np.trace(sigma1), np.trace(sigma2), tr_covmean))
    return max(fd, 0.0)


def _as_features(x, name):
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (samples, features), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def feature_statistics(features):
    """(μ, Σ) of a (N, d) feature array: mean and the N−1 covariance, float64."""
    stats = FeatureStatistics()
    stats.update(features)
    return stats.mu, stats.sigma


def frechet_distance_from_features(features1, features2, method="eig"):
    """FD between Gaussians fitted to two (N, d) feature arrays (see :func:`frechet_distance`)."""
    return frechet_distance(*feature_statistics(features1), *feature_statistics(features2), method=method)


class FeatureStatistics:
    """Mean and covariance (N−1) of features streamed in batches, float64.

    Batches are merged with Chan et al.'s parallel update
    (δ = μ_b − μ_a; μ = μ_a + δ n_b/n; M = M_a + M_b + δδᵀ n_a n_b/n), so the result is
    the same for any batch size and stays accurate when the mean is large. ``save`` and
    ``load`` use TTUR's ``.npz`` format (keys ``mu``, ``sigma``; also ``n`` and
    ``extractor`` here).
    """

    def __init__(self, dim=None, extractor=None):
        self.dim = dim
        self.extractor = extractor
        self.n = 0
        self.count_known = True  # False for TTUR files without a sample count
        self._mean = None
        self._m2 = None

    def update(self, batch):
        """Add a (batch, d) array of features; returns self."""
        x = _as_features(batch, "batch")
        if not self.count_known:
            raise ValueError("these statistics were loaded without a sample count (n), so they cannot be extended")
        if self.dim is not None and x.shape[1] != self.dim:
            raise ValueError(f"batch has {x.shape[1]} features, expected {self.dim}")
        if x.shape[0] == 0:
            return self
        self.dim = x.shape[1]
        n_b = x.shape[0]
        mean_b = x.mean(axis=0)
        centred = x - mean_b
        with small_blas(self.dim):
            m2_b = centred.T @ centred
        if self.n == 0:
            self.n, self._mean, self._m2 = n_b, mean_b, m2_b
            return self
        n_a = self.n
        n = n_a + n_b
        delta = mean_b - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._m2 = self._m2 + m2_b + np.outer(delta, delta) * (n_a * n_b / n)
        self.n = n
        return self

    def merge(self, other):
        """Combine with another FeatureStatistics (e.g. from another worker); returns self."""
        if other.n == 0:
            return self
        if not (self.count_known and other.count_known):
            raise ValueError("statistics loaded without a sample count (n) cannot be merged")
        if self.n == 0:
            self.dim, self.n, self._mean, self._m2 = other.dim, other.n, other._mean.copy(), other._m2.copy()
            return self
        if other.dim != self.dim:
            raise ValueError(f"cannot merge statistics of {other.dim} features into {self.dim}")
        n_a, n_b = self.n, other.n
        n = n_a + n_b
        delta = other._mean - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._m2 = self._m2 + other._m2 + np.outer(delta, delta) * (n_a * n_b / n)
        self.n = n
        return self

    @property
    def mu(self):
        if self.n == 0:
            raise ValueError("no features yet: call update(batch) first")
        return self._mean.copy()

    @property
    def sigma(self):
        if self.n < 2:
            raise ValueError(f"the covariance needs at least 2 samples, got {self.n}")
        return self._m2 / (self.n - 1)

    def frechet_distance(self, other, method="eig"):
        """FD between these statistics and another FeatureStatistics."""
        return frechet_distance(self.mu, self.sigma, other.mu, other.sigma, method=method)

    def save(self, path):
        """Write ``path`` (.npz) with keys mu, sigma, n and extractor; atomic."""
        from cv2course.atomic import atomic_path

        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"statistics files end in .npz, got {str(path)!r}")
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                extra = {"n": np.int64(self.n)} if self.count_known else {}
                np.savez(f, mu=self.mu, sigma=self.sigma, extractor=np.str_(self.extractor or ""), **extra)
        return path

    @classmethod
    def load(cls, path):
        """Read a TTUR-style .npz (keys mu and sigma; n and extractor if present)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"statistics file {str(path)!r} does not exist; "
                                    "write one with `cv2course fid DIR -o OUT.npz`")
        import zipfile

        if not zipfile.is_zipfile(path):  # np.load would call any other file "pickled data"
            raise ValueError(f"{str(path)!r} is not an .npz statistics file (not a zip archive); "
                             "write one with `cv2course fid DIR -o OUT.npz`")
        try:
            with np.load(path, allow_pickle=False) as f:
                missing = [k for k in ("mu", "sigma") if k not in f.files]
                if missing:
                    raise ValueError(f"statistics file {str(path)!r} lacks key(s) {missing}; "
                                     f"expected 'mu' and 'sigma', found {f.files}")
                mu, sigma = _as_stats(f["mu"], f["sigma"], "")
                n = int(f["n"]) if "n" in f.files else 0
                extractor = str(f["extractor"]) if "extractor" in f.files else None
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"cannot read statistics file {str(path)!r}: {exc}") from exc
        stats = cls(dim=mu.shape[0], extractor=extractor or None)
        # Without a count the statistics can be compared but not extended; n=2 keeps sigma intact.
        stats.n = n if n >= 2 else 2
        stats.count_known = n >= 2
        stats._mean = mu
        stats._m2 = sigma * (stats.n - 1)
        return stats

    def __repr__(self):
        n = self.n if self.count_known else "unknown"
        return f"FeatureStatistics(n={n}, dim={self.dim}, extractor={self.extractor!r})"
