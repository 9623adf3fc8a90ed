"""The integrity report on a small class: a renamed-identifier copy, a reordered copy and a copy of the package's
reference are found; an honest independent solution is not. Nothing is graded: the notebooks are only read."""
import csv
import io
import itertools
import json

import nbformat
import pytest

from cv2course.cli import build_parser, main
from cv2course.exercises.cli import _parse, _write_outputs
from cv2course.exercises.grading import integrity

ALICE = ["import numpy as np",
         "def _sigma(z_log_var):\n    return np.exp(0.5 * z_log_var)",
         'def reparameterize(z_mean, z_log_var, epsilon):\n    """z = mu + sigma * eps."""\n'
         "    sigma = _sigma(z_log_var)\n    return z_mean + sigma * epsilon",
         "def vae_kl(z_mean, z_log_var):\n    variance = np.exp(z_log_var)\n"
         "    terms = 1 + z_log_var - np.square(z_mean) - variance\n    return -0.5 * np.sum(terms, axis=-1)"]
# Alice's code with every name, literal and layout changed
RENAMED = ["import numpy as np",
           "def _s(lv):\n    return np.exp(.5*lv)",
           "def reparameterize(m, lv, e):\n    s = _s(lv)  # <b>std</b> & co\n    return m + s*e",
           "def vae_kl(m, lv):\n    v = np.exp(lv)\n    t = (1.0 + lv\n         - np.square(m) - v)\n"
           "    return -0.50 * np.sum(t, axis=-1)"]
# Alice's functions in another order, the helper last, in other cells
REORDERED = ["def vae_kl(mu, log_var):\n    variance = np.exp(log_var)\n"
             "    terms = 1 + log_var - np.square(mu) - variance\n    return -0.5 * np.sum(terms, axis=-1)",
             "import numpy as np\n%matplotlib inline",
             "def reparameterize(mu, log_var, eps):\n    sigma = _sigma(log_var)\n    return mu + sigma * eps",
             "def _sigma(log_var):\n    return np.exp(0.5 * log_var)"]
HONEST = ["import numpy as np",
          "def reparameterize(z_mean, z_log_var, epsilon):\n    std = np.sqrt(np.exp(z_log_var))\n"
          "    z = epsilon * std\n    z += z_mean\n    return z",
          "def vae_kl(z_mean, z_log_var):\n    kl = np.zeros(z_mean.shape[0])\n"
          "    for j in range(z_mean.shape[-1]):\n"
          "        kl += np.exp(z_log_var[:, j]) + z_mean[:, j] ** 2 - 1.0 - z_log_var[:, j]\n    return 0.5 * kl"]
CLASS = {"alice": ALICE, "bob": RENAMED, "carol": REORDERED, "dave": HONEST}
COPIES = {frozenset(p) for p in itertools.combinations(("alice", "bob", "carol"), 2)}


def write_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    cells = dict(CLASS)
    cells["erin"] = ["import numpy as np\nfrom keras import ops",  # the package's reference, pasted
                     integrity.reference_source("reparameterize"), integrity.reference_source("vae_kl")]
    return folder, [write_notebook(folder / f"{name}.ipynb", src) for name, src in sorted(cells.items())]


@pytest.fixture(scope="module")
def result(batch):
    return integrity.integrity_report(batch[1], "vae")


def names(result, pair):
    return frozenset(result["submissions"][i].rsplit("/", 1)[-1][:-6] for i in (pair["a"], pair["b"]))


@pytest.mark.parametrize("exercise", ["reparameterize", "vae_kl"])
def test_copies_are_found_and_the_honest_solution_is_not(result, exercise):
    data = result["exercises"][exercise]
    found = {names(result, p) for p in data["pairs"]}
    assert found == COPIES, found
    assert all(p["similarity"] >= result["threshold"] for p in data["pairs"])
    to_reference = {result["submissions"][r["submission"]].rsplit("/", 1)[-1][:-6]: r["similarity"]
                    for r in data["reference"]}
    assert to_reference["erin"] == pytest.approx(1.0)
    assert max(v for k, v in to_reference.items() if k != "erin") < result["threshold"]


