import socket
import time
import warnings

import keras
import numpy as np
import pytest

from cv2course import backbones
from cv2course.backbones import receptive_field, resolve_layer, vgg_features, vgg_layer_names


@pytest.fixture(scope="module")
def bundled():
    return vgg_features(["block1_conv1", "block5_conv1"], arch="vgg16", weights="bundled")


def test_bundled_vgg16_works_offline_and_is_truncated(bundled):
    out = bundled(np.random.default_rng(0).random((2, 64, 48, 3), dtype=np.float32))
    assert set(out) == {"block1_conv1", "block5_conv1"}
    assert tuple(out["block1_conv1"].shape) == (2, 64, 48, 64)
    assert tuple(out["block5_conv1"].shape) == (2, 4, 3, 512)
    assert bundled.layers[-1].name == "block5_conv1"  # nothing deeper is built
    assert not bundled.trainable_weights
    assert "HED" in bundled.weights_label


def test_first_layer_is_the_caffe_preprocessed_convolution(bundled):
    """block1_conv1 = relu(conv(BGR*255 - mean) + b) with HED's own trunk weights."""
    from scipy.signal import correlate

    kernel, bias = backbones.vgg._bundled_vgg16_weights()["block1_conv1"]
    img = np.random.default_rng(1).random((1, 16, 16, 3), dtype=np.float32)  # 16 px: block4_pool gets 2x2
    caffe = img[0, :, :, ::-1] * 255.0 - np.array(backbones.HED_BGR_MEAN, np.float32)
    padded = np.pad(caffe, ((1, 1), (1, 1), (0, 0)))
    k = 5
    expected = max(0.0, correlate(padded, kernel[:, :, :, k], mode="valid")[4, 4, 0] + bias[k])
    got = float(np.asarray(bundled(img)["block1_conv1"])[0, 4, 4, k])
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-3)


def test_unknown_layer_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown layer 'conv9' for vgg16; its layers are: block1_conv1, .*pool"):
        vgg_features(["conv9"], arch="vgg16", weights=None)
    with pytest.raises(ValueError, match="arch"):
        vgg_features(["block1_conv1"], arch="resnet", weights=None)
    with pytest.raises(ValueError, match="only for arch='vgg16'"):
        vgg_features(["block1_conv1"], arch="vgg19", weights="bundled")


@pytest.fixture
def no_imagenet_anywhere(monkeypatch, tmp_path):
    """An empty Keras cache, no weights remembered from earlier calls, and any network probe an error:
    these tests hold on a machine that has ImageNet weights cached and must never download."""
    from cv2course.data import tfds

    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("a test tried to reach the network")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(backbones.vgg, "_imagenet_cache", {})
    monkeypatch.setattr(tfds, "network_available", no_network)
    # below the package's own probe too: a download attempt by Keras is recorded (and fails) even where
    # the package catches network errors, and fails the test afterwards
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(keras.utils, "get_file", no_network)
    yield
    assert not attempts, f"a test tried to reach the network {len(attempts)} time(s)"


def test_auto_falls_back_offline_quickly_with_a_warning(no_imagenet_anywhere):
    t0 = time.perf_counter()
    with pytest.warns(UserWarning, match="bundled VGG16") as record:
        model = vgg_features(["block1_conv1", "block4_conv4"], arch="vgg19", weights="auto")
    assert time.perf_counter() - t0 < 15
    assert "block4_conv4" in str(record[0].message)
    assert model.arch == "vgg16" and model.layer_names["block4_conv4"] == "block4_conv3"
    assert set(model.output) == {"block1_conv1", "block4_conv4"}


def test_imagenet_offline_is_a_clear_error(no_imagenet_anywhere):
    with pytest.raises(FileNotFoundError, match="Keras cache"):
        vgg_features(["block1_conv1"], arch="vgg19", weights="imagenet")
    with pytest.raises(FileNotFoundError, match="not a file"):
        vgg_features(["block1_conv1"], arch="vgg16", weights="/no/such/weights.h5")


