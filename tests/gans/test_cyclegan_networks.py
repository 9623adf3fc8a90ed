"""CycleGAN's networks: instance norm, reflection padding, the ResNet generator, the 70×70 PatchGAN."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cv2course.gans import cyclegan_networks as i2i


def test_instance_norm_normalises_each_sample_and_channel_alone():
    rng = np.random.default_rng(0)
    # every (sample, channel) with its own mean and scale
    x = (rng.normal(size=(3, 9, 7, 4)) * rng.uniform(0.5, 20, (3, 1, 1, 4)) + rng.normal(0, 50, (3, 1, 1, 4)))
    x = x.astype(np.float32)
    layer = i2i.instance_norm()
    y = np.asarray(layer(x))
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0.0, atol=1e-4)
    np.testing.assert_allclose(y.var(axis=(1, 2)), 1.0, rtol=1e-3)
    want = (x - x.mean(axis=(1, 2), keepdims=True)) / np.sqrt(x.var(axis=(1, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, want, atol=1e-4)
    # unlike batch norm, a sample's output does not depend on the rest of the batch
    other = np.asarray(layer(np.concatenate([x[:1], 100 * x[1:]])))
    np.testing.assert_allclose(other[0], y[0], atol=1e-5)
    # unlike layer norm, channels are normalised separately
    assert not np.allclose(y, np.asarray(keras.layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5)(x)), atol=1e-2)
    assert layer.weights == [] and len(i2i.instance_norm(affine=True)(x[:1]).shape) == 4


def test_reflection_padding_matches_numpy():
    x = np.arange(2 * 5 * 4 * 3, dtype=np.float32).reshape(2, 5, 4, 3)
    got = np.asarray(i2i.ReflectionPadding2D(2)(x))
    np.testing.assert_array_equal(got, np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect"))
    layer = keras.layers.deserialize(keras.layers.serialize(i2i.ReflectionPadding2D(3)))
    assert layer.padding == 3 and layer.compute_output_shape((None, 8, None, 1)) == (None, 14, None, 1)


def test_resnet_generator_keeps_the_size_and_the_range():
    g = i2i.resnet_generator(channels=2, filters=4, n_residual=2, n_downsample=2)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 12, 16, 2)).astype(np.float32)
    y = np.asarray(g(x))
    assert y.shape == x.shape and np.all(np.abs(y) < 1)
    names = [layer.name for layer in g.layers]
    assert names.count("res1_add") == 1 and "res2_add" in names and "res3_add" not in names
    assert sum(isinstance(layer, i2i.ReflectionPadding2D) for layer in g.layers) == 2 + 2 * 2
    assert sum(isinstance(layer, keras.layers.GroupNormalization) for layer in g.layers) == 1 + 2 + 2 * 2 + 2
    with pytest.raises(ValueError, match="divisible by 4"):
        i2i.resnet_generator(image_size=30)
    with pytest.raises(ValueError, match="norm"):
        i2i.resnet_generator(norm="batch")


def _gradient_support(model, size, channels=1):
    x = tf.Variable(np.random.default_rng(1).normal(size=(1, size, size, channels)).astype(np.float32))
    with tf.GradientTape() as tape:
        scores = model(x)
        c = scores.shape[1] // 2
        unit = scores[0, c, c, 0]
    grad = np.abs(tape.gradient(unit, x).numpy()[0, ..., 0])
    rows, cols = np.nonzero(grad)
    box = grad[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert rows.min() > 0 and cols.min() > 0 and rows.max() < size - 1  # the patch lies inside the image
    assert np.all(box > 0)  # no holes: 4×4 kernels with stride 2 cover every pixel
    return box.shape


@pytest.mark.parametrize("n_layers, size", [(3, 96), (1, 32)])
def test_patchgan_receptive_field_by_gradient_support(n_layers, size):
    expected = {1: 16, 3: 70}[n_layers]
    assert i2i.patchgan_receptive_field(n_layers) == expected
    # without instance norm, whose statistics span the whole image, one score sees only its patch
    d = i2i.patchgan_discriminator(channels=1, filters=2, n_layers=n_layers, norm=None)
    assert i2i.receptive_field(d) == expected
    assert _gradient_support(d, size) == (expected, expected)


def test_patchgan_on_256_pixels_gives_30x30_scores_with_instance_norm():
    d = i2i.patchgan_discriminator(channels=3, filters=8)
    assert d.output_shape == (None, None, None, 1)
    assert d(np.zeros((1, 256, 256, 3), np.float32)).shape == (1, 30, 30, 1)
    norms = [layer for layer in d.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert [layer.name for layer in norms] == ["C2_norm", "C3_norm", "C4_norm"] and all(n.groups == n.output.shape[-1] for n in norms)  # one group per channel
    acts = [layer for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)]
    assert len(acts) == 4 and all(np.isclose(a.negative_slope, 0.2) for a in acts)
    with pytest.raises(ValueError, match="at least 16"):
        i2i.patchgan_discriminator(n_layers=3, image_size=8)


def test_small_variants_fit_28_pixel_digits():
    g = i2i.small_resnet_generator(image_size=28)
    d = i2i.small_patchgan_discriminator(image_size=28)
    x = np.zeros((1, 28, 28, 1), np.float32)
    assert g(x).shape == x.shape and d(x).shape == (1, 12, 12, 1) and i2i.receptive_field(d) == 16
