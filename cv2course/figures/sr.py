"""Slide figures for single-image super-resolution (lecture 11).

Every value drawn comes from ``cv2course.sr`` (kernels, resizing, PSNR/SSIM, shipped EDSR).
"""
import numpy as np

from cv2course import settings
from cv2course.figures import figure

LECTURE = "11_super_resolution"


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
        ax.plot(t, kernel(t), color=color, label=name)
    ax.axhline(0, color="gray", lw=0.5)
    ax.set(xlabel="t (pixels)", ylabel="h(t)", title="Kernels")
    ax.legend(fontsize=8)

    ax = fig.add_subplot(gs[0, 2:])
    for name, _, color in methods:
        ax.plot(dense, interpolate_1d(samples, dense, name), color=color, label=name)
    ax.plot(np.arange(8), samples, "ko", label="samples")
    ax.set(xlabel="x", ylabel="f(x)", title="1-D interpolation of the same samples")
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    ax.legend(fontsize=8, ncol=2)

    panels = [("5×5 samples", grid)] + [(f"{name} ×16", interpolate_2d(grid, 16, name)) for name, _, _ in methods]
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
    return comparison_figure(hr, results, scale=scale, crop=crop, size=settings.pick(3.2, 2.0))
