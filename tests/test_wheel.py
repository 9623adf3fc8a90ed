"""The sdist and wheel: built from the tracked files, metadata checked by twine, installed outside
the tree (no download: the dependencies are the test environment's), and run from there."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(argv, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def tracked_files():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the wheel test builds from the tracked files")
    out = run(["git", "ls-files", "-z"], cwd=ROOT)
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(sdist, wheel) built like a release from a copy of the tracked files."""
    for module in ("build", "twine"):
        if subprocess.run([sys.executable, "-c", f"import {module}"]).returncode:
            pytest.fail(f"the wheel test needs '{module}': pip install -e \".[test]\"")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for name in tracked_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    # sdist first, then the wheel from the unpacked sdist: a file missing from the sdist fails here
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)])
    (sdist,), (wheel,) = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    return tmp, sdist, wheel


def test_twine_check_passes(built):
    _, sdist, wheel = built
    out = run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)])
    assert out.count("PASSED") == 2


def test_the_wheel_carries_every_data_file_of_the_package(built):
    from cv2course import __version__

    _, sdist, wheel = built
    assert wheel.name == f"cv2course-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    package_files = [f for f in tracked_files() if f.startswith("cv2course/")]
    missing = [f for f in package_files if f not in names]
    assert not missing, f"tracked package files missing from the wheel (see setup.cfg package_data): {missing}"
    assert any(f.startswith("cv2course/weights/") and f.endswith(".keras") for f in names)
    metadata = zipfile.ZipFile(wheel).read(f"cv2course-{__version__}.dist-info/METADATA").decode()
    for field in ("Name: cv2course", f"Version: {__version__}", "Requires-Python: >=3.10", "Requires-Dist: tensorflow",
                  "License: MIT", "Description-Content-Type: text/markdown", "Provides-Extra: test"):
        assert field in metadata, field
    assert "github.com/" + "cv2course" not in metadata  # (split so that git grep finds no such URL here)


def test_the_installed_wheel_runs_outside_the_tree(built, tmp_path):
    """``pip install --no-deps --target`` puts only the wheel's files in ``site``; PYTHONPATH puts them
    before the editable install, and the cwd is outside the tree, so the checkout cannot leak in."""
    tmp, _, wheel = built
    site = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--target", str(site),
         str(wheel)])
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONNOUSERSITE="1")
    where = run([sys.executable, "-c", "import cv2course, cv2course.sr.pretrained as p; "
                 "print(cv2course.__file__); print(p.shipped_path(2))"], cwd=work, env=env).split()
    assert all(Path(p).resolve().is_relative_to(site.resolve()) for p in where), where
    assert Path(where[1]).is_file()
    script = site / "bin" / "cv2course"
    info = run([sys.executable, str(script), "info"], cwd=work, env=env)
    assert "edsr_x2.keras" in info and str(site / "cv2course" / "weights") in info  # the wheel's own files
    # one quick figure that needs the shipped SR weights (package data), written outside the tree
    out = run([sys.executable, str(script), "figures", "--quick", "-o", "figs", "--only", "sr_comparison"],
              cwd=work, env=env)
    assert (work / "figs" / "sr_comparison.png").stat().st_size > 0, out
