import json
import time

import nbformat
import pytest

from cv2course.cli import main
from cv2course.exercises.grader import exercises_in, grade

SETUP = """
import numpy as np
from cv2course.exercises.core import exercise, check
exercise("toy_square", reference=np.square, cases=lambda: [((np.arange(4.0),), {})], hint="multiply x by itself")
exercise("toy_double", reference=lambda x: 2 * x, cases=lambda: [((np.arange(4.0),), {})], hint="2x")
exercise("toy_negate", reference=np.negative, cases=lambda: [((np.arange(4.0),), {})], hint="-x")
exercise("toy_half", reference=lambda x: x / 2, cases=lambda: [((np.arange(4.0),), {})], hint="x/2")
"""


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_infinite_loop_is_cut_and_the_other_exercises_are_scored(tmp_path):
    path = _notebook(tmp_path / "student.ipynb", [
        SETUP,
        "def square(x):\n    return x * x\ncheck('toy_square', square)",
        "def double(x):\n    while True:\n        pass\ncheck('toy_double', double)",
        "def negate(x):\n    raise NotImplementedError\ncheck('toy_negate', negate)",
        "def half(x):\n    return x // 2  # wrong: floor division\ncheck('toy_half', half)",
    ])
    assert exercises_in(path) == ["toy_square", "toy_double", "toy_negate", "toy_half"]
    t0 = time.perf_counter()
    report = grade(path, timeout=15)
    elapsed = time.perf_counter() - t0
    ex = report["exercises"]
    assert ex["toy_square"]["status"] == "passed" and ex["toy_square"]["points"] == 1
    assert ex["toy_double"]["status"] == "not run" and "KeyboardInterrupt" in ex["toy_double"]["message"]
    assert ex["toy_negate"]["status"] == "not attempted"
    assert ex["toy_half"]["status"] == "failed" and "case 1" in ex["toy_half"]["message"]
    assert report["score"] == 1 and report["max_score"] == 4
    assert any(e["event"] == "timeout" for e in report["events"])
    assert elapsed < 120  # the loop was interrupted rather than waited for


def test_a_crashing_kernel_keeps_earlier_scores(tmp_path):
    path = _notebook(tmp_path / "crash.ipynb", [
        SETUP,
        "check('toy_square', lambda x: x ** 2)",
        "import os\nos._exit(1)",
        "check('toy_double', lambda x: x + x)",
    ])
    report = grade(path, timeout=10)
    assert report["exercises"]["toy_square"]["status"] == "passed"
    assert report["exercises"]["toy_double"]["status"] == "not run"
    assert report["score"] == 1


def test_grade_command_prints_json(tmp_path, capsys):
    path = _notebook(tmp_path / "ok.ipynb", [SETUP, "check('toy_negate', lambda x: -x)"])
    assert main(["grade", str(path), "--json", "--timeout", "20"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exercises"]["toy_negate"]["status"] == "passed" and report["score"] == 1


def test_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        grade(tmp_path / "none.ipynb")
    path = _notebook(tmp_path / "x.ipynb", ["1"])
    with pytest.raises(ValueError, match="timeout"):
        grade(path, timeout=0)
