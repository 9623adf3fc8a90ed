"""Adversarial losses chosen by name, the WGAN-GP gradient penalty and WGAN weight clipping.

Every loss takes the discriminator's raw scores ("logits": no sigmoid), averages over all
elements (so PatchGAN score maps work too) and returns the *per-replica mean*, computed in
float32. In a custom ``train_step`` differentiate ``cv2course.distribute.scale_for_replicas``
of it and record the unscaled value in the trackers.

Names (``LOSS_NAMES``), with σ the sigmoid, l_r = D(x) and l_f = D(G(z)):

=================  ===============================================  ==========================
name               discriminator / critic minimises                 generator minimises
=================  ===============================================  ==========================
minimax            −E log σ(l_r) − E log(1 − σ(l_f))                 E log(1 − σ(l_f))
non_saturating     same as minimax                                   −E log σ(l_f)
wasserstein        E l_f − E l_r                                     −E l_f
hinge              E max(0, 1 − l_r) + E max(0, 1 + l_f)             −E l_f
least_squares      ½ E (l_r − 1)² + ½ E l_f²                         ½ E (l_f − 1)²
=================  ===============================================  ==========================

``minimax`` and ``non_saturating`` are Goodfellow et al. (2014); ``wasserstein`` Arjovsky et
al. (2017); ``hinge`` Lim & Ye (2017) / Miyato et al. (2018); ``least_squares`` Mao et al.
(2017) with a = 0, b = c = 1.

Below them, the losses of two models built on these: CycleGAN's (cycle consistency, identity,
and its least-squares convention) and the semi-supervised GAN's on Salimans et al.'s K logits.
"""
import collections


LOSS_NAMES = ("minimax", "non_saturating", "wasserstein", "hinge", "least_squares")
_ALIASES = {"nonsaturating": "non_saturating", "ns": "non_saturating", "wgan": "wasserstein",
            "lsgan": "least_squares", "lsq": "least_squares", "mse": "least_squares"}

AdversarialLosses = collections.namedtuple("AdversarialLosses", ["name", "discriminator", "generator"])


def _ops():
    import keras

    return keras.ops


def _scores(x, name):
    """``x`` as a float32 tensor with at least one element."""
    ops = _ops()
    try:
        t = ops.cast(ops.convert_to_tensor(x), "float32")
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a tensor or array of numbers, got {type(x).__name__}") from exc
    if len(t.shape) == 0:
        t = ops.reshape(t, (1,))
    return t


def _pair(real_logits, fake_logits):
    real = _scores(real_logits, "real_logits")
    fake = _scores(fake_logits, "fake_logits")
    if tuple(real.shape[1:]) != tuple(fake.shape[1:]):
        raise ValueError("real_logits and fake_logits must have the same shape apart from the batch axis, got "
                         f"{tuple(real.shape)} and {tuple(fake.shape)}")
    return real, fake


def check_label_smoothing(label_smoothing):
    """``label_smoothing`` as a float in [0, 1) (the real target is 1 − it), else a ValueError."""
    from cv2course.checks import check_in_range

    return check_in_range(label_smoothing, "label_smoothing", 0.0, 1.0, include_high=False)


# --- minimax / non-saturating (Goodfellow et al. 2014) ---------------------------------------

