"""Start a sandboxed IPython kernel: ``python -m cv2course.exercises.grading.kernel_launcher LIMITS.json -f CONNECTION``.

Sets the memory limit (``RLIMIT_DATA``: private writable memory, which TensorFlow's large
but unused address-space reservations do not count against, unlike ``RLIMIT_AS``) and the
CPU-time limit (``RLIMIT_CPU``), caps the size of any file it writes (``RLIMIT_FSIZE``),
confines the process with Landlock (read the Python installation and the package,
read/write only the scratch folder; no signals to processes outside the sandbox), records what it applied, then becomes ``ipykernel``. Every limit
holds for the kernel and everything it starts.
"""
import json
import os
import resource
import sys


def main(argv):
    limits_path, rest = argv[0], argv[1:]
    with open(limits_path, encoding="utf-8") as f:
        limits = json.load(f)
    resource.setrlimit(resource.RLIMIT_DATA, (limits["memory"], limits["memory"]))
    cpu = int(limits["cpu"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size"], limits["file_size"]))  # no file fills the disk
    from cv2course.exercises.grading import landlock

    abi = landlock.abi_version() if limits.get("landlock", True) else 0
    applied = {"landlock_abi": abi, "memory": limits["memory"], "cpu": cpu}
    with open(limits["report"], "w", encoding="utf-8") as f:
        json.dump(applied, f)
    if abi:
        landlock.restrict(limits["read"] + ["/proc/self"], limits["write"], limits.get("list_only", ()), abi)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher"] + rest)


if __name__ == "__main__":
    main(sys.argv[1:])
