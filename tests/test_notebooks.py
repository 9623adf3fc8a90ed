"""Every notebook, in both languages, runs top to bottom in quick mode, offline, in a fresh kernel.

The notebooks this session selected run at the first test, two kernels at a time (tests/notebook_runner.py);
each notebook's test then reports its own run. Executed copies are kept for the course-site test.
"""
import os
import sys
from pathlib import Path

import pytest

from tests.notebook_runner import run_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").rglob("*.ipynb")) if "translations" not in p.parts]


@pytest.fixture(scope="module")
def notebook_runs(request, executed_notebooks):
    import nbformat

    wanted = [item.callspec.params["path"] for item in request.session.items
              if getattr(item, "originalname", None) == "test_notebook_runs_in_quick_mode"]
    runs = run_notebooks(wanted)
    for path, (nb, _, _) in runs.items():
        if nb is not None:  # the course-site test (tests/test_site.py) builds from these
            kept = executed_notebooks / path.relative_to(ROOT / "notebooks")
            kept.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(kept))
    return runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_notebook_runs_in_quick_mode(path, notebook_runs):
    nb, _, error = notebook_runs[path]
    if error is not None:
        raise error
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cells"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors


def test_notebooks_are_saved_without_outputs():
    import nbformat

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not dirty, f"{path.name}: cells {dirty} were saved with outputs; clear them before committing"


def test_notebooks_install_on_colab_only_and_use_the_package():
    import nbformat

    for path in NOTEBOOKS:
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert '"google.colab" in sys.modules' in code[0] and "pip" in code[0], \
            f"{path.name}: the first code cell must install the package on Colab only"
        assert any("from cv2course" in src or "import cv2course" in src for src in code), \
            f"{path.name} does not import cv2course"


if __name__ == "__main__":  # python tests/test_notebooks.py NOTEBOOK... prints the time per notebook
    for path, (_, seconds, error) in run_notebooks([Path(arg) for arg in sys.argv[1:]]).items():
        print(f"{seconds:6.1f} s  {path}" + (f"  FAILED: {type(error).__name__}" if error else ""))


def test_first_cells_are_generated_from_the_package_version():
    """Title cell with the Colab badge, install cell with cv2course==X.Y.*: what
    ``python -m cv2course.notebook_setup notebooks/`` writes, for the current version."""
    import nbformat

    from cv2course import __version__
    from cv2course.notebook_setup import notebook_cells

    major, minor = __version__.split(".")[:2]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        title, install = notebook_cells(nb, path.relative_to(ROOT))
        assert nb.cells[0].source == title and nb.cells[1].source == install, \
            f"{path.name}: stale first cells; run `python -m cv2course.notebook_setup notebooks/`"
        assert f'"cv2course=={major}.{minor}.*"' in install or "CV2COURSE_PIP_SPEC" in os.environ
        assert "[![Open In Colab]" in title


def test_the_badge_and_the_spec_follow_their_settings(monkeypatch):
    from cv2course import notebook_setup as ns

    assert ns.default_pip_spec("2.7.3") == "cv2course==2.7.*"
    monkeypatch.setenv("CV2COURSE_PIP_SPEC", "cv2course @ file:///w/cv2course-9.0.0-py3-none-any.whl")
    assert 'os.environ.get("CV2COURSE_PIP_SPEC", "cv2course @ file:///w/' in ns.install_cell_source()
    monkeypatch.setenv("CV2COURSE_COLAB_BASE", "https://colab.example/host/blob/main/")
    assert ns.badge_target("notebooks/05_gan.ipynb") == "https://colab.example/host/blob/main/notebooks/05_gan.ipynb"
    monkeypatch.delenv("CV2COURSE_COLAB_BASE")
    assert ns.badge_target("notebooks/05_gan.ipynb") == ns.COLAB_START_PAGE
    once = ns.title_cell_source("# T\n\nBody", "notebooks/x.ipynb")
    assert ns.title_cell_source(once, "notebooks/x.ipynb") == once  # regenerating changes nothing
    assert once.split("\n")[0] == "# T" and once.endswith("\n\nBody")


def test_no_file_names_the_nonexistent_repository():
    import subprocess

    if not (ROOT / ".git").exists():
        return
    found = subprocess.run(["git", "grep", "-n", "github.com/" + "cv2course"], cwd=ROOT, capture_output=True, text=True)
    assert found.stdout == "", found.stdout
