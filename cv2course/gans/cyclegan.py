"""CycleGAN (Zhu et al. 2017): unpaired image-to-image translation between domains X and Y.

Two generators G: X → Y and F: Y → X, two discriminators D_Y (real y vs G(x)) and D_X
(real x vs F(y)). The generators minimise

    L = L_GAN(G, D_Y) + L_GAN(F, D_X) + λ · L_cyc + λ_id · λ · L_identity

    L_GAN(G, D_Y)  = E_x (D_Y(G(x)) − 1)²                       (least squares, Mao et al.)
    L_cyc          = E_x ‖F(G(x)) − x‖₁ + E_y ‖G(F(y)) − y‖₁      (cycle consistency)
    L_identity     = E_y ‖G(y) − y‖₁ + E_x ‖F(x) − x‖₁            (keeps colours; §5.2)

with λ = 10 and λ_id = 0.5 (identity weight 0.5 λ). Each discriminator minimises
½ E (D(real) − 1)² + ½ E D(fake)² on fakes drawn from an :class:`ImagePool` of the 50
latest generated images (Shrivastava et al. 2017), which damps oscillation. Adam with
learning rate 2e-4 and β1 = 0.5, kept constant for the first half of training and then
decayed linearly to 0 (:class:`LinearDecay`); one optimizer for both generators, one for
both discriminators, as in the authors' code. The L1 terms are measured on images in
[-1, 1], where the networks work; the model's public boundary is [0, 1].

One training step (``CycleGAN.train_step``), as in the authors' code: update G and F on the
generator objective with D_X, D_Y fixed; push this step's fakes through the image pools; update
D_X and D_Y on real images and pooled fakes.

Mixed precision: the networks compute in the policy's 16 bits; L1 and least-squares terms are
computed in float32 (:func:`cv2course.pixel_losses.l1_loss` and :mod:`cv2course.gans.losses`
cast), the pools store float32 images, and under "mixed_float16" both optimizers scale the
loss. XLA is off by default: compiling the pools' per-image loop takes minutes on a CPU.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import ops

from cv2course.checks import check_images, check_integer, check_positive, check_positive_int
from cv2course.gans import cyclegan_networks  # noqa: F401  registers ReflectionPadding2D for load_model
from cv2course.gans import losses as adversarial
from cv2course.gans.image_pool import ImagePool
from cv2course.gans.losses import (cycle_consistency_loss, cyclegan_discriminator_loss,
                                  cyclegan_generator_loss, identity_loss)
from cv2course.schedules import LinearDecay
from cv2course.trainable import TrainableModel, adam


def _split(batch, parts):
    n = ops.shape(batch)[0] // parts
    return [batch[i * n:(i + 1) * n] for i in range(parts)]


def _channels(model, which):
    shape = model.input_shape if which == "input" else model.output_shape
    if isinstance(shape, list):
        raise ValueError(f"{model.name} must have one {which}, got shapes {shape}")
    return shape


@keras.saving.register_keras_serializable(package="cv2course")
class CycleGAN(TrainableModel):
    """CycleGAN with generators G: X → Y (``generator_g``), F: Y → X (``generator_f``) and
    discriminators D_X, D_Y (build them with ``cv2course.gans.cyclegan_networks``).

    Fit on a dataset of unpaired ``(x, y)`` batches in [0, 1] (``cv2course.gans.unpaired``);
    ``call(x)`` / :meth:`translate` give G(x) (or F(y)) in [0, 1]. Trackers: ``g_loss``
    (the generators' total), ``adversarial_loss``, ``cycle_loss``, ``identity_loss``
    (unweighted sums over both directions), ``d_x_loss``, ``d_y_loss``; ``test_step``
    reports the same terms (without the pool), so ``validation_data`` works.
    ``image_size`` is needed for the pool when the generators accept any size. The networks
    must treat the samples of a batch independently (instance norm, as in the paper): a
    network's calls on real and generated images are batched into one call.
    """

    tracker_names = ("g_loss", "adversarial_loss", "cycle_loss", "identity_loss", "d_x_loss", "d_y_loss")
    default_jit_compile = False  # XLA takes minutes to compile the image pools' loops on a CPU
    #: Adam(2e-4, β1 = 0.5) for each pair (compile's learning_rate / decay arguments change the rate).
    optimizers = {"generator_optimizer": (adam(2e-4, beta_1=0.5), ("generator_g", "generator_f")),
                  "discriminator_optimizer": (adam(2e-4, beta_1=0.5), ("discriminator_x", "discriminator_y"))}

    def __init__(self, generator_g, generator_f, discriminator_x, discriminator_y, lambda_cycle=10.0,
                 lambda_identity=0.5, pool_size=50, adversarial_loss="least_squares", image_size=None, seed=0,
                 **kwargs):
        super().__init__(seed=check_integer(seed, "seed"), **kwargs)
        parts = {"generator_g": generator_g, "generator_f": generator_f, "discriminator_x": discriminator_x,
                 "discriminator_y": discriminator_y}
        for name, part in parts.items():
            if not isinstance(part, keras.Model):
                raise TypeError(f"{name} must be a keras.Model, got {type(part).__name__}")
        self.lambda_cycle = float(check_positive(lambda_cycle, "lambda_cycle", allow_zero=True))
        self.lambda_identity = float(check_positive(lambda_identity, "lambda_identity", allow_zero=True))
        self.pool_size = check_positive_int(pool_size, "pool_size", allow_zero=True)
        self.adversarial_loss = adversarial.canonical_loss_name(adversarial_loss)
        self.image_size = None if image_size is None else int(check_positive(image_size, "image_size", integer=True))
        self.x_shape = self._image_shape(generator_g, "generator_g", "input")
        self.y_shape = self._image_shape(generator_g, "generator_g", "output")
        self._check_parts(parts)
        self.generator_g, self.generator_f = generator_g, generator_f
        self.discriminator_x, self.discriminator_y = discriminator_x, discriminator_y
        self.pool_x = ImagePool(self.pool_size, seed=self.seed, name="pool_x")
        self.pool_y = ImagePool(self.pool_size, seed=self.seed + 1, name="pool_y")
        self.pool_x.build((None,) + self.x_shape)
        self.pool_y.build((None,) + self.y_shape)
        self.built = True  # every part is built above

    def _image_shape(self, model, name, which):
        shape = tuple(_channels(model, which)[1:])
        if len(shape) != 3:
            raise ValueError(f"{name} must map images (N, H, W, C), got {which} shape {(None,) + shape}")
        h, w, c = shape
        if h is None or w is None:
            if self.image_size is None:
                raise ValueError(f"{name} accepts images of any size; give image_size (the training images' "
                                 "side) so that the image pools can hold them")
            h = w = self.image_size
        elif self.image_size is not None and (h, w) != (self.image_size, self.image_size):
            raise ValueError(f"image_size={self.image_size} differs from {name}'s {which} size {h}x{w}")
        return (int(h), int(w), int(c))

    def _check_parts(self, parts):
        cx, cy = self.x_shape[-1], self.y_shape[-1]
        expected = {"generator_f": ("input", cy, "output", cx), "discriminator_x": ("input", cx, None, None),
                    "discriminator_y": ("input", cy, None, None)}
        for name, (w1, c1, w2, c2) in expected.items():
            got = _channels(parts[name], w1)[-1]
            if got != c1:
                raise ValueError(f"{name}'s {w1} must have {c1} channels to match generator_g, got {got}")
            if w2 and _channels(parts[name], w2)[-1] != c2:
                raise ValueError(f"{name}'s {w2} must have {c2} channels to match generator_g, "
                                 f"got {_channels(parts[name], w2)[-1]}")
        if self.lambda_identity > 0 and cx != cy:
            raise ValueError(f"the identity loss needs domains with equal channels, got {cx} and {cy}; "
                             "set lambda_identity=0")

    # -- forward
    def call(self, x, training=False):
        """G(x): images of X in [0, 1] → images of Y in [0, 1]."""
        return (self.generator_g(ops.cast(x, "float32") * 2.0 - 1.0, training=training) + 1.0) / 2.0

    def translate(self, images, direction="x_to_y", batch_size=64):
        """G(x) (``direction="x_to_y"``) or F(y) (``"y_to_x"``) of a NumPy batch in [0, 1]."""
        if direction not in ("x_to_y", "y_to_x"):
            raise ValueError(f"direction must be 'x_to_y' or 'y_to_x', got {direction!r}")
        shape = self.x_shape if direction == "x_to_y" else self.y_shape
        arr = check_images(images, "images", channels=shape[-1])
        net = self.generator_g if direction == "x_to_y" else self.generator_f
        out = [np.asarray(net(arr[i:i + batch_size] * 2.0 - 1.0, training=False), np.float32)
               for i in range(0, len(arr), batch_size)]
        return ((np.concatenate(out) + 1.0) / 2.0).astype(np.float32)

    def cycle(self, images, direction="x_to_y", batch_size=64):
        """(translated, reconstructed): G(x) and F(G(x)) (or F(y) and G(F(y))) in [0, 1]."""
        there = self.translate(images, direction, batch_size)
        back = self.translate(there, "y_to_x" if direction == "x_to_y" else "x_to_y", batch_size)
        return there, back

    # -- training
    def generator_terms(self, x, y, training):
        """Per-replica means for the generators; x, y in [-1, 1]. Also returns the fakes F(y), G(x)."""
        if self.lambda_identity > 0:  # G(x) and G(y) in one call (same for F): fewer ops, same values
            fake_y, same_y = _split(self.generator_g(ops.concatenate([x, y]), training=training), 2)
            fake_x, same_x = _split(self.generator_f(ops.concatenate([y, x]), training=training), 2)
            idt = identity_loss(y, same_y) + identity_loss(x, same_x)
        else:
            fake_y, fake_x = self.generator_g(x, training=training), self.generator_f(y, training=training)
            idt = ops.zeros((), "float32")
        cycled_x = self.generator_f(fake_y, training=training)
        cycled_y = self.generator_g(fake_x, training=training)
        adv = (cyclegan_generator_loss(self.discriminator_y(fake_y, training=training), self.adversarial_loss)
               + cyclegan_generator_loss(self.discriminator_x(fake_x, training=training), self.adversarial_loss))
        cyc = cycle_consistency_loss(x, cycled_x) + cycle_consistency_loss(y, cycled_y)
        total = adv + self.lambda_cycle * cyc + self.lambda_identity * self.lambda_cycle * idt
        terms = {"g_loss": total, "adversarial_loss": adv, "cycle_loss": cyc, "identity_loss": idt}
        return terms, fake_x, fake_y

    def discriminator_terms(self, x, y, fake_x, fake_y, training):
        """½ E (D(real) − 1)² + ½ E D(fake)² for D_X and D_Y (real and fake scored in one call each)."""
        real_x, fake_x = _split(self.discriminator_x(ops.concatenate([x, fake_x]), training=training), 2)
        real_y, fake_y = _split(self.discriminator_y(ops.concatenate([y, fake_y]), training=training), 2)
        return {"d_x_loss": cyclegan_discriminator_loss(real_x, fake_x, self.adversarial_loss),
                "d_y_loss": cyclegan_discriminator_loss(real_y, fake_y, self.adversarial_loss)}

    def _inputs(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError("CycleGAN trains on unpaired (x, y) batches: a dataset of pairs of images from "
                             "domain X and domain Y (see cv2course.gans.unpaired.unpaired_dataset)")
        for name, t, shape in (("x", x, self.x_shape), ("y", y, self.y_shape)):
            if tuple(t.shape[1:]) != shape:
                raise ValueError(f"{name} batches must have shape (N,) + {shape}, got {tuple(t.shape)}")
        return ops.cast(x, "float32") * 2.0 - 1.0, ops.cast(y, "float32") * 2.0 - 1.0

    def train_step(self, data):
        self.check_compiled()
        g_opt, d_opt = self.generator_optimizer, self.discriminator_optimizer
        generators, discriminators = map(self.optimized_variables, ("generator_optimizer", "discriminator_optimizer"))
        x, y = self._inputs(data)
        # G and F minimise L_GAN(G, D_Y) + L_GAN(F, D_X) + λ L_cyc + λ_id λ L_identity (D_X, D_Y fixed).
        with tf.GradientTape() as tape:
            g_terms, fake_x, fake_y = self.generator_terms(x, y, training=True)
        self.descend(g_opt, tape, g_terms["g_loss"], generators)
        # D_X and D_Y learn from this step's fakes (made before G's update, as in the authors' code),
        # mixed with older ones by the image pools.
        fake_x, fake_y = self.pool_x(fake_x), self.pool_y(fake_y)
        with tf.GradientTape() as tape:
            d_terms = self.discriminator_terms(x, y, fake_x, fake_y, training=True)
            d_loss = d_terms["d_x_loss"] + d_terms["d_y_loss"]
        self.descend(d_opt, tape, d_loss, discriminators)
        return self.record({**g_terms, **d_terms})

    def test_step(self, data):
        x, y = self._inputs(data)
        g_terms, fake_x, fake_y = self.generator_terms(x, y, training=False)
        return self.record({**g_terms, **self.discriminator_terms(x, y, fake_x, fake_y, training=False)})

    def compile(self, generator_optimizer=None, discriminator_optimizer=None, learning_rate=2e-4,
                constant_steps=None, decay_steps=None, jit_compile=None, **kwargs):
        """Adam(2e-4, β1 = 0.5) for both pairs of networks unless optimizers are given.

        With ``decay_steps`` the learning rate is :class:`LinearDecay`: constant for
        ``constant_steps`` (default: as many as ``decay_steps``, the paper's 100 + 100
        epochs), then linear to 0. ``jit_compile=True`` compiles the step with XLA (off by default:
        slower on a CPU, and its compile takes minutes).
        """
        check_positive(learning_rate, "learning_rate")
        if decay_steps is None and constant_steps is not None:
            raise ValueError("constant_steps needs decay_steps (the length of the linear decay to 0)")
        if decay_steps is None:
            rate = learning_rate
        else:
            rate = LinearDecay(learning_rate, decay_steps if constant_steps is None else constant_steps, decay_steps)
        generator_optimizer, discriminator_optimizer = (
            given if given is not None else keras.optimizers.Adam(learning_rate=rate, beta_1=0.5, beta_2=0.999)
            for given in (generator_optimizer, discriminator_optimizer))
        super().compile(generator_optimizer=generator_optimizer, discriminator_optimizer=discriminator_optimizer,
                        jit_compile=jit_compile, **kwargs)

    # -- serialisation
    def build(self, input_shape=None):
        self.built = True

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "lambda_cycle": self.lambda_cycle,
                  "lambda_identity": self.lambda_identity, "pool_size": self.pool_size,
                  "adversarial_loss": self.adversarial_loss, "image_size": self.image_size, "seed": self.seed}
        for part in ("generator_g", "generator_f", "discriminator_x", "discriminator_y"):
            config[part] = keras.saving.serialize_keras_object(getattr(self, part))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("generator_g", "generator_f", "discriminator_x", "discriminator_y"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def small_cyclegan(channels=1, image_size=28, filters=16, n_residual=3, disc_filters=16, n_layers=1, **kwargs):
    """A toy CycleGAN for the embedded 28-px task: small ResNet generators and 16×16 PatchGANs."""
    from cv2course.gans.cyclegan_networks import small_patchgan_discriminator, small_resnet_generator

    def g(name):
        return small_resnet_generator(channels, filters, n_residual, image_size=image_size, name=name)

    def d(name):
        return small_patchgan_discriminator(channels, disc_filters, n_layers, image_size=image_size, name=name)

    return CycleGAN(g("generator_g"), g("generator_f"), d("discriminator_x"), d("discriminator_y"), **kwargs)


def cyclegan(channels=3, image_size=256, n_residual=None, **kwargs):
    """The paper's CycleGAN: ResNet generators (9 blocks from 256 px, 6 below) and 70×70 PatchGANs."""
    from cv2course.gans.cyclegan_networks import patchgan_discriminator, resnet_generator

    blocks = n_residual if n_residual is not None else (9 if image_size >= 256 else 6)
    gens = [resnet_generator(channels, n_residual=blocks, image_size=image_size, name=n)
            for n in ("generator_g", "generator_f")]
    discs = [patchgan_discriminator(channels, image_size=image_size, name=n)
             for n in ("discriminator_x", "discriminator_y")]
    return CycleGAN(*gens, *discs, **kwargs)
