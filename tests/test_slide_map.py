"""data/slide_map.json: every mapped cell exists and still holds the formula or number it claims."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "data" / "slide_map.json"
KINDS = {"heading", "formula", "box", "number", "figure"}


def _doc():
    return json.loads(MAP.read_text(encoding="utf-8"))


ENTRIES = _doc()["entries"]


def _cells(notebook, _cache={}):
    import nbformat

    if notebook not in _cache:
        nb = nbformat.read(ROOT / notebook, as_version=4)
        _cache[notebook] = {c.get("id"): c.source for c in nb.cells}
    return _cache[notebook]


def test_every_entry_is_well_formed():
    for e in ENTRIES:
        where = f"{e.get('slide')}:{e.get('line')}"
        assert e["kind"] in KINDS, f"{where}: kind {e['kind']!r} is not one of {sorted(KINDS)}"
        assert e["text"].strip(), f"{where}: empty text"
        if "cell_id" in e:
            assert e.get("needle") and e.get("notebook"), f"{where}: a mapped entry needs notebook, cell_id and needle"
            assert "status" not in e, f"{where}: mapped entries carry no status"
        else:
            assert e.get("status") == "not covered" and e.get("reason", "").strip(), \
                f"{where}: an unmapped entry needs status 'not covered' and a reason"


def test_entries_are_sorted_by_slide_file_and_line():
    order = {name: i for i, name in enumerate(_doc()["slide_order"])}
    keys = [(order[e["slide"]], e["line"]) for e in ENTRIES]
    assert keys == sorted(keys), "keep data/slide_map.json sorted by slide file (slide_order) and line"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if "cell_id" in e],
                         ids=lambda e: f"{e['slide'].split('_')[0]}:{e['line']}:{e['cell_id']}")
def test_mapped_cell_exists_and_holds_its_needle(entry):
    path = ROOT / entry["notebook"]
    assert path.is_file(), f"{entry['notebook']} does not exist"
    cells = _cells(entry["notebook"])
    assert entry["cell_id"] in cells, f"{entry['notebook']} has no cell with id {entry['cell_id']!r}"
    assert entry["needle"] in cells[entry["cell_id"]], \
        f"cell {entry['cell_id']} of {entry['notebook']} no longer contains {entry['needle']!r} ({entry['text']})"
