"""Fréchet and kernel distances as ``keras.metrics.Metric``, to track a generator during ``fit``.

The real side is summarised once, at construction; ``update_state(generated_images)``
then accumulates the generated side inside the compiled ``train_step``/``test_step``.
The accumulators are sums (aggregation "sum"), so the metrics stay correct under
``tf.distribute`` strategies, where each replica adds its share.

    class MyGAN(keras.Model):
        def __init__(self, ...):
            self.fd = FrechetDistance(real_images, extractor="digits-cnn")
        def test_step(self, data):
            self.fd.update_state(self.generator(noise))
            return {"fd": self.fd.result()}
"""
import keras
import numpy as np

from cv2course.metrics.features import get_extractor, statistics_of
from cv2course.metrics.frechet import covariance_factor, frechet_from_parts, trace_sqrt_from_factor
from cv2course.metrics.kid import mmd2_from_means, off_diagonal_mean, polynomial_kernel


@keras.saving.register_keras_serializable(package="cv2course")
class FrechetDistance(keras.metrics.Metric):
    """FD between the features of the generated images seen so far and fixed real statistics.

        FD = ‖μ_g − μ_r‖² + Tr Σ_g + Tr Σ_r − 2 Tr (Σ_r Σ_g)^½

    as :func:`cv2course.metrics.frechet_distance` computes it, with Tr (Σ_r Σ_g)^½ from the
    eigenvalues of Aᵀ Σ_g A (Σ_r = A Aᵀ, factored once), in float64. ``real``: images
    (array, folder) or statistics (FeatureStatistics or ``.npz``). The generated features are
    summed after subtracting μ_r, which keeps the one-pass covariance accurate.
    ``update_state(images)`` or, as a compiled metric, ``update_state(y_true, y_pred)`` with
    the generated images in ``y_pred``. The result is NaN before two samples were seen.
    """

    def __init__(self, real=None, extractor="digits-cnn", batch_size=64, name="fd", **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(name=name, **kwargs)
        if real is None:
            raise ValueError("real must be real images, a folder, FeatureStatistics or an .npz statistics file")
        self.extractor = get_extractor(extractor)
        self._real_spec = str(real) if isinstance(real, str) else None
        stats = statistics_of(real, self.extractor, batch_size)
        if stats.dim != self.extractor.dim:
            raise ValueError(f"the real statistics have {stats.dim} features, the extractor {self.extractor.name!r} "
                             f"gives {self.extractor.dim}")
        self.real_n = stats.n if stats.count_known else None
        self._mu_r = stats.mu
        self._trace_r = float(np.trace(stats.sigma))
        self._factor_r = covariance_factor(stats.sigma)
        d = stats.dim
        self.count = self.add_variable((), "zeros", dtype="float64", name="count")
        self.sum = self.add_variable((d,), "zeros", dtype="float64", name="sum")
        self.sum_outer = self.add_variable((d, d), "zeros", dtype="float64", name="sum_outer")

    @property
    def label(self):
        return self.extractor.label("FD")

    def update_state(self, images, y_pred=None, sample_weight=None):
        if y_pred is not None:
            images = y_pred
        f = keras.ops.cast(self.extractor.features_tensor(images), "float64")
        f = f - keras.ops.convert_to_tensor(self._mu_r, dtype="float64")
        self.count.assign_add(keras.ops.cast(keras.ops.shape(f)[0], "float64"))
        self.sum.assign_add(keras.ops.sum(f, axis=0))
        self.sum_outer.assign_add(keras.ops.matmul(keras.ops.transpose(f), f))

    def result(self):
        n = self.count
        mean_shift = self.sum / keras.ops.maximum(n, 1.0)                    # μ_g − μ_r
        sigma_g = (self.sum_outer - n * keras.ops.outer(mean_shift, mean_shift)) / keras.ops.maximum(n - 1.0, 1.0)
        a = keras.ops.convert_to_tensor(self._factor_r, dtype="float64")
        tr_covmean = trace_sqrt_from_factor(a, sigma_g, xp=keras.ops)
        fd = frechet_from_parts(keras.ops.sum(mean_shift * mean_shift), self._trace_r, keras.ops.trace(sigma_g),
                                tr_covmean)
        fd = keras.ops.where(n >= 2.0, keras.ops.maximum(fd, 0.0), float("nan"))
        return keras.ops.cast(fd, self.dtype)

    def reset_state(self):
        for v in (self.count, self.sum, self.sum_outer):
            v.assign(keras.ops.zeros(v.shape, dtype="float64"))

    def get_config(self):
        # Real images are not stored: only a path (a folder or an .npz file) can be restored.
        return {**super().get_config(), "real": self._real_spec, "extractor": self.extractor.name}


@keras.saving.register_keras_serializable(package="cv2course")
class KernelDistance(keras.metrics.Metric):
    """Unbiased MMD² (KID's cubic kernel k(x, y) = (x·y/d + 1)³) against a fixed real subset.

        MMD²_u = E k(r, r') + E k(g, g') − 2 E k(g, r)

    E k(r, r') is computed once over ``subset_size`` real features (pairs i ≠ j); E k(g, g')
    averages over pairs within each generated batch and E k(g, r) over all generated × real
    pairs. Each term is unbiased, so the sum is, and all accumulators are plain sums (correct
    under distribution strategies). Batches need at least 2 images. ``kernel_distance`` on
    saved features gives the paper's mean ± std over subsets.
    """

    def __init__(self, real=None, extractor="digits-cnn", subset_size=1000, seed=0, batch_size=64, name="kd",
                 **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(name=name, **kwargs)
        if real is None:
            raise ValueError("real must be real images (an array or a folder)")
        self.extractor = get_extractor(extractor)
        feats = self.extractor.features(real, batch_size)
        if len(feats) < 2:
            raise ValueError(f"KernelDistance needs at least 2 real images, got {len(feats)}")
        if len(feats) > subset_size:
            feats = feats[np.random.default_rng(seed).choice(len(feats), subset_size, replace=False)]
        self._real = feats
        self._config = {"real": str(real) if isinstance(real, str) else None, "extractor": self.extractor.name,
                        "subset_size": subset_size, "seed": seed}
        self._k_rr_mean = float(off_diagonal_mean(polynomial_kernel(feats, feats)))
        self.sum_k_gg = self.add_variable((), "zeros", dtype="float64", name="sum_k_gg")
        self.pairs_gg = self.add_variable((), "zeros", dtype="float64", name="pairs_gg")
        self.sum_k_gr = self.add_variable((), "zeros", dtype="float64", name="sum_k_gr")
        self.pairs_gr = self.add_variable((), "zeros", dtype="float64", name="pairs_gr")

    @property
    def label(self):
        return self.extractor.label("KD")

    def update_state(self, images, y_pred=None, sample_weight=None):
        if y_pred is not None:
            images = y_pred
        g = keras.ops.cast(self.extractor.features_tensor(images), "float64")
        r = keras.ops.convert_to_tensor(self._real, dtype="float64")
        b = keras.ops.cast(keras.ops.shape(g)[0], "float64")
        k_gg = polynomial_kernel(g, g, xp=keras.ops)
        self.sum_k_gg.assign_add(keras.ops.sum(k_gg) - keras.ops.trace(k_gg))
        self.pairs_gg.assign_add(b * (b - 1.0))
        self.sum_k_gr.assign_add(keras.ops.sum(polynomial_kernel(g, r, xp=keras.ops)))
        self.pairs_gr.assign_add(b * float(len(self._real)))

    def result(self):
        k_gg = self.sum_k_gg / keras.ops.maximum(self.pairs_gg, 1.0)
        k_gr = self.sum_k_gr / keras.ops.maximum(self.pairs_gr, 1.0)
        mmd2 = mmd2_from_means(self._k_rr_mean, k_gg, k_gr)
        return keras.ops.cast(keras.ops.where(self.pairs_gg > 0, mmd2, float("nan")), self.dtype)

    def reset_state(self):
        for v in (self.sum_k_gg, self.pairs_gg, self.sum_k_gr, self.pairs_gr):
            v.assign(keras.ops.zeros((), dtype="float64"))

    def get_config(self):
        # Real images are not stored: only a folder path can be restored.
        return {**super().get_config(), **self._config}
