"""The classic slips, recognised by name: ``diagnose(exercise, expected, got)``.

Each exercise declares its slips (``exercise(..., slips=[...])``): a :class:`Slip` turns the
reference answer of a case into the answer a student who made that slip would give -- a
constant factor (× 2, × 4, ½), a sign, a transpose, a sum where the formula takes a mean, log₂
instead of ln, a forgotten square root, the other normalisation of the slides. When a case
fails, :func:`diagnose` tries the exercise's slips in order, then the common ones
(:data:`COMMON`), and names the first whose answer the student's matches.

It is pure (no printing, no state): ``check()`` calls it in the student's kernel and the
grader can call it in its own process on the values it computed itself.

Messages are English, kept as ``tr(..., lang="en")`` literals so that the catalogue
extractor finds them; :func:`diagnose` translates them when it renders them.
"""
import dataclasses
import math
from typing import Callable, Optional

import numpy as np

from cv2course.i18n import tr


@dataclasses.dataclass(frozen=True)
class Slip:
    """One classic slip: ``key`` names it for programs, ``message`` (English) for the student.

    ``transform(expected, args, kwargs)`` is the answer with the slip made; ``factor(args,
    kwargs)`` (optional) fills ``{factor}`` in the message.
    """

    key: str
    message: str
    transform: Callable
    factor: Optional[Callable] = None
    needs_case: bool = False  # True when transform reads the case's arguments

    def slipped(self, expected, args=(), kwargs=None):
        """The answer with this slip, as plain arrays (or None when it does not apply to the case)."""
        from cv2course.exercises.core import plain

        try:
            return plain(self.transform(expected, tuple(args), dict(kwargs or {})))
        except (TypeError, ValueError, ArithmeticError, IndexError, AttributeError):
            return None

    def explain(self, args=(), kwargs=None):
        """The message in the student's language, ``{factor}`` filled in."""
        values = {}
        if self.factor is not None:
            values["factor"] = _number(self.factor(*args, **(kwargs or {})))
        return tr(self.message, **values)


def _number(x):
    x = float(x)
    return str(int(round(x))) if abs(x - round(x)) < 1e-9 and abs(x) < 1e12 else f"{x:.4g}"


def _map(fn, value):
    """``fn`` applied to every array of a plain value (an array or a list of them)."""
    if isinstance(value, list):
        return [_map(fn, v) for v in value]
    return fn(np.asarray(value, np.float64))


def times(key, k, message):
    """The answer multiplied by the constant ``k`` (``{factor}`` is k)."""
    return Slip(key, message, lambda e, a, kw: _map(lambda x: x * k, e), factor=lambda *a, **kw: k)


def scaled(key, count, message):
    """The answer multiplied by ``count(*args, **kwargs)`` (a size of the case: sum vs mean, a normalisation)."""
    return Slip(key, message, lambda e, a, kw: _map(lambda x: x * float(count(*a, **kw)), e), factor=count,
                needs_case=True)


def answer(key, fn, message):
    """The answer transformed by ``fn`` (a transpose, a square root ...)."""
    return Slip(key, message, lambda e, a, kw: _map(fn, e))


def wrong(key, fn, message, factor=None):
    """The answer of ``fn(*args, **kwargs)``, a wrong version of the reference (e.g. arguments swapped)."""
    return Slip(key, message, lambda e, a, kw: fn(*a, **kw), factor=factor, needs_case=True)


def _transpose(x):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError("nothing to transpose")
    return np.swapaxes(x, -1, -2)


def _root(x):
    if np.any(x < 0):
        raise ValueError("no real root")
    return np.sqrt(x)


# The slips every exercise is checked for after its own (a sign, the usual factors, log bases, roots).
SIGN = times("sign", -1, tr("your answer has the wrong sign: it is the expected one × (−1); "
                            "check which term is subtracted from which", lang="en"))
TIMES_2 = times("times_2", 2, tr("your answer is the expected one × 2: a factor ½ of the formula is missing, "
                                 "or a term is counted twice", lang="en"))
HALF = times("half", 0.5, tr("your answer is the expected one × ½: a factor 2 of the formula is missing, "
                             "or you divided by 2 where the formula does not", lang="en"))
TIMES_4 = times("times_4", 4, tr("your answer is the expected one × 4: a factor 1/4 of the formula is missing",
                                 lang="en"))
QUARTER = times("quarter", 0.25, tr("your answer is the expected one × ¼: you divided by 4 where the formula "
                                    "does not", lang="en"))
LOG2 = times("log2", 1 / math.log(2), tr("your answer is the expected one × 1/ln 2 ≈ 1.443: you used log₂ "
                                         "(bits); the formula uses the natural log ln (nats)", lang="en"))
LOG10 = times("log10", 1 / math.log(10), tr("your answer is the expected one × 1/ln 10 ≈ 0.434: you used log₁₀; "
                                            "the formula uses the natural log ln", lang="en"))
SQUARED = answer("squared", np.square, tr("your answer is the square of the expected one: a square root of the "
                                          "formula is missing", lang="en"))
ROOTED = answer("rooted", _root, tr("your answer is the square root of the expected one: the formula has no "
                                    "square root there (or squares what you took the root of)", lang="en"))
TRANSPOSED = answer("transposed", _transpose, tr("your answer is the transpose of the expected one: swap the two "
                                                 "axes (rows ↔ columns)", lang="en"))
COMMON = (SIGN, TIMES_2, HALF, TIMES_4, QUARTER, LOG2, LOG10, SQUARED, ROOTED, TRANSPOSED)


def candidate_slips(exercise):
    """The slips tried for ``exercise``: its own first, then :data:`COMMON` (each key once)."""
    seen, out = set(), []
    for slip in tuple(exercise.slips) + COMMON:
        if slip.key not in seen:
            seen.add(slip.key)
            out.append(slip)
    return out


def find_slip(exercise, expected, got, args=None, kwargs=None):
    """The first slip of ``exercise`` whose answer equals ``got`` (and differs from ``expected``), or None.

    ``expected`` and ``got`` are plain values (see :func:`cv2course.exercises.core.plain`);
    ``args``/``kwargs`` are the case's arguments (slips that need them are skipped without).
    """
    from cv2course.exercises import core

    exercise = core.get(exercise) if isinstance(exercise, str) else exercise
    if exercise.accept:
        got = exercise.accept(got)
    for slip in candidate_slips(exercise):
        if slip.needs_case and args is None:
            continue
        slipped = slip.slipped(expected, args or (), kwargs)
        if slipped is None or core.compare_values(expected, slipped, exercise.rtol, exercise.atol) is None:
            continue  # the slip changes nothing on this case: it cannot be told apart
        if core.compare_values(slipped, got, exercise.rtol, exercise.atol) is None:
            return slip
    return None


def diagnose(exercise, expected, got, args=None, kwargs=None):
    """The named slip that explains ``got`` instead of ``expected`` (a sentence), or None.

    ``exercise``: a registered exercise or its name. Pure: both ``check()`` and the grader call it.
    """
    slip = find_slip(exercise, expected, got, args, kwargs)
    return slip.explain(args or (), kwargs) if slip else None
