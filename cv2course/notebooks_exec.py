"""``cv2course notebooks --execute -o DIR``: executed copies of the lecture notebooks, to read with outputs.

    cv2course notebooks                                      # list the lecture notebooks
    cv2course notebooks --execute -o executed/               # run them all (normal mode): executed/NAME.ipynb
    cv2course notebooks --execute -o executed/ --lang es     # the Spanish ones: executed/es/NAME.ipynb
    cv2course notebooks --execute -o executed/ --quick 00 02 # quick mode, notebooks 00 and 02 only

The notebooks in the repository stay without outputs; this command runs each one top to bottom in a
fresh kernel, in its own folder (so relative paths work), and writes the executed copy (atomically).
Copies are for reading, without a widget frontend, so the kernel runs with ``CV2COURSE_WIDGETS=0``
(every widget cell shows its static fallback) and with text progress bars whose updates are merged
into their last state (one line per bar, not one per step). ``cv2course site --executed DIR`` builds
the course site from such a folder.
"""
import os
import re
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")  # the colours of IPython's tracebacks
SETUP_CELL_ID = "cv2course-executed-copy-setup"
# Run first in the kernel, then removed from the copy: tqdm.auto would draw ipywidgets bars, which a page
# without a widget frontend shows as "0%"; text bars, merged by nbclient's coalesce_streams, read well.
SETUP_SOURCE = ("import tqdm.auto, tqdm.std\n"
                "tqdm.auto.tqdm, tqdm.auto.trange = tqdm.std.tqdm, tqdm.std.trange")


class NotebookFailed(RuntimeError):
    """A cell of the notebook raised; the copy was written with the error output."""


def lecture_notebooks(folder=None, lang="en"):
    """The lecture notebooks (``NN_*.ipynb``) of ``lang`` in ``folder`` (default: the repository's notebooks/)."""
    from cv2course.i18n import check_language

    lang = check_language(lang)
    folder = Path(folder) if folder else REPO / "notebooks"
    base = folder / "es" if lang == "es" else folder
    found = sorted(base.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        fix = ("generate them with `python -m cv2course.notebook_i18n notebooks/`" if lang == "es"
               else "run from a checkout of the repository or pass --notebooks DIR")
        raise FileNotFoundError(f"no lecture notebooks (NN_*.ipynb) in {str(base)!r}; {fix}")
    return found


def select(notebooks, names):
    """The notebooks whose file name starts with one of ``names`` ("02", "02_neural"); all if none given."""
    if not names:
        return list(notebooks)
    chosen = []
    for name in names:
        hits = [p for p in notebooks if p.name.startswith(name)]
        if not hits:
            raise ValueError(f"notebook {name!r} not found; choose from {', '.join(p.stem for p in notebooks)}")
        chosen += [p for p in hits if p not in chosen]
    return chosen


def kernel_env(quick):
    """The executing kernel's environment: this one, plus quick or normal mode, static widgets, inline figures."""
    env = dict(os.environ)
    env.update(CV2COURSE_QUICK="1" if quick else "0", CV2COURSE_WIDGETS="0")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines in the outputs
    env.pop("MPLBACKEND", None)  # the kernel's inline backend puts the figures into the outputs
    return env


def execute(source, target, timeout=1800, quick=None):
    """Execute the notebook ``source`` in its folder and write it with its outputs to ``target``.

    ``quick``: quick mode (default: :data:`cv2course.settings.QUICK`). ``timeout``: seconds per cell.
    Returns the seconds taken; raises :class:`NotebookFailed` (after writing the copy) if a cell fails.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from cv2course import settings
    from cv2course.atomic import atomic_path

    source, target = Path(source), Path(target)
    if not source.is_file():
        raise FileNotFoundError(f"notebook {str(source)!r} not found")
    quick = settings.QUICK if quick is None else bool(quick)
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP_SOURCE, id=SETUP_CELL_ID))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                            resources={"metadata": {"path": str(source.parent.resolve())}})
    t0 = time.perf_counter()
    failure = None
    try:
        client.execute(env=kernel_env(quick))
    except CellExecutionError as exc:
        failure = exc
    seconds = time.perf_counter() - t0
    failed = next((c.get("id") for c in nb.cells
                   if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    nb.cells = [c for c in nb.cells if c.get("id") != SETUP_CELL_ID]
    nb.metadata.setdefault("cv2course", {})["executed"] = {"quick": quick, "seconds": round(seconds, 1)}
    with atomic_path(target) as tmp:
        nbformat.write(nb, str(tmp))
    if failure is not None:
        text = ANSI_CODES.sub("", str(failure)).strip()
        last = text.splitlines()[-1] if text else type(failure).__name__
        raise NotebookFailed(f"{source.name}: cell {failed} failed ({last}); the copy with the error is {target}")
    return seconds


def execute_all(out, lang="en", quick=None, names=(), notebooks=None, timeout=1800, progress=print):
    """Execute the lecture notebooks of ``lang`` into ``out`` (``out/es/`` for Spanish).

    Returns {name: seconds or the error message}; every notebook is tried even if one fails."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"-o/--output {str(out)!r} is a file; give a folder for the executed notebooks")
    chosen = select(lecture_notebooks(notebooks, lang), names)
    target_dir = out / "es" if lang == "es" else out
    results = {}
    for path in chosen:
        try:
            results[path.name] = execute(path, target_dir / path.name, timeout=timeout, quick=quick)
            progress(f"{path.name:45s} {results[path.name]:7.1f} s")
        except NotebookFailed as exc:
            results[path.name] = str(exc)
            progress(f"{path.name:45s} FAILED: {exc}")
    return results


def run(args):
    from cv2course import settings

    notebooks = select(lecture_notebooks(args.notebooks, args.lang or "en"), args.names)
    if not args.execute:
        for path in notebooks:
            print(path)
        return 0
    if args.output is None:
        raise ValueError("--execute needs -o/--output DIR, the folder for the executed copies")
    results = execute_all(args.output, lang=args.lang or "en", quick=settings.QUICK, names=args.names,
                          notebooks=args.notebooks, timeout=args.timeout)
    failed = [name for name, r in results.items() if isinstance(r, str)]
    print(f"{len(results) - len(failed)} of {len(results)} notebooks executed into {args.output}"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def register(sub):
    p = sub.add_parser("notebooks", help="list the lecture notebooks, or execute them into a folder for reading",
                       description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", metavar="NAME", help="notebooks to take, by name or number prefix (default all)")
    p.add_argument("--execute", action="store_true", help="execute the notebooks and write the copies to -o DIR")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="folder for the executed copies")
    p.add_argument("--notebooks", type=Path, metavar="DIR", help="the notebooks folder (default: the repository's)")
    p.add_argument("--timeout", type=int, default=1800, metavar="S", help="seconds allowed per cell (default 1800)")
    p.set_defaults(func=run)
