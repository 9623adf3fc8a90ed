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
:func:`run_sgan_experiment` does. The generator uses **feature matching** (Salimans et al. §3.1, their best choice for
semi-supervised learning): L_G = ‖E_x f(x) − E_z f(G(z))‖², f = the discriminator's last
hidden layer; or ``generator_objective="non_saturating"``: −E_z log D(G(z)).

The classifier is the discriminator's softmax; ``evaluate(test_images, test_labels)``
reports its accuracy. :func:`labelled_only_classifier` trains the same network on the
labelled images only — the baseline the GAN must beat (:func:`benchmark_sgan`).
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from cv2course.checks import check_choice, check_images, check_in_range, check_positive
from cv2course.distribute import global_batch_mean, scale_for_replicas
from cv2course.gans import losses as adversarial
from cv2course.gans import networks
from cv2course.gans.sampling import float32, sample_z
from cv2course.gans.two_player import TwoPlayerModel, deserialize

GENERATOR_OBJECTIVES = ("feature_matching", "non_saturating")


# --- losses ----------------------------------------------------------------------------------

def _logits(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def log_real_probability(logits):
    """log D(x) with D(x) = Z / (Z + 1), Z = Σ_k exp l_k: log D = −log(1 + 1/Z) = −softplus(−LSE(l))."""
    return -ops.softplus(-ops.logsumexp(_logits(logits), axis=-1))


def supervised_loss(logits, labels):
    """−E log softmax(l(x))_y: cross-entropy of the K-class classifier on labelled examples."""
    return ops.mean(ops.sparse_categorical_crossentropy(ops.cast(labels, "int32"), _logits(logits), from_logits=True))


def unsupervised_discriminator_loss(real_logits, fake_logits):
    """−E_x log D(x) − E_z log(1 − D(G(z))) with D = Z/(Z + 1) = σ(LSE l): the GAN's
    discriminator loss on the real/fake logit LSE(l)."""
    return adversarial.minimax_discriminator_loss(ops.logsumexp(_logits(real_logits), axis=-1),
                                                  ops.logsumexp(_logits(fake_logits), axis=-1))


def non_saturating_generator_loss(fake_logits):
    """−E_z log D(G(z)) with D = Z/(Z + 1) = σ(LSE l): the GAN's non-saturating loss on LSE(l)."""
    return adversarial.non_saturating_generator_loss(ops.logsumexp(_logits(fake_logits), axis=-1))


def feature_matching_loss(real_features, fake_features):
    """Salimans et al. §3.1: ‖E_x f(x) − E_z f(G(z))‖², the squared L2 distance between the batch
    means of the discriminator's hidden features of real and generated images."""
    real = ops.mean(ops.cast(real_features, "float32"), axis=0)
    fake = ops.mean(ops.cast(fake_features, "float32"), axis=0)
    return ops.sum(ops.square(real - fake))


def classification_accuracy(logits, labels):
    """Fraction of examples whose arg-max class is the label."""
    hits = ops.cast(ops.equal(ops.argmax(_logits(logits), axis=-1), ops.cast(labels, "int32")), "float32")
    return ops.mean(hits)


# --- data ------------------------------------------------------------------------------------

def labelled_subset(images, labels, n_labelled=100, num_classes=10, seed=0):
    """``n_labelled`` examples, as many per class (n_labelled / K), chosen at random with ``seed``:
    returns (images, labels)."""
    labels = np.asarray(labels)
    check_positive(n_labelled, "n_labelled", integer=True)
    if n_labelled % num_classes:
        raise ValueError(f"n_labelled must be a multiple of num_classes={num_classes} (a balanced labelled set), "
                         f"got {n_labelled}")
    per_class = n_labelled // num_classes
    rng = np.random.default_rng(seed)
    idx = []
    for k in range(num_classes):
        members = np.flatnonzero(labels == k)
        if len(members) < per_class:
            raise ValueError(f"class {k} has {len(members)} examples, fewer than the {per_class} needed")
        idx.append(rng.choice(members, per_class, replace=False))
    idx = np.sort(np.concatenate(idx))
    return np.asarray(images)[idx], labels[idx]


def semi_supervised_dataset(labelled_images, labels, unlabelled_images, batch_size=64, labelled_batch_size=None,
                            seed=0):
    """A ``tf.data.Dataset`` of ``((unlabelled, labelled), labels)`` batches for ``fit``.

    An epoch is one pass over the unlabelled images (shuffled, remainder dropped); the few
    labelled ones are cycled (reshuffled each pass), ``labelled_batch_size`` (default
    ``batch_size``) per step.
    """
    unlabelled_images = check_images(unlabelled_images, "unlabelled_images", channels=None)
    labelled_images = check_images(labelled_images, "labelled_images", channels=None)
    labels = np.asarray(labels).astype(np.int32)
    if labels.shape != (len(labelled_images),):
        raise ValueError(f"labels must have one integer per labelled image ({len(labelled_images)}), "
                         f"got shape {labels.shape}")
    check_positive(batch_size, "batch_size", integer=True)
    lb = int(labelled_batch_size or batch_size)
    if len(unlabelled_images) < batch_size:
        raise ValueError(f"unlabelled_images holds {len(unlabelled_images)} images, fewer than batch_size={batch_size}")
    unl = tf.data.Dataset.from_tensor_slices(unlabelled_images)
    unl = unl.shuffle(len(unlabelled_images), seed=seed, reshuffle_each_iteration=True).batch(batch_size, True)
    lab = tf.data.Dataset.from_tensor_slices((labelled_images, labels))
    lab = lab.shuffle(len(labels), seed=seed + 1, reshuffle_each_iteration=True).repeat().batch(lb, True)
    ds = tf.data.Dataset.zip((unl, lab)).map(lambda u, xy: ((u, xy[0]), xy[1]))
    return ds.prefetch(tf.data.AUTOTUNE)


# --- networks --------------------------------------------------------------------------------

def sgan_discriminator(image_size=28, channels=1, num_classes=10, base_filters=32, norm=None, dropout=0.25,
                       input_noise=0.0, hidden_noise=0.0, name="sgan_discriminator"):
    """The DCGAN discriminator trunk (``networks.dcgan_discriminator_trunk``) with a K-logit head:
    images in [-1, 1] → [logits (N, K), features (N, F)], features being the last hidden layer
    (for feature matching). No batch norm by default: D sees labelled, unlabelled and
    generated images, whose batch statistics differ; dropout, Gaussian noise of standard
    deviation ``input_noise`` on the input and ``hidden_noise`` after every hidden block
    (Salimans et al.'s MNIST model: 0.3 on the input, 0.5 on the hidden layers) regularise it.
    The noise is active in training only."""
    check_positive(num_classes, "num_classes", integer=True)
    check_positive(input_noise, "input_noise", allow_zero=True)
    check_positive(hidden_noise, "hidden_noise", allow_zero=True)
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if hidden_noise:
        trunk = _noisy_trunk(image_size, channels, base_filters, norm, dropout, float(hidden_noise), f"{name}_trunk")
    else:
        trunk = networks.dcgan_discriminator_trunk(image_size, channels, base_filters, norm=norm, dropout=dropout,
                                                   name=f"{name}_trunk")
    x = keras.Input(tuple(trunk.input.shape[1:]), name="image")
    h = keras.layers.GaussianNoise(float(input_noise), name="input_noise")(x) if input_noise else x
    features = trunk(h)
    logits = keras.layers.Dense(num_classes, kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02),
                                dtype="float32", name="class_logits")(features)
    return keras.Model(x, [logits, features], name=name)


