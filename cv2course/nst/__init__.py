"""Neural style transfer: the slides' costs, the optimisation loop and named presets.

Names are imported on first use so that ``import cv2course.nst`` (and the CLI) stays light.
"""
from cv2course.lazy import lazy_exports

_EXPORTS = {
    "content_cost": "losses", "gram_matrix": "losses", "normalized_gram": "losses", "style_cost": "losses",
    "style_cost_from_grams": "losses", "style_cost_layer": "losses", "total_cost": "losses",
    "total_variation": "losses", "unroll": "losses",
    "PRESETS": "presets", "preset": "presets", "preset_names": "presets",
    "StyleResult": "transfer", "StyleTransfer": "transfer", "stylize": "transfer",
}
__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
