"""Shared helpers for the scale-out tests: one device vs MirroredStrategy parity through ``fit``,
tiny builders of every trainable model, deterministic noise, and the replica-scaling mutation.

Parity design. ``fit`` on a ``tf.data`` dataset hands each of the R replicas 1/R of every
global batch, so a train step that forgets to average over the *global* batch (a missing or
doubled 1/R) makes gradients R times too large or too small. Plain SGD turns that directly
into a different update (Adam's first step is ±lr whatever the gradient's scale, so it would
hide it), and three steps make later losses depend on earlier updates. The noise a model
draws inside its step (z, ε, a corruption) cannot be the same on one device and on two
replicas: the models fold the replica id into their seeds, so that replicas draw
independent noise. The tests therefore inject noise that is a fixed function of each input
row (``deterministic_noise``): the same rows get the same noise however the batch is split.
Noise without a hook (dropout, Gaussian-noise layers) is switched off in the tiny models.

Mutation. ``replica_scaling_removed()`` replaces ``cv2course.distribute.scale_for_replicas``
(and ``global_mean``) by their unscaled versions everywhere they were imported; for models
trained by Keras' own ``train_step`` with a standard loss it removes Keras' 1/R instead
(``keras.src.losses.loss.scale_loss_for_distribution``). The parity test run under it must fail.
"""
import contextlib
import dataclasses
import sys
from typing import Callable

import keras
import numpy as np
import tensorflow as tf

_STRATEGY = None

GLOBAL_BATCH = 8
STEPS = 3


