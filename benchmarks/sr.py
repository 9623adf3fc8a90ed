"""Train the shipped SR models on T91 with the package's own training; Set5/Set14 PSNR/SSIM vs bicubic.

    python benchmarks/sr.py --data ../shared/data/sr --export cv2course/weights     # train x2, x3, x4 and ship them
    python benchmarks/sr.py --data ../shared/data/sr --scales 3 --init edsr_x2.keras   # one scale from a trained x2
    python benchmarks/sr.py --data ../shared/data/sr --evaluate cv2course/weights   # only the table of saved models
    python benchmarks/sr.py --data ../shared/data/sr --scales 4 --filters 48 --extra-images camera coins \
        --held-out astronaut chelsea --checkpoint ckpt/ --export out/   # resumable; scores a held-out set too

``--data`` is a folder with T91/ (training HR images) and Set5/, Set14/ (x{2,3,4}/ *_HR.png,
*_LR.png). Training data: the 91 T91 images and copies shrunk by 0.9, 0.8, 0.7 and 0.6 (the
usual T91 scale augmentation, MATLAB bicubic), LR made with MATLAB bicubic; random aligned
patches with the 8 flips/rotations of the square (:class:`cv2course.sr.data.PatchPairs`).
x2 trains first from scratch; x3 and x4 start from the trained x2 body (EDSR's trick,
:func:`cv2course.sr.train.transfer_weights`). Each scale runs ``--steps`` steps of
:func:`cv2course.sr.train.train_sr` (L1, Adam, cosine decay), in chunks of ``--eval-every``
steps; after each chunk Set5 PSNR is measured and the best weights are kept (``--minutes``
optionally caps the wall time of a scale; training then stops after the current chunk).
Scores use the provided LR images and the papers' protocol (Y channel, 8-bit output,
``scale`` pixels shaved).

``--extra-images`` adds scikit-image photos (with the same scale augmentation) to T91;
``--held-out`` names photos that are only scored (LR by MATLAB bicubic), never trained on
nor used to pick the kept weights (Set5 picks them). ``--checkpoint DIR`` makes a killed
run resumable: the same command continues from the last Set5 check.
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_log import tee  # noqa: E402

SCALE_AUGMENTATION = (1.0, 0.9, 0.8, 0.7, 0.6)


def training_images(folder, extra=(), held_out=()):
    """T91 plus the ``extra`` sample photos, and their shrunk copies (``SCALE_AUGMENTATION``), float RGB [0, 1]."""
    from cv2course.data import image_folder, sample_image
    from cv2course.sr.resize import imresize

    leaked = sorted(set(extra) & set(held_out))
    if leaked:
        raise SystemExit(f"--extra-images and --held-out share {leaked}: a held-out photo must not be trained on")
    images = image_folder(folder) + [sample_image(name) for name in extra]
    return [img if f == 1.0 else imresize(img, f, uint8=True) for f in SCALE_AUGMENTATION for img in images]


def table(rows, title):
    lines = [title, f"{'set':<6} {'scale':>5}  {'bicubic':>14}  {'model':>14}  {'gain':>7}",
             "-" * 54]
    for name, scale, bp, bs, mp, ms in rows:
        lines.append(f"{name:<6} {'x' + str(scale):>5}  {bp:6.2f}/{bs:.4f}  {mp:6.2f}/{ms:.4f}  {mp - bp:+6.2f}")
    return "\n".join(lines)


def score(models, data, scales, held_out=()):
    from cv2course.sr.evaluate import evaluate

    sets = [("Set5", data / "Set5"), ("Set14", data / "Set14")] + ([("held", list(held_out))] if held_out else [])
    rows = []
    for scale in scales:
        for name, folder in sets:
            bic = evaluate("bicubic", folder, scale)
            net = evaluate(models[scale], folder, scale)
            rows.append((name, scale, bic.mean_psnr, bic.mean_ssim, net.mean_psnr, net.mean_ssim))
    return rows


def load_progress(folder):
    """(curve, best Set5 PSNR, best weights file) saved by an interrupted run in ``folder``."""
    curve_file, best_file = folder / "curve.json", folder / "best.npz"
    if not curve_file.is_file():
        return [], -1.0, best_file
    curve = json.loads(curve_file.read_text())
    return curve, max(c["set5_psnr"] for c in curve), best_file


def save_progress(folder, curve, model=None):
    """The curve so far and, when given, ``model``'s weights as the best ones (both atomic)."""
    from cv2course.atomic import atomic_path

    if model is not None:
        import numpy as np

        with atomic_path(folder / "best.npz") as tmp:
            np.savez(tmp, *model.get_weights())
    with atomic_path(folder / "curve.json") as tmp:
        tmp.write_text(json.dumps(curve, indent=1))


