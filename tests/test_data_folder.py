"""data/: every file is what data/make_data.py makes from the package today."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_data():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "data" / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_file_in_data_is_up_to_date():
    expected = make_data().expected_files()
    stale = [name for name, text in expected.items()
             if not (ROOT / "data" / name).is_file() or (ROOT / "data" / name).read_text(encoding="utf-8") != text]
    assert not stale, f"data/{stale} are stale: run `python data/make_data.py` and commit them"
    listed = {p.name for p in (ROOT / "data").iterdir() if p.is_file()}
    assert listed == set(expected) | {"make_data.py"}, \
        "every file in data/ must be made (and described) by make_data.py"


def test_the_manifest_matches_the_shipped_weights_and_the_slides():
    manifest = json.loads((ROOT / "data" / "weights_manifest.json").read_text())
    shipped = [p.name for p in make_data().shipped_weights_files()]
    assert [Path(w["file"]).name for w in manifest] == shipped and "edsr_x2.keras" in shipped
    assert all(len(w["sha256"]) == 64 and w["bytes"] > 0 for w in manifest)
    slides = json.loads((ROOT / "data" / "slide_examples.json").read_text())
    assert slides["conv_volume"]["output_channels_as_on_the_slide"] == [
        [[-4, -4, -3], [-8, -10, -1], [-2, -1, -1]], [[3, 4, 1], [1, 2, -2], [-2, -4, -3]]]
    assert slides["earth_mover_boxes"]["gamma1_cost"] == slides["earth_mover_boxes"]["gamma2_cost"] == 42
