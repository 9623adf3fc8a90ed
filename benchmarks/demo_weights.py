"""Train the pretrained demo models (cv2course.demos) on the embedded digits and measure them.

    python benchmarks/demo_weights.py --out cv2course/weights                   # all four demos
    python benchmarks/demo_weights.py --out cv2course/weights --only cgan --steps 3000
    python benchmarks/demo_weights.py --evaluate cv2course/weights              # only the quality table

Each GAN (DCGAN, WGAN-GP, conditional DCGAN; the networks and sizes of ``cv2course.demos.DEMOS``,
the models' own paper-default optimizers) trains on the 1,497 embedded training digits at
28 px, batch 64, for ``--steps`` generator steps in chunks of ``--chunk``; after every chunk
8 samples of fixed noise and the chunk's logs are recorded (``<name>_record.npz``, used by
figures about training in quick mode), and every ``--eval-every`` steps the Fréchet distance
of 1,000 samples to the training digits is measured with the digits classifier's features
("FD (digits-cnn)"); the generator with the lowest FD is kept. The VAE (dense, 2-D latent,
β = 0.5: the lecture's figures) trains for ``--vae-epochs`` epochs. Quality reported: FD
(digits-cnn) to the training digits, classes covered (of 10, a class counts with >= 2% of
the samples, by the digits classifier) and, for the cGAN, how often the classifier agrees
with the requested class. The held-out test digits give the floor of the FD. The CycleGAN (digits <-> thick digits,
the lecture's unpaired task, ``train_digits_cyclegan`` at its normal-mode budget) is scored by
the mean absolute error of G(x) against the true dilation T(x) on the test digits.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_log import tee  # noqa: E402

N_EVAL = 1000
SNAPSHOT = 8


def quality(images, real, extractor, classifier, labels=None):
    """{fd, classes_covered, label_agreement} of generated images against real ones."""
    from cv2course.metrics.mode_collapse import classes_covered
    from cv2course.metrics.features import fd_of

    pred = classifier.predict(images, verbose=0, batch_size=256).argmax(1)
    out = {"fd": round(float(fd_of(images, real, extractor).value), 3),
           "classes_covered": int(classes_covered(pred))}
    if labels is not None:
        out["label_agreement"] = round(float(np.mean(pred == labels)), 3)
    return out


def samples_for(name, model, n, seed):
    if name == "cgan":
        labels = np.arange(n) % 10
        return model.generate(labels, seed=seed), labels
    return model.generate(n, seed=seed), None


def train_gan(name, args, real, labels, extractor, classifier, log):
    from cv2course.demos import build_demo
    from cv2course.settings import set_seed

    set_seed(args.seed)
    model = build_demo(name, seed=args.seed)
    model.compile()
    ds = model.make_dataset(real, labels=labels if name == "cgan" else None, batch_size=64, repeat=True,
                            seed=args.seed)
    steps = args.steps[name]
    z = model.latent_vectors(SNAPSHOT, seed=args.seed + 1)
    fixed_labels = np.arange(SNAPSHOT) % 10

    def snapshot():
        return model.generate(fixed_labels, z=z) if name == "cgan" else model.generate(z=z)

    record = {"steps": [0], "samples": [snapshot()], "log_steps": [], "logs": {}}
    best, best_q, evals, done, t0 = None, None, [], 0, time.perf_counter()
    while done < steps:
        n = min(args.chunk, steps - done)
        history = model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0).history
        done += n
        record["steps"].append(done)
        record["samples"].append(snapshot())
        record["log_steps"].append(done)
        for key, values in history.items():
            record["logs"].setdefault(key, []).append(float(values[-1]))
        if done % args.eval_every == 0 or done == steps:
            images, want = samples_for(name, model, N_EVAL, args.seed)
            q = quality(images, real, extractor, classifier, want)
            q.update(step=done, minutes=round((time.perf_counter() - t0) / 60, 2))
            evals.append(q)
            log(f"  {name} step {done}/{steps}: {q}")
            if best_q is None or q["fd"] < best_q["fd"]:
                best, best_q = model.generator.get_weights(), q
    model.generator.set_weights(best)
    info = {"steps": done, "best_step": best_q["step"], "minutes": round((time.perf_counter() - t0) / 60, 1),
            "evals": evals, "generator_params": model.generator.count_params()}
    return model, record, info


def train_vae(args, real, extractor, classifier, log):
    from cv2course.demos import build_demo
    from cv2course.settings import set_seed

    set_seed(args.seed)
    model = build_demo("vae", seed=args.seed)
    model.compile()
    t0 = time.perf_counter()
    history = model.fit(real, epochs=args.vae_epochs, batch_size=64, verbose=0).history
    info = {"epochs": args.vae_epochs, "minutes": round((time.perf_counter() - t0) / 60, 1),
            "final_loss": round(float(history["loss"][-1]), 3)}
    record = {"steps": [args.vae_epochs], "samples": [model.sample(SNAPSHOT, seed=args.seed + 1)],
              "log_steps": list(range(1, args.vae_epochs + 1)),
              "logs": {k: [float(x) for x in v] for k, v in history.items()}}
    log(f"  vae: {info}")
    return model, record, info


def train_cyclegan(args, log):
    """The lecture's digits -> thick digits CycleGAN (``train_digits_cyclegan``) at the demo's sizes."""
    from cv2course.demos import DEMOS
    from cv2course.experiments.cyclegan_digits import train_digits_cyclegan
    from cv2course.gans.unpaired import paired_test_set

    sizes = DEMOS["cyclegan"]["kwargs"]
    t0 = time.perf_counter()
    model, history = train_digits_cyclegan("dilate", epochs=args.cyclegan_epochs, size=sizes["image_size"],
                                           filters=sizes["filters"], n_residual=sizes["n_residual"], seed=args.seed)
    info = {"epochs": args.cyclegan_epochs, "minutes": round((time.perf_counter() - t0) / 60, 1),
            **cyclegan_quality(model)}
    record = {"steps": [args.cyclegan_epochs], "samples": [model.translate(paired_test_set("dilate", 28, 2)[0][:SNAPSHOT])],
              "log_steps": list(range(1, args.cyclegan_epochs + 1)),
              "logs": {k: [float(x) for x in v] for k, v in history.history.items()}}
    log(f"  cyclegan: {info}")
    return model, record, info


def cyclegan_quality(model):
    """``translation_error`` on the test digits: mean |G(x) − T(x)|, |F(T(x)) − x| and |x − T(x)|."""
    from cv2course.gans.unpaired import translation_error

    return {k: round(v, 4) for k, v in translation_error(model, "dilate", 28, 2).items()}


def save(name, model, record, info, out):
    from cv2course.atomic import atomic_path
    from cv2course.demos import RECORD, demo_files

    out.mkdir(parents=True, exist_ok=True)
    for part, path in demo_files(name).items():
        target = out / path.name
        with atomic_path(target, suffix=".weights.h5") as tmp:  # Keras insists on this suffix
            getattr(model, part).save_weights(tmp)
    arrays = {"steps": np.asarray(record["steps"]), "samples": np.asarray(record["samples"], np.float32),
              "log_steps": np.asarray(record["log_steps"]), "info": json.dumps(info)}
    arrays.update({k: np.asarray(v, np.float32) for k, v in record["logs"].items()})
    with atomic_path(out / RECORD.format(name=name)) as tmp:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)


def evaluate_all(names, real, test, extractor, classifier, seed, log, folder=None):
    from cv2course import demos

    rows = [("held-out test digits (floor)", quality(test, real, extractor, classifier))]
    if folder is not None:
        demos.weights_dir = lambda: Path(folder)  # score the files in ``folder``
    for name in names:
        model = demos.load_demo(name)
        if name == "cyclegan":
            log(f"cyclegan on the 300 test digits: {cyclegan_quality(model)} (mean |G(x) - T(x)|, "
                "|F(T(x)) - x|, and |x - T(x)| for scale)")
            continue
        if name == "vae":
            images, want = model.sample(N_EVAL, seed=seed), None
        else:
            images, want = samples_for(name, model, N_EVAL, seed)
        rows.append((name, quality(images, real, extractor, classifier, want)))
    log(f"\nFD (digits-cnn) to the {len(real)} training digits, {N_EVAL} samples; classes covered of 10 (>= 2%)")
    log(f"{'model':<30} {'FD':>8} {'classes':>8} {'label agreement':>16}")
    for name, q in rows:
        agree = f"{q['label_agreement']:.3f}" if "label_agreement" in q else "-"
        log(f"{name:<30} {q['fd']:8.2f} {q['classes_covered']:8d} {agree:>16}")
    return rows


def main():
    from cv2course.demos import NAMES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="write the weights and records here (e.g. cv2course/weights)")
    parser.add_argument("--only", nargs="+", choices=NAMES, default=list(NAMES))
    parser.add_argument("--steps", type=int, nargs="+", default=[3000],
                        help="generator steps: one value for every GAN, or one per GAN in --only order")
    parser.add_argument("--chunk", type=int, default=50, help="generator steps between recorded samples/logs")
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--vae-epochs", type=int, default=150)
    parser.add_argument("--cyclegan-epochs", type=int, default=6, help="the figure's normal-mode budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evaluate", metavar="FOLDER", help="no training: score the demo weights in FOLDER")
    parser.add_argument("--log", help="also append the progress here")
    args = parser.parse_args()
    gan_names = [n for n in args.only if n not in ("vae", "cyclegan")]
    if len(args.steps) not in (1, len(gan_names)):
        parser.error("--steps takes one value, or one per GAN in --only")
    args.steps = dict(zip(gan_names, args.steps * len(gan_names) if len(args.steps) == 1 else args.steps))
    if not args.out and not args.evaluate:
        parser.error("give --out (train) or --evaluate (score)")

    from cv2course.backbones import digits_classifier
    from cv2course.data import digits
    from cv2course.metrics.features import get_extractor

    log = tee(args.log)

    real, labels = digits(28, "train")
    test = digits(28, "test")[0]
    extractor, classifier = get_extractor("digits-cnn"), digits_classifier()
    if args.evaluate:
        evaluate_all(args.only, real, test, extractor, classifier, args.seed, log, args.evaluate)
        return
    out = Path(args.out)
    for name in args.only:
        if name == "vae":
            model, record, info = train_vae(args, real, extractor, classifier, log)
        elif name == "cyclegan":
            model, record, info = train_cyclegan(args, log)
        else:
            model, record, info = train_gan(name, args, real, labels, extractor, classifier, log)
        save(name, model, record, info, out)
        log(f"{name}: saved to {out} ({json.dumps({k: v for k, v in info.items() if k != 'evals'})})")
    evaluate_all(args.only, real, test, extractor, classifier, args.seed, log, out)


if __name__ == "__main__":
    main()
