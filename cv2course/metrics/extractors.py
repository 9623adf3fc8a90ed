"""Which feature extractor: by name, Keras model or ``.keras`` file (:func:`get_extractor`).

Extractors (``get_extractor(spec)``), all taking float32 NHWC images in [0, 1] with 1 or
3 channels:

- ``"inception-ttur"``: the 2015 TF Inception graph that TTUR, pytorch-fid and clean-fid
  use for FID, pool3 (2048-d; ``output="probs"``: its 1008-way softmax), re-built in Keras
  (``cv2course.backbones.inception_ttur``) from an ``.npz`` of pytorch-fid's weights
  (``backbones.ttur_weights_path()``, or ``inception_ttur_extractor(path)``). Only this
  extractor's scores are labelled "FID", "KID" and "IS": they are the published metrics.
- ``"inception"``: Keras' ImageNet InceptionV3 pool3 (2048-d; ``output="probs"``: its
  1000-way softmax), from the Keras cache (``cv2course.backbones.inception_v3``; offline
  without it this raises FileNotFoundError saying how to fetch it). Its scores are
  "FID (Keras InceptionV3)", "KID (Keras InceptionV3)", "IS (Keras InceptionV3)": Keras'
  network has other weights (trained later, 1000 classes, not the 2015 graph's 1008) and
  average- instead of max-pooling in its last block, so its FIDs are not comparable with
  published ones.

  Both Inceptions see images resized to 299×299 with **bilinear interpolation without
  antialiasing** (half-pixel centres, as ``F.interpolate(..., align_corners=False)`` in
  pytorch-fid), gray repeated to RGB, values scaled to [−1, 1].
- ``"digits-cnn"``: the package's digits classifier (``cv2course.backbones.
  digits_classifier``), its 128-d ``features`` layer (``output="probs"``: its 10-way
  softmax). Inputs become 28×28 gray: RGB is converted with the ITU-R 601 luma weights
  (0.299, 0.587, 0.114) and the image resized bilinearly with antialiasing.
- ``"vgg16"``: the bundled VGG16 trunk (``vgg_features(..., arch="vgg16",
  weights="bundled")``), ``block5_conv3`` averaged over space (512-d), inputs resized
  bilinearly (antialiased) to 64×64 RGB to keep it fast on a CPU.
- ``"auto"``: "inception-ttur" when its weights file exists, else "inception" when its
  weights are available, otherwise "digits-cnn" with a warning (the offline default).
- a Keras model (or a path to a ``.keras`` file): its output (or ``layer=``), averaged over
  space when it is a feature map; inputs adapted to its input size and channels.

Scores are labelled by extractor (:func:`cv2course.metrics.labels.label_for`): "FID" only for
the TTUR Inception, "FID (Keras InceptionV3)" for Keras', "FD (digits-cnn)" etc. otherwise.
"""
import warnings
from pathlib import Path

from cv2course.metrics.feature_extractor import FeatureExtractor
from cv2course.metrics.labels import INCEPTION_NAME, TTUR_NAME

NAMED_EXTRACTORS = ("auto", "inception-ttur", "inception", "digits-cnn", "vgg16")


_CACHE = {}


def _inception(output):
    import keras

    from cv2course.backbones import inception_v3

    net = inception_v3("auto", include_top=True)
    out = net.get_layer("avg_pool").output if output == "features" else net.output
    model = keras.Model(net.input, out, name=f"inception_v3_{output}")
    return FeatureExtractor(model, INCEPTION_NAME, (299, 299), 3, "[-1,1]", "bilinear", antialias=False,
                            description="ImageNet InceptionV3 " + ("pool3 (2048-d)" if output == "features"
                                                                   else "softmax (1000 classes)"))


def inception_ttur_extractor(weights=None, output="features"):
    """The "inception-ttur" extractor from an ``.npz`` of the FID Inception weights (see
    :func:`cv2course.backbones.inception_ttur`; default :func:`~cv2course.backbones.ttur_weights_path`)."""
    from cv2course.backbones import inception_ttur

    model = inception_ttur(weights, include_top=output == "probs")
    return FeatureExtractor(model, TTUR_NAME, (299, 299), 3, "[-1,1]", "bilinear", antialias=False,
                            description="FID Inception (TTUR 2015 graph) " + ("pool3 (2048-d)" if output == "features"
                                                                               else "softmax (1008 classes)"))


def _digits_cnn(output):
    import keras

    from cv2course.backbones import digits_classifier

    net = digits_classifier()
    out = net.get_layer("features").output if output == "features" else net.output
    model = keras.Model(net.input, out, name=f"digits_cnn_{output}")
    return FeatureExtractor(model, "digits-cnn", (28, 28), 1, "[0,1]", "bilinear", antialias=True,
                            description="cv2course digits classifier " + ("features layer (128-d)"
                                                                           if output == "features" else "softmax"))


