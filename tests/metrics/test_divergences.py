import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats

from cv2course.metrics import (distance_cost, earth_movers_distance, earth_movers_distance_1d,
                               earth_movers_distance_points, emd_box_example,
                               js_divergence, kl_divergence, transport_cost)


def test_kl_of_bernoullis_has_the_closed_form_value():
    assert kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.5108256, abs=1e-7)
    # 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) written out, and the asymmetry
    assert kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.5 * np.log(5 / 9) + 0.5 * np.log(5))
    assert kl_divergence([0.9, 0.1], [0.5, 0.5]) != pytest.approx(kl_divergence([0.5, 0.5], [0.9, 0.1]))


def test_kl_matches_scipy_entropy_and_base_converts_units():
    rng = np.random.default_rng(0)
    p, q = rng.random(7), rng.random(7)
    assert kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q))
    assert kl_divergence(p, q, base=2) == pytest.approx(scipy.stats.entropy(p, q, base=2))


def test_kl_zeros_unnormalised_and_infinite_cases():
    assert kl_divergence([0, 2, 2], [1, 1, 2]) == pytest.approx(scipy.stats.entropy([0, .5, .5], [.25, .25, .5]))
    assert kl_divergence([1, 1], [1, 0]) == np.inf
    assert kl_divergence([3, 3], [1, 1]) == 0.0


def test_kl_reduces_along_an_axis():
    p = np.array([[0.5, 0.5], [0.9, 0.1]])
    q = np.array([[0.9, 0.1], [0.9, 0.1]])
    np.testing.assert_allclose(kl_divergence(p, q, axis=1), [0.5108256237659907, 0.0], atol=1e-12)


def test_js_value_symmetry_and_relation_to_scipy_distance():
    assert js_divergence([1, 0], [0.5, 0.5]) == pytest.approx(0.2157616, abs=1e-7)
    rng = np.random.default_rng(1)
    p, q = rng.random(6), rng.random(6)
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p))
    assert js_divergence(p, q) == pytest.approx(scipy.spatial.distance.jensenshannon(p, q) ** 2)
    # disjoint supports saturate at log 2 (1 bit)
    assert js_divergence([1, 0], [0, 1]) == pytest.approx(np.log(2))
    assert js_divergence([1, 0], [0, 1], base=2) == pytest.approx(1.0)


@pytest.mark.parametrize("bad, match", [([-0.1, 1.1], "non-negative"), ([0, 0], "sums to 0"),
                                        ([np.nan, 1], "NaN"), ([], "at least one")])
