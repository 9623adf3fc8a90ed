"""Helpers for the one-device vs MirroredStrategy parity tests."""
import numpy as np
import tensorflow as tf

_STRATEGY = None


def mirrored_strategy():
    """The process's one MirroredStrategy over the two logical CPUs.

    Every MirroredStrategy numbers its collective ops from the same keys, so a second
    strategy in one process can hit "Shape mismatch in the collective instance" and abort
    all later collectives. One shared strategy, reducing through one device (no collective
    cache at all), keeps every parity test independent of the order tests run in.
    """
    global _STRATEGY
    if _STRATEGY is None:
        _STRATEGY = tf.distribute.MirroredStrategy(
            ["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
    return _STRATEGY


def first_step_logs(build_and_compile, batch, strategy=None, seed=0):
    """Build and compile a model (inside ``strategy``'s scope when given), run one
    ``train_on_batch`` on ``batch`` and return its logs as floats.

    ``build_and_compile()`` must create the model with seeded initialisers so that both
    runs start from the same weights; the seed is reset before building.
    """
    import keras

    keras.utils.set_random_seed(seed)
    if strategy is None:
        model = build_and_compile()
    else:
        with strategy.scope():
            model = build_and_compile()
    x = batch[0] if isinstance(batch, tuple) else batch
    y = batch[1] if isinstance(batch, tuple) and len(batch) > 1 else None
    keras.utils.set_random_seed(seed + 1)
    logs = model.train_on_batch(x, y, return_dict=True)
    return {k: float(np.asarray(v)) for k, v in logs.items()}


def assert_logs_close(a, b, atol=1e-5, rtol=1e-5):
    assert set(a) == set(b), (a, b)
    for k in a:
        assert np.isclose(a[k], b[k], atol=atol, rtol=rtol), f"{k}: one device {a[k]} vs mirrored {b[k]}"


def logical_cpus():
    return tf.config.list_logical_devices("CPU")
