"""``cv2course fid``: Fréchet distance between image folders or saved statistics.

    cv2course fid DIR_A DIR_B [--extractor NAME] [--batch-size 64]
    cv2course fid DIR --stats real.npz
    cv2course fid DIR -o real.npz
    cv2course fid DIR_A DIR_B --inception-weights pt_inception-2015-12-05.npz

The score is labelled by the network that gave the features: "FID" only with the FID
Inception of TTUR/pytorch-fid (``--inception-weights``), "FID (Keras InceptionV3)" with
Keras' ImageNet InceptionV3 (not comparable with published FIDs), "FD (name)" otherwise.
"""


def run(args):
    import warnings
    from pathlib import Path

    from cv2course.metrics.features import fd_of, get_extractor
    from cv2course.metrics.frechet import FeatureStatistics

    sources = list(args.sources)
    if args.stats:
        sources.append(args.stats)
    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be a positive integer, got {args.batch_size}")
    for s in sources:
        if not Path(s).exists():
            raise FileNotFoundError(f"{s!r} does not exist; give image folders or .npz statistics files")
        if Path(s).is_file() and not s.endswith(".npz"):
            raise ValueError(f"{s!r} is a file but not an .npz statistics file; give a folder of images")
        if Path(s).is_file():
            FeatureStatistics.load(s)  # a broken file is named before any network is built
    if len(sources) > 2:
        raise ValueError(f"compare exactly two things (folders or .npz files), got {len(sources)}: {sources}")
    if len(sources) < 2 and not args.save_stats:
        raise ValueError("give a second folder, --stats REAL.npz, or -o/--output OUT.npz to write statistics")
    if args.save_stats and not args.save_stats.endswith(".npz"):
        raise ValueError(f"-o/--output must name an .npz file, got {args.save_stats!r}")

    if args.inception_weights:
        if args.extractor not in ("auto", "inception-ttur"):
            raise ValueError(f"--inception-weights selects the FID Inception; it cannot be combined with "
                             f"--extractor {args.extractor}")
        from cv2course.metrics.features import inception_ttur_extractor

        args.extractor = inception_ttur_extractor(args.inception_weights)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        extractor = None
        if args.save_stats:
            if not Path(args.sources[0]).is_dir():
                raise ValueError("-o/--output needs a folder of images as the first argument, "
                                 f"got {args.sources[0]!r}")
            extractor = get_extractor(args.extractor)
            stats = extractor.statistics(args.sources[0], args.batch_size, verbose=args.verbose)
            from cv2course.cli import writing

            with writing(args.save_stats):
                stats.save(args.save_stats)
            print(f"wrote {args.save_stats}: N = {stats.n}, d = {stats.dim}, extractor: {extractor.name} "
                  f"({extractor.description})")
            sources[0] = stats
        score = None
        if len(sources) == 2:
            score = fd_of(sources[0], sources[1], extractor if extractor is not None else args.extractor,
                          batch_size=args.batch_size, verbose=args.verbose)
    for w in caught:
        print(f"warning: {w.message}")
    if score is not None:
        n = "unknown" if score.n is None else score.n
        n_other = "unknown" if score.n_other is None else score.n_other
        print(f"{score.label}: {score.value:.4f}  (N = {n} vs {n_other}, extractor: {score.extractor})")
        if score.label.startswith("FID ("):
            print("note: Keras' ImageNet InceptionV3 is not the 2015 Inception graph of TTUR/pytorch-fid/clean-fid: "
                  "this number is not comparable with published FIDs (use --inception-weights for those)")
        if not isinstance(sources[0], FeatureStatistics) and args.verbose:
            print(f"sources: {sources[0]} vs {sources[1]}")
    return 0


def register(sub):
    p = sub.add_parser("fid", help="Fréchet distance (FID, FID (Keras InceptionV3) or FD) between image folders",
                       description="Fréchet distance between Gaussians fitted to image features. Labelled 'FID' only "
                                   "with the FID Inception of TTUR/pytorch-fid (--inception-weights), 'FID (Keras "
                                   "InceptionV3)' with Keras' ImageNet InceptionV3 (not comparable with published "
                                   "FIDs), otherwise 'FD (extractor)'. Sources are image folders or .npz statistics "
                                   "files (keys mu, sigma).")
    p.add_argument("sources", nargs="+", metavar="DIR_OR_NPZ", help="one or two image folders or .npz statistics")
    p.add_argument("--stats", metavar="REAL.npz", help="statistics of the real images to compare against")
    p.add_argument("-o", "--output", "--save-stats", dest="save_stats", metavar="OUT.npz",
                   help="write the statistics of the first folder to this .npz file")
    p.add_argument("--extractor", default="auto",
                   help="auto (the FID Inception if its weights file exists, else Keras' InceptionV3 if cached, "
                        "else digits-cnn), inception-ttur, inception, digits-cnn, vgg16, or a .keras model file "
                        "(default: auto)")
    p.add_argument("--inception-weights", metavar="PATH",
                   help="an .npz of pytorch-fid's pt_inception-2015-12-05 weights (the TTUR FID Inception); "
                        "see cv2course.backbones.inception_ttur for how to make it")
    p.add_argument("--batch-size", type=int, default=64, help="images per batch (default 64)")
    p.add_argument("-v", "--verbose", action="store_true", help="progress bars")
    p.set_defaults(func=run)
