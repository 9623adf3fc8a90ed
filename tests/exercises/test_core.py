import json

import numpy as np
import pytest

from cv2course.exercises import core
from cv2course.exercises.core import check, compare_values, exercise


@pytest.fixture
def toy():
    ex = exercise("toy_mean_square", reference=lambda x: np.mean(x ** 2),
                  cases=lambda: [((np.arange(3.0),), {}), ((np.ones((2, 2)),), {})],
                  hint="average of the squares")
    yield ex
    core.EXERCISES.pop("toy_mean_square", None)


def test_reference_passes_and_prints_a_tick(toy, capsys):
    result = check("toy_mean_square", lambda x: (x * x).mean())
    assert result.passed and bool(result)
    assert "✓ toy_mean_square: passed" in capsys.readouterr().out


def test_wrong_normalisation_fails_with_case_and_hint(toy, capsys):
    result = check("toy_mean_square", lambda x: np.sum(x ** 2))
    assert result.status == "failed" and "case 1" in result.message and "expected 1.66" in result.message
    out = capsys.readouterr().out
    assert "✗" in out and "hint: average of the squares" in out


def test_stub_is_not_attempted_and_exceptions_are_failures(toy):
    def stub(x):
        raise NotImplementedError

    assert check("toy_mean_square", stub).status == "not attempted"
    broken = check("toy_mean_square", lambda x: x.nope)
    assert broken.status == "failed" and "AttributeError" in broken.message
    assert check("toy_mean_square", lambda x: None).message.endswith("did the function return its result?")


def test_results_are_logged_for_the_grader(toy, tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("CV2COURSE_GRADE_LOG", str(log))
    check("toy_mean_square", lambda x: np.mean(x ** 2), verbose=False)
    assert json.loads(log.read_text())["status"] == "passed"


def test_unknown_exercise_and_bad_fn(toy):
    with pytest.raises(ValueError, match="unknown exercise 'nope'"):
        check("nope", print)
    with pytest.raises(TypeError, match="fn must be"):
        check("toy_mean_square", 3)


def test_compare_values_shapes_and_structures():
    assert compare_values(np.zeros(3), np.zeros(3)) is None
    assert "shape" in compare_values(np.zeros(3), np.zeros(4))
    assert compare_values((1.0, np.ones(2)), (1.0, np.ones(2))) is None
    assert "[1]" in compare_values((1.0, np.ones(2)), (1.0, np.zeros(2)))
    assert compare_values({"a": 1.0}, {"a": 1.0 + 1e-9}) is None
    assert compare_values(5, 5.0) is None