def test_avg_pooling_averages():
    model = vgg_features(["block1_pool"], arch="vgg16", weights=None, pooling="avg")
    assert type(model.get_layer("block1_pool")).__name__ == "AveragePooling2D"
    with pytest.raises(ValueError, match="pooling"):
        vgg_features(["block1_pool"], pooling="min", weights=None)


def test_layer_names_and_receptive_fields():
    assert len([n for n in vgg_layer_names("vgg19") if "conv" in n]) == 16
    assert len([n for n in vgg_layer_names("vgg16") if "conv" in n]) == 13
    assert receptive_field("block1_conv1") == (3, 1)
    assert receptive_field("block1_conv2") == (5, 1)
    assert receptive_field("block1_pool") == (6, 2)
    assert receptive_field("block2_conv1") == (10, 2)
    assert receptive_field("block5_conv3", "vgg16") == (196, 16)  # the well-known VGG16 figure
    with pytest.raises(ValueError, match="unknown layer"):
        receptive_field("block5_conv4", "vgg16")


def test_inception_offline_is_a_clear_error(no_imagenet_anywhere):
    with pytest.raises(FileNotFoundError, match="InceptionV3"):
        backbones.inception_v3()


def test_digits_classifier_is_accurate_and_cached():
    from cv2course.data import digits

    model = backbones.digits_classifier()
    x, y = digits(split="test")
    probs = model.predict(x, verbose=0)
    assert (probs.argmax(1) == y).mean() > 0.9
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-5)
    again = backbones.digits_classifier()  # loaded from the cache
    np.testing.assert_allclose(again.predict(x[:8], verbose=0), probs[:8], rtol=1e-5, atol=1e-6)
    assert model.get_layer("features").output.shape[-1] == 128


def test_available_weights_reports_offline_state():
    report = backbones.available_weights()
    assert report["vgg16_bundled"].startswith("available")
    assert set(report) >= {"vgg16_imagenet", "vgg19_imagenet", "inception_v3_imagenet", "digits_cnn"}


def test_resolve_layer_maps_vgg19_names_to_the_vgg_at_hand():
    assert resolve_layer("block3_conv3", "vgg19") == "block3_conv3"
    assert resolve_layer("block4_conv4", "vgg19") == "block4_conv4"
    with pytest.warns(UserWarning, match="VGG16 counterpart 'block5_conv3'"):
        assert resolve_layer("block5_conv4", "vgg16") == "block5_conv3"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_layer("block2_conv2", "vgg16") == "block2_conv2"  # VGG16 has it: no note
    with pytest.raises(ValueError, match="unknown layer 'block2_conv3' for vgg16; its layers are: block1_conv1"):
        resolve_layer("block2_conv3", "vgg16")
    model = vgg_features(["block1_conv1", "block3_conv4"], arch="vgg16", weights=None)
    assert model.layer_names == {"block1_conv1": "block1_conv1", "block3_conv4": "block3_conv3"}
    assert resolve_layer("block3_conv4", model) == "block3_conv3"
    with pytest.raises(ValueError, match="unknown layer 'block4_conv1' for the model 'vgg16_features'; "
                                         "its layers are: image, vgg_preprocess, block1_conv1"):
        resolve_layer("block4_conv1", model)


