"""Results where courses keep them: Gradescope's results.json and autograder zip, Canvas and Moodle gradebooks,
HTML feedback; hidden cases reach a student by number and result only. Reports are synthetic except in the
autograder test, which grades one real notebook as Gradescope would run it."""
import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from cv2course.cli import build_parser, main
from cv2course.exercises import core
from cv2course.exercises.cli import _parse, _write_outputs
from cv2course.exercises.grading import feedback_html, gradescope, lms

HIDDEN_VALUE = "0.8731"  # an input of the hidden case the synthetic report failed on


def hidden_case_text():
    """How the grader names a hidden case in its message: label and core.describe_case of its inputs."""
    case = ((np.array([[0.8731, -1.25]]), np.array([[0.5, 0.25]])), {})
    return f"hidden case 2 ({core.describe_case(*case)})"


def report(notebook="sub/alice_1001.ipynb", kl_status="failed"):
    kl_message = {"failed": f"{hidden_case_text()}: expected [0.9], got [1.2] (max difference 0.3)",
                  "passed": "all 8 cases match the reference"}[kl_status]
    return {"notebook": notebook, "assignment": "vae", "score": 1 + (kl_status == "passed"), "max_score": 2,
            "exercises": {
                "reparameterize": {"status": "passed", "points": 1, "max_points": 1,
                                   "message": "all 7 cases match the reference"},
                "vae_kl": {"status": kl_status, "points": int(kl_status == "passed"), "max_points": 1,
                           "message": kl_message}},
            "flags": [{"kind": "imports a reference module", "detail": "cv2course.autoencoders", "cell": 1,
                       "exercise": "vae_kl", "source": "static scan"}],
            "events": [{"event": "timeout", "cell": 4, "message": "cell took longer than 60 s <script>"}],
            "sandbox": {"seconds": 12.6}, "error": None}


def public_case_report():
    r = report("sub/bob_1002.ipynb")
    r["exercises"]["vae_kl"]["message"] = "case 1 ([[0. 0.]], [[0. 0.]]): expected [0.], got [1.]"
    return r


def write_outputs(tmp_path, reports, *options):
    args = build_parser().parse_args(["grade", *[r["notebook"] for r in reports], "--assignment", "vae", *options])
    _parse(args)
    _write_outputs(reports, args)
    return args


# --- Gradescope ---------------------------------------------------------------------------------

def assert_gradescope_schema(data):
    """Gradescope's autograder specification: score (top level or per test), tests with name, score, max_score,
    output; visibility values from its list; numbers are numbers."""
    assert isinstance(data, dict) and isinstance(data.get("tests"), list)
    assert "score" in data or all("score" in t for t in data["tests"])
    if "score" in data:
        assert isinstance(data["score"], (int, float)) and not isinstance(data["score"], bool)
    for key in ("visibility", "stdout_visibility"):
        if key in data:
            assert data[key] in gradescope.VISIBILITIES
    for key in ("output_format", "test_output_format"):
        if key in data:
            assert data[key] in ("text", "html", "simple_format", "md", "ansi")
    if "execution_time" in data:
        assert isinstance(data["execution_time"], (int, float))
    for test in data["tests"]:
        assert {"name", "score", "max_score", "output"} <= set(test), test
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0 == test["score"]
        assert test.get("visibility", "visible") in gradescope.VISIBILITIES
        assert test.get("status", "passed") in ("passed", "failed")
    json.dumps(data)  # serialisable as it is


def test_gradescope_results_follow_the_schema_and_keep_hidden_cases_hidden():
    data = gradescope.results_json(report())
    assert_gradescope_schema(data)
    assert data["score"] == 1 and sum(t["score"] for t in data["tests"]) == 1
    assert sum(t["max_score"] for t in data["tests"]) == 2
    visible = {t["name"]: t for t in data["tests"] if t["visibility"] == "visible"}
    hidden = [t for t in data["tests"] if t["visibility"] == "after_published"]
    assert set(visible) == {"reparameterize", "vae_kl"} and len(hidden) == 2
    assert visible["vae_kl"]["status"] == "failed" and "hidden case 2" in visible["vae_kl"]["output"]
    assert any(t["output"] == "hidden case 2: failed" for t in hidden)
    assert data["stdout_visibility"] == "hidden"  # the run's log names the hidden inputs
    assert HIDDEN_VALUE not in json.dumps(data)
    assert data["execution_time"] == 13


