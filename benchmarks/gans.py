"""Train each GAN of the course on the embedded digits for a fixed budget and print a table.

    python benchmarks/gans.py                 # all models, the budgets below (~25-35 min on 2 busy cores)
    python benchmarks/gans.py --models gan wgan_gp --scale 0.5
    python benchmarks/gans.py --quick         # a smoke run (a few steps each)
    nice python benchmarks/gans.py --speed    # s/step: plain, XLA, bfloat16, keras-io (gan_step_times.py)
    python benchmarks/gans.py --speed --models gan gan_keras_io_nets    # also on keras-io's own networks

Columns: generator steps, seconds per generator step (wall clock, this CPU), the
digits-classifier Fréchet distance "FD (digits-cnn)" of 1,000 samples to the 300 test digits
(features: the 128-d layer of ``cv2course.backbones.digits_classifier``; not an FID), the same
for the untrained generator, classes covered out of 10 (a class counts with >= 2% of the
samples, see ``cv2course.metrics.mode_collapse.classes_covered``) and the class entropy in bits.
The conditional GAN also reports how often the classifier agrees with the requested label.
The semi-supervised GAN (``cv2course.gans.sgan``) reports test accuracy with 100 labels vs the
same classifier trained on the labelled examples only; CycleGAN is reported when its module
offers a benchmark function. Both are imported lazily and skipped with a note otherwise.

Aims (issue 5): every model covers >= 9 of 10 classes; WGAN-GP's distance is below the
untrained generator's by a factor of 10.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Generator steps per model: WGAN with weight clipping learns slowly (the lecture's point), so
# it gets more steps; its critic does 5 updates per generator step, as WGAN-GP's does.
BUDGETS = {"gan": 1000, "wgan": 1500, "wgan_gp": 1000, "cgan": 800}
NETWORK = dict(latent_dim=64, base_filters=32)
BATCH = 64


def frechet(features_a, features_b):
    """FD between two feature sets through ``cv2course.metrics`` (the package's one formula)."""
    from cv2course.metrics.frechet import frechet_distance_from_features

    return float(frechet_distance_from_features(features_a, features_b))


class Judge:
    """The digits classifier: features for FD, predicted classes for coverage."""

    def __init__(self):
        import keras

        from cv2course.backbones import digits_classifier
        from cv2course.data import digits

        self.classifier = digits_classifier()
        self.features = keras.Model(self.classifier.input, self.classifier.get_layer("features").output)
        self.test_images, self.test_labels = digits(28, "test")
        self.test_features = self.features.predict(self.test_images, verbose=0)

    def __call__(self, images, requested=None):
        from cv2course.metrics.mode_collapse import class_entropy, classes_covered

        predicted = self.classifier.predict(images, verbose=0).argmax(axis=1)
        row = {"fd": frechet(self.features.predict(images, verbose=0), self.test_features),
               "covered": classes_covered(predicted), "entropy": class_entropy(predicted)}
        if requested is not None:
            row["label_agreement"] = float(np.mean(predicted == requested))
        return row


def build(name, seed):
    from cv2course.gans.cgan import ConditionalGAN
    from cv2course.gans.gan import GAN
    from cv2course.gans.wgan import WGAN
    from cv2course.gans.wgan_gp import WGANGP

    cls = {"gan": GAN, "wgan": WGAN, "wgan_gp": WGANGP, "cgan": ConditionalGAN}[name]
    model = cls(seed=seed, **NETWORK)
    model.compile()
    return model


def samples(model, n=1000, seed=123):
    if hasattr(model, "num_classes"):
        requested = np.arange(n) % model.num_classes
        return model.generate(requested, seed=seed), requested
    return model.generate(n, seed=seed), None


def run_model(name, steps, judge, seed=0):
    import keras

    from cv2course.data import digits
    from cv2course.settings import set_seed

    set_seed(seed)
    model = build(name, seed)
    x, y = digits(28, "train")
    before = judge(*samples(model))
    ds = model.make_dataset(x, labels=y if name == "cgan" else None, batch_size=BATCH, repeat=True, seed=seed)
    model.fit(ds, steps_per_epoch=1, epochs=1, verbose=0)  # trace the step outside the timing
    keras.utils.set_random_seed(seed)
    t0 = time.perf_counter()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds = (time.perf_counter() - t0) / steps
    after = judge(*samples(model))
    return {"model": name, "steps": steps + 1, "s_per_step": seconds, "fd": after["fd"], "fd_untrained": before["fd"],
            "covered": after["covered"], "entropy": after["entropy"],
            "label_agreement": after.get("label_agreement", float("nan")), "trained": model}


def run_sgan(quick, seed=0):
    try:
        from cv2course.experiments import sgan_digits
    except ImportError as exc:
        return None, f"SGAN skipped: cv2course.gans.sgan is not available ({exc})"
    r = sgan_digits.run_sgan_experiment(n_labelled=100, seed=seed, epochs=1 if quick else None)
    return r, None


def run_cyclegan(quick, seed=0):
    try:
        from cv2course.gans import cyclegan
    except ImportError as exc:
        return None, f"CycleGAN skipped: cv2course.gans.cyclegan is not available ({exc})"
    for fn in ("run_cyclegan_experiment", "benchmark_cyclegan"):
        if hasattr(cyclegan, fn):
            return getattr(cyclegan, fn)(seed=seed), None
    return None, ("CycleGAN skipped: cv2course.gans.cyclegan offers no run_cyclegan_experiment()/benchmark_cyclegan() "
                  "(its image-to-image task is not an unconditional digits generator)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=None,
                        choices=list(BUDGETS) + ["sgan", "cyclegan", "gan_keras_io_nets"],
                        help="default: every model (gan_keras_io_nets, keras-io's networks, only with --speed)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every step budget")
    parser.add_argument("--quick", action="store_true", help="a few steps per model (smoke test)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speed", action="store_true",
                        help="only time the training steps (plain, XLA, mixed_bfloat16, keras-io); see gan_step_times.py")
    parser.add_argument("--rounds", type=int, default=5, help="--speed: interleaved timing rounds")
    parser.add_argument("--steps", type=int, default=5, help="--speed: steps per round")
    args = parser.parse_args(argv)
    if args.speed:
        import gan_step_times

        return gan_step_times.main(args.models or gan_step_times.MODELS, args.rounds, args.steps)
    args.models = args.models or list(BUDGETS) + ["sgan", "cyclegan"]
    if args.quick:
        from cv2course import settings

        settings.set_quick(True)
    judge = Judge()
    header = (f"{'model':<9} {'G steps':>7} {'s/step':>7} {'FD (digits-cnn)':>16} {'FD untrained':>13} "
              f"{'covered':>8} {'entropy':>8} {'label agr.':>10}")
    print(header)
    print("-" * len(header))
    rows, notes = [], []
    for name in [m for m in args.models if m in BUDGETS]:
        steps = 5 if args.quick else max(1, int(BUDGETS[name] * args.scale))
        r = run_model(name, steps, judge, args.seed)
        rows.append(r)
        agreement = "" if np.isnan(r["label_agreement"]) else f"{r['label_agreement']:.2f}"
        print(f"{name:<9} {r['steps']:>7} {r['s_per_step']:>7.3f} {r['fd']:>16.2f} {r['fd_untrained']:>13.2f} "
              f"{r['covered']:>5}/10 {r['entropy']:>8.2f} {agreement:>10}", flush=True)
    if "sgan" in args.models:
        r, note = run_sgan(args.quick, args.seed)
        if note:
            notes.append(note)
        else:
            line = (f"sgan      {r['steps']:>7} {r['seconds'] / max(r['steps'], 1):>7.3f}   "
                    f"test accuracy with 100 labels: SGAN {r['sgan_accuracy']:.3f} vs labelled-only "
                    f"{r['baseline_accuracy']:.3f}")
            if "baseline_noise_free_accuracy" in r:
                line += f" (without the GAN's noise layers {r['baseline_noise_free_accuracy']:.3f})"
            gen = getattr(r.get("model"), "generate", None)
            samples = gen(1000, seed=123) if gen is not None else None
            if samples is not None and samples.shape[1:3] == (28, 28):  # the judge reads 28-px digits
                s = judge(samples)
                line += f"; FD {s['fd']:.2f}, covered {s['covered']}/10"
            print(line, flush=True)
    if "cyclegan" in args.models:
        r, note = run_cyclegan(args.quick, args.seed)
        if note:
            notes.append(note)
        else:
            print("cyclegan  " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                           for k, v in r.items() if not hasattr(v, "fit")), flush=True)
    print()
    for r in rows:
        aims = [f"covers {r['covered']}/10 ({'ok' if r['covered'] >= 9 else 'BELOW the aim of 9'})"]
        if r["model"] == "wgan_gp":
            ratio = r["fd_untrained"] / max(r["fd"], 1e-9)
            aims.append(f"FD {ratio:.1f}x below the untrained generator ({'ok' if ratio >= 10 else 'BELOW the aim of 10x'})")
        print(f"{r['model']}: " + "; ".join(aims))
    for note in notes:
        print(note)
    return rows


if __name__ == "__main__":
    main()