_QUICK_DIGITS = {}


def digits_cnn(output="features", seed=0):
    """The "digits-cnn" extractor; in quick mode, when the classifier is not cached yet, a
    stand-in trained for one epoch (seconds; kept for the process, never cached) named
    "digits-cnn (quick)", so that notebooks and figures stay fast in CI."""
    from cv2course import settings
    from cv2course.backbones import available_weights

    if not settings.QUICK or available_weights()["digits_cnn"].startswith("cached"):
        return get_extractor("digits-cnn", output)
    if seed not in _QUICK_DIGITS:
        from cv2course.backbones import digits_classifier

        _QUICK_DIGITS[seed] = digits_classifier(epochs=1, seed=seed, cache=False)
    model = _QUICK_DIGITS[seed]
    layer = "features" if output == "features" else None
    return from_keras_model(model, layer=layer, name="digits-cnn (quick)")


def _vgg16(output):
    from cv2course.backbones import vgg_features

    if output != "features":
        raise ValueError("the vgg16 extractor has no class probabilities; use 'inception' or 'digits-cnn' "
                         "(or a Keras classifier) for the Inception Score")
    model = vgg_features(["block5_conv3"], arch="vgg16", weights="bundled")
    return FeatureExtractor(model, "vgg16", (64, 64), 3, "[0,1]", "bilinear", antialias=True,
                            description=f"{model.weights_label}, block5_conv3 averaged over space (512-d)")


def from_keras_model(model, layer=None, name=None, input_size=None):
    """Wrap any Keras model (optionally one of its layers) as a FeatureExtractor."""
    import keras

    if isinstance(model, (str, Path)):
        path = Path(model)
        if not path.is_file():
            raise FileNotFoundError(f"extractor model file {str(path)!r} does not exist")
        model = keras.models.load_model(path)
    if not isinstance(model, keras.Model):
        raise TypeError(f"extractor must be one of {list(NAMED_EXTRACTORS)}, a keras.Model or a .keras file, "
                        f"got {type(model).__name__}")
    if layer is not None:
        model = keras.Model(model.input, model.get_layer(layer).output, name=f"{model.name}_{layer}")
    shape = model.input_shape
    if isinstance(shape, list):
        raise ValueError(f"extractor model must take one image input, it takes {len(shape)} inputs")
    if len(shape) != 4:
        raise ValueError(f"extractor model must take (batch, height, width, channels) images, its input is {shape}")
    if input_size is None and shape[1] is not None and shape[2] is not None:
        input_size = (shape[1], shape[2])
    return FeatureExtractor(model, name or model.name, input_size, shape[3] or 3, "[0,1]", "bilinear",
                            antialias=True, description=f"Keras model {model.name}")


def get_extractor(spec="auto", output="features"):
    """A FeatureExtractor from a name ("auto", "inception", "digits-cnn", "vgg16"), a Keras model,
    a FeatureExtractor or a ``.keras`` path. ``output``: "features" or "probs" (classifiers)."""
    if output not in ("features", "probs"):
        raise ValueError(f"output must be 'features' or 'probs', got {output!r}")
    if isinstance(spec, FeatureExtractor):
        return spec
    if not isinstance(spec, str):
        return from_keras_model(spec)
    if spec.endswith((".keras", ".h5")):
        return from_keras_model(spec)
    if spec not in NAMED_EXTRACTORS:
        raise ValueError(f"extractor must be one of {list(NAMED_EXTRACTORS)}, a keras.Model or a .keras file, "
                         f"got {spec!r}")
    if spec == "auto":
        from cv2course.backbones import ttur_weights_path

        if ttur_weights_path().is_file():
            return get_extractor(TTUR_NAME, output)
        try:
            return get_extractor("inception", output)
        except FileNotFoundError:  # get_extractor("inception") raises it with the fetch command
            warnings.warn("InceptionV3 ImageNet weights are not available offline (see get_extractor('inception') "
                          "for how to fetch them); using the digits classifier: scores are 'FD (digits-cnn)', "
                          "not FID", stacklevel=2)
            return get_extractor("digits-cnn", output)
    key = (spec, output)
    if key not in _CACHE:
        _CACHE[key] = {"inception": _inception, "digits-cnn": _digits_cnn, "vgg16": _vgg16,
                       TTUR_NAME: lambda out: inception_ttur_extractor(None, out)}[spec](output)
    return _CACHE[key]
