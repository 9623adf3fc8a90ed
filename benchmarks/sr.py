"""Train the shipped SR models on T91 with the package's own training; Set5/Set14 PSNR/SSIM vs bicubic.

    python benchmarks/sr.py --data ../shared/data/sr --export cv2course/weights     # train x2, x3, x4 and ship them
    python benchmarks/sr.py --data ../shared/data/sr --scales 3 --init edsr_x2.keras   # one scale from a trained x2
    python benchmarks/sr.py --data ../shared/data/sr --evaluate cv2course/weights   # only the table of saved models

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


def training_images(folder):
    """T91 and its shrunk copies (``SCALE_AUGMENTATION``), float RGB [0, 1]."""
    from cv2course.data import image_folder
    from cv2course.sr.resize import imresize

    images = image_folder(folder)
    return [img if f == 1.0 else imresize(img, f, uint8=True) for f in SCALE_AUGMENTATION for img in images]


def table(rows, title):
    lines = [title, f"{'set':<6} {'scale':>5}  {'bicubic':>14}  {'model':>14}  {'gain':>7}",
             "-" * 54]
    for name, scale, bp, bs, mp, ms in rows:
        lines.append(f"{name:<6} {'x' + str(scale):>5}  {bp:6.2f}/{bs:.4f}  {mp:6.2f}/{ms:.4f}  {mp - bp:+6.2f}")
    return "\n".join(lines)


def score(models, data, scales):
    from cv2course.sr.evaluate import evaluate

    rows = []
    for scale in scales:
        for name in ("Set5", "Set14"):
            bic = evaluate("bicubic", data / name, scale)
            net = evaluate(models[scale], data / name, scale)
            rows.append((name, scale, bic.mean_psnr, bic.mean_ssim, net.mean_psnr, net.mean_ssim))
    return rows


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
    best, best_psnr, curve, t0 = None, -1.0, [], time.perf_counter()
    done = 0
    while done < steps:
        target = min(steps, done + args.eval_every)
        train_sr(model, pairs, target, batch_size=args.batch_size, seed=args.seed, verbose=0)
        done = target
        p = evaluate(model, set5, scale).mean_psnr
        minutes = (time.perf_counter() - t0) / 60
        curve.append({"step": done, "set5_psnr": round(p, 3), "minutes": round(minutes, 2)})
        log(f"  x{scale} step {done}/{steps}: Set5 {p:.2f} dB ({minutes:.1f} min)")
        if p > best_psnr:
            best, best_psnr = model.get_weights(), p
        if args.minutes and minutes > args.minutes:
            log(f"  x{scale}: time cap of {args.minutes} min reached at step {done}")
            break
    model.set_weights(best)
    summary = {"scale": scale, "steps": done, "minutes": round((time.perf_counter() - t0) / 60, 1),
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
        log(table(score(models, data, args.scales), f"saved models in {args.evaluate}; PSNR (dB) / SSIM on Y"))
        return

    images = training_images(data / "T91")
    log(f"{len(images)} training images (T91 x {len(SCALE_AUGMENTATION)} sizes)")
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
    log(table(score(models, data, args.scales),
              f"{args.arch} {args.filters} filters x {args.blocks} blocks, L1, Adam {args.lr:g} cosine, batch "
              f"{args.batch_size}, LR patch {args.patch_lr}, T91 + scale aug.; PSNR (dB) / SSIM on Y, provided LR"))


if __name__ == "__main__":
    main()
