"""The feature-visualisation image parameterisations and transforms, against closed forms."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.featviz import image_parameterizations as ip


def test_spectrum_scale_is_one_over_frequency_with_the_dc_term_capped():
    s = ip.spectrum_scale(8, decay_power=1.0)
    assert s.shape == (8, 5)
    assert s[0, 0] == pytest.approx(8.0)            # f = 0 is capped at 1/size
    assert s[0, 1] == pytest.approx(8.0)            # f = 1/8 = the cap
    assert s[0, 4] == pytest.approx(2.0)            # f = 1/2 (Nyquist)
    assert s[4, 4] == pytest.approx(1 / np.sqrt(0.5))
    np.testing.assert_allclose(ip.spectrum_scale(8, 2.0), s ** 2, rtol=1e-6)


def test_fourier_image_of_a_zero_spectrum_is_gray_and_one_coefficient_is_one_frequency():
    image = ip.FourierImage(1, 16, sd=0.0)
    np.testing.assert_allclose(image().numpy(), 0.5, atol=1e-7)
    spectrum = np.zeros(image.variable.shape, np.float32)
    spectrum[0, 0, 0, 3, 0] = 0.05                 # luminance axis, horizontal frequency 3/16
    image.variable.assign(spectrum)
    x = image().numpy()[0]
    logit = np.log(x / (1 - x))                      # undo the sigmoid
    assert np.allclose(logit[0], logit[5])           # constant down the columns
    power = np.abs(np.fft.rfft(logit[0, :, 0]))
    assert np.argmax(power[1:]) + 1 == 3             # one horizontal frequency


def test_random_transform_without_scale_or_jitter_is_the_identity_and_jitter_is_a_shift():
    x = tf.random.stateless_uniform((2, 12, 12, 3), (0, 1))
    same = ip.random_transform(x, jitter=0, scales=(1.0,), pad=0, seed=tf.constant([3, 4]))
    np.testing.assert_allclose(same.numpy(), x.numpy(), atol=1e-6)
    moved = ip.random_transform(x, jitter=2, scales=(1.0,), pad=2, seed=tf.constant([3, 4])).numpy()
    padded = np.pad(x.numpy(), ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=0.5)
    shifts = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
              if np.allclose(np.roll(padded, (dy, dx), axis=(1, 2))[:, 2:-2, 2:-2], moved, atol=1e-6)]
    assert shifts, "the jittered image is not a shift of the padded input"


def test_gaussian_blur_keeps_constants_and_removes_a_checkerboard():
    flat = tf.fill((1, 10, 10, 3), 0.3)
    np.testing.assert_allclose(ip.gaussian_blur(flat, 1.0).numpy()[:, 3:-3, 3:-3], 0.3, atol=1e-6)
    board = (np.indices((10, 10)).sum(0) % 2).astype(np.float32)[None, ..., None].repeat(3, -1)
    blurred = ip.gaussian_blur(tf.constant(board), 1.0).numpy()
    assert blurred[:, 3:-3, 3:-3].std() < 0.1 * board.std()


def _high_frequency_share(images):
    gray = images.mean(-1)
    power = np.abs(np.fft.fft2(gray - gray.mean(axis=(1, 2), keepdims=True))) ** 2
    f = np.abs(np.fft.fftfreq(gray.shape[1]))
    high = np.maximum(f[:, None], f[None, :]) > 0.25
    return power[:, high].sum() / power.sum()


def test_regularised_visualisation_climbs_and_has_less_high_frequency_than_plain():
    from cv2course.backbones import vgg_features
    from cv2course.featviz import visualize_filters
    from cv2course.featviz.filters import REGULARIZED

    extractor = vgg_features(["block2_conv2"], arch="vgg16", weights="bundled")
    options = {"size": 32, "steps": 8, "extractor": extractor, "return_history": True}
    plain, _ = visualize_filters("block2_conv2", [1, 3], **options)
    regularised, history = visualize_filters("block2_conv2", [1, 3], **options, **REGULARIZED)
    assert regularised.shape == (2, 32, 32, 3) and regularised.min() >= 0 and regularised.max() <= 1
    assert np.all(history[-1] > history[0])
    assert _high_frequency_share(regularised) < 0.5 * _high_frequency_share(plain)
    with pytest.raises(ValueError, match="blur"):
        visualize_filters("block2_conv2", [1], size=16, steps=1, extractor=extractor, parameterization="fourier",
                          blur=1.0)
    with pytest.raises(ValueError, match="parameterization"):
        visualize_filters("block2_conv2", [1], size=16, steps=1, extractor=extractor, parameterization="wavelet")
