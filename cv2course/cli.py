"""The ``cv2course`` command: one subcommand per job.

Each subcommand lives in its own module, listed in ``COMMAND_MODULES``; a module provides
``register(subparsers)`` that adds its parser with ``set_defaults(func=run)``. Modules must
import heavy libraries inside ``run`` so that ``cv2course --help`` stays fast.
"""
import argparse
import importlib
import sys

COMMAND_MODULES = (
    "cv2course.info",
    "cv2course.data.cli",
    "cv2course.nst.cli",
    "cv2course.featviz.cli",
    "cv2course.autoencoders.cli",
    "cv2course.gans.cli",
    "cv2course.metrics.cli",
    "cv2course.sr.cli",
    "cv2course.figures.cli",
    "cv2course.exercises.cli",
)


def build_parser():
    from cv2course import __version__

    parser = argparse.ArgumentParser(prog="cv2course", description="Companion tools for the generative-models course.")
    parser.add_argument("--version", action="version", version=f"cv2course {__version__}")
    parser.add_argument("--quick", action="store_true", help="quick mode: small sizes and few steps (CV2COURSE_QUICK=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name or name.startswith(f"{exc.name}."):
                continue  # that part of the package is not installed yet
            raise
        module.register(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quick:
        from cv2course import settings

        settings.set_quick(True)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, TypeError, NotADirectoryError, IsADirectoryError) as exc:
        print(f"cv2course {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
