"""DCGAN generator, discriminator and critic builders (Radford et al. 2016) for 28/32/64 px.

Conventions inside the GAN family (the models convert at their public boundary):
- a generator maps z (N, latent_dim) [and label codes (N, K)] to images in [-1, 1] (tanh);
- a discriminator maps images in [-1, 1] [and label codes] to raw scores (N, outputs), no sigmoid.

Architecture (DCGAN guidelines): strided (transposed) convolutions instead of pooling,
batch norm in both networks except the generator's output and the discriminator's input
layer, ReLU in the generator, LeakyReLU(0.2) in the discriminator, weights ~ N(0, 0.02).
Image sizes are ``s·2^k`` with a start size s of 7 (28 px: 7→14→28) or 4 (32 px: 4→8→16→32,
64 px: 4→…→64).

``norm``: "batch" (synchronized across replicas, so a multi-device step equals one device),
"layer" (LayerNorm over (H, W, C): the WGAN-GP critic, whose penalty is per sample and must
not couple samples through batch statistics) or None.

Conditional variants (``num_classes``) take a second input, the label code (N, K): one-hot
for a class, or a mixture of one-hots (class morphing); ``cv2course.gans.cgan`` converts
integer labels. The generator concatenates a label code to z; the discriminator concatenates
label channels to the image. ``conditioning="one_hot"`` uses the one-hot vector itself
(broadcast to K constant channels in D); ``"embedding"`` a learned embedding (a bias-free
Dense layer on the one-hot code: ``embed_dim`` values concatenated to z in G, one learned
H×W map in D).
"""
import keras

from cv2course.checks import check_choice, check_in_range, check_positive

NORMS = ("batch", "layer", None)
CONDITIONINGS = ("embedding", "one_hot")


def _keras():
    return keras


def _init():
    return _keras().initializers.RandomNormal(0.0, 0.02)


def start_size(image_size):
    """(start, k): image_size = start·2^k with start in {4, 7} and k ≥ 1, else ValueError."""
    check_positive(image_size, "image_size", integer=True)
    s, k = int(image_size), 0
    while s > 7 and s % 2 == 0:
        s, k = s // 2, k + 1
    if s not in (4, 7) or k < 1:
        raise ValueError(f"image_size must be 4·2^k or 7·2^k with k >= 1 (e.g. 28, 32, 64), got {image_size!r}")
    return s, k


def _norm_layer(norm, name):
    keras = _keras()
    if norm == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=True, name=name)
    if norm == "layer":
        return keras.layers.LayerNormalization(axis=[-3, -2, -1], epsilon=1e-5, name=name)
    return None


def _check_common(image_size, channels, base_filters, norm, num_classes, conditioning):
    check_positive(channels, "channels", integer=True)
    check_positive(base_filters, "base_filters", integer=True)
    check_choice(norm, "norm", NORMS)
    check_choice(conditioning, "conditioning", CONDITIONINGS)
    if num_classes is not None:
        check_positive(num_classes, "num_classes", integer=True)
    return start_size(image_size)


