"""Conditional GAN: Mirza & Osindero (2014), G(z | y) and D(x | y), trained with Algorithm 1.

Both networks see the class label y: the generator as a code concatenated to z, the
discriminator as label channels concatenated to the image (see
:mod:`cv2course.gans.dcgan_networks`, ``conditioning="one_hot"`` or ``"embedding"``). The
objective is the GAN's with every D(·) and G(·) conditioned on y. Because the label enters
as a code vector, a mixture (1 − t)·onehot(a) + t·onehot(b) is a valid input: sweeping t
morphs one class into another with z fixed (:meth:`ConditionalGAN.class_morph`).

Training is Goodfellow et al.'s Algorithm 1 (see :mod:`cv2course.gans.gan`, line numbers
used in ``ConditionalGAN.train_step``) with each real minibatch's labels y conditioning both
networks: D ascends 1/m Σ [log D(x | y) + log(1 − D(G(z | y) | y))], G descends
−1/m Σ log D(G(z | y) | y) (non-saturating) on the labels of the last real minibatch.
Mixed precision and replicas as for :class:`~cv2course.gans.gan.GAN`.
"""
import keras
import numpy as np
import tensorflow as tf

from cv2course.checks import check_choice, check_positive
from cv2course.gans import losses as adv
from cv2course.gans import dcgan_networks
from cv2course.gans.gan import GAN
from cv2course.gans.sampling import float32, real_minibatches
from cv2course.trainable import deserialize


