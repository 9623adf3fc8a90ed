"""One worker of the two-process MultiWorkerMirroredStrategy test (tests/test_multiworker.py).

    python tests/multiworker_worker.py INDEX PORT0,PORT1 OUT.npz CASE [CASE ...]

Sets TF_CONFIG for a cluster of two workers on 127.0.0.1, fits each named case of
tests/distributed.py (three global batches of 8, each worker's replica taking 4 rows of every
batch) and writes its variables and per-step logs to OUT.npz.
"""
import json
import os
import sys


def main(index, ports, out, names):
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
        "task": {"type": "worker", "index": index},
    })
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CV2COURSE_OFFLINE", "1")
    os.environ.setdefault("CV2COURSE_QUICK", "1")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import numpy as np
    import tensorflow as tf

    from tests import distributed

    from cv2course.distribute import patch_keras_multi_worker_logs

    patch_keras_multi_worker_logs()
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == len(ports), strategy.num_replicas_in_sync
    arrays = {}
    for name in names:
        result = distributed.fit_case(distributed.CASES[name], strategy)
        for i, (key, value) in enumerate(result.weights.items()):
            arrays[f"{name}/w{i:04d}"] = value
        for step, logs in enumerate(result.logs):
            for key, value in logs.items():
                arrays[f"{name}/log{step}/{key}"] = np.float64(value)
    tmp = f"{out}.part"
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, out)


if __name__ == "__main__":
    main(int(sys.argv[1]), [int(p) for p in sys.argv[2].split(",")], sys.argv[3], sys.argv[4:])
