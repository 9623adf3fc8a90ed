"""WGAN-GP: Gulrajani et al. (2017), Algorithm 1 (gradient penalty).

::

    while θ has not converged:
        for t = 1 .. n_critic:                                  (n_critic = 5)
            for i = 1 .. m:
                sample real x, noise z, ε ~ U[0, 1]             (a fresh real batch each t)
                x̃ ← G_θ(z);  x̂ ← ε x + (1 − ε) x̃
                L⁽ⁱ⁾ ← D_w(x̃) − D_w(x) + λ (‖∇_x̂ D_w(x̂)‖₂ − 1)²     (λ = 10)
            w ← Adam(∇_w 1/m Σ L⁽ⁱ⁾, α, β1, β2)                  (α = 1e-4, β1 = 0, β2 = 0.9)
        sample noise z
        θ ← Adam(∇_θ 1/m Σ −D_w(G_θ(z)), α, β1, β2)

The critic has no batch norm (the penalty is per sample): layer norm instead (§4 of the
paper). Penalty: :func:`cv2course.gans.losses.gradient_penalty`. A batch given to ``fit``
holds n_critic × m real images (see :func:`cv2course.gans.gan.critic_batches`).
"""
import keras
import numpy as np
import tensorflow as tf

from cv2course.gans import losses as adv
from cv2course.gans.wgan import WGAN


@keras.saving.register_keras_serializable(package="cv2course")
class WGANGP(WGAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. Algorithm 1 and its defaults).

    ``WGANGP(generator=None, critic=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, n_critic=5, gp_weight=10.0)``. Logged keys: ``critic_loss`` (including
    λ·GP), ``g_loss``, ``wasserstein`` (E D(x) − E D(G(z))) and ``gradient_penalty``.

    ``model.epsilon_sampler = f(real_batch, step) -> ε (N,)`` replaces the U[0, 1] draw (tests,
    multi-device parity), like ``latent_sampler`` for z.
    """

    default_norm = "layer"

    def __init__(self, generator=None, critic=None, latent_dim=100, image_size=28, channels=1, base_filters=64,
                 n_critic=5, gp_weight=10.0, seed=None, **kwargs):
        kwargs.pop("clip_value", None)
        if isinstance(gp_weight, bool) or not isinstance(gp_weight, (int, float, np.integer, np.floating)) \
                or not np.isfinite(gp_weight) or gp_weight < 0:
            raise ValueError(f"gp_weight (λ) must be a number >= 0 (the paper's λ = 10), got {gp_weight!r}")
        self.gp_weight = float(gp_weight)
        super().__init__(generator, critic, latent_dim, image_size, channels, base_filters, n_critic=n_critic,
                         clip_value=1.0, seed=seed, **kwargs)
        self.epsilon_sampler = None

    def build_discriminator(self):
        from cv2course.gans import networks

        return networks.dcgan_critic(self.image_size, self.channels, self.base_filters, norm=self.default_norm)

    def _check_networks(self):
        super()._check_networks()
        batch_norms = [layer.name for layer in self.discriminator._flatten_layers()
                       if isinstance(layer, keras.layers.BatchNormalization)]
        if batch_norms:
            raise ValueError(f"a gradient-penalty critic must not use batch norm (the penalty is per sample); "
                             f"found {batch_norms}; build it with cv2course.gans.networks.dcgan_critic")

    def metric_names(self):
        return [self.d_loss_key, "g_loss", "wasserstein", "gradient_penalty"]

    def default_optimizers(self):
        """Adam(learning_rate=1e-4, beta_1=0, beta_2=0.9) for critic and generator."""
        return (keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))

    def sample_epsilon(self, reference, step):
        """ε ~ U[0, 1], one per sample (``self.epsilon_sampler`` overrides)."""
        if self.epsilon_sampler is not None:
            return tf.cast(self.epsilon_sampler(reference, step), tf.float32)
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        rid = replica.replica_id_in_sync_group if replica is not None else 0
        seed = seed + tf.cast(tf.stack([0, 2000003 * tf.cast(rid, seed.dtype) + 1]), seed.dtype)
        return tf.random.stateless_uniform(tf.shape(reference)[:1], seed=tf.cast(seed, tf.int32))

    def penalised_critic(self, labels):
        """The callable whose input gradient is penalised (the conditional model binds its labels)."""
        return lambda x: self._discriminate(x, labels, training=True)

    def discriminator_objective(self, real, fake, real_scores, fake_scores, labels, step=0):
        w_loss = adv.wasserstein_critic_loss(real_scores, fake_scores)
        eps = self.sample_epsilon(real, step)
        gp = adv.gradient_penalty(self.penalised_critic(labels), real, fake, epsilon=eps)
        loss = w_loss + self.gp_weight * gp
        return loss, {self.d_loss_key: loss, "wasserstein": -w_loss, "gradient_penalty": gp}

    def after_discriminator_update(self):
        """No clipping: the penalty keeps the critic near 1-Lipschitz."""

    def get_config(self):
        config = super().get_config()
        config.pop("clip_value", None)
        config["gp_weight"] = self.gp_weight
        return config
