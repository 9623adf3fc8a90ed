"""The Spanish notebooks are generated from the English ones and fail loudly when they fall behind."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from cv2course import notebook_i18n
from cv2course.notebook_setup import install_cell_source

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks"
SOURCES = notebook_i18n.sources(FOLDER)


def test_every_notebook_has_a_current_spanish_copy():
    report = notebook_i18n.generate(FOLDER, check=True)
    assert not report, ("translations missing, stale or not regenerated "
                        "(python -m cv2course.notebook_i18n notebooks/ --pending):\n" + "\n".join(report[:20]))


def test_all_lecture_and_exercise_notebooks_exist_in_both_languages():
    names = [str(p.relative_to(FOLDER)) for p in SOURCES]
    assert sum("/" not in n for n in names) == 12 and sum(n.startswith("exercises/") for n in names) == 6, names
    for source in SOURCES:
        assert notebook_i18n.target_path(FOLDER, source).exists(), source


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_code_cells_are_identical_in_both_languages(source):
    en = nbformat.read(source, as_version=4)
    es = nbformat.read(notebook_i18n.target_path(FOLDER, source), as_version=4)
    assert [c.get("id") for c in en.cells] == [c.get("id") for c in es.cells]
    for a, b in zip(en.cells[2:], es.cells[2:]):
        assert a.cell_type == b.cell_type
        if a.cell_type == "code":
            assert a.source == b.source, f"{source.name}: code cell {a.get('id')} differs between languages"
    assert es.cells[1].source == install_cell_source(lang="es") and es.metadata["cv2course"]["lang"] == "es"


def _copy_one(tmp_path):
    source = next(p for p in SOURCES if p.parent == FOLDER)
    folder = tmp_path / "notebooks"
    for path in (source, notebook_i18n.catalogue_path(FOLDER, source)):
        target = folder / path.relative_to(FOLDER)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return folder, folder / source.relative_to(FOLDER)


def test_an_edited_english_cell_makes_its_translation_stale(tmp_path):
    folder, source = _copy_one(tmp_path)
    assert notebook_i18n.generate(folder) == []
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells[2:] if c.cell_type == "markdown")
    cell.source += " (edited)"
    nbformat.write(nb, source)
    assert notebook_i18n.generate(folder, check=True) == [f"{source.name}: cell {cell.id} stale"]
    assert notebook_i18n.pending(folder) == {source.name: {cell.id: cell.source}}
    notebook_i18n.accept(folder, {source.name: {cell.id: "texto revisado"}})
    assert notebook_i18n.generate(folder) == []
    es = nbformat.read(notebook_i18n.target_path(folder, source), as_version=4)
    assert next(c for c in es.cells if c.id == cell.id).source == "texto revisado"


def test_a_missing_translation_and_an_outdated_copy_are_reported(tmp_path):
    folder, source = _copy_one(tmp_path)
    assert notebook_i18n.generate(folder) == []
    catalogue_path = notebook_i18n.catalogue_path(folder, source)
    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8"))
    dropped = next(iter(catalogue))
    del catalogue[dropped]
    catalogue_path.write_text(json.dumps(catalogue), encoding="utf-8")
    assert notebook_i18n.generate(folder, check=True) == [f"{source.name}: cell {dropped} missing"]
    catalogue_path.unlink()
    shutil.copy(notebook_i18n.catalogue_path(FOLDER, FOLDER / source.name), catalogue_path)
    target = notebook_i18n.target_path(folder, source)
    target.write_text(target.read_text(encoding="utf-8").replace("a", "á", 1), encoding="utf-8")
    assert [line.split(":")[0] for line in notebook_i18n.generate(folder, check=True)] == [f"es/{source.name}"]
