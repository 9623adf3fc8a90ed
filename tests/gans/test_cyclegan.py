"""CycleGAN: the image pool, the learning-rate schedule, the losses against NumPy, and the model
(fit, save/load/resume, MirroredStrategy parity, XLA, configuration errors)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cv2course.gans import cyclegan as cg
from cv2course.gans import losses as L
from cv2course.gans.image_pool import ImagePool
from tests.distributed import assert_logs_close

SIZE = 8


def _tiny(pool_size=50, size=SIZE, n_residual=1, **kwargs):
    """The smallest CycleGAN of the paper's design: tracing cost grows with the number of layers."""
    from cv2course.gans.cyclegan_networks import patchgan_discriminator, resnet_generator

    def g(name):
        return resnet_generator(1, filters=2, n_residual=n_residual, n_downsample=1, image_size=size, name=name)

    def d(name):
        return patchgan_discriminator(1, filters=2, n_layers=1, image_size=size, name=name)

    return cg.CycleGAN(g("g"), g("f"), d("d_x"), d("d_y"), pool_size=pool_size, **kwargs)


def _batch(n=4, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random((n, SIZE, SIZE, 1)).astype(np.float32), rng.random((n, SIZE, SIZE, 1)).astype(np.float32))


# --- image pool -------------------------------------------------------------------------------

def _distinct(start, n):
    """n images, image i filled with the value start + i (identifiable after a trip through the pool)."""
    return np.broadcast_to(np.arange(start, start + n, dtype=np.float32)[:, None, None, None], (n, 2, 2, 1)).copy()


def _ids(images):
    return [int(v) for v in np.asarray(images)[:, 0, 0, 0]]


def test_image_pool_returns_the_input_until_full_then_half_from_the_history():
    layer = ImagePool(50, seed=7)
    layer.build((None, 2, 2, 1))
    pool = tf.function(layer)  # as in a training step (and faster than eager loops)
    for start in range(0, 50, 10):
        out = pool(_distinct(start, 10))
        assert _ids(out) == list(range(start, start + 10))  # filling: the images themselves
    assert int(layer.count.numpy()) == 50
    returned, fed, swapped = [], list(range(50)), 0
    for start in range(50, 450, 8):
        batch = _ids(_distinct(start, 8))
        out = _ids(pool(_distinct(start, 8)))
        fed += batch
        returned += out
        # each output is the input itself or an older fake (possibly one stored earlier in this batch)
        assert all(o == i or o < i for o, i in zip(out, batch))
        swapped += sum(o != i for o, i in zip(out, batch))
    stored = _ids(layer.images.numpy())
    assert len(stored) == 50 and int(layer.count.numpy()) == 50
    # no fake is lost or duplicated: what came in is what went out plus what is stored
    assert sorted(returned + stored) == fed
    assert 0.4 < swapped / 400 < 0.6  # p = ½; 4 standard deviations of Binomial(400, ½) ≈ 0.1


def test_image_pool_is_reproducible_from_its_seed_and_size_zero_is_the_identity():
    def run(seed):
        pool = ImagePool(3, seed=seed)
        pool.build((None, 2, 2, 1))
        return [_ids(pool(_distinct(10 * k, 4))) for k in range(6)]

    assert run(1) == run(1)
    assert run(1) != run(2)
    off = ImagePool(0)
    off.build((None, 2, 2, 1))
    assert _ids(off(_distinct(5, 3))) == [5, 6, 7]
    with pytest.raises(ValueError, match="capacity"):
        ImagePool(-1)


# --- schedule and losses ----------------------------------------------------------------------

def test_cycle_identity_and_least_squares_losses_against_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 4, 5, 3)).astype(np.float32), rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(float(L.cycle_consistency_loss(a, b)), np.mean(np.abs(a - b)), rtol=1e-6)
    np.testing.assert_allclose(float(L.identity_loss(a, b)), np.mean(np.abs(a - b)), rtol=1e-6)
    real, fake = rng.normal(size=(3, 6, 6, 1)), rng.normal(size=(3, 6, 6, 1))
    np.testing.assert_allclose(float(L.cyclegan_generator_loss(fake)), np.mean((fake - 1) ** 2), rtol=1e-5)
    np.testing.assert_allclose(float(L.cyclegan_discriminator_loss(real, fake)),
                               0.5 * np.mean((real - 1) ** 2) + 0.5 * np.mean(fake ** 2), rtol=1e-5)


