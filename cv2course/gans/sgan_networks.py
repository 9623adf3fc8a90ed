"""The semi-supervised GAN's discriminator: the DCGAN trunk with a K-logit head, returning the
logits and the last hidden features (for feature matching), with Salimans et al.'s Gaussian
noise layers."""
import keras

from cv2course.checks import check_choice, check_in_range, check_positive
from cv2course.gans import dcgan_networks


def sgan_discriminator(image_size=28, channels=1, num_classes=10, base_filters=32, norm=None, dropout=0.25,
                       input_noise=0.0, hidden_noise=0.0, name="sgan_discriminator"):
    """The DCGAN discriminator trunk (``dcgan_networks.dcgan_discriminator_trunk``) with a K-logit head:
    images in [-1, 1] → [logits (N, K), features (N, F)], features being the last hidden layer
    (for feature matching). No batch norm by default: D sees labelled, unlabelled and
    generated images, whose batch statistics differ; dropout, Gaussian noise of standard
    deviation ``input_noise`` on the input and ``hidden_noise`` after every hidden block
    (Salimans et al.'s MNIST model: 0.3 on the input, 0.5 on the hidden layers) regularise it.
    The noise is active in training only."""
    check_positive(num_classes, "num_classes", integer=True)
    check_positive(input_noise, "input_noise", allow_zero=True)
    check_positive(hidden_noise, "hidden_noise", allow_zero=True)
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if hidden_noise:
        trunk = _noisy_trunk(image_size, channels, base_filters, norm, dropout, float(hidden_noise), f"{name}_trunk")
    else:
        trunk = dcgan_networks.dcgan_discriminator_trunk(image_size, channels, base_filters, norm=norm,
                                                         dropout=dropout, name=f"{name}_trunk")
    x = keras.Input(tuple(trunk.input.shape[1:]), name="image")
    h = keras.layers.GaussianNoise(float(input_noise), name="input_noise")(x) if input_noise else x
    features = trunk(h)
    logits = keras.layers.Dense(num_classes, kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02),
                                dtype="float32", name="class_logits")(features)
    return keras.Model(x, [logits, features], name=name)


def _noisy_trunk(image_size, channels, base_filters, norm, dropout, noise, name):
    """``dcgan_networks.dcgan_discriminator_trunk``'s layers (stride-2 4×4 convolutions, LeakyReLU(0.2),
    dropout) with Gaussian noise of standard deviation ``noise`` after each block."""
    _, k = dcgan_networks.start_size(image_size)
    check_positive(base_filters, "base_filters", integer=True)
    check_choice(norm, "norm", dcgan_networks.NORMS)
    check_in_range(dropout, "dropout", 0.0, 1.0, include_high=False)
    x = keras.Input((image_size, image_size, channels), name="image")
    h, filters = x, base_filters
    for i in range(k):
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=(i == 0 or norm is None),
                                kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), name=f"down{i + 1}")(h)
        if norm and i > 0:
            h = dcgan_networks._norm_layer(norm, f"down{i + 1}_norm")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        h = keras.layers.GaussianNoise(noise, name=f"down{i + 1}_noise")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
        filters *= 2
    h = keras.layers.Flatten(name="features")(h)
    return keras.Model(x, h, name=name)
