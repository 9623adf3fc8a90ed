"""Grade student notebooks so that the number means what it says, one or a whole class at once.

The trust boundary
------------------
The student's kernel runs the student's code and nothing else that matters. This process
(the grader) owns everything that decides a grade:

1. **The assignment decides what is graded.** Exercise names, function names and points
   come from the released assignment (:mod:`assignments`, or ``--assignment spec.json``),
   never from the submission: a deleted exercise scores 0 of its points, ``check`` calls on
   other exercises score nothing, and ``max_score`` is the assignment's. Without
   ``--assignment`` the released assignment is the one whose notebook has the submission's
   file name (a convenience for one notebook; give ``--assignment`` when grading a class).
2. **The grader owns the cases and the answers.** It takes the public cases (those
   ``check`` shows) and draws hidden ones from a seed that never leaves this process,
   computes the reference values here, with the package's functions, and writes only the
   *inputs* for the kernel (``.npy`` without pickle, JSON), in a folder the kernel cannot
   read; each exercise's inputs are copied into the kernel's scratch folder just before the
   call that needs them. After the notebook ran, the
   supervisor asks the kernel to call each graded function by name, once, with its own time
   limit; the kernel writes what it returned as ``.npy`` files. This process loads them with
   ``allow_pickle=False`` and accepts only real, finite numbers of the expected shape and
   kind (:func:`core.compare_values`): no ``==`` fallback, no imaginary part dropped, no
   object. Anything malformed fails that case with the reason. The kernel never holds an
   expected value, so replacing ``numpy.allclose``, the registry or a reference inside it,
   reading the caller's frame, or a permissive ``__eq__`` changes nothing, and there is no
   log file for it to forge.
3. **A sandbox per run**, decided in :mod:`.sandbox` and applied by :mod:`.kernel_launcher`:
   a run folder (:class:`protocol.RunFolder`) whose scratch copy of the notebook is the
   kernel's working directory and home; an environment built from nothing (the grader's own
   variables never reach the kernel); TensorFlow and the assignment's modules imported in a
   setup cell before the timed cells. Started as root, the kernel runs as a **dedicated uid**
   per run with **no capabilities** and ``no_new_privs``. **No network**: a network namespace
   (the kernel talks to the supervisor over Unix sockets), and Landlock's TCP rules. **One
   budget per run** (:mod:`.budget`): a cgroup holds ``--memory`` and ``--processes`` over all
   the run's processes; a run that reaches either ends with "limit reached"; ``RLIMIT_DATA``,
   ``RLIMIT_CPU`` (``--cpu-time``) and ``RLIMIT_FSIZE`` hold each process. **Landlock** (Linux
   >= 5.13, unprivileged) confines files: read the Python installation and the package, write
   only the run's own folders, no signals to (Linux >= 6.12) or ``/proc`` of processes outside
   the sandbox. The supervisor is a **child subreaper**: ``setsid`` and double-forked
   children stay its descendants, and at the end it kills and reaps every one of them; it
   dies with the grader (``PR_SET_PDEATHSIG``). What a machine cannot give (no cgroup, no
   namespace, old kernels) the run goes without, and the report's ``sandbox`` block says
   which mechanism held each limit and whether it is enforced; for more, run the grader
   inside a container (README).
4. **Flags for a person.** A static scan of the notebook in this process
   (:mod:`static_scan`) lists imports of reference modules or grader internals, stack-frame
   inspection, dynamic code, monkeypatching, file deletion, processes and environment reads,
   per exercise where a cell belongs to one; an audit hook in the kernel adds what it saw at
   run time (frame access, writes outside the scratch folder, processes, reference calls
   during a graded call). A graded function whose code reaches the package's reference (seen
   in the source, or by the kernel's profiler) scores 0 for that exercise. Kernel reports can
   only lower a grade: a student gains nothing by forging them.
5. **Robust reporting.** Limits are validated (finite, > 0); malformed output from a run
   fails that exercise with the reason and never loses the report; a cell that ignores the
   interrupt, or kills the kernel, costs a restart and a replay, not the later exercises; a
   student's own ``KeyboardInterrupt`` is an error, not a timeout; SIGINT/SIGTERM end every
   run and remove its folder; ``error`` in the report (and a non-zero exit) means the grader
   itself failed.

Against nbgrader and otter-grader
---------------------------------
- *Where tests run.* nbgrader restores the instructor's test cells into the submission and
  runs them in the student's kernel, so a student's code shares the process with the asserts
  (and can patch them). otter-grader also runs its tests in the student's environment, but
  inside a Docker container per submission. Here the comparison never runs in the kernel.
- *Hidden tests.* nbgrader hides test code in the released notebook and restores it when
  grading; otter-grader keeps hidden tests out of the student's copy. Here hidden cases are
  drawn fresh per run from a seed the kernel never sees, so even a leaked case set is useless.
- *What is graded.* nbgrader takes cells and points from the instructor's source by cell id
  (deleted cells are restored); otter from its test files. Here from the released
  assignment spec, by function name; a deleted function scores 0.
- *Isolation.* nbgrader does not sandbox (same user, same machine, the environment of the
  grader); otter relies on Docker (root daemon, images). Here a plain Linux machine is
  enough: subreaper, rlimits, clean environment and Landlock, no privileges; as root it adds
  a uid per run, namespaces and a cgroup; Docker remains an option around the whole grader.
- *Results channel.* nbgrader reads outputs from the executed notebook; otter from a results
  pickle written in the container. Here only JSON and pickle-free ``.npy`` files, parsed as
  hostile, and the expected values never leave the grader.
- *Batch.* Both grade many submissions; here ``--jobs N`` runs N sandboxes in parallel and
  writes a gradebook CSV, a JSON file and one feedback file per student.
"""
import contextlib
import copy
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import numpy as np

