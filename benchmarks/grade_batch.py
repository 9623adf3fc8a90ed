"""Grade a class of 20 notebooks (honest, wrong and hostile mixed) in parallel; check every row; time it.

    python benchmarks/grade_batch.py [--jobs 2] [--assignment convnets]

Prints the batch's wall time, the mean time of one sandboxed run, and the sandbox's own
overhead per notebook: the sandboxed run of a notebook that only defines a stub (supervisor,
confined kernel, setup imports, graded calls, clean-up), minus a plain nbclient execution of
the same notebook (kernel start and cells, no sandbox, no grading).
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

POOL = ("def _pool(x, f, s, reduce):\n    x = np.asarray(x, float)\n"
        "    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
        "    return np.array([[reduce(x[i*s:i*s+f, j*s:j*s+f], axis=(0, 1)) for j in range(ow)] for i in range(oh)])")
HEAD = "import numpy as np\nfrom cv2course.exercises import check, hint"
CONV = "def conv_output_size(n, f, p=0, s=1):\n    return (n + 2 * p - f) // s + 1"
MAX = "def max_pool(x, f=2, s=2):\n    return _pool(x, f, s, np.max)"
AVG = "def avg_pool(x, f=2, s=2):\n    return _pool(x, f, s, np.mean)"
CONV2D = ("def conv2d(x, filters, biases, stride=1, padding=0):\n"
          "    x = np.pad(np.asarray(x, float), ((padding, padding), (padding, padding), (0, 0)))\n"
          "    w = np.asarray(filters, float)\n    f = w.shape[0]\n"
          "    oh, ow = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1\n"
          "    return np.array([[np.tensordot(x[i*stride:i*stride+f, j*stride:j*stride+f], w, 3) + biases\n"
          "                      for j in range(ow)] for i in range(oh)])")
CHECKS = "for name in ('conv_output_size', 'conv2d', 'max_pool', 'avg_pool'):\n    check(name, globals()[name])"

# name -> (cells, expected score out of 4)
KINDS = {
    "honest": ([HEAD, CONV, CONV2D, POOL, MAX, AVG, CHECKS], 4),
    "wrong_floor": ([HEAD, CONV2D, CONV.replace("//", "/"), POOL, MAX, AVG], 3),
    "wrong_average": ([HEAD, CONV2D, CONV, POOL, MAX, AVG.replace("np.mean", "np.median")], 3),
    "wrong_all": ([HEAD, CONV.replace("+ 1", ""), CONV2D.replace(" + biases", ""), POOL,
                   MAX.replace("np.max", "np.min"), AVG.replace("np.mean", "np.sum")], 0),
    "stub": ([HEAD, CONV2D, "def conv_output_size(n, f, p=0, s=1):\n    raise NotImplementedError", POOL, MAX, AVG], 3),
    "reference": ([HEAD, CONV2D, "from cv2course.featviz.cnn_basics import conv_output_size, max_pool", POOL, AVG], 2),
    "equal_object": ([HEAD, CONV2D, "class E:\n    def __eq__(self, o):\n        return True\n"
                            "def conv_output_size(n, f, p=0, s=1):\n    return E()", POOL, MAX, AVG], 3),
    "frame_peek": ([HEAD, CONV2D, "import sys\ndef conv_output_size(n, f, p=0, s=1):\n"
                          "    return sys._getframe(1).f_locals['expected']", POOL, MAX, AVG], 3),
    "monkeypatch_setsid": ([HEAD, CONV2D, "import numpy, subprocess\nnumpy.allclose = lambda *a, **k: True\n"
                                  "import cv2course.exercises.core as c\nc.compare_values = lambda *a, **k: None\n"
                                  "subprocess.Popen(['setsid', 'sleep', '7777'], start_new_session=True)",
                            CONV.replace("+ 1", "+ 2"), POOL, MAX, AVG], 3),
    "deleter": ([HEAD, CONV2D, "import os, glob\nfor f in glob.glob('*') + glob.glob('../*') + glob.glob('/tmp/*'):\n"
                       "    try:\n        os.remove(f)\n    except OSError:\n        pass", CONV, POOL, MAX], 3),
}
ORDER = ["honest", "wrong_floor", "honest", "reference", "wrong_average", "equal_object", "honest", "frame_peek",
         "stub", "monkeypatch_setsid", "honest", "deleter", "wrong_all", "honest", "wrong_floor", "honest",
         "reference", "honest", "equal_object", "honest"]


def write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def plain_run_seconds(path):
    from nbclient import NotebookClient

    t0 = time.perf_counter()
    NotebookClient(nbformat.read(str(path), as_version=4), timeout=120, kernel_name="python3").execute()
    return time.perf_counter() - t0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grade-batch-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "class"
        folder.mkdir()
        expected = {}
        for i, kind in enumerate(ORDER):
            name = f"s{i:02d}_{kind}"
            write(folder / f"{name}.ipynb", KINDS[kind][0])
            expected[name] = KINDS[kind][1]
        (folder / "README.txt").write_text("a file beside the submissions")
        cmd = [sys.executable, "-m", "cv2course", "grade", str(folder), "--assignment", "convnets", "--jobs",
               str(args.jobs), "--timeout", "30", "--csv", str(tmp / "book.csv"), "--json", str(tmp / "all.json"),
               "--feedback", str(tmp / "feedback")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        rows = {r["student"]: r for r in csv.DictReader((tmp / "book.csv").open())}
        reports = json.loads((tmp / "all.json").read_text())
        wrong = {n: (rows[n]["score"], e) for n, e in expected.items() if float(rows[n]["score"]) != e}
        print(f"{'submission':28s} {'score':>6s} {'expected':>8s}  flags")
        for name in sorted(expected):
            print(f"{name:28s} {rows[name]['score']:>6s} {expected[name]:>8d}  {rows[name]['flags']}")
        seconds = [r["sandbox"]["seconds"] for r in reports]
        stub = tmp / "stub.ipynb"
        write(stub, [HEAD, "def conv_output_size(n, f, p=0, s=1):\n    raise NotImplementedError"])
        graded, sandboxed, plain = [], [], []
        for _ in range(3):  # medians: the machine may be shared
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "cv2course", "grade", str(stub), "--assignment", "convnets",
                                  "--json"], stdout=subprocess.PIPE, check=True).stdout
            graded.append(time.perf_counter() - t0)
            sandboxed.append(json.loads(out)["sandbox"]["seconds"])
            plain.append(plain_run_seconds(stub))
        graded, sandboxed, plain = (sorted(v)[1] for v in (graded, sandboxed, plain))
        print(f"\nexit code {proc.returncode}; rows right: {len(expected) - len(wrong)}/{len(expected)}"
              + (f"; WRONG: {wrong}" if wrong else ""))
        print(f"beside file kept: {(folder / 'README.txt').exists()}; feedback files: "
              f"{len(list((tmp / 'feedback').iterdir()))}")
        print(f"batch of {len(expected)} with --jobs {args.jobs}: {wall:.1f} s wall, {wall / len(expected):.2f} s "
              f"per notebook; one sandboxed run: mean {sum(seconds) / len(seconds):.2f} s")
        print(f"stub notebook (medians of 3): whole `cv2course grade` command {graded:.2f} s, of which the sandboxed "
              f"run {sandboxed:.2f} s; plain nbclient run {plain:.2f} s; sandbox overhead {sandboxed - plain:.2f} s "
              f"per notebook ({graded - plain:.2f} s with the command's own start-up)")
        return 0 if not wrong and proc.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
