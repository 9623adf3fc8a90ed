"""Semi-supervised GAN (Salimans et al. 2016, §5; Odena 2016): a GAN whose discriminator is
also a K-class classifier, trained on a few labelled and many unlabelled images.

Formulation used here — Salimans et al.'s **K logits** l₁ … l_K, no separate "fake"
output. The class probabilities are softmax(l); the probability that x is real is

    D(x) = Z(x) / (Z(x) + 1),   Z(x) = Σ_k exp l_k(x)

which is the K + 1-class model (K classes + fake, Odena 2016) with the fake logit fixed at
0 — the extra logit is redundant because a softmax is unchanged by adding one constant to
every logit. The discriminator minimises

    L_D = L_supervised + w · L_unsupervised
    L_supervised   = −E_(x,y)~labelled log softmax(l(x))_y
    L_unsupervised = −E_x~unlabelled log D(x) − E_z log(1 − D(G(z)))

with log D = −softplus(−LSE(l)) and log(1 − D) = −softplus(LSE(l)) (LSE = log Σ exp),
w = 1 by default; Salimans et al.'s code halves the unsupervised term (w = 0.5), as
:func:`~cv2course.experiments.sgan_digits.run_sgan_experiment` does. The generator uses **feature
matching** (Salimans et al. §3.1, their best choice for semi-supervised learning):
L_G = ‖E_x f(x) − E_z f(G(z))‖², f = the discriminator's last hidden layer; or
``generator_objective="non_saturating"``: −E_z log D(G(z)).

The classifier is the discriminator's softmax; ``evaluate(test_images, test_labels)``
reports its accuracy. :func:`~cv2course.experiments.sgan_digits.labelled_only_classifier` trains the
same network on the labelled images only — the baseline the GAN must beat (``benchmarks/sgan_cyclegan.py``).
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from cv2course.checks import check_choice, check_images, check_positive
from cv2course.distribute import global_batch_mean
from cv2course.gans import dcgan_networks
from cv2course.gans.sampling import float32, sample_z
from cv2course.gans.sgan_data import labelled_subset, semi_supervised_dataset  # noqa: F401  (the model's data)
from cv2course.gans.losses import (classification_accuracy, feature_matching_loss, sgan_non_saturating_generator_loss,
                                  sgan_supervised_loss, sgan_unsupervised_discriminator_loss)
from cv2course.gans.losses import sgan_log_real_probability as log_real_probability  # noqa: F401  (notebook 10)
from cv2course.gans.sgan_networks import sgan_discriminator
from cv2course.gans.gan import DCGAN_OPTIMIZERS, LEGACY_OPTIMIZER_NAMES
from cv2course.trainable import TrainableModel, deserialize

GENERATOR_OBJECTIVES = ("feature_matching", "non_saturating")


@keras.saving.register_keras_serializable(package="cv2course")
class SemiSupervisedGAN(TrainableModel):
    """Semi-supervised GAN with Salimans et al.'s K-logit discriminator (see the module docstring).

    ``SemiSupervisedGAN(generator=None, discriminator=None, num_classes=10, latent_dim=100,
    image_size=28, channels=1, base_filters=32, dropout=0.25, unsupervised_weight=1.0,
    generator_objective="feature_matching", input_noise=0.0, hidden_noise=0.0, seed=None)``:
    without networks, a DCGAN generator and :func:`sgan_discriminator` (with that dropout and
    Gaussian noise) are built. ``compile(discriminator_optimizer=None, generator_optimizer=None)``:
    Adam(2e-4, β1 = 0.5) each (DCGAN's; Salimans et al. use Adam with β1 = 0.5 as well).
    Fit on :func:`semi_supervised_dataset`;
    ``evaluate(images, labels)`` and ``validation_data=(images, labels)`` report the test
    ``accuracy`` and ``supervised_loss``; ``model(images)`` gives class probabilities and
    :meth:`generate` samples images. Training keys: ``d_loss``, ``supervised_loss``,
    ``unsupervised_loss``, ``g_loss``, ``accuracy`` (on the labelled batch).
    ``model.noise_source = f("z", reference_batch, step) -> z`` replaces the N(0, I) draws (step 0:
    discriminator update, 1: generator update), e.g. for a multi-device parity test.

    Mixed precision: logits and features are cast to float32 before the losses; loss scaling
    under "mixed_float16". Replicas: losses divided by their number, and feature matching
    compares means over the *global* batch (:func:`cv2course.distribute.global_batch_mean`).
    """

    tracker_names = ("d_loss", "supervised_loss", "unsupervised_loss", "g_loss", "accuracy")
    optimizers = DCGAN_OPTIMIZERS
    legacy_optimizer_names = LEGACY_OPTIMIZER_NAMES

    def __init__(self, generator=None, discriminator=None, num_classes=10, latent_dim=100, image_size=28,
                 channels=1, base_filters=32, dropout=0.25, unsupervised_weight=1.0,
                 generator_objective="feature_matching", seed=None, input_noise=0.0, hidden_noise=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        generator, discriminator = deserialize(generator), deserialize(discriminator)
        self.unsupervised_weight = float(check_positive(unsupervised_weight, "unsupervised_weight", allow_zero=True))
        self.generator_objective = check_choice(generator_objective, "generator_objective", GENERATOR_OBJECTIVES)
        if generator is None:
            generator = dcgan_networks.dcgan_generator(image_size, channels, latent_dim, base_filters * 2)
        if discriminator is None:
            discriminator = sgan_discriminator(image_size, channels, num_classes, base_filters, dropout=dropout,
                                               input_noise=input_noise, hidden_noise=hidden_noise)
        for name, part in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(part, keras.Model):
                raise TypeError(f"{name} must be a keras.Model, got {type(part).__name__}")
        self.generator, self.discriminator = generator, discriminator
        self.check_networks()
        self.built = True  # both networks are built

    def check_networks(self):
        outs = self.discriminator.outputs
        if len(outs) != 2 or len(outs[0].shape) != 2 or len(outs[1].shape) != 2:
            raise ValueError("discriminator must map images to [logits (N, K), features (N, F)] (build it with "
                             f"sgan_discriminator), got outputs of shapes {[tuple(o.shape) for o in outs]}")
        g_out = tuple(self.generator.outputs[0].shape[1:])
        d_in = tuple(self.discriminator.inputs[0].shape[1:])
        if g_out != d_in:
            raise ValueError(f"the generator makes images of shape {g_out} but the discriminator takes {d_in}")
        if len(self.generator.inputs) != 1:
            raise ValueError("generator must take one input, z (N, latent_dim)")

    @property
    def num_classes(self):
        return int(self.discriminator.outputs[0].shape[-1])

    @property
    def latent_dim(self):
        return int(self.generator.inputs[0].shape[-1])

    @property
    def image_shape(self):
        return tuple(int(d) for d in self.generator.outputs[0].shape[1:])

    # -- forward
    def call(self, images, training=False):
        """Class probabilities softmax(l(x)) (N, K) for images in [0, 1]."""
        logits, _ = self.discriminator(ops.cast(images, "float32") * 2.0 - 1.0, training=training)
        return ops.softmax(float32(logits), axis=-1)

    def classify(self, images, batch_size=256):
        """Predicted classes (NumPy ints) of images in [0, 1]."""
        arr = check_images(images, "images", channels=self.image_shape[-1])
        return np.argmax(self.predict(arr, batch_size=batch_size, verbose=0), axis=-1)

    def generate(self, n, seed=None):
        """``n`` generated images (NumPy, [0, 1]) from z ~ N(0, I) drawn with ``seed``."""
        check_positive(n, "n", integer=True)
        z = np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)
        return (np.asarray(float32(self.generator(z, training=False))) + 1.0) / 2.0

    def sample_z(self, reference, step):
        """z ~ N(0, I) for a batch as large as ``reference`` (``noise_source("z", ...)`` overrides)."""
        return self.draw("z", reference, step,
                         lambda: sample_z(self.seed_generator, tf.shape(reference)[0], self.latent_dim))

    # -- training
    def score(self, *batches, training):
        """D on several batches in one call (D treats samples independently): [(logits, features), ...]
        in float32."""
        sizes = [tf.shape(b)[0] for b in batches]
        logits, features = self.discriminator(tf.concat(batches, axis=0), training=training)
        return list(zip(tf.split(float32(logits), sizes), tf.split(float32(features), sizes)))

    def training_batches(self, data):
        """(unlabelled, labelled) images in [-1, 1] and the integer labels of the labelled ones."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if not (isinstance(x, (tuple, list)) and len(x) == 2) or y is None:
            raise ValueError("SemiSupervisedGAN trains on ((unlabelled_images, labelled_images), labels) batches; "
                             "build them with cv2course.gans.sgan.semi_supervised_dataset")
        unlabelled, labelled = x
        for name, t in (("unlabelled", unlabelled), ("labelled", labelled)):
            if tuple(t.shape[1:]) != self.image_shape:
                raise ValueError(f"{name} images must have shape (N,) + {self.image_shape}, got {tuple(t.shape)}")
        return (tf.cast(unlabelled, tf.float32) * 2.0 - 1.0, tf.cast(labelled, tf.float32) * 2.0 - 1.0,
                tf.cast(y, tf.int32))

    def train_step(self, data):
        self.check_compiled()
        D, G = self.discriminator, self.generator
        d_opt, g_opt = self.discriminator_optimizer, self.generator_optimizer
        unlabelled, labelled, labels = self.training_batches(data)
        # Discriminator: classify the labelled batch, tell unlabelled (real) from generated.
        fake = tf.stop_gradient(G(self.sample_z(unlabelled, 0), training=True))
        with tf.GradientTape() as tape:
            (l_lab, _), (l_unl, _), (l_fake, _) = self.score(labelled, unlabelled, fake, training=True)
            sup = sgan_supervised_loss(l_lab, labels)                         # −E log p(y | x, y ≤ K)
            unsup = sgan_unsupervised_discriminator_loss(l_unl, l_fake)       # −E log D(x) − E log(1 − D(G(z)))
            d_loss = sup + self.unsupervised_weight * unsup
        self.descend(d_opt, tape, d_loss, D.trainable_variables)
        # Generator: feature matching (§3.1) or non-saturating, against the updated discriminator.
        z = self.sample_z(unlabelled, 1)
        with tf.GradientTape() as tape:
            fake = G(z, training=True)
            if self.generator_objective == "feature_matching":             # ‖E f(x) − E f(G(z))‖²
                (_, f_real), (_, f_fake) = self.score(unlabelled, fake, training=True)
                g_loss = feature_matching_loss(global_batch_mean(tf.stop_gradient(f_real)),
                                               global_batch_mean(f_fake))
            else:                                                           # −E log D(G(z))
                (l_fake, _), = self.score(fake, training=True)
                g_loss = sgan_non_saturating_generator_loss(l_fake)
        self.descend(g_opt, tape, g_loss, G.trainable_variables)
        return self.record({"d_loss": d_loss, "supervised_loss": sup, "unsupervised_loss": unsup,
                            "g_loss": g_loss, "accuracy": classification_accuracy(l_lab, labels)})

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None or isinstance(x, (tuple, list)):
            raise ValueError("evaluate a SemiSupervisedGAN on (images, labels), e.g. the test split of the digits")
        logits, _ = self.discriminator(tf.cast(x, tf.float32) * 2.0 - 1.0, training=False)
        logits = float32(logits)
        # Weighted by the batch size, so that a short last batch counts per example.
        n = tf.cast(tf.shape(logits)[0], tf.float32)
        self.record({"supervised_loss": sgan_supervised_loss(logits, y), "accuracy": classification_accuracy(logits, y)},
                    sample_weight=n)
        return {name: self.trackers[name].result() for name in ("supervised_loss", "accuracy")}

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "unsupervised_weight": self.unsupervised_weight, "generator_objective": self.generator_objective,
                "seed": self.seed}
