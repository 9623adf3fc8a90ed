"""The one base of every trainable model of the course (autoencoders, VAE, the GANs, CycleGAN, SRGAN).

What it owns, once for all of them:

- named optimizers: ``compile(**{name: optimizer or its name or None}, jit_compile=None)``, one
  per role (``generator_optimizer``, ``discriminator_optimizer``; ``optimizer`` for a model with
  one); None → the paper's, from the class's ``optimizers`` table (data, not a hook); under the
  "mixed_float16" policy each is wrapped in ``keras.optimizers.LossScaleOptimizer``; slots are
  built at compile (one trace, and ``load_model`` restores them); ``get_compile_config`` /
  ``compile_from_config``. A model with one optimizer hands it to ``keras.Model.compile``, so it
  is Keras' own ``model.optimizer``;
- :meth:`descend`, the one update of every ``train_step``: differentiate a loss for the replicas
  (× 1/R, summed by the strategy) and the loss scale, and apply it;
- trackers: a ``keras.metrics.Mean`` per name in ``tracker_names``, listed in ``metrics``;
  :meth:`record` updates some and returns the current values of all;
- a seed generator whose state is saved with the weights (``model.save``, ``save_weights``
  and so ``BackupAndRestore``): a resumed fit draws the noise an uninterrupted one would;
- :meth:`draw`, the one place a step's noise comes from, and ``noise_source``, the one hook
  that replaces it (tests, multi-device parity): ``model.noise_source = f(kind, rows, step)``
  with ``kind`` one of "z" (latent vectors), "epsilon" (WGAN-GP's mixing weights, the VAE's
  ε) or "corruption" (the denoising autoencoder's x̃).
"""
import keras
import tensorflow as tf

from cv2course.distribute import scale_for_replicas

_SEED_KEY = "seed_generator_state"
GENERATOR_METRICS_CALLBACK = "cv2course.metrics.GeneratorMetrics"


def serialize(obj):
    return keras.saving.serialize_keras_object(obj)


def deserialize(cfg):
    """A Keras object from its config (dicts only; objects and None pass through)."""
    return keras.saving.deserialize_keras_object(cfg) if isinstance(cfg, dict) else cfg


def adam(learning_rate, beta_1=0.9, beta_2=0.999):
    """An entry of an ``optimizers`` table: Adam with these settings."""
    return {"class_name": "Adam", "config": {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2}}


def rmsprop(learning_rate):
    return {"class_name": "RMSprop", "config": {"learning_rate": learning_rate}}


def as_optimizer(value, name):
    """``value`` (None, an optimizer, its name or its config) as an optimizer object, or None; anything
    else is a TypeError naming the argument ``name``."""
    if value is None:
        return None
    if isinstance(value, (str, dict)):
        return keras.optimizers.get(value)
    if not isinstance(value, keras.optimizers.Optimizer):
        raise TypeError(f"{name} must be a keras optimizer or its name, got {type(value).__name__}")
    return value


def with_loss_scaling(optimizer, policy):
    """``optimizer`` wrapped in ``LossScaleOptimizer`` under a "mixed_float16" policy (float16
    gradients underflow without it); unchanged otherwise or if already wrapped."""
    name = policy if isinstance(policy, str) else policy.name
    if name == "mixed_float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def unwrapped(optimizer):
    return optimizer.inner_optimizer if isinstance(optimizer, keras.optimizers.LossScaleOptimizer) else optimizer


