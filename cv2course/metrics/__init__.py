"""Comparing distributions and evaluating generators: KL, JS, Earth Mover, IS, FID/FD, KID, PRD.

Light to import: NumPy only at import time; SciPy and Keras load inside the functions that
need them (``keras_metrics`` imports Keras and is not imported here).
"""
from cv2course.metrics.divergences import (TransportResult, distance_cost, earth_movers_distance,
                                           earth_movers_distance_1d, emd_box_example, js_divergence, kl_divergence,
                                           transport_cost)
from cv2course.metrics.features import (FeatureExtractor, Score, digits_cnn, fd_of, get_extractor, kd_of, label_for,
                                        precision_recall_of, statistics_of)
from cv2course.metrics.frechet import (FeatureStatistics, feature_statistics, frechet_distance,
                                       frechet_distance_from_features, trace_sqrt_product)
from cv2course.metrics.inception import classifier_probabilities, inception_score, inception_score_of_images
from cv2course.metrics.kid import kernel_distance, kernel_inception_distance, mmd2_unbiased, polynomial_kernel
from cv2course.metrics.prd import knn_radii, precision_recall

__all__ = [
    "FeatureExtractor", "FeatureStatistics", "Score", "TransportResult", "classifier_probabilities",
    "digits_cnn", "distance_cost", "earth_movers_distance", "earth_movers_distance_1d", "emd_box_example", "fd_of",
    "feature_statistics", "frechet_distance", "frechet_distance_from_features", "get_extractor",
    "inception_score", "inception_score_of_images", "js_divergence", "kd_of", "kernel_distance",
    "kernel_inception_distance", "kl_divergence", "knn_radii", "label_for", "mmd2_unbiased",
    "polynomial_kernel", "precision_recall", "precision_recall_of", "statistics_of", "trace_sqrt_product",
    "transport_cost",
]
