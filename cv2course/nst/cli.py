"""``cv2course stylize CONTENT STYLE -o OUT.png``: neural style transfer from the command line.

    cv2course stylize chelsea immunohistochemistry -o out.png --size 256
    cv2course stylize tuebingen.jpg starry_night.jpg -o out.png
    cv2course stylize astronaut starry_night.jpg -o out.png --preset tf_tutorial --steps 300
    cv2course stylize chelsea a.jpg b.jpg --blend 0.7 0.3 -o out.png --preserve-color

CONTENT and STYLE are image files or sample-image names (``cv2course sample-image --list``).
"""

PRESET_CHOICES = ("course", "gatys", "tf_tutorial")
MAX_SIZE = 2048  # pixels on the longer side


def check_size(size):
    """``--size`` must fit in memory: VGG's first block keeps 64 float32 channels per pixel."""
    if size > MAX_SIZE:
        gigabytes = size * size * 64 * 4 / 1e9
        raise ValueError(f"--size must be at most {MAX_SIZE} pixels, got {size}: style transfer keeps VGG's "
                         f"activations, 64 float32 channels per pixel in its first block alone "
                         f"({gigabytes:.0f} GB at {size} px, 1 GB at {MAX_SIZE}); try --size 512")


def run(args):
    import sys
    import warnings

    from cv2course import settings
    from cv2course.checks import check_positive
    from cv2course.cli import writing
    from cv2course.data import save_image
    from cv2course.data.images import IMAGE_SUFFIXES
    from cv2course.nst.presets import preset
    from cv2course.nst.transfer import StyleTransfer

    from pathlib import Path

    if Path(args.output).suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"-o/--output must end in one of {IMAGE_SUFFIXES}, got {args.output!r}")
    config = preset(args.preset)
    steps = args.steps if args.steps is not None else settings.pick(config["steps"], 5)
    size = args.size if args.size is not None else settings.pick(config["size"], 64)
    check_positive(steps, "--steps", allow_zero=True, integer=True)
    check_positive(size, "--size", integer=True)
    check_size(size)
    if args.blend is not None and len(args.blend) != len(args.style):
        raise ValueError(f"--blend needs one weight per style image ({len(args.style)}), got {len(args.blend)}")
    overrides = {"weights": args.weights} if args.weights else {}
    if args.arch:
        overrides["arch"] = args.arch
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        st = StyleTransfer.from_preset(args.preset, **overrides)
        style = args.style if len(args.style) > 1 else args.style[0]
        result = st.run(args.content, style, steps=steps, size=size, optimizer=args.optimizer,
                        init=args.init, style_blend=args.blend, preserve_color=args.preserve_color,
                        verbose=args.verbose, seed=args.seed)
    for w in caught:
        if issubclass(w.category, UserWarning):
            print(f"warning: {w.message}", file=sys.stderr)
    with writing(args.output):
        save_image(args.output, result.image)
    h = result.history
    print(f"wrote {args.output} ({result.image.shape[1]}x{result.image.shape[0]}) in {result.seconds:.1f} s: "
          f"{steps} {args.optimizer or st.settings.optimizer} steps, preset {args.preset}, {result.weights_label}")
    print(f"loss {h['total'][0]:.4g} -> {h['total'][-1]:.4g} (content {h['content'][-1]:.4g}, "
          f"style {h['style'][-1]:.4g}, tv {h['tv'][-1]:.4g})")
    return 0


def register(sub):
    p = sub.add_parser("stylize", help="neural style transfer: paint CONTENT in the style of STYLE",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("content", metavar="CONTENT", help="content image file or sample-image name")
    p.add_argument("style", metavar="STYLE", nargs="+", help="style image file(s) or sample-image name(s)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.png", help="where to write the result")
    p.add_argument("--preset", default="course", choices=PRESET_CHOICES,
                   help="course (default: L-BFGS, about a minute at 256 px), gatys, tf_tutorial")
    p.add_argument("--steps", type=int, default=None,
                   help="optimisation steps (default: the preset's; 5 in quick mode)")
    p.add_argument("--size", type=int, default=None,
                   help=f"longer side in pixels, at most {MAX_SIZE} (default: the preset's; 64 in quick mode)")
    p.add_argument("--optimizer", choices=("adam", "lbfgs"), default=None, help="default: the preset's")
    p.add_argument("--init", choices=("content", "content_in_style_colors", "noise", "style"), default=None,
                   help="start image (default: the preset's)")
    p.add_argument("--preserve-color", action="store_true", help="luminance-only transfer: keep the photo's colours")
    p.add_argument("--blend", type=float, nargs="+", default=None, metavar="W", help="weights of several style images")
    p.add_argument("--arch", choices=("vgg16", "vgg19"), default=None, help="VGG variant (default: the preset's)")
    p.add_argument("--weights", default=None,
                   help="auto (default), imagenet, bundled or a weights file; auto falls back to the bundled VGG16")
    p.add_argument("--verbose", type=int, default=1, help="0 hides the progress bar")
    p.set_defaults(func=run)
