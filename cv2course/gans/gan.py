"""GAN / DCGAN: Goodfellow et al. (2014) Algorithm 1 with DCGAN networks (Radford et al. 2016).

Algorithm 1, one training iteration (line numbers used in ``GAN.train_step``)::

    1  for k steps:
    2      sample m noise vectors z ~ p_g(z)
    3      sample m real examples x (a fresh minibatch each step)
    4      ascend  ∇_θd  1/m Σ [log D(x) + log(1 − D(G(z)))]
    5  sample m noise vectors z ~ p_g(z)
    6  descend ∇_θg  1/m Σ log(1 − D(G(z)))        (minimax)
        or     ∇_θg  −1/m Σ log D(G(z))            (non-saturating, the paper's practical advice)

How a fresh real batch per discriminator step works with ``model.fit``: each batch the model
receives holds k·m real images; ``train_step`` splits it into k distinct batches of m
(:func:`~cv2course.gans.sampling.real_minibatches`). :func:`critic_batches` (or
``model.make_dataset``) batches a dataset accordingly; one epoch then has N / (k·m) generator steps.

Defaults: k = 1, non-saturating generator loss, Adam(2e-4, β1 = 0.5) for both networks
(DCGAN's settings), DCGAN networks for 28×28 gray digits, no XLA (``compile(jit_compile=True)``
turns it on; on a 2-core CPU it measured slower, ``benchmarks/gans.py --speed``). Images at the
model's boundary are float32 in [0, 1]; the networks work in [-1, 1].

Mixed precision: under "mixed_bfloat16" or "mixed_float16" the networks compute in 16 bits;
scores are cast to float32 before the losses, which are float32; under "mixed_float16" both
optimizers are wrapped in ``LossScaleOptimizer``. Distributed: each loss's gradient is divided by the
number of replicas. Both happen in the one update, ``TrainableModel.descend``.
"""
import keras
import numpy as np
import tensorflow as tf

from cv2course.checks import check_positive, check_positive_int
from cv2course.gans import dcgan_networks
from cv2course.gans import losses as adv
from cv2course.gans.sampling import critic_batches, float32, real_minibatches, sample_z
from cv2course.trainable import TrainableModel, adam, deserialize, serialize

#: DCGAN's Adam(learning_rate=2e-4, beta_1=0.5) for each network.
DCGAN_OPTIMIZERS = {"discriminator_optimizer": (adam(2e-4, beta_1=0.5), ("discriminator",)),
                    "generator_optimizer": (adam(2e-4, beta_1=0.5), ("generator",))}
#: Files saved before the common base named the optimizers d_optimizer / g_optimizer.
LEGACY_OPTIMIZER_NAMES = {"d_optimizer": "discriminator_optimizer", "g_optimizer": "generator_optimizer"}


def check_generator_and_discriminator(generator, discriminator):
    """The generator's images fit the discriminator, which outputs one raw score per image."""
    g_out = tuple(generator.outputs[0].shape[1:])
    d_in = tuple(discriminator.inputs[0].shape[1:])
    if g_out != d_in:
        raise ValueError(f"the generator makes images of shape {g_out} but the discriminator takes {d_in}")
    d_out = tuple(discriminator.outputs[0].shape[1:])
    if d_out not in ((1,), ()):
        raise ValueError(f"the discriminator must output one raw score per image, shape (N, 1); got (N, {d_out})")


def latent_dim_of(generator, latent_dim):
    """The size of z: the generator's, when one is given."""
    return latent_dim if generator is None else int(generator.inputs[0].shape[-1])


