"""``cv2course train MODEL -o MODEL.keras``: train a GAN, WGAN, WGAN-GP, conditional GAN or VAE.

    cv2course train gan --epochs 20 -o gan.keras
    cv2course train wgan-gp --epochs 5 -o wgan_gp.keras
    cv2course train cgan --epochs 20 -o cgan.keras --samples cgan.png
    cv2course train vae --data faces/ --size 32 --epochs 10 -o vae.keras
    cv2course train gan --epochs 10 -o gan.keras --restart

The data are the embedded digits (scikit-learn's 1,797 8x8 digits, resized) or a folder of
images (``--data``; for ``cgan`` its subfolders are the classes). The model is saved to
``-o`` after every epoch (atomically), so a run that is stopped loses at most one epoch:
the same command again resumes from the file, weights and optimizer state, and trains
``--epochs`` more epochs (``--restart`` starts afresh instead).
"""

MODELS = ("gan", "wgan", "wgan-gp", "cgan", "vae")


def model_classes():
    """MODEL name -> the class its saved file holds (importing them also registers them with Keras)."""
    from cv2course.autoencoders.vae import VAE
    from cv2course.gans.cgan import ConditionalGAN
    from cv2course.gans.gan import GAN
    from cv2course.gans.wgan import WGAN
    from cv2course.gans.wgan_gp import WGANGP

    return {"gan": GAN, "wgan": WGAN, "wgan-gp": WGANGP, "cgan": ConditionalGAN, "vae": VAE}


def training_data(name, folder, size):
    """(images NHWC in [0, 1], integer labels or None) for model ``name``."""
    import numpy as np

    if folder is None:
        from cv2course.data import digits

        images, labels = digits(size=size, split="train")
        return images, (labels if name == "cgan" else None)
    from pathlib import Path

    from cv2course.data import image_folder

    images, paths = image_folder(folder, size=size, return_paths=True)
    if name != "cgan":
        return images, None
    classes = [Path(p).relative_to(folder).parts[0] if len(Path(p).relative_to(folder).parts) > 1 else None
               for p in paths]
    names = sorted({c for c in classes if c is not None})
    if None in classes or len(names) < 2:
        raise ValueError(f"--data {folder!r}: cgan needs labels, so put the images in one subfolder per class "
                         f"(at least two); found classes {names} and {classes.count(None)} image(s) outside them")
    print(f"classes: {', '.join(f'{i}={c}' for i, c in enumerate(names))}")
    return images, np.array([names.index(c) for c in classes], dtype=np.int64)


def new_model(name, image_shape, num_classes, quick, seed):
    from cv2course.autoencoders.vae import conv_vae

    size, channels = image_shape[0], image_shape[2]
    if name == "vae":
        return conv_vae(input_shape=image_shape, latent_dim=2, seed=seed)
    kwargs = {"image_size": size, "channels": channels, "base_filters": 16 if quick else 64, "seed": seed}
    if name == "cgan":
        kwargs["num_classes"] = num_classes
    return model_classes()[name](**kwargs)


def load_saved(name, path):
    """The model in ``path`` (to resume), checked to be a ``name`` model."""
    import keras

    cls = model_classes()[name]
    model = keras.models.load_model(path)
    if type(model) is not cls:
        raise ValueError(f"-o/--output {str(path)!r} holds a {type(model).__name__}, not a {cls.__name__} ({name}); "
                         "give another -o/--output, or --restart to overwrite it")
    return model


def steps_done(model):
    """Optimizer steps taken so far (generator steps for a GAN)."""
    optimizer = getattr(model, "generator_optimizer", None) or model.optimizer
    return int(optimizer.iterations.numpy())


def model_input_shape(model):
    return tuple(model.image_shape) if hasattr(model, "image_shape") else tuple(model.input_dims)


def save_every_epoch(path):
    """A callback that saves the whole model (with optimizer state) to ``path`` after each epoch, atomically."""
    import keras

    from cv2course.atomic import atomic_path

    class SaveEachEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            with atomic_path(path) as tmp:
                self.model.save(tmp)

    return SaveEachEpoch()


def save_samples(model, path, seed):
    """A grid of generated (or, for the VAE, decoded) samples."""
    import numpy as np

    from cv2course.viz import image_grid

    if hasattr(model, "num_classes"):
        images = model.generate(np.repeat(np.arange(model.num_classes), 8), seed=seed)
    elif hasattr(model, "generate"):
        images = model.generate(64, seed=seed)
    else:
        z = np.random.default_rng(seed).standard_normal((64, model.latent_dim)).astype(np.float32)
        images = np.asarray(model.decoder(z, training=False))
    from cv2course.data import save_image

    save_image(path, image_grid(images, ncols=8))


