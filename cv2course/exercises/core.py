"""The exercise registry, the strict comparison and the student's ``check(name, fn)``.

A topic module registers exercises with :func:`exercise`: the reference (the package's
own function), the public cases ``cases()`` that ``check`` shows, and ``hidden(rng)``,
random cases of the same kinds that only the grader draws (from a seed the student's
kernel never sees), the progressive ``hints`` (:mod:`.hints`) and the classic ``slips``
it recognises (:mod:`.diagnosis`). ``check(name, fn)`` runs ``fn`` on the public cases in
the student's own process and prints ✓ or ✗ with every failing case (up to
:data:`MAX_SHOWN`), the slip each one matches by name, and the next hint: it helps, it
does not grade. Grading (:mod:`cv2course.exercises.grader`) uses the same
:func:`compare_values`, but in the grader's process, on values it computed itself.

The comparison accepts only real, finite numbers of the expected shape and kind (an
integer where the reference gives one); anything else -- ``None``, complex numbers, an
object with a permissive ``__eq__`` -- fails with a reason. There is no ``==`` fallback.
"""
import dataclasses
import importlib
from typing import Callable, Optional

import numpy as np

from cv2course.i18n import tr

EXERCISES = {}
TOPIC_MODULES = ("convnets", "gans", "metrics", "nst", "sr", "vae")
WIRE_TYPES = {}  # class name -> class, for case arguments that are objects (see wire.py)
MAX_DEPTH, MAX_ITEMS = 4, 1000
MAX_SHOWN = 3  # failing cases that check() prints


@dataclasses.dataclass(frozen=True)
class Exercise:
    name: str
    reference: Callable
    cases: Callable  # () -> list of (args tuple, kwargs dict): the public cases
    hints: tuple  # English texts, a first nudge first, then the slide's formula (never the code)
    topic: str
    description: str = ""
    rtol: float = 1e-5
    atol: float = 1e-6
    hidden: Optional[Callable] = None  # (np.random.Generator) -> list of (args, kwargs)
    expected: Optional[Callable] = None  # the reference's output -> the value to compare with
    accept: Optional[Callable] = None  # the student's plain output -> the value to compare
    slips: tuple = ()  # diagnosis.Slip: the classic slips this exercise names, before diagnosis.COMMON

    @property
    def hint(self):
        """The first hint, in the student's language."""
        return tr(self.hints[0])

    def expected_value(self, args, kwargs):
        """The reference's answer on one case, as plain arrays (see :func:`plain`)."""
        out = self.reference(*args, **kwargs)
        return plain(self.expected(out) if self.expected else out)

    def compare(self, expected, got):
        """None when the student's plain output ``got`` matches, else the reason."""
        if self.accept:
            got = self.accept(got)
        return compare_values(expected, got, self.rtol, self.atol)


@dataclasses.dataclass
class CheckResult:
    name: str
    status: str  # "passed", "failed", "not attempted"
    message: str = ""
    failures: list = dataclasses.field(default_factory=list)  # CaseFailure, every failing case
    cases: int = 0  # how many public cases ran

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed


@dataclasses.dataclass
class CaseFailure:
    index: int  # 1-based
    case: str  # describe_case of the arguments
    reason: str  # what differs (compare_values) or the exception raised
    diagnosis: Optional[str] = None  # the named slip (diagnosis.diagnose), when one matches
    slip: Optional[str] = None  # its key

    def __str__(self):
        return tr("case {index} ({case}): {reason}", index=self.index, case=self.case, reason=self.reason)


def exercise(name, reference, cases, hint, description="", rtol=1e-5, atol=1e-6, topic=None, hidden=None,
             expected=None, accept=None, slips=()):
    """Register exercise ``name``; ``cases()`` gives the public (args, kwargs) pairs, ``hidden(rng)`` more.

    ``hint``: one English text or a sequence of them (a first nudge, then the slide's formula);
    ``slips``: the :class:`~cv2course.exercises.diagnosis.Slip` s this exercise names.
    """
    if name in EXERCISES and EXERCISES[name].reference is not reference:
        raise ValueError(f"exercise {name!r} is registered twice")
    topic = topic or reference.__module__
    hints = (hint,) if isinstance(hint, str) else tuple(hint)
    if not hints:
        raise ValueError(f"exercise {name!r} needs at least one hint")
    EXERCISES[name] = Exercise(name, reference, cases, hints, topic, description, rtol, atol, hidden, expected, accept,
                               tuple(slips))
    return EXERCISES[name]


