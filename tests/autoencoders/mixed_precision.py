"""One ``fit`` step of a model under a mixed-precision policy (issue 14), shared by the AE and SR tests."""
import contextlib

import keras
import numpy as np

POLICIES = ("mixed_bfloat16", "mixed_float16")


@contextlib.contextmanager
def global_policy(name):
    """``keras.mixed_precision`` global policy ``name`` inside the block; the previous one after it."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def _optimizers(model):
    named = [v for k, v in vars(model).items() if k.endswith("_optimizer") and v is not None]
    return named or [model.optimizer]


def assert_one_fit_step_under(policy, build_and_compile, data):
    """Built and compiled under ``policy``, the model computes in 16 bits, keeps float32 weights, and
    one ``fit`` step logs finite losses and changes the weights; under "mixed_float16" every
    optimizer scales the loss (``LossScaleOptimizer``), and a step it skips for overflow lowers the scale."""
    with global_policy(policy):
        keras.utils.set_random_seed(0)
        model = build_and_compile()
        before = [np.asarray(w) for w in model.trainable_weights]
        x = data if isinstance(data, tuple) else (data,)
        logs = model.fit(*x, batch_size=len(x[0]), epochs=1, shuffle=False, verbose=0).history
    compute = {layer.compute_dtype for layer in model._flatten_layers() if layer.weights}
    assert compute == {policy.split("_")[1]}, compute
    assert {w.dtype for w in model.trainable_weights} == {"float32"}
    assert logs and all(np.isfinite(v[-1]) for v in logs.values()), logs
    after = [np.asarray(w) for w in model.trainable_weights]
    assert all(np.all(np.isfinite(w)) for w in after)
    optimizers = _optimizers(model)
    scaled = [isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers]
    assert all(scaled) if policy == "mixed_float16" else not any(scaled), scaled
    # A float16 step whose scaled gradients overflow is skipped, and the loss scale halved (2**15 at first).
    lowered = any(float(o.dynamic_scale) < 2.0 ** 15 for o in optimizers if policy == "mixed_float16")
    changed = any(not np.array_equal(a, b) for a, b in zip(before, after))
    assert changed or lowered, "the step neither changed a weight nor lowered the loss scale"
    return model, logs
