"""One feature-extractor interface for FID/FD, KID, IS and precision/recall.

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

Scores are labelled by extractor (:func:`label_for`): "FID" only for the TTUR Inception,
"FID (Keras InceptionV3)" for Keras', "FD (digits-cnn)" etc. otherwise.
"""
import dataclasses
import warnings
from pathlib import Path
from typing import Optional

import numpy as np

from cv2course.checks import check_images
from cv2course.metrics.frechet import FeatureStatistics, frechet_distance

NAMED_EXTRACTORS = ("auto", "inception-ttur", "inception", "digits-cnn", "vgg16")
INCEPTION_NAME = "inception"  # Keras' ImageNet InceptionV3
TTUR_NAME = "inception-ttur"  # the FID Inception of TTUR / pytorch-fid / clean-fid
KERAS_INCEPTION_LABEL = "Keras InceptionV3"
MIN_FID_SAMPLES = 2048
LUMA = (0.299, 0.587, 0.114)


@dataclasses.dataclass
class Score:
    """A labelled evaluation result: ``FD (digits-cnn) = 12.3 (N = 500 vs 500)``."""
    label: str
    value: float
    std: Optional[float] = None
    n: Optional[int] = None
    n_other: Optional[int] = None
    extractor: Optional[str] = None

    def __float__(self):
        return float(self.value)

    def __str__(self):
        value = f"{self.value:.6g}" + ("" if self.std is None else f" ± {self.std:.3g}")
        if self.n is None:
            counts = ""
        elif self.n_other is None:
            counts = f" (N = {self.n})"
        else:
            counts = f" (N = {self.n} vs {self.n_other})"
        return f"{self.label} = {value}{counts}"


def _progress(verbose):
    """tqdm.auto's progress bar when verbose (imported only then: it warns in bare Jupyter)."""
    if verbose:
        from tqdm.auto import tqdm

        return tqdm
    return lambda iterable, **kwargs: iterable


