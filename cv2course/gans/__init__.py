"""The GAN family: GAN/DCGAN, WGAN, WGAN-GP, conditional GAN (this package's models), plus
semi-supervised GAN and CycleGAN; adversarial losses by name, DCGAN networks, callbacks
and latent-space walks.

Submodules load on first attribute access, so ``import cv2course.gans`` stays light.
"""
import importlib

_EXPORTS = {
    "GAN": "gan", "WGAN": "wgan", "WGANGP": "wgan_gp", "ConditionalGAN": "cgan",
    "SemiSupervisedGAN": "sgan", "CycleGAN": "cyclegan",
    "ImageGridMonitor": "callbacks", "ModeCollapseMonitor": "callbacks",
    "discriminator_loss": "losses", "generator_loss": "losses", "adversarial_losses": "losses",
    "gradient_penalty": "losses", "clip_weights": "losses",
    "dcgan_generator": "networks", "dcgan_discriminator": "networks", "dcgan_critic": "networks",
    "lerp": "latent", "slerp": "latent",
}


def __getattr__(name):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
