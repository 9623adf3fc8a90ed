"""What every two-network GAN model shares: a discriminator and a generator optimizer, built
at compile (one trace, and ``load_model`` restores their slots), and saved with the model."""
import keras


def serialize(obj):
    return keras.saving.serialize_keras_object(obj)


def deserialize(cfg):
    return keras.saving.deserialize_keras_object(cfg) if isinstance(cfg, dict) else cfg


class TwoPlayerModel(keras.Model):
    """Base of :class:`~cv2course.gans.GAN` and :class:`~cv2course.gans.sgan.SemiSupervisedGAN`:
    subclasses hold ``self.generator`` and ``self.discriminator`` and set ``self.d_optimizer = None``."""

    def default_optimizers(self):
        """DCGAN: Adam(learning_rate=2e-4, beta_1=0.5) for both networks."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile=False, **kwargs):
        """``d_optimizer`` / ``g_optimizer`` default to the paper's (an optimizer or its name);
        ``jit_compile=True`` compiles the training step with XLA (slow to compile on a CPU)."""
        d_default, g_default = self.default_optimizers()
        self.d_optimizer = as_optimizer(d_optimizer, "d_optimizer") or d_default
        self.g_optimizer = as_optimizer(g_optimizer, "g_optimizer") or g_default
        if self.d_optimizer is self.g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two optimizer objects (each keeps its own state)")
        super().compile(jit_compile=jit_compile, **kwargs)
        # Create the optimizers' slots now (in the strategy's scope), not lazily inside the traced
        # step, and so that loading a saved model restores them.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        if self.d_optimizer is None:
            return None
        return {"d_optimizer": serialize(self.d_optimizer), "g_optimizer": serialize(self.g_optimizer),
                "jit_compile": bool(self.jit_compile)}

    def compile_from_config(self, config):
        self.compile(d_optimizer=deserialize(config["d_optimizer"]), g_optimizer=deserialize(config["g_optimizer"]),
                     jit_compile=config.get("jit_compile", False))


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
