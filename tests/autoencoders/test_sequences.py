import numpy as np
import pytest

from cv2course.autoencoders.sequences import ANOMALY_KINDS, ecg_waves


def test_same_seed_same_data_and_the_requested_anomalies():
    x, bad, kinds = ecg_waves(80, length=64, anomaly_fraction=0.1, seed=3, return_kinds=True)
    x2, bad2 = ecg_waves(80, length=64, anomaly_fraction=0.1, seed=3)
    assert x.shape == (80, 64, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(bad, bad2)
    assert bad.sum() == 8 and set(kinds[bad]) == set(ANOMALY_KINDS) and set(kinds[~bad]) == {"normal"}
    assert not np.array_equal(x, ecg_waves(80, length=64, anomaly_fraction=0.1, seed=4)[0])
    assert ecg_waves(10, length=32, anomaly_fraction=0.0)[1].sum() == 0
    assert ecg_waves(10, length=32, anomaly_fraction=0.01)[1].sum() == 1  # "a few" means at least one


def test_anomalies_change_the_waveform_where_expected():
    x, _, kinds = ecg_waves(400, length=96, anomaly_fraction=0.2, noise=0.0, seed=0, return_kinds=True)
    peaks = x[..., 0].max(axis=1)
    normal = kinds == "normal"
    # A normal window holds two or more R peaks near 1; an inverted T wave dips well below any normal trough.
    assert np.all(peaks[normal] > 0.5)
    assert x[kinds == "inverted_t", :, 0].min(axis=1).mean() < x[normal, :, 0].min(axis=1).mean() - 0.1
    r_count = lambda w: np.sum((w[1:-1] > 0.5) & (w[1:-1] >= w[:-2]) & (w[1:-1] >= w[2:]))  # noqa: E731
    assert np.mean([r_count(w) for w in x[kinds == "missing_qrs", :, 0]]) < np.mean([r_count(w) for w in x[normal, :, 0]])
    assert np.mean([r_count(w) for w in x[kinds == "extra_spike", :, 0]]) > np.mean([r_count(w) for w in x[normal, :, 0]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="length"):
        ecg_waves(4, length=8)
    with pytest.raises(ValueError, match="anomaly_fraction"):
        ecg_waves(4, anomaly_fraction=1.5)
    with pytest.raises(ValueError, match="n must be"):
        ecg_waves(0)