class FeatureExtractor:
    """Images in [0, 1] (NHWC, 1 or 3 channels) -> (N, d) float64 features or probabilities.

    ``model`` maps a prepared batch (``input_size``, ``channels``, ``scale``) to features;
    feature maps of rank 4 are averaged over space. ``name`` labels the scores.
    """

    def __init__(self, model, name, input_size=None, channels=3, scale="[0,1]", resize_method="bilinear",
                 antialias=False, description=None):
        self.model = model
        self.name = name
        self.input_size = None if input_size is None else tuple(int(s) for s in input_size)
        self.channels = int(channels)
        self.scale = scale
        self.resize_method = resize_method
        self.antialias = bool(antialias)
        self.description = description or name

    @property
    def is_inception(self):
        return self.name in (INCEPTION_NAME, TTUR_NAME)

    def label(self, metric="FD"):
        """The score's label, see :func:`label_for`."""
        return label_for(self.name, metric)

    @property
    def dim(self):
        shape = self.model.output_shape
        if isinstance(shape, dict):
            (shape,) = shape.values()
        return int(shape[-1])

    def prepare(self, images):
        """A batch tensor in the model's layout: channels converted and resized, still in [0, 1]."""
        import keras

        x = keras.ops.convert_to_tensor(images, dtype="float32")
        c = x.shape[-1]
        if c != self.channels:
            if c == 1 and self.channels == 3:
                x = keras.ops.concatenate([x, x, x], axis=-1)
            elif c == 3 and self.channels == 1:
                x = keras.ops.sum(x * keras.ops.convert_to_tensor(LUMA, dtype="float32"), axis=-1, keepdims=True)
            else:
                raise ValueError(f"images must have 1 or 3 channels, got {c}")
        if self.input_size is not None and tuple(x.shape[1:3]) != self.input_size:
            x = keras.ops.image.resize(x, self.input_size, interpolation=self.resize_method,
                                       antialias=self.antialias)
        return x

    def features_tensor(self, images):
        """Features of a batch as a tensor (graph-friendly: usable inside ``train_step``)."""
        import keras

        x = self.prepare(images)
        if self.scale == "[-1,1]":
            x = x * 2.0 - 1.0
        out = self.model(x, training=False)
        if isinstance(out, dict):
            (out,) = out.values()
        if len(out.shape) == 4:
            out = keras.ops.mean(out, axis=(1, 2))
        return out

    def _batch_features(self, batch):
        return np.asarray(self.features_tensor(batch), dtype=np.float64)

    def __call__(self, images, batch_size=64, verbose=0):
        """Features (or probabilities) of an (N, H, W, C) array, batch by batch."""
        x = check_images(images, "images", channels=None)
        if x.shape[-1] not in (1, 3):
            raise ValueError(f"images must have 1 or 3 channels, got shape {x.shape}")
        if len(x) == 0:
            raise ValueError("images is empty")
        tqdm = _progress(verbose)
        starts = range(0, len(x), int(batch_size))
        parts = [self._batch_features(x[s:s + batch_size])
                 for s in tqdm(starts, desc=f"{self.name} features", disable=not verbose)]
        return np.concatenate(parts)

    def iter_features(self, source, batch_size=64, verbose=0):
        """Yield feature batches from an image array, a list of (HWC) images of any sizes, a folder
        of images, or an iterable of batches (e.g. a ``tf.data`` dataset of images or (image, label))."""
        if isinstance(source, (str, Path)):
            yield from self._folder_features(Path(source), batch_size, verbose)
            return
        if isinstance(source, np.ndarray) or hasattr(source, "shape"):
            yield self(np.asarray(source), batch_size=batch_size, verbose=verbose)
            return
        if isinstance(source, (list, tuple)) and source and np.ndim(source[0]) == 3:
            yield from self._list_features(source, batch_size, verbose)
            return
        for batch in source:
            if isinstance(batch, (tuple, list)):  # (images, labels) from a tf.data pipeline
                batch = batch[0]
            yield self(np.asarray(batch), batch_size=batch_size)

    def _list_features(self, images, batch_size, verbose, desc=None):
        """Images one by one (any sizes: each is prepared to the model's input), in batches."""
        tqdm = _progress(verbose)
        batch = []
        for img in tqdm(images, desc=desc or f"{self.name} features", disable=not verbose):
            if img is None:
                continue
            img = check_images(img, "image", channels=None, rank=3)
            batch.append(np.asarray(self.prepare(img[None]))[0])
            if len(batch) == batch_size:
                yield self._batch_features(np.stack(batch))
                batch = []
        if batch:
            yield self._batch_features(np.stack(batch))

    def _folder_features(self, folder, batch_size, verbose):
        from cv2course.data import image_files, load_image

        files = image_files(folder)
        if not files:
            raise ValueError(f"image folder {str(folder)!r} contains no image files")
        skipped = []

        def read_all():
            for path in files:
                try:
                    yield load_image(path)
                except ValueError:
                    skipped.append(str(path))
                    yield None

        yield from self._list_features(read_all(), batch_size, verbose, desc=f"{self.name} features of {folder.name}")
        if skipped:
            warnings.warn(f"skipped {len(skipped)} unreadable image file(s): {', '.join(skipped[:10])}", stacklevel=3)
        if len(skipped) == len(files):
            raise ValueError(f"image folder {str(folder)!r} contains no readable image")

    def features(self, source, batch_size=64, verbose=0):
        """All features of a source (array, folder, iterable of batches) as one (N, d) array."""
        parts = list(self.iter_features(source, batch_size, verbose))
        if not parts:
            raise ValueError("no images to extract features from")
        return np.concatenate(parts)

    def statistics(self, source, batch_size=64, verbose=0):
        """Streaming mean and covariance of the features of a source (``FeatureStatistics``)."""
        stats = FeatureStatistics(extractor=self.name)
        for part in self.iter_features(source, batch_size, verbose):
            stats.update(part)
        if stats.n == 0:
            raise ValueError("no images to extract features from")
        return stats

    def __repr__(self):
        return f"FeatureExtractor({self.name!r}, input={self.input_size}x{self.channels}, {self.description})"


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


def _is_statistics(source):
    return isinstance(source, FeatureStatistics) or (isinstance(source, (str, Path)) and str(source).endswith(".npz"))


def statistics_of(source, extractor="auto", batch_size=64, verbose=0):
    """FeatureStatistics of images, a folder, an ``.npz`` statistics file or FeatureStatistics."""
    if isinstance(source, FeatureStatistics):
        return source
    if _is_statistics(source):
        return FeatureStatistics.load(source)
    return get_extractor(extractor).statistics(source, batch_size, verbose)


