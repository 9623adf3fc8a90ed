"""The names of scores: "FID" only for the FID Inception, "FD (extractor)" otherwise."""

INCEPTION_NAME = "inception"  # Keras' ImageNet InceptionV3
TTUR_NAME = "inception-ttur"  # the FID Inception of TTUR / pytorch-fid / clean-fid
KERAS_INCEPTION_LABEL = "Keras InceptionV3"


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

