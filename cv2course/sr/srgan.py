"""SRGAN (Ledig et al. 2017): SRResNet trained with a perceptual loss against a discriminator.

The generator G (an SRResNet, initialised from one trained for PSNR) minimises the perceptual
loss l_SR, the discriminator D (a classifier of HR patches against G's outputs, here on
logits: the sigmoid lives in the losses) the binary cross-entropy l_D. One ``train_step``:

    1  (I_LR, I_HR) ← a minibatch of patch pairs
    2  I_SR = G(I_LR)
    3  l_VGG = mean ((φ_i.j(I_HR) − φ_i.j(I_SR)) / 12.75)²      content loss (VGG feature maps)
    4  l_Gen = −log D(I_SR)                                     adversarial loss
    5  l_SR = l_VGG + 10⁻³ · l_Gen                              perceptual loss
    6  l_D = −log D(I_HR) − log(1 − D(I_SR))
    7  D ← Adam step on ∇_D l_D;  G ← Adam step on ∇_G l_SR     (both from this forward pass)

φ_i.j is the VGG19 feature map after the j-th convolution (and ReLU) before the i-th pooling:
"vgg54" (block5_conv4, the paper's SRGAN-VGG54, textures) or "vgg22" (block2_conv2). Both
networks use Adam(1e-4, β₁ = 0.9). The content layer resolves to a layer of whichever VGG
is loaded (:func:`cv2course.backbones.resolve_layer`): offline, VGG19 falls back to the
bundled VGG16 trunk, where block5_conv4 becomes block5_conv3 and block2_conv2 stays. The
model records which VGG it used (architecture, weights, layer) in its config, and loading it
where that VGG is not the one found is an error unless ``SRGAN.load(path,
allow_different_vgg=True)``: a resumed fit would otherwise minimise another loss.

Distribution and precision: the losses are per-replica batch means divided by the replicas
(``scale_for_replicas``); the discriminator's batch norm is synchronized. Under
"mixed_bfloat16" or "mixed_float16" (set before building) the networks and the VGG compute in
16 bits and every loss in float32; under "mixed_float16" both optimizers are
``LossScaleOptimizer`` (``compile`` wraps them, ``descend`` scales the gradient and ``apply``
unscales). SRGAN draws no noise.

The discriminator follows the paper (8 convolutions 64→512 with stride 2 every second one,
batch norm, LeakyReLU 0.2, dense 1024, dense 1) but pools its last feature map globally
(mean over space) before the dense layers, so that it accepts any patch size; the paper
flattens the 6×6 map of a 96×96 patch. It outputs a logit.
"""
import contextvars
from pathlib import Path

import keras
import tensorflow as tf

import cv2course.sr.srresnet  # noqa: F401  (registers SRResNet's layers for from_srresnet's files)
from cv2course.backbones import resolve_layer, vgg_features
from cv2course.checks import check_choice
from cv2course.gans.losses import minimax_discriminator_loss, non_saturating_generator_loss
from cv2course.trainable import TrainableModel, adam, serialize
from cv2course.sr import losses

CONTENT_LAYERS = {"vgg54": "block5_conv4", "vgg22": "block2_conv2"}
_ALLOW_DIFFERENT_VGG = contextvars.ContextVar("allow_different_vgg", default=False)


def srgan_discriminator(filters=64, dense=1024, alpha=0.2, synchronized=True, name="srgan_discriminator"):
    """The SRGAN discriminator on [0, 1] RGB patches of any size ≥ 16×16 → one logit per image."""
    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Rescaling(2.0, offset=-1.0, name="to_signed")(inputs)
    x = keras.layers.Conv2D(filters, 3, padding="same", name="conv1")(x)
    x = keras.layers.LeakyReLU(alpha, name="lrelu1")(x)
    k = 2
    for mult in (1, 2, 4, 8):
        for stride in ((2,) if mult == 1 else (1, 2)):
            x = keras.layers.Conv2D(filters * mult, 3, strides=stride, padding="same", name=f"conv{k}")(x)
            x = keras.layers.BatchNormalization(synchronized=synchronized, name=f"bn{k}")(x)
            x = keras.layers.LeakyReLU(alpha, name=f"lrelu{k}")(x)
            k += 1
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    x = keras.layers.Dense(dense, name="dense")(x)
    x = keras.layers.LeakyReLU(alpha, name="dense_lrelu")(x)
    outputs = keras.layers.Dense(1, name="logit")(x)
    return keras.Model(inputs, outputs, name=name)