@keras.saving.register_keras_serializable(package="cv2course")
class ConditionalGAN(GAN):
    """``ConditionalGAN(generator=None, discriminator=None, num_classes=10, latent_dim=100,
    image_size=28, channels=1, base_filters=64, conditioning="one_hot", discriminator_steps=1,
    loss="non_saturating", label_smoothing=0.0, seed=None)``.

    ``fit`` takes (images in [0, 1], integer labels) batches. ``model([z, labels])`` returns
    images in [0, 1]; labels are integers (N,) or label codes (N, K). Logged keys as
    :class:`cv2course.gans.gan.GAN`.
    """

    def __init__(self, generator=None, discriminator=None, num_classes=10, latent_dim=100, image_size=28, channels=1,
                 base_filters=64, conditioning="one_hot", discriminator_steps=1, loss="non_saturating",
                 label_smoothing=0.0, seed=None, **kwargs):
        check_positive(num_classes, "num_classes", integer=True)
        check_choice(conditioning, "conditioning", dcgan_networks.CONDITIONINGS)
        generator, discriminator = deserialize(generator), deserialize(discriminator)
        condition = dict(num_classes=int(num_classes), conditioning=conditioning)
        if generator is None:
            generator = dcgan_networks.dcgan_generator(image_size, channels, latent_dim, base_filters, **condition)
        if discriminator is None:
            discriminator = dcgan_networks.dcgan_discriminator(image_size, channels, base_filters, **condition)
        for net in (generator, discriminator):
            if len(net.inputs) != 2 or tuple(net.inputs[1].shape[1:]) != (int(num_classes),):
                raise ValueError(f"the conditional {net.name} must take two inputs, the second a label code of shape "
                                 f"(N, {num_classes}); got inputs {[tuple(i.shape) for i in net.inputs]}")
        super().__init__(generator, discriminator, latent_dim, image_size, channels, base_filters,
                         discriminator_steps, loss, label_smoothing, seed, **kwargs)
        self.num_classes, self.conditioning = int(num_classes), conditioning

    def codes(self, labels):
        """Integer labels (N,) → one-hot codes (N, K); codes (N, K) pass through (as float32)."""
        labels = tf.convert_to_tensor(labels)
        if labels.shape.rank == 2:
            return tf.cast(labels, tf.float32)
        return tf.one_hot(tf.cast(labels, tf.int32), self.num_classes, dtype=tf.float32)

    def images_and_codes(self, data):
        """The batch's images in [-1, 1] and label codes (N, K)."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("ConditionalGAN trains on (images, labels) batches; got images only")
        return tf.cast(x, tf.float32) * 2.0 - 1.0, self.codes(y)

    def call(self, inputs, training=False):
        """Images in [0, 1] for ``[z, labels]`` (labels: integers (N,) or codes (N, K))."""
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("ConditionalGAN is called on [z, labels]")
        z, labels = inputs
        return (float32(self.generator([z, self.codes(labels)], training=training)) + 1.0) / 2.0

    def generate(self, labels, z=None, seed=None, batch_size=256):
        """One image (NumPy, [0, 1]) per label (integers or codes), z ~ N(0, I) drawn with ``seed``."""
        labels = np.asarray(labels)
        if labels.ndim == 1:
            if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
                raise ValueError(f"labels must lie in 0..{self.num_classes - 1}, got {labels.min()}..{labels.max()}")
            labels = np.eye(self.num_classes, dtype=np.float32)[labels.astype(int)]
        if labels.ndim != 2 or labels.shape[1] != self.num_classes:
            raise ValueError(f"labels must be integers (N,) or codes (N, {self.num_classes}), got shape {labels.shape}")
        z = self.latent_vectors(len(labels), seed) if z is None else np.asarray(z, np.float32)
        if len(z) != len(labels):
            raise ValueError(f"z and labels must have the same length, got {len(z)} and {len(labels)}")
        return self._predict_batches([z, labels.astype(np.float32)], batch_size)

    def class_grid(self, per_class=8, seed=0):
        """(num_classes × per_class) images: row k shows class k; column j shares one z across rows."""
        z = np.tile(self.latent_vectors(per_class, seed), (self.num_classes, 1))
        labels = np.repeat(np.arange(self.num_classes), per_class)
        return self.generate(labels, z=z)

    def class_morph(self, start, end, steps=8, n=1, seed=0):
        """Morph class ``start`` into ``end``: images (n, steps, H, W, C) for label codes
        (1 − t)·onehot(start) + t·onehot(end), t = 0..1, with z fixed along each row."""
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, (int, np.integer)) or not 0 <= value < self.num_classes:
                raise ValueError(f"{name} must be a class in 0..{self.num_classes - 1}, got {value!r}")
        check_positive(steps, "steps", integer=True)
        t = np.linspace(0.0, 1.0, int(steps), dtype=np.float32)[:, None]
        eye = np.eye(self.num_classes, dtype=np.float32)
        codes = (1.0 - t) * eye[start] + t * eye[end]
        z = np.repeat(self.latent_vectors(n, seed), int(steps), axis=0)
        images = self.generate(np.tile(codes, (int(n), 1)), z=z)
        return images.reshape((int(n), int(steps)) + images.shape[1:])

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes, conditioning=self.conditioning)
        return config

    def train_step(self, data):
        self.check_compiled()
        k, D, G = self.discriminator_steps, self.discriminator, self.generator
        d_opt, g_opt = self.discriminator_optimizer, self.generator_optimizer
        images, codes = self.images_and_codes(data)   # the fit batch: k minibatches of m (x, y)
        reals, ys = real_minibatches(images, k), real_minibatches(codes, k)
        for step in range(k):                                                            # line 1
            z = self.sample_z(reals[step], step)                                         # line 2
            real, y = reals[step], ys[step]                                              # line 3: (x, y)
            fake = G([z, y], training=True)                                              # G(z | y)
            with tf.GradientTape() as tape:                                              # line 4
                real_scores = float32(D([real, y], training=True))
                fake_scores = float32(D([fake, y], training=True))
                d_loss = adv.discriminator_loss(self.loss_name, real_scores, fake_scores,
                                                label_smoothing=self.label_smoothing)
            self.descend(d_opt, tape, d_loss, D.trainable_variables)                     # line 4: ascend
            self.record({"d_loss": d_loss, "d_real": tf.reduce_mean(tf.sigmoid(real_scores)),
                         "d_fake": tf.reduce_mean(tf.sigmoid(fake_scores))})
        z, y = self.sample_z(reals[-1], k), ys[-1]                                       # line 5
        with tf.GradientTape() as tape:                                                  # line 6
            fake_scores = float32(D([G([z, y], training=True), y], training=True))
            g_loss = adv.generator_loss(self.loss_name, fake_scores)
        self.descend(g_opt, tape, g_loss, G.trainable_variables)                         # line 6: descend
        return self.record({"g_loss": g_loss})

    def test_step(self, data):
        real, y = self.images_and_codes(data)
        fake = self.generator([self.sample_z(real, 0), y], training=False)
        real_scores = float32(self.discriminator([real, y], training=False))
        fake_scores = float32(self.discriminator([fake, y], training=False))
        return self.record({
            "d_loss": adv.discriminator_loss(self.loss_name, real_scores, fake_scores,
                                             label_smoothing=self.label_smoothing),
            "g_loss": adv.generator_loss(self.loss_name, fake_scores),
            "d_real": tf.reduce_mean(tf.sigmoid(real_scores)), "d_fake": tf.reduce_mean(tf.sigmoid(fake_scores))})