def _noisy_trunk(image_size, channels, base_filters, norm, dropout, noise, name):
    """``networks.dcgan_discriminator_trunk``'s layers (stride-2 4×4 convolutions, LeakyReLU(0.2),
    dropout) with Gaussian noise of standard deviation ``noise`` after each block."""
    _, k = networks.start_size(image_size)
    check_positive(base_filters, "base_filters", integer=True)
    check_choice(norm, "norm", networks.NORMS)
    check_in_range(dropout, "dropout", 0.0, 1.0, include_high=False)
    x = keras.Input((image_size, image_size, channels), name="image")
    h, filters = x, base_filters
    for i in range(k):
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=(i == 0 or norm is None),
                                kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), name=f"down{i + 1}")(h)
        if norm and i > 0:
            h = networks._norm_layer(norm, f"down{i + 1}_norm")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        h = keras.layers.GaussianNoise(noise, name=f"down{i + 1}_noise")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
        filters *= 2
    h = keras.layers.Flatten(name="features")(h)
    return keras.Model(x, h, name=name)


@keras.saving.register_keras_serializable(package="cv2course")
class SemiSupervisedGAN(TwoPlayerModel):
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
    ``model.latent_sampler = f(reference_batch, step) -> z`` replaces the N(0, I) draws (step 0:
    discriminator update, 1: generator update), e.g. for a multi-device parity test.

    Mixed precision: logits and features are cast to float32 before the losses; loss scaling
    under "mixed_float16". Replicas: losses divided by their number, and feature matching
    compares means over the *global* batch (:func:`cv2course.distribute.global_batch_mean`).
    """

    tracker_names = ("d_loss", "supervised_loss", "unsupervised_loss", "g_loss", "accuracy")

    def __init__(self, generator=None, discriminator=None, num_classes=10, latent_dim=100, image_size=28,
                 channels=1, base_filters=32, dropout=0.25, unsupervised_weight=1.0,
                 generator_objective="feature_matching", seed=None, input_noise=0.0, hidden_noise=0.0, **kwargs):
        super().__init__(seed=seed, **kwargs)
        generator, discriminator = deserialize(generator), deserialize(discriminator)
        self.unsupervised_weight = float(check_positive(unsupervised_weight, "unsupervised_weight", allow_zero=True))
        self.generator_objective = check_choice(generator_objective, "generator_objective", GENERATOR_OBJECTIVES)
        if generator is None:
            generator = networks.dcgan_generator(image_size, channels, latent_dim, base_filters * 2)
        if discriminator is None:
            discriminator = sgan_discriminator(image_size, channels, num_classes, base_filters, dropout=dropout,
                                               input_noise=input_noise, hidden_noise=hidden_noise)
        for name, part in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(part, keras.Model):
                raise TypeError(f"{name} must be a keras.Model, got {type(part).__name__}")
        self.generator, self.discriminator = generator, discriminator
        self.check_networks()
        self.latent_sampler = None
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
        """z ~ N(0, I) for a batch as large as ``reference`` (``self.latent_sampler`` overrides)."""
        if self.latent_sampler is not None:
            return tf.cast(self.latent_sampler(reference, step), tf.float32)
        return sample_z(self.seed_generator, tf.shape(reference)[0], self.latent_dim)

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
            sup = supervised_loss(l_lab, labels)                         # −E log p(y | x, y ≤ K)
            unsup = unsupervised_discriminator_loss(l_unl, l_fake)       # −E log D(x) − E log(1 − D(G(z)))
            d_loss = sup + self.unsupervised_weight * unsup
            scaled = d_opt.scale_loss(scale_for_replicas(d_loss))
        d_opt.apply(tape.gradient(scaled, D.trainable_variables), D.trainable_variables)
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
                g_loss = non_saturating_generator_loss(l_fake)
            scaled = g_opt.scale_loss(scale_for_replicas(g_loss))
        g_opt.apply(tape.gradient(scaled, G.trainable_variables), G.trainable_variables)
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
        self.record({"supervised_loss": supervised_loss(logits, y), "accuracy": classification_accuracy(logits, y)},
                    sample_weight=n)
        return {name: self.trackers[name].result() for name in ("supervised_loss", "accuracy")}

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "unsupervised_weight": self.unsupervised_weight, "generator_objective": self.generator_objective,
                "seed": self.seed}


@keras.saving.register_keras_serializable(package="cv2course")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Salimans et al.'s schedule (their CIFAR-10 code): the learning rate held for the first
    ``1 − decay_fraction`` of ``total_steps``, then decayed linearly to 0 at ``total_steps``."""

    def __init__(self, learning_rate, total_steps, decay_fraction=1 / 3):
        self.learning_rate = float(check_positive(learning_rate, "learning_rate"))
        self.total_steps = int(check_positive(total_steps, "total_steps", integer=True))
        self.decay_fraction = float(decay_fraction)
        if not 0 < self.decay_fraction <= 1:
            raise ValueError(f"decay_fraction must be in (0, 1], got {decay_fraction!r}")

    def __call__(self, step):
        step = ops.cast(step, "float32")
        decay_steps = max(self.decay_fraction * self.total_steps, 1.0)
        factor = ops.clip((self.total_steps - step) / decay_steps, 0.0, 1.0)
        return self.learning_rate * factor

    def get_config(self):
        return {"learning_rate": self.learning_rate, "total_steps": self.total_steps,
                "decay_fraction": self.decay_fraction}


