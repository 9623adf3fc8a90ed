"""Saved SR models: the EDSR x2/x3/x4 models and the x4 SRResNet/SRGAN demo pair shipped with
the package, and any .keras file.

The EDSR files are made by ``benchmarks/sr.py`` with the package's ``train_sr`` on T91 (x4 also
on a few scikit-image photos; see ``cv2course/weights/README.md`` for the commands, the training
times and the Set5/Set14/held-out table): EDSR with 32 filters and 8 residual blocks (about
0.2 M parameters), far smaller than the paper's EDSR. The demo pair (``benchmarks/srgan_demo.py``)
is a small SRResNet trained with MSE and the SRGAN generator fine-tuned from it with the
perceptual loss: the SRGAN talk's comparison (lower PSNR, sharper texture) on a CPU budget.
"""
from pathlib import Path

SHIPPED_SCALES = (2, 3, 4)
AVAILABLE_SCALES = SHIPPED_SCALES  # the scales `cv2course upscale` can serve without --model
DEMO_FILES = {"srresnet": "srresnet_x4.keras", "srgan": "srgan_x4.keras"}  # x4 SRResNet (MSE) and its SRGAN


def weights_dir():
    return Path(__file__).resolve().parents[1] / "weights"


def shipped_path(scale):
    return weights_dir() / f"edsr_x{scale}.keras"


def load_model(path):
    """A Keras SR model from a ``.keras`` file (without its optimizer state, for inference)."""
    import keras

    from cv2course.sr import edsr, pixel_shuffle, srgan, srresnet, wdsr  # noqa: F401  (register custom layers)

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file {str(path)!r} does not exist")
    if path.suffix != ".keras":
        raise ValueError(f"model file must be a .keras file saved by Keras 3, got {str(path)!r}")
    model = keras.models.load_model(path, compile=False)
    if isinstance(model, srgan.SRGAN):
        return model.generator
    return model


def pretrained_edsr(scale):
    """The shipped EDSR for ``scale`` 2, 3 or 4, trained on T91 (see cv2course/weights/README.md)."""
    if scale not in SHIPPED_SCALES:
        raise ValueError(f"shipped EDSR models exist for scale {list(SHIPPED_SCALES)}, got {scale!r}; "
                         "train one with `cv2course train-sr --scale S ...` and pass it with --model")
    path = shipped_path(scale)
    if not path.is_file():
        raise FileNotFoundError(f"the shipped model {path} is missing; reinstall cv2course or make it with "
                                "the command in cv2course/weights/README.md")
    return load_model(path)


def _shipped_demo(name):
    path = weights_dir() / DEMO_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"the shipped {name} demo model {path} is missing; reinstall cv2course or make it "
                                "with the command in cv2course/weights/README.md (benchmarks/srgan_demo.py)")
    return load_model(path)


def pretrained_srresnet():
    """The shipped x4 SRResNet demo, trained for PSNR with MSE (see cv2course/weights/README.md)."""
    return _shipped_demo("srresnet")


def pretrained_srgan():
    """The shipped x4 SRGAN generator, fine-tuned from :func:`pretrained_srresnet`'s weights with the
    perceptual loss l_SR = l_VGG + 10⁻³ · l_Gen (see cv2course/weights/README.md)."""
    return _shipped_demo("srgan")