def mirrored_strategy():
    """The process's one MirroredStrategy over the two logical CPUs.

    Every MirroredStrategy numbers its collective ops from the same keys, so a second
    strategy in one process can hit "Shape mismatch in the collective instance" and abort
    all later collectives. One shared strategy, reducing through one device (no collective
    cache at all), keeps every parity test independent of the order tests run in.
    """
    global _STRATEGY
    if _STRATEGY is None:
        _STRATEGY = tf.distribute.MirroredStrategy(
            ["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
    return _STRATEGY


def build_in(strategy, build_and_compile, seed=0):
    """``build_and_compile()`` after seeding, inside ``strategy``'s scope when one is given."""
    import keras

    keras.utils.set_random_seed(seed)
    if strategy is None:
        return build_and_compile()
    with strategy.scope():
        return build_and_compile()


def first_fit_logs(build_and_compile, batch, strategy=None, seed=0, run_eagerly=False):
    """Logs and weights after one ``fit`` step on one batch. Unlike ``train_on_batch`` (which in
    Keras 3 hands every replica the whole batch), ``fit`` splits the global batch between replicas."""
    model = build_in(strategy, build_and_compile, seed)
    model.run_eagerly = run_eagerly
    history = model.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0)
    return {k: float(v[0]) for k, v in history.history.items()}, [np.asarray(w) for w in model.weights]


def first_step_logs(build_and_compile, batch, strategy=None, seed=0):
    """Build and compile a model (inside ``strategy``'s scope when given), run one
    ``train_on_batch`` on ``batch`` and return its logs as floats.

    ``build_and_compile()`` must create the model with seeded initialisers so that both
    runs start from the same weights; the seed is reset before building.
    """
    import keras

    model = build_in(strategy, build_and_compile, seed)
    x = batch[0] if isinstance(batch, tuple) else batch
    y = batch[1] if isinstance(batch, tuple) and len(batch) > 1 else None
    keras.utils.set_random_seed(seed + 1)
    logs = model.train_on_batch(x, y, return_dict=True)
    return {k: float(np.asarray(v)) for k, v in logs.items()}


def assert_logs_close(a, b, atol=1e-5, rtol=1e-5):
    assert set(a) == set(b), (a, b)
    for k in a:
        assert np.isclose(a[k], b[k], atol=atol, rtol=rtol), f"{k}: one device {a[k]} vs mirrored {b[k]}"


def logical_cpus():
    return tf.config.list_logical_devices("CPU")


# --- deterministic noise ---------------------------------------------------------------------

def _projection(rows, width, seed):
    """tanh(Σ_p x_p · sin(ω_j p + seed) / √P): ``width`` fixed smooth projections of each row, a
    per-row function (independent of how the batch is split) that needs no static shape."""
    flat = tf.reshape(tf.cast(rows, tf.float32), (tf.shape(rows)[0], -1))
    size = tf.cast(tf.shape(flat)[1], tf.float32)
    position = tf.range(size)[:, None]
    patterns = tf.sin(position * tf.constant([[1.7 + 0.9 * j for j in range(width)]]) + float(seed))
    return tf.tanh(2.0 * (flat - 0.5) @ patterns / tf.sqrt(size) + 0.1 * seed)


def deterministic_noise(model):
    """Replace every random draw inside ``model``'s train step by a fixed function of the rows it
    belongs to, through the models' one hook ``noise_source(kind, rows, step)``: kind "z" (GANs'
    latent vectors), "epsilon" (WGAN-GP's mixing weights, the VAE's ε) or "corruption" (the
    denoising autoencoder's x̃). Returns ``model``."""
    latent_dim = getattr(model, "latent_dim", None)

    def source(kind, rows, step):
        if kind == "z":
            return 2.0 * _projection(rows, int(latent_dim), 1 + int(step))
        if kind == "corruption":
            return tf.where(_salt_mask(rows.shape[1:]), tf.ones_like(rows), rows)
        if len(rows.shape) == 2:  # the VAE's ε, shaped like its rows z_mean
            return tf.cos(3.0 * rows + 1.0)
        return 0.5 + 0.5 * _projection(rows, 1, 11 + int(step))[:, 0]  # WGAN-GP's ε, one per image

    model.noise_source = source
    return model


def _salt_mask(shape):
    """A fixed pattern of 20% salt pixels for images of ``shape``."""
    return tf.constant(np.random.default_rng(0).random(tuple(shape)) < 0.2)


# --- tiny models -----------------------------------------------------------------------------

def _sgd(lr):
    import keras

    return keras.optimizers.SGD(lr)


def two_optimizers(optimizers, lr, gan_names=False):
    """compile() keywords for a two-optimizer model: ``optimizers`` = (generator's, discriminator's),
    default SGD(lr) each. The GAN family took ``g_optimizer``/``d_optimizer`` before issue 15 and
    still accepts them; CycleGAN and SRGAN take ``generator_optimizer``/``discriminator_optimizer``."""
    g, d = optimizers or (_sgd(lr), _sgd(lr))
    if gan_names:
        return {"g_optimizer": g, "d_optimizer": d}
    return {"generator_optimizer": g, "discriminator_optimizer": d}


def _images(n, size, channels, seed):
    return np.random.default_rng(seed).random((n, size, size, channels)).astype(np.float32)


def _labels(n, k, seed):
    return np.random.default_rng(seed).integers(0, k, n).astype(np.int32)


def _gan(cls_name, lr=0.2, **kwargs):
    def build(optimizers=None):
        from cv2course import gans

        model = getattr(gans, cls_name)(latent_dim=4, image_size=8, channels=1, base_filters=4, **kwargs)
        model.compile(**two_optimizers(optimizers, lr, gan_names=True), jit_compile=False)
        return deterministic_noise(model)
    return build


def _cgan(optimizers=None):
    from cv2course.gans.cgan import ConditionalGAN

    model = ConditionalGAN(num_classes=3, latent_dim=4, image_size=8, channels=1, base_filters=4)
    model.compile(**two_optimizers(optimizers, 0.2, gan_names=True), jit_compile=False)
    return deterministic_noise(model)


def _sgan(optimizers=None):
    from cv2course.gans.sgan import SemiSupervisedGAN

    # no dropout: its masks are random draws with no hook (and differ per replica)
    model = SemiSupervisedGAN(num_classes=3, latent_dim=4, image_size=8, channels=1, base_filters=4, dropout=0.0)
    model.compile(**two_optimizers(optimizers, 0.2, gan_names=True), jit_compile=False)
    return deterministic_noise(model)


def _cyclegan(optimizers=None):
    from cv2course.gans.cyclegan import small_cyclegan

    # pool of 2 < global batch 8: the pool fills and swaps within the first step, on the global batch
    model = small_cyclegan(channels=1, image_size=8, filters=2, n_residual=0, disc_filters=2, n_layers=1, pool_size=2)
    model.compile(**two_optimizers(optimizers, 0.02), jit_compile=False)
    return model


AE_SHAPE = (8, 8, 1)


def _autoencoder(kind):
    def build(optimizers=None):
        from cv2course.autoencoders import ae, vae

        if kind == "dense":
            model = ae.dense_autoencoder(AE_SHAPE, latent_dim=3, hidden=(8,))
        elif kind == "conv":
            model = ae.conv_autoencoder(AE_SHAPE, latent_dim=3, filters=(2, 4), dense_units=8)
        elif kind == "denoising":
            model = ae.DenoisingAutoencoder(ae.conv_encoder(AE_SHAPE, 3, (2, 4), 8),
                                            ae.conv_decoder(3, AE_SHAPE, (4, 2), 8),
                                            noise="salt_and_pepper", strength=0.2, seed=3)
        elif kind == "sparse":
            model = ae.SparseAutoencoder(ae.dense_encoder(AE_SHAPE, 6, (8,), code_activation="sigmoid"),
                                         ae.dense_decoder(6, AE_SHAPE, (8,)), sparsity="kl")
        elif kind == "lstm":
            model = ae.LSTMAutoencoder(timesteps=16, features=1, latent_dim=2, units=3)
        else:
            model = vae.conv_vae(AE_SHAPE, 2, filters=(2, 4), dense_units=8, seed=5)
        model.compile(optimizer=(optimizers or (_sgd(0.05),))[0], jit_compile=False)
        return deterministic_noise(model)
    return build


def _sr(kind):
    def build(optimizers=None):
        from cv2course.sr.edsr import edsr
        from cv2course.sr.srresnet import srresnet
        from cv2course.sr.wdsr import wdsr

        net = {"edsr": lambda: edsr(2, filters=4, blocks=1),
               "wdsr": lambda: wdsr(2, filters=4, blocks=1, variant="a"),
               "srresnet": lambda: srresnet(2, filters=4, blocks=1)}[kind]()
        net.compile(optimizer=(optimizers or (_sgd(0.5),))[0], loss="mae", jit_compile=False)
        return net
    return build


def _srgan(optimizers=None):
    from cv2course.sr.srgan import SRGAN
    from cv2course.sr.srresnet import srresnet

    # A three-layer discriminator: the paper's eight synchronized batch norms cost seconds of tracing.
    image = keras.Input((None, None, 3))
    h = keras.layers.Conv2D(2, 3, strides=2, padding="same", activation="relu")(image)
    h = keras.layers.BatchNormalization(synchronized=True)(h)
    discriminator = keras.Model(image, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(h)))
    model = SRGAN(srresnet(2, filters=4, blocks=0), discriminator,
                  content_layer="vgg22", vgg_arch="vgg16", vgg_weights="bundled")
    model.compile(**two_optimizers(optimizers, 0.01), jit_compile=False)
    return model


