"""SRGAN: the paper's loss terms, any patch size, save/load with both optimizers, MirroredStrategy parity."""
import numpy as np
import pytest

import keras

from tests.autoencoders.fixtures.before_after import (assert_old_file_loads_and_resumes, assert_same_weights, recorded,
                                                      weights_of)
from tests.distributed import assert_logs_close
from tests.sr.fixtures import before_after
from cv2course.sr import losses
from cv2course.sr.srgan import SRGAN, content_layer_name, srgan_discriminator
from cv2course.sr.srresnet import srresnet


def _tiny(blocks=1, **kwargs):
    kwargs = {"content_layer": "vgg22", "vgg_arch": "vgg16", "vgg_weights": "bundled", **kwargs}
    return SRGAN(srresnet(2, filters=8, blocks=blocks), srgan_discriminator(filters=4, dense=8), **kwargs)


def _batch(seed=0, n=4, size=16):
    rng = np.random.default_rng(seed)
    return rng.random((n, size, size, 3)).astype(np.float32), rng.random((n, 2 * size, 2 * size, 3)).astype(np.float32)


def test_content_layers_and_offline_mapping():
    assert content_layer_name("vgg54", "vgg19") == "block5_conv4"
    assert content_layer_name("vgg54", "vgg16") == "block5_conv3"  # the bundled VGG16 has no conv4
    assert content_layer_name("vgg22", "vgg16") == "block2_conv2"
    with pytest.raises(ValueError, match="content_layer"):
        _tiny(content_layer="vgg33")
    with pytest.raises(TypeError, match="generator"):
        SRGAN("not a model")


def test_loss_formulas():
    rng = np.random.default_rng(1)
    a, b = rng.random((2, 3, 3, 5)).astype(np.float32), rng.random((2, 3, 3, 5)).astype(np.float32)
    assert float(losses.content_loss(a, b)) == pytest.approx(np.mean(((a - b) / 12.75) ** 2), rel=1e-5)
    assert float(losses.perceptual_loss(2.0, 3.0)) == pytest.approx(2.003)
    assert float(losses.l1_loss(a, b)) == pytest.approx(np.mean(np.abs(a - b)), rel=1e-5)
    assert float(losses.mse_loss(a, b)) == pytest.approx(np.mean((a - b) ** 2), rel=1e-5)


def test_discriminator_takes_any_patch_size():
    d = srgan_discriminator(filters=4, dense=8)
    for size in (16, 24, 40):
        assert tuple(d(np.zeros((2, size, size, 3), np.float32)).shape) == (2, 1)
    # the paper's shape: 8 convolutions, stride 2 in every second one after the first
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.strides[0] for c in convs] == [1, 2, 1, 2, 1, 2, 1, 2]
    assert [c.filters for c in convs] == [4, 4, 8, 8, 16, 16, 32, 32]


def test_test_step_terms_match_the_formulas():
    keras.utils.set_random_seed(0)
    model = _tiny()
    model.compile()
    lr, hr = _batch()
    terms = {k: float(v) for k, v in model.test_on_batch(lr, hr, return_dict=True).items()}
    sr = model.generator(lr, training=False)
    fake = np.asarray(model.discriminator(sr, training=False))
    real = np.asarray(model.discriminator(hr, training=False))
    content = np.mean(((np.asarray(model.features(hr)) - np.asarray(model.features(sr))) / 12.75) ** 2)
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    assert terms["content_loss"] == pytest.approx(content, rel=1e-4)
    assert terms["adversarial_loss"] == pytest.approx(np.mean(softplus(-fake)), rel=1e-4)       # −log D(G(LR))
    assert terms["discriminator_loss"] == pytest.approx(np.mean(softplus(-real)) + np.mean(softplus(fake)), rel=1e-4)
    assert terms["perceptual_loss"] == pytest.approx(content + 1e-3 * terms["adversarial_loss"], rel=1e-4)
    assert model.feature_extractor().layer_names == {"block2_conv2": "block2_conv2"}


def test_from_srresnet_copies_the_psnr_model():
    keras.utils.set_random_seed(0)
    base = srresnet(2, filters=8, blocks=1)
    model = SRGAN.from_srresnet(base, content_layer="vgg22", vgg_arch="vgg16", vgg_weights="bundled",
                                discriminator=srgan_discriminator(filters=4, dense=8))
    lr, _ = _batch(2)
    assert np.allclose(model(lr), base(lr), atol=1e-6)
    assert model.generator is not base


def _stored_floats(path):
    import io
    import zipfile

    import h5py

    total = []
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
        f.visititems(lambda name, obj: total.append(obj.size) if isinstance(obj, h5py.Dataset) else None)
    return sum(total)


