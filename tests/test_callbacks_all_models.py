"""``ModelCheckpoint`` and ``TensorBoard`` work with every trainable model, and TensorBoard gets the
generator's image grid where the package has a monitor (the GAN family's ImageGridMonitor).

One epoch of one batch of 8 per model (eager: no graph to trace), tiny models of
tests/distributed.py. The checkpoint must load back as the same model with the same weights;
TensorBoard's event files must hold one epoch scalar per logged key.
"""
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.distributed import CASES, build_in, dataset

MONITORED = ("gan", "wgan", "wgan_gp", "cgan")  # the models cv2course.gans.callbacks.ImageGridMonitor draws


def summaries(log_dir):
    """[(tag, plugin name, value)] of every summary in the event files under ``log_dir``."""
    out = []
    for path in sorted(Path(log_dir).rglob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                out.append((value.tag, value.metadata.plugin_data.plugin_name, value, event.step))
    return out


def fit_one_epoch(name, callbacks):
    model = build_in(None, CASES[name].build)
    model.run_eagerly = True
    history = model.fit(dataset(CASES[name], steps=1), epochs=1, verbose=0, shuffle=False, callbacks=callbacks)
    return model, history.history


def needs_tensorboard():
    pytest.importorskip("tensorboard", reason="keras.callbacks.TensorBoard needs the tensorboard package "
                                              "(pip install tensorboard), which TensorFlow 2.21 no longer installs")


@pytest.mark.parametrize("name", list(CASES))
def test_model_checkpoint_saves_a_model_that_loads_with_the_same_weights(name, tmp_path):
    path = tmp_path / "model.keras"
    model, _ = fit_one_epoch(name, [keras.callbacks.ModelCheckpoint(str(path))])
    assert path.is_file(), "ModelCheckpoint wrote nothing"
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    assert len(loaded.weights) == len(model.weights)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(np.asarray(b), np.asarray(a), err_msg=a.path)


@pytest.mark.parametrize("name", list(CASES))
def test_tensorboard_gets_every_logged_key(name, tmp_path):
    needs_tensorboard()
    log_dir = tmp_path / "tb"
    _, logs = fit_one_epoch(name, [keras.callbacks.TensorBoard(str(log_dir))])
    scalars = {tag for tag, plugin, _, _ in summaries(log_dir) if plugin == "scalars"}
    assert logs and {f"epoch_{key}" for key in logs} <= scalars, (sorted(logs), sorted(scalars))


@pytest.mark.parametrize("name", MONITORED)
def test_image_grid_monitor_logs_its_grid_to_tensorboard(name, tmp_path):
    from cv2course.gans.callbacks import ImageGridMonitor

    needs_tensorboard()
    log_dir = tmp_path / "tb"
    monitor = ImageGridMonitor(n=4, log_dir=str(log_dir))
    fit_one_epoch(name, [keras.callbacks.TensorBoard(str(log_dir)), monitor])
    images = [(tag, value, step) for tag, plugin, value, step in summaries(log_dir) if plugin == "images"]
    assert images, "no image summary in TensorBoard's log directory"
    tag, value, step = images[-1]
    png = tf.make_ndarray(value.tensor)[-1]
    grid = tf.io.decode_png(png).numpy()
    assert grid.shape[:2] == monitor.frames[-1].shape[:2]
    assert step == monitor.epochs[-1]
