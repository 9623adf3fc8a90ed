"""Slide figures of the CNN-basics and "what ConvNets learn" lectures (00_cnn_basics, 01_what_convnets_learn).

The network is VGG16 with the bundled weights (``weights="bundled"``): it works offline and
gives the same pictures on every machine. The photos are scikit-image's bundled images.
"""
import functools

import numpy as np

from cv2course.figures import figure
from cv2course.i18n import tr

BASICS, LEARN = "00_cnn_basics", "01_what_convnets_learn"
ARCH, WEIGHTS = "vgg16", "bundled"
SHOW_LAYERS = ("block1_conv1", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")


@functools.lru_cache(maxsize=None)
def _extractor(layers):
    from cv2course.backbones import vgg_features

    return vgg_features(list(layers), arch=ARCH, weights=WEIGHTS)


def _matrix(ax, values, title, fmt="{:g}", cmap="Blues", boxes=None):
    """Draw a small integer matrix with its number written in each cell."""
    values = np.asarray(values, dtype=float)
    ax.imshow(values, cmap=cmap, vmin=values.min(), vmax=values.max() * 1.6 + 1e-9)
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=11)
    if boxes:
        import matplotlib.patches as patches

        for (r, c, h, w, color) in boxes:
            ax.add_patch(patches.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, lw=2.5, ec=color))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=11)


@figure("pooling", kind="plot", lecture=BASICS,
        caption="Max and average pooling with 2×2 filters and stride 2: the slides' matrices. Each colour marks "
                "a window and the output it gives (the average slide prints 36 for 36.5).")
def pooling(seed):
    import matplotlib.pyplot as plt

    from cv2course.featviz import cnn_basics as cb

    colors = ["tab:red", "tab:green", "tab:orange", "tab:purple"]
    windows = [(0, 0), (0, 2), (2, 0), (2, 2)]
    in_boxes = [(r, c, 2, 2, col) for (r, c), col in zip(windows, colors)]
    out_boxes = [(r // 2, c // 2, 1, 1, col) for (r, c), col in zip(windows, colors)]
    fig, axes = plt.subplots(1, 4, figsize=(11, 3), gridspec_kw={"width_ratios": [2, 1, 2, 1]})
    _matrix(axes[0], cb.MAX_POOL_INPUT, tr("input"), boxes=in_boxes)
    _matrix(axes[1], cb.max_pool(cb.MAX_POOL_INPUT), tr("max pool"), boxes=out_boxes)
    _matrix(axes[2], cb.AVG_POOL_INPUT, tr("input"), boxes=in_boxes)
    _matrix(axes[3], cb.avg_pool(cb.AVG_POOL_INPUT), tr("average pool"), boxes=out_boxes)
    fig.tight_layout()
    return fig


@figure("conv_volume", kind="plot", lecture=BASICS,
        caption="Convolution over a volume: a 5×5×3 input zero-padded to 7×7×3, two 3×3×3 filters (biases 1 and 0), "
                "stride 2 → output ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3, i.e. 3×3×2, with the slide's numbers (input channels 1 "
                "and 2 reconstructed from its outputs). Red: the first window and the outputs it gives.")
def conv_volume(seed):
    import matplotlib.pyplot as plt

    from cv2course.featviz import cnn_basics as cb

    ex = cb.conv_volume_example()
    fig, axes = plt.subplots(3, 4, figsize=(11, 8.2), gridspec_kw={"width_ratios": [7, 3, 3, 3]})
    window = [(0, 0, 3, 3, "tab:red")]
    for c in range(3):
        note = tr(" (reconstructed)") if c in ex["reconstructed_channels"] else ""
        _matrix(axes[c, 0], ex["padded"][..., c], tr("input x[:, :, {c}] (padded)", c=c) + note, boxes=window)
        for k in range(2):
            _matrix(axes[c, 1 + k], ex["filters"][..., c, k], tr("filter w{k}[:, :, {c}]", k=k, c=c), cmap="RdBu")
    for k in range(2):
        axes[k, 3].set_visible(True)
        _matrix(axes[k, 3], ex["output"][..., k], tr("output o[:, :, {k}] (b{k} = {b:g})", k=k, b=ex["biases"][k]),
                cmap="Greens", boxes=[(0, 0, 1, 1, "tab:red")])
    axes[2, 3].axis("off")
    n = cb.conv_output_size(5, 3, 1, 2)
    formula = f"n = 5, p = 1, f = 3, s = 2\n⌊(n + 2p − f)/s⌋ + 1 = {n}\n"
    axes[2, 3].text(0.0, 0.5, formula + tr("output {n}×{n}×2", n=n), fontsize=12, va="center")
    fig.tight_layout()
    return fig


@figure("activation_functions", kind="plot", lecture=BASICS,
        caption="Activation functions of the slides: sigmoid, tanh, ReLU, leaky ReLU max(0.1x, x), maxout "
                "(here max(x, −x)) and ELU (α = 1).")
def activation_functions(seed):
    import matplotlib.pyplot as plt

    from cv2course.featviz import cnn_basics as cb

    x = np.linspace(-4, 4, 401)
    shown = {"sigmoid": tr("sigmoid")}  # ReLU, leaky ReLU, maxout, ELU and tanh keep their names in Spanish
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.6))
    for ax, (name, fn) in zip(axes.flat, cb.ACTIVATIONS.items()):
        ax.axhline(0, color="0.7", lw=0.8)
        ax.axvline(0, color="0.7", lw=0.8)
        ax.plot(x, fn(x), lw=2.2)
        ax.set_title(shown.get(name, name))
        ax.set_xlim(-4, 4)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("activations", kind="image", lecture=LEARN,
        caption="What VGG16 layers see: the 8 most active channel maps of block1_conv1, block2_conv2, block3_conv3 "
                "and block4_conv3 for a photo (each map scaled to its maximum). Early maps follow edges and "
                "colours; deeper ones fire on parts such as eyes and ears, at coarser resolution.")
