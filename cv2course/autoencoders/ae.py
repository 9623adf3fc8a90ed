"""Autoencoders: x → e(x) = h → d(h) = x̂, trained to make x̂ close to x.

- :class:`Autoencoder` takes any encoder and decoder; :mod:`cv2course.autoencoders.networks`
  builds the lecture's pairs (dense, convolutional, LSTM).
- :class:`DenoisingAutoencoder` corrupts the input inside ``train_step`` and reconstructs
  the clean image (Vincent et al. 2008).
- :class:`SparseAutoencoder` adds λ·Σ|h| (L1) or λ·Σ_j KL(ρ ‖ ρ̂_j) on the code (Ng 2011).
- :class:`LSTMAutoencoder` encodes a whole sequence into one vector and decodes it back
  (Srivastava et al. 2015); its reconstruction error is an anomaly score.

Loss convention (see :mod:`cv2course.autoencoders.losses`): ‖x − x̂‖² summed over the
pixels of each example, averaged over the global batch. Labels in the data (e.g. the
``(image, label)`` pairs of ``cv2course.data.digits(as_dataset=True)``) are ignored: the
target is always the input itself.

Each model's ``train_step`` is its whole objective and update, top to bottom: the per-replica
batch mean of the loss, one update down it by ``descend`` (:class:`cv2course.trainable.TrainableModel`:
its gradient divided by the replicas, whose gradients the optimizer sums, times the loss scale
under "mixed_float16", where ``compile`` makes the optimizer a ``LossScaleOptimizer`` whose
``apply`` unscales the gradients and skips non-finite steps). Under "mixed_bfloat16" or
"mixed_float16" (set before building) the networks compute in 16 bits, the losses in float32.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from cv2course.autoencoders import losses
from cv2course.autoencoders.networks import (conv_decoder, conv_encoder, dense_decoder,  # noqa: F401  (ae.*)
                                             dense_encoder, lstm_decoder, lstm_encoder)
from cv2course.autoencoders.noise import NOISE_KINDS, corrupt
from cv2course.checks import check_choice, check_positive
from cv2course.distribute import global_batch_mean, replica_seed
from cv2course.trainable import TrainableModel

# ---------------------------------------------------------------- batches


def check_input_shape(x, expected, name="x"):
    """Raise a ValueError naming ``name`` when ``x``'s shape after the batch axis is not ``expected``."""
    got = tuple(x.shape)
    if len(got) != len(expected) + 1 or any(e is not None and g is not None and int(g) != e
                                            for g, e in zip(got[1:], expected)):
        want = ", ".join(str(e) for e in expected)
        raise ValueError(f"{name} must have shape (batch, {want}), got {got}")


#: What an encoder-decoder model (the autoencoders, the VAE) reads off its networks.
INPUT_DIMS = property(lambda self: tuple(self.encoder.input_shape[1:]), doc="Shape of one input, e.g. (28, 28, 1).")
LATENT_DIM = property(lambda self: int(self.decoder.input_shape[-1]), doc="Size of the code z.")


def batch_inputs(model, data):
    """A training batch's inputs as float32, shape-checked against ``model.input_dims`` (labels and
    targets in ``data`` are ignored)."""
    x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
    check_input_shape(x, model.input_dims)
    return keras.ops.cast(x, "float32")


def with_networks(config):
    """A saved config with its ``encoder`` and ``decoder`` deserialized."""
    return {**config, **{part: keras.saving.deserialize_keras_object(config[part]) for part in ("encoder", "decoder")}}


def as_batch(x, expected, name="x"):
    """``x`` as a float32 NumPy batch of shape (n, *expected); one example is given a batch axis."""
    try:
        arr = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from exc
    if arr.ndim == len(expected):
        arr = arr[None]
    check_input_shape(arr, expected, name)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def batched_call(fn, x, batch_size=512):
    """Apply a Keras model/function to ``x`` in batches; NumPy in, NumPy (or a list of them) out."""
    outs = [fn(x[i:i + batch_size], training=False) for i in range(0, len(x), batch_size)]
    if isinstance(outs[0], (list, tuple)):
        return [np.concatenate([ops.convert_to_numpy(o[k]) for o in outs]) for k in range(len(outs[0]))]
    return np.concatenate([ops.convert_to_numpy(o) for o in outs])


