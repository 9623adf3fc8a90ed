"""The GAN family: GAN/DCGAN, WGAN, WGAN-GP, conditional GAN (this package's models), plus
semi-supervised GAN and CycleGAN; adversarial losses by name, DCGAN networks, callbacks
and latent-space walks.

Submodules load on first attribute access, so ``import cv2course.gans`` stays light.
"""
from cv2course.lazy import lazy_exports

_EXPORTS = {
    "GAN": "gan", "WGAN": "wgan", "WGANGP": "wgan_gp", "ConditionalGAN": "cgan",
    "SemiSupervisedGAN": "sgan", "CycleGAN": "cyclegan",
    "ImageGridMonitor": "callbacks", "ModeCollapseMonitor": "callbacks",
    "discriminator_loss": "losses", "generator_loss": "losses", "adversarial_losses": "losses",
    "gradient_penalty": "losses", "clip_weights": "losses",
    "dcgan_generator": "dcgan_networks", "dcgan_discriminator": "dcgan_networks", "dcgan_critic": "dcgan_networks",
    "lerp": "latent", "slerp": "latent",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