def wire_type(cls):
    """Class decorator: instances may be case arguments; the grader sends ``wire_fields()`` arrays."""
    WIRE_TYPES[cls.__name__] = cls
    return cls


def load_all():
    """Import every topic module of this package and return the registry."""
    for name in TOPIC_MODULES:
        importlib.import_module(f"cv2course.exercises.{name}")
    return EXERCISES


def get(name):
    """The registered exercise ``name`` (imports its topic module only, when needed)."""
    from cv2course.exercises.grading.assignments import CATALOGUE

    if name not in EXERCISES and name in CATALOGUE:  # one topic, not all of them (and TensorFlow)
        importlib.import_module(f"cv2course.exercises.{CATALOGUE[name][0]}")
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; known exercises: {sorted(set(EXERCISES) | set(CATALOGUE))}")
    return EXERCISES[name]


def list_exercises():
    """Names of all exercises, sorted."""
    return sorted(load_all())


def hint(name):
    """The next hint of exercise ``name``: a nudge first, then the slide's formula (printed and returned)."""
    from cv2course.exercises.hints import next_hint

    text = next_hint(get(name))
    print(text)
    return text


def plain(value, depth=0):
    """``value`` as plain NumPy arrays: an array, or a list of plain values (from lists/tuples).

    Tensors are converted with their ``numpy()``; Python and NumPy scalars become 0-d arrays.
    Anything else raises ``TypeError`` naming its type.
    """
    if depth > MAX_DEPTH:
        raise TypeError(tr("the value is nested too deeply"))
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise TypeError(tr("a sequence of {count} items is too long", count=len(value)))
        return [plain(v, depth + 1) for v in value]
    to_numpy = getattr(type(value), "numpy", None)
    if callable(to_numpy):  # TensorFlow / Keras tensors and variables
        out = value.numpy()
        if isinstance(out, (np.ndarray, np.generic)):
            return np.asarray(out)
    raise TypeError(tr("expected numbers or arrays, got {type}", type=type(value).__name__))


def _describe(value):
    if isinstance(value, list):
        return tr("a list of {count}", count=len(value))
    if isinstance(value, np.ndarray):
        return tr("shape {shape}", shape=value.shape) if value.ndim else tr("a scalar")
    return type(value).__name__


def _stack(items):
    arrays = [a for a in items if isinstance(a, np.ndarray)]
    if len(arrays) != len(items) or len({a.shape for a in arrays}) > 1:
        raise ValueError("not a stack of equal arrays")
    return np.stack(arrays) if arrays else np.zeros((0,))


def compare_values(expected, got, rtol=1e-5, atol=1e-6):
    """None when plain ``got`` matches plain ``expected`` (see :func:`plain`), else the reason.

    An array must be real, finite, of the same shape, integer where ``expected`` is an
    integer, and within ``rtol``/``atol``. A list must have the same length, item by item.
    """
    if isinstance(expected, list):
        if isinstance(got, np.ndarray) and got.ndim >= 1 and len(got) == len(expected):
            got = list(got)
        if not isinstance(got, list) or len(got) != len(expected):
            return tr("expected a list of {count} arrays, got {what}", count=len(expected), what=_describe(got))
        for i, (e, g) in enumerate(zip(expected, got)):
            msg = compare_values(e, g, rtol, atol)
            if msg:
                return f"[{i}] {msg}"
        return None
    if isinstance(got, list):
        try:
            got = _stack(got)
        except ValueError:
            return tr("expected an array of shape {shape}, got a list of {count} items", shape=expected.shape,
                      count=len(got))
    if got is None:
        return tr("got None: did the function return its result?")
    if not isinstance(got, np.ndarray):
        return tr("expected numbers, got {type}", type=type(got).__name__)
    kind = got.dtype.kind
    if kind == "c":
        return tr("got complex numbers; return real values (take .real only if the imaginary part is noise)")
    if kind not in "iuf" and not (kind == "b" == expected.dtype.kind):
        return tr("expected numbers, got an array of dtype {dtype}", dtype=got.dtype)
    if expected.dtype.kind in "iu" and kind not in "iu":
        return tr("expected an integer, got dtype {dtype} (// divides to an integer)", dtype=got.dtype)
    if got.shape != expected.shape:
        return tr("expected {what}, got {got}", what=_describe(expected), got=_describe(got))
    if not np.all(np.isfinite(got)):
        return tr("got NaN or infinite values")
    e, g = expected.astype(np.float64), got.astype(np.float64)
    if not np.allclose(g, e, rtol=rtol, atol=atol):
        diff = np.max(np.abs(g - e)) if g.size else 0.0
        show = lambda a: np.array2string(a, precision=6, threshold=8)  # noqa: E731
        return tr("expected {expected}, got {got} (max difference {diff})", expected=show(e), got=show(g),
                  diff=f"{diff:.3g}")
    return None


