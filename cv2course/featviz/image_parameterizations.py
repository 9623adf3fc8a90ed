"""How a feature visualisation holds its image, and the random transforms it survives.

Plain gradient ascent on pixels finds high-frequency patterns that excite a unit but look
like noise (Olah, Mordvintsev & Schubert, "Feature Visualization", Distill 2017). Their
remedies, as options of :func:`cv2course.featviz.visualize_filters`:

- **transformation robustness**: before each step the image is padded, jittered by a few
  pixels and rescaled by a random factor, so a pattern must excite the unit wherever it
  sits and at whatever size (:func:`random_transform`);
- **a decorrelated, frequency-space parameterisation**: the image is the inverse FFT of a
  spectrum whose coefficients are scaled by 1/f (so every frequency gets a comparable
  step), its colours mixed by the square root of natural images' colour covariance, and a
  sigmoid maps it to [0, 1] (:class:`FourierImage`);
- optionally a light **blur** after each step (:func:`gaussian_blur`).

:class:`PixelImage` is the plain parameterisation, for the "plain vs regularised" panel.
"""
import numpy as np

# Square root of the colour covariance of natural (ImageNet) images, RGB; columns are the
# decorrelated axes (luminance, then two colour-opponent axes). From Olah et al.'s Lucid.
COLOR_CORRELATION_SQRT = np.array([[0.26, 0.09, 0.02],
                                   [0.27, 0.00, -0.05],
                                   [0.27, -0.09, 0.03]], dtype=np.float32)


def spectrum_scale(size, decay_power=1.0):
    """1 / max(f, 1/size)^decay_power for the (size, size // 2 + 1) real-FFT frequencies f."""
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    freqs = np.sqrt(fx * fx + fy * fy)
    return (1.0 / np.maximum(freqs, 1.0 / size) ** decay_power).astype(np.float32)


class PixelImage:
    """The image as its own pixels (in [0, 1], clipped after each step): plain gradient ascent."""

    def __init__(self, start):
        import tensorflow as tf

        self.variable = tf.Variable(np.asarray(start, dtype=np.float32))

    def __call__(self):
        return self.variable

    def constrain(self):
        self.variable.assign(tf_clip01(self.variable))


class FourierImage:
    """The image as a colour-decorrelated spectrum: x = σ(C · irfft2(s ⊙ 1/f^decay)).

    ``n`` images of ``size``×``size``; ``sd`` is the spread of the random start (a start
    near gray). The variable is the real and imaginary spectrum, (n, 3, size, size//2+1, 2).
    """

    def __init__(self, n, size, decay_power=1.0, sd=0.01, seed=0):
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        self.size = int(size)
        self.scale = tf.constant(spectrum_scale(self.size, decay_power) * self.size)
        shape = (int(n), 3, self.size, self.size // 2 + 1, 2)
        self.variable = tf.Variable((sd * rng.standard_normal(shape)).astype(np.float32))
        mixing = COLOR_CORRELATION_SQRT / np.max(np.linalg.norm(COLOR_CORRELATION_SQRT, axis=0))
        self.mixing = tf.constant(mixing.T)  # rows of the decorrelated colours, applied on the right

    def __call__(self):
        import tensorflow as tf

        spectrum = tf.complex(self.variable[..., 0], self.variable[..., 1]) * tf.cast(self.scale, tf.complex64)
        planes = tf.signal.irfft2d(spectrum, fft_length=[self.size, self.size])  # (n, 3, h, w)
        decorrelated = tf.transpose(planes, (0, 2, 3, 1)) / 4.0
        return tf.sigmoid(decorrelated @ self.mixing)

    def constrain(self):
        pass  # the sigmoid keeps every pixel in [0, 1]


def tf_clip01(x):
    import tensorflow as tf

    return tf.clip_by_value(x, 0.0, 1.0)


def random_transform(images, jitter, scales, pad, seed):
    """Pad by ``pad`` pixels of gray, shift by up to ``jitter`` pixels, resize by a factor
    drawn from ``scales``, then crop or pad back to the input size (a stateless draw from
    ``seed``, a pair of int32s, so the step stays one trace)."""
    import tensorflow as tf

    size = tf.shape(images)[1]
    x = tf.pad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], constant_values=0.5) if pad else images
    padded = size + 2 * pad
    pick = tf.random.stateless_uniform([], seed, 0, len(scales), dtype=tf.int32)
    factor = tf.gather(tf.constant(scales, tf.float32), pick)
    new = tf.cast(tf.round(tf.cast(padded, tf.float32) * factor), tf.int32)
    x = tf.image.resize(x, tf.stack([new, new]), method="bilinear")
    shift = tf.random.stateless_uniform([2], seed + 1, -jitter, jitter + 1, dtype=tf.int32) if jitter else tf.zeros(2, tf.int32)
    x = tf.roll(x, shift, axis=(1, 2))
    return tf.image.resize_with_crop_or_pad(x, size, size)


def gaussian_blur(images, sigma):
    """Separable Gaussian blur of NHWC ``images`` (radius 2σ, reflect-free 'SAME' padding)."""
    import tensorflow as tf

    radius = max(1, int(round(2 * sigma)))
    t = np.arange(-radius, radius + 1, dtype=np.float32)
    k = np.exp(-0.5 * (t / sigma) ** 2)
    k = (k / k.sum()).astype(np.float32)
    channels = images.shape[-1]
    kx = tf.constant(np.tile(k[None, :, None, None], (1, 1, channels, 1)))
    ky = tf.constant(np.tile(k[:, None, None, None], (1, 1, channels, 1)))
    x = tf.nn.depthwise_conv2d(images, kx, [1, 1, 1, 1], "SAME")
    return tf.nn.depthwise_conv2d(x, ky, [1, 1, 1, 1], "SAME")
