"""Pretrained demo models on the embedded digits (28 px), shipped in ``cv2course/weights/``.

    gan = load_demo("dcgan")              # a GAN whose generator is trained; gan.generate(16) → images in [0, 1]
    vae = load_demo("vae")                # a VAE with trained encoder and decoder; vae.decode(z)

``load_demo(name)`` for "dcgan", "wgan_gp", "cgan", "vae" or "cyclegan" builds the network with the
package's own builders (:mod:`cv2course.gans`, :mod:`cv2course.autoencoders`) at the settings
in :data:`DEMOS` and loads the ``.weights.h5`` files; the trained network is ``model.generator``
(GANs), ``model.decoder`` (VAE) or ``model.generator_g``/``generator_f`` (CycleGAN, digits ↔
thick digits). Only generators (and the VAE's encoder) are shipped: a demo GAN's
discriminator/critic is freshly initialised, so the model is for sampling, not
for resuming training. ``benchmarks/demo_weights.py`` made the files; its command, the
training steps and the measured quality are in ``cv2course/weights/README.md``.
``demo_record(name)`` gives what that run recorded (sample grids at fixed noise and the
training logs), for figures about training that must not train in quick mode.
Loading takes about a second; nothing downloads.
"""
import json
from pathlib import Path

from cv2course.checks import check_choice

# One copy of each demo's settings: the training script builds from these too.
DEMOS = {
    "dcgan": {"class": "GAN", "kwargs": {"latent_dim": 64, "base_filters": 32, "image_size": 28},
              "files": {"generator": "dcgan_generator.weights.h5"}},
    "wgan_gp": {"class": "WGANGP", "kwargs": {"latent_dim": 64, "base_filters": 32, "image_size": 28},
                "files": {"generator": "wgan_gp_generator.weights.h5"}},
    "cgan": {"class": "ConditionalGAN", "kwargs": {"latent_dim": 64, "base_filters": 32, "image_size": 28},
             "files": {"generator": "cgan_generator.weights.h5"}},
    "vae": {"class": "dense_vae", "kwargs": {"input_shape": (28, 28, 1), "latent_dim": 2, "beta": 0.5},
            "files": {"encoder": "vae_encoder.weights.h5", "decoder": "vae_decoder.weights.h5"}},
    # digits <-> thick digits (dilation radius 2), the lecture's unpaired translation task
    "cyclegan": {"class": "small_cyclegan", "kwargs": {"channels": 1, "image_size": 28, "filters": 16, "n_residual": 3},
                 "files": {"generator_g": "cyclegan_generator_g.weights.h5",
                           "generator_f": "cyclegan_generator_f.weights.h5"}},
}
NAMES = tuple(DEMOS)
RECORD = "{name}_record.npz"


def weights_dir():
    return Path(__file__).resolve().parent / "weights"


def build_demo(name, seed=None):
    """The untrained model of demo ``name`` (the same networks the shipped weights fit)."""
    check_choice(name, "name", NAMES)
    spec = DEMOS[name]
    if spec["class"] == "dense_vae":
        from cv2course.autoencoders import dense_vae

        return dense_vae(**spec["kwargs"], seed=seed)
    if spec["class"] == "small_cyclegan":
        from cv2course.gans.cyclegan import small_cyclegan

        return small_cyclegan(**spec["kwargs"], seed=0 if seed is None else seed)
    from cv2course import gans

    return getattr(gans, spec["class"])(seed=seed, **spec["kwargs"])


def demo_files(name):
    """{part: path} of the weights files of demo ``name``."""
    check_choice(name, "name", NAMES)
    return {part: weights_dir() / file for part, file in DEMOS[name]["files"].items()}


def load_demo(name):
    """The pretrained demo model ``name`` ("dcgan", "wgan_gp", "cgan", "vae", "cyclegan"); see the module
    docstring."""
    model = build_demo(name)
    for part, path in demo_files(name).items():
        if not path.is_file():
            raise FileNotFoundError(f"the demo weights {path} are missing; reinstall cv2course or make them with "
                                    f"`python benchmarks/demo_weights.py --out {weights_dir()}`")
        getattr(model, part).load_weights(path)
    model.pretrained = True
    return model


def demo_record(name):
    """What the training run of demo ``name`` recorded: {"steps": (k,), "samples": (k, n, 28, 28, 1)
    sample grids from fixed noise at those generator steps, "log_steps", "<log key>": per-chunk
    training logs, "info": dict (steps, seconds, FD ...)}."""
    import numpy as np

    check_choice(name, "name", NAMES)
    path = weights_dir() / RECORD.format(name=name)
    if not path.is_file():
        raise FileNotFoundError(f"the demo record {path} is missing; make it with "
                                f"`python benchmarks/demo_weights.py --out {weights_dir()}`")
    with np.load(path) as f:
        out = {k: f[k] for k in f.files if k != "info"}
        out["info"] = json.loads(str(f["info"])) if "info" in f.files else {}
    return out
