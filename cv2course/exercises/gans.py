"""Exercises for the GAN slides: the GAN losses on logits, the WGAN critic loss, weight clipping
and the WGAN-GP gradient penalty. References are the functions the models train with."""
import numpy as np

from cv2course.exercises.core import exercise, wire_type
from cv2course.exercises.diagnosis import scaled, times, wrong
from cv2course.gans.losses import (clip_weights, gradient_penalty, minimax_discriminator_loss,
                                   non_saturating_generator_loss, wasserstein_critic_loss)
from cv2course.i18n import tr


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


def _softplus(x):
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _gp_variant(critic, real, fake, epsilon, per_channel=False, minus_one=True, swap=False, reduce=np.mean):
    """The gradient penalty with one slip made (the norm per channel, no − 1, ε on the wrong image, a sum)."""
    import tensorflow as tf

    eps = np.asarray(epsilon, np.float32).reshape(-1, *([1] * (np.ndim(real) - 1)))
    if swap:
        eps = 1 - eps
    x = tf.constant(eps * np.asarray(real, np.float32) + (1 - eps) * np.asarray(fake, np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = critic(x)
    g = tape.gradient(y, x).numpy().astype(np.float64)
    norms = np.sqrt(np.sum(g ** 2, axis=-1)) if per_channel else np.sqrt(np.sum(g.reshape(len(g), -1) ** 2, axis=1))
    return reduce((norms - (1.0 if minus_one else 0.0)) ** 2)


SUM_OVER_BATCH = tr("your answer is the expected one × {factor}, the batch size: you summed over the batch where "
                    "the slide's formula takes the mean 1/m Σ_i", lang="en")

exercise("gan_discriminator_loss", reference=minimax_discriminator_loss, cases=_logit_pair_cases,
         hidden=_hidden_logit_pairs,
         hint=(tr("D wants D(x) → 1 on real images and D(G(z)) → 0 on fakes; its loss is the negative of what it "
                  "maximises. You are given logits l, with D = σ(l): rewrite each log of a sigmoid with softplus so "
                  "that a score of ±30 stays finite.", lang="en"),
               tr("Slide: D ascends 1/m Σ_i [log D(x^(i)) + log(1 − D(G(z^(i))))]. Loss = −(1/m Σ log σ(l_r)) − "
                  "(1/m Σ log(1 − σ(l_f))), two means added, with log σ(l) = −softplus(−l) and "
                  "log(1 − σ(l)) = −softplus(l), softplus(l) = log(1 + e^l).", lang="en")),
         slips=(wrong("sum_over_batch", lambda r, f: _softplus(-r).sum() + _softplus(f).sum(),
                      tr("you summed over each batch: the slide's formula takes the mean 1/m Σ_i of each term",
                         lang="en")),
                times("mean_of_both", 0.5,
                      tr("your answer is the expected one × ½: you averaged the two terms; the loss is the mean over "
                         "the real batch plus the mean over the fake batch", lang="en"))),
         description="gan_discriminator_loss(real_logits, fake_logits) -> the discriminator's binary "
                     "cross-entropy on raw scores (no sigmoid applied yet), a scalar.")
exercise("gan_generator_loss", reference=non_saturating_generator_loss, cases=_fake_logit_cases,
         hidden=_hidden_fake_logits,
         hint=(tr("The non-saturating generator maximises log D(G(z)) instead of minimising log(1 − D(G(z))): its "
                  "loss is large when D rejects the fakes, where the minimax loss is flat. Mind the sign.", lang="en"),
               tr("Loss = −1/m Σ_i log D(G(z^(i))) = 1/m Σ_i softplus(−l_f^(i)), with D = σ(l) and "
                  "softplus(l) = log(1 + e^l).", lang="en")),
         slips=(wrong("saturating", lambda f: -_softplus(f).mean(),
                      tr("this is the saturating minimax loss 1/m Σ log(1 − D(G(z))), whose gradient vanishes when D "
                         "rejects the fakes; the exercise asks for the non-saturating −1/m Σ log D(G(z))", lang="en")),
                scaled("sum_over_batch", lambda f: len(f), SUM_OVER_BATCH)),
         description="gan_generator_loss(fake_logits) -> the non-saturating generator loss, a scalar.")
exercise("wasserstein_critic_loss", reference=wasserstein_critic_loss, cases=_critic_cases,
         hidden=_hidden_critic_scores,
         hint=(tr("The critic is no classifier: no sigmoid, no log. It wants high scores on real images and low "
                  "scores on fakes; turn what it maximises into a loss to minimise.", lang="en"),
               tr("Slide: the critic ascends 1/m Σ f(x^(i)) − 1/m Σ f(G(z^(i))). Its loss is E f(G(z)) − E f(x), each "
                  "mean over its own batch (the two batches may differ in size).", lang="en")),
         slips=(times("critic_maximised", -1,
                      tr("this is E f(x) − E f(G(z)), what the critic maximises; its loss to minimise is the "
                         "negative, E f(G(z)) − E f(x)", lang="en")),
                wrong("pooled_mean", lambda r, f: (np.sum(f) - np.sum(r)) / (np.size(r) + np.size(f)) * 2,
                      tr("you took one mean over both batches together: take each mean over its own batch", lang="en")),
                wrong("sum_over_batch", lambda r, f: np.sum(f) - np.sum(r),
                      tr("you summed the scores: the slide's formula takes the mean 1/m Σ_i of each batch",
                         lang="en"))),
         description="wasserstein_critic_loss(real_scores, fake_scores) -> E f(G(z)) − E f(x), a scalar.")
exercise("weight_clipping", reference=clip_weights, cases=_clip_cases, hidden=_hidden_weights,
         hint=(tr("WGAN keeps the critic's weights in a small box [−c, c] after every update. Each weight is "
                  "treated on its own: the ones inside the box do not move.", lang="en"),
               tr("Slide: w ← clip(w, −c, c), element by element: w stays if −c ≤ w ≤ c, becomes c above and −c "
                  "below. Return the list of clipped arrays in the same order; do not rescale.", lang="en")),
         slips=(wrong("rescaled", lambda ws, c: [np.asarray(w) * c / np.abs(w).max() for w in ws],
                      tr("you rescaled each array so that its largest weight is c: clipping moves only the weights "
                         "outside [−c, c]", lang="en")),
                wrong("upper_only", lambda ws, c: [np.minimum(w, c) for w in ws],
                      tr("you clipped only the large positive weights: clip below −c too", lang="en")),
                wrong("zero_to_c", lambda ws, c: [np.clip(w, 0, c) for w in ws],
                      tr("you clipped to [0, c]: the box is [−c, c]", lang="en"))),
         description="weight_clipping(weights, clip_value) -> list of arrays clipped to [−c, c].")
exercise("gradient_penalty", reference=gradient_penalty, cases=_gp_cases, hidden=_hidden_gp, rtol=1e-4, atol=1e-6,
         hint=(tr("The penalty looks at random points on the straight line between each real image and its fake "
                  "and asks the critic's gradient there to have norm 1. One ε per sample; the gradient is with "
                  "respect to the interpolated image, through a gradient tape.", lang="en"),
               tr("Gulrajani et al.: x̂ = ε x + (1 − ε) x̃, penalty = 1/N Σ_i (‖∇_x̂ D(x̂_i)‖₂ − 1)², the norm over "
                  "all non-batch axes (height, width and channels together).", lang="en")),
         slips=(wrong("norm_per_channel", lambda *a, **k: _gp_variant(*a, per_channel=True, **k),
                      tr("you took the gradient's norm over the channel axis only: the norm is over all non-batch "
                         "axes, height, width and channels together", lang="en")),
                wrong("no_minus_one", lambda *a, **k: _gp_variant(*a, minus_one=False, **k),
                      tr("you penalised ‖∇D(x̂)‖² instead of (‖∇D(x̂)‖ − 1)²: the penalty pulls the norm towards 1, "
                         "not 0", lang="en")),
                wrong("epsilon_swapped", lambda *a, **k: _gp_variant(*a, swap=True, **k),
                      tr("your x̂ puts ε on the fake image: x̂ = ε x + (1 − ε) x̃ weights the real image x by ε",
                         lang="en")),
                wrong("sum_over_batch", lambda *a, **k: _gp_variant(*a, reduce=np.sum, **k),
                      tr("you summed over the batch: the penalty is the mean 1/N Σ_i", lang="en"))),
         description="gradient_penalty(critic, real, fake, epsilon) -> mean (‖∇D(x̂)‖₂ − 1)², with the "
                     "given per-sample ε (shape (N,)).")
