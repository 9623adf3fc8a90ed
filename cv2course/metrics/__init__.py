"""Comparing distributions and evaluating generators: KL, JS, Earth Mover, IS, FID/FD, KID, PRD.

Light to import: NumPy only at import time; SciPy and Keras load inside the functions that
need them. The Keras pieces (``GeneratorMetrics``, the callback that tracks FD/KD/IS while a
generator trains, and the ``FrechetDistance``/``KernelDistance`` metrics) are imported on
first use.

Names: "FID"/"KID"/"IS" unqualified only for the 2015 TF Inception graph that TTUR,
pytorch-fid and clean-fid use (``extractor="inception-ttur"``, weights from a file), whose
published numbers they reproduce. Keras' ImageNet InceptionV3 is a different network
(retrained weights, other pooling in its last blocks): its scores are "FID (Keras
InceptionV3)" and are not comparable with published FIDs. Every other extractor gives
"FD (name)".
"""
from cv2course.lazy import lazy_exports
from cv2course.metrics.divergences import (TransportResult, distance_cost, earth_movers_distance,
                                           earth_movers_distance_1d, earth_movers_distance_points, emd_box_example,
                                           js_divergence, kl_divergence, transport_cost)
from cv2course.metrics.features import (FeatureExtractor, Score, digits_cnn, fd_of, get_extractor, kd_of, label_for,
                                        precision_recall_of, statistics_of)
from cv2course.metrics.frechet import (FeatureStatistics, feature_statistics, frechet_distance,
                                       frechet_distance_from_features, trace_sqrt_product)
from cv2course.metrics.inception import classifier_probabilities, inception_score, inception_score_of_images
from cv2course.metrics.kid import kernel_distance, kernel_inception_distance, mmd2_unbiased, polynomial_kernel
from cv2course.metrics.mode_collapse import class_entropy, class_histogram, classes_covered, mean_pairwise_distance
from cv2course.metrics.prd import knn_radii, precision_recall

__all__ = [
    "FeatureExtractor", "FeatureStatistics", "Score", "TransportResult", "class_entropy", "class_histogram",
    "classes_covered", "classifier_probabilities", "mean_pairwise_distance",
    "digits_cnn", "distance_cost", "earth_movers_distance", "earth_movers_distance_1d",
    "earth_movers_distance_points", "emd_box_example", "fd_of",
    "feature_statistics", "frechet_distance", "frechet_distance_from_features", "get_extractor",
    "inception_score", "inception_score_of_images", "js_divergence", "kd_of", "kernel_distance",
    "kernel_inception_distance", "kl_divergence", "knn_radii", "label_for", "mmd2_unbiased",
    "polynomial_kernel", "precision_recall", "precision_recall_of", "statistics_of", "trace_sqrt_product",
    "transport_cost",
] + ["FrechetDistance", "GeneratorMetrics", "KernelDistance", "metric_key"]

_LAZY = {"GeneratorMetrics": "generator_metrics", "metric_key": "generator_metrics",
         "FrechetDistance": "keras_metrics", "KernelDistance": "keras_metrics"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
