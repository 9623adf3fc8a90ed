"""CycleGAN's networks (Zhu et al. 2017, appendix 7.2): the ResNet generator and the 70×70 PatchGAN.

Conventions as in ``cv2course.gans.dcgan_networks``: networks take and give images in [-1, 1]
(tanh output); discriminators give raw scores (no sigmoid), here one score per patch.

- Generator (Johnson et al. 2016): ``c7s1-64, d128, d256, R256 × 9, u128, u64, c7s1-3`` —
  a 7×7 convolution after reflection padding, two stride-2 3×3 down-sampling convolutions,
  residual blocks (reflection-padded 3×3 convolutions), two stride-2 transposed
  convolutions and a 7×7 convolution to the image with tanh. 6 blocks for 128 px, 9 for
  256 px and above. Instance norm and ReLU after every convolution but the last.
- Discriminator (PatchGAN, Isola et al. 2017): ``C64 - C128 - C256 - C512`` 4×4
  convolutions (stride 2, 2, 2, then 1) with LeakyReLU(0.2), instance norm on all but the
  first, and a last 4×4 convolution to one score per position; each score sees a 70×70
  patch of the input (:func:`patchgan_receptive_field`).

Instance norm is ``keras.layers.GroupNormalization(groups=-1)``: one group per channel, so
each sample and channel is normalised over its own H×W (not layer norm, which pools the
channels). As in the authors' code it has no learned scale or shift by default
(``affine=False``), and the convolutions it follows have no bias (the mean removal
cancels it). Weights ~ N(0, 0.02) as in the authors' code.

``small_resnet_generator`` / ``small_patchgan_discriminator`` are the same designs at toy
width and depth for the embedded 28-px task (``cv2course.gans.unpaired``).
"""
import keras

from cv2course.checks import check_choice, check_positive

NORMS = ("instance", None)


def _init():
    return keras.initializers.RandomNormal(0.0, 0.02)


