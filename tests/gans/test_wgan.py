"""WGAN (Arjovsky et al. Algorithm 1): clipping after every critic update, n_critic counted on
distinct real batches, paper defaults, save/load/resume, MirroredStrategy parity."""
import keras
import numpy as np
import pytest

from cv2course.data import digits
from cv2course.gans.wgan import WGAN
from tests.gans.helpers import TINY, fit_save_load, real_batches_seen, recording_discriminator


@pytest.fixture(scope="module")
def images():
    return digits(28, "train")[0][:40]


def test_paper_defaults():
    model = WGAN(**TINY)
    model.compile()
    assert model.n_critic == 5 and model.clip_value == 0.01 and model.loss_name == "wasserstein"
    assert isinstance(model.discriminator_optimizer, keras.optimizers.RMSprop)
    assert float(model.discriminator_optimizer.learning_rate) == pytest.approx(5e-5)
    assert model.critic.layers[-1].activation.__name__ == "linear"  # no sigmoid


def test_critic_weights_stay_within_the_clip_range_after_training(images):
    model = WGAN(n_critic=2, clip_value=0.02, seed=0, **TINY)
    model.compile(discriminator_optimizer=keras.optimizers.RMSprop(0.1), run_eagerly=True)  # big steps leave [-c, c]
    history = model.fit(model.make_dataset(images[:16], batch_size=4), epochs=1, verbose=0)
    assert {m.name for m in model.metrics} == set(history.history) == {"critic_loss", "g_loss", "wasserstein"}
    weights = [np.asarray(w) for w in model.critic.trainable_weights]
    assert max(np.abs(w).max() for w in weights) <= 0.02 + 1e-7
    assert sum(np.isclose(np.abs(w), 0.02).sum() for w in weights) > 0  # clipping was active


def test_critic_is_stepped_n_critic_times_on_distinct_real_batches(images):
    critic, recorder = recording_discriminator()
    model = WGAN(critic=critic, n_critic=5, **TINY)
    model.compile(run_eagerly=True)
    batch = images[:20]
    model.train_on_batch(batch)
    assert int(model.discriminator_optimizer.iterations) == 5 and int(model.generator_optimizer.iterations) == 1
    seen = real_batches_seen(recorder, batch)
    assert seen == [list(range(i, 20, 5)) for i in range(5)]


def test_save_load_resume(images, tmp_path):
    model = WGAN(n_critic=2, clip_value=0.05, **TINY)
    model.compile(run_eagerly=True)
    ds = model.make_dataset(images[:8], batch_size=4)
    loaded = fit_save_load(model, ds, tmp_path / "wgan.keras")
    assert type(loaded) is WGAN and loaded.n_critic == 2 and loaded.clip_value == 0.05
    loaded.run_eagerly = True  # as the original; graph tracing would only cost test time
    loaded.fit(ds, epochs=1, verbose=0)
    assert int(loaded.discriminator_optimizer.iterations) == 4 and int(loaded.generator_optimizer.iterations) == 2


def test_bad_configuration_is_a_clear_error():
    with pytest.raises(ValueError, match=r"n_critic \(critic updates per generator update\) must be"):
        WGAN(n_critic=0, **TINY)
    with pytest.raises(ValueError, match="clip_value"):
        WGAN(clip_value=-0.01, **TINY)
