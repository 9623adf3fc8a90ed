"""Exercises for the VAE slides: the reparameterisation trick and the closed-form KL term."""
import numpy as np

from cv2course.autoencoders.losses import vae_kl
from cv2course.autoencoders.vae import reparameterize
from cv2course.exercises.core import exercise
from cv2course.exercises.diagnosis import scaled, wrong
from cv2course.i18n import tr


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
         hint=(tr("The encoder gives the log-variance, not the standard deviation: turn it into σ first. The noise "
                  "ε is then scaled by σ and shifted by μ, element by element.", lang="en"),
               tr("z = μ + σ ⊙ ε with σ = exp(½ · log σ²). With log σ² = log 4 (σ = 2) and ε = 1, z = μ + 2.",
                  lang="en")),
         slips=(wrong("variance_not_std", lambda m, lv, e: m + np.exp(lv) * e,
                      tr("you scaled ε by the variance σ² = exp(log σ²): scale by the standard deviation "
                         "σ = exp(½ log σ²), the square root of the variance", lang="en")),
                wrong("log_var_as_std", lambda m, lv, e: m + lv * e,
                      tr("you used log σ² itself as σ: σ = exp(½ log σ²)", lang="en")),
                wrong("minus_noise", lambda m, lv, e: m - np.exp(0.5 * lv) * e,
                      tr("you subtracted σ ⊙ ε: z = μ + σ ⊙ ε", lang="en"))),
         description="reparameterize(z_mean, z_log_var, epsilon) -> z = μ + σ ⊙ ε with σ = exp(½ log σ²); "
                     "arrays of shape (batch, latent_dim).")
exercise("vae_kl", reference=vae_kl, cases=_kl_cases, hidden=_hidden_kl,
         hint=(tr("The KL of a diagonal Gaussian to N(0, I) has a closed form, one term per latent unit, added up: "
                  "one value per example. It is 0 when μ = 0 and log σ² = 0, and never negative.", lang="en"),
               tr("KL[N(μ, σ²) ‖ N(0, I)] = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), the sum over the latent units "
                  "j, no mean over the batch.", lang="en")),
         slips=(scaled("kl_mean_over_units", lambda m, lv: 1 / np.shape(m)[-1],
                       tr("your answer is the expected one ÷ latent_dim (× {factor}): you averaged over the latent "
                          "units; the KL sums them", lang="en")),
                wrong("kl_missing_one", lambda m, lv: np.asarray(vae_kl(m, lv)) + 0.5 * np.shape(m)[-1],
                      tr("the 1 inside −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²) is missing: your answer is ½·latent_dim "
                         "too large", lang="en")),
                wrong("kl_mean_over_batch", lambda m, lv: np.mean(vae_kl(m, lv)),
                      tr("you averaged over the batch: return one KL per example, shape (batch,)", lang="en")),
                wrong("kl_sum_over_batch", lambda m, lv: np.sum(vae_kl(m, lv)),
                      tr("you summed over the batch too: return one KL per example, shape (batch,)", lang="en"))),
         description="vae_kl(z_mean, z_log_var) -> per-example KL divergence to the standard normal prior, "
                     "shape (batch,).")