from cv2course.exercises.grading import assignments as assignment_specs
from cv2course.exercises.grading import protocol, sandbox, wire
from cv2course.exercises.grading.budget import RunBudget
from cv2course.exercises.grading.results import collect
from cv2course.i18n import check_language, speaking, tr

DEFAULT_MEMORY = 4 * 2 ** 30
SETUP_TIMEOUT = 300.0
_ACTIVE = {}  # supervisor pid -> Popen, for SIGINT/SIGTERM
_ACTIVE_LOCK = threading.Lock()
STOPPING = threading.Event()  # set by terminate_all: no new run starts


def read_notebook(path):
    """The notebook at ``path`` (nbformat), or a one-line error naming the file."""
    import nbformat

    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a folder; give notebooks, or the folder's *.ipynb files")
    if not path.is_file():
        raise FileNotFoundError(f"notebook {str(path)!r} does not exist")
    if path.suffix != ".ipynb":
        raise ValueError(f"{str(path)!r} is not a .ipynb notebook")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{str(path)!r} is not a notebook: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{str(path)!r} is not a notebook: expected a JSON object with a 'cells' list, "
                         f"got {type(data).__name__ if not isinstance(data, dict) else 'an object without cells'}")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as exc:
        raise ValueError(f"{str(path)!r} is not a readable notebook ({str(exc).splitlines()[0][:200]})") from None
    return nb


def code_cells(nb):
    return [(i, c.source if isinstance(c.source, str) else "".join(c.source))
            for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]


def _check_limit(value, name):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}")
    return value