def test_gradescope_public_failure_shows_the_case_and_not_reached_hidden():
    data = gradescope.results_json(public_case_report())
    kl = next(t for t in data["tests"] if t["name"] == "vae_kl")
    assert kl["output"].startswith("failed: case 1 (")
    assert "not reached" in next(t for t in data["tests"] if t["name"] == "vae_kl: hidden cases")["output"]


def test_format_gradescope_wants_one_notebook(tmp_path):
    with pytest.raises(ValueError, match="one notebook"):
        write_outputs(tmp_path, [report("a.ipynb"), report("b.ipynb")], "--format", "gradescope")
    assert main(["grade", str(tmp_path), "--format", "gradescope"]) == 2


# --- no hidden input in any student-facing file -------------------------------------------------

def test_hidden_inputs_never_reach_an_output_file(tmp_path):
    assert HIDDEN_VALUE in hidden_case_text()  # the grader's message does name the input
    reports = [report(str(tmp_path / "alice_1001.ipynb")), public_case_report()]
    out = tmp_path / "out"
    write_outputs(tmp_path, reports, "--feedback", str(out / "fb"), "--csv", str(out / "plain.csv"))
    write_outputs(tmp_path, reports, "--format", "canvas", "--csv", str(out / "canvas.csv"))
    write_outputs(tmp_path, reports, "--format", "moodle", "--csv", str(out / "moodle.csv"))
    write_outputs(tmp_path, reports[:1], "--format", "gradescope", "--json", str(out / "results.json"))
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in files} == {"alice_1001.md", "alice_1001.html", "bob_1002.md", "bob_1002.html",
                                       "plain.csv", "canvas.csv", "moodle.csv", "results.json"}
    for path in files:
        assert HIDDEN_VALUE not in path.read_text(encoding="utf-8"), path.name
    for name in ("alice_1001.md", "alice_1001.html"):
        assert "hidden case 2: failed" in (out / "fb" / name).read_text(encoding="utf-8")
    assert "case 1 ([[0. 0.]]" in (out / "fb" / "bob_1002.html").read_text(encoding="utf-8")  # public: shown


@pytest.mark.parametrize("lang, named, reduced", [("en", "hidden case ", "hidden case 2: failed"),
                                                   ("es", "caso oculto ", "caso oculto 2: incorrecto")])
def test_a_real_hidden_failure_reaches_students_by_number_only(tmp_path, lang, named, reduced):
    """One real grading: vae_kl is wrong only for a batch of 2, which no public case has and hidden case 2 of
    seed 0 has. The instructor's report names that case's inputs; no file a student gets does, in either
    language (the report's ``hidden_case`` field marks it, whatever the message's words)."""
    wrong_kl = VAE_SOLUTION[2].replace("    return", "    wrong = 2.0 if z_mean.shape[0] == 2 else 1.0\n"
                                                  "    return wrong *", 1)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in VAE_SOLUTION[:2] + [wrong_kl]]
    nbformat.write(nb, str(tmp_path / "ada_1001.ipynb"))
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "ada_1001.ipynb"), "--assignment", "vae", "--hidden-seed", "0", "--timeout",
                 "120", "--json", str(tmp_path / "report.json"), "--feedback", str(out / "fb"), "--lang", lang]) == 0
    graded = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    message = graded["exercises"]["vae_kl"]["message"]
    assert graded["score"] == 1 and message.startswith(named) and graded["exercises"]["vae_kl"]["hidden_case"] == 2
    inputs = message.split(" (", 1)[1].split("): ", 1)[0]  # core.describe_case of the hidden case
    numbers = re.findall(r"-?\d+\.\d{3,}", inputs)
    assert numbers, inputs
    (out / "results.json").write_text(json.dumps(gradescope.results_json(graded)), encoding="utf-8")
    write_outputs(tmp_path, [graded], "--format", "canvas", "--csv", str(out / "canvas.csv"))
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(files) == 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert inputs not in text and not [n for n in numbers if n in text], path.name
    assert reduced in (out / "fb" / "ada_1001.html").read_text(encoding="utf-8")


