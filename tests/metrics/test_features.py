import numpy as np
import pytest

from cv2course.metrics import FeatureStatistics, fd_of, get_extractor, kd_of, label_for, precision_recall_of
from cv2course.metrics.features import from_keras_model
from cv2course.metrics.inception import inception_score_of_images


def _images(n, size=16, channels=3, seed=0, levels=255):
    rng = np.random.default_rng(seed)
    return (np.round(rng.random((n, size, size, channels)) * levels) / levels).astype(np.float32)


def test_labels_say_fid_only_for_inception():
    assert label_for("inception-ttur") == "FID" and label_for("inception-ttur", "KD") == "KID"
    assert label_for("inception-ttur", "IS") == "IS"
    assert label_for("inception") == "FID (Keras InceptionV3)"
    assert label_for("inception", "KD") == "KID (Keras InceptionV3)"
    assert label_for("inception", "IS") == "IS (Keras InceptionV3)"
    assert label_for("digits-cnn") == "FD (digits-cnn)" and label_for("vgg16", "IS") == "IS (vgg16)"


def test_inception_raises_offline_and_auto_falls_back_to_digits(digits_cnn_stub):
    with pytest.raises(FileNotFoundError, match="InceptionV3"):
        get_extractor("inception")
    with pytest.warns(UserWarning, match="digits classifier"):
        ext = get_extractor("auto")
    assert ext.name == "digits-cnn" and ext.label("FD") == "FD (digits-cnn)"


def test_digits_cnn_takes_28x28_gray_from_any_size_and_channels(digits_cnn_stub):
    import tensorflow as tf

    ext = get_extractor("digits-cnn")
    assert ext.dim == 128
    rgb = _images(5, size=56)
    expected_input = tf.image.resize(tf.image.rgb_to_grayscale(rgb), (28, 28), antialias=True).numpy()
    feature_layer = digits_cnn_stub.get_layer("features").output
    import keras

    reference = keras.Model(digits_cnn_stub.input, feature_layer)(expected_input).numpy()
    np.testing.assert_allclose(ext(rgb), reference, rtol=1e-4, atol=1e-5)
    probs = get_extractor("digits-cnn", output="probs")(rgb)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_keras_model_feature_maps_are_averaged_and_batches_do_not_matter(tiny_extractor_model):
    ext = from_keras_model(tiny_extractor_model)
    x = _images(10, channels=1)  # gray is repeated to the model's 3 channels
    direct = np.asarray(tiny_extractor_model(np.repeat(x, 3, axis=-1))).mean(axis=(1, 2))
    np.testing.assert_allclose(ext(x, batch_size=3), direct, rtol=1e-5, atol=1e-6)
    assert ext.label() == "FD (tiny)"