class _Frozen:
    """Holds the VGG feature extractor outside Keras' tracking: it is rebuilt, not saved."""

    def __init__(self, model):
        self.model = model


def content_layer_name(content_layer, arch):
    """The layer of VGG ``arch`` that plays φ_i.j of ``content_layer`` ("vgg54" or "vgg22")."""
    return resolve_layer(CONTENT_LAYERS[check_choice(content_layer, "content_layer", tuple(CONTENT_LAYERS))],
                         arch, warn=False)


def vgg_record(extractor, layer):
    """What a saved SRGAN remembers of its VGG: {"arch", "weights" (the extractor's label), "layer"}."""
    return {"arch": extractor.arch, "weights": extractor.weights_label, "layer": extractor.layer_names[layer]}


def check_same_vgg(recorded, used, allow_different_vgg):
    """A ValueError when the VGG recorded in a saved SRGAN differs from the one built now (unless allowed)."""
    if recorded is None or dict(recorded) == used or allow_different_vgg:
        return
    describe = lambda v: f"{v['arch']} ({v['weights']}) at {v['layer']}"  # noqa: E731
    raise ValueError(f"this SRGAN was trained with its content loss on {describe(recorded)}, but the VGG found now is "
                     f"{describe(used)}, so resuming would minimise another loss; make that VGG available (see "
                     "cv2course.backbones.vgg_features), or load with SRGAN.load(path, allow_different_vgg=True) "
                     "to continue with this one")


