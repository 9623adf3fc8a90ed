"""A small embedded sequence dataset: ECG-like heartbeat windows, a few of them abnormal.

Each window holds about two beats built from Gaussian bumps (P wave, QRS complex, T wave)
with a random phase, heart rate, amplitude, baseline wander and measurement noise. An
abnormal window has one beat changed in one of four ways (``ANOMALY_KINDS``): an inverted
T wave, a missing QRS complex (a dropped beat), an extra premature spike, or an elevated
ST segment. Generated from a seed, so every run sees the same data.
"""
import numpy as np

from cv2course.checks import check_positive

ANOMALY_KINDS = ("inverted_t", "missing_qrs", "extra_spike", "st_elevation")

# (amplitude, position within the beat, width), beat length 1.
_WAVES = {"p": (0.15, 0.18, 0.025), "q": (-0.12, 0.36, 0.010), "r": (1.0, 0.40, 0.012),
          "s": (-0.25, 0.44, 0.012), "t": (0.30, 0.66, 0.045)}


def _bump(t, amp, center, width):
    return amp * np.exp(-0.5 * ((t - center) / width) ** 2)


def _window(t, rng, anomaly=None):
    period = rng.uniform(0.42, 0.55)  # two beats or a little more per window
    start = -rng.uniform(0.0, period)
    gain = rng.uniform(0.85, 1.15)
    beats = np.arange(start, 1.0 + period, period)
    target = int(np.argmin(np.abs(beats + period * 0.4 - 0.5)))  # the beat nearest the middle
    y = np.zeros_like(t)
    for k, b in enumerate(beats):
        waves = dict(_WAVES)
        if k == target and anomaly == "inverted_t":
            amp, c, w = waves["t"]
            waves["t"] = (-1.3 * amp, c, w)
        if k == target and anomaly == "missing_qrs":
            for name in ("q", "r", "s"):
                waves.pop(name)
        for amp, c, w in waves.values():
            y += _bump(t, amp, b + c * period, w * period / 0.5)
        if k == target and anomaly == "st_elevation":
            lo, hi = b + 0.45 * period, b + 0.62 * period
            y += 0.35 * np.clip(np.minimum(t - lo, hi - t) / (0.03 * period), 0.0, 1.0)
        if k == target and anomaly == "extra_spike":
            y += _bump(t, 0.9, b + 0.85 * period, 0.01)
    wander = 0.05 * np.sin(2 * np.pi * (rng.uniform(0.2, 0.6) * t + rng.uniform()))
    return gain * y + wander


def ecg_waves(n=512, length=96, anomaly_fraction=0.05, noise=0.03, seed=0, return_kinds=False):
    """``n`` windows of ``length`` samples, shape (n, length, 1) float32, and a boolean
    ``is_anomaly`` (n,). ``anomaly_fraction`` of the windows (rounded, at least one when
    positive) carry one of ``ANOMALY_KINDS``, chosen in turn; ``noise`` is the std of
    the added Gaussian noise. ``return_kinds=True`` returns each window's kind as a third
    value ("normal" or an anomaly kind).
    """
    n = int(check_positive(n, "n", integer=True))
    length = int(check_positive(length, "length", integer=True))
    if length < 16:
        raise ValueError(f"length must be at least 16 samples to hold a heartbeat, got {length}")
    if not 0.0 <= float(anomaly_fraction) <= 1.0:
        raise ValueError(f"anomaly_fraction must lie in [0, 1], got {anomaly_fraction!r}")
    check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(seed)
    n_bad = int(round(n * anomaly_fraction))
    if anomaly_fraction > 0 and n_bad == 0:
        n_bad = 1
    kinds = np.array(["normal"] * n, dtype=object)
    bad = rng.choice(n, n_bad, replace=False)
    kinds[bad] = [ANOMALY_KINDS[i % len(ANOMALY_KINDS)] for i in range(n_bad)]
    t = np.linspace(0.0, 1.0, length, endpoint=False)
    x = np.stack([_window(t, rng, None if k == "normal" else k) for k in kinds])
    x = x + noise * rng.standard_normal(x.shape)
    x = x.astype(np.float32)[..., None]
    is_anomaly = kinds != "normal"
    return (x, is_anomaly, kinds.astype(str)) if return_kinds else (x, is_anomaly)