def describe_case(args, kwargs):
    """A short text for a case: small arrays by value, larger ones by shape."""
    def short(v):
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(short(x) for x in v) + "]"
        try:
            a = plain(v)
        except TypeError:
            return repr(v)[:60]
        if a.size > 8:
            return f"array{a.shape}"
        return " ".join(np.array2string(a, precision=4).split()) if a.ndim else repr(a.item())

    return ", ".join([short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()])


def _run_case(ex, fn, index, args, kwargs):
    """None when ``fn`` matches the reference on one case, else a :class:`CaseFailure`."""
    from cv2course.exercises.diagnosis import find_slip

    expected = ex.expected_value(args, kwargs)
    where = describe_case(args, kwargs)
    try:
        got = fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:  # a student's bug is a failed case, not a crash
        return CaseFailure(index, where, tr("raised {error}: {detail}", error=type(exc).__name__, detail=exc))
    if got is None:
        return CaseFailure(index, where, compare_values(expected, None))
    try:
        got = plain(got)
        msg = ex.compare(expected, got)
    except TypeError as exc:
        return CaseFailure(index, where, str(exc))
    if not msg:
        return None
    slip = find_slip(ex, expected, got, args, kwargs)
    return CaseFailure(index, where, msg, slip.explain(args, kwargs) if slip else None, slip.key if slip else None)


def check(name, fn, verbose=True):
    """Run ``fn`` on exercise ``name``'s public cases against the reference; print ✓/✗; return the result.

    Every case runs; the failing ones (up to :data:`MAX_SHOWN` printed) each say what differs
    and which classic slip explains it, if one does; then the next hint.
    """
    from cv2course.exercises.hints import next_hint

    ex = get(name)
    if not callable(fn):
        raise TypeError(f"fn must be the function to check, got {type(fn).__name__}")
    cases, failures = ex.cases(), []
    try:
        for i, (args, kwargs) in enumerate(cases):
            failure = _run_case(ex, fn, i + 1, args, kwargs)
            if failure:
                failures.append(failure)
    except NotImplementedError:
        result = CheckResult(name, "not attempted", tr("the function still raises NotImplementedError"),
                             cases=len(cases))
    else:
        if failures:
            message = "\n".join(str(f) + (f" → {f.diagnosis}" if f.diagnosis else "") for f in failures)
            result = CheckResult(name, "failed", message, failures, len(cases))
        else:
            result = CheckResult(name, "passed", tr("all cases match the reference"), cases=len(cases))
    if verbose:
        print(render(result))
        if result.status == "failed":
            print("  " + next_hint(ex))
    return result


def render(result):
    """The text ``check`` prints for a :class:`CheckResult` (without the hint)."""
    mark = {"passed": "✓", "failed": "✗", "not attempted": "·"}[result.status]
    status = {"passed": tr("passed"), "failed": tr("failed"), "not attempted": tr("not attempted")}[result.status]
    if result.status != "failed":
        return f"{mark} {result.name}: {status}" + ("" if result.passed else f" — {result.message}")
    lines = [f"{mark} {result.name}: {status} — " + tr("{failed} of {total} cases differ from the reference",
                                                      failed=len(result.failures), total=result.cases)]
    texts = {f.diagnosis for f in result.failures}
    same = len(result.failures) > 1 and len(texts) == 1 and None not in texts  # one diagnosis explains them all
    for failure in result.failures[:MAX_SHOWN]:
        lines.append(f"  {failure}")
        if failure.diagnosis and not same:
            lines.append("    → " + failure.diagnosis)
    hidden = len(result.failures) - MAX_SHOWN
    if hidden > 0:
        lines.append("  " + tr("… and {count} more failing case(s)", count=hidden))
    if same:
        lines.append("  → " + tr("every failing case: {diagnosis}", diagnosis=result.failures[-1].diagnosis))
    return "\n".join(lines)
