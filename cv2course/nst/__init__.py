"""Neural style transfer: the slides' costs, the optimisation loop and named presets.

Names are imported on first use so that ``import cv2course.nst`` (and the CLI) stays light.
"""
import importlib

_EXPORTS = {
    "content_cost": "losses", "gram_matrix": "losses", "normalized_gram": "losses", "style_cost": "losses",
    "style_cost_from_grams": "losses", "style_cost_layer": "losses", "total_cost": "losses",
    "total_variation": "losses", "unroll": "losses",
    "PRESETS": "presets", "preset": "presets", "preset_names": "presets",
    "StyleResult": "transfer", "StyleTransfer": "transfer", "stylize": "transfer",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
