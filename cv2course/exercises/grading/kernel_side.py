"""What the grader runs inside the student's kernel: an audit log for people, and calls of the graded functions.

Everything here runs next to the student's code and can be defeated by it, so nothing here
decides a grade upward: :func:`call` only feeds the student's function the grader's inputs
and writes what it returns (``.npy``, no pickle) for the grader to check, and the audit log
(:func:`install`) can only add flags -- or a zero, when the student's own function is seen
calling the package's reference code, which a student has no reason to fake.
"""
import json
import os
import sys
import threading
from pathlib import Path

_state = {"phase": None, "file": None, "seen": set(), "busy": False, "count": 0, "caught": False}
_MAX_RECORDS = 500
_WATCHED = {"sys._getframe", "object.__getattr__", "open", "os.remove", "os.rmdir", "os.rename", "os.truncate",
            "shutil.rmtree", "os.chmod", "os.symlink", "os.link", "subprocess.Popen", "os.system", "os.fork",
            "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.kill", "os.killpg", "import"}
_FRAME_ATTRIBUTES = {"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"}
_PATH_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.truncate", "shutil.rmtree", "os.chmod", "os.symlink",
                "os.link"}
_PROCESS_EVENTS = {"subprocess.Popen", "os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec",
                   "os.spawn", "os.kill", "os.killpg"}


def _record(kind, detail):
    key = (json.dumps(_state["phase"]), kind, detail)
    if key in _state["seen"] or _state["count"] >= _MAX_RECORDS or _state["file"] is None:
        return
    _state["seen"].add(key)
    _state["count"] += 1
    _state["file"].write(json.dumps({"phase": _state["phase"], "kind": kind, "detail": detail[:200]}) + "\n")
    _state["file"].flush()


def _from_student(frame, depth=1):
    """True when one of the ``depth`` innermost frames from ``frame`` (import machinery skipped) is the student's."""
    while frame is not None and depth > 0:
        name = frame.f_code.co_filename
        if not name.startswith("<frozen"):
            if not name.startswith(_state["library"]):
                return True
            depth -= 1
        frame = frame.f_back
    return False


def _outside(path):
    try:
        resolved = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return not (resolved == _state["scratch"] or resolved.startswith(_state["scratch"] + os.sep)
                or resolved in ("/dev/null", "/dev/zero", "/dev/urandom"))


def _audit(event, args):
    if event not in _WATCHED or _state["busy"]:
        return
    _state["busy"] = True
    try:
        caller = sys._getframe(1)
        if event == "import":
            name = str(args[0])
            kind = _state["module_kind"](name)
            if kind and _from_student(caller):
                _record("imports a reference module" if kind == "reference" else "imports grader internals", name)
        elif event == "sys._getframe" or (event == "object.__getattr__" and args[1] in _FRAME_ATTRIBUTES):
            if _from_student(caller, depth=2):  # the student's own call, or through inspect/traceback
                _record("stack-frame inspection", event if event == "sys._getframe" else f".{args[1]}")
        elif event == "open":
            path, mode = args[0], args[1]
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(args[2], int) and args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writes and isinstance(path, (str, bytes)) and _outside(path) and _from_student(caller, depth=4):
                _record("writes outside the scratch folder", f"open {os.fsdecode(path)}")
        elif event in _PATH_EVENTS:
            if isinstance(args[0], (str, bytes)) and _outside(args[0]) and _from_student(caller, depth=4):
                _record("writes outside the scratch folder", f"{event} {os.fsdecode(args[0])}")
        elif event in _PROCESS_EVENTS and _from_student(caller, depth=4):
            _record("processes or system calls", f"{event} {str(args[0])[:80]}")
    except Exception:  # an audit hook must never break the student's code
        pass
    finally:
        _state["busy"] = False


def install(scratch, audit_path, reference_files, reference_packages, library):
    """Start the audit log (``audit_path``, JSON lines) for a kernel whose scratch folder is ``scratch``."""
    _state.update(scratch=os.path.realpath(scratch), library=tuple(library), reference_files=set(reference_files))

    def module_kind(name):
        parts = name.split(".")
        if ".".join(parts[:2]) in reference_packages:
            return "reference"
        if parts[:2] == ["cv2course", "exercises"] and len(parts) > 2 and parts[2] not in ("core",):
            return "internal"
        return None

    _state["module_kind"] = module_kind
    _state["file"] = open(audit_path, "a", encoding="utf-8")
    sys.addaudithook(_audit)


def phase(kind, value):
    """Tell the audit log what runs next: ``("cell", index)`` or ``("exercise", name)``."""
    _state["phase"] = {kind: value}


def _profiler(frame, event, arg):
    if event == "call" and frame.f_code.co_filename in _state["reference_files"] and not _state["caught"]:
        _state["caught"] = True  # the first reference call of this graded call says enough
        _record("uses the reference", f"called {frame.f_code.co_name} from {frame.f_code.co_filename}")


def _write(path, data):
    Path(path).write_text(json.dumps(data), encoding="utf-8")


def call(function, in_dir, out_dir):
    """Call the notebook's ``function`` on each case in ``in_dir``; write case<i>.json (+ .npy) to ``out_dir``."""
    from cv2course.exercises.grading import wire

    out = Path(out_dir)
    fn = vars(sys.modules["__main__"]).get(function)
    if not callable(fn):
        _write(out / "status.json", {"status": "missing"})
        return
    cases = wire.read_cases(in_dir)
    _write(out / "status.json", {"status": "started", "cases": len(cases)})
    _state["caught"] = False
    for i, (args, kwargs) in enumerate(cases):
        sys.setprofile(_profiler)
        threading.setprofile(_profiler)
        try:
            got = fn(*args, **kwargs)
        except NotImplementedError:
            _write(out / f"case{i}.json", {"status": "not attempted"})
            return
        except KeyboardInterrupt:
            _write(out / f"case{i}.json", {"status": "raised", "error": "KeyboardInterrupt"})
            return
        except BaseException as exc:  # the student's error, SystemExit included, fails this case only
            _write(out / f"case{i}.json", {"status": "raised", "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        finally:
            profiler = sys.getprofile()
            sys.setprofile(None)
            threading.setprofile(None)
            if profiler is not _profiler:
                _record("uses the reference", "the profiler that watches for reference calls was removed")
        try:
            _write(out / f"case{i}.json", {"status": "ok", "value": wire.write_answer(got, out, f"case{i}")})
        except Exception as exc:
            _write(out / f"case{i}.json", {"status": "unsupported", "error": f"{exc}"[:300]})
