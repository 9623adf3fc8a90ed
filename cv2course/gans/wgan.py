"""WGAN: Arjovsky, Chintala & Bottou (2017), Algorithm 1 (weight clipping).

::

    while θ has not converged:
        for t = 1 .. n_critic:                       (n_critic = 5)
            sample a real batch x and noise z       (a fresh real batch each time)
            g_w ← ∇_w [1/m Σ f_w(x) − 1/m Σ f_w(g_θ(z))]
            w ← w + α · RMSProp(w, g_w)              (α = 5e-5)
            w ← clip(w, −c, c)                        (c = 0.01)
        sample noise z
        θ ← θ − α · RMSProp(θ, −∇_θ 1/m Σ f_w(g_θ(z)))

The critic f_w outputs a raw score (no sigmoid): E f(x) − E f(G(z)) estimates the Earth
Mover distance up to the Lipschitz constant that clipping enforces. Losses:
:func:`cv2course.gans.losses.wasserstein_critic_loss`, clipping:
:func:`cv2course.gans.losses.clip_weights`. A batch given to ``fit`` holds n_critic × m real
images (see :func:`cv2course.gans.gan.critic_batches`).
"""
import keras
import numpy as np

from cv2course.gans import losses as adv
from cv2course.gans.gan import GAN


@keras.saving.register_keras_serializable(package="cv2course")
class WGAN(GAN):
    """Wasserstein GAN with weight clipping (Arjovsky et al. Algorithm 1 and its defaults).

    ``WGAN(generator=None, critic=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, n_critic=5, clip_value=0.01)``. Logged keys: ``critic_loss``
    (E f(G(z)) − E f(x)), ``g_loss`` (−E f(G(z))) and ``wasserstein`` (E f(x) − E f(G(z)),
    the critic's estimate of the Earth Mover distance; it should fall as G improves).
    """

    default_loss = "wasserstein"
    d_loss_key = "critic_loss"
    steps_argument = "n_critic"
    default_norm = "batch"

    def __init__(self, generator=None, critic=None, latent_dim=100, image_size=28, channels=1, base_filters=64,
                 n_critic=5, clip_value=0.01, seed=None, **kwargs):
        for key in ("discriminator", "discriminator_steps", "loss", "label_smoothing"):
            kwargs.pop(key, None)  # fixed by the algorithm (present in saved configs)
        if isinstance(clip_value, bool) or not isinstance(clip_value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(clip_value) or clip_value <= 0:
            raise ValueError(f"clip_value must be a positive number (the paper's c = 0.01), got {clip_value!r}")
        self.clip_value = float(clip_value)
        super().__init__(generator, critic, latent_dim, image_size, channels, base_filters,
                         discriminator_steps=n_critic, loss="wasserstein", seed=seed, **kwargs)

    @property
    def critic(self):
        return self.discriminator

    @property
    def n_critic(self):
        return self.discriminator_steps

    def metric_names(self):
        return [self.d_loss_key, "g_loss", "wasserstein"]

    def build_discriminator(self):
        # Arjovsky et al. keep DCGAN's critic (with batch norm) and drop the sigmoid.
        from cv2course.gans import networks

        return networks.dcgan_discriminator(self.image_size, self.channels, self.base_filters, norm=self.default_norm,
                                            name="critic")

    def default_optimizers(self):
        """RMSProp(learning_rate=5e-5) for critic and generator."""
        return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)

    def discriminator_objective(self, real, fake, real_scores, fake_scores, labels, step=0):
        loss = adv.wasserstein_critic_loss(real_scores, fake_scores)
        return loss, {self.d_loss_key: loss, "wasserstein": -loss}

    def after_discriminator_update(self):
        adv.clip_weights(self.discriminator.trainable_variables, self.clip_value)

    def get_config(self):
        config = super().get_config()
        for key in ("discriminator", "loss", "label_smoothing"):
            config.pop(key, None)
        config.update(critic=keras.saving.serialize_keras_object(self.discriminator), clip_value=self.clip_value)
        return config