@keras.saving.register_keras_serializable(package="cv2course")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads H and W by mirroring the image at its border (without repeating the edge pixel),
    so that convolutions near the border see image-like content rather than zeros."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(check_positive(padding, "padding", integer=True))

    def call(self, x):
        p = self.padding
        return keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, shape):
        grow = lambda s: None if s is None else s + 2 * self.padding  # noqa: E731
        return (shape[0], grow(shape[1]), grow(shape[2]), shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


def instance_norm(name=None, affine=False, epsilon=1e-5):
    """Instance normalisation: (x − μ_nc) / √(σ²_nc + ε) with μ, σ² over H×W of each sample n and
    channel c; ``GroupNormalization(groups=-1)``. ``affine=True`` adds a learned γ_c, β_c."""
    return keras.layers.GroupNormalization(groups=-1, epsilon=epsilon, center=bool(affine), scale=bool(affine),
                                           name=name)


def _norm(norm, name):
    return instance_norm(name) if norm == "instance" else None


def _conv_block(h, filters, kernel, strides, norm, name, activation="relu", reflect=0, transpose=False):
    if reflect:
        h = ReflectionPadding2D(reflect, name=f"{name}_reflect")(h)
    conv = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
    h = conv(filters, kernel, strides=strides, padding="valid" if reflect else "same", use_bias=norm is None,
             kernel_initializer=_init(), name=name)(h)
    if norm:
        h = _norm(norm, f"{name}_norm")(h)
    if activation == "relu":
        h = keras.layers.ReLU(name=f"{name}_relu")(h)
    return h


def _check_image_size(image_size, factor, name="image_size"):
    if image_size is None:
        return None
    check_positive(image_size, name, integer=True)
    if image_size % factor:
        raise ValueError(f"{name} must be divisible by {factor} (2 ** n_downsample) so that the generator's "
                         f"output has the input's size, got {image_size!r}")
    return int(image_size)


def resnet_generator(channels=3, filters=64, n_residual=9, n_downsample=2, image_size=None, norm="instance",
                     name="resnet_generator"):
    """CycleGAN's ResNet generator: images (N, H, W, channels) in [-1, 1] → same shape in [-1, 1].

    ``filters`` = 64, ``n_residual`` = 9 (256 px) or 6 (128 px), ``n_downsample`` = 2 in the
    paper. H and W must be divisible by 2 ** n_downsample; ``image_size`` fixes them (None:
    any size, the network is fully convolutional).
    """
    check_positive(channels, "channels", integer=True)
    check_positive(filters, "filters", integer=True)
    check_positive(n_residual, "n_residual", allow_zero=True, integer=True)
    check_positive(n_downsample, "n_downsample", allow_zero=True, integer=True)
    check_choice(norm, "norm", NORMS)
    size = _check_image_size(image_size, 2 ** n_downsample)
    x = keras.Input(shape=(size, size, channels), name="image")
    h = _conv_block(x, filters, 7, 1, norm, "c7s1", reflect=3)
    f = filters
    for i in range(n_downsample):
        f *= 2
        h = _conv_block(h, f, 3, 2, norm, f"down{i + 1}")
    for i in range(n_residual):
        r = _conv_block(h, f, 3, 1, norm, f"res{i + 1}_a", reflect=1)
        r = _conv_block(r, f, 3, 1, norm, f"res{i + 1}_b", activation=None, reflect=1)
        h = keras.layers.Add(name=f"res{i + 1}_add")([h, r])
    for i in range(n_downsample):
        f //= 2
        h = _conv_block(h, f, 3, 2, norm, f"up{i + 1}", transpose=True)
    h = ReflectionPadding2D(3, name="to_image_reflect")(h)
    h = keras.layers.Conv2D(channels, 7, kernel_initializer=_init(), name="to_image")(h)
    out = keras.layers.Activation("tanh", dtype="float32", name="tanh")(h)
    return keras.Model(x, out, name=name)


def patchgan_receptive_field(n_layers=3):
    """Side of the input patch seen by one PatchGAN score: r = 1, then r += k − 1 = 3 for the two
    stride-1 4×4 layers (r = 7) and r ← 2r + 2 for each of the ``n_layers`` stride-2 ones:
    7 → 16 → 34 → 70 for n_layers = 3 (the paper's 70×70; n_layers = 1 gives 16, 2 gives 34)."""
    check_positive(n_layers, "n_layers", integer=True)
    r = 7
    for _ in range(n_layers):
        r = 2 * r + 2
    return r


def receptive_field(model):
    """Receptive field side of one output unit of a plain convolutional ``model`` (its Conv2D layers
    in order): r = 1 + Σ_l (k_l − 1) · Π_{m<l} s_m."""
    r, jump = 1, 1
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            k, s = layer.kernel_size[0], layer.strides[0]
            r += (k - 1) * jump
            jump *= s
    return r


def patchgan_discriminator(channels=3, filters=64, n_layers=3, norm="instance", image_size=None,
                           name="patchgan_discriminator"):
    """The PatchGAN discriminator: images (N, H, W, channels) in [-1, 1] → raw scores (N, H', W', 1).

    4×4 convolutions: ``n_layers`` with stride 2 (filters 64, 128, 256, ... capped at 8×),
    one with stride 1, and the stride-1 score layer, each after a 1-pixel zero padding as
    in the authors' code; instance norm on all but the first and the last; LeakyReLU(0.2).
    A 256-px input gives 30×30 scores, each with the receptive field
    :func:`patchgan_receptive_field` (70 for ``n_layers=3``).
    """
    check_positive(channels, "channels", integer=True)
    check_positive(filters, "filters", integer=True)
    check_positive(n_layers, "n_layers", integer=True)
    check_choice(norm, "norm", NORMS)
    if image_size is not None:
        check_positive(image_size, "image_size", integer=True)
        minimum = 2 ** (n_layers + 1)
        if image_size < minimum:
            raise ValueError(f"image_size must be at least {minimum} for a PatchGAN with n_layers={n_layers}, "
                             f"got {image_size!r}")
    x = keras.Input(shape=(image_size, image_size, channels), name="image")
    h = x
    mult = 1
    for i in range(n_layers + 1):
        mult = min(2 ** i, 8)
        h = keras.layers.ZeroPadding2D(1, name=f"C{i + 1}_pad")(h)
        h = keras.layers.Conv2D(filters * mult, 4, strides=2 if i < n_layers else 1, use_bias=(i == 0 or norm is None),
                                kernel_initializer=_init(), name=f"C{i + 1}")(h)
        if i > 0 and norm:
            h = _norm(norm, f"C{i + 1}_norm")(h)
        h = keras.layers.LeakyReLU(0.2, name=f"C{i + 1}_lrelu")(h)
    h = keras.layers.ZeroPadding2D(1, name="scores_pad")(h)
    out = keras.layers.Conv2D(1, 4, kernel_initializer=_init(), dtype="float32", name="scores")(h)
    return keras.Model(x, out, name=name)


def small_resnet_generator(channels=1, filters=16, n_residual=3, n_downsample=2, image_size=None,
                           name="resnet_generator"):
    """The ResNet generator at toy size (16 base filters, 3 residual blocks) for 28-px digits."""
    return resnet_generator(channels, filters, n_residual, n_downsample, image_size, name=name)


def small_patchgan_discriminator(channels=1, filters=16, n_layers=1, image_size=None,
                                 name="patchgan_discriminator"):
    """The PatchGAN at toy size: ``n_layers=1`` gives 16×16 patches (stroke width and polarity are
    local properties of a digit), 16 base filters."""
    return patchgan_discriminator(channels, filters, n_layers, image_size=image_size, name=name)
