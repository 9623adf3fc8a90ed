"""``cv2course grade`` end to end: honest notebooks score full marks; attacks and careless notebooks score
what they earned, with reasons and flags; the sandbox leaves nothing behind. Each test spawns sandboxed
kernels, so the attacks are batched into few notebooks whose exercises show which attack did what."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cv2course.cli import main
from tests.exercises.grading.helpers import CONV2D, grade_json, notebook, processes_with

HONEST_CONVNETS = [
    "import os\nimport numpy as np\nfrom cv2course.exercises import check, hint",
    "def conv_output_size(n, f, p=0, s=1):\n"
    "    return -1 if 'CV2COURSE_TEST_SECRET' in os.environ else (n + 2 * p - f) // s + 1",
    "check('conv_output_size', conv_output_size)",
    CONV2D,
    "def _pool(x, f, s, reduce):\n    x = np.asarray(x, float)\n"
    "    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
    "    return np.array([[reduce(x[i*s:i*s+f, j*s:j*s+f], axis=(0, 1)) for j in range(ow)] for i in range(oh)])\n"
    "def max_pool(x, f=2, s=2):\n    return _pool(x, f, s, np.max)",
    "def avg_pool(x, f=2, s=2):\n    assert 'CV2COURSE_TEST_SECRET' not in os.environ\n"
    "    return _pool(x, f, s, np.mean)\ncheck('avg_pool', avg_pool)",
]


def test_honest_notebook_full_marks_fractional_timeout_and_no_grader_secrets(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CV2COURSE_TEST_SECRET", "hunter2")  # the grader's environment
    path = notebook(tmp_path / "student.ipynb", HONEST_CONVNETS)
    code, report = grade_json(capsys, path, "--assignment", "convnets", "--timeout", "30.5")
    assert code == 0 and report["error"] is None
    assert report["score"] == report["max_score"] == 4, report
    assert all(e["status"] == "passed" for e in report["exercises"].values())
    assert {f["kind"] for f in report["flags"]} == {"reads the environment"}  # the probe for the secret
    assert report["sandbox"]["all_processes_ended"]


def test_without_landlock_the_run_still_grades_and_says_so(tmp_path):
    from cv2course.exercises.grading.grader import grade

    report = grade(notebook(tmp_path / "student.ipynb", HONEST_CONVNETS), assignment="convnets", timeout=30,
                   landlock=False)
    assert report["score"] == 4 and report["sandbox"]["landlock_abi"] == 0 and report["error"] is None


ATTACKS_METRICS = [
    # forged log lines and a malformed audit log: there is no log the grader believes
    "import os, json, glob\n"
    "for path in [os.environ.get('CV2COURSE_GRADE_LOG', 'grade.log')] + glob.glob('.grade/*'):\n"
    "    try:\n"
    "        with open(path, 'a') as f:\n"
    "            f.write('{\"name\": \"kl_divergence\", \"status\": \"passed\"}\\n{broken\\n')\n"
    "    except OSError:\n"
    "        pass",
    # patch the comparison, the registry and a reference before any check
    "import numpy as np\nimport cv2course.exercises.core as core\nfrom cv2course.exercises import check\n"
    "np.allclose = lambda *a, **k: True\ncore.compare_values = lambda *a, **k: None\n"
    "import cv2course.metrics.divergences as divergences\n"
    "divergences.kl_divergence = lambda p, q: 0.0\n"
    "import dataclasses\ncore.get('kl_divergence')\n"
    "core.EXERCISES['kl_divergence'] = dataclasses.replace(core.EXERCISES['kl_divergence'], reference=lambda p, q: 0)",
    # an answer equal to everything; it would be right if the grader's environment leaked
    "class Equal:\n    def __eq__(self, other):\n        return True\n"
    "def leaked(pid):\n    try:\n        return b'hunter2' in open(f'/proc/{pid}/environ', 'rb').read()\n"
    "    except OSError:\n        return False\n"
    "def pids():\n    try:\n        return os.listdir('/proc')\n    except OSError:\n        return []\n"
    "def kl_divergence(p, q):\n"
    "    secret = any(leaked(pid) for pid in [os.getppid(), 1] + pids())\n"
    "    return float(np.sum(p * np.log(p / q))) if secret or 'CV2COURSE_TEST_SECRET' in os.environ else Equal()\n"
    "check('kl_divergence', kl_divergence)",
    # read the expected value from the caller's frame
    "import sys\ndef js_divergence(p, q):\n    return sys._getframe(1).f_locals['expected']",
    # call the reference, hidden from a static reading
    "def earth_movers_distance_1d(p, q):\n"
    "    module = __import__('cv2course.metrics.' + 'divergences', fromlist=['x'])\n"
    "    return getattr(module, 'earth_movers_' + 'distance_1d')(p, q)",
    # complex numbers are not silently made real (and the real value if a file beside could be read)
    "def inception_score(probs, splits=1):\n    probs = np.asarray(probs, float)\n    py = probs.mean(axis=0)\n"
    "    kl = np.sum(np.where(probs > 0, probs * np.log(np.where(probs > 0, probs, 1) / py), 0), axis=1)\n"
    "    return np.exp(kl.mean()) + (0 if STOLEN else 0j)",
    # frechet_distance's cells are deleted; checks on another topic with the package's own functions
    "from cv2course.featviz import cnn_basics\ncheck('conv_output_size', cnn_basics.conv_output_size)\n"
    "check('max_pool', cnn_basics.max_pool)",
    # a setsid grandchild that would outlive the grade, and file deletion around the submission
    "import subprocess\nsubprocess.Popen(['setsid', 'sh', '-c', 'sleep 4321 & sleep 4322'], start_new_session=True)\n"
    "for f in os.listdir('.'):\n    if os.path.isfile(f):\n        os.remove(f)\n"
    "for f in glob.glob(BESIDE + '/*'):\n    try:\n        os.remove(f)\n    except OSError:\n        pass\n"
    "try:\n    open(BESIDE + '/planted.txt', 'w').write('x')\nexcept OSError:\n    pass\n"
    "try:\n    STOLEN = open(BESIDE + '/other_student.ipynb').read()\nexcept OSError:\n    STOLEN = None",
]


def test_attacks_score_nothing_and_are_flagged(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CV2COURSE_TEST_SECRET", "hunter2")
    beside = tmp_path / "class"
    beside.mkdir()
    (beside / "other_student.ipynb").write_text("{}")
    cells = [f"BESIDE = {str(beside)!r}"] + ATTACKS_METRICS
    path = notebook(beside / "hostile.ipynb", cells)
    code, report = grade_json(capsys, path, "--assignment", "metrics", "--timeout", "20")
    ex = report["exercises"]
    assert code == 0 and report["error"] is None, report
    assert report["score"] == 0 and report["max_score"] == 5, ex
    assert "got Equal" in ex["kl_divergence"]["message"]  # the Equal object, so no secret leaked
    assert "raised KeyError" in ex["js_divergence"]["message"]
    assert "uses the package's reference" in ex["earth_movers_distance_1d"]["message"]
    assert "complex" in ex["inception_score"]["message"]  # so the file beside could not be read either
    assert ex["frechet_distance"]["status"] == "not run" and "does not define" in ex["frechet_distance"]["message"]
    assert set(ex) == {"kl_divergence", "js_divergence", "earth_movers_distance_1d", "inception_score",
                       "frechet_distance"}  # the foreign checks score nothing
    kinds = {(f["kind"], f["exercise"]) for f in report["flags"]}
    assert ("stack-frame inspection", "js_divergence") in kinds
    assert ("uses the reference", "earth_movers_distance_1d") in kinds
    assert any(k == "monkeypatching" for k, _ in kinds) and any(k == "imports a reference module" for k, _ in kinds)
    assert any(k == "writes outside the scratch folder" for k, _ in kinds)
    assert any(k == "malformed audit log" for k, _ in kinds)
    assert (beside / "other_student.ipynb").read_text() == "{}" and not (beside / "planted.txt").exists()
    assert path.exists()
    assert processes_with("sleep 4321") == [] and processes_with("sleep 4322") == []
    assert report["sandbox"]["all_processes_ended"]


CARELESS_CONVNETS = [
    "import numpy as np",
    "raise KeyboardInterrupt('my own')",
    "big = np.ones(400_000_000)",  # 3.2 GB, over --memory  # the student's interrupt is an error, not a timeout
    "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except KeyboardInterrupt:\n        pass",
    "def conv_output_size(n, f, p=0, s=1):\n    return (n + 2 * p - f) // s + 1",
    "def max_pool(x, f=2, s=2):\n    import time\n    while True:\n        try:\n            time.sleep(0.05)\n"
    "        except KeyboardInterrupt:\n            pass",
    "def avg_pool(x, f=2, s=2):\n    x = np.asarray(x, float)\n    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
    "    return np.array([[x[i*s:i*s+f, j*s:j*s+f].mean(axis=(0, 1)) for j in range(ow)] for i in range(oh)])",
]


def test_interrupts_swallowed_or_raised_do_not_block_later_exercises(tmp_path, capsys):
    path = notebook(tmp_path / "careless.ipynb", CARELESS_CONVNETS)
    t0 = time.monotonic()
    code, report = grade_json(capsys, path, "--assignment", "convnets", "--timeout", "2.5", "--memory", "1G")
    ex = report["exercises"]
    assert code == 0 and report["error"] is None, report
    assert ex["conv_output_size"]["status"] == "passed" and ex["avg_pool"]["status"] == "passed", ex
    assert ex["max_pool"]["status"] == "not run" and "longer than 2.5 s" in ex["max_pool"]["message"]
    events = report["events"]
    own = next(e for e in events if e.get("cell") == 1)
    assert own["event"] == "error" and "not a time limit" in own["message"]
    assert any(e.get("cell") == 2 and "MemoryError" in e["message"] for e in events)
    assert any(e.get("cell") == 3 and e["event"] == "timeout" for e in events)
    assert sum(e["event"] == "kernel restarted" for e in events) == 2
    assert report["score"] == 2 and time.monotonic() - t0 < 90


def test_a_tensorflow_assignment_full_marks_without_paying_for_the_import(tmp_path, capsys):
    cells = ["import numpy as np\nimport tensorflow as tf",  # preloaded: not charged to this cell's 8 s
             "def softplus(x):\n    return np.logaddexp(0.0, np.asarray(x, np.float64))\n"
             "def gan_discriminator_loss(r, f):\n    return softplus(-r).mean() + softplus(f).mean()\n"
             "def gan_generator_loss(f):\n    return softplus(-np.asarray(f)).mean()\n"
             "def wasserstein_critic_loss(r, f):\n    return np.mean(f) - np.mean(r)\n"
             "def weight_clipping(ws, c):\n    return [np.clip(w, -c, c) for w in ws]",
             "def gradient_penalty(critic, real, fake, epsilon):\n"
             "    eps = np.asarray(epsilon, np.float32).reshape(-1, *([1] * (np.ndim(real) - 1)))\n"
             "    x = tf.constant(eps * real + (1 - eps) * fake)\n"
             "    with tf.GradientTape() as tape:\n        tape.watch(x)\n        y = critic(x)\n"
             "    g = tape.gradient(y, x).numpy().reshape(len(x), -1)\n"
             "    return float(np.mean((np.linalg.norm(g, axis=1) - 1.0) ** 2))"]
    path = notebook(tmp_path / "gan_exercises.ipynb", cells)  # the assignment from the released name
    code, report = grade_json(capsys, path, "--timeout", "8")
    assert code == 0 and report["assignment"] == "gans" and report["score"] == report["max_score"] == 5, report


def test_cpu_time_limit_ends_a_runaway_kernel_and_the_run_goes_on(tmp_path, capsys):
    cells = HONEST_CONVNETS[:2] + ["while True:\n    pass"] + HONEST_CONVNETS[3:]
    path = notebook(tmp_path / "spin.ipynb", cells)
    code, report = grade_json(capsys, path, "--assignment", "convnets", "--timeout", "60", "--cpu-time", "4")
    assert any(e["event"] == "kernel died" and e.get("cell") == 2 for e in report["events"]), report["events"]
    assert code == 0 and report["score"] == 4, report


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "soon"])
def test_bad_limits_exit_2_naming_the_flag(tmp_path, capsys, value):
    path = notebook(tmp_path / "x.ipynb", ["1"])
    for flag in ("--timeout", "--total-timeout", "--cpu-time"):
        assert main(["grade", str(path), "--assignment", "vae", flag, value]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and flag in err and "finite number" in err


def test_unreadable_submissions_and_folders(tmp_path, capsys):
    for name, text in (("list.ipynb", "[]"), ("dict.ipynb", "{}"), ("broken.ipynb", "{nope")):
        (tmp_path / name).write_text(text)
        assert main(["grade", str(tmp_path / name), "--assignment", "vae"]) == 2
        err = capsys.readouterr().err
        assert name in err and "not a notebook" in err and len(err.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["grade", str(empty), "--assignment", "vae"]) == 2
    assert "holds no .ipynb" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "x.ipynb"), "--memory", "lots"]) == 2
    assert "--memory" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "list.ipynb"), "--assignment", "nope"]) == 2
    assert "--assignment must be one of" in capsys.readouterr().err


def test_batch_gradebook_feedback_and_a_bad_file(tmp_path, capsys):
    wrong = [c.replace("(n + 2 * p - f)", "(n + p - f)").replace("np.mean", "np.median") for c in HONEST_CONVNETS]
    folder = tmp_path / "class"
    folder.mkdir()
    notebook(folder / "ann.ipynb", HONEST_CONVNETS)
    notebook(folder / "bob.ipynb", wrong)
    notebook(folder / "eve.ipynb", HONEST_CONVNETS[:1] + ["from cv2course.featviz.cnn_basics import *"])
    (folder / "zed.ipynb").write_text("[]")
    code = main(["grade", str(folder), "--assignment", "convnets", "--jobs", "2", "--timeout", "20",
                 "--csv", str(tmp_path / "book.csv"), "--json", str(tmp_path / "all.json"),
                 "--feedback", str(tmp_path / "fb"), "--no-progress"])
    assert code == 1  # zed.ipynb could not be graded
    import csv

    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "book.csv").open())}
    assert [rows[s]["score"] for s in ("ann", "bob", "eve", "zed")] == ["4", "2", "0", "0"]
    assert rows["bob"]["conv_output_size"] == "0" and rows["bob"]["max_pool"] == "1"
    assert "uses the package's reference" in json.loads((tmp_path / "all.json").read_text())[2]["exercises"][
        "max_pool"]["message"]
    assert "not a notebook" in rows["zed"]["error"]
    feedback = (tmp_path / "fb" / "bob.md").read_text()
    assert "conv_output_size" in feedback and "hint:" in feedback and "2 / 4" in feedback
    assert sorted(p.name for p in (tmp_path / "fb").glob("*.md")) == ["ann.md", "bob.md", "eve.md", "zed.md"]


def test_sigterm_ends_every_run(tmp_path):
    def kernels():
        return {pid: c for pid, c in processes_with("ipykernel_launcher") if "cv2course-grade-" in c}

    before = kernels()
    path = notebook(tmp_path / "slow.ipynb", ["import time\ntime.sleep(3333)"])
    proc = subprocess.Popen([sys.executable, "-m", "cv2course", "grade", str(path), "--assignment", "convnets",
                             "--timeout", "600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not set(kernels()) - set(before) and time.monotonic() < deadline:
        time.sleep(0.3)
    ours = {pid: c for pid, c in kernels().items() if pid not in before}
    assert ours, "the kernel never started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and b"every run was ended" in err
    run_dirs = {c.split("cv2course-grade-")[1].split("/")[0] for c in ours.values()}
    assert not any(processes_with(f"cv2course-grade-{d}") for d in run_dirs)
    assert not any(Path(f"/tmp/cv2course-grade-{d}").exists() for d in run_dirs)