def train_scale(args, scale, images, init, log):
    """Train one scale; returns the model holding its best Set5 weights and a summary."""
    import keras

    from cv2course.settings import set_seed
    from cv2course.sr.cli import build_model
    from cv2course.sr.data import PatchPairs
    from cv2course.sr.evaluate import evaluate
    from cv2course.sr.train import default_optimizer, learning_rate_schedule, train_sr, transfer_weights

    set_seed(args.seed)
    steps = args.steps[args.scales.index(scale)]
    model = build_model(args.arch, scale, args.filters, args.blocks)
    copied = transfer_weights(init, model) if init is not None else []
    pairs = PatchPairs(images, scale, args.patch_lr * scale, seed=args.seed)
    model.compile(optimizer=default_optimizer(learning_rate_schedule("cosine", args.lr, steps)),
                  loss="mean_absolute_error")
    set5 = Path(args.data) / "Set5"
    ckpt = Path(args.checkpoint) / f"x{scale}" if args.checkpoint else None
    best, best_psnr, curve = None, -1.0, []
    if ckpt is not None:
        ckpt.mkdir(parents=True, exist_ok=True)
        curve, best_psnr, best_file = load_progress(ckpt)
        if curve:
            log(f"  x{scale}: resuming from {ckpt} at step {curve[-1]['step']} (best Set5 {best_psnr:.2f} dB)")
    earlier = curve[-1]["minutes"] if curve else 0.0  # minutes spent before this run
    done, t0 = (curve[-1]["step"] if curve else 0), time.perf_counter()
    while done < steps:
        target = min(steps, done + args.eval_every)
        train_sr(model, pairs, target, batch_size=args.batch_size, seed=args.seed, verbose=0,
                 checkpoint_dir=ckpt, checkpoint_every=args.eval_every)
        done = target
        p = evaluate(model, set5, scale).mean_psnr
        minutes = earlier + (time.perf_counter() - t0) / 60
        curve.append({"step": done, "set5_psnr": round(p, 3), "minutes": round(minutes, 2)})
        log(f"  x{scale} step {done}/{steps}: Set5 {p:.2f} dB ({minutes:.1f} min)")
        if p > best_psnr:
            best, best_psnr = model.get_weights(), p
        if ckpt is not None:
            save_progress(ckpt, curve, model if best is not None and p == best_psnr else None)
        if args.minutes and minutes > args.minutes:
            log(f"  x{scale}: time cap of {args.minutes} min reached at step {done}")
            break
    if best is not None:
        model.set_weights(best)
    elif ckpt is not None and best_file.is_file():
        import numpy as np

        with np.load(best_file) as saved:
            model.set_weights([saved[f"arr_{i}"] for i in range(len(saved.files))])
    summary = {"scale": scale, "steps": done, "minutes": round(earlier + (time.perf_counter() - t0) / 60, 1),
               "params": model.count_params(), "init_from_x2": copied != [], "curve": curve,
               "best_set5": round(best_psnr, 3)}
    del keras
    return model, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with T91/, Set5/, Set14/")
    parser.add_argument("--scales", type=int, nargs="+", default=[2, 3, 4], help="x2 first: the others start from it")
    parser.add_argument("--arch", default="edsr", choices=("edsr", "wdsr-a", "wdsr-b"))
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--steps", type=int, nargs="+", default=None,
                        help="steps per scale: one value, or one per scale (default 5000 for x2, 1500 for x3/x4)")
    parser.add_argument("--minutes", type=float, default=0, help="optional wall-time cap per scale (0: none)")
    parser.add_argument("--eval-every", type=int, default=500, help="steps between Set5 checks (best kept)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--patch-lr", type=int, default=32, help="LR patch side (HR patch = scale x this)")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak Adam learning rate (cosine decay to 1%%)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init", default=None, metavar="MODEL",
                        help="start the scales from this trained model's body (e.g. an exported edsr_x2.keras) "
                             "instead of training x2 first")
    parser.add_argument("--export", default=None, help="write the trained models here as edsr_x{s}.keras")
    parser.add_argument("--evaluate", default=None, metavar="FOLDER",
                        help="no training: score the edsr_x{s}.keras files in FOLDER")
    parser.add_argument("--log", default=None, help="also write the progress and summaries (JSON) here")
    parser.add_argument("--extra-images", nargs="+", default=[], metavar="NAME",
                        help="scikit-image photos added to T91 for training (e.g. camera coins brick)")
    parser.add_argument("--held-out", nargs="+", default=[], metavar="NAME",
                        help="scikit-image photos scored as a third set, never trained on (e.g. astronaut chelsea)")
    parser.add_argument("--checkpoint", default=None, metavar="DIR",
                        help="save progress here after every Set5 check; the same command resumes a killed run")
    args = parser.parse_args()
    if args.steps is None:
        args.steps = [5000 if s == 2 else 1500 for s in args.scales]
    if len(args.steps) == 1:
        args.steps = args.steps * len(args.scales)
    if len(args.steps) != len(args.scales):
        parser.error("--steps takes one value, or one per scale")

    from cv2course.sr.pretrained import load_model
    from cv2course.sr.train import export_model

    data = Path(args.data)
    log = tee(args.log)

    if args.evaluate:
        models = {s: load_model(Path(args.evaluate) / f"edsr_x{s}.keras") for s in args.scales}
        for s, m in models.items():
            log(f"x{s}: {m.count_params():,} parameters")
        log(table(score(models, data, args.scales, args.held_out),
                  f"saved models in {args.evaluate}; PSNR (dB) / SSIM on Y"))
        return

    images = training_images(data / "T91", args.extra_images, args.held_out)
    log(f"{len(images)} training images ((T91 + {len(args.extra_images)} photos) x {len(SCALE_AUGMENTATION)} sizes)")
    models, summaries = {}, []
    init = load_model(args.init) if args.init else None
    if init is not None:
        log(f"initialising from {args.init}")
    for scale in args.scales:
        model, summary = train_scale(args, scale, images, init, log)
        models[scale], init = model, (model if scale == 2 else init)
        summaries.append(summary)
        log(json.dumps(summary))
        if args.export:
            out = export_model(model, Path(args.export) / f"edsr_x{scale}.keras")
            log(f"  exported {out} ({out.stat().st_size / 1024:.0f} KB)")
    log(table(score(models, data, args.scales, args.held_out),
              f"{args.arch} {args.filters} filters x {args.blocks} blocks, L1, Adam {args.lr:g} cosine, batch "
              f"{args.batch_size}, LR patch {args.patch_lr}, T91 + scale aug.; PSNR (dB) / SSIM on Y, provided LR"))


if __name__ == "__main__":
    main()
