"""Auto-graded exercises: ``check(name, fn)``, ``hint(name)``, ``list_exercises()``.

Each topic module registers exercises whose reference is the package's own function.
"""
from cv2course.exercises.core import check, hint, list_exercises

__all__ = ["check", "hint", "list_exercises"]
