"""Sub-pixel convolution (Shi et al. 2016): a convolution to r²·C channels, then a pixel shuffle.

The pixel shuffle (TensorFlow's ``depth_to_space``) rearranges an (n, h, w, r²·C) tensor into
(n, r·h, r·w, C): the r² channels of each low-resolution position fill an r×r block,

    out[b, r·y + i, r·x + j, c] = in[b, y, x, (r·i + j)·C + c].

(PyTorch's ``PixelShuffle`` on NCHW tensors orders the input channels as c·r² + r·i + j; the
two orders differ, so weights do not transfer without a permutation.)
"""
import keras
from keras import ops

from cv2course.checks import check_positive_int, check_scale


def pixel_shuffle(x, scale):
    """Rearrange (n, h, w, scale²·C) into (n, scale·h, scale·w, C) (``depth_to_space``)."""
    scale = check_positive_int(scale, "scale")
    x = ops.convert_to_tensor(x)
    if len(x.shape) != 4:
        raise ValueError(f"pixel_shuffle expects a 4-D (n, h, w, c) tensor, got shape {tuple(x.shape)}")
    channels = x.shape[-1]
    if channels is None or channels % (scale * scale):
        raise ValueError(f"the number of channels ({channels}) must be a known multiple of scale² = {scale * scale}")
    out_channels = channels // (scale * scale)
    shape = ops.shape(x)
    n, h, w = shape[0], shape[1], shape[2]
    x = ops.reshape(x, (n, h, w, scale, scale, out_channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))  # (n, h, i, w, j, C)
    return ops.reshape(x, (n, h * scale, w * scale, out_channels))


@keras.saving.register_keras_serializable(package="cv2course")
class PixelShuffle(keras.layers.Layer):
    """Layer form of :func:`pixel_shuffle` with a fixed ``scale``."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = int(scale)

    def call(self, x):
        return pixel_shuffle(x, self.scale)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        s = self.scale
        return (n, None if h is None else h * s, None if w is None else w * s, c // (s * s))

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def upsampling_steps(scale):
    """Sub-pixel steps used for an overall factor: 2 → [2], 3 → [3], 4 → [2, 2]."""
    scale = check_scale(scale)
    return [2, 2] if scale == 4 else [scale]


def subpixel_upsampler(x, scale, filters, conv=None, activation=None, name="upsample"):
    """x2/x3 steps of conv(filters·r², 3×3) → pixel shuffle (→ activation), as in EDSR and SRResNet.

    ``conv(filters, kernel_size, name)`` builds the convolution (default ``Conv2D``);
    ``activation()`` returns a fresh activation layer or None.
    """
    conv = conv or (lambda f, k, name: keras.layers.Conv2D(f, k, padding="same", name=name))
    for i, r in enumerate(upsampling_steps(scale)):
        x = conv(filters * r * r, 3, name=f"{name}_conv{i + 1}")(x)
        x = PixelShuffle(r, name=f"{name}_shuffle{i + 1}")(x)
        if activation is not None:
            x = activation(name=f"{name}_act{i + 1}")(x)
    return x
