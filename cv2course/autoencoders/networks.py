"""The encoders and decoders of the lecture's autoencoders, as functions returning built
``keras.Model`` objects: dense (MLP), convolutional (strided convolutions down, transposed up)
and LSTM (a sequence to one vector and back). ``variational=True`` gives an encoder with two
heads, [z_mean, z_log_var], for :class:`cv2course.autoencoders.VAE`. Decoders end in a sigmoid
(images in [0, 1]) unless told otherwise; the LSTM decoder is linear.
"""
import keras
import numpy as np
from keras import layers

from cv2course.checks import check_positive


def _shape_tuple(shape, name):
    try:
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a tuple of positive ints such as (28, 28, 1), got {shape!r}") from exc
    if not shape or any(s <= 0 for s in shape):
        raise ValueError(f"{name} must be a tuple of positive ints such as (28, 28, 1), got {shape!r}")
    return shape


def _latent(latent_dim):
    return int(check_positive(latent_dim, "latent_dim", integer=True))


def _units(values, name):
    values = tuple(values)
    for v in values:
        check_positive(v, f"every entry of {name}", integer=True)
    return values


def _code_heads(h, latent_dim, code_activation, variational):
    if variational:
        return [layers.Dense(latent_dim, name="z_mean")(h), layers.Dense(latent_dim, name="z_log_var")(h)]
    return layers.Dense(latent_dim, activation=code_activation, name="code")(h)


def dense_encoder(input_shape, latent_dim, hidden=(256, 128), code_activation=None, variational=False,
                  name="encoder"):
    """Flatten → Dense(hidden..., ReLU) → Dense(latent_dim, ``code_activation``).

    ``variational=True`` gives two heads, ``[z_mean, z_log_var]``, for the VAE. Use
    ``code_activation="sigmoid"`` for a KL-sparse code (activations in (0, 1)).
    """
    input_shape = _shape_tuple(input_shape, "input_shape")
    latent_dim = _latent(latent_dim)
    inputs = keras.Input(input_shape, name="x")
    h = layers.Flatten()(inputs)
    for i, units in enumerate(_units(hidden, "hidden")):
        h = layers.Dense(units, activation="relu", name=f"dense_{i}")(h)
    return keras.Model(inputs, _code_heads(h, latent_dim, code_activation, variational), name=name)


def dense_decoder(latent_dim, output_shape, hidden=(128, 256), output_activation="sigmoid", name="decoder"):
    """Dense(hidden..., ReLU) → Dense(prod(output_shape), sigmoid) → Reshape: codes to images in [0, 1]."""
    latent_dim = _latent(latent_dim)
    output_shape = _shape_tuple(output_shape, "output_shape")
    inputs = keras.Input((latent_dim,), name="z")
    h = inputs
    for i, units in enumerate(_units(hidden, "hidden")):
        h = layers.Dense(units, activation="relu", name=f"dense_{i}")(h)
    h = layers.Dense(int(np.prod(output_shape)), activation=output_activation, name="pixels")(h)
    return keras.Model(inputs, layers.Reshape(output_shape)(h), name=name)


def _check_divisible(shape, filters, name):
    factor = 2 ** len(filters)
    if len(shape) != 3 or shape[0] % factor or shape[1] % factor:
        raise ValueError(f"{name} must be (height, width, channels) with height and width divisible by "
                         f"2**len(filters) = {factor} (one stride-2 convolution per entry of filters), got {shape}")


def conv_encoder(input_shape, latent_dim, filters=(32, 64), dense_units=128, code_activation=None,
                 variational=False, name="encoder"):
    """[Conv2D(f, 3, stride 2, ReLU)]×len(filters) → Flatten → Dense(dense_units, ReLU) → Dense(latent_dim).

    Each convolution halves the image side (28 → 14 → 7). ``variational=True`` gives the
    VAE's two heads ``[z_mean, z_log_var]``; ``dense_units=0`` drops the hidden dense layer.
    """
    input_shape = _shape_tuple(input_shape, "input_shape")
    latent_dim = _latent(latent_dim)
    filters = _units(filters, "filters")
    _check_divisible(input_shape, filters, "input_shape")
    inputs = keras.Input(input_shape, name="x")
    h = inputs
    for i, f in enumerate(filters):
        h = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"conv_{i}")(h)
    h = layers.Flatten()(h)
    if dense_units:
        h = layers.Dense(int(check_positive(dense_units, "dense_units", integer=True)), activation="relu",
                         name="dense")(h)
    return keras.Model(inputs, _code_heads(h, latent_dim, code_activation, variational), name=name)


def conv_decoder(latent_dim, output_shape, filters=(64, 32), dense_units=128, output_activation="sigmoid",
                 name="decoder"):
    """Dense → Reshape(h/2^k, w/2^k, filters[0]) → [Conv2DTranspose(f, 3, stride 2, ReLU)]×k → Conv2D(c, 3, sigmoid).

    The mirror image of :func:`conv_encoder` (k = len(filters)); outputs images in [0, 1].
    """
    latent_dim = _latent(latent_dim)
    output_shape = _shape_tuple(output_shape, "output_shape")
    filters = _units(filters, "filters")
    _check_divisible(output_shape, filters, "output_shape")
    k = 2 ** len(filters)
    h0, w0 = output_shape[0] // k, output_shape[1] // k
    inputs = keras.Input((latent_dim,), name="z")
    h = inputs
    if dense_units:
        h = layers.Dense(int(check_positive(dense_units, "dense_units", integer=True)), activation="relu",
                         name="dense")(h)
    h = layers.Dense(h0 * w0 * filters[0], activation="relu", name="project")(h)
    h = layers.Reshape((h0, w0, filters[0]))(h)
    for i, f in enumerate(filters):
        h = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"deconv_{i}")(h)
    outputs = layers.Conv2D(output_shape[2], 3, padding="same", activation=output_activation, name="pixels")(h)
    return keras.Model(inputs, outputs, name=name)


def lstm_encoder(timesteps, features, latent_dim, units=64, name="encoder"):
    """LSTM(units) over the sequence → its last state → Dense(latent_dim): one vector per sequence."""
    timesteps = int(check_positive(timesteps, "timesteps", integer=True))
    features = int(check_positive(features, "features", integer=True))
    inputs = keras.Input((timesteps, features), name="x")
    h = layers.LSTM(int(check_positive(units, "units", integer=True)), name="lstm")(inputs)
    return keras.Model(inputs, layers.Dense(_latent(latent_dim), name="code")(h), name=name)


def lstm_decoder(latent_dim, timesteps, features, units=64, name="decoder"):
    """RepeatVector(timesteps) → LSTM(units, return_sequences) → TimeDistributed(Dense(features)), linear output."""
    timesteps = int(check_positive(timesteps, "timesteps", integer=True))
    features = int(check_positive(features, "features", integer=True))
    inputs = keras.Input((_latent(latent_dim),), name="z")
    h = layers.RepeatVector(timesteps)(inputs)
    h = layers.LSTM(int(check_positive(units, "units", integer=True)), return_sequences=True, name="lstm")(h)
    return keras.Model(inputs, layers.TimeDistributed(layers.Dense(features), name="values")(h), name=name)
