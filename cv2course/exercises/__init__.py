"""Auto-graded exercises: ``check(name, fn)``, ``hint(name)``, ``list_exercises()``.

Each topic module registers exercises whose reference is the package's own function;
``cv2course grade`` (:mod:`cv2course.exercises.grading`, the other room) scores a whole notebook.
"""
from cv2course.lazy import lazy_exports

__all__ = ["check", "hint", "list_exercises"]
__getattr__, __dir__ = lazy_exports(__name__, {name: "core" for name in __all__})
