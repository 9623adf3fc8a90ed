"""Scores between image sources in an extractor's feature space (FD/FID, KD/KID, precision and
recall), each a labelled :class:`Score`."""
import dataclasses
import warnings
from pathlib import Path
from typing import Optional

from cv2course.metrics.extractors import get_extractor
from cv2course.metrics.frechet import FeatureStatistics, frechet_distance
from cv2course.metrics.labels import INCEPTION_NAME, TTUR_NAME, label_for

MIN_FID_SAMPLES = 2048


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


def _is_statistics(source):
    return isinstance(source, FeatureStatistics) or (isinstance(source, (str, Path)) and str(source).endswith(".npz"))


def statistics_of(source, extractor="auto", batch_size=64, verbose=0):
    """FeatureStatistics of images, a folder, an ``.npz`` statistics file or FeatureStatistics."""
    if isinstance(source, FeatureStatistics):
        return source
    if _is_statistics(source):
        return FeatureStatistics.load(source)
    return get_extractor(extractor).statistics(source, batch_size, verbose)



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