# --- the labelled-only baseline and the benchmark ----------------------------------------------

def labelled_only_classifier(discriminator, labelled_images, labels, steps=300, batch_size=64, learning_rate=2e-4,
                             seed=0, verbose=0):
    """The baseline: a fresh copy of ``discriminator``'s architecture trained with cross-entropy on
    the labelled images only (same optimizer settings, ``steps`` updates). Returns a
    ``keras.Model`` from images in [0, 1] to class probabilities."""
    check_positive(steps, "steps", integer=True)
    labelled_images = check_images(labelled_images, "labelled_images", channels=None)
    keras.utils.set_random_seed(seed)
    net = keras.models.clone_model(discriminator)
    x = keras.Input(tuple(discriminator.inputs[0].shape[1:]), name="image")
    logits, _ = net(keras.layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(x))
    classifier = keras.Model(x, logits, name="labelled_only_classifier")
    classifier.compile(keras.optimizers.Adam(learning_rate, beta_1=0.5),
                       keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    n = len(labelled_images)
    b = min(int(batch_size), n)
    ds = tf.data.Dataset.from_tensor_slices((labelled_images, np.asarray(labels).astype(np.int32)))
    ds = ds.shuffle(n, seed=seed, reshuffle_each_iteration=True).repeat().batch(b, drop_remainder=True)
    classifier.fit(ds, steps_per_epoch=int(steps), epochs=1, verbose=verbose)
    return keras.Model(x, keras.layers.Softmax(name="probabilities")(classifier.output), name="labelled_only")


def test_accuracy(model, images, labels, batch_size=256):
    """Fraction of ``images`` that ``model`` (images in [0, 1] → class probabilities) labels correctly."""
    probs = model.predict(np.asarray(images, np.float32), batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(probs, axis=-1) == np.asarray(labels)))


