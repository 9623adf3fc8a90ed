"""Print the slide map's coverage: entries mapped to a notebook cell vs not covered, by kind and slide.

    python data/slide_map_coverage.py [--missing]

``--missing`` also lists every entry that is not covered, with its reason.
"""
import argparse
import collections
import json
from pathlib import Path

MAP = Path(__file__).with_name("slide_map.json")
KINDS = ("heading", "formula", "box", "number", "figure")


def load_entries(path=MAP):
    """The slide map's entries, in file order."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["entries"]


def coverage(entries):
    """{group: (covered, total)} by kind, by slide file and overall."""
    counts = collections.defaultdict(lambda: [0, 0])
    for e in entries:
        for group in (e["kind"], e["slide"], "all"):
            counts[group][0] += "cell_id" in e
            counts[group][1] += 1
    return {group: tuple(c) for group, c in counts.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the entries that are not covered")
    args = parser.parse_args(argv)
    entries = load_entries()
    counts = coverage(entries)
    slides = sorted({e["slide"] for e in entries})
    print(f"{'':32s} {'covered':>8s} {'not':>5s} {'total':>6s}")
    for group in [k for k in KINDS if k in counts] + slides + ["all"]:
        covered, total = counts[group]
        print(f"{group:32s} {covered:8d} {total - covered:5d} {total:6d}")
    if args.missing:
        for e in entries:
            if "cell_id" not in e:
                print(f"- {e['slide']}:{e['line']} [{e['kind']}] {e['text']}\n    {e['reason']}")


if __name__ == "__main__":
    main()