def test_the_honest_pair_stays_well_below_the_threshold():
    alice = integrity.Fingerprint(integrity.graded_source({"vae_kl": ALICE[3]}, "vae_kl"))
    dave = integrity.Fingerprint(integrity.graded_source({"vae_kl": HONEST[2]}, "vae_kl"))
    assert max(integrity.compare(alice, dave)[:2]) < 0.5


def test_normalisation_ignores_names_literals_layout_and_docstrings():
    a = integrity.normalise('def f(x, y):\n    """Doc."""\n    z = x * 2.0  # twice\n    return np.sum(z + y, axis=-1)')
    b = integrity.normalise("def g(u, v):\n    w = u*3\n    return np.sum(w+v,\n                  axis=-1)")
    assert a[0] == b[0]
    c = integrity.normalise("def g(u, v):\n    w = u*3\n    return np.mean(w+v, axis=-1)")
    assert c[0] != b[0]  # library calls are kept: np.sum is not np.mean


def test_graded_source_follows_calls_not_the_notebook_order():
    functions = {"unused": "def unused():\n    pass", "b": "def b(x):\n    return x", "f": "def f(x):\n    return b(x)"}
    assert integrity.graded_source(functions, "f") == "def f(x):\n    return b(x)\n\ndef b(x):\n    return x"
    assert integrity.graded_source(functions, "g") is None


def test_html_report_is_escaped_and_shows_pairs_side_by_side(result):
    page = integrity.report_html(result)
    assert page.count('<div class="side">') == 2 * 3 + 2  # 3 pairs per exercise, erin beside the reference twice
    assert "<mark>" in page and "np.exp" in page
    assert "# &lt;b&gt;std&lt;/b&gt; &amp; co" in page and "<b>std" not in page  # code is text, escaped
    assert "never changes a score" in page


def test_integrity_command_writes_the_report(batch, tmp_path, capsys):
    folder, _ = batch
    assert main(["integrity", str(folder), "--assignment", "vae", "-o", str(tmp_path / "r.html"),
                 "--json", str(tmp_path / "r.json")]) == 0
    assert "vae_kl: 3 pair(s) and 1 submission(s) like the reference" in capsys.readouterr().out
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(data["exercises"]["vae_kl"]["pairs"]) == 3
    assert main(["integrity", str(folder), "--assignment", "vae", "--threshold", "0"]) == 2


def test_gradebook_gets_an_integrity_column_and_scores_do_not_change(batch, tmp_path):
    _, paths = batch
    reports = [{"notebook": str(p), "assignment": "vae", "score": 2, "max_score": 2, "flags": [], "events": [],
                "sandbox": {}, "error": None,
                "exercises": {e: {"status": "passed", "points": 1, "max_points": 1, "message": "ok"}
                              for e in ("reparameterize", "vae_kl")}} for p in paths]
    args = build_parser().parse_args(["grade", *map(str, paths), "--assignment", "vae", "--csv",
                                      str(tmp_path / "g.csv"), "--integrity", str(tmp_path / "i.html")])
    _parse(args)
    _write_outputs(reports, args)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text(encoding="utf-8"))))
    flag = {r["student"]: r["integrity"] for r in rows}
    assert "vae_kl ~ alice.ipynb" in flag["bob"] and "vae_kl ~ carol.ipynb" in flag["bob"]
    assert flag["dave"] == "" and "the reference" in flag["erin"]
    assert {r["score"] for r in rows} == {"2"}
    assert (tmp_path / "i.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_alike_pairs_join_into_groups_and_large_groups_are_counted_not_named():
    pairs = [{"a": 0, "b": 1, "similarity": 1.0}, {"a": 1, "b": 2, "similarity": 0.9},
             {"a": 3, "b": 4, "similarity": 0.85}]
    assert integrity.alike_groups(pairs) == [[3, 4], [0, 1, 2]]
    result = {"submissions": [f"s{i}.ipynb" for i in range(6)], "threshold": 0.8,
              "exercises": {"f": {"pairs": pairs, "groups": integrity.alike_groups(pairs), "reference": []}}}
    flag = integrity.flags(result, named=2)
    assert flag["s0.ipynb"] == "f: one of 3 alike submissions"
    assert flag["s3.ipynb"] == "f ~ s4.ipynb (85%)" and flag["s5.ipynb"] == ""