def activations(seed):
    import matplotlib.pyplot as plt

    from cv2course import settings
    from cv2course.data import sample_image
    from cv2course.featviz import channel_grid, layer_activations, strongest_channels

    layers = SHOW_LAYERS[:4]
    image = sample_image("chelsea", size=settings.pick(224, 64, preview=160))
    acts = layer_activations(image, layers, extractor=_extractor(layers))
    fig, axes = plt.subplots(1, len(layers) + 1, figsize=(3.2 * (len(layers) + 1), 3.3))
    axes[0].imshow(image)
    axes[0].set_title(tr("input"))
    for ax, layer in zip(axes[1:], layers):
        a = acts[layer]
        ax.imshow(channel_grid(a, strongest_channels(a, 8), ncols=4), cmap="magma", vmin=0, vmax=1)
        ax.set_title(f"{layer} ({a.shape[0]}×{a.shape[1]}×{a.shape[2]})", fontsize=10)
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    return fig


def _filter_rows(layers, seed, **options):
    """Eight active channels of each layer, visualised with ``options`` (one row per layer)."""
    from cv2course import settings
    from cv2course.data import sample_image
    from cv2course.featviz import visualize_filters

    size, steps = settings.pick(64, 16, preview=48), settings.pick(60, 3, preview=25)
    extractor = _extractor(layers)
    # channels that respond to a photo at all: some channels of the bundled weights are silent everywhere
    acts = extractor(sample_image("chelsea", size=settings.pick(128, 32))[None])
    rows = []
    for i, layer in enumerate(layers):
        active = np.flatnonzero(np.asarray(acts[layer]).max(axis=(0, 1, 2)) > 0)
        pool = active if len(active) >= 8 else np.arange(extractor.get_layer(layer).filters)
        channels = np.random.default_rng(seed + i).choice(pool, 8, replace=False)
        rows.append(visualize_filters(layer, channels, size=size, steps=steps, extractor=extractor, seed=seed,
                                      **options))
    return rows


def _image_rows(rows, labels, width=12):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), 8, figsize=(width, 1.6 * len(rows)))
    for r, (label, images) in enumerate(zip(labels, rows)):
        for c, img in enumerate(images):
            axes[r, c].imshow(img)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    return fig


@figure("filters", kind="image", lecture=LEARN,
        caption="Filter visualisation by gradient ascent on the input with Olah et al.'s regularisers (a "
                "colour-decorrelated Fourier image, random padding, jitter and scaling): images that maximise 8 "
                "channels of each layer of VGG16. Shallow layers like colours and oriented edges, deeper ones "
                "textures and repeated patterns.")
def filters(seed):
    from cv2course.featviz.filters import REGULARIZED

    layers = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")
    return _image_rows(_filter_rows(layers, seed, **REGULARIZED), layers)


@figure("filters_plain_vs_regularized", kind="image", lecture=LEARN,
        caption="The same 8 channels of VGG16 block3_conv3 and block4_conv3, by plain gradient ascent on pixels "
                "(jitter and an L2 pull to gray: high-frequency patterns) and with Olah et al.'s regularisers "
                "(Fourier image with decorrelated colours, random padding, jitter and scaling).")
def filters_plain_vs_regularized(seed):
    from cv2course.featviz.filters import REGULARIZED

    layers = ("block3_conv3", "block4_conv3")
    plain = _filter_rows(layers, seed)
    regularized = _filter_rows(layers, seed, **REGULARIZED)
    rows = [plain[0], regularized[0], plain[1], regularized[1]]
    labels = [f"{layer}\n{kind}" for layer in layers for kind in (tr("plain"), tr("regularised"))]
    return _image_rows(rows, labels)


@figure("top_patches", kind="image", lecture=LEARN,
        caption="Top-activating patches (Zeiler & Fergus): for a few units of VGG16, the 6 crops of the bundled "
                "scikit-image photos (and their tiles) where the unit fires most, each crop the unit's receptive "
                "field.")
def top_patches(seed):
    import matplotlib.pyplot as plt

    from cv2course import settings
    from cv2course.data import list_sample_images, resize_image, sample_image
    from cv2course.featviz import top_patches as find_patches

    side = settings.pick(128, 32, preview=64)
    pool = []
    for name in list_sample_images():
        img = sample_image(name)
        img = resize_image(img, (2 * side, 2 * side))
        pool += [img[:side, :side], img[:side, side:], img[side:, :side], img[side:, side:]]
    images = np.stack(pool)
    units = ("block2_conv2", "block3_conv3", "block4_conv3")
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(2 * len(units), 6, figsize=(9, 3.2 * len(units)))
    for u, layer in enumerate(units):
        extractor = _extractor((layer,))  # a network cut at this layer: shallow rows cost little
        # pick two channels that are active on this image set, at random
        acts = extractor(images[: min(32, len(images))])
        active = np.flatnonzero(np.asarray(acts[layer]).max(axis=(0, 1, 2)) > 0)
        channels = rng.choice(active, 2, replace=False)
        for k, channel in enumerate(channels):
            row = 2 * u + k
            patches = find_patches(images, layer, int(channel), k=6, extractor=extractor, batch_size=16)
            for c, ax in enumerate(axes[row]):
                ax.set_xticks([])
                ax.set_yticks([])
                if c < len(patches):
                    ax.imshow(patches[c].image)
            axes[row, 0].set_ylabel(tr("{layer}\nch {channel}", layer=layer, channel=channel), fontsize=8)
    fig.tight_layout()
    return fig
