"""The CNN-basics slides' worked examples, checked against SciPy and scikit-image."""
import numpy as np
import pytest
import scipy.signal
import scipy.special
from skimage.measure import block_reduce

from cv2course.featviz import cnn_basics as cb


def test_pooling_slide_numbers():
    np.testing.assert_array_equal(cb.max_pool(cb.MAX_POOL_INPUT), [[100, 184], [12, 45]])
    np.testing.assert_array_equal(cb.avg_pool(cb.AVG_POOL_INPUT), [[36.5, 80], [12, 15]])


def test_pooling_matches_scikit_image_block_reduce():
    x = np.random.default_rng(0).normal(size=(6, 9, 3))
    np.testing.assert_allclose(cb.max_pool(x, 3, 3), block_reduce(x, (3, 3, 1), np.max))
    np.testing.assert_allclose(cb.avg_pool(x, 3, 3), block_reduce(x, (3, 3, 1), np.mean))
    # overlapping windows (stride 1): the max of each 2x2 neighbourhood
    y = np.arange(16.0).reshape(4, 4)[::-1]
    np.testing.assert_array_equal(cb.max_pool(y, 2, 1), np.maximum.reduce([y[:-1, :-1], y[1:, :-1], y[:-1, 1:],
                                                                           y[1:, 1:]]))


def test_conv_output_size():
    assert cb.conv_output_size(5, 3, p=1, s=2) == 3  # the slide's volume example
    assert cb.conv_output_size(6, 3) == 4  # valid
    assert cb.conv_output_size(7, 3, 1, 1) == 7  # same
    assert cb.conv_output_size(8, 3, 0, 2) == 3  # floor((8 - 3) / 2) + 1
    with pytest.raises(ValueError, match="larger than the padded input"):
        cb.conv_output_size(3, 7)
    with pytest.raises(ValueError, match="s must be"):
        cb.conv_output_size(5, 3, 0, 0)


def test_conv2d_matches_scipy_correlate():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(9, 9, 3)), rng.normal(size=(3, 3, 3, 2)), rng.normal(size=2)
    out = cb.conv2d(x, w, b, stride=2, padding=1)
    xp = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    for k in range(2):
        full = scipy.signal.correlate(xp, w[..., k], mode="valid")[..., 0]  # stride 1
        np.testing.assert_allclose(out[..., k], full[::2, ::2] + b[k], rtol=1e-10)
    assert out.shape == (cb.conv_output_size(9, 3, 1, 2),) * 2 + (2,)


def test_conv_volume_example_reproduces_all_18_slide_outputs():
    ex = cb.conv_volume_example()
    assert ex["input"].shape == (5, 5, 3) and ex["padded"].shape == (7, 7, 3) and ex["filters"].shape == (3, 3, 3, 2)
    np.testing.assert_array_equal(ex["output"][..., 0], [[-4, -4, -3], [-8, -10, -1], [-2, -1, -1]])
    np.testing.assert_array_equal(ex["output"][..., 1], [[3, 4, 1], [1, 2, -2], [-2, -4, -3]])
    # the surviving numbers verbatim: padded channel 0, w0[:, :, 0] row by row, w1[:, :, 2], the biases
    np.testing.assert_array_equal(ex["padded"][..., 0].ravel()[7:14], [0, 2, 1, 2, 1, 0, 0])
    np.testing.assert_array_equal(ex["filters"][..., 0, 0].ravel(), [0, 0, -1, 0, 0, 0, 1, -1, 1])
    np.testing.assert_array_equal(ex["filters"][..., 2, 1].ravel(), [-1, -1, -1, -1, 0, 0, 1, 0, 1])
    np.testing.assert_array_equal(ex["biases"], [1, 0])
    assert ex["reconstructed_channels"] == (1, 2)
    assert set(np.unique(ex["input"])) <= {0.0, 1.0, 2.0}


def test_hidden_channels_are_what_the_integer_program_finds():
    np.testing.assert_array_equal(cb.reconstruct_hidden_channels(), cb.CONV_SLIDE_RECONSTRUCTED_CHANNELS)
    # an output the slide's filters cannot produce from {0, 1, 2} inputs has no reconstruction
    with pytest.raises(ValueError, match="no input"):
        cb.reconstruct_hidden_channels(output=cb.CONV_SLIDE_OUTPUT + 100)


def test_average_pooling_slide_rounds_down():
    np.testing.assert_array_equal(np.floor(cb.avg_pool(cb.AVG_POOL_INPUT)), cb.AVG_POOL_SLIDE_OUTPUT)
    np.testing.assert_array_equal(cb.max_pool(cb.MAX_POOL_INPUT), cb.MAX_POOL_OUTPUT)


def test_activation_functions():
    x = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(cb.sigmoid(x), scipy.special.expit(x), rtol=1e-12)
    np.testing.assert_allclose(cb.tanh(x), 2 * scipy.special.expit(2 * x) - 1, atol=1e-12)
    np.testing.assert_array_equal(cb.relu([-2.0, 0.0, 3.0]), [0, 0, 3])
    np.testing.assert_allclose(cb.leaky_relu([-2.0, 0.0, 3.0]), [-0.2, 0, 3])
    np.testing.assert_allclose(cb.elu([-1.0, 0.0, 2.0]), [np.exp(-1) - 1, 0, 2])
    # maxout with the pieces 0 and x is ReLU; the default pieces x and -x give |x|
    np.testing.assert_allclose(cb.maxout(x, weights=[[0.0], [1.0]], biases=[0.0, 0.0]), cb.relu(x))
    np.testing.assert_allclose(cb.maxout(x), np.abs(x))
    v = np.random.default_rng(0).normal(size=(4, 3))
    W, bias = np.random.default_rng(1).normal(size=(5, 3)), np.zeros(5)
    np.testing.assert_allclose(cb.maxout(v, W, bias), (v @ W.T).max(axis=1))
    assert set(cb.ACTIVATIONS) == {"sigmoid", "tanh", "ReLU", "leaky ReLU", "maxout", "ELU"}
    assert np.isfinite(cb.sigmoid(np.array([-1000.0, 1000.0]))).all()


def test_vgg16_parameter_count_matches_keras_and_pooling_only_changes_the_dense_part():
    from cv2course.featviz import cnn_basics as cb

    with_pool, without = cb.vgg16_layers(224), cb.vgg16_layers(224, pooling=False)
    assert sum(p for *_, p in with_pool) == 138_357_544                      # keras.applications.VGG16().count_params()
    assert with_pool[-4] == ("block5_pool", (7, 7, 512), 0)
    assert dict((n, p) for n, _, p in without)["fc1"] == (224 * 224 * 512 + 1) * 4096
    conv = lambda rows: [p for n, _, p in rows if "conv" in n]
    assert conv(with_pool) == conv(without), "pooling has no parameters and does not change the convolutions'"
    assert cb.conv_params(3, 3, 2) == 56 and cb.dense_params(7 * 7 * 512, 4096) == 102_764_544
