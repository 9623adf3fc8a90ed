"""StyleTransfer: targets, costs, both optimisers, presets and the tutorial's formula."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.backbones import vgg_features
from cv2course.data import sample_image
from cv2course.nst import StyleTransfer, losses, preset
from cv2course.nst.tutorial_reference import tutorial_loss

STYLE_LAYERS = [f"block{b}_conv1" for b in range(1, 6)]
LR_GD = 1e-3  # plain gradient descent on these costs: 1e-2 already overshoots (J rises 100-fold)


@pytest.fixture(scope="module")
def extractor():
    return vgg_features(STYLE_LAYERS + ["block4_conv2", "block5_conv2"], arch="vgg16", weights="bundled")


@pytest.fixture(scope="module")
def images():
    return sample_image("chelsea", size=(32, 40)), sample_image("brick", size=(36, 36))


def make(extractor, **kwargs):
    return StyleTransfer(**{"arch": "vgg16", "weights": "bundled", "extractor": extractor, "size": None, **kwargs})


def test_tf_tutorial_preset_equals_the_tutorials_loss(extractor, images):
    """The preset, in the course's normalisation, gives the tutorial's total loss on the same inputs."""
    content, style = images
    st = StyleTransfer.from_preset("tf_tutorial", arch="vgg16", weights="bundled", extractor=extractor)
    image = tf.constant(np.random.default_rng(0).uniform(size=(1, 32, 40, 3)).astype(np.float32))
    ours = float(st.costs(image, st.targets(content, style))["total"])

    # The TensorFlow tutorial's code, transcribed.
    tutorial = tutorial_loss(extractor, content, style, STYLE_LAYERS, ["block5_conv2"])(image)
    np.testing.assert_allclose(ours, float(tutorial[0]), rtol=1e-4)
    cfg = preset("tf_tutorial")
    assert (cfg["optimizer"], cfg["learning_rate"], cfg["beta_1"], cfg["epsilon"]) == ("adam", 0.02, 0.99, 0.1)


def test_costs_use_the_loss_functions(extractor, images):
    content, style = images
    st = make(extractor, content_layers="block4_conv2", alpha=3.0, beta=2.0, gamma=0.5)
    image = np.random.default_rng(1).uniform(size=(1, 32, 40, 3)).astype(np.float32)
    terms = st.costs(tf.constant(image), st.targets(content, style))
    f_img, f_c, f_s = extractor(image), extractor(content[None]), extractor(style[None])
    j_c = float(losses.content_cost(f_c["block4_conv2"], f_img["block4_conv2"]))
    j_s = sum(0.2 * float(losses.style_cost_layer(f_s[k], f_img[k])) for k in STYLE_LAYERS)
    j_tv = float(losses.total_variation(image))
    np.testing.assert_allclose(float(terms["content"]), j_c, rtol=1e-4)
    np.testing.assert_allclose(float(terms["style"]), j_s, rtol=1e-4)
    np.testing.assert_allclose(float(terms["total"]), 3 * j_c + 2 * j_s + 0.5 * j_tv, rtol=1e-4)


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_short_transfer_lowers_the_loss_and_keeps_pixels_in_range(extractor, images, optimizer):
    content, style = images
    st = make(extractor, content_layers="block4_conv2", alpha=10.0, beta=0.05, gamma=1.0, optimizer=optimizer,
              learning_rate=0.01, epsilon=1e-3)
    frames = []
    result = st.run(content, style, steps=6, verbose=0,
                    callback=lambda step, img, terms: frames.append((step, img.min(), img.max())), callback_every=3)
    h = result.history
    assert h["step"] == list(range(7)) and len(h["total"]) == 7 and len(h["time"]) == 7
    assert h["total"][-1] < h["total"][0]
    assert np.all(np.diff(h["time"]) >= 0)
    assert {"content", "style", "tv", "style/block1_conv1", "content/block4_conv2"} <= set(h)
    assert result.image.shape == content.shape and result.image.dtype == np.float32
    assert result.image.min() >= 0.0 and result.image.max() <= 1.0
    assert [f[0] for f in frames] == [0, 3, 6]
    assert all(lo >= 0 and hi <= 1 for _, lo, hi in frames)
    # a wall-time budget stops the run early
    short = st.run(content, style, steps=50, verbose=0, max_seconds=1e-6)
    assert len(short.history["total"]) <= 2 and short.image.min() >= 0 and short.image.max() <= 1


def test_texture_synthesis_from_noise_lowers_the_style_loss_tenfold(images):
    """Issue 2: the bundled VGG16's Gram matrices are good enough to synthesise a texture."""
    extractor = vgg_features(STYLE_LAYERS, arch="vgg16", weights="bundled")
    st = StyleTransfer(content_layers=[], style_layers=STYLE_LAYERS, beta=1.0, arch="vgg16", weights="bundled",
                       optimizer="lbfgs", init="noise", extractor=extractor, size=None)
    result = st.run(None, images[1], steps=15, size=None, shape=(36, 36), verbose=0)
    assert result.history["style"][-1] * 10 <= result.history["style"][0]
    assert result.history["content"][-1] == 0.0