@keras.saving.register_keras_serializable(package="cv2course")
class GAN(TrainableModel):
    """Goodfellow et al.'s GAN trained with Algorithm 1 (DCGAN networks by default).

    ``GAN(generator=None, discriminator=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, discriminator_steps=1, loss="non_saturating", label_smoothing=0.0, seed=None)``:
    without networks, DCGAN ones are built from ``image_size``/``channels``/``base_filters``.
    ``loss``: "non_saturating" or "minimax" (any name of :mod:`cv2course.gans.losses` works).
    ``label_smoothing`` = 0.1 gives one-sided label smoothing (real target 0.9).
    ``compile(discriminator_optimizer=None, generator_optimizer=None, jit_compile=None)`` (None: the
    class's ``default_jit_compile``, never in quick mode).

    ``model(z)`` returns images in [0, 1]; ``model.generate(n)`` samples n of them.
    Logged keys: ``d_loss``, ``g_loss``, ``d_real`` (mean D(x)), ``d_fake`` (mean D(G(z))).

    For tests and multi-device parity the randomness is injectable: ``model.noise_source =
    f("z", real_batch, step) -> z`` replaces the normal draw of z (step = 0..k−1 for the
    discriminator steps, k for the generator step).
    """

    tracker_names = ("d_loss", "g_loss", "d_real", "d_fake")
    #: DCGAN: Adam(learning_rate=2e-4, beta_1=0.5) for both networks.
    optimizers = DCGAN_OPTIMIZERS
    # XLA is available (compile(jit_compile=True)) but off by default: on the 2-core CPU (oneDNN on) it
    # measured 1.05-1.6x slower per step than the plain graph, on the package's networks and on keras-io's
    # (benchmarks/gans.py --speed), plus its compile time.
    default_jit_compile = False
    legacy_optimizer_names = LEGACY_OPTIMIZER_NAMES

    def __init__(self, generator=None, discriminator=None, latent_dim=100, image_size=28, channels=1,
                 base_filters=64, discriminator_steps=1, loss="non_saturating", label_smoothing=0.0, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        generator, discriminator = deserialize(generator), deserialize(discriminator)
        self.latent_dim = check_positive_int(latent_dim_of(generator, latent_dim), "latent_dim")
        self.discriminator_steps = check_positive_int(
            discriminator_steps, "discriminator_steps (discriminator updates per generator update)")
        self.loss_name = adv.canonical_loss_name(loss)
        if label_smoothing and self.loss_name not in ("minimax", "non_saturating", "least_squares"):
            raise ValueError(f"label_smoothing applies to minimax, non_saturating and least_squares losses, "
                             f"not {self.loss_name!r}")
        self.label_smoothing = adv.check_label_smoothing(label_smoothing)
        self.image_size, self.channels, self.base_filters = int(image_size), int(channels), int(base_filters)
        if generator is None:
            generator = dcgan_networks.dcgan_generator(self.image_size, self.channels, self.latent_dim,
                                                       self.base_filters)
        if discriminator is None:
            discriminator = dcgan_networks.dcgan_discriminator(self.image_size, self.channels, self.base_filters)
        check_generator_and_discriminator(generator, discriminator)
        self.generator, self.discriminator = generator, discriminator
        self.built = True  # both networks are built; saving needs no call on data first

    @property
    def image_shape(self):
        return tuple(int(d) for d in self.generator.outputs[0].shape[1:])

    def get_config(self):
        config = super().get_config()
        config.update(generator=serialize(self.generator), discriminator=serialize(self.discriminator),
                      latent_dim=self.latent_dim, image_size=self.image_size, channels=self.channels,
                      base_filters=self.base_filters, discriminator_steps=self.discriminator_steps,
                      loss=self.loss_name, label_smoothing=self.label_smoothing, seed=self.seed)
        return config

    # --- sampling --------------------------------------------------------------------------

    def sample_z(self, reference, step):
        """z ~ N(0, I) for a batch as large as ``reference`` (``noise_source("z", ...)`` overrides)."""
        return self.draw("z", reference, step,
                         lambda: sample_z(self.seed_generator, tf.shape(reference)[0], self.latent_dim))

    def call(self, z, training=False):
        """Images in [0, 1] for latent vectors z (N, latent_dim)."""
        return (float32(self.generator(z, training=training)) + 1.0) / 2.0

    def generate(self, n=None, z=None, seed=None, batch_size=256):
        """``n`` images (NumPy, [0, 1]) from z ~ N(0, I) drawn with ``seed``, or from the given ``z``."""
        z = self.latent_vectors(n, seed) if z is None else np.asarray(z, np.float32)
        return self._predict_batches([z], batch_size)

    def _predict_batches(self, inputs, batch_size):
        # Direct calls rather than predict(): no graph to trace for a few hundred samples.
        n = len(inputs[0])
        out = []
        for start in range(0, n, batch_size):
            part = [tf.convert_to_tensor(a[start:start + batch_size]) for a in inputs]
            out.append(keras.ops.convert_to_numpy(self(part[0] if len(part) == 1 else part, training=False)))
        return np.concatenate(out) if out else np.zeros((0,) + self.image_shape, np.float32)

    def latent_vectors(self, n, seed=None):
        """``n`` latent vectors z ~ N(0, I) (NumPy), reproducible with ``seed``."""
        check_positive(n, "n", integer=True)
        return np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)

    def make_dataset(self, images, labels=None, batch_size=64, seed=0, repeat=False):
        """:func:`critic_batches` with this model's number of discriminator steps."""
        return critic_batches(images, batch_size, self.discriminator_steps, labels=labels, seed=seed, repeat=repeat)

    def real_images(self, data):
        """The batch's images, float32 in [-1, 1]."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return tf.cast(x, tf.float32) * 2.0 - 1.0

    # --- Algorithm 1 -----------------------------------------------------------------------

    def train_step(self, data):
        self.check_compiled()
        k, D, G = self.discriminator_steps, self.discriminator, self.generator
        d_opt, g_opt = self.discriminator_optimizer, self.generator_optimizer
        reals = real_minibatches(self.real_images(data), k)      # the fit batch: k minibatches of m real images
        for step in range(k):                                                        # line 1
            z = self.sample_z(reals[step], step)                                     # line 2
            real = reals[step]                                                       # line 3
            fake = G(z, training=True)
            with tf.GradientTape() as tape:                                          # line 4
                real_scores, fake_scores = float32(D(real, training=True)), float32(D(fake, training=True))
                d_loss = adv.discriminator_loss(self.loss_name, real_scores, fake_scores,
                                                label_smoothing=self.label_smoothing)
            self.descend(d_opt, tape, d_loss, D.trainable_variables)                 # line 4: ascend
            self.record({"d_loss": d_loss, "d_real": tf.reduce_mean(tf.sigmoid(real_scores)),
                         "d_fake": tf.reduce_mean(tf.sigmoid(fake_scores))})
        z = self.sample_z(reals[-1], k)                                              # line 5
        with tf.GradientTape() as tape:                                              # line 6
            fake_scores = float32(D(G(z, training=True), training=True))
            g_loss = adv.generator_loss(self.loss_name, fake_scores)
        self.descend(g_opt, tape, g_loss, G.trainable_variables)                     # line 6: descend
        return self.record({"g_loss": g_loss})

    def test_step(self, data):
        real = self.real_images(data)
        fake = self.generator(self.sample_z(real, 0), training=False)
        real_scores = float32(self.discriminator(real, training=False))
        fake_scores = float32(self.discriminator(fake, training=False))
        return self.record({
            "d_loss": adv.discriminator_loss(self.loss_name, real_scores, fake_scores,
                                             label_smoothing=self.label_smoothing),
            "g_loss": adv.generator_loss(self.loss_name, fake_scores),
            "d_real": tf.reduce_mean(tf.sigmoid(real_scores)), "d_fake": tf.reduce_mean(tf.sigmoid(fake_scores))})
