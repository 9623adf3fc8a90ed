"""Running notebooks as the tests do: quick mode, offline, a fresh kernel each (shared by several test modules).

Kernels are separate processes that spend much of a quick-mode run importing and in single-threaded
Python, so :func:`run_notebooks` keeps ``CV2COURSE_TEST_NOTEBOOK_JOBS`` of them (default 2) running at once.
"""
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

QUICK_ENV = {"CV2COURSE_QUICK": "1", "CV2COURSE_OFFLINE": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}


def run_notebook(path, timeout=300, env=None):
    """Execute ``path`` with nbclient in quick mode; return (notebook, seconds). Raises on a failing cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute(
        env={**os.environ, **QUICK_ENV, **(env or {})})
    return nb, time.perf_counter() - t0


def run_notebooks(paths, jobs=None, timeout=300):
    """{path: (executed notebook or None, seconds, error or None)} for every path, ``jobs`` kernels at a time."""
    jobs = jobs or int(os.environ.get("CV2COURSE_TEST_NOTEBOOK_JOBS", "2"))

    def one(path):
        t0 = time.perf_counter()
        try:
            nb, seconds = run_notebook(path, timeout=timeout)
            return path, (nb, seconds, None)
        except Exception as exc:  # reported by the test of that notebook
            return path, (None, time.perf_counter() - t0, exc)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(pool.map(one, paths))
