"""Train small EDSR models on T91 with the package's own training; Set5/Set14 PSNR/SSIM vs bicubic.

    python benchmarks/sr.py --data ../shared/data/sr                      # x2 and x4, defaults below (< 20 min)
    python benchmarks/sr.py --data ../shared/data/sr --export cv2course/weights   # also writes the shipped models

``--data`` is a folder with T91/ (training HR images) and Set5/, Set14/ (x{2,3,4}/ *_HR.png,
*_LR.png). Each scale is trained with ``cv2course train-sr`` (the same code path as the CLI)
for a fixed number of ``--steps`` (optionally capped by ``--minutes`` per scale, at a checkpoint
boundary), from a fresh checkpoint folder under ``--work``. The defaults (16 filters, 4 blocks,
700 steps of batch 16 per scale) take about 15 minutes for x2 and x4 together on 2 shared cores. Scores use the provided LR
images and the papers' protocol (Y channel, 8-bit output, ``scale`` pixels shaved).
"""
import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def train_command(args, scale, out, work):
    cmd = ["train-sr", "--data", str(Path(args.data) / "T91"), "--scale", str(scale), "--arch", "edsr",
           "--filters", str(args.filters), "--blocks", str(args.blocks), "--steps", str(args.steps),
           "--batch-size", str(args.batch_size), "--patch-size", str(args.patch_lr * scale),
           "--loss", "l1", "--lr", str(args.lr), "--schedule", args.schedule,
           "--checkpoint-dir", str(work / f"x{scale}"), "--checkpoint-every", str(args.checkpoint_every),
           "--seed", str(args.seed), "-o", str(out), "--quiet"]
    return cmd


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with T91/, Set5/, Set14/")
    parser.add_argument("--scales", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--steps", type=int, default=700, help="training steps per scale")
    parser.add_argument("--minutes", type=float, default=0,
                        help="optional wall-time cap per scale: training stops at the next checkpoint after it "
                             "(default 0: none, so that the result depends only on the fixed step count)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--patch-lr", type=int, default=32, help="LR patch side (HR patch = scale x this)")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--schedule", default="cosine", choices=("constant", "halving", "cosine"))
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", default="/tmp/cv2course_sr_benchmark", help="checkpoints (deleted first)")
    parser.add_argument("--export", default=None, help="copy the trained models here as edsr_x{s}.keras")
    parser.add_argument("--keep", action="store_true", help="resume from existing checkpoints in --work")
    args = parser.parse_args()

    import json

    from cv2course.settings import set_seed
    from cv2course.sr.cli import build_model
    from cv2course.sr.evaluate import evaluate
    from cv2course.sr.pretrained import load_model
    from cv2course.sr.train import export_model, learning_rate_schedule, train_sr

    data, work = Path(args.data), Path(args.work)
    if not args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in args.scales:
        out = work / f"edsr_x{scale}.keras"
        print("command: cv2course " + " ".join(train_command(args, scale, out, work)), flush=True)
        # The same steps as `cv2course train-sr` (cv2course/sr/cli.py run_train), plus the time cap.
        set_seed(args.seed)
        model = build_model("edsr", scale, args.filters, args.blocks)
        lr = learning_rate_schedule(args.schedule, args.lr, args.steps)
        t0 = time.perf_counter()
        history = train_sr(model, str(data / "T91"), args.steps, loss="l1", learning_rate=lr,
                           batch_size=args.batch_size, patch_size=args.patch_lr * scale,
                           checkpoint_dir=work / f"x{scale}", checkpoint_every=args.checkpoint_every,
                           seed=args.seed, time_limit=60 * args.minutes if args.minutes else None, verbose=0)
        minutes = (time.perf_counter() - t0) / 60
        export_model(model, out)
        done = history["step"][-1]
        print(f"x{scale}: {done} steps in {minutes:.1f} min ({history['steps_per_second']:.2f} steps/s), "
              f"{model.count_params():,} parameters, {out.stat().st_size / 1024:.0f} KB, "
              f"loss {history['loss'][0]:.4f} -> {history['loss'][-1]:.4f}", flush=True)
        trained = load_model(out)
        for name in ("Set5", "Set14"):
            bic = evaluate("bicubic", data / name, scale)
            net = evaluate(trained, data / name, scale)
            rows.append((name, scale, bic.mean_psnr, bic.mean_ssim, net.mean_psnr, net.mean_ssim, done,
                         history["steps_per_second"], minutes))
            print(f"  {name} x{scale}: bicubic {bic.mean_psnr:.2f}/{bic.mean_ssim:.4f}  "
                  f"EDSR {net.mean_psnr:.2f}/{net.mean_ssim:.4f}  gain {net.mean_psnr - bic.mean_psnr:+.2f} dB",
                  flush=True)
        if args.export:
            Path(args.export).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out, Path(args.export) / out.name)
            print(f"  exported {Path(args.export) / out.name}")
        (work / f"history_x{scale}.json").write_text(json.dumps(history))

    print(f"\nEDSR {args.filters} filters x {args.blocks} blocks, L1, Adam {args.lr:g} ({args.schedule}), "
          f"batch {args.batch_size}, LR patch {args.patch_lr}, trained on T91; PSNR (dB) / SSIM on Y, "
          "provided LR images")
    print(f"{'set':<6} {'scale':>5}  {'bicubic':>16}  {'EDSR (ours)':>16}  {'gain':>7}  {'steps':>6}  "
          f"{'steps/s':>7}  {'minutes':>7}")
    for name, scale, bp, bs, np_, ns, steps, sps, mins in rows:
        print(f"{name:<6} {'x' + str(scale):>5}  {bp:8.2f}/{bs:.4f}  {np_:8.2f}/{ns:.4f}  {np_ - bp:+6.2f}  "
              f"{steps:6d}  {sps:7.2f}  {mins:7.1f}")


if __name__ == "__main__":
    main()
