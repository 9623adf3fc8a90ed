"""Pixel losses between two images, shared by super-resolution and image-to-image GANs.

- L1 = mean |a − b| (EDSR, WDSR; CycleGAN's cycle and identity terms);
- MSE = mean (a − b)² (SRCNN, SRResNet: maximises PSNR directly).

Each returns the mean over every pixel, channel and example of its batch (the per-replica
mean under a distribution strategy), computed in float32 whatever the inputs' dtype (so
that a mixed-precision model's bfloat16/float16 outputs are compared in full precision).
"""
from keras import ops


def _float32(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def l1_loss(a, b):
    """mean |a − b| over all pixels and channels."""
    return ops.mean(ops.abs(_float32(a) - _float32(b)))


def mse_loss(a, b):
    """mean (a − b)² over all pixels and channels."""
    return ops.mean(ops.square(_float32(a) - _float32(b)))


PIXEL_LOSSES = {"l1": l1_loss, "mse": mse_loss}
