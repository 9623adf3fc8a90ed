"""WGAN-GP: Gulrajani et al. (2017), Algorithm 1 (gradient penalty).

Algorithm 1 (line numbers used in ``WGANGP.train_step``)::

    1  while θ has not converged:
    2      for t = 1 .. n_critic:                                  (n_critic = 5)
    3          for i = 1 .. m:
    4              sample real x ~ P_r, latent z ~ p(z), ε ~ U[0, 1]  (a fresh real batch each t)
    5              x̃ ← G_θ(z)
    6              x̂ ← ε x + (1 − ε) x̃
    7              L⁽ⁱ⁾ ← D_w(x̃) − D_w(x) + λ (‖∇_x̂ D_w(x̂)‖₂ − 1)²     (λ = 10)
    8          w ← Adam(∇_w 1/m Σ L⁽ⁱ⁾, w, α, β1, β2)               (α = 1e-4, β1 = 0, β2 = 0.9)
    9      sample a batch of latent variables {z⁽ⁱ⁾} ~ p(z)
   10      θ ← Adam(∇_θ 1/m Σ −D_w(G_θ(z)), θ, α, β1, β2)

The inner loop over i is the batch. There is no weight clipping: the penalty keeps the
critic near 1-Lipschitz. The critic has no batch norm (the penalty is per sample): layer
norm instead (§4 of the paper). Penalty: :func:`cv2course.gans.losses.gradient_penalty`
(‖·‖ with a small ε inside the square root). A batch given to ``fit`` holds n_critic × m
real images (see :func:`cv2course.gans.gan.critic_batches`).

Mixed precision: the critic computes in 16 bits, its scores and the input gradients of the
penalty are cast to float32, and the penalty and losses are float32; under "mixed_float16" the
optimizers scale the loss (the penalty's inner gradient is taken in the policy's precision).
"""
import keras
import tensorflow as tf

from cv2course.checks import check_positive, check_positive_int
from cv2course.gans import losses as adv
from cv2course.gans import dcgan_networks
from cv2course.gans.gan import GAN
from cv2course.gans.sampling import float32, real_minibatches, sample_interpolation_weights
from cv2course.gans.wgan import CRITIC, N_CRITIC, critic_config, critic_networks
from cv2course.trainable import adam, deserialize, serialize


