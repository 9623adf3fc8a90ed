"""train_sr: step counting, checkpoints, a resumed run equals an uninterrupted one, export."""
import json

import numpy as np
import pytest

import keras

from cv2course.sr.data import PatchPairs
from cv2course.sr.edsr import edsr
from cv2course.sr.pretrained import load_model
from cv2course.sr.train import export_model, learning_rate_schedule, train_sr, transfer_weights


@pytest.fixture(scope="module")
def pairs():
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:48, 0:48] / 6.0
    img = (0.5 + 0.4 * np.sin(xx + yy)[..., None] * rng.random(3)).astype(np.float32)
    return PatchPairs([img], 2, patch_size=16)


def _model():
    keras.utils.set_random_seed(0)
    return edsr(2, filters=4, blocks=1)


def test_a_resumed_run_repeats_an_uninterrupted_one(tmp_path, pairs):
    straight = _model()
    h = train_sr(straight, pairs, steps=4, batch_size=2, checkpoint_every=2, learning_rate=1e-2, verbose=0)
    assert h["step"] == [2, 4] and int(straight.optimizer.iterations) == 4

    first = _model()
    train_sr(first, pairs, steps=2, batch_size=2, checkpoint_dir=tmp_path, checkpoint_every=2, learning_rate=1e-2,
             verbose=0)
    assert (tmp_path / "checkpoint.keras").is_file()
    assert json.loads((tmp_path / "history.json").read_text())["step"] == [2]
    resumed = _model()  # a fresh process would start like this
    h2 = train_sr(resumed, pairs, steps=4, batch_size=2, checkpoint_dir=tmp_path, checkpoint_every=2,
                  learning_rate=1e-2, verbose=0)
    assert h2["step"] == [2, 4] and np.isclose(h2["loss"][-1], h["loss"][-1], rtol=1e-4)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        assert np.allclose(a, b, atol=1e-5)
    # Nothing left to do: a third call returns at once with the same history.
    assert train_sr(resumed, pairs, steps=4, checkpoint_dir=tmp_path, verbose=0)["step"] == [2, 4]


def test_schedules_and_arguments():
    assert learning_rate_schedule("constant", 1e-3, 100) == 1e-3
    halving = learning_rate_schedule("halving", 1e-3, 100)
    assert [float(halving(s)) for s in (0, 60, 90)] == pytest.approx([1e-3, 5e-4, 2.5e-4])
    cosine = learning_rate_schedule("cosine", 1e-3, 100)
    assert float(cosine(0)) == pytest.approx(1e-3) and float(cosine(100)) == pytest.approx(1e-5)
    with pytest.raises(ValueError, match="loss"):
        train_sr(_model(), None, steps=1, loss="l2")
    with pytest.raises(ValueError, match="steps"):
        train_sr(_model(), None, steps=0)
    with pytest.raises(TypeError, match="keras.Model"):
        train_sr("edsr", None, steps=1)


def test_mismatched_scale_is_an_error(pairs):
    keras.utils.set_random_seed(0)
    with pytest.raises(ValueError, match="x2 but the model upscales x3"):
        train_sr(edsr(3, filters=4, blocks=0), pairs, steps=1, verbose=0)


def test_export_drops_the_optimizer(tmp_path):
    model = _model()
    model.compile(keras.optimizers.Adam(), "mae")
    model.optimizer.build(model.trainable_variables)
    path = export_model(model, tmp_path / "m.keras")
    loaded = load_model(path)
    x = np.random.default_rng(0).random((1, 6, 6, 3)).astype(np.float32)
    assert np.allclose(loaded(x), model(x), atol=1e-6)
    assert not loaded.compiled
    with pytest.raises(ValueError, match=".keras"):
        export_model(model, tmp_path / "m.h5")


def test_transfer_weights_copies_the_body_and_keeps_the_new_upsampler():
    """EDSR's trick: a x3 model starts from the x2 body; layers whose shapes differ stay as built."""
    keras.utils.set_random_seed(0)
    x2, x3 = edsr(2, filters=4, blocks=2), edsr(3, filters=4, blocks=2)
    x3_before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in x3.layers}
    copied = transfer_weights(x2, x3)
    assert {"head", "block1_conv1", "block2_conv2", "body_end"} <= set(copied)
    for name in copied:
        for a, b in zip(x3.get_layer(name).get_weights(), x2.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    # the x3 upsampler (4 → 36 channels) has no x2 counterpart of its shape: untouched
    changed = [layer.name for layer in x3.layers if layer.name not in copied and x3_before[layer.name]
               and any(not np.array_equal(a, b) for a, b in zip(layer.get_weights(), x3_before[layer.name]))]
    assert changed == []
    assert any(layer.get_weights() and layer.name not in copied for layer in x3.layers)
