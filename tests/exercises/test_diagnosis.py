"""Diagnosis of the classic slips: each exercise's declared slips, fed as answers, are named by check().

A student function that returns the reference answer with one slip made (the slip's own
transform of the reference, on every public case) must fail, and check() must name that slip
on at least one case, and on every other failing case a slip that gives the very same answer
there (two slips can coincide on a case: ×4 is n_C² when n_C = 2).
"""
import numpy as np
import pytest

from cv2course.exercises import core, diagnosis
from cv2course.exercises.core import check, load_all

REGISTRY = load_all()
SLIPS = [(name, slip.key) for name, ex in sorted(REGISTRY.items()) for slip in ex.slips]


def _slipped_student(ex, slip):
    def student(*args, **kwargs):
        return slip.transform(ex.expected_value(args, kwargs), args, kwargs)
    return student


def test_every_exercise_declares_slips():
    assert {name for name, _ in SLIPS} == set(REGISTRY)


@pytest.mark.parametrize("name,key", SLIPS)
def test_each_declared_slip_is_named(name, key):
    ex = REGISTRY[name]
    slip = next(s for s in ex.slips if s.key == key)
    result = check(name, _slipped_student(ex, slip), verbose=False)
    assert result.status == "failed", (name, key)
    named = [f.slip for f in result.failures]
    assert key in named, (name, key, named)
    cases = ex.cases()
    for failure in result.failures:
        if failure.slip != key:  # another slip named first: it must give the same answer on this case
            args, kwargs = cases[failure.index - 1]
            expected = ex.expected_value(args, kwargs)
            if failure.slip is None:  # a slipped answer that is not finite (KL with q = 0) is only reported
                assert not np.all(np.isfinite(slip.slipped(expected, args, kwargs))), (name, key, failure)
                continue
            other = next(s for s in diagnosis.candidate_slips(ex) if s.key == failure.slip)
            assert core.compare_values(slip.slipped(expected, args, kwargs), other.slipped(expected, args, kwargs),
                                       ex.rtol, ex.atol) is None, (name, key, failure)


@pytest.mark.parametrize("slip", diagnosis.COMMON, ids=lambda s: s.key)
def test_common_slips_are_named_on_a_toy(slip):
    core.exercise("toy_matrix", reference=lambda x: x @ np.array([[1.0, 2.0], [0.5, 3.0]]),
                  cases=lambda: [((np.array([[1.0, 2.0], [3.0, 4.0]]),), {}), ((np.eye(2) * 2,), {})], hint="h")
    try:
        ex = core.get("toy_matrix")
        result = check("toy_matrix", _slipped_student(ex, slip), verbose=False)
        assert {f.slip for f in result.failures} == {slip.key}
    finally:
        core.EXERCISES.pop("toy_matrix")


def test_diagnose_is_pure_and_works_on_values_alone():
    """The grader's call: a name, the expected and the got values; slips that need the case are skipped."""
    expected = np.asarray(2.0)
    assert "× 4" in diagnosis.diagnose("content_cost", expected, np.asarray(8.0))
    assert diagnosis.diagnose("content_cost", expected, np.asarray(2.5)) is None
    a = np.ones((2, 3, 5), np.float32)
    b = np.zeros((2, 3, 5), np.float32)
    reference = REGISTRY["content_cost"].expected_value((a, b), {})
    text = diagnosis.diagnose("content_cost", reference, np.asarray(30.0), args=(a, b), kwargs={})
    assert "class 5" in text and "× 4·n_H·n_W·n_C = 120" in text and "lecture" in text


def test_class5_normalisations_written_by_a_student_are_recognised(capsys):
    def content(a_C, a_G):  # class 5: ‖a^[l](C) − a^[l](G)‖²
        return np.sum((a_C - a_G) ** 2)

    def style(a_S, a_G):  # class 5: 1/(4(n_W n_H)²) ‖G(S) − G(G)‖²_F
        h, w, c = a_S.shape
        A, B = a_S.reshape(-1, c), a_G.reshape(-1, c)
        return np.sum((A.T @ A - B.T @ B) ** 2) / (4 * (h * w) ** 2)

    assert {f.slip for f in check("content_cost", content).failures} == {"class5_content"}
    assert {f.slip for f in check("style_cost_layer", style).failures} == {"class5_style"}
    out = capsys.readouterr().out
    assert "class 5's normalisation" in out and "the exercise grades the NST lecture's" in out.replace("The", "the")
    assert "× n_C² = 9" in out  # the first failing case has n_C = 3


def test_every_failing_case_is_listed_up_to_three(capsys):
    result = check("kl_divergence", lambda p, q: 0.0)
    out = capsys.readouterr().out
    assert len(result.failures) == 5 and "5 of 5 cases" in out
    assert "case 1 " in out and "case 2 " in out and "case 3 " in out and "case 4 " not in out
    assert "2 more failing case" in out


def test_hints_progress_from_nudge_to_formula(capsys):
    from cv2course.exercises import hints

    hints.reset("vae_kl")
    ex = REGISTRY["vae_kl"]
    wrong = lambda m, lv: np.zeros(len(m))  # noqa: E731
    check("vae_kl", wrong)
    check("vae_kl", wrong)
    check("vae_kl", wrong)
    out = capsys.readouterr().out
    assert out.count("hint 1 of 2") == 1 and out.count("hint 2 of 2") == 2
    assert ex.hints[0] in out and ex.hints[1] in out
    hints.reset("vae_kl")
    assert core.hint("vae_kl").startswith("hint 1 of 2")