def _image_data(n):
    return _images(n, 8, 1, 0)


def _sr_data(n):
    return (_images(n, 8, 3, 1), _images(n, 16, 3, 2))


def _sgan_data(n):
    return ((_images(n, 8, 1, 3), _images(n, 8, 1, 4)), _labels(n, 3, 5))


def _lstm_data(n):
    from cv2course.autoencoders import sequences

    return sequences.ecg_waves(n, length=16, anomaly_fraction=0.0, seed=2)[0]


@dataclasses.dataclass(frozen=True)
class Case:
    """A trainable model at toy size: ``build(optimizers=None)`` returns it compiled without XLA (plain
    SGD unless ``optimizers`` is given: (generator's, discriminator's) for two-optimizer models, a
    1-tuple otherwise) with deterministic noise;
    ``data(n)`` returns n training examples (arrays, or nested tuples of arrays); ``scaling`` says
    whose 1/R the mutation removes: "cv2course" (its own ``train_step``) or "keras" (Keras' step)."""
    name: str
    build: Callable
    data: Callable
    scaling: str = "cv2course"
    atol: float = 2e-5


CASES = {c.name: c for c in [
    Case("gan", _gan("GAN", discriminator_steps=2), _image_data),
    Case("wgan", _gan("WGAN", n_critic=2, clip_value=0.05), _image_data),
    Case("wgan_gp", _gan("WGANGP", lr=0.01, n_critic=2), _image_data),
    Case("cgan", _cgan, lambda n: (_image_data(n), _labels(n, 3, 6))),
    Case("sgan", _sgan, _sgan_data),
    Case("cyclegan", _cyclegan, lambda n: (_images(n, 8, 1, 7), _images(n, 8, 1, 8))),
    Case("dense_ae", _autoencoder("dense"), _image_data),
    Case("conv_ae", _autoencoder("conv"), _image_data),
    Case("denoising_ae", _autoencoder("denoising"), _image_data),
    Case("sparse_ae", _autoencoder("sparse"), _image_data),
    Case("lstm_ae", _autoencoder("lstm"), _lstm_data),
    Case("vae", _autoencoder("vae"), _image_data),
    Case("edsr", _sr("edsr"), _sr_data, scaling="keras"),
    Case("wdsr", _sr("wdsr"), _sr_data, scaling="keras"),
    Case("srresnet", _sr("srresnet"), _sr_data, scaling="keras"),
    Case("srgan", _srgan, _sr_data),
]}


def dataset(case, steps=STEPS, batch=GLOBAL_BATCH):
    """``steps`` distinct global batches of ``batch`` examples, in a fixed order."""
    return tf.data.Dataset.from_tensor_slices(case.data(steps * batch)).batch(batch, drop_remainder=True)


# --- parity ----------------------------------------------------------------------------------

