"""EDSR, WDSR (a, b), SRResNet: shapes at every scale, pixel shuffle, weight norm, save/load (parity: tests/test_parity.py)."""
import numpy as np
import pytest
import tensorflow as tf

import keras

from tests.autoencoders.fixtures.before_after import assert_old_file_loads_and_resumes, assert_trains_as_recorded
from tests.sr.fixtures import before_after
from cv2course.sr.edsr import edsr
from cv2course.sr.inference import model_scale, super_resolve
from cv2course.sr.pixel_shuffle import PixelShuffle, pixel_shuffle
from cv2course.sr.srresnet import srresnet
from cv2course.sr.wdsr import WeightNormConv2D, wdsr

BUILDERS = {
    "edsr": lambda s: edsr(s, filters=8, blocks=1),
    "edsr_scaled": lambda s: edsr(s, filters=8, blocks=1, res_scaling=0.1),
    "wdsr_a": lambda s: wdsr(s, filters=8, blocks=1, variant="a"),
    "wdsr_b": lambda s: wdsr(s, filters=8, blocks=1, variant="b"),
    "srresnet": lambda s: srresnet(s, filters=8, blocks=1),
}


def test_pixel_shuffle_is_depth_to_space():
    x = np.random.default_rng(0).random((2, 3, 5, 18)).astype(np.float32)
    assert np.array_equal(np.asarray(pixel_shuffle(x, 3)), tf.nn.depth_to_space(x, 3).numpy())
    assert np.array_equal(np.asarray(pixel_shuffle(x, 1)), x)
    y = np.asarray(pixel_shuffle(x[..., :8], 2))
    assert y.shape == (2, 6, 10, 2)
    # out[b, 2y+i, 2x+j, c] = in[b, y, x, (2i+j)·C + c]
    assert y[1, 2 * 2 + 1, 2 * 4 + 0, 1] == x[1, 2, 4, (2 * 1 + 0) * 2 + 1]
    with pytest.raises(ValueError, match="multiple of scale"):
        pixel_shuffle(x, 4)
    with pytest.raises(ValueError, match="4-D"):
        pixel_shuffle(x[0], 2)


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("scale", [2, 3, 4])
def test_every_model_upscales_any_input_size(name, scale):
    model = BUILDERS[name](scale)
    for h, w in ((7, 9), (12, 5)):
        out = model(np.random.default_rng(0).random((2, h, w, 3)).astype(np.float32))
        assert tuple(out.shape) == (2, scale * h, scale * w, 3)
    assert model_scale(model) == scale


@pytest.mark.parametrize("builder", [edsr, wdsr, srresnet])
def test_bad_scale_is_a_clear_error(builder):
    for bad in (1, 5, 2.5):
        with pytest.raises(ValueError, match="scale must be 2, 3 or 4"):
            builder(bad)


def test_edsr_mean_shift_is_inside():
    keras.utils.set_random_seed(0)
    model = edsr(2, filters=4, blocks=1)
    for layer in model.layers:  # every convolution outputs zero: the image is the mean shifted in and out
        if isinstance(layer, keras.layers.Conv2D):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    out = np.asarray(model(np.random.default_rng(0).random((1, 4, 4, 3)).astype(np.float32)))
    assert np.allclose(out, np.array([0.4488, 0.4371, 0.4040]), atol=1e-6)


def test_weight_norm_starts_as_the_plain_convolution_and_normalises_per_filter():
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(1).random((2, 6, 6, 4)).astype(np.float32)
    wn = WeightNormConv2D(5, 3, padding="same")
    out = np.asarray(wn(x))
    plain = keras.layers.Conv2D(5, 3, padding="same")
    plain.build(x.shape)
    plain.set_weights([wn.kernel.numpy(), wn.bias.numpy()])
    assert np.allclose(out, np.asarray(plain(x)), atol=1e-5)
    wn.g.assign(np.arange(1, 6, dtype=np.float32))
    w = np.asarray(wn.normalized_kernel())
    assert np.allclose(np.sqrt((w ** 2).sum(axis=(0, 1, 2))), np.arange(1, 6), atol=1e-5)  # ‖w‖ = g
    # Scaling v does not change the layer: only its direction counts.
    wn.kernel.assign(wn.kernel * 3.0)
    assert np.allclose(np.asarray(wn.normalized_kernel()), w, atol=1e-5)


def test_super_resolve_clips_and_keeps_single_images():
    model = edsr(2, filters=4, blocks=0)
    img = np.random.default_rng(2).random((5, 6, 3)).astype(np.float32)
    out = super_resolve(model, img)
    assert out.shape == (10, 12, 3) and out.min() >= 0 and out.max() <= 1
    with pytest.raises(ValueError, match="channels"):
        super_resolve(model, img[..., :2])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        super_resolve(model, img * 3)


@pytest.mark.parametrize("name", ["edsr", "wdsr_b"])
def test_save_load_round_trip_resumes_training(tmp_path, name):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    lr, hr = rng.random((4, 8, 8, 3)).astype(np.float32), rng.random((4, 16, 16, 3)).astype(np.float32)
    model = BUILDERS[name](2)
    model.compile(keras.optimizers.Adam(1e-3), "mae")
    model.train_on_batch(lr, hr)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert np.allclose(loaded(lr), model(lr), atol=1e-6)
    assert int(loaded.optimizer.iterations) == 1
    a = model.train_on_batch(lr, hr)
    b = loaded.train_on_batch(lr, hr)
    assert a == pytest.approx(b, rel=1e-5)  # the optimizer state came back too


@pytest.mark.parametrize("name", ["edsr", "wdsr_a", "wdsr_b", "srresnet"])
def test_same_seeds_give_the_weights_recorded_before_the_refactor(name):
    assert_trains_as_recorded(before_after.HERE, before_after.train, name)


@pytest.mark.parametrize("name", ["edsr", "wdsr_a", "wdsr_b", "srresnet"])
def test_a_file_saved_before_the_refactor_loads_and_resumes(name):
    assert_old_file_loads_and_resumes(before_after.HERE, before_after.data, name)


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
@pytest.mark.parametrize("name", ["edsr", "wdsr_a", "wdsr_b", "srresnet"])
def test_one_fit_step_under_a_mixed_policy(name, policy):
    from tests.autoencoders.mixed_precision import assert_one_fit_step_under

    def build_and_compile():
        model = BUILDERS[name](2)
        model.compile(keras.optimizers.Adam(1e-3), "mae")
        return model

    rng = np.random.default_rng(5)
    assert_one_fit_step_under(policy, build_and_compile,
                              (rng.random((4, 8, 8, 3)).astype(np.float32), rng.random((4, 16, 16, 3)).astype(np.float32)))
