"""GAN / DCGAN: Goodfellow et al. (2014) Algorithm 1 with DCGAN networks (Radford et al. 2016).

Algorithm 1, one training iteration::

    for k steps:
        sample m noise vectors z and m real examples x (a fresh minibatch each step)
        ascend  ∇_θd  1/m Σ [log D(x) + log(1 − D(G(z)))]
    sample m noise vectors z
    descend ∇_θg  1/m Σ log(1 − D(G(z)))        (minimax)
     or     ∇_θg  −1/m Σ log D(G(z))            (non-saturating, the paper's practical advice)

How a fresh real batch per discriminator step works with ``model.fit``: each batch the model
receives holds k·m real images; ``train_step`` splits it into k distinct batches of m,
taking rows i, i+k, i+2k, … for step i (strided, so the split is the same on one device and
on several replicas). :func:`critic_batches` (or ``model.make_dataset``) batches a dataset
accordingly; one epoch then has N / (k·m) generator steps.

Defaults: k = 1, non-saturating generator loss, Adam(2e-4, β1 = 0.5) for both networks
(DCGAN's settings), DCGAN networks for 28×28 gray digits. Images at the model's boundary
are float32 in [0, 1]; the networks work in [-1, 1].

Subclasses (WGAN, WGAN-GP, conditional GAN) change the objective, the optimizers, the
number of discriminator steps and what happens after a discriminator update; the loop
itself lives here only.
"""
import keras
import numpy as np
import tensorflow as tf

from cv2course.checks import check_choice, check_positive
from cv2course.distribute import scale_for_replicas
from cv2course.gans import losses as adv
from cv2course.gans import networks
from cv2course.gans.two_player import TwoPlayerModel, deserialize, serialize


