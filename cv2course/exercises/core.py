"""The exercise checker: a student's function against the package's reference on fixed cases.

A topic module registers exercises with :func:`exercise`; ``check(name, fn)`` runs ``fn``
on every case, compares with the reference, prints ✓ or ✗ with the first failing case and
a hint, and returns a :class:`CheckResult`. An untouched stub (``raise
NotImplementedError``) is reported as "not attempted". When ``CV2COURSE_GRADE_LOG`` names a
file, each result is appended to it as one JSON line (the grader reads it).
"""
import dataclasses
import importlib
import json
import os
import pkgutil
from typing import Callable, Optional

import numpy as np

EXERCISES = {}


@dataclasses.dataclass(frozen=True)
class Exercise:
    name: str
    reference: Callable
    cases: Callable  # () -> list of (args tuple, kwargs dict)
    hint: str
    topic: str
    description: str = ""
    rtol: float = 1e-5
    atol: float = 1e-6
    compare: Optional[Callable] = None  # (expected, got) -> None or a message


@dataclasses.dataclass
class CheckResult:
    name: str
    status: str  # "passed", "failed", "not attempted"
    message: str = ""

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed


def exercise(name, reference, cases, hint, description="", rtol=1e-5, atol=1e-6, compare=None, topic=None):
    """Register exercise ``name``; ``cases()`` returns a list of (args, kwargs) pairs."""
    if name in EXERCISES and EXERCISES[name].reference is not reference:
        raise ValueError(f"exercise {name!r} is registered twice")
    topic = topic or reference.__module__
    EXERCISES[name] = Exercise(name, reference, cases, hint, topic, description, rtol, atol, compare)
    return EXERCISES[name]


def load_all():
    """Import every topic module of this package and return the registry."""
    import cv2course.exercises as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in ("core", "cli", "grader") and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    return EXERCISES


def _get(name):
    if name in EXERCISES:  # avoid importing every topic (and TensorFlow) when not needed
        return EXERCISES[name]
    exercises = load_all()
    if name not in exercises:
        raise ValueError(f"unknown exercise {name!r}; known exercises: {sorted(exercises)}")
    return exercises[name]


def list_exercises():
    """Names of all exercises, sorted."""
    return sorted(load_all())


def hint(name):
    """The hint of exercise ``name`` (printed and returned)."""
    text = _get(name).hint
    print(text)
    return text


def _to_numpy(x):
    if hasattr(x, "numpy"):
        return x.numpy()
    if isinstance(x, (list, tuple)) and not all(np.isscalar(v) for v in x):
        return type(x)(_to_numpy(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_numpy(v) for k, v in x.items()}
    return x


def compare_values(expected, got, rtol=1e-5, atol=1e-6):
    """None when ``got`` matches ``expected`` (recursively, numerically), else a message."""
    expected, got = _to_numpy(expected), _to_numpy(got)
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"expected a dict with keys {sorted(expected)}, got {type(got).__name__}"
        for k in expected:
            msg = compare_values(expected[k], got[k], rtol, atol)
            if msg:
                return f"[{k!r}] {msg}"
        return None
    if isinstance(expected, (tuple, list)) and not np.isscalar(expected) and not all(
            np.isscalar(v) for v in expected):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} values, got {type(got).__name__}"
        for i, (e, g) in enumerate(zip(expected, got)):
            msg = compare_values(e, g, rtol, atol)
            if msg:
                return f"[{i}] {msg}"
        return None
    if got is None:
        return "got None: did the function return its result?"
    try:
        e = np.asarray(expected, dtype=np.float64)
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None if expected == got else f"expected {expected!r}, got {got!r}"
    if e.shape != g.shape and not (e.size == g.size == 1):
        return f"expected shape {e.shape}, got shape {g.shape}"
    if not np.allclose(g.reshape(e.shape), e, rtol=rtol, atol=atol, equal_nan=True):
        diff = np.max(np.abs(g.reshape(e.shape) - e))
        show = lambda a: np.array2string(np.asarray(a), precision=6, threshold=8)  # noqa: E731
        return f"expected {show(e)}, got {show(g)} (max difference {diff:.3g})"
    return None


def _describe_case(args, kwargs):
    def short(v):
        a = _to_numpy(v)
        if isinstance(a, np.ndarray) and a.size > 8:
            return f"array{a.shape}"
        return np.array2string(a, precision=4) if isinstance(a, np.ndarray) else repr(a)

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _log(result):
    path = os.environ.get("CV2COURSE_GRADE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(dataclasses.asdict(result)) + "\n")


def check(name, fn, verbose=True):
    """Run ``fn`` on exercise ``name``'s cases against the reference; print ✓/✗; return the result."""
    ex = _get(name)
    if not callable(fn):
        raise TypeError(f"fn must be the function to check, got {type(fn).__name__}")
    result = None
    for i, (args, kwargs) in enumerate(ex.cases()):
        expected = ex.reference(*args, **kwargs)
        try:
            got = fn(*args, **kwargs)
        except NotImplementedError:
            result = CheckResult(name, "not attempted", "the function still raises NotImplementedError")
            break
        except Exception as exc:  # a student's bug is a failed case, not a crash
            result = CheckResult(name, "failed", f"case {i + 1} ({_describe_case(args, kwargs)}) raised "
                                                 f"{type(exc).__name__}: {exc}")
            break
        msg = ex.compare(expected, got) if ex.compare else compare_values(expected, got, ex.rtol, ex.atol)
        if msg:
            result = CheckResult(name, "failed", f"case {i + 1} ({_describe_case(args, kwargs)}): {msg}")
            break
    if result is None:
        result = CheckResult(name, "passed", "all cases match the reference")
    _log(result)
    if verbose:
        mark = {"passed": "✓", "failed": "✗", "not attempted": "·"}[result.status]
        print(f"{mark} {name}: {result.status}" + ("" if result.passed else f" — {result.message}"))
        if result.status == "failed":
            print(f"  hint: {ex.hint}")
    return result