def test_bad_distributions_are_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        kl_divergence(bad, [0.5, 0.5] if len(bad) == 2 else [1.0])


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match="same shape"):
        js_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="same bins"):
        earth_movers_distance([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="cost must have shape"):
        earth_movers_distance([0.5, 0.5], [0.2, 0.8], cost=np.ones((3, 2)))


def test_emd_of_point_masses_three_apart_is_three():
    assert earth_movers_distance_1d([1, 0, 0, 0], [0, 0, 0, 1]) == pytest.approx(3.0)
    result = earth_movers_distance([1, 0, 0, 0], [0, 0, 0, 1])
    assert result.distance == pytest.approx(3.0)
    assert result.plan[0, 3] == pytest.approx(1.0)


def test_emd_equals_scipy_wasserstein_on_random_cases():
    rng = np.random.default_rng(2)
    for _ in range(20):
        n = rng.integers(2, 12)
        p, q = rng.random(n) * (rng.random(n) > 0.3), rng.random(n) + 0.01
        x = np.sort(rng.choice(np.arange(100), n, replace=False)).astype(float)
        expected = scipy.stats.wasserstein_distance(x, x, p, q)
        assert earth_movers_distance_1d(p, q, positions=x) == pytest.approx(expected)
        assert earth_movers_distance(p, q, positions=x).distance == pytest.approx(expected)
        # the linear program with C = |xi - xj| reaches the same optimum, with a valid plan
        lp = earth_movers_distance(p, q, cost=distance_cost(x, x))
        assert lp.distance == pytest.approx(expected, rel=1e-7, abs=1e-9)
        np.testing.assert_allclose(lp.plan.sum(axis=1), p / p.sum(), atol=1e-9)
        np.testing.assert_allclose(lp.plan.sum(axis=0), q / q.sum(), atol=1e-9)


def test_monotone_plan_has_the_right_marginals_and_cost():
    rng = np.random.default_rng(3)
    p, q = rng.random(8), rng.random(8)
    result = earth_movers_distance(p, q)
    np.testing.assert_allclose(result.plan.sum(axis=1), p / p.sum(), atol=1e-12)
    np.testing.assert_allclose(result.plan.sum(axis=0), q / q.sum(), atol=1e-12)
    assert transport_cost(result.plan, distance_cost(np.arange(8), np.arange(8))) == pytest.approx(result.distance)


def test_slide_box_example_plans_are_valid_and_both_optimal():
    ex = emd_box_example()
    # the slide's tables, cell by cell
    np.testing.assert_array_equal(ex["gamma1"], [[1, 0, 0, 2], [0, 1, 0, 0], [0, 0, 2, 0]])
    np.testing.assert_array_equal(ex["gamma2"], [[1, 0, 1, 1], [0, 1, 0, 0], [0, 0, 1, 1]])
    cost = distance_cost(ex["p_positions"], ex["q_positions"])
    assert transport_cost(ex["gamma1"], cost) == transport_cost(ex["gamma2"], cost) == 42
    assert earth_movers_distance(ex["p_boxes"], ex["q_boxes"], cost=cost).distance == pytest.approx(7.0)
    cost = distance_cost(ex["p_positions"], ex["q_positions"])
    for plan in (ex["gamma1"], ex["gamma2"]):
        np.testing.assert_array_equal(plan.sum(axis=1), ex["p_boxes"])
        np.testing.assert_array_equal(plan.sum(axis=0), ex["q_boxes"])
    result = earth_movers_distance(ex["p_boxes"], ex["q_boxes"], cost=cost)
    total = ex["p_boxes"].sum()
    assert transport_cost(ex["gamma1"], cost) / total == pytest.approx(result.distance)
    assert transport_cost(ex["gamma2"], cost) / total == pytest.approx(result.distance)
    # the same piles on a shared line 1..10 give the same EMD by the closed form
    p, q = np.zeros(10), np.zeros(10)
    p[ex["p_positions"] - 1], q[ex["q_positions"] - 1] = ex["p_boxes"], ex["q_boxes"]
    assert earth_movers_distance_1d(p, q) == pytest.approx(result.distance)


def test_lp_handles_a_non_metric_cost():
    cost = np.array([[0.0, 5.0], [1.0, 0.0]])
    result = earth_movers_distance([1, 0], [0, 1], cost=cost)
    assert result.distance == pytest.approx(5.0)


def test_point_set_emd_of_a_hand_computed_case():
    # x = (0,0), (0,1); y = (0,5), (3,0). Matching in the given order costs 5 + sqrt(10) = 8.16; the other
    # matching (0,0)→(3,0), (0,1)→(0,5) costs 3 + 4 = 7: the EMD is 7 / 2 points = 3.5.
    x, y = [[0.0, 0.0], [0.0, 1.0]], [[0.0, 5.0], [3.0, 0.0]]
    assert earth_movers_distance_points(x, y) == pytest.approx(3.5)
    assert earth_movers_distance_points(y, x) == pytest.approx(3.5)
    assert earth_movers_distance_points(x, x) == 0.0


def test_point_set_emd_equals_the_linear_program_and_scipy_on_a_line():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(12, 2)), rng.normal(size=(12, 2)) + [1.0, 0.0]
    cost = np.linalg.norm(x[:, None] - y[None], axis=-1)
    lp = earth_movers_distance(np.ones(12), np.ones(12), cost=cost).distance
    assert earth_movers_distance_points(x, y) == pytest.approx(lp, rel=1e-9)
    a, b = rng.normal(size=30), rng.normal(size=30) * 2
    assert earth_movers_distance_points(a, b) == pytest.approx(scipy.stats.wasserstein_distance(a, b))


def test_point_set_emd_rejects_unequal_sets():
    with pytest.raises(ValueError, match="same size"):
        earth_movers_distance_points(np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        earth_movers_distance_points([[0.0, np.nan]], [[0.0, 0.0]])
