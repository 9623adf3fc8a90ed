"""Filter visualisation: the input image that most excites one channel, by gradient ascent.

Start from gray with a little noise and climb the mean activation of the chosen channel.
The objective is the channel's mean *pre-activation* (its input to the ReLU), so a unit
that is silent on the start image still receives a gradient; the gradient is normalised
per image so the step size is in its variable's units for every layer.

Plain ascent (``parameterization="pixel"``, a random jitter of a few pixels and a small
L2 pull to gray) gives the high-frequency patterns of the early papers. Olah et al.'s
regularisers (Distill 2017), see :mod:`cv2course.featviz.image_parameterizations`, are
options: a colour-decorrelated Fourier image (``"fourier"``), random padding, jitter and
scaling each step (``pad``, ``jitter``, ``scales``) and a blur (``blur``, pixel images
only). :data:`REGULARIZED` holds the settings the lecture's figure uses.
"""
import numpy as np

from cv2course.checks import check_positive

# Olah et al.'s recipe at this course's sizes: Fourier image, pad 8, jitter 4, scale ±10 %.
REGULARIZED = {"parameterization": "fourier", "pad": 8, "jitter": 4, "scales": (0.9, 0.95, 1.0, 1.05, 1.1),
               "step_size": 0.1, "l2": 0.0}


def visualize_filters(layer, channels, size=64, steps=60, step_size=0.03, jitter=4, l2=0.02, init_noise=0.2, arch="vgg19",
                      weights="auto", extractor=None, seed=0, verbose=0, return_history=False,
                      parameterization="pixel", pad=0, scales=(1.0,), blur=0.0):
    """Images (n, size, size, 3) in [0, 1] maximising channel ``channels[i]`` of ``layer``.

    All channels climb together as one batch. ``step_size``: change of the image's variable
    per step (the gradient is divided by its RMS); ``jitter``: largest random shift in
    pixels; ``l2``: weight of the pull towards gray; ``init_noise``: std of the gray start's
    noise (pixel images). ``parameterization``: "pixel" or "fourier"; ``pad``: gray border
    added before the random shift and scale; ``scales``: factors the image is resized by at
    random; ``blur``: σ of a Gaussian blur after each step (pixel images). With
    ``return_history`` also each channel's mean pre-activation per step, shape
    (steps + 1, n), measured without transforms. ``visualize_filters(..., **REGULARIZED)``
    gives the regularised pictures.
    """
    import keras
    import tensorflow as tf
    from tqdm.auto import tqdm

    from cv2course.featviz.activations import _extractor
    from cv2course.featviz.image_parameterizations import FourierImage, PixelImage, gaussian_blur, random_transform

    channels = [int(c) for c in np.atleast_1d(channels)]
    size = int(check_positive(size, "size", integer=True))
    steps = int(check_positive(steps, "steps", allow_zero=True, integer=True))
    jitter = int(check_positive(jitter, "jitter", allow_zero=True, integer=True))
    check_positive(l2, "l2", allow_zero=True)
    pad = int(check_positive(pad, "pad", allow_zero=True, integer=True))
    check_positive(blur, "blur", allow_zero=True)
    from cv2course.backbones import resolve_layer

    model = _extractor([layer], arch, weights, "max", extractor)
    conv = model.get_layer(resolve_layer(layer, model))
    if not isinstance(conv, keras.layers.Conv2D):
        raise ValueError(f"{layer!r} is a {type(conv).__name__}; filter visualisation needs a convolution layer")
    trunk = keras.Model(model.inputs, conv.input)  # everything below the layer
    n_channels = conv.filters
    bad = [c for c in channels if not 0 <= c < n_channels]
    if bad:
        raise ValueError(f"channels {bad} are out of range for {layer} with {n_channels} channels")

    rng = np.random.default_rng(seed)
    if parameterization == "fourier":
        if blur:
            raise ValueError("blur applies to pixel images; a Fourier image is already smooth: pass blur=0")
        image = FourierImage(len(channels), size, seed=seed)
    elif parameterization == "pixel":
        image = PixelImage(np.clip(0.5 + init_noise * rng.standard_normal((len(channels), size, size, 3)), 0.0, 1.0))
    else:
        raise ValueError(f"parameterization must be 'pixel' or 'fourier', got {parameterization!r}")
    scales = tuple(float(check_positive(f, "scales")) for f in np.atleast_1d(scales))
    onehot = tf.one_hot(channels, n_channels)  # (n, C) picks each image's channel

    def objective(images):
        act = tf.nn.conv2d(trunk(images), conv.kernel, 1, "SAME") + conv.bias  # pre-ReLU
        return tf.reduce_sum(tf.reduce_mean(act, axis=(1, 2)) * onehot, axis=-1)  # (n,)

    @tf.function
    def step(transform_seed):
        with tf.GradientTape() as tape:
            x = image()
            seen = random_transform(x, jitter, scales, pad, transform_seed)
            score = objective(seen) - l2 * tf.reduce_sum(tf.square(x - 0.5), axis=(1, 2, 3))
            total = tf.reduce_sum(score)  # images are independent: one gradient serves them all
        grad = tape.gradient(total, image.variable)
        axes = list(range(1, len(grad.shape)))
        rms = tf.sqrt(tf.reduce_mean(tf.square(grad), axis=axes, keepdims=True)) + 1e-8
        image.variable.assign_add(step_size * grad / rms)
        image.constrain()
        if blur:
            image.variable.assign(gaussian_blur(image.variable, blur))

    measure = tf.function(lambda: objective(image()))
    history = [measure().numpy()]
    for _ in tqdm(range(steps), desc=f"visualise {layer}", disable=not verbose, leave=False):
        step(tf.constant(rng.integers(0, 2**31 - 1, size=2), tf.int32))
        if return_history:
            history.append(measure().numpy())
    images = np.asarray(image())
    return (images, np.stack(history)) if return_history else images
