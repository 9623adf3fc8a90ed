"""A small digits CNN trained on the embedded digits and cached: the offline feature extractor
for Fréchet distances and Inception-Score-like scores on digits."""
import numpy as np

from cv2course import settings

DIGITS_CNN_VERSION = 1


def digits_classifier_path():
    return settings.data_dir() / f"digits_cnn_v{DIGITS_CNN_VERSION}.keras"


def build_digits_classifier(size=28):
    """The digits CNN's architecture: two conv blocks, a 128-d ``features`` layer, softmax over 10."""
    import keras

    inputs = keras.Input((size, size, 1), name="digit")
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3)(x)
    features = keras.layers.Dense(128, activation="relu", name="features")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="probs")(features)
    return keras.Model(inputs, outputs, name="digits_cnn")


def digits_classifier(retrain=False, epochs=6, seed=0, verbose=0, cache=True):
    """A small CNN on 28x28x1 [0, 1] digits, trained on the embedded train split and cached.

    Trained once (seconds on a CPU) into the data folder; later calls load it
    (``cache=False``: train a fresh one and neither read nor write the cache). The model's
    ``features`` layer (128-d) serves for Fréchet distances on digits, its softmax for the
    Inception Score and class coverage. About 98% accuracy on the embedded test split.
    """
    import keras

    from cv2course.atomic import atomic_path
    from cv2course.data.digits import digits

    path = digits_classifier_path()
    if cache and path.is_file() and not retrain:
        return keras.models.load_model(path)
    keras.utils.set_random_seed(seed)
    x, y = digits(28, "train")
    model = build_digits_classifier(28)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # Small shifts make the classifier robust to the imperfect strokes of generated digits.
    rng = np.random.default_rng(seed)
    shifted = np.stack([np.roll(img, tuple(rng.integers(-2, 3, size=2)), axis=(0, 1)) for img in x])
    model.fit(np.concatenate([x, shifted]), np.concatenate([y, y]), batch_size=64, epochs=epochs,
              verbose=verbose, shuffle=True)
    if cache:
        with atomic_path(path) as tmp:
            model.save(tmp)
    return model
