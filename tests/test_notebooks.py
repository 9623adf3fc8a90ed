"""Every notebook runs top to bottom in quick mode, offline, in a fresh kernel."""
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


def run_notebook(path, timeout=300, env=None):
    """Execute ``path`` with nbclient in quick mode; return (notebook, seconds). Raises on a failing cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    old = dict(os.environ)
    os.environ.update({"CV2COURSE_QUICK": "1", "CV2COURSE_OFFLINE": "1", "MPLBACKEND": "Agg",
                       "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})})
    t0 = time.perf_counter()
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb, time.perf_counter() - t0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_notebook_runs_in_quick_mode(path):
    nb, _ = run_notebook(path)
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
    for arg in sys.argv[1:]:
        _, seconds = run_notebook(Path(arg))
        print(f"{seconds:6.1f} s  {arg}")
