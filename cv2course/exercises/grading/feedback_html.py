"""A student's feedback as one self-contained HTML page (inline style, no script, every text escaped).

The same content as the Markdown feedback (``cv2course grade --feedback DIR`` writes both):
the score, each exercise's points and status, what failed with the exercise's hint, and the
cells that ran out of time. Messages come from :func:`student_view.public_message`, so a hidden
case appears by number and result only.
"""
import html
from pathlib import Path

from cv2course.exercises.grading.student_view import MARKS, RUN_EVENTS, public_message
from cv2course.i18n import in_report_language, tr
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
.passed { color: #1a7f37; } .failed, .not-run { color: #b42318; } .not-attempted { color: #777; }
.hint { color: #555; font-size: .92em; }
"""


def _hint(name):
    from cv2course.exercises import core

    try:
        return core.get(name).hint
    except ValueError:
        return ""


@in_report_language
def feedback_html(report):
    """The HTML page for one grader report (a str)."""
    e = html.escape
    title = tr("{notebook}: {score} / {max_score}", notebook=Path(report["notebook"]).name,
               score=f"{report['score']:g}", max_score=f"{report['max_score']:g}")
    rows = []
    for name, entry in report["exercises"].items():
        status = str(entry["status"])
        detail = "" if status == "passed" else public_message(entry)
        hint = "" if status == "passed" else _hint(name)
        rows.append(
            f'<tr class="{e(status.replace(" ", "-"))}"><td>{e(MARKS.get(status, "?"))}</td><td><b>{e(name)}</b></td>'
            f"<td>{entry['points']:g} / {entry['max_points']:g}</td><td>{e(status)}</td>"
            f"<td>{e(detail)}" + (f'<div class="hint">{e(tr("hint:"))} {e(hint)}</div>' if hint else "")
            + "</td></tr>")
    parts = [f"<h1>{e(title)}</h1>"]
    if report.get("error"):
        parts.append(f"<p>{e(tr('The grader could not grade this notebook: {error}', error=report['error']))}</p>")
    parts.append(f"<table><tr><th></th><th>{e(tr('exercise'))}</th><th>{e(tr('points'))}</th>"
                 f"<th>{e(tr('status'))}</th><th>{e(tr('what to look at'))}</th></tr>" + "".join(rows) + "</table>")
    events = [ev for ev in report.get("events", []) if ev.get("event") in RUN_EVENTS]
    if events:
        items = "".join(f"<li>{e(tr('cell {cell}: {detail}', cell=ev.get('cell'), detail=ev.get('message')))}</li>"
                        for ev in events)
        parts.append(f"<h2>{e(tr('While the notebook ran'))}</h2><ul>{items}</ul>")
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{e(title)}</title><style>{_STYLE}</style></head>\n<body>\n" + "\n".join(parts)
            + "\n</body></html>\n")
