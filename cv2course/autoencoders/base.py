"""What every encoder–decoder model of the course shares: one loss, tracked terms, and
Keras 3 plumbing (compile defaults, compile config for save/load, MirroredStrategy scaling).

A subclass sets ``tracker_names`` (``"loss"`` first), holds ``encoder`` and ``decoder``
(built ``keras.Model`` objects), and defines ``loss_terms(x, training)`` returning a dict
of per-replica batch means with those names; ``loss`` is what is minimised.
"""
import keras
from keras import ops

from cv2course.distribute import scale_for_replicas


def check_input_shape(x, expected, name="x"):
    """Raise a ValueError naming ``name`` when ``x``'s shape after the batch axis is not ``expected``."""
    got = tuple(x.shape)
    if len(got) != len(expected) + 1 or any(e is not None and g is not None and int(g) != e
                                            for g, e in zip(got[1:], expected)):
        want = ", ".join(str(e) for e in expected)
        raise ValueError(f"{name} must have shape (batch, {want}), got {got}")


class EncoderDecoderModel(keras.Model):
    """Base of :class:`~cv2course.autoencoders.Autoencoder` and :class:`~cv2course.autoencoders.VAE`."""

    tracker_names = ("loss",)

    @property
    def input_dims(self):
        """Shape of one input example, e.g. (28, 28, 1)."""
        return tuple(self.encoder.input_shape[1:])

    @property
    def latent_dim(self):
        return int(self.decoder.input_shape[-1])

    @property
    def metrics(self):
        return list(self.trackers.values())

    def loss_terms(self, x, training):
        raise NotImplementedError

    def _inputs(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        check_input_shape(x, self.input_dims)
        return ops.cast(x, "float32")

    def _record(self, terms):
        for name, tracker in self.trackers.items():
            tracker.update_state(terms[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        import tensorflow as tf

        x = self._inputs(data)
        with tf.GradientTape() as tape:
            terms = self.loss_terms(x, training=True)
            # The optimizer sums replica gradients: differentiate loss / R (see cv2course.distribute).
            scaled = scale_for_replicas(terms["loss"])
        grads = tape.gradient(scaled, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._record(terms)

    def test_step(self, data):
        return self._record(self.loss_terms(self._inputs(data), training=False))

    def compile(self, optimizer=None, **kwargs):
        """Adam(1e-3) unless another optimizer is given; extra keywords go to ``keras.Model.compile``."""
        if optimizer is None:
            optimizer = keras.optimizers.Adam(learning_rate=1e-3)
        elif isinstance(optimizer, str):
            optimizer = keras.optimizers.get(optimizer)
        super().compile(optimizer=optimizer, **kwargs)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {"optimizer": keras.saving.serialize_keras_object(self.optimizer)}

    def compile_from_config(self, config):
        self.compile(optimizer=keras.saving.deserialize_keras_object(config["optimizer"]))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)
