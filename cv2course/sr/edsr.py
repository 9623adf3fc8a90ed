"""EDSR (Lim et al. 2017): a deep residual network without batch norm, trained for PSNR.

    LR ─ mean shift ─ conv ─┬─ B × [conv ─ ReLU ─ conv ─ ×res_scaling ─ (+)] ─ conv ─ (+) ─
                            └──────────────────────────────────────────────────────┘
       ─ sub-pixel upsampler (conv → pixel shuffle, ×2 twice for ×4) ─ conv(3) ─ mean shift back ─ SR

Paper defaults: baseline 64 filters × 16 blocks (no residual scaling); the large model 256
filters × 32 blocks with residual scaling 0.1; L1 loss; Adam(1e-4, β = 0.9, 0.999, ε = 1e-8),
halved every 2·10⁵ steps; 48×48 LR patches, batch 16. Images are [0, 1] at the boundary;
the DIV2K mean is subtracted inside. The output is not clipped (use
:func:`cv2course.sr.super_resolve` for [0, 1] images).
"""
import keras

from cv2course.checks import check_positive
from cv2course.sr.pixel_shuffle import subpixel_upsampler, upsampling_steps

DIV2K_RGB_MEAN = (0.4488, 0.4371, 0.4040)


@keras.saving.register_keras_serializable(package="cv2course")
class MeanShift(keras.layers.Layer):
    """x + sign · mean per RGB channel (sign −1 on the way in, +1 on the way out)."""

    def __init__(self, mean=DIV2K_RGB_MEAN, sign=-1.0, **kwargs):
        super().__init__(**kwargs)
        self.mean = tuple(float(m) for m in mean)
        self.sign = float(sign)

    def call(self, x):
        return x + self.sign * keras.ops.convert_to_tensor(self.mean, dtype=x.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "sign": self.sign}


def residual_block(x, filters, res_scaling=None, name="block"):
    """conv3×3 → ReLU → conv3×3 (→ × res_scaling) added to the input; no batch norm."""
    y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(y)
    if res_scaling:
        y = keras.layers.Rescaling(res_scaling, name=f"{name}_scaling")(y)
    return keras.layers.Add(name=f"{name}_add")([x, y])


def edsr(scale=2, filters=64, blocks=16, res_scaling=None, rgb_mean=DIV2K_RGB_MEAN, name=None):
    """An EDSR model (n, h, w, 3) → (n, scale·h, scale·w, 3) for any h, w; [0, 1] images."""
    upsampling_steps(scale)  # validates scale
    check_positive(filters, "filters", integer=True)
    check_positive(blocks, "blocks", allow_zero=True, integer=True)
    inputs = keras.Input((None, None, 3), name="lr")
    x = MeanShift(rgb_mean, -1.0, name="sub_mean")(inputs)
    x = head = keras.layers.Conv2D(filters, 3, padding="same", name="head")(x)
    for i in range(blocks):
        x = residual_block(x, filters, res_scaling, name=f"block{i + 1}")
    x = keras.layers.Conv2D(filters, 3, padding="same", name="body_end")(x)
    x = keras.layers.Add(name="global_skip")([head, x])
    x = subpixel_upsampler(x, scale, filters)
    x = keras.layers.Conv2D(3, 3, padding="same", name="tail")(x)
    outputs = MeanShift(rgb_mean, 1.0, name="add_mean")(x)
    return keras.Model(inputs, outputs, name=name or f"edsr_x{scale}")
