"""Training-step time of the SR models with and without XLA and under mixed_bfloat16 (issue 14).

For each model: milliseconds per ``fit`` step in float32 without ``jit_compile`` (the
reference), with ``jit_compile=True``, and under the "mixed_bfloat16" policy without and with
XLA, and each as a ratio to the reference, all measured in this one run. The variants of a
model are timed in interleaved rounds (median of the rounds), so that a change in the
machine's load hits them alike. A round times a fit of ``steps`` steps and one of
``2·steps``; their difference over ``steps`` is the step time without ``fit``'s own overhead.
Tracing and XLA compilation happen in a warm-up fit that is not timed.

    python benchmarks/sr_step_times.py                 # EDSR, WDSR-A, SRResNet, SRGAN; a few minutes
    python benchmarks/sr_step_times.py --quick         # smaller models and fewer steps: a smoke run

``benchmarks/autoencoders.py --step-times`` prints the same table for the autoencoders and the VAE.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

VARIANTS = (("float32", False), ("float32", True), ("mixed_bfloat16", False), ("mixed_bfloat16", True))


def _dataset(arrays, batch_size):
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0])
    return data.repeat().batch(batch_size, drop_remainder=True)


def _prepared(build_and_compile, policy, jit_compile, arrays, batch_size, warmup):
    import keras

    keras.mixed_precision.set_global_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        model = build_and_compile(jit_compile)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    data = _dataset(arrays, batch_size)
    model.fit(data, steps_per_epoch=warmup, epochs=1, verbose=0)  # trace (and XLA-compile) once
    return model, data


def _timed_fit(model, data, steps):
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return time.perf_counter() - start


def step_times(models, batch_size, steps, rounds, warmup=3):
    """{model: {(policy, jit): milliseconds per step}} for ``models`` = {name: (build_and_compile(jit), arrays)}."""
    times = {}
    for name, (build_and_compile, arrays) in models.items():
        prepared = {v: _prepared(build_and_compile, *v, arrays, batch_size, warmup) for v in VARIANTS}
        samples = {v: [] for v in VARIANTS}
        for _ in range(rounds):
            for variant, (model, data) in prepared.items():
                short, long = (_timed_fit(model, data, n) for n in (steps, 2 * steps))
                samples[variant].append((long - short) / steps * 1e3)
        times[name] = {v: statistics.median(s) for v, s in samples.items()}
        print(f"  measured {name}", flush=True)
    return times


def print_table(times, title):
    reference = VARIANTS[0]
    print(f"\n{title}: ms per training step (ratio to float32 without XLA; < 1 is faster)")
    header = ["model"] + [f"{p}{' +jit' if j else ''}" for p, j in VARIANTS]
    print("  ".join(f"{h:>22}" if i else f"{h:<10}" for i, h in enumerate(header)))
    for name, row in times.items():
        cells = [f"{row[v]:9.1f} ({row[v] / row[reference]:4.2f}x)" for v in VARIANTS]
        print("  ".join([f"{name:<10}"] + [f"{c:>22}" for c in cells]))


def sr_models(quick):
    """The shipped EDSR's size (16 filters, 4 blocks) and like-sized WDSR-A, SRResNet and SRGAN, x2."""
    import keras

    from cv2course.sr.edsr import edsr
    from cv2course.sr.srgan import SRGAN, srgan_discriminator
    from cv2course.sr.srresnet import srresnet
    from cv2course.sr.wdsr import wdsr

    filters, blocks, lr_size = (8, 1, 12) if quick else (16, 4, 24)
    rng = np.random.default_rng(0)
    lr = rng.random((32, lr_size, lr_size, 3)).astype(np.float32)
    hr = rng.random((32, 2 * lr_size, 2 * lr_size, 3)).astype(np.float32)

    def psnr_model(build):
        def build_and_compile(jit_compile):
            model = build()
            model.compile(keras.optimizers.Adam(1e-4), "mae", jit_compile=jit_compile)
            return model
        return build_and_compile, (lr, hr)

    def srgan(jit_compile):
        model = SRGAN(srresnet(2, filters, blocks), srgan_discriminator(filters=8 if quick else 16, dense=64),
                      content_layer="vgg22", vgg_arch="vgg16", vgg_weights="bundled")
        model.compile(jit_compile=jit_compile)
        return model

    return {"EDSR": psnr_model(lambda: edsr(2, filters, blocks)),
            "WDSR-A": psnr_model(lambda: wdsr(2, filters, blocks, variant="a")),
            "SRResNet": psnr_model(lambda: srresnet(2, filters, blocks)),
            "SRGAN": (srgan, (lr, hr))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=5, help="timed steps per round (a fit of steps and one of 2·steps)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.rounds = 2, 1
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    times = step_times(sr_models(args.quick), args.batch_size, args.steps, args.rounds)
    print_table(times, f"SR models, x2, batch {args.batch_size}")


if __name__ == "__main__":
    main()