test_accuracy.__test__ = False  # not a pytest test


def run_sgan_experiment(n_labelled=100, epochs=None, image_size=16, batch_size=64, seed=0, base_filters=None,
                        latent_dim=None, learning_rate=6e-4, unsupervised_weight=0.5, input_noise=0.3,
                        hidden_noise=0.5, verbose=0):
    """Train a semi-supervised GAN and its labelled-only baseline on the embedded digits with the
    same discriminator architecture, optimizer, learning-rate schedule and number of discriminator
    updates; return {"sgan_accuracy", "baseline_accuracy", "baseline_noise_free_accuracy",
    "steps", "seconds", "history"} on the test split.

    Salimans et al.'s MNIST recipe scaled to this budget: Gaussian noise on D's input (0.3) and
    hidden layers (0.5) besides dropout, the unsupervised term weighted 0.5, a labelled batch
    every step (the labelled set repeated), feature matching for G, Adam(β1 = 0.5) held for
    two thirds of training then decayed linearly to 0. The baseline is the same network with the
    same noise, dropout, optimizer and schedule on the labelled images only; it is also trained
    without the Gaussian noise (``baseline_noise_free_accuracy``), so that the noise helps the
    GAN rather than handicapping the baseline."""
    import time

    from cv2course import settings
    from cv2course.data import digits

    epochs = epochs if epochs is not None else settings.pick(30, 1)
    base_filters = base_filters or settings.pick(32, 8)
    latent_dim = latent_dim or settings.pick(64, 16)
    settings.set_seed(seed)
    train_x, train_y = digits(size=image_size, split="train")
    test_x, test_y = digits(size=image_size, split="test")
    lab_x, lab_y = labelled_subset(train_x, train_y, n_labelled, seed=seed)
    ds = semi_supervised_dataset(lab_x, lab_y, train_x, batch_size=batch_size, seed=seed)
    total = int(epochs) * (len(train_x) // batch_size)

    def schedule():
        return ConstantThenLinearDecay(learning_rate, total)

    model = SemiSupervisedGAN(image_size=image_size, base_filters=base_filters, latent_dim=latent_dim, seed=seed,
                              unsupervised_weight=unsupervised_weight, input_noise=input_noise,
                              hidden_noise=hidden_noise)
    model.compile(discriminator_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5),
                  generator_optimizer=keras.optimizers.Adam(schedule(), beta_1=0.5))
    t0 = time.perf_counter()
    history = model.fit(ds, epochs=epochs, verbose=verbose, validation_data=(test_x, test_y))
    seconds = time.perf_counter() - t0
    steps = int(model.discriminator_optimizer.iterations.numpy())
    baseline = labelled_only_classifier(model.discriminator, lab_x, lab_y, steps=steps, batch_size=batch_size,
                                        learning_rate=schedule(), seed=seed)
    noise_free = labelled_only_classifier(sgan_discriminator(image_size, model.image_shape[-1], model.num_classes,
                                                             base_filters),
                                          lab_x, lab_y, steps=steps, batch_size=batch_size,
                                          learning_rate=schedule(), seed=seed)
    return {"sgan_accuracy": float(model.evaluate(test_x, test_y, verbose=0, return_dict=True)["accuracy"]),
            "baseline_accuracy": test_accuracy(baseline, test_x, test_y),
            "baseline_noise_free_accuracy": test_accuracy(noise_free, test_x, test_y), "steps": steps,
            "seconds": seconds, "history": history.history, "model": model, "baseline": baseline}


