"""What ``cv2course grade`` writes for an LMS and for a person reading a class: its options and its files.

- ``--format gradescope``: Gradescope's ``results.json`` (to ``--json FILE``, default
  ``results.json``) instead of the grader's report; one notebook per run, as Gradescope runs it.
- ``--format canvas`` / ``--format moodle``: ``--csv FILE`` in that LMS's import format
  (:mod:`.lms`); students from ``--roster FILE`` and/or ``--id-pattern REGEX``.
- ``--feedback DIR``: beside each Markdown file, the same feedback as HTML (:mod:`.feedback_html`).
- ``--integrity FILE``: the integrity report of the batch (:mod:`.integrity`) as HTML, and an
  ``integrity`` column in cv2course's own gradebook (``--csv``). It never changes a score.
"""
from pathlib import Path

from cv2course.i18n import tr

FORMATS = ("cv2course", "gradescope", "canvas", "moodle")


def add_arguments(parser):
    """The options above, on the ``grade`` parser."""
    parser.add_argument("--format", default="cv2course", metavar="KIND",
                        help="what --json/--csv hold: cv2course (default), gradescope (results.json), canvas or "
                             "moodle (the gradebook CSV in that LMS's import format)")
    parser.add_argument("--roster", metavar="FILE",
                        help="students CSV (columns id, name, email, sis_user_id, ... or an LMS export) for "
                             "--format canvas/moodle")
    parser.add_argument("--id-pattern", metavar="REGEX",
                        help="the student id in a submission's file name: group 'id', else group 1 "
                             "(default: the file name without .ipynb)")
    parser.add_argument("--lms-assignment-id", metavar="ID",
                        help="Canvas's id of the assignment, so the total goes to its column 'NAME (ID)'")
    parser.add_argument("--integrity", metavar="FILE",
                        help="write the integrity report (similar code between submissions and to the reference) "
                             "as HTML, and add an integrity column to --csv")
    parser.add_argument("--threshold", default=None, metavar="SHARE",
                        help="share of shared code from which --integrity lists a pair (default 0.8)")


def check_options(args):
    """Validate the options before grading; route ``--json``/``--csv`` to the chosen format's writer."""
    from cv2course.exercises.grading import lms

    args.gradescope = args.lms_csv = None
    if args.format not in FORMATS:
        raise ValueError(tr("--format must be one of {formats}, got {value!r}", formats=", ".join(FORMATS),
                            value=args.format))
    if args.format == "gradescope":
        if len(args.submissions) != 1 or Path(args.submissions[0]).is_dir():
            raise ValueError(tr("--format gradescope grades one notebook per run, as Gradescope runs the "
                                "autograder once per submission; give one notebook"))
        args.gradescope, args.json = (args.json if args.json not in (None, "-") else "results.json"), None
    elif args.format in lms.FORMATS:
        if not args.csv:
            raise ValueError(tr("--format {format} writes the gradebook given with --csv FILE; add --csv",
                                format=args.format))
        args.lms_csv, args.csv = args.csv, None
    if args.roster and not Path(args.roster).is_file():
        raise FileNotFoundError(tr("--roster {path!r} does not exist; give the roster CSV", path=args.roster))
    lms.compile_id_pattern(args.id_pattern)
    args.threshold = parse_threshold(args.threshold)


def parse_threshold(text):
    """``--threshold`` as a share in (0, 1] (default: the integrity report's)."""
    from cv2course.exercises.grading.integrity import DEFAULT_THRESHOLD

    if text is None:
        return DEFAULT_THRESHOLD
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise ValueError(tr("--threshold must be a share in (0, 1], such as 0.8; got {value!r}", value=text))
    return value


def _assignment(reports, args):
    from cv2course.exercises.grading.assignments import load_assignment

    return load_assignment(args.assignment or reports[0]["assignment"])


def integrity_flags(reports, args):
    """With ``--integrity``: write the report and return {notebook: flag text}; else None."""
    if not getattr(args, "integrity", None):
        return None
    from cv2course.cli import writing
    from cv2course.exercises.grading import integrity

    result = integrity.integrity_report([r["notebook"] for r in reports], _assignment(reports, args),
                                        threshold=args.threshold)
    with writing(args.integrity, "--integrity"):
        integrity.write_report(result, args.integrity)
    return integrity.flags(result)


def write(reports, args, names):
    """Write the Gradescope results, the LMS gradebook and the HTML feedback that the options ask for."""
    import json

    from cv2course.atomic import atomic_path
    from cv2course.exercises.grading import feedback_html, gradescope, lms

    if getattr(args, "gradescope", None):
        with atomic_path(args.gradescope) as tmp:
            tmp.write_text(json.dumps(gradescope.results_json(reports[0]), indent=2, ensure_ascii=False),
                           encoding="utf-8")
    if args.feedback:
        for name, report in zip(names, reports):
            with atomic_path(Path(args.feedback) / f"{name}.html") as tmp:
                tmp.write_text(feedback_html.feedback_html(report), encoding="utf-8")
    if getattr(args, "lms_csv", None):
        roster = lms.read_roster(args.roster) if args.roster else None
        students = lms.students_for(reports, roster, args.id_pattern)
        text = lms.gradebook(args.format, reports, students, _assignment(reports, args).name,
                             args.lms_assignment_id)
        with atomic_path(args.lms_csv) as tmp:
            tmp.write_text(text, encoding="utf-8")
