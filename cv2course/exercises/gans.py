"""Exercises for the GAN slides: the GAN losses on logits, the WGAN critic loss, weight clipping
and the WGAN-GP gradient penalty. References are the functions the models train with."""
import numpy as np

from cv2course.exercises.core import exercise, wire_type
from cv2course.gans.losses import (clip_weights, gradient_penalty, minimax_discriminator_loss,
                                   non_saturating_generator_loss, wasserstein_critic_loss)


def _logit_pair_cases():
    rng = np.random.default_rng(0)
    cases = [((np.array([[0.0]]), np.array([[0.0]])), {}),  # D = ½ everywhere: loss = 2·log 2
             ((np.array([[3.0], [1.0]]), np.array([[-2.0], [0.5]])), {}),
             ((np.array([[-25.0]]), np.array([[30.0]])), {})]  # a confidently wrong D: needs a stable form
    for n in (4, 16):
        cases.append(((rng.normal(scale=2, size=(n, 1)), rng.normal(scale=2, size=(n, 1))), {}))
    return cases


def _hidden_logit_pairs(rng):
    return [((rng.normal(scale=3, size=(n, 1)), rng.normal(scale=3, size=(n, 1))), {})
            for n in rng.integers(1, 20, size=3)]


def _hidden_fake_logits(rng):
    return [((rng.normal(scale=3, size=(n, 1)),), {}) for n in rng.integers(1, 20, size=3)]


def _hidden_critic_scores(rng):
    return [((rng.normal(size=(n, 1)), rng.normal(size=(m, 1))), {}) for n, m in rng.integers(1, 12, size=(3, 2))]


def _hidden_weights(rng):
    return [(([rng.normal(scale=0.1, size=tuple(int(v) for v in rng.integers(1, 5, size=k))) for k in (1, 2, 2)],
              float(rng.uniform(0.01, 0.2))), {}) for _ in range(3)]


def _fake_logit_cases():
    rng = np.random.default_rng(1)
    return [((np.array([[0.0]]),), {}), ((np.array([[-3.0], [2.0]]),), {}), ((np.array([[-40.0]]),), {}),
            ((rng.normal(scale=2, size=(8, 1)),), {})]


def _critic_cases():
    rng = np.random.default_rng(2)
    return [((np.array([[1.0], [3.0]]), np.array([[0.0], [-1.0]])), {}),
            ((rng.normal(size=(5, 1)), rng.normal(size=(5, 1))), {}),
            ((rng.normal(size=(3, 1)), rng.normal(size=(6, 1))), {})]  # batches of different sizes


def _clip_cases():
    rng = np.random.default_rng(3)
    return [(([np.array([-0.5, 0.005, 0.02])], 0.01), {}),
            (([rng.normal(scale=0.05, size=(3, 3)), rng.normal(scale=0.05, size=(4,))], 0.03), {}),
            (([np.array([[1.0, -2.0]])], 1.5), {})]


@wire_type
class LinearCritic:
    """D(x) = ⟨w, x⟩ over all pixels: ∇D = w everywhere, so the penalty is (‖w‖ − 1)²."""

    def __init__(self, scale, shape, seed):
        w = np.random.default_rng(seed).normal(size=shape)
        self.w = (scale * w / np.linalg.norm(w)).astype(np.float32)

    def wire_fields(self):
        return {"w": self.w}

    @classmethod
    def from_wire(cls, w):
        critic = cls.__new__(cls)
        critic.w = np.asarray(w, np.float32)
        return critic

    def __call__(self, x):
        import tensorflow as tf

        return tf.reduce_sum(tf.cast(x, tf.float32) * self.w[None], axis=list(range(1, len(self.w.shape) + 1)))

    def __repr__(self):
        return f"LinearCritic(‖w‖={np.linalg.norm(self.w):.2f})"


@wire_type
class SquareCritic:
    """D(x) = ½‖x‖²: ∇D(x̂) = x̂, so the penalty depends on where x̂ lies (tests ε and the norm axes)."""

    def wire_fields(self):
        return {}

    @classmethod
    def from_wire(cls):
        return cls()

    def __call__(self, x):
        import tensorflow as tf

        x = tf.cast(x, tf.float32)
        return 0.5 * tf.reduce_sum(tf.square(x), axis=list(range(1, len(x.shape))))

    def __repr__(self):
        return "SquareCritic()"