@keras.saving.register_keras_serializable(package="cv2course")
class WGANGP(GAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. Algorithm 1 and its defaults).

    ``WGANGP(generator=None, critic=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, n_critic=5, gp_weight=10.0, seed=None, gradient_penalty=None)``;
    ``compile(discriminator_optimizer=None, generator_optimizer=None)`` (Adam(1e-4, β1 = 0, β2 = 0.9)
    each). ``gradient_penalty``: a function with the signature of
    :func:`cv2course.gans.losses.gradient_penalty` (the default) to use instead; saved in the config
    when it is not the default (register it with ``keras.saving.register_keras_serializable``).
    Logged keys: ``critic_loss`` (including λ·GP), ``g_loss``, ``wasserstein`` (E D(x) − E D(G(z)))
    and ``gradient_penalty``.

    ``model.noise_source = f(kind, real_batch, step)`` replaces the draws: kind "z" the latent
    vectors, "epsilon" the mixing weights ε (N,).
    """

    tracker_names = ("critic_loss", "g_loss", "wasserstein", "gradient_penalty")
    #: Adam(learning_rate=1e-4, beta_1=0, beta_2=0.9) for critic and generator.
    optimizers = {"discriminator_optimizer": (adam(1e-4, beta_1=0.0, beta_2=0.9), ("discriminator",)),
                  "generator_optimizer": (adam(1e-4, beta_1=0.0, beta_2=0.9), ("generator",))}

    def __init__(self, generator=None, critic=None, latent_dim=100, image_size=28, channels=1, base_filters=64,
                 n_critic=5, gp_weight=10.0, seed=None, gradient_penalty=None, **kwargs):
        n_critic = check_positive_int(n_critic, "n_critic (critic updates per generator update)")
        gp_weight = float(check_positive(gp_weight, "gp_weight (λ, the paper's 10)", allow_zero=True))
        gradient_penalty = deserialize(gradient_penalty)
        if gradient_penalty is not None and not callable(gradient_penalty):
            raise TypeError("gradient_penalty must be a function like cv2course.gans.losses.gradient_penalty, "
                            f"got {type(gradient_penalty).__name__}")
        generator, critic = critic_networks(generator, critic, latent_dim, image_size, channels, base_filters,
                                            lambda: dcgan_networks.dcgan_critic(image_size, channels, base_filters,
                                                                                norm="layer"))
        batch_norms = [layer.name for layer in critic._flatten_layers()
                       if isinstance(layer, keras.layers.BatchNormalization)]
        if batch_norms:
            raise ValueError(f"a gradient-penalty critic must not use batch norm (the penalty is per sample); "
                             f"found {batch_norms}; build it with cv2course.gans.dcgan_networks.dcgan_critic")
        super().__init__(generator, critic, latent_dim, image_size, channels, base_filters,
                         discriminator_steps=n_critic, loss="wasserstein", seed=seed, **kwargs)
        self.gp_weight = gp_weight
        self.gradient_penalty = adv.gradient_penalty if gradient_penalty is None else gradient_penalty

    critic, n_critic = CRITIC, N_CRITIC

    def get_config(self):
        config = {**critic_config(super().get_config(), self.critic, self.n_critic), "gp_weight": self.gp_weight}
        if self.gradient_penalty is not adv.gradient_penalty:
            config["gradient_penalty"] = serialize(self.gradient_penalty)
        return config

    def sample_interpolation_weights(self, reference, step):
        """ε ~ U[0, 1], one per sample of ``reference`` (``noise_source("epsilon", ...)`` overrides)."""
        return self.draw("epsilon", reference, step,
                         lambda: sample_interpolation_weights(self.seed_generator, tf.shape(reference)[0]))

    def train_step(self, data):
        self.check_compiled()
        D, G = self.critic, self.generator
        d_opt, g_opt = self.discriminator_optimizer, self.generator_optimizer
        reals = real_minibatches(self.real_images(data), self.n_critic)  # the fit batch: n_critic batches of m
        for t in range(self.n_critic):                                   # line 2 (line 3's loop over i: the batch)
            real = reals[t]                                              # line 4: x ~ P_r, a fresh batch each t
            z = self.sample_z(real, t)                                   # line 4: z ~ p(z)
            epsilon = self.sample_interpolation_weights(real, t)         # line 4: ε ~ U[0, 1]
            fake = G(z, training=True)                                   # line 5: x̃ = G(z)
            with tf.GradientTape() as tape:
                gp = self.gradient_penalty(lambda x: D(x, training=True), real, fake, epsilon=epsilon)  # lines 6–7
                w_loss = adv.wasserstein_critic_loss(float32(D(real, training=True)),  # line 7: D(x̃) − D(x)
                                                     float32(D(fake, training=True)))
                critic_loss = w_loss + self.gp_weight * gp
            self.descend(d_opt, tape, critic_loss, D.trainable_variables)              # line 8
            self.record({"critic_loss": critic_loss, "wasserstein": -w_loss, "gradient_penalty": gp})
        z = self.sample_z(reals[-1], self.n_critic)                                    # line 9
        with tf.GradientTape() as tape:                                                # line 10
            g_loss = adv.wasserstein_generator_loss(float32(D(G(z, training=True), training=True)))
        self.descend(g_opt, tape, g_loss, G.trainable_variables)                      # line 10
        return self.record({"g_loss": g_loss})

    def test_step(self, data):
        real = self.real_images(data)
        fake = self.generator(self.sample_z(real, 0), training=False)
        fake_scores = float32(self.critic(fake, training=False))
        w_loss = adv.wasserstein_critic_loss(float32(self.critic(real, training=False)), fake_scores)
        gp = self.gradient_penalty(lambda x: self.critic(x, training=False), real, fake,
                                  epsilon=self.sample_interpolation_weights(real, 0))
        return self.record({"critic_loss": w_loss + self.gp_weight * gp, "wasserstein": -w_loss,
                            "gradient_penalty": gp, "g_loss": adv.wasserstein_generator_loss(fake_scores)})
