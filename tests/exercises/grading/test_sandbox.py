"""The sandbox as a hostile notebook finds it, through ``cv2course grade``: started as root (as CI and
grading servers start it) and as a normal user. Student code runs without uid 0, capabilities or
network; one memory and process budget covers every process of a run, and a run that exhausts it
ends with "limit reached" while the other runs of the batch grade normally. The report's ``sandbox``
block says which mechanism held each limit."""
import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cv2course.cli import main
from cv2course.exercises.grading.budget import RunBudget
from tests.exercises.grading.helpers import CONVNETS_RIGHT, Listener, grade_json, notebook, probe_result, probes

ROOT = os.geteuid() == 0


def _cgroups_here():
    budget = RunBudget.create(2 ** 30, 64)
    budget.remove()
    return bool(budget.memory_dir and budget.pids_dir)


CGROUPS = _cgroups_here()
REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


# the kernel's sockets' folder: a symlink there would lead the supervisor's reconnect elsewhere, as root
CHANNEL_SYMLINK = ("import os, sys\nchannel = os.path.dirname(sys.argv[sys.argv.index('-f') + 1])\ntry:\n"
                   "    os.symlink('/run', os.path.join(channel, 'elsewhere'))\n    made = 'made'\n"
                   "except OSError as exc:\n    made = type(exc).__name__\nraise RuntimeError('CHANNEL ' + made)")


@pytest.mark.skipif(not ROOT, reason="the grader drops privileges only when started as root")
def test_as_root_student_code_runs_unprivileged_offline_and_still_scores(tmp_path, capsys, listener):
    path = notebook(tmp_path / "student.ipynb", probes(listener.port) + [CHANNEL_SYMLINK] + CONVNETS_RIGHT)
    code, report = grade_json(capsys, path, "--assignment", "convnets", "--timeout", "20")
    assert code == 0 and report["error"] is None and report["score"] == 4, report
    identity = probe_result(report, "IDENTITY")
    uid = int(identity.split("uid=")[1].split()[0])
    assert uid != 0 and "caps=0000000000000000" in identity and "nnp=1" in identity, identity
    network = probe_result(report, "NETWORK")
    assert "tcp sent" not in network and "raw PermissionError" in network, network
    assert listener.connections == 0 and listener.received == b""
    assert probe_result(report, "CHANNEL") == "RuntimeError: CHANNEL PermissionError"
    box = report["sandbox"]
    assert box["uid"] == uid and box["capabilities"] == "0000000000000000" and box["no_new_privs"] is True
    assert box["network"] in ("netns", "landlock-tcp") and box["landlock_abi"] >= 1
    assert all(box["enforced"][k] for k in ("uid", "capabilities", "no_new_privs", "network", "landlock")), box
    if CGROUPS:  # this machine lets the grader make a cgroup: one budget for the run
        assert box["memory_scope"] == "run" and box["processes_scope"] == "run" and all(box["enforced"].values())


FORK_BOMB = ("import os, time\nrefused = 0\n"
             "for _ in range(300):  # bounded: at most 300 children, each sleeps and exits\n"
             "    try:\n        pid = os.fork()\n    except OSError:\n        refused += 1\n        continue\n"
             "    if pid == 0:\n        time.sleep(15)\n        os._exit(0)\n"
             "time.sleep(1)")
HOGS = ("import os, time\n"
        "for _ in range(3):  # three children, 500 MB each: each under --memory, together over it\n"
        "    if os.fork() == 0:\n        hog = b'x' * (500 * 2 ** 20)\n        time.sleep(15)\n        os._exit(0)\n"
        "time.sleep(8)")


