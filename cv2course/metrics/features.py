"""Feature-based evaluation, one name per place: the public names of the modules that hold them.

- :mod:`cv2course.metrics.feature_extractor`: ``FeatureExtractor`` (images, folders or
  batches -> (N, d) features, streamed into statistics);
- :mod:`cv2course.metrics.extractors`: which extractor (``get_extractor("auto" | "inception-ttur"
  | "inception" | "digits-cnn" | "vgg16" | model | path)``), ``digits_cnn``, ``from_keras_model``;
- :mod:`cv2course.metrics.scores`: ``Score``, ``fd_of``, ``kd_of``, ``precision_recall_of``,
  ``statistics_of``;
- :mod:`cv2course.metrics.labels`: ``label_for`` ("FID" only for the FID Inception).
"""
from cv2course.metrics.extractors import (NAMED_EXTRACTORS, digits_cnn, from_keras_model, get_extractor,
                                          inception_ttur_extractor)
from cv2course.metrics.feature_extractor import LUMA, FeatureExtractor
from cv2course.metrics.labels import INCEPTION_NAME, KERAS_INCEPTION_LABEL, TTUR_NAME, label_for
from cv2course.metrics.scores import MIN_FID_SAMPLES, Score, fd_of, kd_of, precision_recall_of, statistics_of

__all__ = ["FeatureExtractor", "INCEPTION_NAME", "KERAS_INCEPTION_LABEL", "LUMA", "MIN_FID_SAMPLES",
           "NAMED_EXTRACTORS", "Score", "TTUR_NAME", "digits_cnn", "fd_of", "from_keras_model", "get_extractor",
           "inception_ttur_extractor", "kd_of", "label_for", "precision_recall_of", "statistics_of"]