def fast_path_jit(args, images, labels, num_classes):
    """XLA for this model's step: ``--jit-compile on|off``, else the choice measured on this machine
    (:mod:`cv2course.fastpath`: a few steps each way on a throwaway model of the same shapes)."""
    from cv2course import fastpath, settings

    explicit = {"on": True, "off": False}.get(args.jit_compile)
    if args.model == "vae" and explicit is None:
        return None  # the VAE keeps Keras' own default; the fast path is measured for the GANs

    def make_step(jit_compile):
        probe = new_model(args.model, images.shape[1:], num_classes, settings.QUICK, args.seed)
        probe.compile(jit_compile=jit_compile)
        data = probe.make_dataset(images, labels=labels, batch_size=args.batch_size, seed=args.seed, repeat=True)
        probe.fit(data, epochs=1, steps_per_epoch=1, verbose=0)  # builds the optimizers, traces the step
        batches = iter(data)
        return lambda: probe.train_function(batches)

    task = f"train {args.model} {images.shape[1]}x{images.shape[2]}x{images.shape[3]} batch {args.batch_size}"
    return fastpath.choose_jit(task, make_step, explicit=explicit)


def run(args):
    from pathlib import Path

    from cv2course import settings
    from cv2course.checks import check_positive
    from cv2course.cli import writing
    from cv2course.data.images import IMAGE_SUFFIXES

    out = Path(args.output)
    if out.suffix != ".keras":
        raise ValueError(f"-o/--output must end in .keras (the model is saved there after each epoch), "
                         f"got {args.output!r}")
    if args.samples and Path(args.samples).suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"--samples must be an image file such as samples.png, got {args.samples!r}")
    epochs = args.epochs if args.epochs is not None else settings.pick(20, 1)
    check_positive(epochs, "--epochs", integer=True)
    check_positive(args.batch_size, "--batch-size", integer=True)
    check_positive(args.size, "--size", integer=True)
    if out.is_dir():
        raise ValueError(f"-o/--output {args.output!r} is a folder; give a file name such as model.keras")
    settings.set_seed(args.seed)
    images, labels = training_data(args.model, args.data, args.size)
    if out.exists() and not args.restart:
        model = load_saved(args.model, out)
        if model_input_shape(model) != images.shape[1:]:
            raise ValueError(f"{args.output!r} was trained on images of shape {model_input_shape(model)}, but the "
                             f"data are {images.shape[1:]}; give the same --size and data, or --restart")
        print(f"resuming from {out} ({steps_done(model)} steps done); {epochs} more epoch(s)")
        jit_compile = fast_path_jit(args, images, labels, getattr(model, "num_classes", None))
        if jit_compile is not None:
            model.jit_compile = jit_compile
    else:
        num_classes = int(labels.max()) + 1 if labels is not None else None
        model = new_model(args.model, images.shape[1:], num_classes, settings.QUICK, args.seed)
        model.compile(jit_compile=fast_path_jit(args, images, labels, num_classes))
    per_step = args.batch_size * getattr(model, "discriminator_steps", 1)
    if len(images) < per_step:
        raise ValueError(f"the data hold {len(images)} images, fewer than one training step takes ({per_step} = "
                         f"--batch-size {args.batch_size} x {per_step // args.batch_size} discriminator step(s)); "
                         "give more images or a smaller --batch-size")
    if settings.QUICK:  # a few steps: 256 images, or one batch for all of a WGAN's critic steps
        n = max(256, per_step)
        images, labels = images[:n], (None if labels is None else labels[:n])
    if args.model == "vae":
        fit_args = {"x": images, "batch_size": args.batch_size, "shuffle": True}
    else:
        fit_args = {"x": model.make_dataset(images, labels=labels, batch_size=args.batch_size, seed=args.seed)}
    with writing(out):
        history = model.fit(**fit_args, epochs=epochs, verbose=0 if args.quiet else 1,
                            callbacks=[save_every_epoch(out)])
    logs = ", ".join(f"{k} {v[-1]:.4g}" for k, v in history.history.items())
    print(f"wrote {out}: {args.model} on {len(images)} images of {images.shape[1:]}, {steps_done(model)} steps "
          f"in all; last epoch: {logs}")
    if args.samples:
        with writing(args.samples, "--samples"):
            save_samples(model, args.samples, args.seed)
        print(f"wrote {args.samples}")
    return 0


def register(sub):
    p = sub.add_parser("train", help="train a GAN, WGAN, WGAN-GP, conditional GAN or VAE (resumable)",
                       description=__doc__.split("\n\n")[0].replace("``", ""))
    p.add_argument("model", choices=MODELS, help="which model")
    p.add_argument("-o", "--output", required=True, metavar="MODEL.keras",
                   help="the model file: written after every epoch, resumed from if it exists")
    p.add_argument("--epochs", type=int, default=None, help="epochs to train in this run (default 20; 1 in quick mode)")
    p.add_argument("--data", default=None, metavar="FOLDER",
                   help="a folder of images (cgan: one subfolder per class); default: the embedded digits")
    p.add_argument("--size", type=int, default=28, help="image side in pixels, 4·2^k or 7·2^k (default 28)")
    p.add_argument("--batch-size", type=int, default=64, help="images per (discriminator) step (default 64)")
    p.add_argument("--samples", metavar="GRID.png", help="write a grid of samples at the end")
    p.add_argument("--restart", action="store_true", help="start a new model even if -o/--output exists")
    p.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                   help="XLA for the training step: auto (default) measures once per machine and caches the "
                        "faster (never in quick mode), on or off")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
