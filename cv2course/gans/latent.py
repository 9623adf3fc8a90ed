"""Walks in the latent space: linear and spherical interpolation, traversals.

Interpolating between two noise vectors z₀, z₁ and decoding every point shows whether the
generator learned a smooth manifold. For Gaussian z in high dimension, ‖z‖ concentrates
near √d: the straight line (lerp) passes through low-norm points that the generator
rarely saw, the great circle (slerp, Shoemake 1985; White 2016) keeps the norm typical.
"""
import numpy as np

from cv2course.checks import check_positive


def _pair(z0, z1):
    z0 = np.asarray(z0, dtype=np.float64)
    z1 = np.asarray(z1, dtype=np.float64)
    if z0.shape != z1.shape or z0.ndim != 1:
        raise ValueError(f"z0 and z1 must be vectors of the same length, got shapes {z0.shape} and {z1.shape}")
    return z0, z1


def _fractions(steps):
    check_positive(steps, "steps", integer=True)
    if steps < 2:
        raise ValueError(f"steps must be >= 2 (both end points), got {steps}")
    return np.linspace(0.0, 1.0, int(steps))


def lerp(z0, z1, steps=8):
    """(1 − t)·z₀ + t·z₁ for ``steps`` values of t from 0 to 1: array (steps, d)."""
    z0, z1 = _pair(z0, z1)
    t = _fractions(steps)[:, None]
    return ((1.0 - t) * z0 + t * z1).astype(np.float32)


def slerp(z0, z1, steps=8, eps=1e-7):
    """sin((1 − t)Ω)/sin Ω · z₀ + sin(tΩ)/sin Ω · z₁ with cos Ω = ⟨z₀, z₁⟩/(‖z₀‖‖z₁‖): (steps, d).

    Falls back to :func:`lerp` when z₀ and z₁ are (anti)parallel within ``eps`` (sin Ω ≈ 0).
    """
    z0, z1 = _pair(z0, z1)
    t = _fractions(steps)[:, None]
    n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
    if n0 == 0 or n1 == 0:
        return lerp(z0, z1, steps)
    omega = np.arccos(np.clip(np.dot(z0, z1) / (n0 * n1), -1.0, 1.0))
    if np.sin(omega) < eps:
        return lerp(z0, z1, steps)
    return ((np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)).astype(np.float32)


def interpolation_strip(model, z0=None, z1=None, steps=8, method="slerp", seed=0, labels=None):
    """Images (steps, H, W, C) in [0, 1] decoded along a lerp/slerp path from z₀ to z₁.

    ``model``: a GAN of this package (``model.generate(z=...)``); z₀, z₁ default to two
    draws with ``seed``. A conditional model needs ``labels`` (one per step, or one label).
    """
    if method not in ("lerp", "slerp"):
        raise ValueError(f"method must be 'lerp' or 'slerp', got {method!r}")
    if z0 is None or z1 is None:
        draws = np.random.default_rng(seed).standard_normal((2, model.latent_dim))
        z0 = draws[0] if z0 is None else z0
        z1 = draws[1] if z1 is None else z1
    path = (slerp if method == "slerp" else lerp)(z0, z1, steps)
    return _decode(model, path, labels)


def latent_traversal(model, z=None, dims=(0, 1, 2, 3), values=np.linspace(-3, 3, 7), seed=0, labels=None):
    """Vary one latent coordinate at a time around ``z``: images (len(dims), len(values), H, W, C).

    Row i sets coordinate ``dims[i]`` of z to each of ``values`` with the others fixed.
    """
    values = np.asarray(values, dtype=np.float32)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, got shape {values.shape}")
    if z is None:
        z = np.random.default_rng(seed).standard_normal(model.latent_dim)
    z = np.asarray(z, dtype=np.float32)
    if z.shape != (model.latent_dim,):
        raise ValueError(f"z must have shape ({model.latent_dim},), got {z.shape}")
    dims = [int(d) for d in dims]
    bad = [d for d in dims if not 0 <= d < model.latent_dim]
    if bad:
        raise ValueError(f"dims must lie in 0..{model.latent_dim - 1}, got {bad}")
    batch = np.repeat(z[None], len(dims) * len(values), axis=0)
    for i, d in enumerate(dims):
        batch[i * len(values):(i + 1) * len(values), d] = values
    images = _decode(model, batch, labels)
    return images.reshape((len(dims), len(values)) + images.shape[1:])


def _decode(model, z, labels):
    if hasattr(model, "num_classes"):
        if labels is None:
            raise ValueError("a conditional model needs labels for its latent walk")
        labels = np.asarray(labels)
        if labels.ndim == 0 or labels.size == 1:
            labels = np.full(len(z), int(np.ravel(labels)[0]))
        return model.generate(labels, z=z)
    return model.generate(z=z)
