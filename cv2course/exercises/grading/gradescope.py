"""Gradescope: a report as ``results.json``, and the autograder zip an instructor uploads.

``results.json`` follows Gradescope's autograder specification: a top-level ``score``,
``execution_time`` (s) and ``output``; ``tests``, each with ``name``, ``score``,
``max_score``, ``status``, ``output`` and ``visibility`` (one of :data:`VISIBILITIES`).
Per exercise there is one visible test that carries the exercise's points (its output: the
public message, or that the public cases pass and a hidden case failed) and one test with no
points, visible ``after_published``, that says which hidden case failed, by number only. The
run's stdout stays ``hidden`` (it is the instructor's log); the kernel's flags go to
``extra_data``, which students do not see.

The zip (:func:`build_autograder`) holds ``setup.sh`` (installs cv2course by name and
version, or a wheel shipped in the zip), ``run_autograder`` (grades
``/autograder/submission/*.ipynb`` into ``/autograder/results/results.json``; the root
``/autograder`` can be moved with ``CV2COURSE_AUTOGRADER_ROOT``, for a test or a dry run)
and ``assignment.json`` (the released assignment, see :mod:`cv2course.exercises.assignments`).
"""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from cv2course.exercises.grading.student_view import hidden_case_failed, public_message
from cv2course.i18n import in_report_language, tr

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
ROOT_VARIABLE = "CV2COURSE_AUTOGRADER_ROOT"


@in_report_language
def results_json(report):
    """Gradescope's results dict for one grader report."""
    tests = []
    for name, entry in report["exercises"].items():
        status = "passed" if entry["status"] == "passed" else "failed"
        hidden = hidden_case_failed(entry)
        tests.append({"name": name, "score": entry["points"], "max_score": entry["max_points"], "status": status,
                      "output": tr("passed: {detail}", detail=entry["message"]) if status == "passed"
                      else tr("{status}: {detail}", status=entry["status"], detail=public_message(entry)),
                      "output_format": "text", "visibility": "visible"})
        if status == "passed":
            hidden_output = tr("hidden cases: passed")
        elif hidden is not None:
            hidden_output = tr("hidden case {number}: failed", number=hidden)
        else:
            hidden_output = tr("hidden cases: not reached (a public case failed first)")
        tests.append({"name": tr("{exercise}: hidden cases", exercise=name), "score": 0, "max_score": 0,
                      "status": "passed" if status == "passed" else "failed", "output": hidden_output,
                      "output_format": "text", "visibility": "after_published"})
    output = tr("{score} / {max_score} points", score=f"{report['score']:g}", max_score=f"{report['max_score']:g}")
    if report.get("error"):
        output += "\n" + tr("The grader could not grade this notebook: {error}", error=report["error"])
    return {"score": report["score"], "execution_time": round(float(report.get("sandbox", {}).get("seconds", 0))),
            "output": output, "output_format": "text", "test_output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"assignment": report.get("assignment"), "flags": report.get("flags", []),
                           "sandbox": report.get("sandbox", {})}}