def test_folder_statistics_equal_array_statistics(tmp_path, tiny_extractor_model):
    from cv2course.data import save_image

    ext = get_extractor(tiny_extractor_model)
    x = _images(9)
    for i, img in enumerate(x):
        save_image(tmp_path / f"{i}.png", img)
    (tmp_path / "notes.txt").write_text("not an image")
    from_folder = ext.statistics(tmp_path, batch_size=4)
    from_array = FeatureStatistics().update(ext(x))
    assert from_folder.n == 9 and from_folder.extractor == "tiny"
    np.testing.assert_allclose(from_folder.mu, from_array.mu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(from_folder.sigma, from_array.sigma, rtol=1e-4, atol=1e-7)


def test_fd_kd_pr_from_images_are_labelled_and_consistent(tiny_extractor_model):
    from cv2course.metrics import frechet_distance_from_features, kernel_distance, precision_recall

    ext = get_extractor(tiny_extractor_model)
    a, b = _images(40, seed=1), np.clip(_images(40, seed=2) * 0.5, 0, 1)
    fd = fd_of(a, b, ext)
    assert fd.label == "FD (tiny)" and (fd.n, fd.n_other) == (40, 40)
    assert fd.value == pytest.approx(frechet_distance_from_features(ext(a), ext(b)), rel=1e-6)
    assert fd_of(a, a, ext).value == pytest.approx(0.0, abs=1e-8)
    kd = kd_of(a, b, ext, num_subsets=3, subset_size=20)
    assert kd.label == "KD (tiny)"
    assert kd.value == pytest.approx(kernel_distance(ext(a), ext(b), 3, 20).mean, rel=1e-6)
    assert precision_recall_of(a, b, ext) == precision_recall(ext(a), ext(b))


def test_fid_warns_below_2048_samples_and_mismatched_extractors_are_refused(tiny_extractor_model):
    rng = np.random.default_rng(0)
    s1 = FeatureStatistics(extractor="inception").update(rng.standard_normal((50, 4)))
    s2 = FeatureStatistics(extractor="inception").update(rng.standard_normal((60, 4)))
    with pytest.warns(UserWarning, match="2048"):
        score = fd_of(s1, s2)
    assert score.label == "FID (Keras InceptionV3)" and str(score).startswith("FID (Keras InceptionV3) = ")
    other = FeatureStatistics(extractor="digits-cnn").update(rng.standard_normal((50, 4)))
    with pytest.raises(ValueError, match="different extractors"):
        fd_of(s1, other)
    with pytest.raises(ValueError, match="cannot be compared"):
        fd_of(_images(5), other, tiny_extractor_model)


def test_inception_score_of_images_with_the_digits_classifier(digits_cnn_stub):
    from cv2course.data import digits

    x, _ = digits(28, "test")
    score = inception_score_of_images(x[:60], "digits-cnn", splits=3)
    assert score.label == "IS (digits-cnn)" and score.n == 60
    from cv2course.metrics.inception import inception_score

    # the same number as the formula on the classifier's own softmax outputs
    probs = np.asarray(digits_cnn_stub(x[:60]))
    assert score.value == pytest.approx(inception_score(probs, splits=3).mean, rel=1e-5)


def test_vgg16_extractor_is_the_bundled_trunk_pooled():
    ext = get_extractor("vgg16")
    feats = ext(_images(2, size=40))
    assert feats.shape == (2, 512) and ext.dim == 512 and np.all(np.isfinite(feats))
    assert ext.label() == "FD (vgg16)" and "bundled" in ext.description.lower()
    with pytest.raises(ValueError, match="no class probabilities"):
        get_extractor("vgg16", output="probs")


def test_bad_extractor_specs():
    with pytest.raises(ValueError, match="extractor must be one of"):
        get_extractor("resnet")
    with pytest.raises(FileNotFoundError):
        get_extractor("missing.keras")
    with pytest.raises(TypeError, match="extractor must be"):
        get_extractor(42)


def _fake_inception(weights="auto", include_top=True):
    """Keras InceptionV3's layout in miniature: 'avg_pool' (pool3) then the 'predictions' softmax."""
    import keras

    inputs = keras.Input((299, 299, 3))
    x = keras.layers.Conv2D(16, 3, strides=8)(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return keras.Model(inputs, keras.layers.Dense(1000, activation="softmax", name="predictions")(x))


def test_inception_extractor_uses_pool3_at_299_scaled_to_minus_one_one(monkeypatch):
    """The real weights are not available offline: a stand-in with InceptionV3's layer names."""
    from cv2course import backbones
    from cv2course.metrics import extractors as features

    monkeypatch.setattr(backbones, "inception_v3", _fake_inception)
    monkeypatch.setattr(features, "_CACHE", {})
    ext = get_extractor("inception")
    assert ext.name == "inception" and ext.label("FD") == "FID (Keras InceptionV3)"
    assert tuple(ext.prepare(_images(1, size=32, channels=1)).shape) == (1, 299, 299, 3)
    assert ext.dim == 16 and ext.scale == "[-1,1]" and not ext.antialias
    assert get_extractor("inception", output="probs").dim == 1000
    x = _images(3, size=20)
    inputs = np.asarray(ext.prepare(x)) * 2 - 1                    # [0, 1] -> [-1, 1] at 299x299
    np.testing.assert_allclose(ext(x), np.asarray(ext.model(inputs)), rtol=1e-5, atol=1e-6)
    with pytest.warns(UserWarning, match="2048"):
        score = fd_of(x, _images(3, size=20, seed=1), "inception")
    assert score.label == "FID (Keras InceptionV3)" and np.isfinite(score.value)


def test_digits_cnn_is_the_cached_classifier_or_a_quick_stand_in():
    from cv2course import settings
    from cv2course.backbones import available_weights
    from cv2course.metrics import digits_cnn

    ext = digits_cnn()
    cached = available_weights()["digits_cnn"].startswith("cached")
    assert ext.name == ("digits-cnn" if cached or not settings.QUICK else "digits-cnn (quick)")
    assert ext.dim == 128 and ext.input_size == (28, 28) and ext.channels == 1
    probs = digits_cnn(output="probs")(_images(4, size=28, channels=1))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