def write_keras_weights(model, path):
    """Save ``model``'s weights in the legacy HDF5 layout Keras' application files use."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


@pytest.fixture(scope="module")
def vgg19_in_keras_cache(tmp_path_factory):
    """A Keras cache with a VGG19 trunk file under the name Keras looks for (random weights, built
    with weights=None), no remembered weights and no network: weights="auto" must find the file."""
    import keras

    from cv2course.data import tfds

    home = tmp_path_factory.mktemp("keras_home")
    keras.utils.set_random_seed(0)
    reference = keras.applications.VGG19(include_top=False, weights=None)
    path = home / "models" / backbones.keras_cache.KERAS_FILES["vgg19"]
    write_keras_weights(reference, path)

    def no_network(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KERAS_HOME", str(home))
        mp.setattr(backbones.vgg, "_imagenet_cache", {})
        mp.setattr(tfds, "network_available", no_network)
        yield path


def test_auto_picks_cached_imagenet_vgg19_with_its_layers_and_preprocessing(vgg19_in_keras_cache):
    import keras

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning
        model = vgg_features(["block1_conv1", "block3_conv4", "block5_conv4"], arch="vgg19", weights="auto")
    assert model.arch == "vgg19" and model.weights_label == "ImageNet VGG19"
    assert model.layer_names == {"block1_conv1": "block1_conv1", "block3_conv4": "block3_conv4",
                                 "block5_conv4": "block5_conv4"}
    assert [layer.name for layer in model.layers if "conv" in layer.name] == [
        n for n in vgg_layer_names("vgg19") if "conv" in n]
    assert backbones.available_weights()["vgg19_imagenet"] == f"cached at {vgg19_in_keras_cache}"
    x = np.random.default_rng(0).random((2, 32, 40, 3), dtype=np.float32)
    np.testing.assert_allclose(model.get_layer("vgg_preprocess")(x),
                               keras.applications.vgg19.preprocess_input(x * 255.0), rtol=1e-5, atol=1e-3)
    net = keras.applications.VGG19(include_top=False, weights=str(vgg19_in_keras_cache), input_shape=(None, None, 3))
    keras_features = keras.Model(net.input, net.get_layer("block5_conv4").output)
    expected = keras_features(keras.applications.vgg19.preprocess_input(x * 255.0))
    np.testing.assert_allclose(model(x)["block5_conv4"], expected, rtol=1e-4, atol=1e-4 * float(np.abs(expected).max()))


def test_featviz_defaults_run_on_cached_vgg19_and_offline_vgg16(vgg19_in_keras_cache, monkeypatch, tmp_path):
    """visualize_filters/top_patches with their default arch/weights, on VGG19 and on the VGG16 fallback."""
    from cv2course.featviz import layer_activations, layer_gram, top_patches, unit_box, visualize_filters

    images = np.random.default_rng(0).random((2, 24, 24, 3), dtype=np.float32)
    on_vgg19 = visualize_filters("block3_conv4", [0, 1], size=16, steps=1)
    assert on_vgg19.shape == (2, 16, 16, 3)
    assert top_patches(images, "block3_conv4", 0, k=2)[0].image.shape == (48, 48, 3)  # VGG19's receptive field
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing cached: the bundled VGG16 stands in
    monkeypatch.setattr(backbones.vgg, "_imagenet_cache", {})
    with pytest.warns(UserWarning, match="block3_conv4"):
        on_vgg16 = visualize_filters("block3_conv4", [0], size=16, steps=1)
    assert on_vgg16.shape == (1, 16, 16, 3)
    with pytest.warns(UserWarning, match="block3_conv4"):
        patches = top_patches(images, "block3_conv4", 0, k=2)
    assert patches[0].image.shape == (40, 40, 3)  # VGG16's block3_conv3 sees 40x40
    with pytest.warns(UserWarning):
        acts = layer_activations(images[0], ["block5_conv4"])
    assert acts["block5_conv4"].shape == (1, 1, 512)
    with pytest.warns(UserWarning):
        assert layer_gram(images[0], "block2_conv2").shape == (128, 128)
    assert unit_box(0, 0, "block3_conv4") == (-22, -22, 26, 26)  # VGG19: 48 px seen, centred at 1.5
    with pytest.raises(ValueError, match="unknown layer 'block3_conv9' for vgg19; its layers are: block1_conv1"):
        visualize_filters("block3_conv9", [0], size=16, steps=1)