def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of D: −E[a·log σ(l_r) + (1−a)·log(1−σ(l_r))] − E[log(1 − σ(l_f))].

    a = 1 − label_smoothing is the real target; one-sided label smoothing (Salimans et al.
    2016, a = 0.9) softens only the real targets, never the fake ones. With a = 1 this is
    the negative of Goodfellow's value V(D, G). log σ(l) = −softplus(−l), log(1−σ(l)) = −softplus(l).
    """
    ops = _ops()
    real, fake = _pair(real_logits, fake_logits)
    a = 1.0 - check_label_smoothing(label_smoothing)
    real_term = a * ops.softplus(-real) + (1.0 - a) * ops.softplus(real)
    return ops.mean(real_term) + ops.mean(ops.softplus(fake))


def minimax_generator_loss(fake_logits):
    """Goodfellow's original (saturating) generator objective: E log(1 − σ(l_f)) = −E softplus(l_f)."""
    ops = _ops()
    return -ops.mean(ops.softplus(_scores(fake_logits, "fake_logits")))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss −E log σ(l_f) = E softplus(−l_f) (strong gradients early on)."""
    ops = _ops()
    return ops.mean(ops.softplus(-_scores(fake_logits, "fake_logits")))


# --- Wasserstein (Arjovsky et al. 2017) ------------------------------------------------------

def wasserstein_critic_loss(real_logits, fake_logits):
    """The critic minimises E[f(G(z))] − E[f(x)], i.e. maximises the Kantorovich–Rubinstein estimate
    E[f(x)] − E[f(G(z))] of the Earth Mover distance (f must be kept Lipschitz)."""
    ops = _ops()
    real, fake = _pair(real_logits, fake_logits)
    return ops.mean(fake) - ops.mean(real)


def wasserstein_generator_loss(fake_logits):
    """The generator minimises −E[f(G(z))]."""
    return -_ops().mean(_scores(fake_logits, "fake_logits"))


# --- hinge (Lim & Ye 2017; Miyato et al. 2018) -----------------------------------------------

def hinge_discriminator_loss(real_logits, fake_logits):
    """E max(0, 1 − l_r) + E max(0, 1 + l_f)."""
    ops = _ops()
    real, fake = _pair(real_logits, fake_logits)
    return ops.mean(ops.relu(1.0 - real)) + ops.mean(ops.relu(1.0 + fake))


hinge_generator_loss = wasserstein_generator_loss


# --- least squares (Mao et al. 2017) ---------------------------------------------------------

def least_squares_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """½ E (l_r − b)² + ½ E (l_f − a)² with a = 0 and b = 1 − label_smoothing (LSGAN, CycleGAN)."""
    ops = _ops()
    real, fake = _pair(real_logits, fake_logits)
    b = 1.0 - check_label_smoothing(label_smoothing)
    return 0.5 * ops.mean(ops.square(real - b)) + 0.5 * ops.mean(ops.square(fake))


def least_squares_generator_loss(fake_logits):
    """½ E (l_f − c)² with c = 1."""
    ops = _ops()
    return 0.5 * ops.mean(ops.square(_scores(fake_logits, "fake_logits") - 1.0))


# --- by name ---------------------------------------------------------------------------------

_TABLE = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (minimax_discriminator_loss, non_saturating_generator_loss),
    "wasserstein": (wasserstein_critic_loss, wasserstein_generator_loss),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss),
    "least_squares": (least_squares_discriminator_loss, least_squares_generator_loss),
}
_SMOOTHABLE = ("minimax", "non_saturating", "least_squares")


def canonical_loss_name(name):
    """``name`` normalised ("Non-saturating" -> "non_saturating", "lsgan" -> "least_squares")."""
    if not isinstance(name, str):
        raise ValueError(f"loss must be one of {list(LOSS_NAMES)}, got {name!r}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in _TABLE:
        raise ValueError(f"loss must be one of {list(LOSS_NAMES)}, got {name!r}")
    return key


def adversarial_losses(name):
    """The pair of loss functions called ``name``: ``AdversarialLosses(name, discriminator, generator)``.

    ``discriminator(real_logits, fake_logits)`` and ``generator(fake_logits)``.
    """
    key = canonical_loss_name(name)
    return AdversarialLosses(key, *_TABLE[key])


def discriminator_loss(name, real_logits, fake_logits, label_smoothing=0.0):
    """The discriminator (critic) loss called ``name`` on raw scores; see the module table."""
    key = canonical_loss_name(name)
    if key in _SMOOTHABLE:
        return _TABLE[key][0](real_logits, fake_logits, label_smoothing=label_smoothing)
    if check_label_smoothing(label_smoothing) != 0.0:
        raise ValueError(f"label_smoothing applies to {list(_SMOOTHABLE)} losses, not {key!r}")
    return _TABLE[key][0](real_logits, fake_logits)


def generator_loss(name, fake_logits):
    """The generator loss called ``name`` on the discriminator's raw scores of fakes."""
    return _TABLE[canonical_loss_name(name)][1](fake_logits)


# --- Lipschitz constraints -------------------------------------------------------------------