def parse_memory(text):
    """Bytes from ``"4G"``, ``"1.5G"``, ``"512M"`` or a plain number of bytes (ValueError otherwise)."""
    units = {"": 1, "K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30, "T": 2 ** 40}
    raw = str(text).strip().upper().removesuffix("B").removesuffix("I")
    unit = raw[-1:] if raw[-1:] in units and raw[-1:] else ""
    try:
        value = float(raw[:-1] if unit else raw) * units[unit]
    except ValueError:
        raise ValueError(f"--memory must be a size such as 4G or 512M, got {text!r}") from None
    if not np.isfinite(value) or value < 256 * 2 ** 20:
        raise ValueError(f"--memory must be a finite size of at least 256M, got {text!r}")
    return int(value)


# --- cases and references -----------------------------------------------------------------------

def _cases_for(task, seed):
    from cv2course.exercises import core

    ex = core.get(task.exercise)
    rng = np.random.default_rng([seed, zlib.crc32(task.exercise.encode())])
    public = list(ex.cases())
    hidden = list(ex.hidden(rng)) if ex.hidden else []
    labels = [(False, i + 1) for i in range(len(public))] + [(True, i + 1) for i in range(len(hidden))]
    return ex, public + hidden, labels  # (hidden?, number) per case


def _stage(assignment, stage_dir, seed):
    """Write every task's inputs under ``stage_dir``; return {exercise: (exercise, expected, labels, descriptions,
    cases)}."""
    import importlib

    from cv2course.exercises import core

    for module in assignment.topic_modules:
        importlib.import_module(module)
    staged = {}
    for task in assignment.tasks:
        ex, cases, labels = _cases_for(task, seed)
        wire.write_cases(cases, Path(stage_dir) / task.exercise)
        expected = [ex.expected_value(*copy.deepcopy(case)) for case in cases]
        staged[task.exercise] = (ex, expected, labels, [core.describe_case(a, k) for a, k in cases], cases)
    return staged


# --- the sandbox --------------------------------------------------------------------------------

def _preload(assignment, cells):
    modules = ["numpy"] + list(assignment.topic_modules)
    source = "\n".join(s for _, s in cells)
    if "tensorflow" in source or "keras" in source:
        modules = ["tensorflow", "keras"] + modules
    if "matplotlib" in source:
        modules.append("matplotlib.pyplot")
    return modules


def _reference_info():
    import importlib.util

    modules = {path.rsplit(".", 1)[0] for _, path in assignment_specs.CATALOGUE.values()}
    files = sorted(os.path.realpath(importlib.util.find_spec(m).origin) for m in modules)
    packages = sorted({".".join(m.split(".")[:2]) for m in modules})
    return files, packages


def _terminate(proc, grace=10.0):
    """SIGTERM the supervisor (it kills its kernel and every descendant), then SIGKILL its group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def terminate_all():
    """End every running grading run (SIGINT/SIGTERM to the grader); no new one starts until ``STOPPING`` is cleared."""
    STOPPING.set()
    with _ACTIVE_LOCK:
        procs = list(_ACTIVE.values())
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        _terminate(proc)


def run_language(notebook, lang=None):
    """The language of a run's messages and feedback: ``lang`` (``--lang``), else ``$CV2COURSE_LANG``, else the
    notebook's own (``metadata.cv2course.lang``, set in the Spanish notebooks), else English."""
    if lang:
        return check_language(lang)
    if os.environ.get("CV2COURSE_LANG", "").strip():
        return check_language(os.environ["CV2COURSE_LANG"])
    meta = read_notebook(notebook).metadata.get("cv2course", {})
    return check_language(meta.get("lang") or "en")


def grade(notebook, assignment=None, lang=None, **options):
    """Grade one notebook; return the report (see the module docstring and ``cv2course grade --help``), its
    messages in the run's language (:func:`run_language`), which the report records as ``lang``.

    ``assignment``: a released assignment name, an :class:`assignments.Assignment`, a JSON
    spec path, or None to infer it from the notebook's file name.
    """
    lang = run_language(notebook, lang)
    with speaking(lang):
        report = _grade(notebook, assignment, lang, **options)
    report["lang"] = lang
    return report


def _grade(notebook, assignment, lang, timeout=60.0, total_timeout=None, memory=DEFAULT_MEMORY, cpu_time=None,
           seed=None, quick=True, landlock=True, processes=sandbox.DEFAULT_PROCESSES):
    if sys.platform != "linux":
        raise OSError(f"cv2course grade sandboxes runs with Linux features (subreaper, rlimits, Landlock); "
                      f"on {sys.platform}, run it in a Linux container (see the README)")
    timeout = _check_limit(timeout, "timeout")
    nb = read_notebook(notebook)
    if assignment is None:
        assignment = assignment_specs.infer_assignment(notebook)
        if assignment is None:
            raise ValueError(f"cannot tell which assignment {str(notebook)!r} is; give --assignment "
                             f"(one of {sorted(assignment_specs.ASSIGNMENTS)} or a .json spec)")
    elif not isinstance(assignment, assignment_specs.Assignment):
        assignment = assignment_specs.load_assignment(assignment)
    cells = code_cells(nb)
    if total_timeout is None:
        total_timeout = timeout * (len(cells) + len(assignment.tasks)) + 60.0
    total_timeout = _check_limit(total_timeout, "total_timeout")
    cpu_time = _check_limit(cpu_time, "cpu_time") if cpu_time is not None else max(120.0, 2 * total_timeout)
    memory = parse_memory(memory) if isinstance(memory, str) else int(memory)
    seed = secrets.randbits(63) if seed is None else int(seed)

    from cv2course.exercises.grading.static_scan import scan

    reference_files, reference_packages = _reference_info()
    found = scan(cells, assignment.tasks, [p for _, p in assignment_specs.CATALOGUE.values()])
    released = assignment_specs.released_code(assignment)  # the instructor's cells, unchanged: nothing to flag
    flags = [f for f in found.flags if dict(cells).get(f["cell"]) not in released]
    report = {"notebook": str(notebook), "assignment": assignment.name, "score": 0,
              "max_score": assignment.max_score, "exercises": {}, "flags": flags, "events": [],
              "sandbox": {}, "error": None}
    temp_root = tempfile.gettempdir()
    folder = protocol.RunFolder(Path(tempfile.mkdtemp(prefix="cv2course-grade-", dir=temp_root)))
    user = sandbox.run_user()
    budget = RunBudget.create(memory, processes)
    try:
        folder.create(owner=user)
        shutil.copyfile(notebook, folder.scratch / Path(notebook).name)
        folder.give(folder.scratch / Path(notebook).name, user)
        staged = _stage(assignment, folder.stage, seed)
        answers = {t.exercise: f"{t.exercise}-{secrets.token_hex(6)}" for t in assignment.tasks}
        limits = sandbox.kernel_limits(folder, memory, int(np.ceil(cpu_time)), processes, budget, user, landlock,
                                       temp_root)
        protocol.write(limits, folder.limits)
        env = {**sandbox.kernel_env(folder.scratch, quick), "CV2COURSE_LANG": lang}
        spec = protocol.RunSpec(
            env=env, cells=cells, timeout=timeout, total_timeout=total_timeout, setup_timeout=SETUP_TIMEOUT,
            grace=min(10.0, max(2.0, timeout)), preload=_preload(assignment, cells),
            reference_files=reference_files, reference_packages=reference_packages,
            library=sorted({sys.prefix, sys.base_prefix, os.path.realpath(sys.base_prefix),
                            str(sandbox.package_dir())}),
            parent_pid=os.getpid(), owner=list(user) if user else None, budget=budget.describe(),
            tasks=[protocol.Task(t.exercise, t.function, answers[t.exercise]) for t in assignment.tasks])
        protocol.write(spec, folder.spec)
        started = time.monotonic()
        if STOPPING.is_set():
            raise KeyboardInterrupt("grading was stopped")
        # the supervisor's own files stay in private/: the scratch folder is the kernel's to booby-trap
        own = {**env, **{k: str(folder.private) for k in ("HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR")}}
        with open(folder.supervisor_log, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "cv2course.exercises.grading.supervisor", str(folder.root)],
                                    cwd=folder.root, env=own, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=log, start_new_session=True)
        with _ACTIVE_LOCK:
            _ACTIVE[proc.pid] = proc
        try:
            proc.wait(timeout=SETUP_TIMEOUT + total_timeout + 120)  # the supervisor keeps its own deadlines
        except subprocess.TimeoutExpired:
            report["events"].append({"event": "grader timeout", "message": tr("the run did not end; it was killed")})
        finally:
            _terminate(proc)
            with _ACTIVE_LOCK:
                _ACTIVE.pop(proc.pid, None)
        seconds = round(time.monotonic() - started, 2)
        collect(report, folder, proc.returncode, assignment, staged, answers, found, timeout)
        report["sandbox"] = {"seconds": seconds, **_sandbox_block(folder, budget, limits),
                             "all_processes_ended": report["sandbox"]["all_processes_ended"]}
    finally:
        budget.remove()
        shutil.rmtree(folder.root, ignore_errors=True)
    return report


