"""Time the integrity report on a generated class of 50 convnets notebooks and check what it lists.

    python benchmarks/integrity.py [--notebooks 50] [--copies 6] [--seed 0]

Each notebook picks, per exercise, one of a few independent solutions (loops, tensordot,
einsum, ...) and renames every name it binds at random, re-laid out by ``ast.unparse``; so
honest students who chose the same approach share structure, as in a real class. ``--copies``
notebooks are a classmate's code renamed. Prints the time of each stage (read and extract,
fingerprint and compare all pairs, write the HTML) and whether every planted copy was listed.
"""
import argparse
import ast
import random
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cv2course.exercises.grading import integrity  # noqa: E402

SOLUTIONS = {
    "conv_output_size": [
        "def conv_output_size(n, f, p=0, s=1):\n    return (n + 2 * p - f) // s + 1",
        "def conv_output_size(n, f, p=0, s=1):\n    padded = n + 2 * p\n    steps = (padded - f) // s\n"
        "    return steps + 1",
    ],
    "conv2d": [
        "def conv2d(x, filters, biases, stride=1, padding=0):\n"
        "    x = np.pad(np.asarray(x, float), ((padding, padding), (padding, padding), (0, 0)))\n"
        "    w = np.asarray(filters, float)\n    f = w.shape[0]\n"
        "    oh, ow = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1\n"
        "    return np.array([[np.tensordot(x[i*stride:i*stride+f, j*stride:j*stride+f], w, 3) + biases\n"
        "                      for j in range(ow)] for i in range(oh)])",
        "def conv2d(x, filters, biases, stride=1, padding=0):\n"
        "    x = np.asarray(x, float)\n    if padding:\n"
        "        x = np.pad(x, ((padding, padding), (padding, padding), (0, 0)), mode='constant')\n"
        "    f, _, _, n_c = filters.shape\n    h = (x.shape[0] - f) // stride + 1\n"
        "    w = (x.shape[1] - f) // stride + 1\n    out = np.zeros((h, w, n_c))\n"
        "    for i in range(h):\n        for j in range(w):\n"
        "            patch = x[i * stride:i * stride + f, j * stride:j * stride + f, :]\n"
        "            for c in range(n_c):\n"
        "                out[i, j, c] = np.sum(patch * filters[..., c]) + biases[c]\n    return out",
        "def conv2d(x, filters, biases, stride=1, padding=0):\n"
        "    xp = np.pad(np.asarray(x, float), [(padding,) * 2, (padding,) * 2, (0, 0)])\n"
        "    k = filters.shape[0]\n"
        "    windows = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(0, 1))[::stride, ::stride]\n"
        "    return np.einsum('ijcab,abcn->ijn', windows, np.asarray(filters, float)) + biases",
    ],
    "max_pool": [
        "def max_pool(x, f=2, s=2):\n    x = np.asarray(x, float)\n"
        "    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
        "    return np.array([[x[i*s:i*s+f, j*s:j*s+f].max(axis=(0, 1)) for j in range(ow)] for i in range(oh)])",
        "def max_pool(x, f=2, s=2):\n    h = (x.shape[0] - f) // s + 1\n    w = (x.shape[1] - f) // s + 1\n"
        "    out = np.empty((h, w, x.shape[2]))\n    for r in range(h):\n        for c in range(w):\n"
        "            out[r, c] = np.max(x[r * s:r * s + f, c * s:c * s + f], axis=(0, 1))\n    return out",
    ],
    "avg_pool": [
        "def avg_pool(x, f=2, s=2):\n    x = np.asarray(x, float)\n"
        "    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
        "    return np.array([[x[i*s:i*s+f, j*s:j*s+f].mean(axis=(0, 1)) for j in range(ow)] for i in range(oh)])",
        "def avg_pool(x, f=2, s=2):\n    win = np.lib.stride_tricks.sliding_window_view(np.asarray(x, float), (f, f), "
        "axis=(0, 1))\n    return win[::s, ::s].mean(axis=(-2, -1))",
    ],
}


def renamed(source, rng):
    """``source`` with every name it binds (not the function's own) renamed at random, re-laid out."""
    tree = ast.parse(source)
    function = tree.body[0].name
    bound = integrity._bound_names(tree) - {function}
    new = {name: f"{rng.choice('abcdefghuvwxyz')}{rng.randrange(1000)}" for name in sorted(bound)}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            node.id = new.get(node.id, node.id)
            return node

        def visit_arg(self, node):
            node.arg = new.get(node.arg, node.arg)
            return node

    return ast.unparse(Rename().visit(tree))


def write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=50)
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="integrity-bench-"))
    sources = []
    for i in range(args.notebooks - args.copies):
        cells = ["import numpy as np"] + [renamed(rng.choice(options), rng) for options in SOLUTIONS.values()]
        rng.shuffle(cells)
        sources.append(cells)
    planted = []
    for i in range(args.copies):
        original = rng.randrange(len(sources))
        planted.append((original, len(sources)))
        sources.append([renamed(c, rng) if c.startswith("def") else c for c in reversed(sources[original])])
    paths = []
    for i, cells in enumerate(sources):
        paths.append(folder / f"student{i:03d}.ipynb")
        write(paths[-1], cells)

    t0 = time.perf_counter()
    extracted = [integrity.notebook_functions(p) for p in paths]
    t1 = time.perf_counter()
    result = integrity.integrity_report(paths, "convnets")  # reads again, fingerprints, compares every pair
    t2 = time.perf_counter()
    integrity.write_report(result, folder / "integrity.html")
    t3 = time.perf_counter()

    exercises = len(result["exercises"])
    pairs = exercises * len(paths) * (len(paths) - 1) // 2
    listed = {(p["a"], p["b"]) for data in result["exercises"].values() for p in data["pairs"]}
    per_exercise = {e: len(d["pairs"]) for e, d in result["exercises"].items()}
    found = sum(all((a, b) in {(p["a"], p["b"]) for p in d["pairs"]} for d in result["exercises"].values())
                for a, b in planted)
    assert all(extracted)
    print("| notebooks | exercises | pairs compared | read + extract (s) | whole report (s) | HTML (s) |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(paths)} | {exercises} | {pairs} | {t1 - t0:.2f} | {t2 - t1:.2f} | {t3 - t2:.2f} |")
    print(f"planted copies listed in every exercise: {found}/{len(planted)}; "
          f"pairs listed per exercise: {per_exercise}; distinct pairs: {len(listed)}")
    print("alike groups per exercise (sizes): " + "; ".join(
        f"{e} {[len(g) for g in d['groups']]}" for e, d in result["exercises"].items()))
    print(f"report: {folder / 'integrity.html'} ({(folder / 'integrity.html').stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
