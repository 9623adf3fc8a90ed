"""Single-image super-resolution: interpolation, PSNR/SSIM, EDSR, WDSR, SRResNet, SRGAN.

Modules (one concept each): ``resize`` (``imresize`` as in MATLAB, ``upscale``, ``downscale``,
1-D/2-D interpolation demos), ``evaluate`` (``psnr``, ``ssim`` on the papers' Y-channel
protocol, ``evaluate`` over a folder, ``comparison_figure``), ``pixel_shuffle``, ``edsr``,
``wdsr``, ``srresnet``, ``srgan``, ``losses``, ``data`` (patch pairs), ``train``
(``train_sr``), ``inference`` (``super_resolve``), ``pretrained`` (shipped EDSR models).

Names are imported on first use, so ``import cv2course.sr`` (and the CLI) stays light. The
model builders share their module's name, so import them from the module:
``from cv2course.sr.edsr import edsr``; ``cv2course.sr.edsr`` is the module.
"""
from cv2course.lazy import lazy_exports

_MODULES = ("resize", "evaluate", "pixel_shuffle", "edsr", "wdsr", "srresnet", "srgan", "losses", "data", "train",
            "inference", "pretrained", "cli")
_EXPORTS = {
    "imresize": "resize", "upscale": "resize", "downscale": "resize", "mod_crop": "resize",
    "interpolate_1d": "resize", "interpolate_2d": "resize", "cubic_kernel": "resize",
    "psnr": "evaluate", "ssim": "evaluate", "rgb_to_y": "evaluate", "comparison_figure": "evaluate",
    "caption": "evaluate", "image_pairs": "evaluate", "SRScores": "evaluate",
    "PixelShuffle": "pixel_shuffle", "MeanShift": "edsr", "WeightNormConv2D": "wdsr",
    "SRGAN": "srgan", "srgan_discriminator": "srgan",
    "content_loss": "losses", "l1_loss": "losses", "mse_loss": "losses",
    "PatchPairs": "data", "patch_pairs": "data", "sr_dataset": "data",
    "train_sr": "train", "export_model": "train",
    "super_resolve": "inference", "model_scale": "inference",
    "load_model": "pretrained", "pretrained_edsr": "pretrained",
}
__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _MODULES)