@keras.saving.register_keras_serializable(package="cv2course")
class SRGAN(TrainableModel):
    """SRGAN = generator (SRResNet) + discriminator + VGG content loss; ``call(lr)`` = generator.

    ``content_layer``: "vgg54" or "vgg22". ``vgg_arch``/``vgg_weights`` choose the feature
    extractor (see :func:`cv2course.backbones.vgg_features`; ``vgg_arch="vgg16",
    vgg_weights="bundled"`` works offline). ``vgg_used`` is the record of the VGG a saved model
    was trained with (from its config); a different one is a ValueError unless
    ``allow_different_vgg``. Fit on (lr, hr) batches of [0, 1] images. Trackers:
    ``perceptual_loss``, ``content_loss``, ``adversarial_loss``, ``discriminator_loss``.
    ``compile(generator_optimizer=None, discriminator_optimizer=None, jit_compile=None)``.
    """

    tracker_names = ("perceptual_loss", "content_loss", "adversarial_loss", "discriminator_loss")
    default_jit_compile = False
    #: Ledig et al.: Adam(1e-4, β₁ = 0.9) for both networks.
    optimizers = {"generator_optimizer": (adam(1e-4, beta_1=0.9), ("generator",)),
                  "discriminator_optimizer": (adam(1e-4, beta_1=0.9), ("discriminator",))}

    def __init__(self, generator, discriminator=None, content_layer="vgg54", vgg_arch="vgg19", vgg_weights="auto",
                 adversarial_weight=losses.ADVERSARIAL_WEIGHT, rescale=losses.VGG_RESCALE, vgg_used=None,
                 allow_different_vgg=None, **kwargs):
        if not isinstance(generator, keras.Model):
            raise TypeError(f"generator must be a keras.Model (e.g. cv2course.sr.srresnet(4)), "
                            f"got {type(generator).__name__}")
        layer = content_layer_name(content_layer, check_choice(vgg_arch, "vgg_arch", ("vgg19", "vgg16")))
        # Built before the base's seed generator takes a seed from Python's RNG, as before it existed.
        discriminator = srgan_discriminator() if discriminator is None else discriminator
        if not isinstance(discriminator, keras.Model):
            raise TypeError(f"discriminator must be a keras.Model, got {type(discriminator).__name__}")
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.content_layer = content_layer
        self.vgg_arch = vgg_arch
        self.vgg_weights = vgg_weights
        self.adversarial_weight = float(adversarial_weight)
        self.rescale = float(rescale)
        self._vgg = _Frozen(vgg_features([layer], arch=vgg_arch, weights=vgg_weights))
        self.vgg_used = vgg_record(self._vgg.model, layer)
        allow = _ALLOW_DIFFERENT_VGG.get() if allow_different_vgg is None else allow_different_vgg
        check_same_vgg(vgg_used, self.vgg_used, allow)
        self.built = True

    def feature_extractor(self):
        """The frozen VGG extractor (``.weights_label`` says which weights it carries).

        A method, not an attribute: Keras saves every model it finds among the attributes,
        and the VGG is rebuilt from its weights on loading rather than stored in the file."""
        return self._vgg.model

    def features(self, images):
        """φ(images): the content layer's activations."""
        return next(iter(self.feature_extractor()(images).values()))

    @classmethod
    def from_srresnet(cls, srresnet, **kwargs):
        """An SRGAN whose generator starts as a copy of a PSNR-trained SRResNet (model or .keras path)."""
        if not isinstance(srresnet, keras.Model):
            if not Path(srresnet).is_file():
                raise FileNotFoundError(f"srresnet: no model file {str(srresnet)!r}; give a keras.Model or the "
                                        ".keras file of a trained SRResNet (cv2course train-sr --model srresnet)")
            srresnet = keras.models.load_model(srresnet, compile=False)
            srresnet = srresnet.generator if isinstance(srresnet, SRGAN) else srresnet
        generator = keras.models.clone_model(srresnet)
        generator.set_weights(srresnet.get_weights())
        return cls(generator, **kwargs)

    @classmethod
    def load(cls, path, allow_different_vgg=False, compile=True):
        """``keras.models.load_model(path)`` of a saved SRGAN; ``allow_different_vgg=True`` resumes it
        with the VGG found here even if it is not the one it was trained with."""
        token = _ALLOW_DIFFERENT_VGG.set(bool(allow_different_vgg))
        try:
            model = keras.models.load_model(path, compile=compile)
        finally:
            _ALLOW_DIFFERENT_VGG.reset(token)
        if not isinstance(model, cls):
            raise TypeError(f"{str(path)!r} holds a {type(model).__name__}, not an SRGAN")
        return model

    def call(self, lr, training=False):
        return self.generator(lr, training=training)

    @staticmethod
    def patch_pairs(data):
        lr, hr, _ = keras.utils.unpack_x_y_sample_weight(data)
        if hr is None:
            raise ValueError("SRGAN trains on (lr, hr) pairs; got inputs without targets")
        return tf.cast(lr, tf.float32), tf.cast(hr, tf.float32)

    # -- the algorithm of the module docstring
    def train_step(self, data):
        self.check_compiled()
        G, D = self.generator, self.discriminator
        g_opt, d_opt = self.generator_optimizer, self.discriminator_optimizer
        lr, hr = self.patch_pairs(data)                                                  # line 1
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            sr = G(lr, training=True)                                                    # line 2
            real_logits, fake_logits = D(hr, training=True), D(sr, training=True)
            content = losses.content_loss(tf.stop_gradient(self.features(hr)), self.features(sr),
                                          self.rescale)                                  # line 3
            adversarial = non_saturating_generator_loss(fake_logits)                     # line 4
            perceptual = losses.perceptual_loss(content, adversarial, self.adversarial_weight)  # line 5
            d_loss = minimax_discriminator_loss(real_logits, fake_logits)                # line 6
        self.descend(d_opt, d_tape, d_loss, D.trainable_variables)                       # line 7
        self.descend(g_opt, g_tape, perceptual, G.trainable_variables)
        return self.record({"perceptual_loss": perceptual, "content_loss": content,
                            "adversarial_loss": adversarial, "discriminator_loss": d_loss})

    def test_step(self, data):
        """Lines 2-6 without updates (networks in inference mode)."""
        lr, hr = self.patch_pairs(data)
        sr = self.generator(lr, training=False)
        real_logits, fake_logits = self.discriminator(hr, training=False), self.discriminator(sr, training=False)
        content = losses.content_loss(self.features(hr), self.features(sr), self.rescale)
        adversarial = non_saturating_generator_loss(fake_logits)
        return self.record({"perceptual_loss": losses.perceptual_loss(content, adversarial, self.adversarial_weight),
                            "content_loss": content, "adversarial_loss": adversarial,
                            "discriminator_loss": minimax_discriminator_loss(real_logits, fake_logits)})

    # -- save
    def build(self, input_shape=None):
        self.built = True

    def get_config(self):
        weights = self.vgg_weights if self.vgg_weights is None or isinstance(self.vgg_weights, str) \
            else str(self.vgg_weights)
        return {"name": self.name, "trainable": self.trainable,
                "generator": serialize(self.generator), "discriminator": serialize(self.discriminator),
                "content_layer": self.content_layer, "vgg_arch": self.vgg_arch, "vgg_weights": weights,
                "vgg_used": dict(self.vgg_used), "adversarial_weight": self.adversarial_weight, "rescale": self.rescale}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