class StepLogs(keras.callbacks.Callback):
    """Records the logs after every training batch (running means over the epoch: step i's value
    depends on the losses of steps 1..i)."""

    def __init__(self):
        super().__init__()
        self.steps = []

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append({k: float(np.asarray(v)) for k, v in (logs or {}).items()})


@dataclasses.dataclass
class FitResult:
    logs: list
    weights: dict  # variable path -> value


def fit_case(case, strategy=None, run_eagerly=False, seed=0):
    """Build ``case`` (seeded, inside ``strategy``'s scope when given) and fit one epoch of
    ``STEPS`` global batches; returns the per-step logs and every model variable."""
    model = build_in(strategy, case.build, seed)
    model.run_eagerly = run_eagerly
    recorder = StepLogs()
    model.fit(dataset(case), epochs=1, verbose=0, shuffle=False, callbacks=[recorder])
    assert len(recorder.steps) == STEPS, recorder.steps
    return FitResult(recorder.steps, _variables(model))


def _variables(model):
    """Every variable by position and shape (auto-generated layer names differ between two builds)."""
    return {f"{i}:{tuple(v.shape)}": np.asarray(v) for i, v in enumerate(model.weights)}


def differences(a, b):
    """(largest |Δ| over all weights, largest |Δ| over all logged values) between two fits."""
    assert list(a.weights) == list(b.weights), "the two fits built different variables"
    dw = max(float(np.max(np.abs(a.weights[k].astype(np.float64) - b.weights[k].astype(np.float64)), initial=0.0))
             for k in a.weights)
    assert [set(s) for s in a.logs] == [set(s) for s in b.logs], (a.logs, b.logs)
    dl = max(abs(sa[k] - sb[k]) for sa, sb in zip(a.logs, b.logs) for k in sa)
    return dw, dl


def assert_same_fit(one, two, atol):
    """Every variable and every logged value of ``two`` equals ``one``'s within ``atol`` (relative
    to the value's size for logs)."""
    assert list(one.weights) == list(two.weights), "the two fits built different variables"
    for k in one.weights:
        np.testing.assert_allclose(two.weights[k], one.weights[k], rtol=1e-4, atol=atol, err_msg=k)
    for i, (sa, sb) in enumerate(zip(one.logs, two.logs)):
        assert set(sa) == set(sb), (sa, sb)
        for k in sa:
            assert np.isclose(sb[k], sa[k], rtol=1e-4, atol=atol), \
                f"step {i + 1} {k}: one device {sa[k]}, mirrored {sb[k]}"


def optimizers_of(model):
    """Every optimizer the model trains with (its attributes that are optimizers), by attribute name."""
    found = {name: value for name, value in vars(model).items()
             if isinstance(value, keras.optimizers.Optimizer) and name != "optimizer"}
    if not found and getattr(model, "optimizer", None) is not None:
        # Models with named optimizers leave Keras' default (unused) in .optimizer
        found["optimizer"] = model.optimizer
    unique, seen = {}, set()
    for name in sorted(found):
        if id(found[name]) not in seen:
            seen.add(id(found[name]))
            unique[name] = found[name]
    return unique


# --- the mutation ----------------------------------------------------------------------------

def _rebind(originals):
    """Replace every module attribute that *is* an original function by its replacement;
    returns the (module, name, original) triples to undo it."""
    undo = []
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            for original, replacement in originals:
                if value is original:
                    setattr(module, name, replacement)
                    undo.append((module, name, original))
    return undo


@contextlib.contextmanager
def replica_scaling_removed(scaling="cv2course"):
    """Within the block, losses are no longer divided by the number of replicas: for "cv2course",
    ``scale_for_replicas`` is the identity and ``global_mean`` the plain per-replica mean, in
    ``cv2course.distribute`` and in every module that imported them; for "keras", Keras' own
    ``scale_loss_for_distribution`` (the 1/R in a compiled loss's reduction) is the identity."""
    if scaling == "cv2course":
        import keras

        from cv2course import distribute

        assert hasattr(distribute, "scale_for_replicas"), \
            "cv2course.distribute.scale_for_replicas is gone: update tests/distributed.py's mutation"
        pairs = [(distribute.scale_for_replicas, lambda loss: loss)]
        if hasattr(distribute, "global_mean"):
            pairs.append((distribute.global_mean, lambda per_example: keras.ops.mean(per_example)))
    elif scaling == "keras":
        from keras.src.losses import loss as keras_loss

        pairs = [(keras_loss.scale_loss_for_distribution, lambda value: value)]
    else:
        raise ValueError(f"scaling must be 'cv2course' or 'keras', got {scaling!r}")
    undo = _rebind(pairs)
    assert undo, f"nothing bound the {scaling} replica scaling: the mutation would change nothing"
    try:
        yield
    finally:
        for module, name, original in undo:
            setattr(module, name, original)
