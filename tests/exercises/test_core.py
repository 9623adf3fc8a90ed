"""The checker's pieces without a kernel: strict comparison, the wire format read as hostile, the static
scan, and the released assignments against the notebooks."""
import json
import pickle

import nbformat
import numpy as np
import pytest

from cv2course.exercises import core
from cv2course.exercises.grading import assignments, wire
from cv2course.exercises.core import check, compare_values, exercise, plain
from cv2course.exercises.grading.static_scan import scan


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
    assert "✗" in out and "hint 1 of 1: average of the squares" in out
    assert "case 2" in result.message and len(result.failures) == 2  # every failing case, not only the first


def test_stub_is_not_attempted_and_exceptions_are_failures(toy):
    def stub(x):
        raise NotImplementedError

    assert check("toy_mean_square", stub).status == "not attempted"
    broken = check("toy_mean_square", lambda x: x.nope)
    assert broken.status == "failed" and "AttributeError" in broken.message
    assert check("toy_mean_square", lambda x: None).message.endswith("got None: did the function return its result?")


def test_objects_that_equal_everything_and_complex_numbers_fail(toy):
    class Equal:
        def __eq__(self, other):
            return True

    assert "got Equal" in check("toy_mean_square", lambda x: Equal(), verbose=False).message
    assert "complex" in check("toy_mean_square", lambda x: np.mean(x ** 2) + 0j, verbose=False).message


def test_unknown_exercise_and_bad_fn(toy):
    with pytest.raises(ValueError, match="unknown exercise 'nope'"):
        check("nope", print)
    with pytest.raises(TypeError, match="fn must be"):
        check("toy_mean_square", 3)


def test_compare_values_is_strict():
    assert compare_values(np.zeros(3), plain([0.0, 0.0, 0.0])) is None
    assert "shape" in compare_values(np.zeros(3), np.zeros(4))
    assert "a scalar" in compare_values(np.asarray(1.0), np.ones(1))
    assert compare_values([np.asarray(1.0), np.ones(2)], plain((1.0, np.ones(2)))) is None
    assert "[1]" in compare_values([np.asarray(1.0), np.ones(2)], plain((1.0, np.zeros(2))))
    assert "integer" in compare_values(np.asarray(5), np.asarray(5.0))
    assert compare_values(np.asarray(5.0), np.asarray(5)) is None
    assert "NaN" in compare_values(np.asarray(np.nan), np.asarray(np.nan))
    assert "dtype" in compare_values(np.asarray(1.0), np.asarray(True))
    assert "complex" in compare_values(np.ones(2), np.ones(2) + 0j)


def test_answers_are_read_as_hostile(tmp_path):
    tree = wire.write_answer([np.arange(3.0), 2], tmp_path, "case0")
    assert [a.tolist() for a in wire.read_answer(tree, tmp_path)] == [[0.0, 1.0, 2.0], 2]
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a plain numeric"):
        wire.read_answer({"npy": "obj.npy"}, tmp_path)
    (tmp_path / "pickle.npy").write_bytes(pickle.dumps(np.ones(2)))
    with pytest.raises(ValueError, match="not a plain numeric"):
        wire.read_answer({"npy": "pickle.npy"}, tmp_path)
    for bad in ({"npy": "../escape.npy"}, {"npy": "/etc/passwd"}, {"eval": "1"}, {"list": {"a": 1}}, [1], None):
        with pytest.raises(ValueError):
            wire.read_answer(bad, tmp_path)
    (tmp_path / "x.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="not an object"):
        wire.read_json(tmp_path / "x.json")


def test_cases_round_trip_with_python_scalars_and_critics(tmp_path):
    from cv2course.exercises.gans import LinearCritic, SquareCritic

    critic = LinearCritic(2.0, (2, 2, 1), 0)
    cases = [((5, 3, 1, 2), {}), (([np.ones(2), np.zeros((1, 2))], 0.5), {"flag": True}),
             ((critic, SquareCritic()), {})]
    wire.write_cases(cases, tmp_path)
    back = wire.read_cases(tmp_path)
    assert back[0][0] == [5, 3, 1, 2] and all(type(v) is int for v in back[0][0])
    assert back[1][1] == {"flag": True} and back[1][0][1] == 0.5 and back[1][0][0][1].shape == (1, 2)
    assert np.array_equal(back[2][0][0].w, critic.w) and isinstance(back[2][0][1], SquareCritic)
    assert json.loads((tmp_path / "cases.json").read_text())[2]["args"][0]["object"] == "LinearCritic"


def test_static_scan_follows_helpers_and_aliases():
    cells = [(0, "import numpy as np\nfrom cv2course.nst import losses as L\n%matplotlib inline"),
             (1, "def helper(a):\n    return L.gram_matrix(a)\ndef gram_matrix(a):\n    return helper(a)"),
             (2, "import cv2course\ncontent_cost = cv2course.nst.losses.content_cost"),
             (3, "def total_variation(x):\n    return np.abs(np.diff(x, axis=0)).sum()"),
             (4, "np.allclose = lambda *a, **k: True\nimport sys\nf = sys._getframe(0).f_back"),
             (5, "def style_cost_layer(a, b):\n    return __import__('cv2course.nst.' + 'losses').x(a, b)")]
    found = scan(cells, assignments.ASSIGNMENTS["nst"].tasks, [p for _, p in assignments.CATALOGUE.values()])
    assert set(found.reference_use) == {"gram_matrix", "content_cost", "style_cost_layer"}
    assert found.reference_use["gram_matrix"] == ["cv2course.nst.losses.gram_matrix"]
    kinds = {(f["kind"], f["cell"]) for f in found.flags}
    assert {("monkeypatching", 4), ("stack-frame inspection", 4), ("imports a reference module", 0)} <= kinds
    assert found.defined == {"gram_matrix", "content_cost", "total_variation", "style_cost_layer"}


def test_released_assignments_match_the_registry_and_the_notebooks():
    import importlib
    from pathlib import Path

    registry = core.load_all()
    assert set(registry) == set(assignments.CATALOGUE)
    for name, (topic, path) in assignments.CATALOGUE.items():
        module, function = path.rsplit(".", 1)
        assert registry[name].reference is getattr(importlib.import_module(module), function), name
        assert registry[name].hidden is not None, name
    folder = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
    for spec in assignments.ASSIGNMENTS.values():
        nb = nbformat.read(str(folder / spec.notebook), as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        for task in spec.tasks:
            assert f"def {task.function}(" in source and f'check("{task.exercise}"' in source, task


def test_instructor_assignment_files(tmp_path):
    spec = tmp_path / "a.json"
    spec.write_text(json.dumps({"name": "quiz", "exercises": [{"exercise": "vae_kl", "function": "kl", "points": 2.5},
                                                              "psnr"]}))
    quiz = assignments.load_assignment(spec)
    assert quiz.name == "quiz" and quiz.max_score == 3.5 and quiz.tasks[0].function == "kl"
    for bad, match in (({"exercises": ["nope"]}, "unknown exercise"),
                       ({"exercises": [{"exercise": "psnr", "points": float("nan")}]}, "points"),
                       ({"exercises": ["psnr", "psnr"]}, "twice"), ([], "expected")):
        spec.write_text(json.dumps(bad))
        with pytest.raises(ValueError, match=match):
            assignments.load_assignment(spec)