def benchmark_sgan(n_labelled=100, epochs=None, image_size=16, seeds=(0, 1, 2), verbose=0):
    """Print a table: test accuracy of the semi-supervised GAN with ``n_labelled`` labels vs the same
    classifier trained on those labels only (with the GAN's noise and without it), for each seed
    and on average. Returns the rows."""
    rows = []
    print(f"{'seed':>4}  {'labels':>6}  {'steps':>5}  {'baseline acc':>12}  {'(no noise)':>10}  {'SGAN acc':>8}  "
          f"{'s/step':>7}  {'seconds':>7}")
    for seed in seeds:
        r = run_sgan_experiment(n_labelled, epochs, image_size, seed=seed, verbose=verbose)
        rows.append({k: v for k, v in r.items() if k not in ("history", "model", "baseline")} | {"seed": seed})
        print(f"{seed:>4}  {n_labelled:>6}  {r['steps']:>5}  {r['baseline_accuracy']:>12.3f}  "
              f"{r['baseline_noise_free_accuracy']:>10.3f}  {r['sgan_accuracy']:>8.3f}  "
              f"{r['seconds'] / r['steps']:>7.3f}  {r['seconds']:>7.0f}", flush=True)
    means = {k: np.mean([r[k] for r in rows]) for k in ("baseline_accuracy", "baseline_noise_free_accuracy",
                                                       "sgan_accuracy")}
    print(f"{'mean':>4}  {n_labelled:>6}  {'':>5}  {means['baseline_accuracy']:>12.3f}  "
          f"{means['baseline_noise_free_accuracy']:>10.3f}  {means['sgan_accuracy']:>8.3f}")
    return rows
