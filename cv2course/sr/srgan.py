"""SRGAN (Ledig et al. 2017): SRResNet trained with a perceptual loss against a discriminator.

The generator (an SRResNet, initialised from one trained for PSNR) minimises

    l_SR = l_VGG/i.j + 10⁻³ · l_Gen,   l_VGG = mean ((φ_i.j(HR) − φ_i.j(G(LR))) / 12.75)²,
    l_Gen = −log D(G(LR)),

with φ_i.j the VGG19 feature map after the j-th convolution (and ReLU) before the i-th
pooling: "vgg54" (block5_conv4, the paper's SRGAN-VGG54, textures) or "vgg22" (block2_conv2).
The discriminator minimises −log D(HR) − log(1 − D(G(LR))). Both use Adam(1e-4, β₁ = 0.9);
each step updates D and G from the same forward pass.

Offline, VGG19 falls back to the bundled VGG16 trunk (``cv2course.backbones``), where
block5_conv4 becomes block5_conv3 and block2_conv2 stays.

The discriminator follows the paper (8 convolutions 64→512 with stride 2 every second one,
batch norm, LeakyReLU 0.2, dense 1024, dense 1) but pools its last feature map globally
(mean over space) before the dense layers, so that it accepts any patch size; the paper
flattens the 6×6 map of a 96×96 patch. It outputs a logit (the sigmoid lives in the loss).
"""
import keras
from keras import ops

from cv2course.checks import check_choice
from cv2course.distribute import scale_for_replicas
from cv2course.gans.losses import minimax_discriminator_loss, non_saturating_generator_loss
from cv2course.sr import losses

CONTENT_LAYERS = {"vgg54": "block5_conv4", "vgg22": "block2_conv2"}


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


def _vgg_layer(content_layer, arch):
    layer = CONTENT_LAYERS[content_layer]
    if arch == "vgg16" and layer.endswith("_conv4"):
        layer = layer[:-1] + "3"
    return layer


