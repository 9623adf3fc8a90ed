"""The grader speaks the notebook's language: --lang or CV2COURSE_LANG choose, else the notebook's metadata."""
import nbformat
import pytest

from cv2course import i18n
from cv2course.exercises.cli import feedback_text
from cv2course.exercises.grading import feedback_html, gradescope
from cv2course.exercises.grading.grader import run_language


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    monkeypatch.delenv("CV2COURSE_LANG", raising=False)
    monkeypatch.setattr(i18n, "_chosen", None)
    paths = {}
    for lang in ("es", None):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        if lang:
            nb.metadata["cv2course"] = {"lang": lang}
        paths[lang] = tmp_path / f"{lang or 'plain'}.ipynb"
        nbformat.write(nb, str(paths[lang]))
    return paths


def test_the_notebook_language_is_the_default_and_lang_or_the_environment_choose(notebooks, monkeypatch):
    assert run_language(notebooks["es"]) == "es" and run_language(notebooks[None]) == "en"
    assert run_language(notebooks["es"], "en") == "en"
    monkeypatch.setenv("CV2COURSE_LANG", "en")
    assert run_language(notebooks["es"]) == "en"
    with pytest.raises(ValueError, match="lang must be one of"):
        run_language(notebooks["es"], "fr")


def _report(lang):
    return {"notebook": "s/ana.ipynb", "assignment": "nst", "score": 0, "max_score": 1, "lang": lang,
            "exercises": {"gram_matrix": {"status": "failed", "points": 0, "max_points": 1,
                                          "message": "case 1 (x): expected 1, got 4"}},
            "flags": [], "events": [], "sandbox": {"seconds": 1.0}, "error": "boom"}


def test_feedback_files_speak_the_report_language_whatever_the_process_speaks():
    spanish = i18n.catalogue("es")
    for message in ("hint:", "The grader could not grade this notebook: {error}"):
        assert spanish.get(message), f"no Spanish text for {message!r}"
    es, en = feedback_text(_report("es")), feedback_text(_report("en"))
    assert spanish["hint:"] in es and "hint:" not in es and "hint:" in en
    assert spanish["The grader could not grade this notebook: {error}"].format(error="boom") in es
    assert spanish["hint:"] in feedback_html.feedback_html(_report("es"))
    assert "hint:" in feedback_html.feedback_html(_report("en"))
    assert gradescope.results_json(_report("es"))["output"] != gradescope.results_json(_report("en"))["output"]
    assert i18n.language() == "en"  # the process itself did not switch


def test_a_spanish_notebook_is_graded_in_spanish_and_names_the_class_5_slip(tmp_path, monkeypatch, capsys):
    """Through `cv2course grade`: the Spanish NST exercise notebook with class 5's content cost."""
    from pathlib import Path

    from cv2course.cli import main

    monkeypatch.delenv("CV2COURSE_LANG", raising=False)
    monkeypatch.setattr(i18n, "_chosen", None)
    released = Path(__file__).resolve().parents[3] / "notebooks" / "es" / "exercises" / "nst_exercises.ipynb"
    nb = nbformat.read(str(released), as_version=4)
    stub = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("def content_cost"))
    stub.source = "def content_cost(a_C, a_G):\n    return np.sum((a_C - a_G) ** 2)\n"
    nbformat.write(nb, str(tmp_path / "ana.ipynb"))
    code = main(["grade", str(tmp_path / "ana.ipynb"), "--assignment", "nst", "--timeout", "60",
                 "--json", str(tmp_path / "ana.json"), "--feedback", str(tmp_path / "fb")])
    import json

    report = json.loads((tmp_path / "ana.json").read_text(encoding="utf-8"))
    assert code == 0 and report["lang"] == "es" and report["score"] == 0
    message = report["exercises"]["content_cost"]["message"]
    assert "normalización de la clase 5" in message and "× 4·n_H·n_W·n_C = " in message, message
    assert message.startswith("caso 1 (") and "case" not in message, message  # the case's name is Spanish too
    assert "todavía lanza NotImplementedError" in report["exercises"]["gram_matrix"]["message"]
    feedback = (tmp_path / "fb" / "ana.md").read_text(encoding="utf-8")
    assert "pista:" in feedback and "hint:" not in feedback and "normalización de la clase 5" in feedback
    assert not [f for f in report["flags"] if f.get("source") == "source code"], report["flags"]


def test_a_hidden_case_failed_in_spanish_reaches_the_student_by_number_only():
    """The report's ``hidden_case`` field, not an English pattern in the message, marks a hidden case: a
    Spanish message ("caso oculto 2 (…)") must not carry the hidden inputs into student files."""
    from cv2course.exercises.grading import student_view
    from cv2course.exercises.grading.results import _case_name

    with i18n.speaking("es"):
        where = _case_name((True, 2), "array(3, 4), 0.8731")
        assert where == "caso oculto 2 (array(3, 4), 0.8731)"
        entry = {"status": "failed", "points": 0, "hidden_case": 2,
                 "message": f"{where}: se esperaba 1.5, se obtuvo 3"}
        shown = student_view.public_message(entry)
    assert "0.8731" not in shown and "2" in shown, shown
    report = dict(_report("es"), exercises={"vae_kl": dict(entry, max_points=1)})
    for text in (feedback_text(report), feedback_html.feedback_html(report), str(gradescope.results_json(report))):
        assert "0.8731" not in text
