"""What the GAN-family tests share: tiny model sizes, deterministic noise from each real row,
a fit-save-load round trip, and a discriminator that records the real batches it is shown."""
import keras
import numpy as np
import tensorflow as tf

TINY = dict(latent_dim=4, base_filters=4)
_W = np.random.default_rng(0).standard_normal((28 * 28, 4)).astype(np.float32) / 28.0


def row_latents(real, step):
    """Deterministic z from each real row (and the step): the same on one device and on replicas."""
    flat = tf.reshape(tf.cast(real, tf.float32), (tf.shape(real)[0], -1))
    return tf.tanh(flat @ _W + tf.cast(step, tf.float32))


def row_epsilons(real, step):
    flat = tf.reshape(tf.cast(real, tf.float32), (tf.shape(real)[0], -1))
    return tf.sigmoid(tf.reduce_mean(flat, axis=1) * 5.0 + tf.cast(step, tf.float32))


def deterministic(model):
    model.noise_source = lambda kind, rows, step: (row_latents if kind == "z" else row_epsilons)(rows, step)
    return model


def fit_save_load(model, ds, path):
    """Fit ``model`` one epoch on ``ds``, save it to ``path`` and load it back; both optimizers'
    states (slots and iteration counts) must arrive intact. Returns the loaded model."""
    model.fit(ds, epochs=1, verbose=0)
    model.save(path)
    loaded = keras.models.load_model(path)
    for a, b in zip(model.discriminator_optimizer.variables + model.generator_optimizer.variables,
                    loaded.discriminator_optimizer.variables + loaded.generator_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    return loaded


@keras.saving.register_keras_serializable(package="cv2course_tests")
class Recorder(keras.layers.Layer):
    """Identity layer that remembers every batch it sees when run eagerly."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, x):
        if tf.executing_eagerly():
            self.seen.append(np.array(x))
        return x


def recording_discriminator(norm_free=True):
    recorder = Recorder()
    inp = keras.Input((28, 28, 1))
    h = keras.layers.Flatten()(recorder(inp))
    return keras.Model(inp, keras.layers.Dense(1)(h)), recorder


def real_batches_seen(recorder, batch):
    """The recorded inputs that are real images (rows of ``batch`` mapped to [-1, 1])."""
    real = batch * 2.0 - 1.0
    out = []
    for seen in recorder.seen:
        match = [np.flatnonzero(np.all(np.isclose(real.reshape(len(real), -1), s.reshape(1, -1), atol=1e-6), axis=1))
                 for s in seen]
        if all(len(m) == 1 for m in match):
            out.append(sorted(int(m[0]) for m in match))
    return out