def test_content_reconstruction_from_noise(extractor, images):
    st = make(extractor, content_layers="block1_conv1", style_layers=[], optimizer="lbfgs", init="noise")
    result = st.run(images[0], None, steps=10, verbose=0)
    assert result.history["content"][-1] < 0.1 * result.history["content"][0]
    # a shallow layer keeps the pixels: the reconstruction is close to the photo
    assert np.mean(np.abs(result.image - images[0])) < np.mean(np.abs(np.random.default_rng(0).uniform(
        size=images[0].shape) - images[0]))


def test_style_blend_mixes_the_gram_targets(extractor, images):
    content, style = images
    st = make(extractor)
    other = sample_image("gravel", size=(30, 30))
    single = st.targets(content, style)["style"]
    one_hot = st.targets(content, [style, other], style_blend=[1.0, 0.0])["style"]
    half = st.targets(content, [style, other], style_blend=[1.0, 1.0])["style"]
    g_other = st.targets(content, other)["style"]
    for layer in STYLE_LAYERS:
        np.testing.assert_allclose(one_hot[layer].numpy(), single[layer].numpy(), rtol=1e-5, atol=1e-3)
        np.testing.assert_allclose(half[layer].numpy(), (single[layer].numpy() + g_other[layer].numpy()) / 2,
                                   rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match="style_blend"):
        st.targets(content, [style, other], style_blend=[1.0, -1.0])


def test_preserve_color_keeps_the_content_colours(extractor, images):
    from skimage.color import rgb2yiq

    content, style = images
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer="lbfgs")
    result = st.run(content, style, steps=3, size=None, preserve_color=True, verbose=0)
    chroma_out, chroma_in = rgb2yiq(result.image)[..., 1:], rgb2yiq(content)[..., 1:]
    assert np.median(np.abs(chroma_out - chroma_in)) < 0.01
    assert np.mean(np.abs(result.image - content)) > 1e-3  # the luminance did change


def test_average_pooling_backbone():
    st = StyleTransfer(content_layers="block2_conv1", style_layers=[], arch="vgg16", weights="bundled",
                       pooling="avg")
    kinds = {type(layer).__name__ for layer in st.extractor.layers}
    assert "AveragePooling2D" in kinds and "MaxPooling2D" not in kinds


def test_bad_inputs_give_clear_errors(extractor, images):
    content, style = images
    with pytest.raises(ValueError, match="unknown layer"):
        StyleTransfer(content_layers="block9_conv1", arch="vgg16", weights="bundled")
    with pytest.raises(ValueError, match="alpha"):
        StyleTransfer(alpha=-1.0, arch="vgg16", weights="bundled")
    with pytest.raises(ValueError, match="style_layers"):
        StyleTransfer(style_layers={"block1_conv1": -0.2}, arch="vgg16", weights="bundled")
    with pytest.raises(ValueError, match="optimizer"):
        StyleTransfer(optimizer="sgd", arch="vgg16", weights="bundled")
    with pytest.raises(ValueError, match="preset"):
        StyleTransfer.from_preset("picasso")
    st = make(extractor)
    bad = content.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        st.run(bad, style, steps=1, verbose=0)
    with pytest.raises(ValueError, match="rank"):
        st.run(content[..., 0], style, steps=1, verbose=0)
    with pytest.raises(ValueError, match="content is None"):
        st.run(None, style, steps=1, verbose=0)
    with pytest.raises(FileNotFoundError):
        st.run("no_such_image.png", style, steps=1, verbose=0)


