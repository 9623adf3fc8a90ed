"""Colour preservation by luminance-only transfer (Gatys et al., 2016, "Preserving color in
neural artistic style transfer"): the transfer runs on luminance images, the style's
luminance matched to the content's mean and std, and the result takes the content's I, Q
(colour) channels of YIQ.
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
