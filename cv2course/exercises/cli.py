"""``cv2course grade SUBMISSIONS... [--assignment NAME] [--jobs N] [--json [FILE]] [--csv FILE] [--feedback DIR]``.

One notebook: prints its report (``--json`` alone: one JSON object with ``score``,
``max_score``, ``exercises``, ``flags``, ``events``). Several notebooks, or a folder (its
``*.ipynb`` files, not recursive): a progress bar, a one-line summary per notebook, and the
files asked for: ``--csv`` a gradebook (one row per submission, points per exercise),
``--json FILE`` every report, ``--feedback DIR`` one Markdown and one HTML file per student
(hidden cases by number and result only); ``--format gradescope|canvas|moodle`` and
``--integrity FILE``: see :mod:`cv2course.exercises.grading.outputs`. Exit code 0
when every submission was graded, 1 when the grader failed on one (its row says why), 2 for
bad arguments; 130/143 after SIGINT/SIGTERM, which end every run.

    cv2course grade notebooks/exercises/vae_exercises.ipynb --json --timeout 60
    cv2course grade submissions/ --assignment nst --jobs 4 --csv gradebook.csv --json results.json --feedback fb/
    cv2course grade submissions/ --assignment vae --format canvas --csv canvas.csv --roster roster.csv --id-pattern '_([0-9]+)_'
    cv2course grade submissions/ --assignment vae --csv gradebook.csv --integrity integrity.html
    cv2course grade submission.ipynb --assignment vae --format gradescope --json results.json
"""
import csv
import io
import json
import signal
import sys
from pathlib import Path

from cv2course.exercises.grading.student_view import MARKS, RUN_EVENTS
from cv2course.i18n import in_report_language, tr


def _parse(args):
    from cv2course.exercises.grading import grader, outputs

    outputs.check_options(args)

    if args.jobs is not None:
        try:
            jobs = int(args.jobs)
        except ValueError:
            raise ValueError(f"--jobs must be a whole number >= 1, got {args.jobs!r}") from None
        if jobs < 1:
            raise ValueError(f"--jobs must be a whole number >= 1, got {args.jobs!r}")
    options = {"timeout": _limit(args.timeout, "--timeout"), "seed": None, "quick": True}
    if args.total_timeout is not None:
        options["total_timeout"] = _limit(args.total_timeout, "--total-timeout")
    if args.cpu_time is not None:
        options["cpu_time"] = _limit(args.cpu_time, "--cpu-time")
    options["memory"] = grader.parse_memory(args.memory)
    options["processes"] = _count(args.processes, "--processes", minimum=16)
    if args.hidden_seed is not None:
        try:
            options["seed"] = int(args.hidden_seed)
        except ValueError:
            raise ValueError(f"--hidden-seed must be a whole number, got {args.hidden_seed!r}") from None
    if args.assignment is not None:
        from cv2course.exercises.grading.assignments import load_assignment

        options["assignment"] = load_assignment(args.assignment)
    return options, int(args.jobs or 1)


def _count(text, flag, minimum=1):
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise ValueError(f"{flag} must be a whole number >= {minimum}, got {text!r}") from None
    if value < minimum:
        raise ValueError(f"{flag} must be a whole number >= {minimum}, got {text!r}")
    return value


def _limit(text, flag):
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{flag} must be a finite number of seconds > 0, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{flag} must be a finite number of seconds > 0, got {text!r}")
    return value


def _print_report(report, out=sys.stdout):
    for name, entry in report["exercises"].items():
        line = f"{MARKS.get(entry['status'], '?')} {name:28s} {entry['points']:g}/{entry['max_points']:g}  " \
               f"{entry['status']}"
        print(line + ("" if entry["status"] == "passed" else f" — {entry['message']}"), file=out)
    for flag in report["flags"]:
        where = f" [{flag['exercise']}]" if flag.get("exercise") else ""
        print(f"  flag{where}: {flag['kind']}: {flag['detail']}", file=out)
    if report.get("error"):
        print(f"  grader error: {report['error']}", file=out)
    print(f"score: {report['score']:g} / {report['max_score']:g}", file=out)


@in_report_language
def feedback_text(report):
    """The student's feedback, in the notebook's language: the score, and per exercise what failed with the
    hint (hidden cases by number)."""
    from cv2course.exercises import core
    from cv2course.exercises.grading.student_view import public_message

    lines = [f"# {Path(report['notebook']).name}: {report['score']:g} / {report['max_score']:g}", ""]
    if report.get("error"):
        lines += [tr("The grader could not grade this notebook: {error}", error=report["error"]), ""]
    for name, entry in report["exercises"].items():
        lines.append(f"- {MARKS.get(entry['status'], '?')} **{name}** {entry['points']:g}/{entry['max_points']:g}: "
                     f"{tr(entry['status'])}" + ("" if entry["status"] == "passed" else f" — {public_message(entry)}"))
        if entry["status"] != "passed":
            try:
                lines.append(f"  - {tr('hint:')} {core.get(name).hint}")
            except ValueError:
                pass
    timeouts = [e for e in report["events"] if e.get("event") in RUN_EVENTS]
    if timeouts:
        lines += ["", tr("While the notebook ran") + ":"]
        lines += [f"- {tr('cell {cell}: {detail}', cell=e.get('cell'), detail=e.get('message'))}" for e in timeouts]
    return "\n".join(lines) + "\n"