def test_steps_are_traced_once_per_shape_and_reused_across_runs(extractor, images):
    """Issue 17: a second run() at the same size must not trace again (tracing was ~3 s of every run)."""
    content, style = images
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer="lbfgs", levels=1)
    st.run(content, style, steps=2, verbose=0)
    assert st.tracing_count == 1
    st.run(content, style, steps=3, verbose=0, init="noise")
    assert st.tracing_count == 1
    st.run(content[:24, :24], style, steps=1, verbose=0)  # a new shape traces once more
    assert st.tracing_count == 2


def test_adam_reuses_its_traced_step_and_starts_afresh_on_every_run(extractor, images):
    """Reusing the traced step must not reuse Adam's moments: two identical runs give identical results."""
    content, style = images
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer="adam", learning_rate=0.05)
    first = st.run(content, style, steps=3, verbose=0)
    traces = st.tracing_count  # the Adam step and the final evaluation
    second = st.run(content, style, steps=3, verbose=0)
    assert st.tracing_count == traces == 2
    np.testing.assert_allclose(second.history["total"], first.history["total"], rtol=1e-5)
    np.testing.assert_array_equal(second.image, first.image)


def test_split_steps_and_level_shapes():
    from cv2course.nst.pyramid import level_shapes, split_steps

    for steps in (3, 7, 100, 301):
        split = split_steps(steps, 3)
        assert sum(split) == steps and min(split) >= 1 and split[0] >= split[1] >= split[2]
    assert split_steps(100, 1) == (100,)
    assert level_shapes((170, 256), 3) == [(42, 64), (85, 128), (170, 256)]
    assert level_shapes((40, 48), 3) == [(40, 48)]  # a coarser level would be under 32 px


def test_coarse_to_fine_starts_each_level_from_the_last_and_ends_at_full_size(extractor):
    from cv2course.data import resize_image

    content, style = sample_image("chelsea", size=(64, 64)), sample_image("brick", size=(64, 64))
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer="lbfgs", levels=3)
    frames = []
    result = st.run(content, style, steps=(3, 2), verbose=0, callback_every=1,
                    callback=lambda step, img, terms: frames.append((step, img.shape)))
    h = result.history
    assert h["level"] == [0] * 4 + [1] * 2 and h["step"] == list(range(6))
    assert np.all(np.diff(h["evaluations"]) >= 1) and np.all(np.diff(h["time"]) >= 0)
    assert [s for s, _ in frames] == list(range(6)) and {shape for _, shape in frames} == {(64, 64, 3)}
    # level 0 is the loss at 32 px against targets from the images resized to 32 px
    small = [resize_image(img, (32, 32)) for img in (content, style)]
    coarse = st.costs(tf.constant(small[0][None]), st.targets(*small))["total"]
    np.testing.assert_allclose(h["total"][0], float(coarse), rtol=1e-4)
    # the last level is the slides' loss at full size, unchanged
    full = st.costs(tf.constant(result.image[None]), st.targets(content, style))["total"]
    np.testing.assert_allclose(h["total"][-1], float(full), rtol=1e-4)
    assert result.image.shape == (64, 64, 3) and 0 <= result.image.min() and result.image.max() <= 1
    # an int is split over the levels (64 px has two: 32 and 64 px); levels=1 is one size, the default
    assert max(st.run(content, style, steps=4, verbose=0).history["level"]) == 1
    assert set(st.run(content, style, steps=2, levels=1, verbose=0).history["level"]) == {0}
    assert StyleTransfer(arch="vgg16", weights="bundled", optimizer="lbfgs").settings.levels == 1


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_a_callback_can_end_the_run(extractor, images, optimizer):
    content, style = images
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer=optimizer, levels=1)
    seen = {}

    def stop_at_two(step, img, terms):
        seen[step] = img.copy()
        if step == 2:
            raise StopIteration

    result = st.run(content, style, steps=10, verbose=0, callback=stop_at_two, callback_every=1)
    assert result.history["step"] == [0, 1, 2]
    np.testing.assert_allclose(result.image, seen[2], atol=1e-6)


def keras_ops_gram(a):
    """G = A·Aᵀ written with keras.ops, for an activation (n_H, n_W, n_C) or (1, n_H, n_W, n_C)."""
    import keras

    A = keras.ops.reshape(a, (-1, keras.ops.shape(a)[-1]))
    return keras.ops.matmul(keras.ops.transpose(A), A)


