"""The last stage of every ``tf.data`` pipeline the package builds: a fixed prefetch, no autotuning.

Why: with tf.data's autotuning on (the default), tearing down a dataset iterator at the end
of ``fit`` sometimes waits for the autotune thread's next wake-up; that thread sleeps 10 ms,
20 ms, 40 ms, ... (doubling), so a fit's total snaps to 10 ms·(2^k − 1) — 2.05, 5.11,
10.23, 20.47 s — whatever its steps took (``benchmarks/fit_end_wait.py`` measures it). The
package's pipelines hold small in-memory arrays, so a fixed prefetch of two batches and
no autotune thread cost nothing and remove the wait.

    >>> ds = finish_pipeline(tf.data.Dataset.from_tensor_slices(x).batch(64))
"""

PREFETCH = 2


def pipeline_options(autotune=False):
    """``tf.data.Options`` with tf.data autotuning on or off (the package's pipelines: off)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = bool(autotune)
    return options


def finish_pipeline(ds, prefetch=PREFETCH, autotune=False):
    """``ds`` prefetching ``prefetch`` elements, with tf.data autotuning off (``autotune=False``).

    Call it on the finished (batched) dataset: ``return finish_pipeline(ds.batch(m))``.
    ``prefetch``: a buffer size (``tf.data.AUTOTUNE`` only makes sense with ``autotune=True``,
    which restores TensorFlow's defaults, e.g. to measure the difference).
    """
    import tensorflow as tf

    if not isinstance(ds, tf.data.Dataset):
        raise TypeError(f"ds must be a tf.data.Dataset, got {type(ds).__name__}")
    if isinstance(prefetch, bool) or not isinstance(prefetch, int) or (prefetch < 1 and prefetch != tf.data.AUTOTUNE):
        raise ValueError(f"prefetch must be a positive number of elements, got {prefetch!r}")
    return ds.prefetch(prefetch).with_options(pipeline_options(autotune))