def _gp_cases():
    rng = np.random.default_rng(4)
    shape = (4, 4, 1)
    real, fake = rng.random((3,) + shape).astype(np.float32), rng.random((3,) + shape).astype(np.float32)
    eps = np.array([0.1, 0.5, 0.9], np.float32)
    return [((LinearCritic(1.0, shape, 0), real, fake), {"epsilon": eps}),
            ((LinearCritic(2.5, shape, 1), real, fake), {"epsilon": eps}),
            ((SquareCritic(), real * 0.3, fake * 0.3), {"epsilon": eps}),
            ((SquareCritic(), real, fake), {"epsilon": np.array([0.0, 1.0, 0.25], np.float32)})]


def _hidden_gp(rng):
    cases = []
    for i in range(3):
        n = int(rng.integers(1, 5))
        shape = tuple(int(v) for v in rng.integers(2, 6, size=2)) + (int(rng.integers(1, 4)),)
        real, fake = rng.random((n,) + shape).astype(np.float32), rng.random((n,) + shape).astype(np.float32)
        critic = SquareCritic() if i == 2 else LinearCritic(float(rng.uniform(0.3, 3)), shape,
                                                            int(rng.integers(1 << 30)))
        cases.append(((critic, real, fake), {"epsilon": rng.random(n).astype(np.float32)}))
    return cases


exercise("gan_discriminator_loss", reference=minimax_discriminator_loss, cases=_logit_pair_cases,
         hidden=_hidden_logit_pairs,
         hint="D maximises log σ(l_r) + log(1 − σ(l_f)), so its loss is the negative: −mean log σ(l_r) − "
              "mean log(1 − σ(l_f)), two means added. Work on logits with log σ(l) = −softplus(−l) and "
              "log(1 − σ(l)) = −softplus(l) (np.logaddexp(0, l) is softplus) to stay finite at |l| = 30.",
         description="gan_discriminator_loss(real_logits, fake_logits) -> the discriminator's binary "
                     "cross-entropy on raw scores (no sigmoid applied yet), a scalar.")
exercise("gan_generator_loss", reference=non_saturating_generator_loss, cases=_fake_logit_cases,
         hidden=_hidden_fake_logits,
         hint="The non-saturating loss is −mean log σ(l_f) = mean softplus(−l_f): it is large when D rejects "
              "the fakes (l_f ≪ 0), where log(1 − σ(l_f)) would be flat. Mind the sign.",
         description="gan_generator_loss(fake_logits) -> the non-saturating generator loss, a scalar.")
exercise("wasserstein_critic_loss", reference=wasserstein_critic_loss, cases=_critic_cases,
         hidden=_hidden_critic_scores,
         hint="The critic maximises E f(x) − E f(G(z)); as a loss to minimise: mean(fake) − mean(real). Take "
              "each mean over its own batch (they may differ in size) and apply no sigmoid or log.",
         description="wasserstein_critic_loss(real_scores, fake_scores) -> E f(G(z)) − E f(x), a scalar.")
exercise("weight_clipping", reference=clip_weights, cases=_clip_cases, hidden=_hidden_weights,
         hint="Clip every weight array to [−c, c] element by element (np.clip(w, -c, c)) and return the list "
              "of clipped arrays in the same order; do not rescale the weights.",
         description="weight_clipping(weights, clip_value) -> list of arrays clipped to [−c, c].")
exercise("gradient_penalty", reference=gradient_penalty, cases=_gp_cases, hidden=_hidden_gp, rtol=1e-4, atol=1e-6,
         hint="x̂ = ε·x + (1 − ε)·x̃ with one ε per sample (reshape ε to (N, 1, 1, 1)); take ∇_x̂ D(x̂) with "
              "tf.GradientTape (tape.watch(x̂)); the norm is over ALL non-batch axes (height, width, "
              "channels), then mean over the batch of (‖∇‖ − 1)². A small 1e-10 inside the sqrt is fine.",
         description="gradient_penalty(critic, real, fake, epsilon) -> mean (‖∇D(x̂)‖₂ − 1)², with the "
                     "given per-sample ε (shape (N,)).")
