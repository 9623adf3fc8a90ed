"""Activations of chosen VGG layers for an image, and a grid of their channel maps."""
import numpy as np

from cv2course.checks import check_images


def _extractor(layers, arch, weights, pooling, extractor):
    if extractor is not None:
        return extractor
    from cv2course.backbones import vgg_features

    return vgg_features(layers, arch=arch, weights=weights, pooling=pooling)


def _batch(image, name="image"):
    arr = np.asarray(image, dtype=np.float32)
    arr = check_images(arr[None] if arr.ndim == 3 else arr, name=name)
    return arr


def layer_activations(image, layers, arch="vgg19", weights="auto", pooling="max", extractor=None):
    """{layer: (h, w, channels) float32 array} for one [0, 1] RGB image (H, W, 3).

    ``extractor`` (a model from :func:`cv2course.backbones.vgg_features` giving these
    layers) saves rebuilding the network between calls.
    """
    if isinstance(layers, str):
        layers = [layers]
    model = _extractor(list(layers), arch, weights, pooling, extractor)
    x = _batch(image)
    if len(x) != 1:
        raise ValueError(f"image must be one image (H, W, 3), got a batch of {len(x)}")
    out = model(x)
    missing = [layer for layer in layers if layer not in out]
    if missing:
        raise ValueError(f"the extractor does not give layer(s) {missing}; it gives {sorted(out)}")
    return {layer: np.asarray(out[layer])[0] for layer in layers}


def strongest_channels(activation, k=16):
    """Indices of the ``k`` channels with the largest mean activation, strongest first."""
    a = np.asarray(activation)
    means = a.reshape(-1, a.shape[-1]).mean(axis=0)
    return np.argsort(-means, kind="stable")[:k]


def channel_grid(activation, channels=None, ncols=8, pad=1):
    """Channel maps of an (h, w, c) activation tiled into one 2-D array for ``imshow``.

    Each map is scaled to [0, 1] by its own maximum (a dead channel stays 0); ``channels``
    picks and orders them (default: the first 16). Padding between tiles is 1.0 (white
    with a gray colour map).
    """
    a = np.asarray(activation, dtype=np.float32)
    if a.ndim != 3:
        raise ValueError(f"activation must be (height, width, channels), got shape {a.shape}")
    channels = list(range(min(16, a.shape[-1]))) if channels is None else [int(c) for c in channels]
    bad = [c for c in channels if not 0 <= c < a.shape[-1]]
    if bad:
        raise ValueError(f"channels {bad} are out of range for an activation with {a.shape[-1]} channels")
    maps = a[..., channels].transpose(2, 0, 1)
    peak = maps.reshape(len(channels), -1).max(axis=1)
    maps = maps / np.where(peak > 0, peak, 1.0)[:, None, None]
    from cv2course.viz import image_grid

    return image_grid(maps[..., None], ncols=min(ncols, len(channels)), pad=pad)[..., 0]
