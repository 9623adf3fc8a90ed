"""The variational autoencoder (Kingma & Welling 2014) and its sampling layer.

The encoder gives a Gaussian q_φ(z|x) = N(μ(x), σ²(x)) per input; a code is drawn with the
reparameterisation z = μ + σ ⊙ ε, ε ~ N(0, I), so gradients flow to μ and σ; the decoder
maps z back to an image. The loss per example is the negative ELBO (summed over pixels,
averaged over the batch; :func:`cv2course.autoencoders.losses.negative_elbo`):

    −ELBO(x) = ‖x − x̂‖² + β · KL[N(μ, σ²) ‖ N(0, I)]

Training is the paper's Algorithm 1 (AEVB, one sample of ε per example), ``VAE.train_step``:

    1  X ← a random minibatch of M examples
    2  ε ← M random draws from p(ε) = N(0, I)
    3  z = μ_φ(x) + σ_φ(x) ⊙ ε;  x̂ = d_θ(z)
    4  g ← ∇_θ,φ mean over the minibatch of −ELBO(x)
    5  θ, φ ← update with g (Adam(1e-3) by default)

The KL term pulls every q(z|x) towards the prior, which makes the latent space continuous
(near codes decode to similar images) and complete (any z ~ N(0, I) decodes to a digit).

Distribution and precision: ε is drawn statelessly from the model's seed generator with the
replica id folded in (replicas draw different ε), and that generator's state is saved with the
weights (``BackupAndRestore`` resumes the same stream). Under "mixed_bfloat16" or
"mixed_float16" (set before building) the networks compute in 16 bits, ε and the loss in
float32, and under "mixed_float16" ``compile`` wraps the optimizer in ``LossScaleOptimizer``
(``descend`` scales the loss's gradient; ``apply`` unscales).
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from cv2course.autoencoders import losses
from cv2course.autoencoders.ae import (INPUT_DIMS, LATENT_DIM, as_batch, batch_inputs, batched_call, check_input_shape,
                                       with_networks)
from cv2course.checks import check_positive
from cv2course.distribute import replica_seed
from cv2course.trainable import TrainableModel, load_with_seed_state, save_with_seed_state


def sample_epsilon(seed_generator, shape):
    """ε ~ N(0, I) of ``shape``, float32: a stateless Philox draw from ``seed_generator``'s next
    seed with this replica's id folded in (the same numbers with and without XLA)."""
    seed = replica_seed(seed_generator.next())
    return tf.random.stateless_normal(shape, seed=seed, alg="philox")


def reparameterize(z_mean, z_log_var, epsilon):
    """z = μ + σ ⊙ ε with σ = exp(½ log σ²): a sample of N(μ, σ²) that is differentiable in μ and σ."""
    z_mean = ops.convert_to_tensor(z_mean)
    return z_mean + ops.exp(0.5 * ops.cast(z_log_var, z_mean.dtype)) * ops.cast(epsilon, z_mean.dtype)


