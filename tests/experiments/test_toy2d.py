"""The 2-D ring toy: its data, its measures, and the package's models training on points."""
import numpy as np
import pytest

from cv2course.experiments import toy2d


def test_ring_points_sit_on_the_modes_in_equal_shares():
    points = toy2d.ring_points(8000, seed=0)
    counts, off = toy2d.mode_counts(points)
    assert off == 0.0 and counts.sum() == 8000
    assert np.all(np.abs(counts / 8000 - 1 / 8) < 0.02)
    np.testing.assert_allclose(np.linalg.norm(toy2d.ring_centres(), axis=1), toy2d.RADIUS)
    assert toy2d.modes_covered(points) == 8


def test_mode_counts_of_a_collapsed_sample_and_of_points_between_modes():
    centres = toy2d.ring_centres()
    collapsed = np.repeat(centres[[2, 5]], [90, 10], axis=0)
    counts, off = toy2d.mode_counts(collapsed)
    assert counts.tolist() == [0, 0, 90, 0, 0, 10, 0, 0] and off == 0.0
    assert toy2d.modes_covered(collapsed) == 2
    assert toy2d.modes_covered(collapsed, min_share=0.2) == 1
    between = (centres[0] + centres[1])[None] / 2
    assert toy2d.mode_counts(between)[1] == 1.0


def test_model_coordinates_round_trip_and_fit_the_unit_box():
    points = toy2d.ring_points(500, seed=1)
    values = toy2d.to_model(points)
    assert values.min() > 0.0 and values.max() < 1.0
    np.testing.assert_allclose(toy2d.from_model(values), points, atol=1e-5)


@pytest.mark.parametrize("kind", toy2d.KINDS)
def test_each_model_trains_on_points_and_records_snapshots(kind):
    model = toy2d.build(kind, latent_dim=4, width=8, seed=0)
    shots = toy2d.train(model, 3, snapshot_steps=(1, 2, 7), n_points=20, batch_size=8)
    assert shots.steps == [0, 1, 2, 3]
    assert all(p.shape == (20, 2) and np.isfinite(p).all() for p in shots.points)
    assert not np.allclose(shots.points[0], shots.points[-1])  # the generator moved
    assert int(model.generator_optimizer.iterations) == 3
    xs, ys, scores = toy2d.critic_surface(model, resolution=5)
    assert scores.shape == (5, 5) and np.isfinite(scores).all()


def test_wgan_clipping_holds_on_the_toy_critic():
    model = toy2d.build("wgan", latent_dim=4, width=8, clip_value=0.05, seed=0, learning_rates=(0.5, 1e-3),
                        critic_batch_norm=True)
    toy2d.train(model, 2, n_points=10, batch_size=8)
    assert max(float(np.abs(np.asarray(w)).max()) for w in model.critic.trainable_weights) <= 0.05 + 1e-7


def test_bad_kind_names_the_argument():
    with pytest.raises(ValueError, match="kind"):
        toy2d.build("vae")


def test_minibatch_std_discriminator_judges_a_point_by_its_batch():
    d = toy2d.minibatch_std_discriminator(width=8, seed=0)
    point = np.array([[0.5, -0.5]], np.float32)
    collapsed = np.repeat(point, 4, axis=0)
    spread = np.concatenate([point, np.random.default_rng(0).normal(size=(3, 2)).astype(np.float32)])
    alone, among = float(np.asarray(d(collapsed))[0, 0]), float(np.asarray(d(spread))[0, 0])
    assert alone != pytest.approx(among, abs=1e-6)
    plain = toy2d.mlp(2, 1, width=8, seed=0)
    assert float(np.asarray(plain(collapsed))[0, 0]) == pytest.approx(float(np.asarray(plain(spread))[0, 0]), abs=1e-6)


def test_snapshots_at_keeps_step_zero_and_the_asked_steps():
    shots = toy2d.Snapshots()
    for step in (0, 1, 2, 3, 4):
        shots.steps.append(step)
        shots.points.append(np.full((1, 2), step))
        shots.logs.append({"step": step})
    kept = shots.at([2, 4, 9])
    assert kept.steps == [0, 2, 4] and [p[0, 0] for p in kept.points] == [0, 2, 4]


def test_true_distances_are_the_exact_emd_to_a_fresh_ring_sample():
    from cv2course.metrics import earth_movers_distance_points

    shots = toy2d.Snapshots()
    ring = toy2d.ring_points(50, seed=toy2d.EVAL_SEED)
    shots.points = [ring, ring + [1.0, 0.0], toy2d.ring_points(50, seed=3)]
    emd = toy2d.true_distances(shots)
    assert emd[0] == 0.0  # the evaluation sample itself
    assert emd[1] == pytest.approx(1.0)  # every point moved by 1: moving them back is the cheapest plan
    assert emd[2] == pytest.approx(earth_movers_distance_points(shots.points[2], ring))


def test_critic_estimates_are_in_ring_units_and_skip_step_zero():
    shots = toy2d.Snapshots()
    shots.steps, shots.logs = [0, 5, 10], [{}, {"wasserstein": 0.2}, {"wasserstein": 0.1}]
    steps, values = toy2d.critic_estimates(shots)
    assert steps.tolist() == [5, 10]
    np.testing.assert_allclose(values, [0.2 * toy2d.SCALE, 0.1 * toy2d.SCALE])


def test_build_stacks_depth_hidden_layers_in_both_networks():
    model = toy2d.build("wgan_gp", latent_dim=2, width=8, depth=3, seed=0, learning_rates=(1e-4, 1e-4))
    for net in (model.generator, model.critic):
        assert sum(layer.__class__.__name__ == "Dense" for layer in net.layers) == 4  # 3 hidden + output
    assert float(model.discriminator_optimizer.beta_1) == 0.0 and float(model.discriminator_optimizer.beta_2) == 0.9
