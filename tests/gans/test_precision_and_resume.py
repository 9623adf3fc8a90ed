"""Every GAN-family train_step under mixed precision, and random streams that survive a resumed fit."""
import pathlib
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import make_train_steps as recipe  # noqa: E402

sys.path.remove(str(FIXTURES))


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"], indirect=True)
@pytest.mark.parametrize("name", recipe.MODELS)
def test_train_step_under_mixed_precision_updates_both_networks_with_finite_losses(name, policy):
    keras.utils.set_random_seed(0)
    model = recipe.build(name)
    assert model.generator_optimizer is not None
    # float16 gradients underflow without loss scaling; bfloat16 has float32's range and needs none
    scaled = isinstance(model.generator_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (policy == "mixed_float16")
    assert scaled == isinstance(model.discriminator_optimizer, keras.optimizers.LossScaleOptimizer)
    nets = recipe.networks(model)
    assert {n.compute_dtype for n in nets.values()} == {policy.split("_")[1]}
    before = recipe.network_weights(model)
    model.run_eagerly = True
    logs = model.train_on_batch(*_first_batch(name), return_dict=True)
    assert logs and all(np.isfinite(v) for v in logs.values()), logs
    after = recipe.network_weights(model)
    assert all(after[k].dtype == np.float32 for k in after)  # variables stay float32
    moved = [k for k in before if not np.array_equal(before[k], after[k])]
    for role in ("generator", "discriminator"):
        opt = getattr(model, f"{role}_optimizer")
        # LossScaleOptimizer skips a step whose scaled gradients overflow, and halves the scale
        skipped = scaled and float(opt.dynamic_scale) < opt.initial_scale
        assert skipped or any(k.startswith(role) for k in moved), role


def _first_batch(name):
    data = next(iter(recipe.dataset(name)))
    return data if isinstance(data, tuple) else (data, None)


def _gan_fit(epochs, callbacks=()):
    from cv2course.gans.gan import GAN

    keras.utils.set_random_seed(0)
    model = GAN(latent_dim=4, image_size=8, base_filters=4, seed=3)
    model.compile(run_eagerly=True)  # no trace: a faster test, the same arithmetic
    ds = tf.data.Dataset.from_tensor_slices(recipe.tiny_images(8)).batch(4)
    model.fit(ds, epochs=epochs, verbose=0, callbacks=list(callbacks))
    return model


class _StopAfterEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise RuntimeError("killed after epoch 1")


def test_backup_and_restore_resumes_weights_optimizers_and_noise_stream(tmp_path):
    straight = _gan_fit(2)
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="killed"):
        _gan_fit(2, [backup, _StopAfterEpoch()])
    resumed = _gan_fit(2, [keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    np.testing.assert_array_equal(resumed.seed_generator.state.numpy(), straight.seed_generator.state.numpy())
    for a, b in zip(straight.weights + straight.discriminator_optimizer.variables,
                    resumed.weights + resumed.discriminator_optimizer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6, err_msg=a.path)


def test_seed_state_is_saved_with_the_weights(tmp_path):
    model = _gan_fit(1)
    drawn = model.seed_generator.state.numpy()
    model.save_weights(tmp_path / "w.weights.h5")
    from cv2course.gans.gan import GAN

    other = GAN(latent_dim=4, image_size=8, base_filters=4, seed=3)
    other.compile(jit_compile=False)
    assert not np.array_equal(other.seed_generator.state.numpy(), drawn)
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.seed_generator.state.numpy(), drawn)
