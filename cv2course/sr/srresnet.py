"""SRResNet (Ledig et al. 2017): the generator of SRGAN, trained alone for PSNR first.

    LR ─ conv9×9(64) ─ PReLU ─┬─ B × [conv ─ BN ─ PReLU ─ conv ─ BN ─ (+)] ─ conv ─ BN ─ (+) ─
                              └──────────────────────────────────────────────────────┘
       ─ per ×2: conv(256) ─ pixel shuffle ─ PReLU ─ conv9×9(3) ─ SR

Paper: 64 filters, 16 residual blocks, PReLU with one slope per channel shared over space,
batch norm, two sub-pixel ×2 steps for ×4 (one ×3 step for ×3), MSE loss, Adam(1e-4, β₁ = 0.9).
The paper's tanh output in [−1, 1] is mapped back to [0, 1] here: SR = (tanh(y) + 1) / 2.
Batch norm is ``synchronized`` by default so that a MirroredStrategy step equals the
one-device step (on one device it is ordinary batch norm).
"""
import keras

from cv2course.checks import check_positive
from cv2course.sr.pixel_shuffle import subpixel_upsampler, upsampling_steps


def _prelu(name):
    return keras.layers.PReLU(shared_axes=[1, 2], alpha_initializer=keras.initializers.Constant(0.25), name=name)


def _bn(name, synchronized):
    return keras.layers.BatchNormalization(synchronized=synchronized, name=name)


@keras.saving.register_keras_serializable(package="cv2course")
class TanhToUnit(keras.layers.Layer):
    """(tanh(y) + 1) / 2: the paper's [−1, 1] output as a [0, 1] image."""

    def call(self, x):
        return (keras.ops.tanh(x) + 1.0) * 0.5

    def compute_output_shape(self, input_shape):
        return input_shape


def srresnet(scale=4, filters=64, blocks=16, synchronized=True, name=None):
    """An SRResNet model (n, h, w, 3) → (n, scale·h, scale·w, 3) for any h, w; [0, 1] images."""
    upsampling_steps(scale)
    check_positive(filters, "filters", integer=True)
    check_positive(blocks, "blocks", allow_zero=True, integer=True)
    inputs = keras.Input((None, None, 3), name="lr")
    x = keras.layers.Rescaling(2.0, offset=-1.0, name="to_signed")(inputs)  # [0, 1] -> [-1, 1]
    x = keras.layers.Conv2D(filters, 9, padding="same", name="head")(x)
    x = head = _prelu("head_prelu")(x)
    for i in range(blocks):
        y = keras.layers.Conv2D(filters, 3, padding="same", name=f"block{i + 1}_conv1")(x)
        y = _bn(f"block{i + 1}_bn1", synchronized)(y)
        y = _prelu(f"block{i + 1}_prelu")(y)
        y = keras.layers.Conv2D(filters, 3, padding="same", name=f"block{i + 1}_conv2")(y)
        y = _bn(f"block{i + 1}_bn2", synchronized)(y)
        x = keras.layers.Add(name=f"block{i + 1}_add")([x, y])
    x = keras.layers.Conv2D(filters, 3, padding="same", name="body_end")(x)
    x = _bn("body_end_bn", synchronized)(x)
    x = keras.layers.Add(name="global_skip")([head, x])
    x = subpixel_upsampler(x, scale, filters, activation=lambda name: _prelu(name))
    x = keras.layers.Conv2D(3, 9, padding="same", name="tail")(x)
    outputs = TanhToUnit(name="to_unit")(x)
    return keras.Model(inputs, outputs, name=name or f"srresnet_x{scale}")
