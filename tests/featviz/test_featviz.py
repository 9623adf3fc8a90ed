"""Activations, filter visualisation, top patches and Gram heat maps on the bundled VGG16."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.backbones import receptive_field, vgg_features
from cv2course.data import sample_image
from cv2course.featviz import (channel_grid, layer_activations, layer_gram, strongest_channels, top_patches,
                               unit_box, visualize_filters)
from cv2course.nst.losses import gram_matrix

LAYERS = ["block1_conv1", "block2_conv2", "block3_conv1"]


@pytest.fixture(scope="module")
def extractor():
    return vgg_features(LAYERS, arch="vgg16", weights="bundled")


@pytest.fixture(scope="module")
def image():
    return sample_image("chelsea", size=(32, 48))


def test_layer_activations_and_grid(extractor, image):
    acts = layer_activations(image, LAYERS, extractor=extractor)
    assert acts["block1_conv1"].shape == (32, 48, 64) and acts["block2_conv2"].shape == (16, 24, 128)
    assert all(a.min() >= 0 for a in acts.values())  # after ReLU
    top = strongest_channels(acts["block1_conv1"], 4)
    means = acts["block1_conv1"].mean(axis=(0, 1))
    assert means[top[0]] == means.max() and list(top) == sorted(top, key=lambda c: -means[c])
    grid = channel_grid(acts["block1_conv1"], channels=top, ncols=2)
    assert grid.shape == (2 * 32 + 1, 2 * 48 + 1) and grid.max() <= 1.0
    with pytest.raises(ValueError, match="out of range"):
        channel_grid(acts["block1_conv1"], channels=[64])
    with pytest.raises(ValueError, match="does not give"):
        layer_activations(image, ["block4_conv1"], extractor=extractor)


def test_filter_visualisation_excites_its_channel(extractor):
    channels = [1, 3, 10]
    images, history = visualize_filters("block2_conv2", channels, size=32, steps=8, extractor=extractor,
                                        return_history=True)
    assert images.shape == (3, 32, 32, 3) and images.min() >= 0 and images.max() <= 1
    assert history.shape == (9, 3) and np.all(history[-1] > history[0])
    # each image excites its own channel more than the other images do
    act = extractor(images)["block2_conv2"].numpy().mean(axis=(1, 2))
    assert act[0, 1] > act[1:, 1].max() and act[1, 3] > act[[0, 2], 3].max()
    with pytest.raises(ValueError, match="out of range"):
        visualize_filters("block2_conv2", [128], size=16, steps=1, extractor=extractor)
    with pytest.raises(ValueError, match="convolution"):
        visualize_filters("block1_pool", [0], size=16, steps=1, arch="vgg16", weights="bundled")


def test_unit_box_contains_every_pixel_the_unit_sees(extractor):
    """The gradient of one unit w.r.t. the input is zero outside its receptive-field box."""
    layer = "block2_conv2"
    x = tf.constant(np.random.default_rng(0).uniform(size=(1, 40, 40, 3)).astype(np.float32))
    row, col = 9, 6
    with tf.GradientTape() as tape:
        tape.watch(x)
        unit = tf.reduce_sum(extractor(x)[layer][0, row, col, :])
    influence = np.abs(tape.gradient(unit, x).numpy()[0]).sum(axis=-1)
    top, left, bottom, right = unit_box(row, col, layer, "vgg16")
    assert bottom - top == receptive_field(layer, "vgg16")[0]
    rows, cols = np.nonzero(influence)
    assert rows.min() >= top and rows.max() < bottom and cols.min() >= left and cols.max() < right
    # and the box is tight: its corners are seen
    assert rows.min() == top and rows.max() == bottom - 1


def test_top_patches(extractor):
    rng = np.random.default_rng(0)
    images = rng.uniform(0.4, 0.6, size=(5, 24, 24, 3)).astype(np.float32)
    images[3, 10:14, 5:9] = [1.0, 0.0, 0.0]  # a red square in image 3
    acts = extractor(images)["block1_conv1"].numpy()
    channel = int(np.argmax(acts[3].max(axis=(0, 1)) - acts[[0, 1, 2, 4]].max(axis=(1, 2)).max(axis=0)))
    patches = top_patches(images, "block1_conv1", channel, k=3, extractor=extractor, batch_size=2)
    assert [p.value for p in patches] == sorted((p.value for p in patches), reverse=True)
    best = patches[0]
    assert best.index == 3 and best.image.shape == (3, 3, 3)
    r, c = best.unit
    np.testing.assert_allclose(best.value, acts[3].max(axis=(0, 1))[channel], rtol=1e-6)
    np.testing.assert_array_equal(best.image, images[3, r - 1:r + 2, c - 1:c + 2])
    assert len({p.index for p in patches}) == 3  # one patch per image
    # only units that see no padding: every box inside the 24x24 image
    assert all(p.box[0] >= 0 and p.box[1] >= 0 and p.box[2] <= 24 and p.box[3] <= 24 for p in patches)
    # block3_conv1 sees 24x24 squares at stride 4: none lies inside, so every unit is a candidate
    deep = top_patches(images, "block3_conv1", 0, k=5, extractor=extractor)
    anywhere = top_patches(images, "block3_conv1", 0, k=5, inside=False, extractor=extractor)
    assert [p.box for p in deep] == [p.box for p in anywhere] and all(p.box[2] - p.box[0] == 24 for p in deep)
    with pytest.raises(ValueError, match="channel"):
        top_patches(images, "block1_conv1", 999, extractor=extractor)


def test_gram_heat_map(extractor, image):
    a = layer_activations(image, ["block1_conv1"], extractor=extractor)["block1_conv1"]
    g = layer_gram(image, "block1_conv1", normalize="positions", extractor=extractor)
    np.testing.assert_allclose(g, gram_matrix(a).numpy() / (32 * 48), rtol=1e-5)
    corr = layer_gram(image, "block1_conv1", normalize="correlation", channels=range(8), extractor=extractor)
    live = np.diag(gram_matrix(a[..., :8]).numpy()) > 0
    np.testing.assert_allclose(np.diag(corr)[live], 1.0, rtol=1e-5)
    assert np.all(corr <= 1 + 1e-5) and np.allclose(corr, corr.T)
