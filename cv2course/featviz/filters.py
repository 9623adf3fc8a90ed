"""Filter visualisation: the input image that most excites one channel, by gradient ascent.

Start from gray with a little noise and climb the mean activation of the chosen channel.
Two tricks keep the pictures from turning into high-frequency noise: the image is
shifted by a random jitter of a few pixels before each step (a pattern must excite the
unit wherever it sits), and a small L2 regulariser pulls pixels back towards gray. The
gradient is normalised per image so the step size is in pixel units for every layer.
The objective is the channel's mean *pre-activation* (its input to the ReLU), so a unit
that is silent on the start image still receives a gradient.
"""
import numpy as np

from cv2course.checks import check_positive


def visualize_filters(layer, channels, size=64, steps=60, step_size=0.03, jitter=4, l2=0.02, init_noise=0.2, arch="vgg19",
                      weights="auto", extractor=None, seed=0, verbose=0, return_history=False):
    """Images (n, size, size, 3) in [0, 1] maximising channel ``channels[i]`` of ``layer``.

    All channels climb together as one batch. ``step_size``: pixel change per step (the
    gradient is divided by its RMS); ``jitter``: largest random shift in pixels; ``l2``:
    weight of the pull towards gray; ``init_noise``: std of the gray start's noise. With
    ``return_history`` also each channel's mean pre-activation per step, shape
    (steps + 1, n), measured without jitter.
    """
    import keras
    import tensorflow as tf
    from tqdm.auto import tqdm

    from cv2course.featviz.activations import _extractor

    channels = [int(c) for c in np.atleast_1d(channels)]
    size = int(check_positive(size, "size", integer=True))
    steps = int(check_positive(steps, "steps", allow_zero=True, integer=True))
    jitter = int(check_positive(jitter, "jitter", allow_zero=True, integer=True))
    check_positive(l2, "l2", allow_zero=True)
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
    start = np.clip(0.5 + init_noise * rng.standard_normal((len(channels), size, size, 3)), 0.0, 1.0)
    x = tf.Variable(start.astype(np.float32))
    onehot = tf.one_hot(channels, n_channels)  # (n, C) picks each image's channel

    def objective(images):
        act = tf.nn.conv2d(trunk(images), conv.kernel, 1, "SAME") + conv.bias  # pre-ReLU
        return tf.reduce_sum(tf.reduce_mean(act, axis=(1, 2)) * onehot, axis=-1)  # (n,)

    @tf.function
    def step(shift):
        with tf.GradientTape() as tape:
            shifted = tf.roll(x, shift, axis=(1, 2))
            score = objective(shifted) - l2 * tf.reduce_sum(tf.square(shifted - 0.5), axis=(1, 2, 3))
            total = tf.reduce_sum(score)  # images are independent: one gradient serves them all
        grad = tape.gradient(total, x)
        rms = tf.sqrt(tf.reduce_mean(tf.square(grad), axis=(1, 2, 3), keepdims=True)) + 1e-8
        x.assign(tf.clip_by_value(x + step_size * grad / rms, 0.0, 1.0))

    measure = tf.function(lambda: objective(x))
    history = [measure().numpy()]
    for _ in tqdm(range(steps), desc=f"visualise {layer}", disable=not verbose, leave=False):
        step(tf.constant(rng.integers(-jitter, jitter + 1, size=2), tf.int32))
        if return_history:
            history.append(measure().numpy())
    images = x.numpy()
    return (images, np.stack(history)) if return_history else images
