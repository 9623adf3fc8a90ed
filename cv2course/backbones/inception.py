"""InceptionV3 two ways: Keras' ImageNet model, and the TTUR FID Inception (inception-2015-12-05)
re-built in Keras as pytorch-fid has it, the network whose pool3 features define FID."""
import os
from pathlib import Path

import numpy as np

from cv2course import settings
from cv2course.backbones.keras_cache import KERAS_FILES, cached_keras_file, keras_cache_dir

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
    cached = cached_keras_file("inception_v3" if include_top else "inception_v3_notop")
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
        f"({keras_cache_dir() / KERAS_FILES['inception_v3']}) "
        f"and {reason}. Run once online: python -c \"import keras; keras.applications.InceptionV3()\" "
        "or pass weights=PATH; for digits use the digits classifier (extractor='digits-cnn')")

# --- the FID Inception (TTUR / pytorch-fid / clean-fid) ---------------------------------------

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
