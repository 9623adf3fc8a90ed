"""The one mixed-precision suite: every model's train step runs under "mixed_bfloat16" and "mixed_float16".

Three fit steps per model and policy (tiny models of tests/distributed.py, eager): the logged
losses are finite float32 values, the variables stay float32 and finite and change, and
under "mixed_float16" every optimizer the model trains with scales its loss
(``keras.optimizers.LossScaleOptimizer``; float16 gradients underflow without it). Three steps,
not one: dynamic loss scaling starts at 2¹⁵ and skips the steps whose scaled gradients overflow
(the LSTM autoencoder's first two) while it halves the scale.
The global policy is float32 again after each test.
"""
import keras
import numpy as np
import pytest

from tests.distributed import CASES, build_in, dataset, optimizers_of

POLICIES = ("mixed_bfloat16", "mixed_float16")


@pytest.fixture(params=POLICIES)
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    try:
        yield request.param
    finally:
        keras.mixed_precision.set_global_policy("float32")


class RawLogs(keras.callbacks.Callback):
    """The logs of each batch as Keras hands them over (before any conversion to Python floats)."""

    def __init__(self):
        super().__init__()
        self.steps = []

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append(dict(logs or {}))


@pytest.mark.parametrize("name", list(CASES))
def test_fit_steps_under_mixed_precision(name, policy):
    model = build_in(None, CASES[name].build)
    model.run_eagerly = True
    before = [np.asarray(v).copy() for v in model.trainable_weights]
    raw = RawLogs()
    model.fit(dataset(CASES[name], steps=3), epochs=1, verbose=0, shuffle=False, callbacks=[raw])

    assert len(raw.steps) == 3 and all(raw.steps)
    for logs in raw.steps:
        for key, value in logs.items():
            assert np.isfinite(float(value)), f"{key} = {value} under {policy}"
            if hasattr(value, "dtype"):
                assert str(np.asarray(value).dtype) == "float32", f"{key} logged as {value.dtype} under {policy}"
    for v in model.weights:
        if "float" in str(v.dtype):
            assert str(v.dtype) == "float32", f"{v.path} is {v.dtype}: variables stay float32 under {policy}"
    after = [np.asarray(v) for v in model.trainable_weights]
    assert all(np.isfinite(a).all() for a in after)
    assert any(not np.array_equal(a, b) for a, b in zip(after, before)), "the step changed no weight"
    if policy == "mixed_float16":
        optimizers = optimizers_of(model)
        assert optimizers
        for attr, opt in optimizers.items():
            assert isinstance(opt, keras.optimizers.LossScaleOptimizer), \
                f"{attr} is a {type(opt).__name__}, not a LossScaleOptimizer: no loss scaling under mixed_float16"
