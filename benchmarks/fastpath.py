"""The GAN training step plain vs XLA vs the fast path's own choice, on this machine, in one run.

    nice python benchmarks/fastpath.py [--models gan wgan-gp] [--rounds 3] [--steps 10]

For each model (``cv2course train``'s networks on the embedded 28x28 digits, batch 64), the
step is compiled plain and with XLA, traced and compiled before the clock starts, then timed
for ``--steps`` steps per round, the two interleaved for ``--rounds`` rounds (median of the
rounds); "auto" is :func:`cv2course.fastpath.choose_jit` measuring afresh (a temporary cache)
as ``cv2course train`` does on a new machine, with the time of the option it picked. The CPU
and the load average are printed: on a shared machine read the ratios, not the seconds.

Measured on the 2-core AMD EPYC (avx2 avx512f avx512_bf16, no AMX), TF 2.21, 7 December, with
the machine heavily shared (load average 26 at start, 17 at the end; the numbers move with it):
``nice python benchmarks/fastpath.py --rounds 3 --steps 5``

    model       plain s/step  XLA s/step  XLA/plain   auto  auto s/step
    gan                1.663       3.428       2.06  plain        1.663
    wgan-gp            4.918      13.382       2.72  plain        4.918

Idle, the same machine (7 December 23:33, load average 1.75), ``python benchmarks/fastpath.py
--rounds 3 --steps 5``:

    model       plain s/step  XLA s/step  XLA/plain   auto  auto s/step
    gan                0.093       0.117       1.26  plain        0.093
    wgan-gp            0.430       0.498       1.16  plain        0.430

and the issue's own command, ``python benchmarks/gans.py --speed --models gan --rounds 3 --steps 10``,
right after: plain 0.0351 s/step, XLA/plain 1.04, mixed_bfloat16/plain 0.87 (this EPYC has
avx512_bf16, unlike the issue's: bf16 is not 7x slower everywhere without AMX).

Issue 25 measured XLA/plain 0.71 for the GAN step on the same kind of machine idle: under
heavy load XLA lost here. The choice is cached per machine, so one measured under load stays
until ``cv2course.fastpath.forget()``.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def step_function(model_name, jit_compile, images, batch_size=64, seed=0):
    """A function running one training step of a fresh ``model_name`` compiled with ``jit_compile``."""
    from cv2course.gans.cli import new_model

    model = new_model(model_name, images.shape[1:], None, False, seed)
    model.compile(jit_compile=jit_compile)
    data = model.make_dataset(images, batch_size=batch_size, seed=seed, repeat=True)
    model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)  # builds, traces and compiles
    batches = iter(data)
    return lambda: model.train_function(batches)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["gan", "wgan-gp"], choices=["gan", "wgan", "wgan-gp"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args(argv)

    from cv2course import fastpath
    from cv2course.data import digits

    identity = fastpath.cpu_identity()
    images, _ = digits(size=28, split="train")
    print(f"CPU {identity['model']}, {identity['cores']} cores, flags {' '.join(identity['flags'])}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for name in args.models:
        steps = {jit: step_function(name, jit, images) for jit in (False, True)}
        per_round = {False: [], True: []}
        for _ in range(args.rounds):
            for jit in (False, True):
                t0 = time.perf_counter()
                for _ in range(args.steps):
                    steps[jit]()
                per_round[jit].append((time.perf_counter() - t0) / args.steps)
        seconds = {jit: statistics.median(times) for jit, times in per_round.items()}
        with tempfile.TemporaryDirectory() as tmp:
            auto = fastpath.choose_jit(f"train {name}", lambda jit: step_function(name, jit, images), measure=True,
                                       path=Path(tmp) / "fastpath.json", identity=identity)
        rows.append((name, seconds[False], seconds[True], auto))
        print(f"  {name}: plain {seconds[False]:.3f} s, XLA {seconds[True]:.3f} s, auto picked "
              f"{'XLA' if auto else 'plain'}", flush=True)
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    print(f"{'model':10} {'plain s/step':>13} {'XLA s/step':>11} {'XLA/plain':>10} {'auto':>6} {'auto s/step':>12}")
    for name, plain, xla, auto in rows:
        print(f"{name:10} {plain:13.3f} {xla:11.3f} {xla / plain:10.2f} {'XLA' if auto else 'plain':>6} "
              f"{xla if auto else plain:12.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
