"""DCGAN builders: shapes for 28/32/64 px, output ranges, norms, conditional inputs, serialization."""
import keras
import numpy as np
import pytest

from cv2course.gans import dcgan_networks as N


@pytest.mark.parametrize("size,channels", [(28, 1), (32, 3), (64, 1)])
def test_generator_and_discriminator_shapes_and_ranges(size, channels):
    g = N.dcgan_generator(size, channels, latent_dim=4, base_filters=4)
    d = N.dcgan_discriminator(size, channels, base_filters=4)
    z = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32) * 50  # saturate the tanh
    x = keras.ops.convert_to_numpy(g(z))
    assert x.shape == (3, size, size, channels)
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert tuple(d(x).shape) == (3, 1)


def test_start_size_rule_and_bad_sizes():
    assert N.start_size(28) == (7, 2)
    assert N.start_size(32) == (4, 3)
    assert N.start_size(64) == (4, 4)
    for bad in (30, 7, 4, 0):
        with pytest.raises(ValueError, match="image_size"):
            N.start_size(bad)


def test_discriminator_outputs_and_trunk_features():
    d = N.dcgan_discriminator(28, base_filters=4, outputs=11, dropout=0.3)
    assert tuple(d.outputs[0].shape) == (None, 11)
    trunk = N.dcgan_discriminator_trunk(28, base_filters=4)
    assert tuple(trunk.outputs[0].shape) == (None, 7 * 7 * 8)
    with pytest.raises(ValueError, match="dropout"):
        N.dcgan_discriminator(28, dropout=1.0)
    with pytest.raises(ValueError, match="norm"):
        N.dcgan_discriminator(28, norm="instance")


def test_critic_uses_layer_norm_and_no_batch_norm():
    critic = N.dcgan_critic(32, 3, base_filters=4)
    kinds = {type(layer).__name__ for layer in critic._flatten_layers()}
    assert "LayerNormalization" in kinds and "BatchNormalization" not in kinds
    with pytest.raises(ValueError, match="not allowed"):
        N.dcgan_critic(28, norm="batch")
    # Layer norm keeps samples independent: a sample's score does not depend on its batch mates.
    x = np.random.default_rng(1).uniform(-1, 1, (4, 32, 32, 3)).astype(np.float32)
    full = keras.ops.convert_to_numpy(critic(x, training=True))
    alone = keras.ops.convert_to_numpy(critic(x[:1], training=True))
    np.testing.assert_allclose(full[:1], alone, rtol=1e-5, atol=1e-6)


def test_batch_norm_is_synchronized_for_multi_device_parity():
    g = N.dcgan_generator(28, latent_dim=4, base_filters=4)
    bns = [layer for layer in g._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    assert bns and all(layer.synchronized for layer in bns)


@pytest.mark.parametrize("conditioning", ["one_hot", "embedding"])
def test_conditional_networks_depend_on_the_label_and_round_trip(conditioning, tmp_path):
    g = N.dcgan_generator(28, latent_dim=4, base_filters=4, num_classes=10, conditioning=conditioning)
    d = N.dcgan_discriminator(28, base_filters=4, num_classes=10, conditioning=conditioning)
    z = keras.ops.convert_to_tensor(np.ones((2, 4), np.float32))
    y = keras.ops.convert_to_tensor(np.eye(10, dtype=np.float32)[[3, 7]])
    x = g([z, y])
    same_z = keras.ops.convert_to_numpy(x)
    assert not np.allclose(same_z[0], same_z[1])  # same z, different label → different image
    scores = keras.ops.convert_to_numpy(d([x, y]))
    path = tmp_path / "d.keras"
    d.save(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.models.load_model(path)([x, y])), scores, rtol=1e-6)


def test_label_channels_are_constant_one_hot_maps():
    layer = N.LabelChannels(5)
    out = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(np.eye(3, dtype=np.float32)[[2]])))
    assert out.shape == (1, 5, 5, 3)
    np.testing.assert_array_equal(out[0, :, :, 2], 1.0)
    np.testing.assert_array_equal(out[0, :, :, :2], 0.0)
