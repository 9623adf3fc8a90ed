"""``cv2course integrity`` and ``cv2course gradescope-autograder``: what an instructor runs around a class's grading.

``integrity`` compares the graded functions of a folder of submissions with each other and
with the package's reference, on normalised code (:mod:`.integrity`), and writes an HTML
report of the pairs above ``--threshold``, side by side. It runs nothing and changes no score.
``gradescope-autograder`` writes the zip to upload as a Gradescope programming assignment's
autograder (:mod:`.gradescope`): ``setup.sh`` installs this cv2course version from PyPI
(or ``--wheel``), ``run_autograder`` grades the submitted notebook.

    cv2course integrity submissions/ --assignment vae -o integrity.html
    cv2course gradescope-autograder --assignment vae -o autograder.zip
    cv2course gradescope-autograder --assignment spec.json --wheel dist/cv2course-0.1.0-py3-none-any.whl -o ag.zip
"""
from cv2course.i18n import tr


def run_integrity(args):
    from cv2course.cli import writing
    from cv2course.exercises.grading import grader, integrity
    from cv2course.exercises.grading.assignments import load_assignment
    from cv2course.exercises.grading.outputs import parse_threshold

    paths = grader.submissions_in(args.submissions)
    if len(paths) < 2:
        raise ValueError(tr("give at least two notebooks (or a folder of them) to compare"))
    result = integrity.integrity_report(paths, load_assignment(args.assignment),
                                        threshold=parse_threshold(args.threshold))
    with writing(args.output):
        integrity.write_report(result, args.output, args.json)
    for exercise, data in result["exercises"].items():
        listed = sum(r["similarity"] >= result["threshold"] for r in data["reference"])
        print(tr("{exercise}: {pairs} pair(s) and {reference} submission(s) like the reference at or above "
                 "{threshold:.0%}", exercise=exercise, pairs=len(data["pairs"]), reference=listed,
                 threshold=result["threshold"]))
    print(tr("report: {path}", path=args.output))
    return 0


def run_autograder_zip(args):
    from cv2course.cli import writing
    from cv2course.exercises.grading import gradescope

    with writing(args.output):
        gradescope.build_autograder(args.assignment, args.output, wheel=args.wheel, requirement=args.requirement,
                                    timeout=args.timeout, memory=args.memory)
    print(tr("autograder: {path} (upload it in Gradescope: Configure Autograder, Zip file upload)", path=args.output))
    return 0


def register(sub):
    about = __doc__.split("\n\n")[1].split("``gradescope-autograder``")
    p = sub.add_parser("integrity", help="how alike the graded functions of a class's submissions are (HTML report)",
                       description=about[0].strip())
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="notebooks, or folders of notebooks")
    p.add_argument("--assignment", required=True, metavar="NAME",
                   help="the released assignment (convnets, gans, metrics, nst, sr, vae) or a .json spec")
    p.add_argument("-o", "--output", default="integrity.html", metavar="FILE", help="the HTML report")
    p.add_argument("--json", metavar="FILE", help="also write the comparison as JSON")
    p.add_argument("--threshold", metavar="SHARE", help="share of shared code from which a pair is listed (0.8)")
    p.set_defaults(func=run_integrity)

    p = sub.add_parser("gradescope-autograder", help="build the autograder zip of an assignment for Gradescope",
                       description="``gradescope-autograder``" + about[1])
    p.add_argument("--assignment", required=True, metavar="NAME",
                   help="the released assignment (convnets, gans, metrics, nst, sr, vae) or a .json spec")
    p.add_argument("-o", "--output", default="autograder.zip", metavar="FILE", help="the zip to upload")
    p.add_argument("--wheel", metavar="FILE",
                   help="install this cv2course wheel (shipped in the zip) instead of PyPI's")
    p.add_argument("--requirement", metavar="SPEC", help="what setup.sh pip-installs (default cv2course==VERSION)")
    p.add_argument("--timeout", default="60", metavar="S", help="seconds per cell and per graded call (default 60)")
    p.add_argument("--memory", default="4G", metavar="SIZE", help="memory of each run (default 4G)")
    p.set_defaults(func=run_autograder_zip)
