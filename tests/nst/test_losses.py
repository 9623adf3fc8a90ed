"""The costs against NumPy transcriptions of the slide formulas."""
import numpy as np
import pytest
import tensorflow as tf

from cv2course.nst import losses


@pytest.fixture
def acts():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(1, 5, 6, 7)).astype(np.float32) for _ in range(3)]


def test_content_cost_matches_slide_formula(acts):
    a_C, a_G, _ = acts
    n_H, n_W, n_C = a_C.shape[1:]
    expected = np.sum((a_C.astype(np.float64) - a_G) ** 2) / (4 * n_H * n_W * n_C)
    np.testing.assert_allclose(float(losses.content_cost(a_C, a_G)), expected, rtol=1e-5)
    # unbatched activations give the same value
    np.testing.assert_allclose(float(losses.content_cost(a_C[0], a_G[0])), expected, rtol=1e-5)
    assert float(losses.content_cost(a_C, a_C)) == 0.0


def test_gram_matrix_is_A_times_A_transposed(acts):
    a = acts[0][0]
    A = a.reshape(-1, a.shape[-1]).T.astype(np.float64)  # channels x positions
    G = losses.gram_matrix(a).numpy()
    assert G.shape == (7, 7)
    np.testing.assert_allclose(G, A @ A.T, rtol=1e-5, atol=1e-5)
    # one entry by the definition G_kk' = sum_ij a_ijk a_ijk'
    np.testing.assert_allclose(G[2, 5], np.sum(a[..., 2].astype(np.float64) * a[..., 5]), rtol=1e-5)
    np.testing.assert_allclose(losses.unroll(a).numpy(), A, rtol=1e-6)


def test_style_cost_layer_matches_slide_formula(acts):
    a_S, a_G, _ = (x[0].astype(np.float64) for x in acts)
    n_H, n_W, n_C = a_S.shape
    gram = lambda a: a.reshape(-1, n_C).T @ a.reshape(-1, n_C)  # noqa: E731
    expected = np.sum((gram(a_S) - gram(a_G)) ** 2) / (4 * n_C ** 2 * (n_H * n_W) ** 2)
    np.testing.assert_allclose(float(losses.style_cost_layer(acts[0], acts[1])), expected, rtol=1e-4)
    grams = losses.normalized_gram(acts[0]), losses.normalized_gram(acts[1])
    np.testing.assert_allclose(float(losses.style_cost_from_grams(*grams)), expected, rtol=1e-4)


def test_style_cost_is_the_weighted_sum_over_layers(acts):
    rng = np.random.default_rng(1)
    a_S = {"a": acts[0], "b": rng.normal(size=(1, 3, 3, 4)).astype(np.float32)}
    a_G = {"a": acts[1], "b": rng.normal(size=(1, 3, 3, 4)).astype(np.float32)}
    lam = {"a": 0.3, "b": 0.7}
    expected = sum(lam[k] * float(losses.style_cost_layer(a_S[k], a_G[k])) for k in lam)
    np.testing.assert_allclose(float(losses.style_cost(a_S, a_G, lam)), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="missing"):
        losses.style_cost(a_S, a_G, {"c": 1.0})


def test_style_cost_compares_images_of_different_sizes_per_position():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(4, 4, 3)).astype(np.float32)
    tiled = np.tile(a, (2, 2, 1))  # same statistics, four times the positions
    assert float(losses.style_cost_layer(a, tiled)) < 1e-9
    assert float(losses.style_cost_layer(a, 2 * tiled)) > 0


def test_total_variation():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(1, 8, 9, 3)).astype(np.float32)
    expected = np.abs(np.diff(x[0], axis=0)).sum() + np.abs(np.diff(x[0], axis=1)).sum()
    np.testing.assert_allclose(float(losses.total_variation(x)), expected, rtol=1e-5)
    np.testing.assert_allclose(float(losses.total_variation(x[0])), float(tf.image.total_variation(tf.constant(x[0]))), rtol=1e-5)
    assert float(losses.total_variation(np.full((6, 6, 3), 0.3, np.float32))) == 0.0


def test_total_cost():
    assert float(losses.total_cost(2.0, 3.0, 5.0, alpha=10, beta=40, gamma=0.5)) == 10 * 2 + 40 * 3 + 0.5 * 5


def test_bad_shapes_give_clear_errors(acts):
    batch = np.zeros((2, 4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="batch of 2"):
        losses.gram_matrix(batch)
    with pytest.raises(ValueError, match="rank 3"):
        losses.content_cost(np.zeros((4, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="same shape"):
        losses.content_cost(acts[0], acts[0][:, :4])
    with pytest.raises(ValueError, match="channels"):
        losses.style_cost_layer(acts[0], acts[0][..., :3])


def test_costs_are_differentiable(acts):
    a_G = tf.Variable(acts[1])
    with tf.GradientTape() as tape:
        loss = losses.content_cost(acts[0], a_G) + losses.style_cost_layer(acts[2], a_G)
    grad = tape.gradient(loss, a_G).numpy()
    # d/da_G of the content cost alone is (a_G - a_C) / (2 n): check against the sum
    with tf.GradientTape() as tape:
        c = losses.content_cost(acts[0], a_G)
    np.testing.assert_allclose(tape.gradient(c, a_G).numpy(), (acts[1] - acts[0]) / (2 * acts[0].size), rtol=1e-4,
                               atol=1e-7)
    assert np.all(np.isfinite(grad)) and np.abs(grad).sum() > 0
