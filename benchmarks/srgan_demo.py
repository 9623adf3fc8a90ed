"""Train the shipped x4 SRResNet (MSE) and SRGAN (fine-tuned from it) demo models; their PSNR/SSIM table.

    python benchmarks/srgan_demo.py --data ../shared/data/sr --out cv2course/weights --checkpoint ckpt/
    python benchmarks/srgan_demo.py --data ../shared/data/sr --evaluate cv2course/weights

The lesson of the SRGAN talk (bicubic 21.59 dB, SRResNet 23.53 dB, SRGAN 21.15 dB, yet SRGAN looks
sharpest) needs both networks trained from the same start. Stage 1 trains a small SRResNet
(:func:`cv2course.sr.srresnet.srresnet`) for PSNR with MSE and :func:`cv2course.sr.train.train_sr`;
stage 2 copies it into :class:`cv2course.sr.srgan.SRGAN` (``from_srresnet``) and fine-tunes it
with the perceptual loss l_SR = l_VGG + 10⁻³ · l_Gen against a fresh discriminator. Training
data: T91 + ``--extra-images`` with the scale augmentation of ``benchmarks/sr.py``. Offline,
the content loss uses the bundled VGG16 trunk (``--vgg-arch vgg16 --vgg-weights bundled``).
``--checkpoint DIR`` makes both stages resumable (the same command continues); ``--init`` starts
the SRResNet from a trained one (a longer MSE stage in two runs, each with its own cosine schedule).
Scores: Y channel, 8-bit output, ``scale`` pixels shaved; Set5/Set14 with the provided LR images,
``--held-out`` scikit-image photos with MATLAB-bicubic LR images.
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_log import tee  # noqa: E402
from sr import training_images  # noqa: E402

SCALE = 4
FILES = {"srresnet": "srresnet_x4.keras", "srgan": "srgan_x4.keras"}


def train_srresnet(args, pairs, log):
    """Stage 1: SRResNet with MSE (cosine Adam), resumable from ``args.checkpoint``/srresnet."""
    from cv2course.settings import set_seed
    from cv2course.sr.srresnet import srresnet
    from cv2course.sr.train import default_optimizer, learning_rate_schedule, train_sr

    set_seed(args.seed)
    model = srresnet(SCALE, args.filters, args.blocks)
    if args.init:
        from cv2course.sr.pretrained import load_model
        from cv2course.sr.train import transfer_weights

        copied = transfer_weights(load_model(args.init), model)
        log(f"SRResNet: {len(copied)} layers start from {args.init}")
    model.compile(optimizer=default_optimizer(learning_rate_schedule("cosine", args.lr, args.mse_steps)),
                  loss="mean_squared_error")
    ckpt = Path(args.checkpoint) / "srresnet" if args.checkpoint else None
    t0 = time.perf_counter()
    history = train_sr(model, pairs, args.mse_steps, batch_size=args.batch_size, seed=args.seed, verbose=0,
                       checkpoint_dir=ckpt, checkpoint_every=args.chunk)
    log(f"SRResNet: {history['step'][-1]} MSE steps, loss {history['loss'][-1]:.5f}, "
        f"{history['seconds'] / 60:.1f} min training ({(time.perf_counter() - t0) / 60:.1f} min in this run)")
    return model


def train_srgan(args, generator, pairs, log):
    """Stage 2: SRGAN fine-tuning from the SRResNet, ``args.gan_steps`` steps, resumable."""
    from cv2course.settings import set_seed
    from cv2course.sr.srgan import SRGAN, srgan_discriminator

    set_seed(args.seed)
    ckpt = Path(args.checkpoint) / "srgan" if args.checkpoint else None
    progress = {"step": 0, "seconds": 0.0, "logs": []}
    if ckpt is not None and (ckpt / "srgan.keras").is_file():
        gan = SRGAN.load(ckpt / "srgan.keras")
        progress = json.loads((ckpt / "progress.json").read_text())
        log(f"SRGAN: resuming at step {progress['step']}")
    else:
        gan = SRGAN.from_srresnet(generator, content_layer=args.content_layer, vgg_arch=args.vgg_arch,
                                  vgg_weights=args.vgg_weights,
                                  discriminator=srgan_discriminator(filters=args.d_filters, dense=args.d_dense))
        gan.compile()
    from cv2course.atomic import atomic_path

    while progress["step"] < args.gan_steps:
        chunk = min(args.chunk, args.gan_steps - progress["step"])
        t0 = time.perf_counter()
        ds = pairs.dataset(args.gan_batch_size, seed=(args.seed, progress["step"]))
        logs = gan.fit(ds, steps_per_epoch=chunk, epochs=1, verbose=0).history
        progress["step"] += chunk
        progress["seconds"] += time.perf_counter() - t0
        progress["logs"].append({k: round(float(v[-1]), 5) for k, v in logs.items()} | {"step": progress["step"]})
        log(f"  SRGAN step {progress['step']}/{args.gan_steps}: {progress['logs'][-1]} "
            f"({progress['seconds'] / 60:.1f} min)")
        if ckpt is not None:
            ckpt.mkdir(parents=True, exist_ok=True)
            with atomic_path(ckpt / "srgan.keras") as tmp:
                gan.save(tmp)
            with atomic_path(ckpt / "progress.json") as tmp:
                tmp.write_text(json.dumps(progress, indent=1))
    log(f"SRGAN: {progress['step']} steps, {progress['seconds'] / 60:.1f} min training")
    return gan.generator


def score(models, data, held_out):
    """Rows (set, method, PSNR, SSIM) for bicubic and each model."""
    from cv2course.sr.evaluate import evaluate

    sets = [("Set5", data / "Set5"), ("Set14", data / "Set14")] + ([("held-out", list(held_out))] if held_out else [])
    rows = []
    for set_name, folder in sets:
        for name, method in [("bicubic", "bicubic")] + list(models.items()):
            s = evaluate(method, folder, SCALE)
            rows.append((set_name, name, s.mean_psnr, s.mean_ssim))
    return rows


def table(rows, title):
    lines = [title, f"{'set':<9} {'method':<10} {'PSNR':>7} {'SSIM':>7}", "-" * 36]
    lines += [f"{s:<9} {m:<10} {p:7.2f} {q:7.4f}" for s, m, p, q in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with T91/, Set5/, Set14/")
    parser.add_argument("--out", default=None, help=f"write {FILES['srresnet']} and {FILES['srgan']} here")
    parser.add_argument("--evaluate", default=None, metavar="FOLDER", help="no training: score the files in FOLDER")
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--mse-steps", type=int, default=1500)
    parser.add_argument("--gan-steps", type=int, default=400)
    parser.add_argument("--chunk", type=int, default=100, help="steps between checkpoints")
    parser.add_argument("--batch-size", type=int, default=16, help="SRResNet batch")
    parser.add_argument("--gan-batch-size", type=int, default=8, help="SRGAN batch")
    parser.add_argument("--patch-lr", type=int, default=24, help="LR patch side (HR = 4 x this; the paper's 96)")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak Adam learning rate of the MSE stage (cosine)")
    parser.add_argument("--content-layer", default="vgg22", choices=("vgg22", "vgg54"))
    parser.add_argument("--vgg-arch", default="vgg16", choices=("vgg16", "vgg19"))
    parser.add_argument("--vgg-weights", default="bundled")
    parser.add_argument("--d-filters", type=int, default=32)
    parser.add_argument("--d-dense", type=int, default=256)
    parser.add_argument("--extra-images", nargs="+", default=[], metavar="NAME")
    parser.add_argument("--held-out", nargs="+", default=[], metavar="NAME")
    parser.add_argument("--checkpoint", default=None, metavar="DIR")
    parser.add_argument("--generator", default=None, metavar="MODEL",
                        help="skip stage 1: fine-tune this PSNR-trained x4 model (e.g. an EDSR) with SRGAN's losses")
    parser.add_argument("--init", default=None, metavar="MODEL",
                        help="start the SRResNet from this trained one (a continued MSE stage with a new schedule)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log", default=None)
    args = parser.parse_args()

    from cv2course.sr.data import PatchPairs
    from cv2course.sr.pretrained import load_model
    from cv2course.sr.train import export_model

    data, log = Path(args.data), tee(args.log)
    if args.evaluate:
        models = {name: load_model(Path(args.evaluate) / f) for name, f in FILES.items()}
        log(table(score(models, data, args.held_out), f"x{SCALE} models in {args.evaluate}; PSNR (dB) / SSIM on Y"))
        return
    images = training_images(data / "T91", args.extra_images, args.held_out)
    pairs = PatchPairs(images, SCALE, args.patch_lr * SCALE, seed=args.seed)
    log(f"{len(images)} training images, LR patches {args.patch_lr}x{args.patch_lr}")
    if args.generator:  # stage 1 done elsewhere: fine-tune this PSNR-trained model instead of an SRResNet
        srresnet = load_model(args.generator)
        log(f"SRGAN starts from {args.generator} ({srresnet.count_params():,} parameters)")
        srgan = train_srgan(args, srresnet, pairs, log)
        if args.out:
            out = export_model(srgan, Path(args.out) / f"{Path(args.generator).stem}_srgan.keras")
            log(f"  exported {out} ({out.stat().st_size / 1024:.0f} KB)")
        log(table(score({Path(args.generator).stem: srresnet, "+SRGAN": srgan}, data, args.held_out),
                  f"{args.generator} fine-tuned by SRGAN for {args.gan_steps} steps; PSNR (dB) / SSIM on Y"))
        return
    srresnet = train_srresnet(args, pairs, log)
    if args.out:
        out = export_model(srresnet, Path(args.out) / FILES["srresnet"])
        log(f"  exported {out} ({out.stat().st_size / 1024:.0f} KB)")
    srgan = train_srgan(args, srresnet, pairs, log)
    if args.out:
        out = export_model(srgan, Path(args.out) / FILES["srgan"])
        log(f"  exported {out} ({out.stat().st_size / 1024:.0f} KB)")
    log(table(score({"SRResNet": srresnet, "SRGAN": srgan}, data, args.held_out),
              f"SRResNet {args.filters} filters x {args.blocks} blocks; SRGAN {args.gan_steps} steps "
              f"({args.content_layer} on {args.vgg_arch}); PSNR (dB) / SSIM on Y"))


if __name__ == "__main__":
    main()