def _sandbox_block(folder, budget, limits):
    try:
        applied = protocol.read(protocol.Applied, folder.applied)
    except (OSError, ValueError, TypeError):
        applied = None  # the kernel never got that far
    return sandbox.report(applied, budget, limits)


# --- many submissions ---------------------------------------------------------------------------

def submissions_in(paths):
    """The notebooks to grade: files as given, folders' *.ipynb (sorted, not recursive)."""
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.glob("*.ipynb") if p.is_file())
            if not found:
                raise FileNotFoundError(f"folder {str(path)!r} holds no .ipynb notebooks")
            out += found
        else:
            out.append(path)
    return out


def grade_many(paths, jobs=1, progress=True, **options):
    """Grade ``paths`` with ``jobs`` runs in parallel; one report per path, in order.

    A submission that cannot be read gets a report with ``error`` set and no points.
    """
    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    def one(path):
        try:
            return grade(path, **options)
        except (ValueError, FileNotFoundError, IsADirectoryError, TypeError) as exc:
            assignment = options.get("assignment")
            spec = assignment if isinstance(assignment, assignment_specs.Assignment) else (
                assignment_specs.load_assignment(assignment) if assignment else None)
            return {"notebook": str(path), "assignment": spec.name if spec else None, "score": 0,
                    "max_score": spec.max_score if spec else 0,
                    "exercises": {t.exercise: {"status": "not run", "points": 0, "max_points": t.points,
                                               "message": str(exc)} for t in (spec.tasks if spec else ())},
                    "flags": [], "events": [], "sandbox": {}, "error": str(exc)}

    reports = [None] * len(paths)
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(paths), desc="grading", unit="notebook", disable=not progress, file=sys.stderr) as bar:
        futures = {pool.submit(one, p): i for i, p in enumerate(paths)}
        try:
            for future in _as_completed(futures):
                reports[futures[future]] = future.result()
                bar.update(1)
        except BaseException:
            for future in futures:
                future.cancel()
            terminate_all()
            raise
    return reports


def _as_completed(futures):
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)  # wakes up for signals
        yield from done
