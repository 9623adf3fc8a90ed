"""Progressive hints: a first nudge, then the formula from the slide -- never the code.

An exercise's ``hints`` are English texts (``tr(..., lang="en")`` literals, translated when
shown), from the gentlest to the most explicit. Each failed ``check()`` and each call of
``hint(name)`` shows the next one; the last stays. None of them contains a line of the
reference solution's code (``tests/exercises/test_hints.py`` checks it).
"""
from cv2course.i18n import tr

_shown = {}  # exercise name -> how many hints this process has shown


def hint_level(name):
    """How many hints of exercise ``name`` have been shown in this process."""
    return _shown.get(name, 0)


def next_hint(exercise):
    """The next hint of ``exercise`` (translated), with its position: "hint 1 of 2: …"."""
    hints = exercise.hints
    level = min(_shown.get(exercise.name, 0), len(hints) - 1)
    _shown[exercise.name] = level + 1
    return tr("hint {n} of {total}: {text}", n=level + 1, total=len(hints), text=tr(hints[level]))


def reset(name=None):
    """Start the hints of ``name`` (or of every exercise) from the first again."""
    if name is None:
        _shown.clear()
    else:
        _shown.pop(name, None)