def test_feedback_html_is_escaped_and_self_contained():
    r = report("sub/<b>x</b>.ipynb")
    r["exercises"]["vae_kl"]["message"] = "case 1 (<img src=x onerror=alert(1)>): expected"
    page = feedback_html.feedback_html(r)
    assert "<img" not in page and "&lt;img src=x" in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page
    assert "<script" not in page and "http" not in page and "src=" not in page.replace("src=x", "")
    assert core.get("vae_kl").hint.split(".")[0][:40] in page.replace("&#x27;", "'")  # the hint of what failed
    assert page.startswith("<!DOCTYPE html>") and "1 / 2" in page


# --- Canvas and Moodle --------------------------------------------------------------------------

def rows(path):
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def test_canvas_gradebook_matches_the_import_header(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nLovelace; Ada,1001,S-1,ada,A\n"
                      "Babbage; Charles,1002,S-2,cb,B\n", encoding="utf-8")
    reports = [report(str(tmp_path / "lovelace_1001_77_vae.ipynb"), "passed"),
               report(str(tmp_path / "babbage_1002_78_vae.ipynb"))]
    write_outputs(tmp_path, reports, "--format", "canvas", "--csv", str(tmp_path / "c.csv"), "--roster", str(roster),
                  "--id-pattern", r"_(\d+)_\d+_", "--lms-assignment-id", "4242")
    table = rows(tmp_path / "c.csv")
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "vae (4242)",
                        "vae: reparameterize", "vae: vae_kl"]
    assert table[1][0] == "Points Possible" and table[1][5:] == ["2", "1", "1"]
    assert table[2] == ["Lovelace; Ada", "1001", "S-1", "ada", "A", "2", "1", "1"]
    assert table[3] == ["Babbage; Charles", "1002", "S-2", "cb", "B", "1", "1", "0"]


def test_moodle_gradebook_identifies_by_email_or_id_number(tmp_path):
    reports = [report(str(tmp_path / "1001.ipynb"), "passed"), report(str(tmp_path / "1002.ipynb"))]
    write_outputs(tmp_path, reports, "--format", "moodle", "--csv", str(tmp_path / "m.csv"))
    assert rows(tmp_path / "m.csv") == [["ID number", "vae", "vae: reparameterize", "vae: vae_kl"],
                                        ["1001", "2", "1", "1"], ["1002", "1", "1", "0"]]
    roster = tmp_path / "roster.csv"
    roster.write_text("id,email\n1001,ada@uni.edu\n1002,cb@uni.edu\n", encoding="utf-8")
    write_outputs(tmp_path, reports, "--format", "moodle", "--csv", str(tmp_path / "m.csv"), "--roster", str(roster))
    assert rows(tmp_path / "m.csv")[0][0] == "Email address"
    assert rows(tmp_path / "m.csv")[1][:2] == ["ada@uni.edu", "2"]


def test_student_ids_from_a_pattern_or_a_roster_column():
    assert lms.id_from_name("x/lovelace_1001_77_vae.ipynb", r"_(?P<id>\d+)_") == "1001"
    assert lms.id_from_name("x/s1001.ipynb", r"s\d+") == "s1001"
    assert lms.id_from_name("x/ada.ipynb") == "ada"
    with pytest.raises(ValueError, match="does not match the file name 'ada.ipynb'"):
        lms.id_from_name("ada.ipynb", r"\d+")
    roster = [{**dict.fromkeys(lms.ROSTER_FIELDS, ""), "id": "7", "submission": "anything.ipynb", "name": "Ada"}]
    assert lms.students_for([report("d/anything.ipynb")], roster)[0]["name"] == "Ada"
    with pytest.raises(ValueError, match="two submissions for student '1001'"):
        lms.students_for([report("a/1001.ipynb"), report("b/x_1001.ipynb")], None, r"(\d+)")


