"""The wait at the end of a short ``fit``: tf.data autotuning on (before) vs the package's fix (after).

    python benchmarks/fit_end_wait.py [--rounds 4] [--steps 40] [--seed 0]

A DCGAN (latent 64, 32 base filters, 28-px digits, m = 64, k = 1; traced once outside the
timing) is fitted on two of the package's pipelines:

- ``make_dataset``: ``GAN.make_dataset(x, repeat=True)``, ``--steps`` steps per fit;
- ``digits``: ``cv2course.data.digits(as_dataset=True)``, one epoch (23 batches).

"before" is that pipeline with tf.data autotuning on (TensorFlow's default, as the package
had it); "after" is it passed through :func:`cv2course.data.pipelines.finish_pipeline`
(a fixed prefetch of 2, autotuning off). Before and after alternate within each round, so
both see the same machine load. Columns (medians over rounds): ``steps`` = first to last
batch of the fit (Keras callbacks), ``wait`` = last batch to ``fit`` returning (the
iterator's teardown), ``total`` = the whole ``fit`` call; ``max wait``; the totals of the
fits. The wait is a race with tf.data's autotune thread, whose sleeps double from 10 ms, so
a fit that waits ends at 10 ms·(2^k − 1) after its iterator started: 2.05, 5.11, 10.23 s.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed_fit(model, ds, **fit_kwargs):
    """(steps seconds, wait seconds, total seconds) of one ``model.fit(ds, ...)``."""
    import keras

    marks = {}

    class Marks(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            marks.setdefault("first", time.perf_counter())

        def on_train_batch_end(self, batch, logs=None):
            marks["last"] = time.perf_counter()

    t0 = time.perf_counter()
    model.fit(ds, verbose=0, callbacks=[Marks()], **fit_kwargs)
    t1 = time.perf_counter()
    return marks["last"] - marks["first"], t1 - marks["last"], t1 - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=40, help="steps of each make_dataset fit")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from cv2course.data import digits
    from cv2course.data.pipelines import finish_pipeline, pipeline_options
    from cv2course.gans.gan import GAN
    from cv2course.settings import set_seed

    set_seed(args.seed)
    x, _ = digits(28, split="train")
    model = GAN(latent_dim=64, base_filters=32)
    model.compile()
    model.fit(model.make_dataset(x, repeat=True), steps_per_epoch=1, epochs=1, verbose=0)  # trace

    pipelines = {
        "make_dataset": (lambda: model.make_dataset(x, batch_size=64, repeat=True, seed=args.seed),
                         {"steps_per_epoch": args.steps, "epochs": 1}),
        "digits": (lambda: digits(28, as_dataset=True, batch_size=64, shuffle_seed=args.seed), {"epochs": 1}),
    }
    variants = {"before": lambda ds: ds.with_options(pipeline_options(autotune=True)),
                "after": finish_pipeline}
    results = {(p, v): [] for p in pipelines for v in variants}
    for r in range(args.rounds):
        order = list(variants) if r % 2 == 0 else list(variants)[::-1]
        for name, (build, fit_kwargs) in pipelines.items():
            for variant in order:
                ds = variants[variant](build())
                results[name, variant].append(timed_fit(model, ds, **fit_kwargs))
                print(f"round {r} {name:12} {variant:6} steps {results[name, variant][-1][0]:6.2f} s  "
                      f"wait {results[name, variant][-1][1]:6.2f} s  total {results[name, variant][-1][2]:6.2f} s",
                      flush=True)

    print(f"\nFit-end wait, DCGAN on 28-px digits, {args.rounds} rounds (medians; seconds)")
    print(f"{'pipeline':13} {'variant':7} {'steps':>6} {'wait':>6} {'total':>6} {'max wait':>8} "
          f"{'wait/total':>10}  totals of the fits")
    for name in pipelines:
        for variant in variants:
            a = np.array(results[name, variant])
            med = np.median(a, axis=0)
            print(f"{name:13} {variant:7} {med[0]:6.2f} {med[1]:6.2f} {med[2]:6.2f} {a[:, 1].max():8.2f} "
                  f"{a[:, 1].sum() / a[:, 2].sum():10.0%}  {' '.join(f'{t:.2f}' for t in a[:, 2])}")
        before, after = (np.array(results[name, v])[:, 2].sum() for v in variants)
        print(f"{name:13} after/before total time {after / before:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
