import keras
import numpy as np
import pytest

from cv2course.metrics import FeatureStatistics, frechet_distance, get_extractor, polynomial_kernel
from cv2course.metrics.keras_metrics import FrechetDistance, KernelDistance


def _images(n, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return np.clip(rng.random((n, 16, 16, 3)) * scale, 0, 1).astype(np.float32)


class Sampler(keras.Model):
    """A fixed 'generator' whose test_step tracks a metric on its images (as a GAN would)."""

    def __init__(self, metric):
        super().__init__(name="sampler")
        self.scale = keras.layers.Rescaling(0.6)
        self.tracked = metric

    def call(self, x):
        return self.scale(x)

    def test_step(self, data):
        self.tracked.update_state(self(data))
        return {self.tracked.name: self.tracked.result()}

    @property
    def metrics(self):
        return [self.tracked]


def test_frechet_distance_metric_equals_the_numpy_function(tiny_extractor_model):
    ext = get_extractor(tiny_extractor_model)
    real, fake = _images(64, 0), _images(48, 1, scale=0.7)
    metric = FrechetDistance(real, extractor=ext)
    assert np.isnan(float(metric.result()))
    for start in range(0, 48, 16):
        metric.update_state(fake[start:start + 16])
    rs, fs = FeatureStatistics().update(ext(real)), FeatureStatistics().update(ext(fake))
    expected = frechet_distance(rs.mu, rs.sigma, fs.mu, fs.sigma)
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)
    assert metric.label == "FD (tiny)"
    metric.reset_state()
    metric.update_state(real)
    assert float(metric.result()) == pytest.approx(0.0, abs=1e-4)


def _evaluate(metric_factory, inputs, strategy=None):
    import contextlib

    with strategy.scope() if strategy else contextlib.nullcontext():
        model = Sampler(metric_factory())
        model.compile()
    return model.evaluate(inputs, batch_size=16, verbose=0, return_dict=True)


def test_frechet_distance_tracked_in_evaluate_and_under_mirrored_strategy(tiny_extractor_model, mirrored_strategy):
    ext = get_extractor(tiny_extractor_model)
    real, inputs = _images(64, 0), _images(64, 2)
    factory = lambda: FrechetDistance(real, extractor=ext)  # noqa: E731
    single = _evaluate(factory, inputs)["fd"]
    fs = FeatureStatistics().update(ext(inputs * 0.6))
    rs = FeatureStatistics().update(ext(real))
    assert single == pytest.approx(frechet_distance(rs.mu, rs.sigma, fs.mu, fs.sigma), rel=1e-4)
    assert _evaluate(factory, inputs, mirrored_strategy)["fd"] == pytest.approx(single, rel=1e-4)


def test_kernel_distance_metric_is_the_unbiased_within_batch_estimate(tiny_extractor_model, mirrored_strategy):
    ext = get_extractor(tiny_extractor_model)
    real, fake = _images(30, 3), _images(32, 4, scale=0.8)
    metric = KernelDistance(real, extractor=ext)
    for start in (0, 16):
        metric.update_state(fake[start:start + 16])
    r, g = ext(real), ext(fake)
    k_rr = polynomial_kernel(r, r)
    k_rr_mean = (k_rr.sum() - np.trace(k_rr)) / (30 * 29)
    within = [polynomial_kernel(g[s:s + 16], g[s:s + 16]) for s in (0, 16)]
    k_gg_mean = sum(k.sum() - np.trace(k) for k in within) / (2 * 16 * 15)
    expected = k_rr_mean + k_gg_mean - 2 * polynomial_kernel(g, r).mean()
    assert float(metric.result()) == pytest.approx(expected, rel=1e-4, abs=1e-6)
    assert metric.label == "KD (tiny)"
    # in evaluate on two replicas (each sees half of every batch) the estimate stays close
    factory = lambda: KernelDistance(real, extractor=ext)  # noqa: E731
    kd = _evaluate(factory, fake / 0.6, mirrored_strategy)["kd"]
    assert np.isfinite(kd) and kd == pytest.approx(expected, rel=0.5, abs=1e-3)


def test_metric_config_round_trip_with_a_statistics_file(tmp_path, tiny_extractor_model, digits_cnn_stub):
    from cv2course.data import digits

    x, _ = digits(28, "test")
    stats = get_extractor("digits-cnn").statistics(x[:40])
    stats.save(tmp_path / "real.npz")
    metric = FrechetDistance(str(tmp_path / "real.npz"), extractor="digits-cnn", name="fd_digits")
    clone = FrechetDistance.from_config(metric.get_config())
    clone.update_state(x[40:80])
    metric.update_state(x[40:80])
    assert clone.name == "fd_digits" and float(clone.result()) == pytest.approx(float(metric.result()))
    with pytest.raises(ValueError, match="real must be"):
        FrechetDistance()