@pytest.mark.parametrize("options, message", [
    (["--format", "canvas"], "--csv"),
    (["--format", "blackboard", "--csv", "x.csv"], "--format must be one of"),
    (["--format", "moodle", "--csv", "x.csv", "--id-pattern", "(unclosed"], "--id-pattern"),
    (["--format", "moodle", "--csv", "x.csv", "--roster", "missing.csv"], "--roster"),
    (["--integrity", "r.html", "--threshold", "1.5"], "--threshold"),
])
def test_bad_options_are_one_line_errors_before_grading(tmp_path, capsys, options, message):
    assert main(["grade", str(tmp_path / "nothing.ipynb"), *options]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


# --- the autograder zip, run as Gradescope runs it ----------------------------------------------

VAE_SOLUTION = ["import numpy as np",
                "def reparameterize(z_mean, z_log_var, epsilon):\n"
                "    return z_mean + np.exp(0.5 * z_log_var) * epsilon",
                "def vae_kl(z_mean, z_log_var):\n"
                "    return -0.5 * np.sum(1 + z_log_var - z_mean ** 2 - np.exp(z_log_var), axis=-1)"]


def test_autograder_zip_grades_a_notebook_in_a_clean_gradescope_layout(tmp_path):
    archive = tmp_path / "autograder.zip"
    assert main(["gradescope-autograder", "--assignment", "vae", "-o", str(archive), "--timeout", "120"]) == 0
    with zipfile.ZipFile(archive) as zf:
        assert {"setup.sh", "run_autograder", "assignment.json"} <= set(zf.namelist())
        assert stat.S_IMODE(zf.getinfo("run_autograder").external_attr >> 16) & 0o111
        from cv2course import __version__
        assert f'"cv2course=={__version__}"' in zf.read("setup.sh").decode()
        root = tmp_path / "clean" / "autograder"  # what Gradescope lays out, under a temporary root
        zf.extractall(root / "source")
    (root / "run_autograder").write_bytes((root / "source" / "run_autograder").read_bytes())
    (root / "submission").mkdir()
    (root / "results").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in VAE_SOLUTION]
    nbformat.write(nb, str(root / "submission" / "my_vae.ipynb"))
    env = {**os.environ, gradescope.ROOT_VARIABLE: str(root), "CV2COURSE_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert done.returncode == 0, (data, done.stdout[-2000:])
    assert_gradescope_schema(data)
    assert data["score"] == 2, data
    assert {t["name"] for t in data["tests"] if t["visibility"] == "visible"} == {"reparameterize", "vae_kl"}


def test_run_autograder_without_a_notebook_writes_a_zero(tmp_path):
    (tmp_path / "submission").mkdir()
    assert gradescope.run_autograder(tmp_path) == 0
    data = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert_gradescope_schema(data)
    assert data["score"] == 0 and "No notebook" in data["output"]


def test_autograder_zip_ships_a_given_wheel(tmp_path):
    wheel = tmp_path / "cv2course-9.9.9-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    archive = tmp_path / "a.zip"
    gradescope.build_autograder("vae", archive, wheel=wheel)
    with zipfile.ZipFile(archive) as zf:
        assert wheel.name in zf.namelist()
        assert f"/autograder/source/{wheel.name}" in zf.read("setup.sh").decode()
        assert json.loads(zf.read("assignment.json"))["exercises"][1] == {"exercise": "vae_kl", "function": "vae_kl",
                                                                          "points": 1}
    with zipfile.ZipFile(archive) as zf:
        for script in ("setup.sh", "run_autograder"):
            (tmp_path / script).write_bytes(zf.read(script))
            assert subprocess.run(["bash", "-n", str(tmp_path / script)]).returncode == 0  # valid bash
    with pytest.raises(FileNotFoundError, match="--wheel"):
        gradescope.build_autograder("vae", archive, wheel=tmp_path / "nope.whl")