def failure_results(message):
    """results.json for a submission the grader could not take (no notebook, unreadable file): 0 points."""
    return {"score": 0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": []}


# --- the autograder zip -------------------------------------------------------------------------

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
apt-get install -y --no-install-recommends python3 python3-pip python3-venv
python3 -m venv /opt/cv2course
/opt/cv2course/bin/pip install --upgrade pip
/opt/cv2course/bin/pip install {install}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission (as root, in /autograder); it writes
# $ROOT/results/results.json. CV2COURSE_AUTOGRADER_ROOT moves /autograder (tests, dry runs).
ROOT="${{{variable}:-/autograder}}"
PYTHON="${{CV2COURSE_PYTHON:-/opt/cv2course/bin/python}}"
[ -x "$PYTHON" ] || PYTHON=python3
exec "$PYTHON" -m cv2course.exercises.grading.gradescope --root "$ROOT" {options}
"""


def _assignment_spec(assignment):
    return {"name": assignment.name, "exercises": [{"exercise": t.exercise, "function": t.function,
                                                    "points": t.points} for t in assignment.tasks]}


def build_autograder(assignment, output, wheel=None, requirement=None, timeout=60.0, memory="4G"):
    """Write Gradescope's autograder zip for ``assignment`` (name, JSON spec or Assignment) to ``output``.

    ``setup.sh`` installs ``wheel`` (copied into the zip) or ``requirement`` (default
    ``cv2course==<this version>``).
    """
    from cv2course import __version__
    from cv2course.atomic import atomic_path
    from cv2course.exercises.grading.assignments import Assignment, load_assignment
    from cv2course.exercises.cli import _limit
    from cv2course.exercises.grading.grader import parse_memory

    assignment = assignment if isinstance(assignment, Assignment) else load_assignment(assignment)
    timeout = _limit(str(timeout), "--timeout")
    parse_memory(memory)
    if wheel is not None:
        wheel = Path(wheel)
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise FileNotFoundError(tr("--wheel {path!r} is not a wheel file; build one with "
                                       "`python -m build --wheel`", path=str(wheel)))
        install = f"/autograder/source/{wheel.name}"
    else:
        install = requirement or f"cv2course=={__version__}"
    options = f"--timeout {float(timeout):g} --memory {memory}"
    files = {"setup.sh": SETUP_SH.format(install=f'"{install}"'),
             "run_autograder": RUN_AUTOGRADER.format(variable=ROOT_VARIABLE, options=options),
             "assignment.json": json.dumps(_assignment_spec(assignment), indent=2) + "\n"}
    with atomic_path(output) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = (0o100755 if name in ("setup.sh", "run_autograder") else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, text)
            if wheel is not None:
                zf.write(wheel, wheel.name)
    return Path(output)


def run_autograder(root, timeout=60.0, memory="4G"):
    """Grade ``root/submission/*.ipynb`` against ``root/source/assignment.json`` into ``root/results/results.json``.

    Gradescope gives one submission; with several notebooks the first by name is graded and
    the output says so. Returns the exit code of ``cv2course grade`` (0 when it graded).
    """
    from cv2course.atomic import atomic_path

    root = Path(root)
    results = root / "results" / "results.json"
    notebooks = sorted((root / "submission").glob("*.ipynb"))
    if not notebooks:
        with atomic_path(results) as tmp:
            tmp.write_text(json.dumps(failure_results(tr("No notebook (.ipynb) was submitted; upload your "
                                                         "notebook file."))), encoding="utf-8")
        return 0
    command = [sys.executable, "-m", "cv2course", "grade", str(notebooks[0]), "--assignment",
               str(root / "source" / "assignment.json"), "--format", "gradescope", "--json", str(results),
               "--timeout", f"{float(timeout):g}", "--memory", str(memory)]
    code = subprocess.call(command, stdin=subprocess.DEVNULL)
    if code == 2 or not results.exists():  # the notebook could not be read: the student sees why
        with atomic_path(results) as tmp:
            tmp.write_text(json.dumps(failure_results(tr("The grader could not read {name}: is it a notebook saved "
                                                         "by Jupyter?", name=notebooks[0].name))), encoding="utf-8")
    elif len(notebooks) > 1:
        data = json.loads(results.read_text(encoding="utf-8"))
        data["output"] += "\n" + tr("Several notebooks were submitted; {name} was graded.", name=notebooks[0].name)
        with atomic_path(results) as tmp:
            tmp.write_text(json.dumps(data), encoding="utf-8")
    return code


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cv2course.exercises.grading.gradescope",
                                     description="Gradescope's run_autograder step (see build_autograder).")
    parser.add_argument("--root", default=os.environ.get(ROOT_VARIABLE, "/autograder"))
    parser.add_argument("--timeout", default="60")
    parser.add_argument("--memory", default="4G")
    args = parser.parse_args(argv)
    return run_autograder(args.root, timeout=args.timeout, memory=args.memory)


if __name__ == "__main__":
    raise SystemExit(main())
