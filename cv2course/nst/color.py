"""Colour in style transfer: luminance-only transfer, and a start image in the style's colours.

Colour preservation (Gatys et al., 2016, "Preserving color in neural artistic style
transfer"): the transfer runs on luminance images, the style's luminance matched to the
content's mean and std, and the result takes the content's I, Q (colour) channels of YIQ.

The start image ``init="content_in_style_colors"``: the content image with each RGB channel's
mean and std matched to the style's (:func:`match_color_statistics`), so that the first
layers' Gram matrices, which mostly see colour, start near the style's.
"""
import numpy as np


def luminance(image):
    """Y of YIQ, (H, W) float32: the luminance used for colour preservation."""
    from skimage.color import rgb2yiq

    return rgb2yiq(image)[..., 0].astype(np.float32)


def as_gray_rgb(y):
    """A luminance (H, W) as a three-channel image (H, W, 3), the input VGG expects."""
    return np.repeat(np.asarray(y, np.float32)[..., None], 3, axis=-1)


def match_luminance(style_y, content_y):
    """Style luminance shifted and scaled to the content's mean and std (Gatys et al., 2016)."""
    sigma = style_y.std()
    scaled = (style_y - style_y.mean()) * (content_y.std() / sigma if sigma > 0 else 1.0) + content_y.mean()
    return np.clip(scaled, 0.0, 1.0).astype(np.float32)


def combine_luminance(y, color_source):
    """RGB image with the Y channel ``y`` and the I, Q (colour) channels of ``color_source``."""
    from skimage.color import rgb2yiq, yiq2rgb

    yiq = rgb2yiq(color_source)
    yiq[..., 0] = y
    return np.clip(yiq2rgb(yiq), 0.0, 1.0).astype(np.float32)


def match_color_statistics(image, styles):
    """``image`` with each RGB channel's mean and std set to those of the ``styles`` pixels (all
    images pooled), clipped to [0, 1]."""
    pixels = np.concatenate([np.asarray(s, np.float32).reshape(-1, 3) for s in styles])
    image = np.asarray(image, np.float32)
    mean, std = image.mean(axis=(0, 1)), image.std(axis=(0, 1))
    scaled = (image - mean) / np.where(std > 0, std, 1.0) * pixels.std(axis=0) + pixels.mean(axis=0)
    return np.clip(scaled, 0.0, 1.0).astype(np.float32)
