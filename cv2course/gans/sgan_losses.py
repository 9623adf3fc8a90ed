"""The semi-supervised GAN's losses on Salimans et al.'s K logits l₁ … l_K (no "fake" output):
softmax(l) gives the classes, D(x) = Z/(Z + 1) with Z = Σ_k exp l_k whether x is real
(see :mod:`cv2course.gans.sgan`). The unsupervised terms are the GAN losses of
:mod:`cv2course.gans.losses` on the real/fake logit LSE(l) = log Z.
"""
from keras import ops

from cv2course.gans import losses as adversarial


def _logits(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def log_real_probability(logits):
    """log D(x) with D(x) = Z / (Z + 1), Z = Σ_k exp l_k: log D = −log(1 + 1/Z) = −softplus(−LSE(l))."""
    return -ops.softplus(-ops.logsumexp(_logits(logits), axis=-1))


def supervised_loss(logits, labels):
    """−E log softmax(l(x))_y: cross-entropy of the K-class classifier on labelled examples."""
    return ops.mean(ops.sparse_categorical_crossentropy(ops.cast(labels, "int32"), _logits(logits), from_logits=True))


def unsupervised_discriminator_loss(real_logits, fake_logits):
    """−E_x log D(x) − E_z log(1 − D(G(z))) with D = Z/(Z + 1) = σ(LSE l): the GAN's
    discriminator loss on the real/fake logit LSE(l)."""
    return adversarial.minimax_discriminator_loss(ops.logsumexp(_logits(real_logits), axis=-1),
                                                  ops.logsumexp(_logits(fake_logits), axis=-1))


def non_saturating_generator_loss(fake_logits):
    """−E_z log D(G(z)) with D = Z/(Z + 1) = σ(LSE l): the GAN's non-saturating loss on LSE(l)."""
    return adversarial.non_saturating_generator_loss(ops.logsumexp(_logits(fake_logits), axis=-1))


def feature_matching_loss(real_features, fake_features):
    """Salimans et al. §3.1: ‖E_x f(x) − E_z f(G(z))‖², the squared L2 distance between the batch
    means of the discriminator's hidden features of real and generated images."""
    real = ops.mean(ops.cast(real_features, "float32"), axis=0)
    fake = ops.mean(ops.cast(fake_features, "float32"), axis=0)
    return ops.sum(ops.square(real - fake))


def classification_accuracy(logits, labels):
    """Fraction of examples whose arg-max class is the label."""
    hits = ops.cast(ops.equal(ops.argmax(_logits(logits), axis=-1), ops.cast(labels, "int32")), "float32")
    return ops.mean(hits)