# ---------------------------------------------------------------- models


@keras.saving.register_keras_serializable(package="cv2course")
class Autoencoder(TrainableModel):
    """x̂ = d(e(x)) trained on ‖x − x̂‖² (summed over pixels, averaged over the batch).

    ``encoder`` maps a batch of inputs to codes (batch, latent_dim); ``decoder`` maps codes
    back to the input's shape. Trackers: ``loss`` and ``reconstruction`` (equal here;
    subclasses add penalty terms to ``loss``).
    """

    tracker_names = ("loss", "reconstruction")
    #: Adam(1e-3) for encoder and decoder together, Keras' own ``model.optimizer``.
    optimizers = TrainableModel.optimizers
    #: jit_compile when compile() is not told (benchmarks/autoencoders.py measures both).
    default_jit_compile = False

    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        for name, part in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(part, keras.Model):
                raise TypeError(f"{name} must be a keras.Model (e.g. from dense_{name} or conv_{name}), "
                                f"got {type(part).__name__}")
        self.encoder = encoder
        self.decoder = decoder
        self._check_parts()
        self._finish_init(Autoencoder)

    def _finish_init(self, cls):
        # Keras locks a layer's state once it is built, so only the most derived class marks
        # the model built, after all its state exists (the encoder and decoder arrive built).
        if type(self) is cls:
            self.build()

    input_dims, latent_dim, inputs = INPUT_DIMS, LATENT_DIM, batch_inputs

    def _check_parts(self):
        code = self.encoder.output_shape
        if isinstance(code, list):
            raise ValueError(f"encoder must have one output (the code), got {len(code)} outputs {code}; "
                             "a variational encoder belongs in cv2course.autoencoders.VAE")
        z = self.decoder.input_shape
        if code[-1] != z[-1]:
            raise ValueError(f"the encoder's code size {code[-1]} differs from the decoder's input size {z[-1]}")
        out = tuple(self.decoder.output_shape[1:])
        if out != self.input_dims:
            raise ValueError(f"the decoder's output shape {out} differs from the encoder's input shape {self.input_dims}")

    # -- forward
    def call(self, x, training=False):
        check_input_shape(x, self.input_dims)
        return self.decoder(self.encoder(x, training=training), training=training)

    def encode(self, x, batch_size=512):
        """Codes e(x) of a NumPy batch, shape (n, latent_dim)."""
        return batched_call(self.encoder, as_batch(x, self.input_dims), batch_size)

    def decode(self, z, batch_size=512):
        """Decodings d(z) of codes (n, latent_dim) as a NumPy batch."""
        return batched_call(self.decoder, as_batch(z, (self.latent_dim,), "z"), batch_size)

    def reconstruct(self, x, batch_size=512):
        """x̂ = d(e(x)) of a NumPy batch."""
        return batched_call(self, as_batch(x, self.input_dims), batch_size)

    def reconstruction_errors(self, x, batch_size=512):
        """Per-example mean squared error (1/D)‖x − x̂‖², shape (n,): an anomaly score."""
        x = as_batch(x, self.input_dims)
        return ops.convert_to_numpy(losses.mean_squared_error(x, self.reconstruct(x, batch_size)))

    # -- training
    def train_step(self, data):
        """x̂ = d(e(x)); one step down ‖x − x̂‖² (batch mean)."""
        x = self.inputs(data)
        with tf.GradientTape() as tape:
            x_hat = self(x, training=True)
            reconstruction = ops.mean(losses.reconstruction_loss(x, x_hat))
        self.descend(self.optimizer, tape, reconstruction, self.trainable_variables)
        return self.record({"loss": reconstruction, "reconstruction": reconstruction})

    def test_step(self, data):
        x = self.inputs(data)
        reconstruction = ops.mean(losses.reconstruction_loss(x, self(x, training=False)))
        return self.record({"loss": reconstruction, "reconstruction": reconstruction})

    # -- serialisation
    def build(self, input_shape=None):
        # The encoder and decoder arrive built; nothing to create here.
        self.built = True

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        return cls(**with_networks(config))


