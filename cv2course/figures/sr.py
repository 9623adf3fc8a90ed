"""Slide figures for single-image super-resolution (lecture 11).

Every value drawn comes from ``cv2course.sr`` (kernels, resizing, degradations, PSNR/SSIM,
shipped EDSR and the SRResNet/SRGAN demo pair).
"""
import numpy as np

from cv2course import settings
from cv2course.figures import figure
from cv2course.i18n import tr

LECTURE = "11_super_resolution"
# The SRGAN talk's comparison (srgan_talk.txt, "Perceptual Loss"), PSNR (dB) / SSIM as printed there.
TALK_SCORES = {"bicubic": (21.59, 0.6423), "SRResNet": (23.53, 0.7832), "SRGAN": (21.15, 0.6868)}
DEGRADATIONS = {"bicubic": {}, "blur": {"blur": 1.6}, "noise": {"noise": 10 / 255}}  # settings of sr.data.degrade


def _shown(method):
    """A method's name as the figures show it (in the current language); the keys stay English."""
    names = {"nearest": tr("nearest"), "linear": tr("linear"), "cubic": tr("cubic"), "bicubic": tr("bicubic"),
             "EDSR (shipped)": tr("EDSR (shipped)"), "EDSR + SRGAN loss": tr("EDSR + SRGAN loss")}
    return names.get(method, method)


@figure("sr_interpolation", kind="plot", lecture=LECTURE,
        caption="Interpolation is convolution with a kernel: nearest (box), linear (triangle) and cubic "
                "(Keys, a = −½) kernels (left), the curves they draw through the same 1-D samples (middle), "
                "and a 5×5 grid enlarged 16× with each (right): blocks, creases, smooth but blurry.")