def test_generator_objective_weights_cycle_by_10_and_identity_by_5():
    model = _tiny()
    x, y = (v * 2 - 1 for v in _batch())
    terms, _, _ = model.generator_terms(x, y, training=False)
    g, f, dx, dy = (lambda v, m=m: np.asarray(m(v)) for m in (model.generator_g, model.generator_f,
                                                              model.discriminator_x, model.discriminator_y))
    adv = np.mean((dy(g(x)) - 1) ** 2) + np.mean((dx(f(y)) - 1) ** 2)
    cyc = np.mean(np.abs(f(g(x)) - x)) + np.mean(np.abs(g(f(y)) - y))
    idt = np.mean(np.abs(g(y) - y)) + np.mean(np.abs(f(x) - x))
    for name, want in (("adversarial_loss", adv), ("cycle_loss", cyc), ("identity_loss", idt),
                       ("g_loss", adv + 10 * cyc + 5 * idt)):
        np.testing.assert_allclose(float(terms[name]), want, rtol=1e-5, err_msg=name)


# --- the model --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fitted():
    """A CycleGAN fitted in quick mode on the embedded digits ↔ thick digits task, with its history."""
    from cv2course.gans.unpaired import digits_unpaired

    keras.utils.set_random_seed(0)
    model = _tiny(pool_size=3, size=12)
    model.compile(constant_steps=3, decay_steps=6)
    ds = digits_unpaired("dilate", size=12, batch_size=4, radius=1).take(3)
    history = model.fit(ds, epochs=2, verbose=0, validation_data=ds.take(1))
    return model, history


def test_quick_fit_on_the_embedded_task_logs_its_trackers(fitted):
    model, history = fitted
    names = [m.name for m in model.metrics]
    assert names == list(cg.CycleGAN.tracker_names)
    assert set(history.history) == set(names) | {f"val_{n}" for n in names}
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert int(model.generator_optimizer.iterations.numpy()) == 6
    assert np.isclose(float(model.generator_optimizer.learning_rate), 1e-4)  # 2e-4 · (1 − 3/6) after 3 + 3 steps
    assert int(model.pool_x.count.numpy()) == 3
    out = model.translate(np.zeros((3, 12, 12, 1), np.float32))
    assert out.shape == (3, 12, 12, 1) and out.min() >= 0 and out.max() <= 1


def test_save_load_resumes_with_optimizer_and_pool_state(fitted, tmp_path):
    import tensorflow as tf

    model, _ = fitted
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert int(loaded.generator_optimizer.iterations.numpy()) == 6
    for a, b in zip(model.generator_optimizer.variables + model.discriminator_optimizer.variables,
                    loaded.generator_optimizer.variables + loaded.discriminator_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(model.pool_y.images.numpy(), loaded.pool_y.images.numpy())
    # the next step of the loaded model is the next step of the original (Adam moments, pools, counters);
    # the loaded model runs eagerly: no second trace of the step
    loaded.run_eagerly = True
    rng = np.random.default_rng(5)
    batch = tf.data.Dataset.from_tensors(tuple(rng.random((2, 4, 12, 12, 1)).astype(np.float32)))
    before = [np.asarray(w) for w in model.generator_g.weights]
    want = model.fit(batch, verbose=0).history
    got = loaded.fit(batch, verbose=0).history
    assert_logs_close({k: v[0] for k, v in want.items()}, {k: v[0] for k, v in got.items()})
    assert max(np.abs(np.asarray(w) - b).max() for w, b in zip(model.generator_g.weights, before)) > 1e-5
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-7, err_msg=a.path)


def test_bad_configuration_gives_clear_errors():
    from cv2course.gans.cyclegan_networks import small_patchgan_discriminator, small_resnet_generator

    g1, g3 = small_resnet_generator(1, 2, 1, image_size=8), small_resnet_generator(3, 2, 1, image_size=8)
    d1, d3 = small_patchgan_discriminator(1, 2), small_patchgan_discriminator(3, 2)
    with pytest.raises(ValueError, match="lambda_cycle"):
        cg.CycleGAN(g1, g1, d1, d1, lambda_cycle=-1)
    with pytest.raises(ValueError, match="discriminator_y's input must have 1 channels"):
        cg.CycleGAN(g1, g1, d1, d3)
    with pytest.raises(TypeError, match="generator_f must be a keras.Model"):
        cg.CycleGAN(g1, "F", d1, d1)
    with pytest.raises(ValueError, match="image_size"):
        cg.CycleGAN(small_resnet_generator(1, 2, 1), g1, d1, d1)
    with pytest.raises(ValueError, match="loss must be one of"):
        cg.CycleGAN(g1, g1, d1, d1, adversarial_loss="l2")
    model = cg.CycleGAN(g3, g3, d3, d3)
    with pytest.raises(ValueError, match="compile"):
        model.train_step(_batch())
    model.compile()
    with pytest.raises(ValueError, match="unpaired"):
        model.train_step((np.zeros((2, 8, 8, 3), np.float32),))
    with pytest.raises(ValueError, match=r"shape \(N,\) \+ \(8, 8, 3\)"):
        model.train_step(_batch())
    with pytest.raises(ValueError, match="generator_optimizer="):
        model.compile(optimizer="adam")
    with pytest.raises(ValueError, match="direction"):
        model.translate(np.zeros((1, 8, 8, 3), np.float32), "x_to_x")
