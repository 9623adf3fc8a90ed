"""What WGAN and WGAN-GP share, and nothing of either's training: a GAN whose discriminator is
a Wasserstein critic f (raw scores, no sigmoid), named as the papers name it — ``critic``,
``n_critic`` critic updates per generator update. Each subclass writes its own ``train_step``
(weight clipping in WGAN, the gradient penalty in WGAN-GP)."""
from cv2course.checks import check_positive_int
from cv2course.gans.gan import GAN
from cv2course.multi_network import serialize


class CriticGAN(GAN):
    """``CriticGAN(generator=None, critic=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, n_critic=5, seed=None)``: a :class:`~cv2course.gans.gan.GAN` with the
    Wasserstein loss; ``critic`` is its ``discriminator`` and ``n_critic`` its ``discriminator_steps``."""

    def __init__(self, generator=None, critic=None, latent_dim=100, image_size=28, channels=1, base_filters=64,
                 n_critic=5, seed=None, **kwargs):
        n_critic = check_positive_int(n_critic, "n_critic (critic updates per generator update)")
        super().__init__(generator, critic, latent_dim, image_size, channels, base_filters,
                         discriminator_steps=n_critic, loss="wasserstein", seed=seed, **kwargs)

    @property
    def critic(self):
        return self.discriminator

    @property
    def n_critic(self):
        return self.discriminator_steps

    def get_config(self):
        config = super().get_config()
        for key in ("discriminator", "discriminator_steps", "loss", "label_smoothing"):
            del config[key]
        config.update(critic=serialize(self.critic), n_critic=self.n_critic)
        return config