def critic_batches(images, batch_size=64, steps=1, labels=None, seed=0, repeat=False):
    """A shuffled ``tf.data.Dataset`` of batches of ``steps × batch_size`` real images in [0, 1]
    (with their labels when given), remainder dropped: what a model with ``steps``
    discriminator (critic) steps per generator step takes in ``fit``."""
    from cv2course.checks import check_images

    check_positive(batch_size, "batch_size", integer=True)
    check_positive(steps, "steps", integer=True)
    images = check_images(images, "images", channels=None, rank=4, value_range=(0.0, 1.0))
    per_step = int(batch_size) * int(steps)
    if len(images) < per_step:
        raise ValueError(f"images holds {len(images)} examples, fewer than one batch of steps × batch_size = "
                         f"{steps} × {batch_size} = {per_step}")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape[:1] != images.shape[:1]:
            raise ValueError(f"labels must have one entry per image ({len(images)}), got shape {labels.shape}")
        ds = tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int32)))
    else:
        ds = tf.data.Dataset.from_tensor_slices(images)
    ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    return ds.batch(per_step, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def split_steps(batch, steps):
    """Split a batch of k·m rows into k batches of m: batch i takes rows i, i+k, i+2k, …

    A trailing remainder (rows beyond the last multiple of k) is dropped.
    """
    if batch.shape[0] is not None and batch.shape[0] < steps:
        raise ValueError(f"a training batch must hold at least {steps} examples (one per discriminator step), "
                         f"got {batch.shape[0]}; batch the data with critic_batches()")
    n = tf.shape(batch)[0]
    m = n // steps
    batch = batch[: m * steps]
    shaped = tf.reshape(batch, tf.concat([[m, steps], tf.shape(batch)[1:]], axis=0))
    return [shaped[:, i] for i in range(steps)]


@keras.saving.register_keras_serializable(package="cv2course")
class GAN(TwoPlayerModel):
    """Goodfellow et al.'s GAN trained with Algorithm 1 (DCGAN networks by default).

    ``GAN(generator=None, discriminator=None, latent_dim=100, image_size=28, channels=1,
    base_filters=64, discriminator_steps=1, loss="non_saturating", label_smoothing=0.0)``:
    without networks, DCGAN ones are built from ``image_size``/``channels``/``base_filters``.
    ``loss``: "non_saturating" or "minimax" (any name of :mod:`cv2course.gans.losses` works).
    ``label_smoothing`` = 0.1 gives one-sided label smoothing (real target 0.9).

    ``model(z)`` returns images in [0, 1]; ``model.generate(n)`` samples n of them.
    Logged keys: ``d_loss``, ``g_loss``, ``d_real`` (mean D(x)), ``d_fake`` (mean D(G(z))).

    For tests and multi-device parity the randomness is injectable: ``model.latent_sampler =
    f(real_batch, step) -> z`` replaces the normal draw of z (step = 0..k−1 for the
    discriminator steps, k for the generator step).
    """

    default_loss = "non_saturating"
    d_loss_key = "d_loss"
    steps_argument = "discriminator_steps"

    def __init__(self, generator=None, discriminator=None, latent_dim=100, image_size=28, channels=1,
                 base_filters=64, discriminator_steps=1, loss=None, label_smoothing=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        generator, discriminator = deserialize(generator), deserialize(discriminator)
        if generator is not None:
            latent_dim = int(generator.inputs[0].shape[-1])
        check_positive(latent_dim, "latent_dim", integer=True)
        if isinstance(discriminator_steps, bool) or not isinstance(discriminator_steps, (int, np.integer)) \
                or discriminator_steps < 1:
            raise ValueError(f"{self.steps_argument} must be an integer >= 1 (discriminator updates per generator "
                             f"update), got {discriminator_steps!r}")
        self.loss_name = adv.canonical_loss_name(loss or self.default_loss)
        if label_smoothing and self.loss_name not in ("minimax", "non_saturating", "least_squares"):
            raise ValueError(f"label_smoothing applies to minimax, non_saturating and least_squares losses, "
                             f"not {self.loss_name!r}")
        adv._check_smoothing(label_smoothing)
        self.latent_dim = int(latent_dim)
        self.image_size, self.channels, self.base_filters = int(image_size), int(channels), int(base_filters)
        self.discriminator_steps = int(discriminator_steps)
        self.label_smoothing = float(label_smoothing)
        self.seed = seed
        self.generator = generator if generator is not None else self.build_generator()
        self.discriminator = discriminator if discriminator is not None else self.build_discriminator()
        self._check_networks()
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.latent_sampler = None
        self._trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names()}
        self.d_optimizer = None
        self.g_optimizer = None
        self.built = True  # both networks are built; saving needs no call on data first

    # --- networks --------------------------------------------------------------------------

    def build_generator(self):
        return networks.dcgan_generator(self.image_size, self.channels, self.latent_dim, self.base_filters)

    def build_discriminator(self):
        return networks.dcgan_discriminator(self.image_size, self.channels, self.base_filters)

    def _check_networks(self):
        g_out = tuple(self.generator.outputs[0].shape[1:])
        d_in = tuple(self.discriminator.inputs[0].shape[1:])
        if g_out != d_in:
            raise ValueError(f"the generator makes images of shape {g_out} but the discriminator takes {d_in}")
        d_out = tuple(self.discriminator.outputs[0].shape[1:])
        if d_out not in ((1,), ()):
            raise ValueError(f"the discriminator must output one raw score per image, shape (N, 1); got (N, {d_out})")

    @property
    def image_shape(self):
        return tuple(int(d) for d in self.generator.outputs[0].shape[1:])

    # --- trackers --------------------------------------------------------------------------

    def metric_names(self):
        return [self.d_loss_key, "g_loss", "d_real", "d_fake"]

    @property
    def metrics(self):
        return list(self._trackers.values())

    def _update(self, values):
        for name, value in values.items():
            self._trackers[name].update_state(value)

    def _results(self):
        return {name: t.result() for name, t in self._trackers.items()}

    # --- compile / save --------------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config.update(generator=serialize(self.generator), discriminator=serialize(self.discriminator),
                      latent_dim=self.latent_dim, image_size=self.image_size, channels=self.channels,
                      base_filters=self.base_filters, loss=self.loss_name, label_smoothing=self.label_smoothing,
                      seed=self.seed)
        config[self.steps_argument] = self.discriminator_steps
        return config

    # --- sampling --------------------------------------------------------------------------

    def sample_latent(self, reference, step):
        """z for a batch as large as ``reference``; ``self.latent_sampler`` overrides the N(0, I) draw.

        Each replica folds its id into the seed, so replicas draw different noise.
        """
        if self.latent_sampler is not None:
            return tf.cast(self.latent_sampler(reference, step), tf.float32)
        n = tf.shape(reference)[0]
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        rid = replica.replica_id_in_sync_group if replica is not None else 0
        seed = seed + tf.cast(tf.stack([0, 1000003 * tf.cast(rid, seed.dtype)]), seed.dtype)
        return tf.random.stateless_normal(tf.stack([n, self.latent_dim]), seed=tf.cast(seed, tf.int32))

    def _generate(self, z, labels, training):
        return self.generator(z, training=training)

    def _discriminate(self, images, labels, training):
        return self.discriminator(images, training=training)

    def call(self, z, training=False):
        """Images in [0, 1] for latent vectors z (N, latent_dim)."""
        return (self._generate(z, None, training) + 1.0) / 2.0

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

    # --- Algorithm 1 -----------------------------------------------------------------------

    def _unpack(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return tf.cast(x, tf.float32) * 2.0 - 1.0, y

    def discriminator_objective(self, real, fake, real_scores, fake_scores, labels, step=0):
        """(loss to minimise, {tracker: value}) for one discriminator step."""
        loss = adv.discriminator_loss(self.loss_name, real_scores, fake_scores, label_smoothing=self.label_smoothing)
        return loss, {self.d_loss_key: loss, "d_real": tf.reduce_mean(tf.sigmoid(real_scores)),
                      "d_fake": tf.reduce_mean(tf.sigmoid(fake_scores))}

    def after_discriminator_update(self):
        """Hook after each discriminator update (WGAN clips the weights here)."""

    def _split_labels(self, labels):
        return [None] * self.discriminator_steps if labels is None else split_steps(labels, self.discriminator_steps)

    def _fakes_for_discriminator_steps(self, reals, labels):
        """x̃ = G(z) for every discriminator step, in one generator pass.

        G does not change during the k discriminator steps, so one pass over the k·m noise
        vectors (a fresh z per step) gives the same fakes at lower cost, up to batch-norm
        statistics, which are taken over k·m instead of m samples.
        """
        k = len(reals)
        zs = [self.sample_latent(real, step) for step, real in enumerate(reals)]
        y = None if labels[0] is None else tf.concat(labels, axis=0)
        fakes = tf.stop_gradient(self._generate(tf.concat(zs, axis=0), y, training=True))
        return tf.split(fakes, k, axis=0) if k > 1 else [fakes]

    def train_step(self, data):
        real_all, labels_all = self._unpack(data)
        reals = split_steps(real_all, self.discriminator_steps)
        labels = self._split_labels(labels_all)
        d_vars = self.discriminator.trainable_variables
        fakes = self._fakes_for_discriminator_steps(reals, labels)
        for step, (real, y, fake) in enumerate(zip(reals, labels, fakes)):
            with tf.GradientTape() as tape:
                real_scores = self._discriminate(real, y, training=True)
                fake_scores = self._discriminate(fake, y, training=True)
                d_loss, logs = self.discriminator_objective(real, fake, real_scores, fake_scores, y, step)
                scaled = scale_for_replicas(d_loss)  # inside the tape, or its gradient is None
            grads = tape.gradient(scaled, d_vars)
            self.d_optimizer.apply(grads, d_vars)
            self.after_discriminator_update()
            self._update(logs)
        real, y = reals[-1], labels[-1]
        z = self.sample_latent(real, self.discriminator_steps)
        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake_scores = self._discriminate(self._generate(z, y, training=True), y, training=True)
            g_loss = adv.generator_loss(self.loss_name, fake_scores)
            scaled = scale_for_replicas(g_loss)
        grads = tape.gradient(scaled, g_vars)
        self.g_optimizer.apply(grads, g_vars)
        self._update({"g_loss": g_loss})
        return self._results()

    def test_step(self, data):
        real, y = self._unpack(data)
        fake = self._generate(self.sample_latent(real, 0), y, training=False)
        real_scores = self._discriminate(real, y, training=False)
        fake_scores = self._discriminate(fake, y, training=False)
        _, logs = self.discriminator_objective(real, fake, real_scores, fake_scores, y)
        logs["g_loss"] = adv.generator_loss(self.loss_name, fake_scores)
        self._update(logs)
        return self._results()

    def make_dataset(self, images, labels=None, batch_size=64, seed=0, repeat=False):
        """:func:`critic_batches` with this model's number of discriminator steps."""
        return critic_batches(images, batch_size, self.discriminator_steps, labels=labels, seed=seed, repeat=repeat)