def _write_outputs(reports, args):
    from cv2course.atomic import atomic_path
    from cv2course.exercises.grading import outputs

    names = []
    for report in reports:
        stem = Path(report["notebook"]).stem
        name, n = stem, 2
        while name in names:
            name, n = f"{stem}-{n}", n + 1
        names.append(name)
    integrity = outputs.integrity_flags(reports, args)
    if args.csv:
        exercises = []
        for report in reports:
            exercises += [e for e in report["exercises"] if e not in exercises]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["submission", "student", "assignment", "score", "max_score"] + exercises
                        + ["flags", "error"] + (["integrity"] if integrity is not None else []))
        for name, report in zip(names, reports):
            writer.writerow([report["notebook"], name, report["assignment"], report["score"], report["max_score"]]
                            + [report["exercises"].get(e, {}).get("points", "") for e in exercises]
                            + [len(report["flags"]), report.get("error") or ""]
                            + ([integrity[report["notebook"]]] if integrity is not None else []))
        with atomic_path(args.csv) as tmp:
            tmp.write_text(buffer.getvalue(), encoding="utf-8")
    if args.json and args.json != "-":
        with atomic_path(args.json) as tmp:
            tmp.write_text(json.dumps(reports if len(reports) > 1 else reports[0], indent=2, ensure_ascii=False),
                           encoding="utf-8")
    if args.feedback:
        folder = Path(args.feedback)
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"--feedback {str(folder)!r} is a file; give a folder")
        for name, report in zip(names, reports):
            with atomic_path(folder / f"{name}.md") as tmp:
                tmp.write_text(feedback_text(report), encoding="utf-8")
    outputs.write(reports, args, names)


def run(args):
    from cv2course.exercises.grading import grader

    submissions = list(args.submissions)
    if args.json and args.json.endswith(".ipynb"):  # `grade --json a.ipynb`: the flag alone, then a notebook
        submissions.insert(0, args.json)
        args.json = "-"
    if not submissions:
        raise ValueError("give at least one notebook (or a folder of notebooks) to grade")
    options, jobs = _parse(args)
    paths = grader.submissions_in(submissions)
    single = len(paths) == 1 and not Path(submissions[0]).is_dir()
    if args.csv and Path(args.csv).is_dir():
        raise IsADirectoryError(f"--csv {args.csv!r} is a folder; give a file name")

    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    grader.STOPPING.clear()
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        if single:
            grader.read_notebook(paths[0])  # a bad file is a usage error (exit 2) for a single notebook
            reports = [grader.grade(paths[0], **options)]
        else:
            reports = grader.grade_many(paths, jobs=jobs, progress=not args.no_progress, **options)
    except KeyboardInterrupt as exc:
        grader.terminate_all()
        print(f"cv2course grade: stopped ({exc or 'SIGINT'}); every run was ended and its files removed",
              file=sys.stderr)
        return 143 if str(exc) == "SIGTERM" else 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    _write_outputs(reports, args)
    if single and args.json == "-":
        print(json.dumps(reports[0], indent=2, ensure_ascii=False))
    elif single:
        _print_report(reports[0])
    else:
        for report in reports:
            status = f"error: {report['error']}" if report.get("error") else f"{report['score']:g} / " \
                                                                               f"{report['max_score']:g}"
            print(f"{report['notebook']}: {status}")
        if args.json == "-":
            print(json.dumps(reports, indent=2, ensure_ascii=False))
    return 1 if any(r.get("error") for r in reports) else 0


def register(sub):
    from cv2course.exercises.grading import outputs

    p = sub.add_parser("grade", help="score student notebooks, each in its own sandbox, against a released assignment",
                       description=__doc__)
    p.add_argument("submissions", nargs="*", metavar="SUBMISSION", help="notebooks, or folders of notebooks")
    p.add_argument("--assignment", metavar="NAME",
                   help="the released assignment (convnets, gans, metrics, nst, sr, vae) or a .json spec; "
                        "default: from the notebook's file name")
    p.add_argument("--json", nargs="?", const="-", metavar="FILE",
                   help="the report as JSON: printed when no FILE is given, else written to FILE")
    p.add_argument("--csv", metavar="FILE", help="write a gradebook: one row per submission, points per exercise")
    p.add_argument("--feedback", metavar="DIR", help="write one feedback file per student into DIR")
    p.add_argument("--jobs", metavar="N", help="grade N notebooks in parallel (default 1)")
    p.add_argument("--timeout", default="60", metavar="S",
                   help="seconds allowed per cell and per graded call (default 60; fractions allowed)")
    p.add_argument("--total-timeout", metavar="S", help="seconds for the whole notebook (default: from --timeout)")
    p.add_argument("--memory", default="4G", metavar="SIZE",
                   help="memory of one run, all its processes together where a cgroup can be made (else each "
                        "process; the report's sandbox block says which); default 4G")
    p.add_argument("--processes", default="512", metavar="N",
                   help="processes and threads of one run together (default 512: TensorFlow's threads fit)")
    p.add_argument("--cpu-time", metavar="S", help="CPU-time limit of the kernel (default: twice the total time)")
    p.add_argument("--hidden-seed", metavar="N",
                   help="seed of the hidden cases (default: a fresh secret one per run; never given to the kernel)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    outputs.add_arguments(p)
    p.set_defaults(func=run)
