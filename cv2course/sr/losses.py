"""Super-resolution losses: pixel losses for PSNR training, SRGAN's perceptual loss.

- L1 = mean |HR − SR| (EDSR, WDSR: sharper than MSE for the same PSNR) and
  MSE = mean (HR − SR)² (SRCNN, SRResNet: maximises PSNR directly), from
  :mod:`cv2course.pixel_losses` (shared with the GANs);
- content loss (Ledig et al. 2017) on VGG feature maps φ, rescaled by 1/12.75 as in the
  paper so that it is of the order of the MSE: l_VGG = mean ((φ(HR) − φ(SR)) / 12.75)²;
- perceptual loss l_SR = l_VGG + 10⁻³ · l_Gen, with the adversarial term
  l_Gen = −log D(G(LR)) (the non-saturating generator loss of
  :mod:`cv2course.gans.losses`).

Each returns the mean over its batch (the per-replica mean under a distribution strategy),
in float32 whatever the inputs' dtype (mixed precision).
"""
from keras import ops

from cv2course.pixel_losses import PIXEL_LOSSES, l1_loss, mse_loss  # noqa: F401  (the SR names)

VGG_RESCALE = 12.75
ADVERSARIAL_WEIGHT = 1e-3


def content_loss(features_hr, features_sr, rescale=VGG_RESCALE):
    """SRGAN's VGG content loss: mean ((φ(HR) − φ(SR)) / rescale)²."""
    diff = (ops.cast(features_hr, "float32") - ops.cast(features_sr, "float32")) / rescale
    return ops.mean(ops.square(diff))


def perceptual_loss(content, adversarial, adversarial_weight=ADVERSARIAL_WEIGHT):
    """l_SR = l_content + 10⁻³ · l_adversarial."""
    return content + adversarial_weight * adversarial
