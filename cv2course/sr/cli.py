"""``cv2course upscale`` and ``cv2course train-sr``.

    cv2course upscale photo.png --scale 4 -o photo_x4.png
    cv2course upscale astronaut --scale 3 --method bicubic -o astronaut_x3.png
    cv2course upscale photo.png --scale 2 --model edsr_x2.keras -o photo_x2.png
    cv2course train-sr --scale 2 --steps 200 -o edsr_x2.keras
    cv2course train-sr --data T91/ --scale 2 --steps 3000 -o edsr_x2.keras --eval Set5/
"""


def register(sub):
    from cv2course.sr.pretrained import SHIPPED_SCALES

    shipped = ", ".join(map(str, SHIPPED_SCALES))
    p = sub.add_parser("upscale", help="enlarge an image with a super-resolution model (shipped EDSR by default)")
    p.add_argument("image", help="an image file or a sample image name (e.g. astronaut)")
    p.add_argument("--scale", type=int, default=4,
                   help=f"enlargement factor (default 4); shipped models: x{shipped}; interpolation: 2, 3 or 4")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="output image file (.png, .jpg ...)")
    p.add_argument("--model", help="a .keras SR model (e.g. from cv2course train-sr) instead of the shipped EDSR")
    p.add_argument("--method", default="model", choices=("model", "nearest", "bilinear", "bicubic"),
                   help="interpolation instead of a model (default: model)")
    p.set_defaults(func=run_upscale)

    t = sub.add_parser("train-sr", help="train a small EDSR (or WDSR/SRResNet) on a folder of HR images")
    t.add_argument("--data", default=None, help="folder of HR training images (default: scikit-image's photos)")
    t.add_argument("--scale", type=int, default=2)
    t.add_argument("--arch", default="edsr", choices=("edsr", "wdsr-a", "wdsr-b", "srresnet"))
    t.add_argument("--filters", type=int, default=32)
    t.add_argument("--blocks", type=int, default=8)
    t.add_argument("--steps", type=int, default=2000, help="optimizer steps in total (default 2000)")
    t.add_argument("--batch-size", type=int, default=16)
    t.add_argument("--patch-size", type=int, default=96, help="HR patch side, a multiple of the scale (default 96)")
    t.add_argument("--loss", default="l1", choices=("l1", "mse"))
    t.add_argument("--lr", type=float, default=1e-4, help="(peak) learning rate of Adam (default 1e-4)")
    t.add_argument("--schedule", default="constant", choices=("constant", "halving", "cosine"))
    t.add_argument("--checkpoint-dir", help="save checkpoints here and resume from them")
    t.add_argument("--checkpoint-every", type=int, default=500)
    t.add_argument("--eval", metavar="FOLDER", help="evaluate on this folder (e.g. Set5) beside bicubic at the end")
    t.add_argument("-o", "--output", required=True, metavar="MODEL.keras",
                   help="where to write the trained model (.keras, no optimizer)")
    t.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    t.set_defaults(func=run_train)


def run_upscale(args):
    from pathlib import Path

    from cv2course.cli import writing
    from cv2course.data import image_from, save_image
    from cv2course.data.images import IMAGE_SUFFIXES, check_image_side
    from cv2course.sr.resize import METHODS, upscale

    if Path(args.output).suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"-o/--output must be an image file name such as out.png, got {args.output!r}")
    if args.scale < 2:
        raise ValueError(f"--scale must be an integer >= 2, got {args.scale}")
    image = image_from(args.image)
    check_image_side(image.shape[0] * args.scale, image.shape[1] * args.scale, name=f"--scale {args.scale}")
    if args.method in METHODS:
        if args.model:
            raise ValueError("give either --model or --method, not both")
        out, label = upscale(image, args.scale, args.method), args.method
    else:
        from cv2course.sr.inference import model_scale, super_resolve
        from cv2course.sr.pretrained import load_model, pretrained_edsr

        model = load_model(args.model) if args.model else pretrained_edsr(args.scale)
        found = model_scale(model)
        if found != args.scale:
            raise ValueError(f"the model {args.model or model.name} upscales x{found}, but --scale is {args.scale}")
        out, label = super_resolve(model, image), args.model or f"shipped {model.name}"
    with writing(args.output):
        save_image(args.output, out)
    print(f"wrote {args.output}: {image.shape[1]}x{image.shape[0]} -> {out.shape[1]}x{out.shape[0]} ({label})")
    return 0


def build_model(arch, scale, filters, blocks):
    if arch == "edsr":
        from cv2course.sr.edsr import edsr

        return edsr(scale, filters, blocks)
    if arch.startswith("wdsr"):
        from cv2course.sr.wdsr import wdsr

        return wdsr(scale, filters, blocks, variant=arch[-1])
    from cv2course.sr.srresnet import srresnet

    return srresnet(scale, filters, blocks)


def run_train(args):
    import time

    from cv2course.settings import set_seed
    from cv2course.sr.train import export_model, learning_rate_schedule, train_sr

    from cv2course.cli import writing

    if args.scale < 2:
        raise ValueError(f"--scale must be an integer >= 2, got {args.scale}")
    if not args.output.endswith(".keras"):
        raise ValueError(f"-o/--output must end in .keras, got {args.output!r}")
    for name in ("steps", "filters", "batch_size", "patch_size", "checkpoint_every"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be a positive integer, got {getattr(args, name)}")
    set_seed(args.seed)
    model = build_model(args.arch, args.scale, args.filters, args.blocks)
    lr = learning_rate_schedule(args.schedule, args.lr, args.steps)
    t0 = time.perf_counter()
    history = train_sr(model, args.data, args.steps, loss=args.loss, learning_rate=lr, batch_size=args.batch_size,
                       patch_size=args.patch_size, checkpoint_dir=args.checkpoint_dir,
                       checkpoint_every=args.checkpoint_every, seed=args.seed, verbose=0 if args.quiet else "auto")
    with writing(args.output):
        export_model(model, args.output)
    print(f"wrote {args.output}: {args.arch} x{args.scale}, {model.count_params():,} parameters, "
          f"{args.steps} steps, final loss {history['loss'][-1]:.4f}, "
          f"{history['steps_per_second']:.2f} steps/s ({time.perf_counter() - t0:.0f} s in this run)")
    if args.eval:
        from cv2course.sr.evaluate import evaluate

        for method in ("bicubic", model):
            scores = evaluate(method, args.eval, args.scale)
            print(f"{scores.method:>12} x{args.scale}: {scores.mean_psnr:.2f} dB / {scores.mean_ssim:.4f} "
                  f"on {args.eval}")
    return 0