class TrainableModel(keras.Model):
    """Base of every trainable model. A subclass declares, as data:

    - ``optimizers``: {optimizer name: (the paper's default as an ``adam(...)``/``rmsprop(...)``
      config, the attribute names of the networks it updates)};
    - ``tracker_names``; ``legacy_optimizer_names`` ({old compile argument: new});
    - ``default_jit_compile`` (whether compile() uses XLA when not told, outside quick mode);

    calls ``super().__init__(seed=..., **kwargs)`` first, and writes its own ``train_step``.
    """

    optimizers = {"optimizer": (adam(1e-3), ("encoder", "decoder"))}
    tracker_names = ()
    legacy_optimizer_names = {}
    default_jit_compile = False

    def __init_subclass__(cls, **kwargs):
        # Each old optimizer name stays readable as a property: Keras saves an object under the first
        # attribute name it meets (alphabetically), so files saved before a rename hold the optimizer
        # state under the old name, and load it back through it.
        super().__init_subclass__(**kwargs)
        for old, new in cls.legacy_optimizer_names.items():
            setattr(cls, old, property(lambda self, new=new: getattr(self, new), doc=f"Old name of {new}."))

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracker_names}
        self.noise_source = None
        if not self.single_optimizer:
            for name in self.optimizers:
                setattr(self, name, None)

    @property
    def single_optimizer(self):
        """One optimizer, Keras' own ``model.optimizer``."""
        return tuple(self.optimizers) == ("optimizer",)

    # --- optimizers -----------------------------------------------------------------------

    def optimized_variables(self, name):
        """The trainable variables the optimizer ``name`` updates, in the table's network order."""
        return [v for attr in self.optimizers[name][1] for v in getattr(self, attr).trainable_variables]

    def compile(self, jit_compile=None, metrics=None, loss=None, **kwargs):
        """Named optimizers (None → the paper's); ``jit_compile=True`` compiles the step with XLA (None →
        ``default_jit_compile``, never in quick mode); other keywords go to ``keras.Model.compile``."""
        from cv2course import settings

        cls, names = type(self).__name__, tuple(self.optimizers)
        if loss is not None or (not self.single_optimizer and kwargs.get("optimizer") is not None):
            raise ValueError(f"{cls} has its own losses and one optimizer per role: pass "
                             f"{', '.join(n + '=' for n in names)} not loss= or optimizer=")
        if metrics:
            raise ValueError(f"{cls} ignores compile(metrics=...): its train_step logs its own losses. Measure "
                             f"generated samples during training with the {GENERATOR_METRICS_CALLBACK} callback "
                             "(model.fit(..., callbacks=[GeneratorMetrics(...)])) instead")
        if not self.single_optimizer:
            kwargs.pop("optimizer", None)
        for old, new in self.legacy_optimizer_names.items():
            if old in kwargs:
                kwargs[new] = kwargs.pop(old)
        chosen = {name: as_optimizer(kwargs.pop(name, None), name) or keras.optimizers.get(self.optimizers[name][0])
                  for name in names}
        if len({id(o) for o in chosen.values()}) < len(chosen):
            raise ValueError(f"{' and '.join(names)} must be distinct optimizer objects (each keeps its own state)")
        if jit_compile is None:
            jit_compile = bool(self.default_jit_compile and not settings.QUICK and not kwargs.get("run_eagerly"))
        if self.single_optimizer:  # Keras wraps it for loss scaling itself
            super().compile(optimizer=chosen["optimizer"], jit_compile=jit_compile, **kwargs)
            chosen = {"optimizer": self.optimizer}
        else:
            for name, opt in chosen.items():
                setattr(self, name, with_loss_scaling(opt, self.dtype_policy))
            super().compile(jit_compile=jit_compile, **kwargs)
            chosen = {name: getattr(self, name) for name in names}
        # Slots now (in the strategy's scope), not lazily inside the traced step: one trace, and
        # load_model restores them.
        if self.built:
            for name, opt in chosen.items():
                opt.build(self.optimized_variables(name))

    def check_compiled(self):
        if getattr(self, tuple(self.optimizers)[0], None) is None:
            raise ValueError(f"compile() the {type(self).__name__} before fitting it")

    def get_compile_config(self):
        if getattr(self, tuple(self.optimizers)[0], None) is None:
            return None
        config = {name: serialize(unwrapped(getattr(self, name))) for name in self.optimizers}
        config["jit_compile"] = bool(self.jit_compile)
        return config

    def compile_from_config(self, config):
        config = {self.legacy_optimizer_names.get(k, k): v for k, v in config.items()}
        self.compile(jit_compile=config.get("jit_compile", False),
                     **{name: deserialize(config.get(name)) for name in self.optimizers})

    def descend(self, optimizer, tape, loss, variables):
        """One ``optimizer`` step down ``loss`` (a float32 per-replica mean recorded on ``tape``):
        its gradient × 1/R (the strategy sums the replicas' gradients) × the loss scale (under
        float16; ``apply`` unscales and skips a non-finite step)."""
        weight = optimizer.scale_loss(scale_for_replicas(tf.ones_like(loss)))
        optimizer.apply(tape.gradient(loss, variables, output_gradients=weight), variables)

    # --- noise ----------------------------------------------------------------------------

    def draw(self, kind, rows, step, sample):
        """The step's noise of ``kind`` for the batch ``rows``: ``sample()`` (a draw from
        ``seed_generator``), or ``noise_source(kind, rows, step)`` when a test set one."""
        if self.noise_source is not None:
            return tf.cast(self.noise_source(kind, rows, step), tf.float32)
        return sample()

    # --- trackers -------------------------------------------------------------------------

    @property
    def metrics(self):
        return list(self.trackers.values())

    def record(self, values, sample_weight=None):
        """Update the trackers named in ``values``; return every tracker's current value."""
        for name, value in values.items():
            self.trackers[name].update_state(value, sample_weight=sample_weight)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # --- random streams saved with the weights -----------------------------------------------

    def save_own_variables(self, store):
        save_with_seed_state(store, self.seed_generator, super().save_own_variables)

    def load_own_variables(self, store):
        load_with_seed_state(store, self.seed_generator, super().load_own_variables)


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
