"""Quality and speed of the semi-supervised GAN and CycleGAN on the embedded digits (not run by pytest).

    python benchmarks/sgan_cyclegan.py                 # both, normal budgets (several minutes)
    python benchmarks/sgan_cyclegan.py --only sgan --seeds 0 1 2 --epochs 30
    python benchmarks/sgan_cyclegan.py --only cyclegan --epochs 6 --jit

SGAN: test accuracy (300 digits) with 100 labels vs the same classifier trained on the
labels only, per seed. CycleGAN (digits ↔ thick digits): seconds per step and the mean
absolute error of G(x) and F(y) against the true mapping, next to doing nothing; with
``--jit`` also the largest difference between an XLA-compiled and an eager first step.
"""
import argparse
import time

import numpy as np


def benchmark_sgan(n_labelled=100, epochs=None, image_size=16, seeds=(0, 1, 2), verbose=0):
    """Print a table: test accuracy of the semi-supervised GAN with ``n_labelled`` labels vs the same
    classifier trained on those labels only (with the GAN's noise and without it), for each seed
    and on average. Returns the rows."""
    from cv2course.experiments import sgan_digits as sgan_experiment

    rows = []
    print(f"{'seed':>4}  {'labels':>6}  {'steps':>5}  {'baseline acc':>12}  {'(no noise)':>10}  {'SGAN acc':>8}  "
          f"{'s/step':>7}  {'seconds':>7}")
    for seed in seeds:
        r = sgan_experiment.run_sgan_experiment(n_labelled, epochs, image_size, seed=seed, verbose=verbose)
        rows.append({k: v for k, v in r.items() if k not in ("history", "model", "baseline")} | {"seed": seed})
        print(f"{seed:>4}  {n_labelled:>6}  {r['steps']:>5}  {r['baseline_accuracy']:>12.3f}  "
              f"{r['baseline_noise_free_accuracy']:>10.3f}  {r['sgan_accuracy']:>8.3f}  "
              f"{r['seconds'] / r['steps']:>7.3f}  {r['seconds']:>7.0f}", flush=True)
    means = {k: np.mean([r[k] for r in rows]) for k in ("baseline_accuracy", "baseline_noise_free_accuracy",
                                                       "sgan_accuracy")}
    print(f"{'mean':>4}  {n_labelled:>6}  {'':>5}  {means['baseline_accuracy']:>12.3f}  "
          f"{means['baseline_noise_free_accuracy']:>10.3f}  {means['sgan_accuracy']:>8.3f}")
    return rows


def bench_sgan(args):
    print("== semi-supervised GAN, embedded digits ==")
    rows = benchmark_sgan(args.labels, epochs=args.epochs, image_size=args.size or 16, seeds=args.seeds)
    wins = sum(round(r["sgan_accuracy"], 6) > round(r["baseline_accuracy"], 6) for r in rows)  # float32 vs float64
    wins_free = sum(round(r["sgan_accuracy"], 6) > round(r.get("baseline_noise_free_accuracy", -1), 6) for r in rows)
    print(f"SGAN beats its baseline in {wins} of {len(rows)} seeds (the noise-free baseline in {wins_free})")


def jit_difference(seed=0):
    """Max |log difference| between an XLA-compiled and an eager first CycleGAN step (same weights)."""
    import keras
    import tensorflow as tf

    from cv2course.gans.cyclegan import small_cyclegan

    rng = np.random.default_rng(seed)
    batch = tuple(rng.random((2, 4, 28, 28, 1)).astype(np.float32))
    logs = []
    for jit in (True, False):
        keras.utils.set_random_seed(seed)
        model = small_cyclegan(pool_size=2)
        model.compile(jit_compile=jit)
        model.run_eagerly = not jit
        t0 = time.perf_counter()
        logs.append({k: v[0] for k, v in model.fit(tf.data.Dataset.from_tensors(batch), verbose=0).history.items()})
        print(f"  first step {'XLA' if jit else 'eager'}: {time.perf_counter() - t0:.1f} s (incl. compilation)")
    return max(abs(logs[0][k] - logs[1][k]) for k in logs[0])


def bench_cyclegan(args):
    from cv2course.experiments.cyclegan_digits import train_digits_cyclegan
    from cv2course.gans.unpaired import translation_error

    print("== CycleGAN, digits <-> thick digits (dilation, radius 2), 28 px ==")
    print(f"{'seed':>4}  {'steps':>5}  {'s/step':>6}  {'G MAE':>6}  {'F MAE':>6}  {'identity MAE':>12}  "
          f"{'cycle':>6}  {'g_loss':>6}")
    for seed in args.seeds:
        t0 = time.perf_counter()
        model, history = train_digits_cyclegan("dilate", epochs=args.epochs, size=args.size or 28, seed=seed)
        seconds = time.perf_counter() - t0
        steps = int(model.generator_optimizer.iterations.numpy())
        err = translation_error(model, "dilate", size=args.size or 28)
        h = history.history
        print(f"{seed:>4}  {steps:>5}  {seconds / steps:>6.3f}  {err['g_mae']:>6.3f}  {err['f_mae']:>6.3f}  "
              f"{err['identity_mae']:>12.3f}  {h['cycle_loss'][-1]:>6.3f}  {h['g_loss'][-1]:>6.3f}", flush=True)
    if args.jit:
        print(f"XLA vs eager first step, max log difference: {jit_difference():.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("sgan", "cyclegan"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: 30 (SGAN), 6 (CycleGAN)")
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--size", type=int, default=None, help="image size (default 16 for SGAN, 28 for CycleGAN)")
    parser.add_argument("--jit", action="store_true", help="also compare an XLA-compiled CycleGAN step with eager")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from cv2course import settings

    if args.quick:
        settings.set_quick(True)
    if args.only in (None, "sgan"):
        bench_sgan(args)
    if args.only in (None, "cyclegan"):
        bench_cyclegan(args)


if __name__ == "__main__":
    main()
