"""The autoencoder lecture's formulas, one pure function each (Keras ops, any backend tensor).

Convention for every model of the lecture: a loss is computed **per example** (summed over
pixels, time steps or code units) and then averaged over the batch. So the reconstruction
term of a 28x28 digit is Σ over its 784 pixels of (x − x̂)², and the number a model reports
as ``reconstruction`` is the batch mean of that sum. Per-pixel MSE (what PCA comparisons
use) is that number divided by the pixels per example, see :func:`mean_squared_error`.
Every function computes in float32 whatever its inputs' dtype (a model under a mixed
precision policy outputs bfloat16 or float16).
"""
from keras import ops


def _float32(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def _sum_over_non_batch(values):
    return ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)


def reconstruction_loss(x, x_hat):
    """Per-example squared reconstruction error ‖x − x̂‖² = Σ_pixels (x − x̂)², shape (batch,).

    Sum over every non-batch axis (pixels and channels, or time steps and features); the
    models average it over the (global) batch.
    """
    x, x_hat = _float32(x), _float32(x_hat)
    if tuple(x.shape) != tuple(x_hat.shape):
        raise ValueError(f"x and x_hat must have the same shape, got {tuple(x.shape)} and {tuple(x_hat.shape)}")
    return _sum_over_non_batch(ops.square(x - x_hat))


def mean_squared_error(x, x_hat):
    """Per-example mean squared error (1/D) Σ_pixels (x − x̂)², shape (batch,): the anomaly score
    of a sequence and the number compared with PCA."""
    x = _float32(x)
    d = 1
    for s in x.shape[1:]:
        d *= int(s)
    return reconstruction_loss(x, x_hat) / float(d)


def vae_kl(z_mean, z_log_var):
    """KL[N(μ, σ²) ‖ N(0, I)] = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²), per example, shape (batch,).

    The closed form for a diagonal Gaussian encoder against the standard normal prior
    (Kingma & Welling 2014, appendix B); ``z_log_var`` is log σ², summed over latent units.
    """
    z_mean, z_log_var = _float32(z_mean), _float32(z_log_var)
    return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)


def sparse_kl(rho, rho_hat, epsilon=1e-7):
    """Sparsity penalty Σ_j KL(ρ ‖ ρ̂_j) = Σ_j ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j)).

    ``rho`` is the target mean activation (e.g. 0.05), ``rho_hat`` the mean activation of each
    code unit over the batch, shape (units,); activations must lie in (0, 1) (sigmoid codes).
    ``rho_hat`` is clipped to [ε, 1 − ε] so that a dead or saturated unit gives a large,
    finite penalty. Returns a scalar.
    """
    if not 0.0 < float(rho) < 1.0:
        raise ValueError(f"rho (the target activation) must lie in (0, 1), got {rho!r}")
    rho_hat = ops.clip(_float32(rho_hat), epsilon, 1.0 - epsilon)
    rho = ops.cast(rho, rho_hat.dtype)
    return ops.sum(rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat)))


def l1_activity(code):
    """L1 sparsity penalty Σ_j |h_j| of each example's code, shape (batch,); the model multiplies by λ."""
    return _sum_over_non_batch(ops.abs(_float32(code)))


def negative_elbo(x, x_hat, z_mean, z_log_var, beta=1.0):
    """Per-example β-VAE loss ‖x − x̂‖² + β·KL[N(μ, σ²) ‖ N(0, I)], shape (batch,).

    With β = 1 and the squared error this is the negative ELBO of a Gaussian decoder with
    variance ½ (up to a constant); β > 1 weights the prior more (Higgins et al. 2017).
    """
    return reconstruction_loss(x, x_hat) + beta * vae_kl(z_mean, z_log_var)


__all__ = ["reconstruction_loss", "mean_squared_error", "vae_kl", "sparse_kl", "l1_activity", "negative_elbo"]
