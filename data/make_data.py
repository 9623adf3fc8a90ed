"""Regenerate every file in data/ (and this folder's README) from the package:

    python data/make_data.py            # rewrite data/
    python data/make_data.py --check    # exit 1 if a file in data/ is stale

- slide_examples.json: the slides' worked examples as the package computes them;
- weights_manifest.json: every file under cv2course/weights/ (tracked by git) with its size and sha256.
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "data"
COMMAND = "python data/make_data.py"


def plain(value):
    """NumPy arrays and scalars -> lists and numbers, recursively (for JSON)."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def slide_examples():
    import numpy as np

    from cv2course.featviz import cnn_basics as cb
    from cv2course.metrics.divergences import distance_cost, earth_movers_distance, emd_box_example, transport_cost

    conv = cb.conv_volume_example()
    emd = emd_box_example()
    cost = distance_cost(emd["p_positions"], emd["q_positions"])
    p, q = emd["p_boxes"] / emd["p_boxes"].sum(), emd["q_boxes"] / emd["q_boxes"].sum()
    return plain({
        "conv_volume": {
            "note": "input channels 1 and 2 are reconstructed (the slide's text lost them); "
                    "arrays are (height, width, channel) and filters (h, w, in, out)",
            "input": conv["input"], "filters": conv["filters"], "biases": conv["biases"],
            "stride": conv["stride"], "padding": conv["padding"], "output": conv["output"],
            "output_channels_as_on_the_slide": [conv["output"][..., k] for k in range(conv["output"].shape[-1])],
        },
        "max_pool_2x2_stride_2": {"input": cb.MAX_POOL_INPUT, "output": cb.max_pool(cb.MAX_POOL_INPUT)},
        "avg_pool_2x2_stride_2": {"input": cb.AVG_POOL_INPUT, "output": cb.avg_pool(cb.AVG_POOL_INPUT),
                                  "slide_output_rounded": cb.AVG_POOL_SLIDE_OUTPUT},
        "earth_mover_boxes": {
            "p_positions": emd["p_positions"], "p_boxes": emd["p_boxes"],
            "q_positions": emd["q_positions"], "q_boxes": emd["q_boxes"],
            "gamma1": emd["gamma1"], "gamma1_cost": transport_cost(emd["gamma1"], cost),
            "gamma2": emd["gamma2"], "gamma2_cost": transport_cost(emd["gamma2"], cost),
            "emd_per_box": float(np.round(earth_movers_distance(p, q, cost=cost).distance, 10)),
        },
    })


def shipped_weights_files():
    """The files under cv2course/weights/ but its README: those git tracks (what a clone and the
    wheel carry), or, outside a git checkout, those on disk."""
    import subprocess

    folder = ROOT / "cv2course" / "weights"
    try:
        tracked = subprocess.run(["git", "ls-files", "cv2course/weights"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
        files = [ROOT / f for f in tracked]
    except (OSError, subprocess.CalledProcessError):
        files = list(folder.iterdir())
    return sorted(p for p in files if p.is_file() and p.name != "README.md")


def weights_manifest():
    return [{"file": f"cv2course/weights/{p.name}", "bytes": p.stat().st_size,
             "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in shipped_weights_files()]


def human(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def readme(files):
    manifest = json.loads(files["weights_manifest.json"])
    total = sum(w["bytes"] for w in manifest)
    rows = "\n".join(f"| `{name}` | {what} | {human(len(files[name].encode()))} | `{COMMAND}` |"
                     for name, what in (
                         ("slide_examples.json", "the slides' worked examples as the package computes them: the "
                          "convolution over a volume (input, filters, biases, 3x3x2 output), max and average "
                          "pooling, the Earth Mover box example (both plans, their costs, the EMD)"),
                         ("weights_manifest.json", f"every shipped weights file under `cv2course/weights/` with its "
                          f"size and sha256 ({len(manifest)} file(s), {human(total)} in all)")))
    script_row = (f"| `make_data.py` | the script that writes the files above (`--check` tells whether they are "
                  f"stale) | {human((HERE / 'make_data.py').stat().st_size)} | written by hand |")
    script_row += "".join(f"\n| `{name}` | {what} | (varies) | written by hand |"
                          for name, what in HAND_WRITTEN.items() if name in files)
    return f"""# data/

Small artifacts of the project, beside `cv2course/`, `notebooks/` and `tests/`. Everything the
package needs at run time lives inside `cv2course/` (and so in the wheel): the shipped weights
in `cv2course/weights/` (how each was trained: `cv2course/weights/README.md`), the sample
images come from scikit-image, the digits from scikit-learn. This folder holds what describes
them or what they reproduce; it is in the sdist, not in the wheel.

| file | what it is | size | made by |
| --- | --- | --- | --- |
{rows}
{script_row}

Every file not written by hand is regenerated by `{COMMAND}` from a checkout with the package installed;
`tests/test_data_folder.py` fails when one is stale (after new weights, or a changed slide
example), and its message is that command.
"""


# Files written by hand (and checked by their own tests): listed in the README, kept as they are.
HAND_WRITTEN = {
    "slide_map.json": "every heading, formula, algorithm box, worked number and described figure of the three slide "
                      "texts, mapped to the notebook cell that teaches it (cell id + the formula as written there) or "
                      "marked not covered with the reason; checked by `tests/test_slide_map.py`",
    "slide_map_coverage.py": "prints the slide map's coverage by kind and slide (`--missing` lists what is not covered)",
    "glossary.csv": "the course glossary, Spanish and English terms with notation and notes (the course site's glossary)",
}


def expected_files():
    files = {"slide_examples.json": json.dumps(slide_examples(), indent=1) + "\n",
             "weights_manifest.json": json.dumps(weights_manifest(), indent=1) + "\n"}
    files.update({name: (HERE / name).read_text(encoding="utf-8") for name in HAND_WRITTEN if (HERE / name).is_file()})
    files["README.md"] = readme(files)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in expected_files().items():
        path = HERE / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    for name in stale:
        print(f"{'stale' if args.check else 'wrote'}: data/{name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
