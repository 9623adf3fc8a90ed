"""Gradebooks in Canvas's and Moodle's import formats, one row per student, points per exercise.

Who a submission belongs to comes from its file name, by ``--id-pattern REGEX`` (the named
group ``id``, else the first group, else the whole match; default: the file's stem), or from a
roster CSV (``--roster FILE``). The roster has a column ``id`` (the student's id: also what the
file name carries, or a ``submission`` column naming the notebook file) and optionally ``name``,
``email``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``, ``username``;
headers are matched ignoring case and punctuation, and Canvas's own export headers (Student,
ID, SIS User ID, SIS Login ID, Section) and Moodle's (Email address, ID number, Username) are
understood. Canvas names its bulk-downloaded submissions ``name_USERID_SUBMISSIONID_file``:
``--id-pattern '_(\\d+)_\\d+_'`` with Canvas's exported gradebook as the roster links them.

- **Canvas** (Gradebook → Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, a
  ``Points Possible`` row, then the assignment's column ``NAME (ASSIGNMENT_ID)`` (an existing
  assignment; without ``--lms-assignment-id`` the column ``NAME`` makes a new one) and one
  column per exercise ``NAME: exercise`` (new assignments on import).
- **Moodle** (Grades → Import → CSV file): the identifier column (``Email address`` when the
  roster gives every student's email, else ``ID number``), then ``NAME`` (the total) and
  ``NAME: exercise``; the import page maps each column to a grade item.

Neither file carries the integrity flags: an LMS would import them as grades. They are a
column of cv2course's own gradebook (``--csv`` with ``--integrity``).
"""
import csv
import io
import re
from pathlib import Path

from cv2course.i18n import tr

ROSTER_FIELDS = ("id", "submission", "name", "email", "canvas_id", "sis_user_id", "sis_login_id", "section",
                 "username")
_ALIASES = {"student": "name", "email_address": "email", "id_number": "id", "student_id": "id", "user_id": "id",
            "file": "submission", "notebook": "submission"}
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FORMATS = ("canvas", "moodle")


def _key(header):
    key = re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")
    return _ALIASES.get(key, key)


def compile_id_pattern(pattern):
    """``pattern`` compiled, or a ValueError naming ``--id-pattern``."""
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(tr("--id-pattern {pattern!r} is not a regular expression ({reason})", pattern=pattern,
                            reason=exc)) from None


def id_from_name(notebook, pattern=None):
    """The student id in ``notebook``'s file name: ``pattern``'s group ``id``, first group or match; else the stem."""
    name = Path(notebook).name
    if pattern is None:
        return Path(notebook).stem
    pattern = compile_id_pattern(pattern) if isinstance(pattern, str) else pattern
    match = pattern.search(name)
    if not match:
        raise ValueError(tr("--id-pattern {pattern!r} does not match the file name {name!r}; give a pattern "
                            "that finds the student id in every submission's name", pattern=pattern.pattern,
                            name=name))
    if "id" in pattern.groupindex:
        return match.group("id")
    return match.group(1) if pattern.groups else match.group(0)


def read_roster(path):
    """The roster's rows as dicts with :data:`ROSTER_FIELDS` keys (missing ones empty)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(tr("--roster {path!r} does not exist; give the roster CSV", path=str(path)))
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = [_key(h) for h in next(reader, [])]
    if "id" not in header:
        raise ValueError(tr("--roster {path!r} has no id column (a student id, or Canvas's ID, or Moodle's ID "
                            "number); its columns are {columns}", path=str(path), columns=header))
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = dict.fromkeys(ROSTER_FIELDS, "")
        row.update({k: v.strip() for k, v in zip(header, values) if k in ROSTER_FIELDS})
        rows.append(row)
    return rows


def students_for(reports, roster=None, id_pattern=None):
    """One roster row per report (in order): matched by the ``submission`` column, else by id.

    A submission missing from the roster gets a row with its id only; two submissions of one
    student are an error naming both files.
    """
    pattern = compile_id_pattern(id_pattern) if isinstance(id_pattern, str) else id_pattern
    by_file = {r["submission"]: r for r in roster or () if r["submission"]}
    by_id = {r["id"]: r for r in roster or ()}
    rows, owner = [], {}
    for report in reports:
        name = Path(report["notebook"]).name
        row = by_file.get(name) or by_id.get(id_from_name(name, pattern)) or \
            {**dict.fromkeys(ROSTER_FIELDS, ""), "id": id_from_name(name, pattern)}
        if row["id"] in owner:
            raise ValueError(tr("two submissions for student {id!r}: {first!r} and {second!r}; grade one of them",
                                id=row["id"], first=owner[row["id"]], second=name))
        owner[row["id"]] = name
        rows.append(row)
    return rows


def _exercises(reports):
    names = []
    for report in reports:
        names += [e for e in report["exercises"] if e not in names]
    return names


def _points(report, exercise):
    entry = report["exercises"].get(exercise)
    return "" if entry is None else f"{entry['points']:g}"


def _max_points(reports, exercise):
    return next((f"{r['exercises'][exercise]['max_points']:g}" for r in reports if exercise in r["exercises"]), "")


def _csv(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def canvas_csv(reports, students, assignment, assignment_id=None):
    """Canvas's gradebook import CSV (a str): identity columns, points possible, total and per exercise."""
    exercises = _exercises(reports)
    total = f"{assignment} ({assignment_id})" if assignment_id else assignment
    header = CANVAS_HEADER + [total] + [f"{assignment}: {e}" for e in exercises]
    possible = ["Points Possible", "", "", "", ""] + [f"{max(r['max_score'] for r in reports):g}"] + \
        [_max_points(reports, e) for e in exercises]
    rows = [header, possible]
    for report, s in zip(reports, students):
        rows.append([s["name"] or s["id"], s["canvas_id"] or s["id"], s["sis_user_id"], s["sis_login_id"],
                     s["section"], f"{report['score']:g}"] + [_points(report, e) for e in exercises])
    return _csv(rows)


def moodle_csv(reports, students, assignment):
    """Moodle's grade import CSV (a str): the identifier column, the total and one column per exercise."""
    exercises = _exercises(reports)
    by_email = all(s["email"] for s in students)
    identifier = "Email address" if by_email else "ID number"
    rows = [[identifier, assignment] + [f"{assignment}: {e}" for e in exercises]]
    for report, s in zip(reports, students):
        rows.append([s["email"] if by_email else s["id"], f"{report['score']:g}"]
                    + [_points(report, e) for e in exercises])
    return _csv(rows)


def gradebook(kind, reports, students, assignment, assignment_id=None):
    """The ``kind`` ("canvas" or "moodle") gradebook of ``reports`` as CSV text."""
    if kind == "canvas":
        return canvas_csv(reports, students, assignment, assignment_id)
    if kind == "moodle":
        return moodle_csv(reports, students, assignment)
    raise ValueError(tr("the gradebook format must be one of {formats}, got {kind!r}", formats=", ".join(FORMATS),
                        kind=kind))
