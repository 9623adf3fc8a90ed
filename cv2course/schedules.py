"""Learning-rate schedules of the course's papers.

One shape serves them all: the rate held, then decayed linearly to zero,
lr(t) = lr₀ · clip(1 − (t − constant_steps) / decay_steps, 0, 1), t the optimizer's step counter
(a resumed optimizer continues where it stopped).

- CycleGAN (Zhu et al. 2017): 100 epochs at 2e-4, then linear to 0 over the next 100
  (``LinearDecay(2e-4, 100 · steps_per_epoch, 100 · steps_per_epoch)``);
- semi-supervised GAN (Salimans et al.'s CIFAR-10 code): held for the first two thirds of
  training, then linear to 0 (:meth:`LinearDecay.over_last`).
"""
import keras
from keras import ops

from cv2course.checks import check_positive


@keras.saving.register_keras_serializable(package="cv2course")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """lr(t) = lr₀ · clip(1 − (t − constant_steps) / decay_steps, 0, 1): constant, then linear to zero."""

    def __init__(self, initial_learning_rate=2e-4, constant_steps=0, decay_steps=1):
        check_positive(initial_learning_rate, "initial_learning_rate")
        check_positive(constant_steps, "constant_steps", allow_zero=True)
        check_positive(decay_steps, "decay_steps")
        self.initial_learning_rate = float(initial_learning_rate)
        self.constant_steps = constant_steps
        self.decay_steps = decay_steps

    @classmethod
    def over_last(cls, learning_rate, total_steps, decay_fraction=1 / 3):
        """Held for the first 1 − ``decay_fraction`` of ``total_steps``, then linear to 0 at ``total_steps``."""
        total_steps = int(check_positive(total_steps, "total_steps", integer=True))
        if not 0 < float(decay_fraction) <= 1:
            raise ValueError(f"decay_fraction must be in (0, 1], got {decay_fraction!r}")
        decay = max(float(decay_fraction) * total_steps, 1.0)
        return cls(learning_rate, total_steps - decay, decay)

    def __call__(self, step):
        t = ops.cast(step, "float32")
        frac = 1.0 - (t - float(self.constant_steps)) / float(self.decay_steps)
        return self.initial_learning_rate * ops.clip(frac, 0.0, 1.0)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "constant_steps": self.constant_steps,
                "decay_steps": self.decay_steps}

    @classmethod
    def from_config(cls, config):
        if "total_steps" in config:  # saved as the SGAN's ConstantThenLinearDecay
            return cls.over_last(config["learning_rate"], config["total_steps"], config.get("decay_fraction", 1 / 3))
        return cls(**config)


# Files that saved the SGAN's schedule under its old name load as the one class.
keras.saving.get_custom_objects()["cv2course>ConstantThenLinearDecay"] = LinearDecay