def sr_interpolation(seed):
    import matplotlib.pyplot as plt

    from cv2course.sr.resize import cubic_kernel, interpolate_1d, interpolate_2d, linear_kernel, nearest_kernel

    rng = np.random.default_rng(seed)
    samples = rng.random(8)
    grid = rng.random((5, 5))
    dense = np.linspace(0, 7, settings.pick(561, 141))
    t = np.linspace(-2.5, 2.5, settings.pick(501, 101))
    methods = (("nearest", nearest_kernel, "C0"), ("linear", linear_kernel, "C1"), ("cubic", cubic_kernel, "C2"))

    fig = plt.figure(figsize=(12, 7.5))
    gs = fig.add_gridspec(2, 4, height_ratios=(1, 1.15), hspace=0.3, wspace=0.08)
    ax = fig.add_subplot(gs[0, :2])
    for name, kernel, color in methods:
        ax.plot(t, kernel(t), color=color, label=_shown(name))
    ax.axhline(0, color="gray", lw=0.5)
    ax.set(xlabel=tr("t (pixels)"), ylabel="h(t)", title=tr("Kernels"))
    ax.legend(fontsize=8)

    ax = fig.add_subplot(gs[0, 2:])
    for name, _, color in methods:
        ax.plot(dense, interpolate_1d(samples, dense, name), color=color, label=_shown(name))
    ax.plot(np.arange(8), samples, "ko", label=tr("samples"))
    ax.set(xlabel="x", ylabel="f(x)", title=tr("1-D interpolation of the same samples"))
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    ax.legend(fontsize=8, ncol=2)

    panels = [(tr("5×5 samples"), grid)] + [(f"{_shown(name)} ×16", interpolate_2d(grid, 16, name))
                                            for name, _, _ in methods]
    for k, (title, img) in enumerate(panels):
        ax = fig.add_subplot(gs[1, k])
        ax.imshow(img, cmap="viridis", vmin=grid.min(), vmax=grid.max(), interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    return fig


def _comparison_images(scale=4):
    """(hr, lr, {method: sr}) for the astronaut (held out from all training) at ``scale``."""
    from cv2course.data import sample_image
    from cv2course.sr.inference import super_resolve
    from cv2course.sr.pretrained import pretrained_edsr
    from cv2course.sr.resize import downscale, mod_crop, upscale

    hr = mod_crop(sample_image("astronaut", size=settings.pick(512, 192)), scale)
    lr = downscale(hr, scale)
    results = {"nearest": upscale(lr, scale, "nearest"), "bicubic": upscale(lr, scale, "bicubic")}
    try:
        results["EDSR (shipped)"] = super_resolve(pretrained_edsr(scale), lr)
    except FileNotFoundError:  # a checkout without the shipped weights still draws the baseline
        pass
    return hr, lr, results


@figure("sr_comparison", kind="image", lecture=LECTURE,
        caption="×4 super-resolution of a crop of the astronaut photo (held out from training), made small with "
                "MATLAB's bicubic imresize: nearest, bicubic and the EDSR shipped with the package (32 filters, 8 "
                "blocks, trained on T91; pretrained weights), "
                "with PSNR/SSIM on the whole image (Y channel, 4 border pixels shaved), beside the original.")
def sr_comparison(seed):
    from cv2course.sr.evaluate import comparison_figure

    scale = 4
    hr, _, results = _comparison_images(scale)
    h = hr.shape[0]
    crop = (int(0.08 * h), int(0.33 * h), int(0.35 * h), int(0.35 * h))  # the face and the flag patch
    shown = {_shown(method): image for method, image in results.items()}
    return comparison_figure(hr, shown, scale=scale, crop=crop, size=settings.pick(3.2, 2.0))


def _astronaut(scale, size=None):
    from cv2course.data import sample_image
    from cv2course.sr.resize import mod_crop

    return mod_crop(sample_image("astronaut", size=size or settings.pick(512, 192)), scale)


def _face_crop(hr):
    h = hr.shape[0]
    return int(0.08 * h), int(0.33 * h), int(0.35 * h), int(0.35 * h)  # the face and the flag patch


PSNR_MODEL, GAN_MODEL = "EDSR (L1)", "EDSR + SRGAN loss"  # the talk's SRResNet and SRGAN roles


def gan_comparison_images(scale=4):
    """(hr, {method: sr}) for the held-out astronaut at x4: bicubic, the shipped PSNR-trained EDSR
    and the same EDSR fine-tuned with SRGAN's losses (:func:`cv2course.sr.pretrained.pretrained_srgan_pair`;
    both left out, with a note, when a file is missing)."""
    from cv2course.sr.inference import super_resolve
    from cv2course.sr.pretrained import pretrained_srgan_pair
    from cv2course.sr.resize import downscale, upscale

    hr = _astronaut(scale)
    lr = downscale(hr, scale)
    results = {"bicubic": upscale(lr, scale, "bicubic")}
    try:
        psnr_model, gan_model = pretrained_srgan_pair()
        results[PSNR_MODEL] = super_resolve(psnr_model, lr)
        results[GAN_MODEL] = super_resolve(gan_model, lr)
    except FileNotFoundError as err:
        print(err)
    return hr, results


@figure("sr_gan_comparison", kind="image", lecture=LECTURE,
        caption="The SRGAN talk's comparison redone with the package's x4 demo pair on the held-out astronaut: "
                "bicubic, an EDSR trained with L1 (the PSNR-trained network, SRResNet's role) and the same EDSR "
                "fine-tuned with SRGAN's perceptual and adversarial loss, with PSNR/SSIM on the whole image (Y "
                "channel, 4 pixels shaved), beside the original; the talk's own numbers are in the title.")
def sr_gan_comparison(seed):
    from cv2course.sr.evaluate import comparison_figure

    hr, results = gan_comparison_images(4)
    shown = {_shown(method): image for method, image in results.items()}
    fig = comparison_figure(hr, shown, scale=4, crop=_face_crop(hr), size=settings.pick(3.2, 2.0),
                            hr_title=tr("original"))
    talk = ", ".join(f"{_shown(m)} {p:.2f} dB/{s:.4f}" for m, (p, s) in TALK_SCORES.items())
    fig.suptitle(tr("The talk's figure: {scores}. Below: the package's demo pair.", scores=talk), fontsize=10)
    fig.tight_layout()
    return fig


def _label(degradation):
    return {"bicubic": tr("bicubic"), "blur": tr("blur, then bicubic"), "noise": tr("bicubic, then noise")}[degradation]


def degradation_panels(scale=4, degradation="bicubic", size=None, seed=0):
    """[(title, image crop)] for the astronaut at ``scale`` with LR made by ``degradation`` (a key of
    ``DEGRADATIONS``): the LR image (enlarged), bicubic and the shipped EDSR (trained on the bicubic
    degradation only) with PSNR/SSIM of the whole image, and the original."""
    from cv2course.checks import check_choice
    from cv2course.sr.data import degrade
    from cv2course.sr.evaluate import caption
    from cv2course.sr.inference import super_resolve
    from cv2course.sr.pretrained import pretrained_edsr
    from cv2course.sr.resize import upscale

    check_choice(degradation, "degradation", tuple(DEGRADATIONS))
    hr = _astronaut(scale, size)
    lr = degrade(hr, scale, seed=seed, **DEGRADATIONS[degradation])
    bicubic = upscale(lr, scale, "bicubic")
    panels = [(tr("LR ({degradation}), enlarged", degradation=_label(degradation)), upscale(lr, scale, "nearest")),
              (caption(tr("bicubic"), hr, bicubic, scale), bicubic)]
    try:
        edsr_sr = super_resolve(pretrained_edsr(scale), lr)
        panels.append((caption("EDSR", hr, edsr_sr, scale), edsr_sr))
    except FileNotFoundError as err:
        print(err)
    panels.append((tr("original"), hr))
    top, left, h, w = _face_crop(hr)
    return [(title, np.clip(img[top:top + h, left:left + w], 0, 1)) for title, img in panels]


def _draw_rows(rows, labels):
    import matplotlib.pyplot as plt

    ncols = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(2.6 * ncols, 2.9 * len(rows)), squeeze=False)
    for ax_row, row, label in zip(axes, rows, labels):
        for ax in ax_row:
            ax.axis("off")
        for ax, (title, img) in zip(ax_row, row):
            ax.imshow(img, interpolation="nearest")
            ax.set_title(title, fontsize=9)
        ax_row[0].text(-0.05, 0.5, label, transform=ax_row[0].transAxes, rotation=90, ha="right", va="center",
                       fontsize=10)
    fig.tight_layout()
    return fig


def degradation_figure(scale=4, degradation="bicubic", size=None, seed=0):
    """One row of :func:`degradation_panels` (the notebook's control draws it for each setting)."""
    label = tr("x{scale}, {degradation}", scale=scale, degradation=_label(degradation))
    return _draw_rows([degradation_panels(scale, degradation, size, seed)], [label])


@figure("sr_degradations", kind="image", lecture=LECTURE,
        caption="Degradations beyond bicubic (x4): the same photo made small by MATLAB's bicubic imresize, by a "
                "Gaussian blur (σ = 1.6 HR pixels) before it, and by bicubic plus Gaussian noise (σ = 10/255). The "
                "shipped EDSR, trained on the bicubic degradation only, gains less on the blurred input (its output "
                "stays blurred) and sharpens the noise into speckles (its SSIM falls below bicubic's).")
def sr_degradations(seed):
    names = list(DEGRADATIONS)
    return _draw_rows([degradation_panels(4, name, seed=seed) for name in names],
                      [tr("x{scale}, {degradation}", scale=4, degradation=_label(name)) for name in names])
