"""The first two cells of every course notebook, generated from the package version.

Cell 1 is the title (markdown) with an "Open in Colab" badge; cell 2 installs the package on
Colab only. Regenerate both in every notebook after a version change or to point the
notebooks elsewhere::

    python -m cv2course.notebook_setup notebooks/            # rewrite the cells
    python -m cv2course.notebook_setup notebooks/ --check    # exit 1 if any cell is stale

Two settings, read when the cells are generated:

- ``CV2COURSE_PIP_SPEC``: what the install cell installs (default ``cv2course==X.Y.*`` for
  the package's version X.Y.Z). The cell also honours a ``CV2COURSE_PIP_SPEC`` environment
  variable at run time, so one Colab session can try another build.
- ``CV2COURSE_COLAB_BASE``: where the notebooks are hosted for Colab, e.g.
  ``https://colab.research.google.com/github/ACCOUNT/REPO/blob/main``; the badge links to
  ``BASE/notebooks/NAME.ipynb``. Unset, the badge opens Colab's start page, where
  File → Upload notebook opens a downloaded notebook.
"""
import argparse
import os
import sys
from pathlib import Path

COLAB_START_PAGE = "https://colab.research.google.com/"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_ALT = "Open In Colab"


def default_pip_spec(version=None):
    """``cv2course==X.Y.*``: any patch release of the version the notebooks were written for."""
    if version is None:
        from cv2course import __version__ as version
    major, minor = version.split(".")[:2]
    return f"cv2course=={major}.{minor}.*"


def pip_spec():
    return os.environ.get("CV2COURSE_PIP_SPEC") or default_pip_spec()


def colab_base():
    return (os.environ.get("CV2COURSE_COLAB_BASE") or "").rstrip("/")


def install_cell_source(spec=None, lang="en"):
    """The install cell: pip-installs ``spec`` on Colab only (elsewhere the package is installed already),
    and makes ``lang`` the language of ``check()`` and the figures unless ``CV2COURSE_LANG`` says otherwise."""
    spec = spec or pip_spec()
    return (
        "# On Colab, install the cv2course release this notebook was written for; elsewhere nothing happens.\n"
        "# Set the environment variable CV2COURSE_PIP_SPEC to install another build (see the README).\n"
        "import os, sys\n"
        f'os.environ.setdefault("CV2COURSE_LANG", "{lang}")  # the language of check() and the figures\n'
        'if "google.colab" in sys.modules:\n'
        f'    pip_spec = os.environ.get("CV2COURSE_PIP_SPEC", "{spec}")\n'
        '    get_ipython().run_line_magic("pip", f\'install -q "{pip_spec}"\')'
    )


def notebook_language(relative_path):
    """"es" for a notebook under ``notebooks/es/``, else "en"."""
    return "es" if "es" in Path(relative_path).parts[:2] else "en"


def badge_target(relative_path, base=None):
    """Where the badge of the notebook at ``relative_path`` (e.g. ``notebooks/05_gan.ipynb``) points."""
    base = colab_base() if base is None else base.rstrip("/")
    return f"{base}/{Path(relative_path).as_posix()}" if base else COLAB_START_PAGE


def badge_markdown(relative_path, base=None):
    return f"[![{BADGE_ALT}]({BADGE_IMAGE})]({badge_target(relative_path, base)})"


def title_cell_source(source, relative_path, base=None):
    """The title cell's ``source`` with the badge on the line after the ``# title`` (replacing an old badge)."""
    lines = [line for line in source.split("\n") if f"[![{BADGE_ALT}]" not in line]
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{relative_path}: the first cell must be a markdown title starting with '# '")
    rest = lines[1:]
    while rest and rest[0] == "":
        rest = rest[1:]
    return "\n".join([lines[0], "", badge_markdown(relative_path, base)] + ([""] + rest if rest else []))


def notebook_cells(nb, relative_path, lang=None):
    """(title source, install source) that ``nb`` should start with (``lang``: from the path if None)."""
    lang = lang or notebook_language(relative_path)
    return title_cell_source(nb.cells[0].source, relative_path), install_cell_source(lang=lang)


def update(path, root, check=False):
    """Rewrite the first two cells of the notebook at ``path`` (``root``: the folder the badge path is
    relative to). Returns True when they were (or, with ``check``, would be) changed."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if len(nb.cells) < 2 or nb.cells[0].cell_type != "markdown" or nb.cells[1].cell_type != "code":
        raise ValueError(f"{path}: a course notebook starts with a markdown title cell and a code install cell")
    title, install = notebook_cells(nb, Path(path).resolve().relative_to(Path(root).resolve()))
    stale = nb.cells[0].source != title or nb.cells[1].source != install
    if stale and not check:
        from cv2course.atomic import atomic_path

        nb.cells[0].source, nb.cells[1].source = title, install
        with atomic_path(path) as tmp:
            nbformat.write(nb, str(tmp))
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cv2course.notebook_setup", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the notebooks folder (searched recursively)")
    parser.add_argument("--check", action="store_true", help="only report stale notebooks (exit 1 if any)")
    args = parser.parse_args(argv)
    root = args.folder.resolve().parent  # badge paths start with the folder's name: notebooks/...
    stale = [p for p in sorted(args.folder.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
             and update(p, root, check=args.check)]
    for p in stale:
        print(f"{'stale' if args.check else 'updated'}: {p}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
