"""The ``cv2course`` command: one subcommand per job.

Each subcommand lives in its own module, listed in ``COMMAND_MODULES``; a module provides
``register(subparsers)`` that adds its parser (with an ``epilog`` of examples) and
``set_defaults(func=run)``. Modules import heavy libraries inside ``run`` so that
``cv2course --help`` stays fast.

Global options (``--quick``, ``--seed``, ``--lang``) are accepted before and after the subcommand:
``cv2course --quick figures -o D`` and ``cv2course figures --quick -o D`` are the same.
"""
import argparse
import contextlib
import importlib
import sys

COMMAND_MODULES = (
    "cv2course.info",
    "cv2course.data.cli",
    "cv2course.nst.cli",
    "cv2course.gans.cli",
    "cv2course.metrics.cli",
    "cv2course.sr.cli",
    "cv2course.figures.cli",
    "cv2course.exercises.cli",
    "cv2course.notebooks_exec",
    "cv2course.exercises.grading.commands",
    "cv2course.site",
)

GLOBAL_DEFAULTS = {"quick": False, "seed": 0, "lang": None}


def add_global_options(parser, defaults):
    """``--quick``, ``--seed`` and ``--lang`` on ``parser``. The subcommands get them with ``argparse.SUPPRESS``
    defaults, so an option given before the subcommand is not reset by the subcommand's parser."""
    parser.add_argument("--quick", action="store_true", default=defaults["quick"],
                        help="quick mode: small sizes and few steps (same as CV2COURSE_QUICK=1)")
    parser.add_argument("--seed", type=int, default=defaults["seed"], metavar="N",
                        help="random seed (default 0; same seed, same result)")
    parser.add_argument("--lang", choices=("en", "es"), default=defaults["lang"],
                        help="language of messages, feedback and figures (default: $CV2COURSE_LANG, else en; "
                             "grading: the notebook's language)")


def build_parser():
    from cv2course import __version__

    parser = argparse.ArgumentParser(
        prog="cv2course", description="Companion tools for the generative-models course.",
        epilog="examples:\n  cv2course figures --quick -o figures/\n  cv2course info\n"
               "  cv2course COMMAND --help      (examples for each command)",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"cv2course {__version__}")
    add_global_options(parser, GLOBAL_DEFAULTS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    suppressed = dict.fromkeys(GLOBAL_DEFAULTS, argparse.SUPPRESS)
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        before = set(sub.choices)
        module.register(sub)
        for command in set(sub.choices) - before:
            p = sub.choices[command]
            p.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the examples' line breaks
            if p.epilog is None:
                p.epilog = examples_epilog(module.__doc__, command)
            add_global_options(p, suppressed)
    return parser


def example_lines(doc, command):
    """The indented ``cv2course COMMAND ...`` lines of a module docstring (its examples)."""
    lines = []
    for line in (doc or "").splitlines():
        words = line.split()
        if line.startswith("    ") and words[:1] == ["cv2course"]:
            if next((w for w in words[1:] if not w.startswith("-") and not w.isdigit()), None) == command:
                lines.append(line.strip())
    return lines


def examples_epilog(doc, command):
    """``--help``'s epilog: the examples in the command module's docstring, or None."""
    lines = example_lines(doc, command)
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) if lines else None


@contextlib.contextmanager
def writing(path, option="-o/--output"):
    """Turn an OSError while writing ``path`` into one that names the option and the file.

    The writers are atomic (:mod:`cv2course.atomic`), so after a failure nothing was written."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise OSError(f"cannot write {option} {str(path)!r}: {reason}; nothing was written "
                      "(check that the folder is writable and the disk not full)") from exc


def error_message(exc):
    """One line for an expected error; an OSError names the file and what went wrong."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename and str(exc).startswith("["):
        return f"{exc.strerror}: {exc.filename!r}"  # "[Errno 13] ..." -> "Permission denied: 'out.png'"
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quick:
        from cv2course import settings

        settings.set_quick(True)
    if args.lang:
        from cv2course.i18n import set_language

        set_language(args.lang)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, OSError) as exc:
        print(f"cv2course {args.command}: error: {error_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # files already written are complete (atomic writes); `train` resumes
        print(f"cv2course {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