def interpolate(real, fake, epsilon):
    """x̂ = ε·x + (1 − ε)·x̃ with one ε per sample (shape (N,) or broadcastable)."""
    ops = _ops()
    eps = ops.cast(ops.convert_to_tensor(epsilon), "float32")
    eps = ops.reshape(eps, (-1,) + (1,) * (len(real.shape) - 1))
    return eps * real + (1.0 - eps) * fake


def gradient_norms(critic, x, norm_epsilon=1e-10, training=None):
    """‖∇ₓ D(x)‖₂ per sample, the norm over all non-batch axes, with ``norm_epsilon`` inside the
    square root so that its gradient is finite at 0. Computed in float32 with a TF tape
    (differentiable again, as WGAN-GP needs)."""
    import tensorflow as tf

    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = _call(critic, x, training)
        scores = tf.cast(scores, tf.float32)
    grads = tape.gradient(scores, x)
    if grads is None:
        raise ValueError("the critic's output does not depend on its input; gradient_penalty needs D(x) "
                         "differentiable with respect to x")
    axes = list(range(1, len(x.shape)))
    return tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + norm_epsilon)


def _call(critic, x, training):
    import keras

    if training is not None and isinstance(critic, keras.Layer):
        return critic(x, training=training)
    return critic(x)


def gradient_penalty(critic, real, fake, epsilon=None, seed=None, norm_epsilon=1e-10, training=None):
    """Gulrajani et al. (2017): E_x̂ (‖∇_x̂ D(x̂)‖₂ − 1)² with x̂ = ε·x + (1 − ε)·x̃, ε ~ U[0, 1] per sample.

    ``critic`` is any callable mapping a batch to scores (a conditional critic: wrap it,
    ``lambda x: D([x, y])``). The gradient norm is taken over all non-batch axes with a
    small ``norm_epsilon`` inside the square root, in float32. ``epsilon`` (shape (N,))
    replaces the random draw (for tests and multi-device parity); ``seed`` seeds the draw.
    Returns the per-replica mean; WGAN-GP adds λ = 10 times it to the critic loss.
    """
    ops = _ops()
    real = _scores(real, "real")
    fake = _scores(fake, "fake")
    if tuple(real.shape) != tuple(fake.shape) and None not in tuple(real.shape) + tuple(fake.shape):
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    if len(real.shape) < 2:
        raise ValueError(f"real must be a batch (N, ...), got shape {tuple(real.shape)}")
    if epsilon is None:
        import keras

        epsilon = keras.random.uniform(ops.shape(real)[:1], 0.0, 1.0, seed=seed)
    norms = gradient_norms(critic, interpolate(real, fake, epsilon), norm_epsilon, training)
    return ops.mean(ops.square(norms - 1.0))


def clip_weights(weights, clip_value=0.01):
    """Arjovsky et al.'s weight clipping: every weight w ← clip(w, −c, c), c = 0.01 by default.

    ``weights``: a Keras model/layer (its trainable weights), or a list of variables (assigned
    in place, also from inside a ``tf.distribute`` replica context) or arrays. Returns the
    list of clipped values.
    """
    import keras

    from cv2course.checks import check_positive

    c = float(check_positive(clip_value, "clip_value"))
    if isinstance(weights, keras.Layer):
        weights = weights.trainable_weights
    elif not isinstance(weights, (list, tuple)):
        weights = [weights]
    variables = [w for w in weights if isinstance(w, keras.Variable) or hasattr(w, "assign")]
    if variables:
        _assign_clipped(variables, c)
    return [w.value if isinstance(w, keras.Variable) else w if hasattr(w, "assign")
            else keras.ops.clip(keras.ops.convert_to_tensor(w), -c, c) for w in weights]


def _assign_clipped(variables, c):
    # Mirrored variables may only be assigned in cross-replica context: merge like Keras' optimizers do.
    import keras
    import tensorflow as tf

    def update(distribution, tf_vars):
        for v in tf_vars:
            distribution.extended.update(v, lambda var: var.assign(tf.clip_by_value(var, -c, c)), group=False)

    tf_vars = [v.value if isinstance(v, keras.Variable) else v for v in variables]
    tf.__internal__.distribute.interim.maybe_merge_call(update, tf.distribute.get_strategy(), tf_vars)


