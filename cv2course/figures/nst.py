"""Slide figures of the neural-style-transfer lecture (02_nst).

Offline they use the bundled VGG16 and scikit-image's images (see
:func:`cv2course.nst.examples.example_pair`; Tübingen and The Starry Night are used when
copied into ``<data folder>/nst/``). Sizes and steps come from ``settings.pick`` so the
whole set takes a few minutes on a 2-core CPU in normal mode and seconds in quick mode; in
preview mode (the README's first command) the style transfer and the texture synthesis get
enough pixels and steps to read as the painting and the texture, the rest stays small.
"""
import warnings

import numpy as np

from cv2course.figures import figure
from cv2course.i18n import tr

LECTURE = "02_nst"
ARCH, WEIGHTS = "vgg16", "bundled"
STYLE_LAYERS = [f"block{b}_conv1" for b in range(1, 6)]


def _transfer(**kwargs):
    from cv2course.nst import StyleTransfer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return StyleTransfer.from_preset("course", arch=ARCH, weights=WEIGHTS, **{"size": None, **kwargs})


def _show(images, titles, ncols=None, size=3.0):
    from cv2course.viz import show_images

    return show_images(np.stack(images), titles=titles, ncols=ncols or len(images), size=size)


def _image_name(name):
    """A sample image's name as the figures show it (the names of photos and paintings stay as they are)."""
    names = {"brick": tr("brick"), "gravel": tr("gravel"), "immunohistochemistry": tr("immunohistochemistry"),
             "starry_night": tr("starry_night"), "tuebingen": tr("tuebingen")}
    return names.get(name, name)


def _same_size(images):
    from cv2course.data import resize_image

    shape = images[0].shape[:2]
    return [resize_image(img, shape) for img in images]


@figure("nst_result", kind="image", lecture=LECTURE,
        caption="Neural style transfer (course preset: content block4_conv2, style block1..5_conv1 with λ = 0.2, "
                "α = 10, β = 0.05, L-BFGS from the content image) on the bundled VGG16.")
def nst_result(seed):
    from cv2course import settings
    from cv2course.nst.examples import example_pair

    content, style, names = example_pair(settings.pick(256, 48, preview=192))
    steps = settings.pick(80, 3, preview=30)
    result = _transfer().run(content, style, steps=steps, verbose=0, seed=seed)
    # no wall time in the title: the same seed must give the same file
    return _show(_same_size([content, style, result.image]),
                 [tr("content ({name})", name=_image_name(names[0])), tr("style ({name})", name=_image_name(names[1])),
                  tr("generated ({steps} L-BFGS steps)", steps=steps)], size=3.6)


@figure("nst_layers", kind="image", lecture=LECTURE,
        caption="Content reconstruction with the content cost of one layer only (L-BFGS from a gray image with faint "
                "noise): shallow layers keep the exact pixels, deep layers keep the arrangement of objects but not "
                "their exact look.")
def nst_layers(seed):
    from cv2course import settings
    from cv2course.nst.examples import example_pair

    content, _, _ = example_pair(settings.pick(128, 32, preview=96))
    layers = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
    # a gray start rather than white noise: pixels a layer does not constrain stay gray instead of noisy
    rng = np.random.default_rng(seed)
    start = np.clip(0.5 + 0.05 * rng.standard_normal(content.shape), 0.0, 1.0).astype(np.float32)
    images, titles = [content], [tr("content")]
    for layer in layers:
        st = _transfer(content_layers={layer: 1.0}, style_layers=[], alpha=1.0, init=start)
        r = st.run(content, None, steps=settings.pick(60, 2, preview=20), verbose=0, seed=seed)
        images.append(r.image)
        titles.append(layer)
    return _show(images, titles, size=2.6)


@figure("texture_synthesis", kind="image", lecture=LECTURE,
        caption="Texture synthesis: style cost only (Gram matrices of block1..5_conv1), L-BFGS from gray with "
                "faint noise. Top: the texture; bottom: a new image with the same Gram statistics, none of the "
                "arrangement.")
def texture_synthesis(seed):
    from cv2course import settings
    from cv2course.data import sample_image

    size, steps = settings.pick(128, 32, preview=128), settings.pick(80, 3, preview=40)
    names = ["brick", "immunohistochemistry"]
    rng = np.random.default_rng(seed)
    # gray with faint noise: a white-noise start leaves colour speckles that 80 steps do not remove
    start = np.clip(0.5 + 0.02 * rng.standard_normal((size, size, 3)), 0.0, 1.0).astype(np.float32)
    sources, results, titles = [], [], []
    for name in names:
        texture = sample_image(name, size=size)[:size, :size]
        st = _transfer(content_layers=[], style_layers=STYLE_LAYERS, beta=1.0, init=start)
        r = st.run(None, texture, steps=steps, shape=(size, size), verbose=0, seed=seed)
        sources.append(texture)
        results.append(r.image)
        drop = r.history["style"][0] / max(r.history["style"][-1], 1e-12)
        titles.append(tr("synthesised (style cost ÷{drop:.0f})", drop=drop))
    return _show(sources + results, [_image_name(n) for n in names] + titles, ncols=len(names), size=3.2)


@figure("gram_heatmap", kind="image", lecture=LECTURE,
        caption="Style as correlation between channels: the Gram matrix of block2_conv1 (normalised to correlations, "
                "the 32 channels most active on these images) for a photo and for two textures. Different images, "
                "different patterns of channels that fire together.")