def test_save_load_round_trip_resumes_training(tmp_path):
    keras.utils.set_random_seed(0)
    model = _tiny()
    model.compile()
    lr, hr = _batch(3)
    logs = model.train_on_batch(lr, hr, return_dict=True)
    assert set(logs) == set(SRGAN.tracker_names)
    path = tmp_path / "srgan.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, SRGAN) and loaded.content_layer == "vgg22"
    assert np.allclose(loaded(lr), model(lr), atol=1e-6)
    assert int(loaded.generator_optimizer.iterations) == int(loaded.discriminator_optimizer.iterations) == 1
    for a, b in zip(model.discriminator_optimizer.variables, loaded.discriminator_optimizer.variables):
        assert np.allclose(np.asarray(a), np.asarray(b))
    # the file holds the generator, discriminator and optimizers, not the frozen VGG (260k floats up to block2)
    assert len(loaded.weights) == len(model.generator.weights) + len(model.discriminator.weights)
    stored = _stored_floats(path)
    expected = sum(int(np.prod(v.shape)) for v in model.weights + model.generator_optimizer.variables
                   + model.discriminator_optimizer.variables)
    assert stored <= expected + 16
    a = model.train_on_batch(lr, hr, return_dict=True)
    b = loaded.train_on_batch(lr, hr, return_dict=True)
    assert_logs_close({k: float(v) for k, v in a.items()}, {k: float(v) for k, v in b.items()}, atol=1e-5, rtol=1e-4)


# How far rounding alone moves the fixture SRGAN's weights after three steps, measured on an AMD EPYC
# (the file was recorded on Intel) with oneDNN on vs off (TF_ENABLE_ONEDNN_OPTS=1/0): up to 3.2e-5 in
# the generator and 1.7e-3 in the discriminator (1 vs 2 intra-op threads: 6e-6). The tiny
# discriminator batch-normalises 1-2 channels over 8 patches, which amplifies rounding. Tolerance:
# 10x the spread, per network. Mutations seen caught by far: the adversarial term dropped from l_SR
# moves G by 0.13, its weight 2e-3 by 0.49; l_D with real and fake swapped moves D by 0.054.
GENERATOR_ATOL, DISCRIMINATOR_ATOL = 10 * 3.2e-5, 10 * 1.7e-3


def test_same_seeds_give_the_weights_recorded_before_the_refactor():
    model, _ = before_after.train("srgan")
    got, want = weights_of(model), recorded(before_after.HERE, "srgan")
    n = len(model.generator.weights)
    assert_same_weights(got[:n], want[:n], "generator", atol=GENERATOR_ATOL)
    assert_same_weights(got[n:], want[n:], "discriminator", atol=DISCRIMINATOR_ATOL)


def test_a_file_saved_before_the_refactor_loads_and_resumes():
    assert_old_file_loads_and_resumes(before_after.HERE, before_after.data, "srgan")


def _fake_vgg_features(label):
    """A stand-in for backbones.vgg_features: one small convolution named like the requested layer,
    with the attributes SRGAN records (``arch``, ``weights_label``, ``layer_names``)."""
    def build(layers, arch="vgg19", weights="auto"):
        inputs = keras.Input((None, None, 3))
        outputs = {name: keras.layers.Conv2D(4, 3, padding="same", name=name)(inputs) for name in layers}
        model = keras.Model(inputs, outputs)
        model.trainable = False
        model.arch, model.weights_label, model.layer_names = arch, label, {name: name for name in layers}
        return model
    return build


def test_a_saved_srgan_remembers_its_vgg_and_refuses_another_unless_told(tmp_path, monkeypatch):
    import cv2course.sr.srgan as srgan_module

    monkeypatch.setattr(srgan_module, "vgg_features", _fake_vgg_features("weights A"))
    model = _tiny(vgg_weights="auto")
    assert model.vgg_used == {"arch": "vgg16", "weights": "weights A", "layer": "block2_conv2"}
    model.compile()
    path = tmp_path / "srgan.keras"
    model.save(path)
    assert keras.models.load_model(path).vgg_used == model.vgg_used  # the same VGG: loads

    monkeypatch.setattr(srgan_module, "vgg_features", _fake_vgg_features("weights B"))  # another machine
    with pytest.raises(ValueError, match=r"trained with its content loss on vgg16 \(weights A\) at block2_conv2, "
                                         r"but the VGG found now is vgg16 \(weights B\).*allow_different_vgg=True"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="weights A"):
        SRGAN.load(path)
    resumed = SRGAN.load(path, allow_different_vgg=True)
    assert resumed.vgg_used["weights"] == "weights B"  # and it records the VGG it goes on with
    assert resumed.get_config()["vgg_used"]["weights"] == "weights B"
    assert int(resumed.generator_optimizer.iterations) == 0 and resumed.compiled
    with pytest.raises(ValueError, match="weights A"):  # the permission does not outlive the call
        keras.models.load_model(path)


def test_the_default_content_layer_resolves_to_the_vgg_that_loads():
    # Offline, "auto" VGG19 falls back to the bundled VGG16: vgg54 (block5_conv4) becomes block5_conv3.
    model = SRGAN(srresnet(2, filters=4, blocks=0), srgan_discriminator(filters=2, dense=4))
    assert model.vgg_used["arch"] == "vgg16" and model.vgg_used["layer"] == "block5_conv3"
    assert model.vgg_used["weights"] == model.feature_extractor().weights_label
    assert tuple(model.features(np.zeros((1, 16, 16, 3), np.float32)).shape) == (1, 1, 1, 512)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_one_fit_step_under_a_mixed_policy(policy):
    from tests.autoencoders.mixed_precision import assert_one_fit_step_under

    def build_and_compile():
        model = _tiny(blocks=0)
        model.compile()
        return model

    model, logs = assert_one_fit_step_under(policy, build_and_compile, _batch(6, n=2))
    assert model.feature_extractor().compute_dtype == policy.split("_")[1]  # the VGG too
    assert set(logs) == set(SRGAN.tracker_names)