@keras.saving.register_keras_serializable(package="cv2course")
class LabelChannels(keras.layers.Layer):
    """Label codes (N, K) → (N, size, size, K): each class a constant image channel."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, codes):
        ops = keras.ops
        k = ops.shape(codes)[-1]
        return ops.broadcast_to(codes[:, None, None, :], (ops.shape(codes)[0], self.size, self.size, k))

    def compute_output_shape(self, shape):
        return (shape[0], self.size, self.size, shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def _label_input(num_classes):
    # Float codes rather than integer labels, so that soft mixtures (class morphing) are valid inputs.
    return keras.Input(shape=(num_classes,), name="label")


def dcgan_generator(image_size=28, channels=1, latent_dim=100, base_filters=64, norm="batch",
                    num_classes=None, conditioning="embedding", embed_dim=None, name="generator"):
    """DCGAN generator z (N, latent_dim) [, label codes (N, K)] → images (N, S, S, channels) in [-1, 1].

    Dense to (s, s, base·2^(k−1)), then k stride-2 transposed convolutions (5×5) halving the
    filters, batch norm + ReLU between, tanh at the output. ``num_classes`` makes it G(z|y).
    """
    keras = _keras()
    check_positive(latent_dim, "latent_dim", integer=True)
    s, k = _check_common(image_size, channels, base_filters, norm, num_classes, conditioning)
    z = keras.Input(shape=(latent_dim,), name="z")
    inputs, h = [z], z
    if num_classes is not None:
        y = _label_input(num_classes)
        inputs.append(y)
        if conditioning == "one_hot":
            code = y
        else:  # a Dense layer without bias on a one-hot code is an embedding lookup
            code = keras.layers.Dense(embed_dim or min(50, latent_dim), use_bias=False, name="label_embedding")(y)
        h = keras.layers.Concatenate(name="z_and_label")([z, code])
    filters = base_filters * 2 ** (k - 1)
    use_bias = norm is None
    h = keras.layers.Dense(s * s * filters, use_bias=use_bias, kernel_initializer=_init(), name="project")(h)
    h = keras.layers.Reshape((s, s, filters))(h)
    if norm:
        h = _norm_layer(norm, "project_norm")(h)
    h = keras.layers.ReLU()(h)
    for i in range(k - 1):
        filters //= 2
        h = keras.layers.Conv2DTranspose(max(filters, 1), 5, strides=2, padding="same", use_bias=use_bias,
                                         kernel_initializer=_init(), name=f"up{i + 1}")(h)
        if norm:
            h = _norm_layer(norm, f"up{i + 1}_norm")(h)
        h = keras.layers.ReLU()(h)
    h = keras.layers.Conv2DTranspose(channels, 5, strides=2, padding="same", kernel_initializer=_init(),
                                     name="to_image")(h)
    out = keras.layers.Activation("tanh", dtype="float32", name="tanh")(h)
    return keras.Model(inputs if len(inputs) > 1 else z, out, name=name)


def dcgan_discriminator_trunk(image_size=28, channels=1, base_filters=64, norm="batch", num_classes=None,
                              conditioning="one_hot", dropout=0.0, name="discriminator_trunk"):
    """The discriminator without its last layer: images [, label codes] → flat features (N, F).

    k stride-2 4×4 convolutions doubling the filters from ``base_filters``; no norm on the
    first; LeakyReLU(0.2); optional dropout after each block (semi-supervised GANs use it).
    """
    keras = _keras()
    s, k = _check_common(image_size, channels, base_filters, norm, num_classes, conditioning)
    check_in_range(dropout, "dropout", 0.0, 1.0, include_high=False)
    x = keras.Input(shape=(image_size, image_size, channels), name="image")
    inputs, h = [x], x
    if num_classes is not None:
        y = _label_input(num_classes)
        inputs.append(y)
        size = int(image_size)
        if conditioning == "one_hot":
            maps = LabelChannels(size, name="label_channels")(y)
        else:
            maps = keras.layers.Dense(size * size, use_bias=False, name="label_embedding")(y)
            maps = keras.layers.Reshape((size, size, 1), name="label_map")(maps)
        h = keras.layers.Concatenate(name="image_and_label")([x, maps])
    filters = base_filters
    for i in range(k):
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=(i == 0 or norm is None),
                                kernel_initializer=_init(), name=f"down{i + 1}")(h)
        if norm and i > 0:
            h = _norm_layer(norm, f"down{i + 1}_norm")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
        filters *= 2
    h = keras.layers.Flatten(name="features")(h)
    return keras.Model(inputs if len(inputs) > 1 else x, h, name=name)


def dcgan_discriminator(image_size=28, channels=1, base_filters=64, norm="batch", num_classes=None,
                        conditioning="one_hot", outputs=1, dropout=0.0, name="discriminator"):
    """DCGAN discriminator images (N, S, S, channels) in [-1, 1] [, label codes] → raw scores (N, outputs).

    ``outputs=1`` for GAN/WGAN; a semi-supervised GAN uses K + 1 (or K) outputs.
    """
    keras = _keras()
    check_positive(outputs, "outputs", integer=True)
    trunk = dcgan_discriminator_trunk(image_size, channels, base_filters, norm, num_classes, conditioning,
                                      dropout, name=f"{name}_trunk")
    h = keras.layers.Dense(outputs, kernel_initializer=_init(), dtype="float32", name="scores")(trunk.output)
    return keras.Model(trunk.inputs if len(trunk.inputs) > 1 else trunk.inputs[0], h, name=name)


def dcgan_critic(image_size=28, channels=1, base_filters=64, norm="layer", num_classes=None,
                 conditioning="one_hot", name="critic"):
    """The WGAN-GP critic: the DCGAN discriminator with layer norm instead of batch norm (Gulrajani
    et al. §4: the penalty is per sample, batch norm would couple samples), one raw score."""
    if norm == "batch":
        raise ValueError("norm='batch' is not allowed in a gradient-penalty critic; use 'layer' or None")
    return dcgan_discriminator(image_size, channels, base_filters, norm, num_classes, conditioning, 1, 0.0, name)