@keras.saving.register_keras_serializable(package="cv2course")
class Sampling(keras.layers.Layer):
    """``Sampling()([z_mean, z_log_var])`` → z = μ + exp(½ log σ²) ⊙ ε with a fresh ε ~ N(0, I).

    Pass ``epsilon=`` to use given draws instead (tests, or the same ε on every replica).
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, epsilon=None):
        z_mean, z_log_var = inputs
        if epsilon is None:
            epsilon = keras.random.normal(ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator)
        return reparameterize(z_mean, z_log_var, epsilon)

    def save_own_variables(self, store):
        save_with_seed_state(store, self.seed_generator, super().save_own_variables)

    def load_own_variables(self, store):
        load_with_seed_state(store, self.seed_generator, super().load_own_variables)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="cv2course")
class VAE(TrainableModel):
    """β-VAE with a Gaussian encoder ``[z_mean, z_log_var] = encoder(x)`` and a decoder z → x̂.

    Build the parts with ``dense_encoder(..., variational=True)`` / ``conv_encoder(...,
    variational=True)`` and ``dense_decoder`` / ``conv_decoder``. Trackers: ``loss``
    (the negative ELBO estimate for β = 1), ``reconstruction``, ``kl``; ``test_step``
    reports the same terms with one sample of z, so ``validation_data`` works.
    ``call(x)`` decodes the mean μ(x) (deterministic) unless ``training=True``.
    Set ``noise_source`` (``f("epsilon", z_mean, 0)`` → ε) to replace the random ε, e.g. in a parity test.
    """

    tracker_names = ("loss", "reconstruction", "kl")
    #: Adam(1e-3) for encoder and decoder together, Keras' own ``model.optimizer``.
    optimizers = TrainableModel.optimizers

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        for name, part in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(part, keras.Model):
                raise TypeError(f"{name} must be a keras.Model, got {type(part).__name__}")
        heads = encoder.output_shape
        if not (isinstance(heads, list) and len(heads) == 2 and heads[0] == heads[1]):
            raise ValueError("encoder must output [z_mean, z_log_var] of equal shape (build it with "
                             f"dense_encoder(..., variational=True) or conv_encoder(..., variational=True)), got {heads}")
        if heads[0][-1] != decoder.input_shape[-1]:
            raise ValueError(f"the encoder's latent size {heads[0][-1]} differs from the decoder's input size "
                             f"{decoder.input_shape[-1]}")
        if tuple(decoder.output_shape[1:]) != tuple(encoder.input_shape[1:]):
            raise ValueError(f"the decoder's output shape {tuple(decoder.output_shape[1:])} differs from the "
                             f"encoder's input shape {tuple(encoder.input_shape[1:])}")
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(check_positive(beta, "beta", allow_zero=True))
        if type(self) is VAE:  # a subclass builds after creating its own state (Keras locks built layers)
            self.build()

    # -- forward
    input_dims, latent_dim, inputs = INPUT_DIMS, LATENT_DIM, batch_inputs

    def sample_epsilon(self, z_mean):
        """ε ~ N(0, I) shaped like μ: a fresh draw, or ``noise_source("epsilon", z_mean, 0)``."""
        return self.draw("epsilon", z_mean, 0, lambda: sample_epsilon(self.seed_generator, ops.shape(z_mean)))

    def call(self, x, training=False):
        check_input_shape(x, self.input_dims)
        z_mean, z_log_var = self.encoder(x, training=training)
        z = reparameterize(z_mean, z_log_var, self.sample_epsilon(z_mean)) if training else z_mean
        return self.decoder(z, training=training)

    def encode(self, x, batch_size=512):
        """(μ, log σ²) of a NumPy batch, each (n, latent_dim)."""
        return tuple(batched_call(self.encoder, as_batch(x, self.input_dims), batch_size))

    def decode(self, z, batch_size=512):
        """Images decoded from codes z (n, latent_dim)."""
        return batched_call(self.decoder, as_batch(z, (self.latent_dim,), "z"), batch_size)

    def reconstruct(self, x, batch_size=512):
        """d(μ(x)): the deterministic reconstruction of a NumPy batch."""
        return batched_call(self, as_batch(x, self.input_dims), batch_size)

    def sample(self, n, seed=None):
        """n new images: decode z ~ N(0, I) (a NumPy generator seeded with ``seed``)."""
        n = int(check_positive(n, "n", integer=True))
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        return self.decode(z)

    def interpolate(self, x_a, x_b, steps=8):
        """Decodings of (1 − t)·μ(x_a) + t·μ(x_b) for ``steps`` values of t from 0 to 1."""
        steps = int(check_positive(steps, "steps", integer=True))
        mu_a = self.encode(as_batch(x_a, self.input_dims, "x_a")[:1])[0]
        mu_b = self.encode(as_batch(x_b, self.input_dims, "x_b")[:1])[0]
        t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        return self.decode((1.0 - t) * mu_a + t * mu_b)

    # -- training: Algorithm 1 of the module docstring
    def train_step(self, data):
        x = self.inputs(data)                                                       # line 1
        with tf.GradientTape() as tape:
            z_mean, z_log_var = self.encoder(x, training=True)                      # q_φ(z|x) = N(μ, σ²)
            epsilon = self.sample_epsilon(z_mean)                                   # line 2
            x_hat = self.decoder(reparameterize(z_mean, z_log_var, epsilon), training=True)  # line 3
            loss = ops.mean(losses.negative_elbo(x, x_hat, z_mean, z_log_var, self.beta))  # line 4
        self.descend(self.optimizer, tape, loss, self.trainable_variables)                # line 5
        return self.record({"loss": loss, **elbo_parts(x, x_hat, z_mean, z_log_var)})

    def test_step(self, data):
        """−ELBO and its parts on one sample of ε per example, without an update."""
        x = self.inputs(data)
        z_mean, z_log_var = self.encoder(x, training=False)
        x_hat = self.decoder(reparameterize(z_mean, z_log_var, self.sample_epsilon(z_mean)), training=False)
        loss = ops.mean(losses.negative_elbo(x, x_hat, z_mean, z_log_var, self.beta))
        return self.record({"loss": loss, **elbo_parts(x, x_hat, z_mean, z_log_var)})

    # -- serialisation
    def build(self, input_shape=None):
        # The encoder and decoder arrive built.
        self.built = True

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "beta": self.beta, "seed": self.seed,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config):
        return cls(**with_networks(config))


def elbo_parts(x, x_hat, z_mean, z_log_var):
    """The two terms of −ELBO that the VAE tracks, as batch means: ``reconstruction`` ‖x − x̂‖²
    and ``kl`` KL[N(μ, σ²) ‖ N(0, I)]."""
    return {"reconstruction": ops.mean(losses.reconstruction_loss(x, x_hat)),
            "kl": ops.mean(losses.vae_kl(z_mean, z_log_var))}


def conv_vae(input_shape=(28, 28, 1), latent_dim=2, filters=(32, 64), dense_units=128, beta=1.0, seed=None):
    """The lecture's convolutional VAE: ``conv_encoder(variational=True)`` + ``conv_decoder``."""
    from cv2course.autoencoders.ae import conv_decoder, conv_encoder

    encoder = conv_encoder(input_shape, latent_dim, filters, dense_units, variational=True)
    decoder = conv_decoder(latent_dim, input_shape, tuple(reversed(filters)), dense_units)
    return VAE(encoder, decoder, beta=beta, seed=seed)


def dense_vae(input_shape=(28, 28, 1), latent_dim=2, hidden=(256, 128), beta=1.0, seed=None):
    """A fully connected VAE: ``dense_encoder(variational=True)`` + ``dense_decoder``."""
    from cv2course.autoencoders.ae import dense_decoder, dense_encoder

    encoder = dense_encoder(input_shape, latent_dim, hidden, variational=True)
    decoder = dense_decoder(latent_dim, input_shape, tuple(reversed(hidden)))
    return VAE(encoder, decoder, beta=beta, seed=seed)
