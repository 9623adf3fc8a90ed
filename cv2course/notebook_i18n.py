"""Spanish notebooks generated from the English ones: one source, a translation per cell.

The English notebooks (``notebooks/NN_*.ipynb``, ``notebooks/exercises/*.ipynb``) are the source.
Each has a catalogue ``notebooks/translations/es/<same relative path>.json``::

    {"cell id": {"source_sha": "<hash of the English cell>", "text": "<the Spanish cell>"}, ...}

one entry per markdown cell. :func:`generate` writes ``notebooks/es/<same relative path>.ipynb``:
the English notebook with each markdown cell replaced by its translation, every code cell
identical, the title badge and install cell for the Spanish path (see
:mod:`cv2course.notebook_setup`), and ``metadata.cv2course.lang = "es"``.

A translation is *stale* when the English cell changed after it was written (its ``source_sha``
no longer matches), and *missing* when a markdown cell has none::

    python -m cv2course.notebook_i18n notebooks/             # regenerate notebooks/es/
    python -m cv2course.notebook_i18n notebooks/ --check     # exit 1 on a stale, missing or outdated file
    python -m cv2course.notebook_i18n notebooks/ --pending   # the cells to translate, as JSON
    python -m cv2course.notebook_i18n notebooks/ --accept FILE.json   # merge translations {path: {id: text}}
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path

LANG = "es"
SOURCE_LANG = "en"


def source_key(cell):
    """The hash a translation records: the English cell's text without the Colab badge line."""
    from cv2course.notebook_setup import BADGE_ALT

    text = "\n".join(line for line in cell.source.split("\n") if f"[![{BADGE_ALT}]" not in line).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sources(folder):
    """The English source notebooks under ``folder`` (generated copies and catalogues excluded)."""
    folder = Path(folder)
    return [p for p in sorted(folder.rglob("*.ipynb"))
            if p.relative_to(folder).parts[0] not in (LANG, "translations") and ".ipynb_checkpoints" not in p.parts]


def catalogue_path(folder, source):
    return Path(folder) / "translations" / LANG / Path(source).relative_to(folder).with_suffix(".json")


def target_path(folder, source):
    return Path(folder) / LANG / Path(source).relative_to(folder)


def read_catalogue(path):
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def problems(nb, catalogue):
    """[(cell id, "missing" | "stale")] for the markdown cells of ``nb`` without a current translation."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        entry = catalogue.get(cell.get("id"))
        if entry is None or not entry.get("text"):
            found.append((cell.get("id"), "missing"))
        elif entry.get("source_sha") != source_key(cell):
            found.append((cell.get("id"), "stale"))
    return found


def translated(nb, catalogue, relative_path):
    """A copy of the English notebook ``nb`` in Spanish; ``relative_path`` is its path for the badge."""
    import copy

    from cv2course.notebook_setup import notebook_cells

    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = catalogue[cell.get("id")]["text"]
    out.cells[0].source, out.cells[1].source = notebook_cells(out, relative_path, lang=LANG)
    out.metadata.setdefault("cv2course", {})["lang"] = LANG
    return out


def generate(folder, check=False):
    """Write (or, with ``check``, compare) every Spanish notebook. Returns a list of problems as text."""
    import nbformat

    from cv2course.atomic import atomic_path

    folder = Path(folder)
    report = []
    for source in sources(folder):
        nb = nbformat.read(source, as_version=4)
        catalogue = read_catalogue(catalogue_path(folder, source))
        bad = problems(nb, catalogue)
        if bad:
            report += [f"{source.relative_to(folder)}: cell {cid} {what}" for cid, what in bad]
            continue
        target = target_path(folder, source)
        text = nbformat.writes(translated(nb, catalogue, target.relative_to(folder.parent)))
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                report.append(f"{target.relative_to(folder)}: out of date; run python -m cv2course.notebook_i18n "
                              f"{folder}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
    return report


def pending(folder):
    """{relative path: {cell id: English text}} of the cells whose translation is missing or stale."""
    import nbformat

    folder = Path(folder)
    todo = {}
    for source in sources(folder):
        nb = nbformat.read(source, as_version=4)
        bad = dict(problems(nb, read_catalogue(catalogue_path(folder, source))))
        cells = {c.get("id"): c.source for c in nb.cells if c.get("id") in bad}
        if cells:
            todo[str(source.relative_to(folder))] = cells
    return todo


def accept(folder, translations):
    """Store ``translations`` ({relative path: {cell id: Spanish text}}) against the current English cells."""
    import nbformat

    from cv2course.atomic import atomic_path

    folder = Path(folder)
    for relative, cells in translations.items():
        source = folder / relative
        nb = nbformat.read(source, as_version=4)
        by_id = {c.get("id"): c for c in nb.cells}
        unknown = sorted(set(cells) - set(by_id))
        if unknown:
            raise ValueError(f"{relative}: no cell with id {', '.join(unknown)}")
        path = catalogue_path(folder, source)
        catalogue = read_catalogue(path)
        for cid, text in cells.items():
            catalogue[cid] = {"source_sha": source_key(by_id[cid]), "text": text}
        order = [c.get("id") for c in nb.cells]
        catalogue = {cid: catalogue[cid] for cid in sorted(catalogue, key=lambda k: order.index(k) if k in order
                                                          else len(order))}
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            Path(tmp).write_text(json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cv2course.notebook_i18n", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the notebooks folder (English sources)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="report stale or missing translations (exit 1 if any)")
    group.add_argument("--pending", action="store_true", help="print the cells to translate as JSON")
    group.add_argument("--accept", type=Path, metavar="FILE", help="merge {path: {cell id: text}} translations")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"folder: {args.folder} is not a folder; give the notebooks folder, e.g. notebooks/")
    if args.pending:
        json.dump(pending(args.folder), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.accept:
        with open(args.accept, encoding="utf-8") as f:
            accept(args.folder, json.load(f))
    report = generate(args.folder, check=args.check)
    for line in report:
        print(line)
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