def test_a_gram_matrix_function_replaces_the_default_in_targets_and_costs(extractor, images):
    content, style = images
    image = tf.constant(np.random.default_rng(2).uniform(size=(1, 32, 40, 3)).astype(np.float32))
    default = make(extractor, content_layers="block4_conv2", beta=0.05)
    ours = make(extractor, content_layers="block4_conv2", beta=0.05, gram_matrix=keras_ops_gram)
    expected = default.costs(image, default.targets(content, style))
    got = ours.costs(image, ours.targets(content, style))
    for name in ("style", "total"):
        np.testing.assert_allclose(float(got[name]), float(expected[name]), rtol=1e-4)
    # the function is what is used: a Gram that doubles only the generated image's changes the cost
    calls = []

    def counting_gram(a):
        calls.append(1)
        return keras_ops_gram(a) * (2.0 if len(calls) > len(STYLE_LAYERS) else 1.0)

    doubled = make(extractor, content_layers="block4_conv2", beta=0.05, gram_matrix=counting_gram)
    cost = float(doubled.costs(image, doubled.targets(content, style))["style"])
    assert len(calls) == 2 * len(STYLE_LAYERS) and cost > 1.5 * float(expected["style"])
    # and it is differentiable, so run() can use it
    result = ours.run(content, style, steps=2, optimizer="lbfgs", verbose=0)
    assert result.history["total"][-1] < result.history["total"][0]
    with pytest.raises(TypeError, match="gram_matrix"):
        make(extractor, gram_matrix="gram")


def test_gradient_descent_from_noise_is_the_slides_procedure(extractor, images):
    """Random G, then G := G − lr·∂J/∂G (clipped to [0, 1]): J goes down, one evaluation per step."""
    content, style = images
    st = make(extractor, content_layers="block4_conv2", beta=0.05)
    result = st.run(content, style, steps=8, init="noise", optimizer="gradient_descent", learning_rate=LR_GD,
                    verbose=0)
    h = result.history
    assert h["step"] == list(range(9)) and h["evaluations"] == list(range(1, 10))
    assert np.all(np.diff(h["total"]) < 0), h["total"]
    assert 0 <= result.image.min() and result.image.max() <= 1
    # the start is noise, not the content image: the content cost starts high
    assert h["content"][0] > 2 * h["content"][-1] or h["total"][0] > 2 * h["total"][-1]
    # one gradient step by hand from the same start gives history step 1
    noise = np.random.default_rng(0).uniform(0.0, 1.0, size=content.shape).astype(np.float32)
    terms, grad = st.value_and_grad()(tf.constant(noise[None]), st.targets(content, style))
    np.testing.assert_allclose(float(terms["total"]), h["total"][0], rtol=1e-5)
    one = np.clip(noise - LR_GD * grad.numpy()[0], 0, 1)
    np.testing.assert_allclose(float(st.costs(tf.constant(one[None]), st.targets(content, style))["total"]),
                               h["total"][1], rtol=1e-4)


def test_the_start_in_the_styles_colours_has_the_styles_channel_statistics(extractor, images):
    from cv2course.nst.color import match_color_statistics

    content, style = images
    start = match_color_statistics(content, [style])
    inside = (start > 0.01) & (start < 0.99)  # clipping aside, means and stds are the style's
    assert inside.mean() > 0.9
    np.testing.assert_allclose(start.mean(axis=(0, 1)), style.mean(axis=(0, 1)), atol=0.03)
    np.testing.assert_allclose(start.std(axis=(0, 1)), style.std(axis=(0, 1)), atol=0.03)
    # the correlation with the content is kept: the picture is the same one
    assert np.corrcoef(start[..., 1].ravel(), content[..., 1].ravel())[0, 1] > 0.95
    st = make(extractor, content_layers="block4_conv2", beta=0.05, optimizer="lbfgs")
    result = st.run(content, style, steps=0, init="content_in_style_colors", verbose=0)
    expected = st.costs(tf.constant(start[None]), st.targets(content, style))["total"]
    np.testing.assert_allclose(result.history["total"][0], float(expected), rtol=1e-4)
    with pytest.raises(ValueError, match="needs a style image"):
        make(extractor, content_layers="block4_conv2", style_layers=[]).run(
            content, None, steps=1, init="content_in_style_colors", verbose=0)
