"""What ConvNets learn: activations, filter visualisation, top-activating patches, Gram
heat maps, and the CNN-basics slides (convolution sizes, pooling, activation functions).

Names are imported on first use so that ``import cv2course.featviz`` stays light.
"""
from cv2course.lazy import lazy_exports

_EXPORTS = {
    "layer_activations": "activations", "channel_grid": "activations", "strongest_channels": "activations",
    "visualize_filters": "filters",
    "top_patches": "patches", "unit_box": "patches",
    "layer_gram": "gram",
    "conv_output_size": "cnn_basics", "conv2d": "cnn_basics", "conv_volume_example": "cnn_basics",
    "zero_pad": "cnn_basics", "max_pool": "cnn_basics", "avg_pool": "cnn_basics", "sigmoid": "cnn_basics",
    "tanh": "cnn_basics", "relu": "cnn_basics", "leaky_relu": "cnn_basics", "elu": "cnn_basics",
    "maxout": "cnn_basics", "ACTIVATIONS": "cnn_basics",
}
__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