@keras.saving.register_keras_serializable(package="cv2course")
class DenoisingAutoencoder(Autoencoder):
    """Reconstruct the clean x from a corrupted x̃ (Vincent et al. 2008): loss ‖x − d(e(x̃))‖².

    ``noise``: ``"gaussian"`` (``strength`` = σ, default 0.3) or ``"salt_and_pepper"``
    (``strength`` = fraction of pixels, e.g. 0.2). The corruption happens inside
    ``train_step`` and ``test_step`` (so ``evaluate`` measures denoising); ``call`` and
    ``reconstruct`` denoise whatever they are given. Set ``noise_source`` (``f("corruption", x, 0)
    → x̃``) to replace the random corruption, e.g. with a deterministic one in a parity test.
    The corruption's random stream is saved with the weights.
    """

    def __init__(self, encoder, decoder, noise="gaussian", strength=0.3, seed=None, **kwargs):
        super().__init__(encoder, decoder, seed=seed, **kwargs)
        self.noise = check_choice(noise, "noise", NOISE_KINDS)
        self.strength = float(check_positive(strength, "strength", allow_zero=True))
        if self.noise == "salt_and_pepper" and self.strength > 1:
            raise ValueError(f"strength (fraction of corrupted pixels) must lie in [0, 1], got {strength!r}")
        self._finish_init(DenoisingAutoencoder)

    def corrupt(self, x):
        """x̃: the named random corruption (each replica its own draw), or ``noise_source("corruption", x, 0)``."""
        return self.draw("corruption", x, 0,
                         lambda: corrupt(x, self.noise, self.strength, seed=replica_seed(self.seed_generator.next())))

    def train_step(self, data):
        """x̃ ~ q(x̃|x); x̂ = d(e(x̃)); one step down ‖x − x̂‖² against the clean x."""
        x = self.inputs(data)
        with tf.GradientTape() as tape:
            x_hat = self(self.corrupt(x), training=True)
            reconstruction = ops.mean(losses.reconstruction_loss(x, x_hat))
        self.descend(self.optimizer, tape, reconstruction, self.trainable_variables)
        return self.record({"loss": reconstruction, "reconstruction": reconstruction})

    def test_step(self, data):
        x = self.inputs(data)
        reconstruction = ops.mean(losses.reconstruction_loss(x, self(self.corrupt(x), training=False)))
        return self.record({"loss": reconstruction, "reconstruction": reconstruction})

    def get_config(self):
        return {**super().get_config(), "noise": self.noise, "strength": self.strength, "seed": self.seed}