@keras.saving.register_keras_serializable(package="cv2course")
class SRGAN(keras.Model):
    """SRGAN = generator (SRResNet) + discriminator + VGG content loss; ``call(lr)`` = generator.

    ``content_layer``: "vgg54" or "vgg22". ``vgg_arch``/``vgg_weights`` choose the feature
    extractor (see :func:`cv2course.backbones.vgg_features`; ``vgg_arch="vgg16",
    vgg_weights="bundled"`` works offline). Fit on (lr, hr) batches of [0, 1] images.
    Trackers: ``perceptual_loss``, ``content_loss``, ``adversarial_loss``, ``discriminator_loss``.
    """

    tracker_names = ("perceptual_loss", "content_loss", "adversarial_loss", "discriminator_loss")

    def __init__(self, generator, discriminator=None, content_layer="vgg54", vgg_arch="vgg19", vgg_weights="auto",
                 adversarial_weight=losses.ADVERSARIAL_WEIGHT, rescale=losses.VGG_RESCALE, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model):
            raise TypeError(f"generator must be a keras.Model (e.g. cv2course.sr.srresnet(4)), "
                            f"got {type(generator).__name__}")
        check_choice(content_layer, "content_layer", tuple(CONTENT_LAYERS))
        check_choice(vgg_arch, "vgg_arch", ("vgg19", "vgg16"))
        self.generator = generator
        self.discriminator = discriminator if discriminator is not None else srgan_discriminator()
        if not isinstance(self.discriminator, keras.Model):
            raise TypeError(f"discriminator must be a keras.Model, got {type(self.discriminator).__name__}")
        self.content_layer = content_layer
        self.vgg_arch = vgg_arch
        self.vgg_weights = vgg_weights
        self.adversarial_weight = float(adversarial_weight)
        self.rescale = float(rescale)
        self._vgg = _Frozen(self._build_vgg())
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracker_names}
        self.built = True

    def _build_vgg(self):
        from cv2course.backbones import vgg_features

        layer = _vgg_layer(self.content_layer, self.vgg_arch)
        return vgg_features([layer], arch=self.vgg_arch, weights=self.vgg_weights)

    def feature_extractor(self):
        """The frozen VGG extractor (``.weights_label`` says which weights it carries).

        A method, not an attribute: Keras saves every model it finds among the attributes,
        and the VGG is rebuilt from its weights on loading rather than stored in the file."""
        return self._vgg.model

    @classmethod
    def from_srresnet(cls, srresnet, **kwargs):
        """An SRGAN whose generator starts as a copy of a PSNR-trained SRResNet (model or .keras path)."""
        if not isinstance(srresnet, keras.Model):
            from cv2course.sr.pretrained import load_model

            srresnet = load_model(srresnet)
        generator = keras.models.clone_model(srresnet)
        generator.set_weights(srresnet.get_weights())
        return cls(generator, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, lr, training=False):
        return self.generator(lr, training=training)

    def features(self, images):
        """φ(images): the content layer's activations."""
        return next(iter(self.feature_extractor()(images).values()))

    def loss_terms(self, lr, hr, training):
        """Per-replica batch means of every loss term, from one forward pass."""
        sr = self.generator(lr, training=training)
        real = self.discriminator(hr, training=training)
        fake = self.discriminator(sr, training=training)
        content = losses.content_loss(ops.stop_gradient(self.features(hr)), self.features(sr), self.rescale)
        adversarial = non_saturating_generator_loss(fake)
        return {"perceptual_loss": losses.perceptual_loss(content, adversarial, self.adversarial_weight),
                "content_loss": content, "adversarial_loss": adversarial,
                "discriminator_loss": minimax_discriminator_loss(real, fake)}

    def _unpack(self, data):
        lr, hr, _ = keras.utils.unpack_x_y_sample_weight(data)
        if hr is None:
            raise ValueError("SRGAN trains on (lr, hr) pairs; got inputs without targets")
        return ops.cast(lr, "float32"), ops.cast(hr, "float32")

    def _record(self, terms):
        for name, tracker in self.trackers.items():
            tracker.update_state(terms[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        import tensorflow as tf

        lr, hr = self._unpack(data)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            terms = self.loss_terms(lr, hr, training=True)
            g_scaled = scale_for_replicas(terms["perceptual_loss"])  # replica gradients are summed
            d_scaled = scale_for_replicas(terms["discriminator_loss"])
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.discriminator_optimizer.apply_gradients(zip(d_tape.gradient(d_scaled, d_vars), d_vars))
        self.generator_optimizer.apply_gradients(zip(g_tape.gradient(g_scaled, g_vars), g_vars))
        return self._record(terms)

    def test_step(self, data):
        lr, hr = self._unpack(data)
        return self._record(self.loss_terms(lr, hr, training=False))

    # -- compile / save
    def compile(self, generator_optimizer=None, discriminator_optimizer=None, **kwargs):
        """Adam(1e-4, β₁ = 0.9) for both networks unless given (the paper's setting)."""
        self.generator_optimizer = keras.optimizers.get(generator_optimizer) if generator_optimizer \
            else keras.optimizers.Adam(1e-4, beta_1=0.9)
        self.discriminator_optimizer = keras.optimizers.get(discriminator_optimizer) if discriminator_optimizer \
            else keras.optimizers.Adam(1e-4, beta_1=0.9)
        super().compile(optimizer=self.generator_optimizer, **kwargs)
        # Built now rather than on the first step, so that train_step is traced once.
        self.generator_optimizer.build(self.generator.trainable_variables)
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {"generator_optimizer": keras.saving.serialize_keras_object(self.generator_optimizer),
                "discriminator_optimizer": keras.saving.serialize_keras_object(self.discriminator_optimizer)}

    def compile_from_config(self, config):
        self.compile(generator_optimizer=keras.saving.deserialize_keras_object(config["generator_optimizer"]),
                     discriminator_optimizer=keras.saving.deserialize_keras_object(
                         config["discriminator_optimizer"]))

    def build(self, input_shape=None):
        self.built = True

    def get_config(self):
        weights = self.vgg_weights if self.vgg_weights is None or isinstance(self.vgg_weights, str) \
            else str(self.vgg_weights)
        return {"name": self.name, "trainable": self.trainable,
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "content_layer": self.content_layer, "vgg_arch": self.vgg_arch, "vgg_weights": weights,
                "adversarial_weight": self.adversarial_weight, "rescale": self.rescale}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
