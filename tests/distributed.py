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


def build_in(strategy, build_and_compile, seed=0):
    """``build_and_compile()`` after seeding, inside ``strategy``'s scope when one is given."""
    import keras

    keras.utils.set_random_seed(seed)
    if strategy is None:
        return build_and_compile()
    with strategy.scope():
        return build_and_compile()


def first_fit_logs(build_and_compile, batch, strategy=None, seed=0, run_eagerly=False):
    """Logs and weights after one ``fit`` step on one batch. Unlike ``train_on_batch`` (which in
    Keras 3 hands every replica the whole batch), ``fit`` splits the global batch between replicas."""
    model = build_in(strategy, build_and_compile, seed)
    model.run_eagerly = run_eagerly
    history = model.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0)
    return {k: float(v[0]) for k, v in history.history.items()}, [np.asarray(w) for w in model.weights]


def first_step_logs(build_and_compile, batch, strategy=None, seed=0):
    """Build and compile a model (inside ``strategy``'s scope when given), run one
    ``train_on_batch`` on ``batch`` and return its logs as floats.

    ``build_and_compile()`` must create the model with seeded initialisers so that both
    runs start from the same weights; the seed is reset before building.
    """
    import keras

    model = build_in(strategy, build_and_compile, seed)
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
