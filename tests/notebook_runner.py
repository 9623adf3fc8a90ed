"""Running a notebook as the tests do: quick mode, offline, a fresh kernel (shared by several test modules)."""
import os
import time
from pathlib import Path


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
