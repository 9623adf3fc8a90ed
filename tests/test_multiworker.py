"""Two worker processes under MultiWorkerMirroredStrategy fit a GAN and a VAE exactly like one device.

Both workers (tests/multiworker_worker.py) start at once on free 127.0.0.1 ports, each with one
replica taking half of every global batch; each writes its variables and logs, which must
equal a one-device fit of the same tiny model on the same data and noise (tests/distributed.py).
The workers are killed if they outlive the time limit or if one of them fails.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.distributed import CASES, assert_same_fit, fit_case

NAMES = ("gan", "vae")
# Both workers together take about 20 s of CPU each on an idle 2-core machine (a TensorFlow import
# alone is several seconds); the limit leaves room for a loaded CI runner, then kills them.
TIME_LIMIT = 150.0
WORKER = Path(__file__).with_name("multiworker_worker.py")


def free_ports(n):
    """``n`` distinct ports that 127.0.0.1 can bind now; skip the test when binding is refused."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    except OSError as e:
        pytest.skip(f"cannot bind a local TCP port on 127.0.0.1 ({e}): no multi-worker cluster possible here")
    finally:
        for s in sockets:
            s.close()


def run_workers(tmp_path):
    ports = free_ports(2)
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    env["PYTHONPATH"] = os.pathsep.join([str(WORKER.parent.parent), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    outs = [tmp_path / f"worker{i}.npz" for i in range(2)]
    logs = [open(tmp_path / f"worker{i}.log", "w+") for i in range(2)]
    procs = [subprocess.Popen([sys.executable, str(WORKER), str(i), ",".join(map(str, ports)), str(outs[i]), *NAMES],
                              env=env, stdout=logs[i], stderr=subprocess.STDOUT, start_new_session=True)
             for i in range(2)]
    deadline = time.monotonic() + TIME_LIMIT
    try:
        while any(p.poll() is None for p in procs):
            if time.monotonic() > deadline or any(p.returncode not in (None, 0) for p in procs):
                break
            time.sleep(0.2)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    report = []
    for i, (p, log) in enumerate(zip(procs, logs)):
        log.seek(0)
        tail = "".join(line for line in log.readlines()[-15:] if "I0000" not in line)
        log.close()
        report.append(f"worker {i} exit {p.returncode}:\n{tail}")
    ok = all(p.returncode == 0 for p in procs) and all(o.exists() for o in outs)
    assert ok, f"the workers did not finish within {TIME_LIMIT:.0f} s:\n" + "\n".join(report)
    return [dict(np.load(o)) for o in outs]


def as_fit(arrays, name, like):
    """The worker's arrays for ``name`` shaped like the one-device FitResult ``like``."""
    weights = {k: arrays[f"{name}/w{i:04d}"] for i, k in enumerate(like.weights)}
    logs = [{k: float(arrays[f"{name}/log{step}/{k}"]) for k in step_logs} for step, step_logs in enumerate(like.logs)]
    return type(like)(logs, weights)


def test_two_worker_processes_fit_like_one_device(tmp_path):
    workers = run_workers(tmp_path)
    for name in NAMES:
        one = fit_case(CASES[name], run_eagerly=True)
        for arrays in workers:
            assert sum(k.startswith(f"{name}/w") for k in arrays) == len(one.weights)
            assert_same_fit(one, as_fit(arrays, name, one), CASES[name].atol)
