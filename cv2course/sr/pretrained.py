"""Saved SR models: the EDSR x2/x3/x4 models and the x4 SRGAN demo shipped with the package, and
any .keras file.

The EDSR files are made by ``benchmarks/sr.py`` with the package's ``train_sr`` on T91 (see
``cv2course/weights/README.md`` for the commands, the training times and the Set5/Set14/held-out
table): EDSR with 32 filters and 8 residual blocks (about
0.2 M parameters), far smaller than the paper's EDSR. The SRGAN demo (``benchmarks/srgan_demo.py``)
is that x4 EDSR fine-tuned with SRGAN's perceptual and adversarial losses: the SRGAN talk's
comparison (lower PSNR, sharper texture) on a CPU budget. (A small SRResNet trained with MSE on
this CPU budget did not beat bicubic, so the PSNR-trained side of the pair is the EDSR.)
"""
from pathlib import Path

SHIPPED_SCALES = (2, 3, 4)
AVAILABLE_SCALES = SHIPPED_SCALES  # the scales `cv2course upscale` can serve without --model
# The SRGAN demo pair: a PSNR-trained x4 EDSR and the same network fine-tuned with SRGAN's losses.
DEMO_FILES = {"psnr": "edsr_x4.keras", "srgan": "edsr_x4_srgan.keras"}


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



def pretrained_srgan_pair():
    """(PSNR-trained x4 model, the same model fine-tuned with SRGAN's losses): the SRGAN talk's
    comparison on a CPU budget. The first is an EDSR x4 trained with L1 (the talk's SRResNet
    role), the second starts from it and minimises l_SR = l_VGG + 10⁻³ · l_Gen against a
    discriminator (:class:`cv2course.sr.srgan.SRGAN`); see cv2course/weights/README.md."""
    models = []
    for name in ("psnr", "srgan"):
        path = weights_dir() / DEMO_FILES[name]
        if not path.is_file():
            raise FileNotFoundError(f"the shipped SRGAN demo model {path} is missing; reinstall cv2course or make it "
                                    "with the command in cv2course/weights/README.md (benchmarks/srgan_demo.py)")
        models.append(load_model(path))
    return tuple(models)
