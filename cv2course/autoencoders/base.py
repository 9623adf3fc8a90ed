"""What every encoder–decoder model of the course shares: Keras 3 plumbing, not the objective.

- ``compile(optimizer=None, jit_compile=None)``: one optimizer for encoder and decoder,
  Adam(1e-3) unless given (an optimizer or its name), XLA per ``default_jit_compile`` unless
  told; under the "mixed_float16" policy Keras wraps it in ``LossScaleOptimizer``, and the
  steps differentiate ``optimizer.scale_loss(...)`` and call ``optimizer.apply``;
  ``get_compile_config``/``compile_from_config`` so that ``load_model`` resumes training;
- trackers: one ``keras.metrics.Mean`` per name in ``tracker_names``, :meth:`record`;
- :meth:`inputs`: the batch's inputs (labels ignored), shape-checked, float32;
- the state of ``seed_generator`` (models with a random draw in their step) saved with the
  weights, so that a fit resumed by ``BackupAndRestore`` draws what an uninterrupted one would.

Each model writes its own ``train_step`` and ``test_step`` (the objective is the model).
Mixed precision: the networks compute in the policy's dtype; inputs and every loss are float32.
"""
import keras

from cv2course.multi_network import as_optimizer, deserialize, serialize

_SEED_KEY = "seed_generator_state"


def check_input_shape(x, expected, name="x"):
    """Raise a ValueError naming ``name`` when ``x``'s shape after the batch axis is not ``expected``."""
    got = tuple(x.shape)
    if len(got) != len(expected) + 1 or any(e is not None and g is not None and int(g) != e
                                            for g, e in zip(got[1:], expected)):
        want = ", ".join(str(e) for e in expected)
        raise ValueError(f"{name} must have shape (batch, {want}), got {got}")


def save_with_seed_state(store, seed_generator, save_own):
    """Save a layer's own variables plus its random-draw state, so that a resumed run draws
    the same noise as an uninterrupted one (Keras does not save SeedGenerator states)."""
    save_own(store)
    store[_SEED_KEY] = seed_generator.state


def load_with_seed_state(store, seed_generator, load_own):
    keys = list(store.keys())
    if _SEED_KEY in keys:  # absent from files saved before the model had a random draw
        seed_generator.state.assign(store[_SEED_KEY])
    load_own({k: store[k] for k in keys if k != _SEED_KEY})


class EncoderDecoderModel(keras.Model):
    """Base of :class:`~cv2course.autoencoders.Autoencoder` and :class:`~cv2course.autoencoders.VAE`.

    A subclass sets ``tracker_names``, holds ``encoder`` and ``decoder`` (built ``keras.Model``
    objects) and, if its step draws noise, ``seed_generator``.
    """

    tracker_names = ("loss",)
    #: jit_compile when compile() is not told (benchmarks/autoencoders.py measures both).
    default_jit_compile = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracker_names}

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

    def record(self, values):
        """Update the trackers with ``values`` (per-replica batch means); return every current value."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def inputs(self, data):
        """The batch's inputs as float32 (labels and targets in ``data`` are ignored)."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        check_input_shape(x, self.input_dims)
        return keras.ops.cast(x, "float32")

    # -- compile / save
    def compile(self, optimizer=None, jit_compile=None, **kwargs):
        """Adam(1e-3) unless another optimizer (object or name) is given; ``jit_compile`` None →
        ``default_jit_compile``; extra keywords go to ``keras.Model.compile``."""
        optimizer = as_optimizer(optimizer, "optimizer") or keras.optimizers.Adam(learning_rate=1e-3)
        jit_compile = self.default_jit_compile if jit_compile is None else jit_compile
        super().compile(optimizer=optimizer, jit_compile=jit_compile, **kwargs)

    def get_compile_config(self):
        if not self.compiled:
            return None
        optimizer = self.optimizer
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            optimizer = optimizer.inner_optimizer  # compile wraps it again under mixed_float16
        return {"optimizer": serialize(optimizer), "jit_compile": bool(self.jit_compile)}

    def compile_from_config(self, config):
        self.compile(optimizer=deserialize(config["optimizer"]), jit_compile=config.get("jit_compile"))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def save_own_variables(self, store):
        if getattr(self, "seed_generator", None) is None:
            return super().save_own_variables(store)
        save_with_seed_state(store, self.seed_generator, super().save_own_variables)

    def load_own_variables(self, store):
        if getattr(self, "seed_generator", None) is None:
            return super().load_own_variables(store)
        load_with_seed_state(store, self.seed_generator, super().load_own_variables)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)
