"""What a student may read of a grader report: hidden cases by number and result, never their inputs.

The grader's report is the instructor's: a failed case's message names the case and its inputs
(``hidden case 2 (array(3, 4), 0.5): expected ..., got ...``). Every file a student sees (the
Markdown and HTML feedback, Gradescope's ``results.json``) takes its messages from
:func:`public_message`, which keeps a public case's message and reduces a hidden one to its
number and result.
"""
import re

from cv2course.i18n import tr

MARKS = {"passed": "✓", "failed": "✗", "not attempted": "·", "not run": "✗"}
RUN_EVENTS = ("timeout", "kernel died", "total timeout")  # what the feedback says happened while cells ran
_HIDDEN_CASE = re.compile(r"hidden case (\d+)")


def hidden_case_failed(entry):
    """The number of the hidden case an exercise failed on, or None (passed, or failed on a public case).

    The report's ``hidden_case`` field says it in any language; reports written before it existed
    said it only in their (English) message."""
    if entry.get("status") == "passed":
        return None
    if entry.get("hidden_case") is not None:
        return int(entry["hidden_case"])
    match = _HIDDEN_CASE.search(str(entry.get("message", "")))
    return int(match.group(1)) if match else None


def public_message(entry):
    """The exercise's message with a hidden case reduced to its number and result."""
    number = hidden_case_failed(entry)
    if number is not None:
        return tr("the public cases pass; hidden case {number}: failed (hidden cases are reported by number "
                  "and result only)", number=number)
    return str(entry.get("message", ""))
