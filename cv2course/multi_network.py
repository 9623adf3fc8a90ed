"""The base of every model with several networks and one optimizer per role (GANs, CycleGAN, SRGAN).

What it owns, once for all of them:

- ``compile(**named_optimizers, jit_compile=...)``: each optimizer by its role's name
  (``generator_optimizer``, ``discriminator_optimizer``), an optimizer object or its name,
  defaulting to the paper's (``default_optimizers()``); under the "mixed_float16" policy each
  is wrapped in ``keras.optimizers.LossScaleOptimizer``; slots are built at compile (one
  trace, and ``load_model`` restores them); ``get_compile_config``/``compile_from_config``.
- trackers: ``keras.metrics.Mean`` per name in ``tracker_names``, listed in ``metrics``;
  :meth:`record` updates some and returns the current values of all.
- a seed generator whose state is saved with the weights (``model.save``, ``save_weights``
  and so ``BackupAndRestore``), so that a resumed fit draws the same noise as an
  uninterrupted one.

Naming rule: an optimizer attribute is named for the *role* of the networks it updates —
``generator_optimizer`` and ``discriminator_optimizer`` in every model, the WGAN critic included
(the critic is WGAN's discriminator; the models expose it as ``critic`` too, and keep the paper's
``n_critic`` and ``critic_loss``).

A train step calls, per optimizer::

    with tf.GradientTape() as tape:
        loss = ...                                           # float32
        scaled = opt.scale_loss(scale_for_replicas(loss))    # 1/R; × loss scale under float16
    opt.apply(tape.gradient(scaled, variables), variables)   # unscales, skips non-finite steps
"""
import keras

_SEED_KEY = "seed_generator_state"
GENERATOR_METRICS_CALLBACK = "cv2course.metrics.GeneratorMetrics"


def serialize(obj):
    return keras.saving.serialize_keras_object(obj)


def deserialize(cfg):
    """A Keras object from its config (dicts only; objects and None pass through)."""
    return keras.saving.deserialize_keras_object(cfg) if isinstance(cfg, dict) else cfg


def as_optimizer(value, name):
    """``value`` (None, an optimizer or its name) as an optimizer object, or None; anything else
    is a TypeError naming the argument ``name``."""
    if value is None:
        return None
    if isinstance(value, str):
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


class MultiNetworkModel(keras.Model):
    """Base of the models with several networks, each role with its own optimizer.

    A subclass sets ``optimizer_names`` (attribute and ``compile`` argument names) and
    ``tracker_names``, defines ``default_optimizers()`` ({name: optimizer}, the paper's) and
    ``optimized_variables()`` ({name: variables that optimizer updates}), and calls
    ``super().__init__(seed=..., **kwargs)`` before creating its networks.
    """

    optimizer_names = ("generator_optimizer", "discriminator_optimizer")
    tracker_names = ()
    #: old argument names still accepted by compile() and in saved compile configs: {old: new}.
    legacy_optimizer_names = {}
    #: whether compile() uses XLA when not told, outside quick mode (see :meth:`default_jit`); a
    #: model family turns it on where its benchmark shows XLA pays.
    default_jit_compile = False

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracker_names}
        for name in self.optimizer_names:
            setattr(self, name, None)

    # --- optimizers -----------------------------------------------------------------------

    def default_optimizers(self):
        raise NotImplementedError

    def optimized_variables(self):
        raise NotImplementedError

    def compile(self, jit_compile=None, metrics=None, loss=None, optimizer=None, **kwargs):
        """Named optimizers (``self.optimizer_names``; None → the paper's); ``jit_compile=True`` compiles
        the step with XLA (None → :meth:`default_jit`); other keywords go to ``keras.Model.compile``."""
        cls = type(self).__name__
        if loss is not None or optimizer is not None:
            raise ValueError(f"{cls} has its own losses and one optimizer per network: pass "
                             f"{', '.join(n + '=' for n in self.optimizer_names)} not loss= or optimizer=")
        if metrics:
            raise ValueError(f"{cls} ignores compile(metrics=...): its train_step logs its own losses. Measure "
                             f"generated samples during training with the {GENERATOR_METRICS_CALLBACK} callback "
                             "(model.fit(..., callbacks=[GeneratorMetrics(...)])) instead")
        for old, new in self.legacy_optimizer_names.items():
            if old in kwargs:
                kwargs[new] = kwargs.pop(old)
        given = {name: as_optimizer(kwargs.pop(name, None), name) for name in self.optimizer_names}
        defaults = self.default_optimizers()
        chosen = {name: with_loss_scaling(given[name] or defaults[name], self.dtype_policy)
                  for name in self.optimizer_names}
        if len({id(o) for o in chosen.values()}) < len(chosen):
            raise ValueError(f"{' and '.join(self.optimizer_names)} must be distinct optimizer objects "
                             "(each keeps its own state)")
        for name, opt in chosen.items():
            setattr(self, name, opt)
        if jit_compile is None:
            jit_compile = self.default_jit() and not kwargs.get("run_eagerly")
        super().compile(jit_compile=jit_compile, **kwargs)
        # Slots now (in the strategy's scope), not lazily inside the traced step: one trace, and
        # load_model restores them.
        for name, variables in self.optimized_variables().items():
            getattr(self, name).build(variables)

    def default_jit(self):
        """``default_jit_compile``, except in quick mode: compiling an XLA step takes tens of seconds on
        a CPU, more than a quick-mode fit (tests, CI notebooks) runs in total."""
        from cv2course import settings

        return bool(self.default_jit_compile and not settings.QUICK)

    def check_compiled(self):
        if getattr(self, self.optimizer_names[0]) is None:
            raise ValueError(f"compile() the {type(self).__name__} before fitting it")

    def get_compile_config(self):
        if getattr(self, self.optimizer_names[0]) is None:
            return None
        config = {name: serialize(getattr(self, name)) for name in self.optimizer_names}
        config["jit_compile"] = bool(self.jit_compile)
        return config

    def compile_from_config(self, config):
        config = {self.legacy_optimizer_names.get(k, k): v for k, v in config.items()}
        self.compile(jit_compile=config.get("jit_compile", False),
                     **{name: deserialize(config.get(name)) for name in self.optimizer_names})

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
        super().save_own_variables(store)
        store[_SEED_KEY] = self.seed_generator.state

    def load_own_variables(self, store):
        keys = list(store.keys())
        if _SEED_KEY in keys:  # absent from files saved before the seed state was
            self.seed_generator.state.assign(store[_SEED_KEY])
        super().load_own_variables({k: store[k] for k in keys if k != _SEED_KEY})
