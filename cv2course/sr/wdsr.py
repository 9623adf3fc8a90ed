"""WDSR (Yu et al. 2018): wide activation before ReLU, weight normalisation, a 5×5 skip branch.

    LR ─ mean shift ─┬─ WN-conv ─ B × block ─ WN-conv(3·s²) ─ pixel shuffle ─┬─(+)─ mean shift back ─ SR
                     └─ WN-conv 5×5 (3·s²) ─ pixel shuffle ───────────────────┘

Blocks (residual, added to their input):
- variant "a": WN-conv3×3(e·F) → ReLU → WN-conv3×3(F), expansion e = 4 by default;
- variant "b": WN-conv1×1(e·F) → ReLU → WN-conv1×1(0.8·F) → WN-conv3×3(F), e = 6 (wide, low-rank).

Weight normalisation (Salimans & Kingma 2016) writes every kernel as w = g · v / ‖v‖ with
one norm per output channel; gradients on g and v are better conditioned than on w. It is
written here as :class:`WeightNormConv2D` (TensorFlow Addons, which had it, is gone).
"""
import keras
from keras import ops

from cv2course.checks import check_choice, check_positive
from cv2course.sr.edsr import DIV2K_RGB_MEAN, MeanShift
from cv2course.sr.pixel_shuffle import PixelShuffle, upsampling_steps


@keras.saving.register_keras_serializable(package="cv2course")
class WeightNormConv2D(keras.layers.Conv2D):
    """``Conv2D`` whose kernel is w = g · v / ‖v‖ (norm over the kernel's spatial and input
    axes, one g per filter). ``kernel`` holds v; ``g`` starts at ‖v‖ so the layer starts
    as the plain convolution (no data-dependent initialisation)."""

    epsilon = 1e-12

    def build(self, input_shape):
        super().build(input_shape)
        self.g = self.add_weight(name="g", shape=(self.filters,), initializer="ones", trainable=True)
        self.g.assign(self._kernel_norm())

    def _kernel_norm(self):
        return ops.sqrt(ops.sum(ops.square(self.kernel), axis=(0, 1, 2)) + self.epsilon)

    def normalized_kernel(self):
        """w = g · v / ‖v‖."""
        return self.kernel * (self.g / self._kernel_norm())

    def call(self, inputs):
        outputs = self.convolution_op(inputs, self.normalized_kernel())
        if self.use_bias:
            outputs = ops.add(outputs, ops.reshape(self.bias, (1, 1, 1, self.filters)))
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    # Conv2D saves only kernel and bias; the generic Layer methods save every variable (v, bias, g).
    def save_own_variables(self, store):
        keras.layers.Layer.save_own_variables(self, store)

    def load_own_variables(self, store):
        keras.layers.Layer.load_own_variables(self, store)

    def get_config(self):
        config = super().get_config()
        if config.get("data_format") not in (None, "channels_last"):
            raise ValueError("WeightNormConv2D supports channels_last only")
        return config


def _wn_conv(filters, kernel_size, name, activation=None):
    return WeightNormConv2D(filters, kernel_size, padding="same", activation=activation, name=name)


def wdsr_block(x, filters, variant="a", expansion=None, linear=0.8, res_scaling=None, name="block"):
    """One WDSR residual block; see the module docstring for variants a and b."""
    if variant == "a":
        y = _wn_conv(filters * (expansion or 4), 3, f"{name}_wide", "relu")(x)
        y = _wn_conv(filters, 3, f"{name}_narrow")(y)
    else:
        y = _wn_conv(filters * (expansion or 6), 1, f"{name}_wide", "relu")(x)
        y = _wn_conv(max(1, int(filters * linear)), 1, f"{name}_linear")(y)
        y = _wn_conv(filters, 3, f"{name}_narrow")(y)
    if res_scaling:
        y = keras.layers.Rescaling(res_scaling, name=f"{name}_scaling")(y)
    return keras.layers.Add(name=f"{name}_add")([x, y])


def wdsr(scale=2, filters=32, blocks=8, variant="a", expansion=None, linear=0.8, res_scaling=None,
         rgb_mean=DIV2K_RGB_MEAN, name=None):
    """A WDSR-A or WDSR-B model (n, h, w, 3) → (n, scale·h, scale·w, 3); [0, 1] images.

    Paper settings: 32 filters, 8 (A) or 16 (B) blocks, expansion 4 (A) / 6 (B), L1 loss,
    Adam(1e-3). ``expansion=None`` picks the variant's default.
    """
    upsampling_steps(scale)
    check_choice(variant, "variant", ("a", "b"))
    check_positive(filters, "filters", integer=True)
    check_positive(blocks, "blocks", allow_zero=True, integer=True)
    out_channels = 3 * scale * scale
    inputs = keras.Input((None, None, 3), name="lr")
    x = MeanShift(rgb_mean, -1.0, name="sub_mean")(inputs)
    y = _wn_conv(filters, 3, "head")(x)
    for i in range(blocks):
        y = wdsr_block(y, filters, variant, expansion, linear, res_scaling, name=f"block{i + 1}")
    y = _wn_conv(out_channels, 3, "body_end")(y)
    y = PixelShuffle(scale, name="body_shuffle")(y)
    skip = _wn_conv(out_channels, 5, "skip")(x)
    skip = PixelShuffle(scale, name="skip_shuffle")(skip)
    x = keras.layers.Add(name="sum")([y, skip])
    outputs = MeanShift(rgb_mean, 1.0, name="add_mean")(x)
    return keras.Model(inputs, outputs, name=name or f"wdsr_{variant}_x{scale}")