@keras.saving.register_keras_serializable(package="cv2course")
class SparseAutoencoder(Autoencoder):
    """Autoencoder with a sparsity penalty on the code h = e(x) (Ng 2011).

    - ``sparsity="l1"``: loss = ‖x − x̂‖² + λ·Σ_j |h_j| (per example, batch mean);
    - ``sparsity="kl"``: loss = ‖x − x̂‖² + λ·Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j = the mean activation of
      unit j over the global batch (all replicas); needs codes in (0, 1)
      (``code_activation="sigmoid"``).

    ``weight`` is λ, ``target`` is ρ (KL only). Trackers: loss, reconstruction, sparsity
    (the penalty before weighting).
    """

    tracker_names = ("loss", "reconstruction", "sparsity")

    def __init__(self, encoder, decoder, sparsity="kl", weight=None, target=0.05, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.sparsity = check_choice(sparsity, "sparsity", ("l1", "kl"))
        if weight is None:
            weight = 3.0 if sparsity == "kl" else 0.05
        self.weight = float(check_positive(weight, "weight", allow_zero=True))
        if not 0.0 < float(target) < 1.0:
            raise ValueError(f"target (the activation ρ) must lie in (0, 1), got {target!r}")
        self.target = float(target)
        self._finish_init(SparseAutoencoder)

    def penalty(self, code):
        """The unweighted sparsity term: batch mean of Σ_j |h_j|, or Σ_j KL(ρ ‖ ρ̂_j)."""
        if self.sparsity == "l1":
            return ops.mean(losses.l1_activity(code))
        return losses.sparse_kl(self.target, global_batch_mean(ops.cast(code, "float32")))

    def train_step(self, data):
        """h = e(x), x̂ = d(h); one step down ‖x − x̂‖² + λ·penalty(h)."""
        x = self.inputs(data)
        with tf.GradientTape() as tape:
            code = self.encoder(x, training=True)
            reconstruction = ops.mean(losses.reconstruction_loss(x, self.decoder(code, training=True)))
            sparsity = self.penalty(code)
            loss = reconstruction + self.weight * sparsity
        self.descend(self.optimizer, tape, loss, self.trainable_variables)
        return self.record({"loss": loss, "reconstruction": reconstruction, "sparsity": sparsity})

    def test_step(self, data):
        x = self.inputs(data)
        code = self.encoder(x, training=False)
        reconstruction = ops.mean(losses.reconstruction_loss(x, self.decoder(code, training=False)))
        sparsity = self.penalty(code)
        return self.record({"loss": reconstruction + self.weight * sparsity, "reconstruction": reconstruction,
                            "sparsity": sparsity})

    def get_config(self):
        return {**super().get_config(), "sparsity": self.sparsity, "weight": self.weight, "target": self.target}


@keras.saving.register_keras_serializable(package="cv2course")
class LSTMAutoencoder(Autoencoder):
    """Sequence autoencoder (Srivastava et al. 2015): LSTM encoder → code → RepeatVector → LSTM
    decoder → values, trained like :class:`Autoencoder` (its ``train_step``).

    Inputs are (batch, timesteps, features) float sequences (not limited to [0, 1]);
    :meth:`anomaly_scores` is each sequence's mean squared reconstruction error: trained on
    normal sequences, the model reconstructs anomalies badly.
    """

    def __init__(self, timesteps, features=1, latent_dim=16, units=64, **kwargs):
        super().__init__(lstm_encoder(timesteps, features, latent_dim, units),
                         lstm_decoder(latent_dim, timesteps, features, units), **kwargs)
        self.timesteps, self.features, self.units = int(timesteps), int(features), int(units)
        self._finish_init(LSTMAutoencoder)

    def anomaly_scores(self, x, batch_size=512):
        """(1/(T·F)) Σ_t (x_t − x̂_t)² per sequence, shape (n,)."""
        return self.reconstruction_errors(x, batch_size)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "timesteps": self.timesteps,
                "features": self.features, "latent_dim": self.latent_dim, "units": self.units}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def dense_autoencoder(input_shape=(28, 28, 1), latent_dim=32, hidden=(256, 128), code_activation=None):
    """``Autoencoder(dense_encoder(...), dense_decoder(...))`` with mirrored hidden sizes."""
    return Autoencoder(dense_encoder(input_shape, latent_dim, hidden, code_activation),
                       dense_decoder(latent_dim, input_shape, tuple(reversed(tuple(hidden)))))


def conv_autoencoder(input_shape=(28, 28, 1), latent_dim=32, filters=(32, 64), dense_units=128):
    """``Autoencoder(conv_encoder(...), conv_decoder(...))`` with mirrored filter counts."""
    return Autoencoder(conv_encoder(input_shape, latent_dim, filters, dense_units),
                       conv_decoder(latent_dim, input_shape, tuple(reversed(tuple(filters))), dense_units))
