"""Comparing distributions and evaluating generators: KL, JS, Earth Mover, IS, FID/FD, KID, PRD.

Light to import: NumPy only at import time; SciPy and Keras load inside the functions that
need them.
"""
from cv2course.metrics.frechet import (FeatureStatistics, feature_statistics, frechet_distance,
                                       frechet_distance_from_features, trace_sqrt_product)

__all__ = ["FeatureStatistics", "feature_statistics", "frechet_distance", "frechet_distance_from_features",
           "trace_sqrt_product"]
