"""A finished run's results: its events, the kernel's audit flags and each exercise's score.

Everything here reads files the run left behind. The supervisor's events are the grader's
own record; the answers and the audit log come from the student's kernel and are read as
hostile (:mod:`.wire`): a malformed answer fails its case with the reason, and audit records
can only add flags or a zero.
"""
import copy

from cv2course.exercises.diagnosis import diagnose
from cv2course.exercises.grading import protocol, wire
from cv2course.i18n import tr


def _outcome(status, points, text, hidden_case=None, **values):
    entry = {"status": status, "points": points, "message": tr(text, **values)}
    if hidden_case is not None:  # what student_view reduces to a number: a field, not a pattern in the message
        entry["hidden_case"] = hidden_case
    return entry


def _case_name(label, description):
    hidden, number = label
    if hidden:
        return tr("hidden case {number} ({case})", number=number, case=description)
    return tr("case {number} ({case})", number=number, case=description)


def score_task(task, staged, out, call_event, timeout, limit=None):
    """The exercise's entry from the answers in ``out``, read as hostile; ``limit``: why the run was ended."""
    ex, expected, labels, descriptions, cases = staged
    function = task.function
    if limit is not None:
        return _outcome("not run", 0, "limit reached, the run was ended: {why}", why=limit)
    if call_event is None:
        return _outcome("not run", 0, "the grader could not call the function (the run had ended)")
    if call_event.get("outcome") in ("timeout", "stuck"):
        return _outcome("not run", 0, "calling {function} took longer than {seconds} s", function=function,
                        seconds=f"{timeout:g}")
    if call_event.get("outcome") == "dead":
        return _outcome("not run", 0, "the kernel died while {function} ran (crash, memory or CPU limit)",
                        function=function)
    try:
        status = wire.read_json(out / "status.json")
    except ValueError as exc:
        return _outcome("not run", 0, "no result from {function}: {reason}", function=function, reason=exc)
    if status.get("status") == "missing":
        return _outcome("not run", 0, "the notebook does not define {function}() (cell deleted or renamed?)",
                        function=function)
    for i, (want, label, description, case) in enumerate(zip(expected, labels, descriptions, cases)):
        where, hidden_case = _case_name(label, description), (label[1] if label[0] else None)
        try:
            result = wire.read_json(out / f"case{i}.json")
        except ValueError as exc:
            return _outcome("failed", 0, "{where}: no valid answer ({reason})", hidden_case=hidden_case,
                            where=where, reason=exc)
        kind, error = result.get("status"), str(result.get("error"))[:300]
        if kind == "not attempted":
            return _outcome("not attempted", 0, "the function still raises NotImplementedError")
        if kind == "raised":
            return _outcome("failed", 0, "{where} raised {error}", hidden_case=hidden_case,
                            where=where, error=error)
        if kind == "unsupported":
            return _outcome("failed", 0, "{where}: {reason}", hidden_case=hidden_case,
                            where=where, reason=error)
        if kind != "ok":
            return _outcome("failed", 0, "{where}: malformed answer (status {status})", hidden_case=hidden_case,
                            where=where, status=repr(kind))
        try:
            got = wire.read_answer(result.get("value"), out)
            msg = ex.compare(want, got)
        except (ValueError, TypeError) as exc:
            got, msg = None, str(exc)
        if msg:
            # the classic slip, named as check() does (student files drop it for hidden cases with their inputs)
            slip = diagnose(ex, want, got, *copy.deepcopy(case)) if got is not None else None
            return _outcome("failed", 0, "{where}: {reason}", hidden_case=hidden_case,
                            where=where, reason=msg + (f" → {slip}" if slip else ""))
    return _outcome("passed", task.points, "all {count} cases match the reference", count=len(expected))


def collect(report, folder, returncode, assignment, staged, answers, found, timeout):
    """Fill ``report`` from what the run left in ``folder`` (a :class:`protocol.RunFolder`): events, flags, scores."""
    events, bad = protocol.read_jsonl(folder.events)
    if bad:
        events.append({"event": "malformed record",
                       "message": tr("{count} unreadable line(s) in the run's events", count=bad)})
    report["events"] += [e for e in events if e.get("event") not in ("call", "ready", "finished")]
    finished = [e for e in events if e.get("event") == "finished"]
    report["sandbox"]["all_processes_ended"] = bool(finished and finished[-1].get("clean"))
    errors = [e for e in events if e.get("event") in ("supervisor error", "kernel failed to start", "setup failed")]
    if errors:
        report["error"] = f"{errors[0]['event']}: {str(errors[0].get('message', ''))[:500]}"
    elif not finished or returncode not in (0, 3):
        log = folder.supervisor_log
        tail = log.read_bytes()[-300:].decode(errors="replace") if log.exists() else ""
        report["error"] = f"the run's supervisor ended abnormally (exit {returncode}) {tail}".strip()
    calls = {e.get("exercise"): e for e in events if e.get("event") == "call"}
    limit = next((str(e.get("message")) for e in events if e.get("event") == "limit reached"), None)
    audit, bad_audit = protocol.read_jsonl(folder.audit)
    owner = {f["cell"]: f["exercise"] for f in found.flags if f.get("exercise") is not None}
    reference_seen = {}
    for record in audit:
        if not (isinstance(record.get("kind"), str) and isinstance(record.get("detail"), str)
                and isinstance(record.get("phase"), (dict, type(None)))):
            bad_audit += 1
            continue
        phase = record.get("phase") or {}
        exercise = phase.get("exercise") if isinstance(phase.get("exercise"), str) else owner.get(phase.get("cell"))
        flag = {"kind": str(record.get("kind"))[:60], "detail": str(record.get("detail"))[:200],
                "cell": phase.get("cell") if isinstance(phase.get("cell"), int) else None, "exercise": exercise,
                "source": "kernel audit (advisory)"}
        report["flags"].append(flag)
        if flag["kind"] == "uses the reference" and "exercise" in phase:
            reference_seen.setdefault(exercise, []).append(flag["detail"])
    if bad_audit:
        report["flags"].append({"kind": "malformed audit log", "detail": f"{bad_audit} unreadable line(s)",
                                "cell": None, "exercise": None, "source": "kernel audit (advisory)"})
    for task in assignment.tasks:
        entry = score_task(task, staged[task.exercise], folder.outputs(answers[task.exercise]),
                            calls.get(task.exercise), timeout, limit)
        used = found.reference_use.get(task.exercise) or reference_seen.get(task.exercise)
        if used and entry["status"] in ("passed", "failed"):
            entry = {"status": "failed", "points": 0,
                     "message": tr("{function} uses the package's reference ({what}) instead of computing the "
                                   "result: 0 points", function=task.function, what=used[0])}
        entry["max_points"] = task.points
        report["exercises"][task.exercise] = entry
    report["score"] = sum(e["points"] for e in report["exercises"].values())
