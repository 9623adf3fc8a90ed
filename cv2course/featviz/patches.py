"""Top-activating image patches of a unit (Zeiler & Fergus, 2014).

Run a set of images through the network, find where a channel of a layer fires most, and
crop the part of the input that unit sees: its receptive field, from
:func:`cv2course.backbones.receptive_field`.
"""
import dataclasses

import numpy as np

from cv2course.checks import check_images, check_positive


@dataclasses.dataclass
class Patch:
    """One top-activating patch: the crop, where it came from and how strongly the unit fired."""
    image: np.ndarray  # (rf, rf, 3), areas outside the source image filled with gray
    index: int  # which image of the set
    unit: tuple  # (row, col) of the unit in the layer's activation map
    box: tuple  # (top, left, bottom, right) in input pixels, may extend past the image
    value: float  # the activation


def unit_box(row, col, layer, arch="vgg19"):
    """(top, left, bottom, right) input pixels seen by unit (row, col) of ``layer`` (bottom/right exclusive).

    With 'same' 3×3 convolutions and 2×2 pooling, a unit of a layer with stride s is
    centred on input pixel s·i + (s − 1)/2 and sees a square of the receptive-field size.
    """
    from cv2course.backbones import receptive_field

    size, stride = receptive_field(layer, arch)
    centre_r, centre_c = stride * row + (stride - 1) / 2, stride * col + (stride - 1) / 2
    top, left = int(round(centre_r - (size - 1) / 2)), int(round(centre_c - (size - 1) / 2))
    return top, left, top + size, left + size


def _crop(image, box, fill=0.5):
    top, left, bottom, right = box
    h, w = image.shape[:2]
    out = np.full((bottom - top, right - left, image.shape[2]), fill, dtype=np.float32)
    t, l, b, r = max(top, 0), max(left, 0), min(bottom, h), min(right, w)
    if b > t and r > l:
        out[t - top:b - top, l - left:r - left] = image[t:b, l:r]
    return out


def _inside_mask(shape, image_hw, layer, arch):
    """True for the units whose receptive field lies inside the image (all True if none does)."""
    rows, cols = shape
    ok = np.zeros(shape, bool)
    for r in range(rows):
        for c in range(cols):
            top, left, bottom, right = unit_box(r, c, layer, arch)
            ok[r, c] = top >= 0 and left >= 0 and bottom <= image_hw[0] and right <= image_hw[1]
    return ok if ok.any() else np.ones(shape, bool)


def top_patches(images, layer, channel, k=9, per_image=1, inside=True, arch="vgg19", weights="auto",
                extractor=None, batch_size=8):
    """The ``k`` patches of ``images`` (N, H, W, 3) in [0, 1] where ``channel`` of ``layer`` fires most.

    Each image contributes at most ``per_image`` units (its strongest), so the patches show
    different images. ``inside=True`` only considers units whose receptive field lies
    inside the image (border units also see the zero padding), when any does. ``arch`` must name the network the extractor is (for the receptive
    field); an extractor built by ``vgg_features`` carries it. Returns a list of
    :class:`Patch`, strongest first.
    """
    from cv2course.featviz.activations import _extractor

    x = check_images(images, name="images")
    k = int(check_positive(k, "k", integer=True))
    per_image = int(check_positive(per_image, "per_image", integer=True))
    from cv2course.backbones import resolve_layer

    model = _extractor([layer], arch, weights, "max", extractor)
    arch = getattr(model, "arch", arch)
    output = layer
    layer = resolve_layer(layer, arch)  # the layer of the VGG at hand, for its receptive field
    candidates = []
    mask = None
    for start in range(0, len(x), batch_size):
        act = np.asarray(model(x[start:start + batch_size])[output])
        if not 0 <= channel < act.shape[-1]:
            raise ValueError(f"channel must be in [0, {act.shape[-1]}) for {layer}, got {channel}")
        if mask is None:
            mask = _inside_mask(act.shape[1:3], x.shape[1:3], layer, arch) if inside else np.ones(act.shape[1:3], bool)
        for offset, maps in enumerate(np.where(mask, act[..., channel], -np.inf)):
            flat = np.argsort(-maps, axis=None, kind="stable")[:per_image]
            for idx in flat:
                r, c = np.unravel_index(idx, maps.shape)
                candidates.append((float(maps[r, c]), start + offset, (int(r), int(c))))
    candidates.sort(key=lambda t: -t[0])
    out = []
    for value, index, (r, c) in candidates[:k]:
        box = unit_box(r, c, layer, arch)
        out.append(Patch(image=_crop(x[index], box), index=index, unit=(r, c), box=box, value=value))
    return out
