"""Mode-collapse measures of generated samples: how many classes they cover, the entropy of their
class histogram, and how far apart they are (a collapsed generator repeats itself: all three fall).

Labels are the classes a classifier predicts for the samples (``cv2course.gans.callbacks.
ModeCollapseMonitor`` uses the package's digits classifier).
"""
import numpy as np


def class_histogram(labels, num_classes=10):
    """Counts of each predicted class (length ``num_classes``)."""
    labels = np.asarray(labels, dtype=np.int64).ravel()
    return np.bincount(labels, minlength=num_classes)[:num_classes]


def classes_covered(labels, num_classes=10, min_share=0.02):
    """Number of classes that receive at least ``min_share`` of the samples (default 2%, a fifth of
    the uniform share for 10 classes), so that a few stray samples do not count as coverage."""
    counts = class_histogram(labels, num_classes)
    return int(np.sum(counts >= max(1.0, min_share * counts.sum())))


def class_entropy(labels, num_classes=10):
    """Entropy H = −Σ p_k log₂ p_k (bits) of the predicted-class histogram; log₂ K for uniform classes, 0 for one."""
    counts = class_histogram(labels, num_classes).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum()) + 0.0


def mean_pairwise_distance(images, max_samples=500, seed=0):
    """Mean Euclidean distance ‖xᵢ − xⱼ‖₂ over all pairs i < j of (at most ``max_samples``) images."""
    x = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    if len(x) < 2:
        raise ValueError(f"mean_pairwise_distance needs at least 2 images, got {len(x)}")
    if len(x) > max_samples:
        x = x[np.random.default_rng(seed).choice(len(x), max_samples, replace=False)]
    from scipy.spatial.distance import pdist

    return float(pdist(x).mean())