# --- CycleGAN (Zhu et al. 2017) -------------------------------------------------------------

def cycle_consistency_loss(real, reconstructed):
    """L_cyc for one direction: E ‖F(G(x)) − x‖₁, the mean absolute difference over all elements
    (per-replica mean; the paper's λ = 10 multiplies the sum of both directions)."""
    from cv2course.pixel_losses import l1_loss

    return l1_loss(reconstructed, real)


def identity_loss(real, mapped):
    """L_identity for one generator: E ‖G(y) − y‖₁ — G should leave an image of its target
    domain unchanged (mean absolute difference; weight λ_id · λ = 0.5 · 10 in the paper)."""
    from cv2course.pixel_losses import l1_loss

    return l1_loss(mapped, real)


def cyclegan_generator_loss(fake_logits, loss="least_squares"):
    """CycleGAN's generator adversarial term on D's scores of its fakes. For least squares this is
    the paper's E (D(G(x)) − 1)², i.e. twice the ½-convention LSGAN generator loss above."""
    name = canonical_loss_name(loss)
    value = generator_loss(name, fake_logits)
    return 2.0 * value if name == "least_squares" else value


def cyclegan_discriminator_loss(real_logits, fake_logits, loss="least_squares"):
    """½ E (D(y) − 1)² + ½ E D(G(x))² for least squares (the authors' code halves D's objective)."""
    return discriminator_loss(loss, real_logits, fake_logits)


# --- Semi-supervised GAN on K logits (Salimans et al. 2016) -----------------------------------
# The discriminator outputs K class logits l₁ … l_K (no "fake" output): softmax(l) gives the
# classes, D(x) = Z/(Z + 1) with Z = Σ_k exp l_k whether x is real; the unsupervised terms are the
# GAN losses above on the real/fake logit LSE(l) = log Z.

def sgan_log_real_probability(logits):
    """log D(x) with D(x) = Z / (Z + 1), Z = Σ_k exp l_k: log D = −log(1 + 1/Z) = −softplus(−LSE(l))."""
    ops = _ops()
    return -ops.softplus(-ops.logsumexp(_scores(logits, "logits"), axis=-1))


def sgan_supervised_loss(logits, labels):
    """−E log softmax(l(x))_y: cross-entropy of the K-class classifier on labelled examples."""
    ops = _ops()
    return ops.mean(ops.sparse_categorical_crossentropy(ops.cast(labels, "int32"), _scores(logits, "logits"),
                                                        from_logits=True))


def sgan_unsupervised_discriminator_loss(real_logits, fake_logits):
    """−E_x log D(x) − E_z log(1 − D(G(z))) with D = Z/(Z + 1) = σ(LSE l): the GAN's
    discriminator loss on the real/fake logit LSE(l)."""
    ops = _ops()
    return minimax_discriminator_loss(ops.logsumexp(_scores(real_logits, "real_logits"), axis=-1),
                                      ops.logsumexp(_scores(fake_logits, "fake_logits"), axis=-1))


def sgan_non_saturating_generator_loss(fake_logits):
    """−E_z log D(G(z)) with D = Z/(Z + 1) = σ(LSE l): the GAN's non-saturating loss on LSE(l)."""
    return non_saturating_generator_loss(_ops().logsumexp(_scores(fake_logits, "fake_logits"), axis=-1))


def feature_matching_loss(real_features, fake_features):
    """Salimans et al. §3.1: ‖E_x f(x) − E_z f(G(z))‖², the squared L2 distance between the batch
    means of the discriminator's hidden features of real and generated images."""
    ops = _ops()
    real = ops.mean(_scores(real_features, "real_features"), axis=0)
    fake = ops.mean(_scores(fake_features, "fake_features"), axis=0)
    return ops.sum(ops.square(real - fake))


def classification_accuracy(logits, labels):
    """Fraction of examples whose arg-max class is the label."""
    ops = _ops()
    predicted = ops.argmax(_scores(logits, "logits"), axis=-1)
    return ops.mean(ops.cast(ops.equal(predicted, ops.cast(labels, "int32")), "float32"))
