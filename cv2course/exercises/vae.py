"""Exercises for the VAE slides: the reparameterisation trick and the closed-form KL term."""
import numpy as np

from cv2course.autoencoders.losses import vae_kl
from cv2course.autoencoders.vae import reparameterize
from cv2course.exercises.core import exercise


def _reparameterize_cases():
    rng = np.random.default_rng(0)
    cases = [((np.array([[0.0, 1.0]]), np.array([[0.0, 0.0]]), np.array([[0.5, -1.0]])), {}),  # σ = 1: z = μ + ε
             ((np.array([[2.0, -1.0]]), np.log(np.array([[4.0, 0.25]])), np.array([[1.0, 2.0]])), {})]
    for shape in ((4, 3), (8, 2)):
        cases.append(((rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)), {}))
    return cases


def _hidden_reparameterize(rng):
    shapes = [tuple(int(v) for v in rng.integers(1, 7, size=2)) for _ in range(3)]
    return [((rng.normal(size=s), rng.normal(size=s), rng.normal(size=s)), {}) for s in shapes]


def _hidden_kl(rng):
    shapes = [tuple(int(v) for v in rng.integers(1, 7, size=2)) for _ in range(3)]
    return [((rng.normal(size=s), rng.normal(scale=0.5, size=s)), {}) for s in shapes]


def _kl_cases():
    rng = np.random.default_rng(1)
    cases = [((np.zeros((1, 2)), np.zeros((1, 2))), {}),  # q = prior: KL = 0
             ((np.array([[1.0, 0.0]]), np.zeros((1, 2))), {}),
             ((np.array([[0.0, 0.0]]), np.log(np.array([[4.0, 0.25]]))), {})]
    for shape in ((4, 3), (6, 2)):
        cases.append(((rng.normal(size=shape), rng.normal(scale=0.5, size=shape)), {}))
    return cases


exercise("reparameterize", reference=reparameterize, cases=_reparameterize_cases, hidden=_hidden_reparameterize,
         hint="The encoder gives log σ², not σ: σ = exp(½ · log σ²). Then z = μ + σ · ε, element by element. "
              "With log σ² = log 4 (σ = 2) and ε = 1, z = μ + 2.",
         description="reparameterize(z_mean, z_log_var, epsilon) -> z = μ + σ ⊙ ε with σ = exp(½ log σ²); "
                     "arrays of shape (batch, latent_dim).")
exercise("vae_kl", reference=vae_kl, cases=_kl_cases, hidden=_hidden_kl,
         hint="KL[N(μ, σ²) ‖ N(0, I)] = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²): sum over the latent units "
              "(axis=-1), one value per example, no mean over the batch. It is 0 when μ = 0 and log σ² = 0, "
              "and never negative.",
         description="vae_kl(z_mean, z_log_var) -> per-example KL divergence to the standard normal prior, "
                     "shape (batch,).")