@pytest.mark.skipif(not CGROUPS, reason="no cgroup with memory and pids controllers can be made here")
def test_a_fork_bomb_and_allocating_children_end_their_own_run_only(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    notebook(folder / "a_forks.ipynb", [FORK_BOMB] + CONVNETS_RIGHT)
    notebook(folder / "b_honest.ipynb", CONVNETS_RIGHT)
    notebook(folder / "c_hogs.ipynb", [HOGS] + CONVNETS_RIGHT)
    code = main(["grade", str(folder), "--assignment", "convnets", "--jobs", "2", "--timeout", "25",
                 "--memory", "1G", "--processes", "64", "--json", str(tmp_path / "all.json"), "--no-progress"])
    reports = {Path(r["notebook"]).stem: r for r in json.loads((tmp_path / "all.json").read_text())}
    assert code == 0, reports
    assert reports["b_honest"]["score"] == 4, reports["b_honest"]
    for name, what in (("a_forks", "process limit"), ("c_hogs", "memory limit")):
        report = reports[name]
        assert report["score"] == 0, (name, report)
        reached = [e for e in report["events"] if e["event"] == "limit reached"]
        assert reached and what in reached[0]["message"], (name, report["events"])
        assert all("limit reached" in e["message"] for e in report["exercises"].values()), report["exercises"]
        assert report["sandbox"]["all_processes_ended"]
    for report in reports.values():
        assert report["sandbox"]["processes"] == 64 and report["sandbox"]["memory"] == 2 ** 30


def _blocked_for_others(path):
    """The first ancestor of ``path`` that a user other than its owner cannot enter, or None."""
    for parent in reversed(Path(path).resolve().parents):
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return parent
    return None


def _show_to_others(paths):
    """Shell commands that, in a private mount namespace, make ``paths`` reachable for any user: each
    folder that hides one (root's 0700 home, ``mktemp -d``) becomes an empty tmpfs with the path
    bind-mounted back into it."""
    needed = sorted({Path(p).resolve() for p in paths})
    needed = [p for p in needed if not any(q != p and q in p.parents for q in needed)]
    hidden = [(p, _blocked_for_others(p)) for p in needed]
    hidden = [(p, b) for p, b in hidden if b is not None]
    covers = sorted({b for _, b in hidden})
    covers = [b for b in covers if not any(c != b and c in b.parents for c in covers)]
    stage = f"/tmp/.py-{os.getpid()}"
    steps = []
    for i, (path, _) in enumerate(hidden):
        steps.append(f"mkdir -p {stage}/{i} && mount --bind {shlex.quote(str(path))} {stage}/{i}")
    steps += [f"mount -t tmpfs -o mode=755 none {shlex.quote(str(b))}" for b in covers]
    for i, (path, _) in enumerate(hidden):
        steps.append(f"mkdir -p {shlex.quote(str(path))} && mount --move {stage}/{i} {shlex.quote(str(path))}")
    return "".join(step + " && " for step in steps)


@pytest.mark.skipif(not ROOT, reason="dropping to a normal user needs root")
def test_as_a_normal_user_nothing_changes_but_the_network_is_still_closed(listener):
    # this machine's Python (a venv in a 0700 mktemp folder, its interpreter under root's 0700 home) is
    # shown to the user in a private mount namespace
    python = os.path.dirname(os.path.realpath(sys.executable))
    mounts = _show_to_others([sys.prefix, os.path.realpath(sys.base_prefix), python, REPO])
    with tempfile.TemporaryDirectory(prefix="grade-as-user-") as tmp:
        os.chmod(tmp, 0o777)
        path = notebook(Path(tmp) / "student.ipynb", probes(listener.port) + CONVNETS_RIGHT)
        grade = [sys.executable, "-m", "cv2course", "grade", str(path), "--assignment", "convnets", "--timeout", "20",
                 "--json"]
        script = mounts + "exec setpriv --reuid=%d --regid=%d --clear-groups -- %s" % (
            NOBODY, NOBODY, " ".join(map(shlex.quote, grade)))
        env = {"PATH": os.environ["PATH"], "HOME": tmp, "PYTHONPATH": str(REPO), "CV2COURSE_QUICK": "1",
               "CV2COURSE_OFFLINE": "1", "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2"}
        proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], env=env,
                              capture_output=True, text=True, timeout=300, cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["error"] is None and report["score"] == 4, report
    identity = probe_result(report, "IDENTITY")
    assert f"uid={NOBODY}" in identity and "caps=0000000000000000" in identity, identity
    network = probe_result(report, "NETWORK")
    assert "tcp sent" not in network and "raw opened" not in network, network
    assert listener.connections == 0 and listener.received == b""
    box = report["sandbox"]
    assert box["uid"] == NOBODY and box["network"] in ("netns", "landlock-tcp") and box["enforced"]["network"]
    assert box["no_new_privs"] is True and box["landlock_abi"] >= 1