def gram_heatmap(seed):
    import matplotlib.pyplot as plt

    from cv2course import settings
    from cv2course.backbones import vgg_features
    from cv2course.data import sample_image
    from cv2course.featviz import layer_activations, layer_gram

    layer = "block2_conv1"
    extractor = vgg_features([layer], arch=ARCH, weights=WEIGHTS)
    names = ["chelsea", "brick", "immunohistochemistry"]
    images = [sample_image(name, size=settings.pick(128, 32, preview=128)) for name in names]
    # many channels are silent on any one image; show the ones these images use, in a fixed order
    mean = sum(a.mean(axis=(0, 1)) / max(a.mean(), 1e-12)
               for a in (layer_activations(img, [layer], extractor=extractor)[layer] for img in images))
    channels = np.sort(np.argsort(-mean, kind="stable")[:32])
    fig, axes = plt.subplots(2, len(names), figsize=(3.3 * len(names), 6.4))
    for c, (name, img) in enumerate(zip(names, images)):
        g = layer_gram(img, layer, normalize="correlation", channels=channels, extractor=extractor)
        axes[0, c].imshow(img)
        axes[0, c].set_title(_image_name(name))
        axes[0, c].axis("off")
        im = axes[1, c].imshow(g, cmap="viridis", vmin=0, vmax=1)
        axes[1, c].set_title(tr("Gram, {layer}", layer=layer), fontsize=9)
        axes[1, c].set_xticks([])
        axes[1, c].set_yticks([])
    fig.colorbar(im, ax=axes[1, :].tolist(), shrink=0.8, label=r"$G_{kk'}\,/\,\sqrt{G_{kk}\,G_{k'k'}}$")
    return fig


@figure("nst_variants", kind="image", lecture=LECTURE,
        caption="Beyond the tutorial: max pooling (default) vs average pooling in VGG (Gatys et al.), colour "
                "preservation (luminance-only transfer) and a 50/50 blend of two styles.")
def nst_variants(seed):
    from cv2course import settings
    from cv2course.data import sample_image
    from cv2course.nst.examples import example_pair

    size, steps = settings.pick(128, 32, preview=96), settings.pick(50, 2, preview=15)
    content, style, names = example_pair(size)
    second = sample_image("gravel", size=size)
    runs = [(tr("max pooling"), {}, {}), (tr("average pooling"), {"pooling": "avg"}, {}),
            (tr("colour preserved"), {}, {"preserve_color": True}),
            (tr("blend with gravel"), {}, {"style": [style, second], "style_blend": [0.5, 0.5]})]
    images, titles = [content], [tr("content")]
    for title, model_kwargs, run_kwargs in runs:
        run_kwargs = {"style": style, **run_kwargs}
        r = _transfer(**model_kwargs).run(content, steps=steps, verbose=0, seed=seed, **run_kwargs)
        images.append(r.image)
        titles.append(title)
    return _show(images, titles, size=2.8)


@figure("adam_vs_lbfgs", kind="plot", lecture=LECTURE,
        caption="The same style-transfer loss (TF tutorial weights, in the course's normalisation) minimised by "
                "Adam (lr 0.02, β1 0.99, ε 0.1, as in the tutorial), by L-BFGS-B (as in Gatys et al.) and by "
                "L-BFGS-B coarse to fine (1/4 and 1/2 size first; its full-size loss only), against wall time on "
                "this CPU.")
def adam_vs_lbfgs(seed):
    import matplotlib.pyplot as plt

    from cv2course import settings
    from cv2course.nst import StyleTransfer
    from cv2course.nst.examples import example_pair
    from cv2course.nst.transfer import split_steps

    content, style, _ = example_pair(settings.pick(128, 32))
    steps = settings.pick(100, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = StyleTransfer.from_preset("tf_tutorial", arch=ARCH, weights=WEIGHTS, size=None)
    adam = st.run(content, style, steps=steps, optimizer="adam", verbose=0, seed=seed)
    lbfgs = st.run(content, style, steps=10 * steps, optimizer="lbfgs", verbose=0, seed=seed,
                   max_seconds=adam.history["time"][-1])
    coarse = split_steps(steps, 3)[:2]
    c2f = st.run(content, style, steps=coarse + (10 * steps,), optimizer="lbfgs", verbose=0, seed=seed,
                 max_seconds=adam.history["time"][-1])
    full = [k for k, level in enumerate(c2f.history["level"]) if level == max(c2f.history["level"])]
    c2f_history = {key: [c2f.history[key][k] for k in full] for key in ("time", "total")}
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for h, label in ((adam.history, "Adam"), (lbfgs.history, "L-BFGS")):
        axes[0].plot(h["time"], h["total"], label=label, lw=2)
        axes[1].plot(h["step"], h["total"], label=label, lw=2)
    # coarse-to-fine against time only: its coarse iterations are cheaper than full-size ones
    axes[0].plot(c2f_history["time"], c2f_history["total"], label=tr("L-BFGS, coarse to fine"), lw=2)
    for ax, xlabel in zip(axes, (tr("seconds"), tr("steps (L-BFGS: iterations)"))):
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(tr("total loss J(G)"))
        ax.grid(alpha=0.3, which="both")
        ax.legend()
    fig.tight_layout()
    return fig