def label_for(extractor_name, metric="FD"):
    """The label of a score ("FD", "KD" or "IS") from the named extractor.

    "FID"/"KID"/"IS" only for "inception-ttur", the network whose published FIDs they
    reproduce; "FID (Keras InceptionV3)" etc. for Keras' ImageNet InceptionV3 (a different
    network: its numbers are not comparable with papers'); "FD (name)" otherwise.
    """
    inception_metric = {"FD": "FID", "KD": "KID"}.get(metric, metric)
    if extractor_name == TTUR_NAME:
        return inception_metric
    if extractor_name == INCEPTION_NAME:
        return f"{inception_metric} ({KERAS_INCEPTION_LABEL})"
    return f"{metric} ({extractor_name})"


def fd_of(source1, source2, extractor="auto", batch_size=64, verbose=0):
    """Fréchet distance between two sources (image arrays, folders, ``.npz`` files), labelled.

    Returns a ``Score`` labelled by :func:`label_for` ("FID", "FID (Keras InceptionV3)",
    "FD (digits-cnn)" ...); warns when
    an FID rests on fewer than 2,048 samples. Two statistics files need no extractor.
    """
    sources = (source1, source2)
    ext = None if all(_is_statistics(s) for s in sources) else get_extractor(extractor)
    stats = [statistics_of(s, ext, batch_size, verbose) for s in sources]
    names = {s.extractor for s in stats if s.extractor}
    if ext is not None:
        for s in stats:
            if s.extractor and s.extractor != ext.name:
                raise ValueError(f"statistics from extractor {s.extractor!r} cannot be compared with features "
                                 f"from {ext.name!r}; recompute them with --extractor {s.extractor}")
        name = ext.name
    elif len(names) > 1:
        raise ValueError(f"the two statistics files come from different extractors: {sorted(names)}")
    else:
        given = getattr(extractor, "name", extractor)
        name = names.pop() if names else (given if isinstance(given, str) and given != "auto" else "unknown extractor")
    for source, st in zip(sources, stats):
        if st.count_known and st.n < 2:
            what = f"folder {str(source)!r}" if isinstance(source, (str, Path)) else "one side"
            raise ValueError(f"{what} gives {st.n} image(s); a Fréchet distance needs at least 2 images per side "
                             "(it compares their means and covariances)")
    if stats[0].dim != stats[1].dim:
        raise ValueError(f"the two sides have {stats[0].dim} and {stats[1].dim} features; they must match")
    counts = [s.n if s.count_known else None for s in stats]
    if name in (INCEPTION_NAME, TTUR_NAME) and all(counts) and min(counts) < MIN_FID_SAMPLES:
        warnings.warn(f"FID with N = {min(counts)} < {MIN_FID_SAMPLES} samples: the 2048-d covariance is "
                      "singular and FID is biased upwards at small N; use 10,000 or more samples for numbers "
                      "comparable with papers", stacklevel=2)
    value = frechet_distance(stats[0].mu, stats[0].sigma, stats[1].mu, stats[1].sigma)
    return Score(label_for(name, "FD"), value, n=counts[0], n_other=counts[1], extractor=name)


def kd_of(source1, source2, extractor="auto", num_subsets=100, subset_size=1000, batch_size=64, seed=0, verbose=0):
    """Kernel (Inception) distance between two image sources, labelled by :func:`label_for`."""
    from cv2course.metrics.kid import kernel_distance

    ext = get_extractor(extractor)
    f1 = ext.features(source1, batch_size, verbose)
    f2 = ext.features(source2, batch_size, verbose)
    mean, std = kernel_distance(f1, f2, num_subsets, subset_size, seed)
    return Score(ext.label("KD"), mean, std, n=len(f1), n_other=len(f2), extractor=ext.name)


def precision_recall_of(real, generated, extractor="auto", k=3, batch_size=64, verbose=0):
    """Precision and recall (k-NN balls) of generated images against real ones, in feature space."""
    from cv2course.metrics.prd import precision_recall

    ext = get_extractor(extractor)
    return precision_recall(ext.features(real, batch_size, verbose), ext.features(generated, batch_size, verbose), k)
