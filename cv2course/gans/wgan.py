"""WGAN: Arjovsky, Chintala & Bottou (2017), Algorithm 1 (weight clipping).

Algorithm 1 (line numbers used in ``WGAN.train_step``)::

    1  while θ has not converged:
    2      for t = 1 .. n_critic:                        (n_critic = 5)
    3          sample {x⁽ⁱ⁾} ~ P_r, a batch of m real data (a fresh batch each time)
    4          sample {z⁽ⁱ⁾} ~ p(z), a batch of m priors
    5          g_w ← ∇_w [1/m Σ f_w(x⁽ⁱ⁾) − 1/m Σ f_w(g_θ(z⁽ⁱ⁾))]
    6          w ← w + α · RMSProp(w, g_w)              (α = 5e-5)
    7          w ← clip(w, −c, c)                        (c = 0.01)
    8      sample {z⁽ⁱ⁾} ~ p(z), a batch of m priors
    9      g_θ ← −∇_θ 1/m Σ f_w(g_θ(z⁽ⁱ⁾))
   10      θ ← θ − α · RMSProp(θ, g_θ)

The critic f_w outputs a raw score (no sigmoid): E f(x) − E f(G(z)) estimates the Earth
Mover distance up to the Lipschitz constant that clipping enforces. Line 5–6 ascend that
estimate, i.e. descend :func:`~cv2course.gans.losses.wasserstein_critic_loss`
E f(G(z)) − E f(x); line 7 is :func:`~cv2course.gans.losses.clip_weights`. A batch given to
``fit`` holds n_critic × m real images (:func:`cv2course.gans.gan.critic_batches`).

Mixed precision and replicas as for :mod:`cv2course.gans.gan`: critic scores cast to float32,
float32 losses, loss scaling under "mixed_float16", losses divided by the number of replicas.
"""
import keras
import tensorflow as tf

from cv2course.checks import check_positive, check_positive_int
from cv2course.gans import losses as adv
from cv2course.gans import dcgan_networks
from cv2course.gans.gan import GAN
from cv2course.gans.sampling import float32, real_minibatches
from cv2course.trainable import deserialize, rmsprop, serialize


def critic_networks(generator, critic, latent_dim, image_size, channels, base_filters, build_critic):
    """(G, f): the given networks, or DCGAN's generator and ``build_critic()`` (G first: the
    order in which the initialisers draw)."""
    generator, critic = deserialize(generator), deserialize(critic)
    if generator is None:
        generator = dcgan_networks.dcgan_generator(image_size, channels, latent_dim, base_filters)
    return generator, (build_critic() if critic is None else critic)


#: The Wasserstein papers' names, shared by WGAN and WGAN-GP: the critic f is the GAN's discriminator,
#: n_critic its discriminator steps.
CRITIC = property(lambda self: self.discriminator, doc="The critic f (the GAN's discriminator).")
N_CRITIC = property(lambda self: self.discriminator_steps, doc="Critic updates per generator update.")


def critic_config(gan_config, critic, n_critic):
    """A GAN's config in the Wasserstein papers' names: ``critic``, ``n_critic`` (no loss choice)."""
    config = {k: v for k, v in gan_config.items()
              if k not in ("discriminator", "discriminator_steps", "loss", "label_smoothing")}
    return {**config, "critic": serialize(critic), "n_critic": n_critic}


@keras.saving.register_keras_serializable(package="cv2course")
class WGAN(GAN):
    """Wasserstein GAN with weight clipping (Arjovsky et al. Algorithm 1 and its defaults).

    ``WGAN(generator=None, critic=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, n_critic=5, clip_value=0.01, seed=None)``; ``compile(discriminator_optimizer=None,
    generator_optimizer=None)`` (RMSProp(5e-5) each; the critic's optimizer keeps the family's
    name). The critic f is the GAN's ``discriminator`` (``model.critic`` too), n_critic its
    ``discriminator_steps``. Logged keys: ``critic_loss`` (E f(G(z)) − E f(x)), ``g_loss``
    (−E f(G(z))) and ``wasserstein`` (E f(x) − E f(G(z)), the critic's estimate of the Earth
    Mover distance; it should fall as G improves).
    """

    tracker_names = ("critic_loss", "g_loss", "wasserstein")
    #: RMSProp(learning_rate=5e-5) for critic and generator.
    optimizers = {"discriminator_optimizer": (rmsprop(5e-5), ("discriminator",)),
                  "generator_optimizer": (rmsprop(5e-5), ("generator",))}

    def __init__(self, generator=None, critic=None, latent_dim=100, image_size=28, channels=1, base_filters=64,
                 n_critic=5, clip_value=0.01, seed=None, **kwargs):
        n_critic = check_positive_int(n_critic, "n_critic (critic updates per generator update)")
        clip_value = float(check_positive(clip_value, "clip_value"))
        # Arjovsky et al. keep DCGAN's critic (with batch norm) and drop the sigmoid.
        generator, critic = critic_networks(generator, critic, latent_dim, image_size, channels, base_filters,
                                            lambda: dcgan_networks.dcgan_discriminator(
                                                image_size, channels, base_filters, norm="batch", name="critic"))
        super().__init__(generator, critic, latent_dim, image_size, channels, base_filters,
                         discriminator_steps=n_critic, loss="wasserstein", seed=seed, **kwargs)
        self.clip_value = clip_value

    critic, n_critic = CRITIC, N_CRITIC

    def get_config(self):
        return {**critic_config(super().get_config(), self.critic, self.n_critic), "clip_value": self.clip_value}

    def train_step(self, data):
        self.check_compiled()
        f, G = self.critic, self.generator
        f_opt, g_opt = self.discriminator_optimizer, self.generator_optimizer
        reals = real_minibatches(self.real_images(data), self.n_critic)  # the fit batch: n_critic batches of m
        for t in range(self.n_critic):                                                 # line 2
            real = reals[t]                                                            # line 3
            z = self.sample_z(real, t)                                                 # line 4
            fake = G(z, training=True)                                                 # g_θ(z)
            with tf.GradientTape() as tape:                                            # line 5
                critic_loss = adv.wasserstein_critic_loss(float32(f(real, training=True)),
                                                          float32(f(fake, training=True)))
            self.descend(f_opt, tape, critic_loss, f.trainable_variables)              # line 6
            adv.clip_weights(f.trainable_variables, self.clip_value)                   # line 7
            self.record({"critic_loss": critic_loss, "wasserstein": -critic_loss})
        z = self.sample_z(reals[-1], self.n_critic)                                    # line 8
        with tf.GradientTape() as tape:                                                # line 9
            g_loss = adv.wasserstein_generator_loss(float32(f(G(z, training=True), training=True)))
        self.descend(g_opt, tape, g_loss, G.trainable_variables)                       # line 10
        return self.record({"g_loss": g_loss})

    def test_step(self, data):
        real = self.real_images(data)
        fake_scores = float32(self.critic(self.generator(self.sample_z(real, 0), training=False), training=False))
        critic_loss = adv.wasserstein_critic_loss(float32(self.critic(real, training=False)), fake_scores)
        return self.record({"critic_loss": critic_loss, "wasserstein": -critic_loss,
                            "g_loss": adv.wasserstein_generator_loss(fake_scores)})
