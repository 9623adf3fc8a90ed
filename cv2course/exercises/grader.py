"""Grade a student's notebook: run it in a separate process with time limits, score each exercise.

The notebook runs in a fresh Jupyter kernel (nbclient) inside a child process. Each cell
has ``timeout`` seconds: a cell that runs longer (an infinite loop) is interrupted and the
next cells still run. The whole run has ``total_timeout`` seconds, after which the child is
killed. A kernel that dies (a crash) ends the run; what was checked before still counts.
Each ``check(...)`` appends its result to a log file (``CV2COURSE_GRADE_LOG``); the last
result of each exercise is its score: 1 point when passed, 0 otherwise.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([A-Za-z_][\w]*)["']""")


def exercises_in(notebook):
    """Exercise names in ``check("name", ...)`` calls of the notebook's code cells, in order."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    names = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for name in _CHECK_CALL.findall(cell.source):
                if name not in names:
                    names.append(name)
    return names


def _execute(notebook, events_path, timeout):
    """Child process: run every cell, record per-cell status to ``events_path`` (JSON lines)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(str(notebook), as_version=4)
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                            kernel_name="python3", resources={"metadata": {"path": str(Path(notebook).parent)}})

    def record(event):
        with open(events_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(event) + "\n")

    try:
        client.execute()
    except DeadKernelError as exc:
        record({"event": "kernel died", "message": str(exc)[:300]})
    except Exception as exc:  # the grader reports, it does not crash
        record({"event": "runner error", "message": f"{type(exc).__name__}: {exc}"[:300]})
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                kind = "timeout" if out.get("ename") == "KeyboardInterrupt" else "error"
                record({"event": kind, "cell": index, "message": f"{out.get('ename')}: {out.get('evalue')}"[:300],
                        "exercises": _CHECK_CALL.findall(cell.source)})


def grade(notebook, timeout=60, total_timeout=None, quick=True):
    """Run ``notebook`` and return ``{"notebook", "score", "max_score", "exercises", "events"}``.

    ``exercises`` maps each exercise named in a ``check`` call to
    ``{"status", "points", "message"}``; status is "passed", "failed", "not attempted" or
    "not run" (its check never finished: a timeout, a crash or an earlier fatal error).
    """
    notebook = Path(notebook)
    if not notebook.is_file():
        raise FileNotFoundError(f"notebook {str(notebook)!r} does not exist")
    if notebook.suffix != ".ipynb":
        raise ValueError(f"notebook must be a .ipynb file, got {str(notebook)!r}")
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
    names = exercises_in(notebook)
    total_timeout = total_timeout or max(120.0, 3.0 * timeout + 30.0 * max(1, len(names)))
    with tempfile.TemporaryDirectory(prefix="cv2course-grade-") as tmp:
        log, events_path = Path(tmp) / "checks.jsonl", Path(tmp) / "events.jsonl"
        env = {**os.environ, "CV2COURSE_GRADE_LOG": str(log), "MPLBACKEND": "Agg"}
        if quick:
            env["CV2COURSE_QUICK"] = "1"
        cmd = [sys.executable, "-m", "cv2course.exercises.grader", str(notebook.resolve()), str(events_path),
               str(timeout)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=total_timeout)
            killed = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            _, err = proc.communicate()
            killed = True
        results = {}
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                results[entry["name"]] = entry
        events = [json.loads(line) for line in events_path.read_text(encoding="utf-8").splitlines()] \
            if events_path.exists() else []
    if killed:
        events.append({"event": "total timeout", "message": f"the notebook ran longer than {total_timeout:.0f} s"})
    elif proc.returncode != 0:
        events.append({"event": "runner error", "message": (err or b"").decode(errors="replace")[-300:]})
    exercises = {}
    for name in names + [n for n in results if n not in names]:
        if name in results:
            entry = results[name]
            exercises[name] = {"status": entry["status"], "points": int(entry["status"] == "passed"),
                               "message": entry["message"]}
        else:
            why = next((e["message"] for e in events if name in e.get("exercises", [])), None) or \
                next((e["message"] for e in events if e["event"] in ("kernel died", "total timeout")), None) or \
                "its check did not run"
            exercises[name] = {"status": "not run", "points": 0, "message": why}
    return {"notebook": str(notebook), "score": sum(e["points"] for e in exercises.values()),
            "max_score": len(exercises), "exercises": exercises, "events": events}


if __name__ == "__main__":
    _execute(sys.argv[1], sys.argv[2], float(sys.argv[3]))
