"""A fixed, untrained digits CNN stands in for the cached classifier, so that tests do not
spend ~15 s training it; the tests check the plumbing (layers, resizing, labels), not its accuracy."""
import pytest


@pytest.fixture(scope="package")  # undone after this folder: other folders get the real classifier
def digits_cnn_stub():
    import keras

    from cv2course import backbones
    from cv2course.metrics import extractors as features  # its _CACHE holds the built extractors

    keras.utils.set_random_seed(0)
    model = backbones.build_digits_classifier()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(backbones, "digits_classifier", lambda *args, **kwargs: model)
        mp.setattr(features, "_CACHE", {})
        yield model


@pytest.fixture(scope="package")
def tiny_extractor_model():
    """A small conv net from 16x16 RGB to an 8-d feature map (averaged over space by the extractor)."""
    import keras

    keras.utils.set_random_seed(1)
    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(8, 3, strides=2, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Conv2D(8, 3, activation="tanh")(x), name="tiny")
