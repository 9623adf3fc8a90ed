"""The sandbox policy: what a run's kernel may read, write, reach and spend, and as whom it runs.

The grader decides everything here and hands it to the kernel launcher as one
:class:`protocol.KernelLimits` record; the launcher only applies it
(:mod:`.kernel_launcher`). The choices, by what the machine allows:

- **User.** Started as root, the kernel runs as a dedicated unprivileged uid per run (no
  passwd entry; its scratch and channel folders belong to it), with no capabilities and
  ``no_new_privs``. Folders the kernel needs below a folder that uid cannot enter (a Python
  in root's 0700 home) are shown to it in a private mount namespace. Started as a normal
  user, the kernel stays that user.
- **Network.** A fresh network namespace (loopback down): as root directly, else through an
  unprivileged user namespace where the machine allows one. The kernel then talks to the
  supervisor over Unix sockets. Landlock (ABI >= 4) also denies every TCP bind and connect.
  The report says ``netns``, ``landlock-tcp`` or ``open``.
- **Budget.** One cgroup per run (:mod:`.budget`) holds ``--memory`` and ``--processes`` over
  all the run's processes; without one, ``RLIMIT_NPROC`` counts the dedicated uid's processes
  (or, for a normal user, all of that user's), and ``RLIMIT_DATA`` holds each process alone.
- **Files.** Landlock: read the Python installation and the package, write the scratch,
  channel and exchange folders only (:func:`read_paths`).
"""
import os
import secrets
import site
import stat
import sys
from pathlib import Path

from cv2course.exercises.grading import protocol

SYSTEM_READ = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/sys", "/dev", "/etc/ld.so.cache",
               "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/hosts", "/etc/os-release",
               "/etc/mime.types", "/etc/ssl", "/etc/fonts", "/etc/matplotlibrc", "/proc/cpuinfo", "/proc/meminfo",
               "/proc/stat", "/proc/filesystems", "/proc/sys/kernel", "/proc/sys/vm"]
FIRST_RUN_UID, RUN_UIDS = 1_900_000_000, 100_000_000  # dedicated uids: far above any system's users
DEFAULT_PROCESSES = 512  # tasks: a TensorFlow kernel ran 16 on 2 cores here; its pools grow ~2 per core
FILE_SIZE = 256 * 2 ** 20


def package_dir():
    return Path(__file__).resolve().parents[2]


def kernel_env(scratch, quick):
    """The kernel's environment, built from nothing: the grader's variables never reach it."""
    env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": str(scratch),
           "USER": "student", "LOGNAME": "student",
           "TMPDIR": str(scratch / ".tmp"), "LANG": "C.UTF-8", "PYTHONPATH": str(package_dir().parent),
           "KERAS_BACKEND": "tensorflow", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(scratch / ".config"),
           "IPYTHONDIR": str(scratch / ".ipython"), "KERAS_HOME": str(scratch / ".keras"),
           "CV2COURSE_DATA": str(scratch / ".data"), "CV2COURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if quick:
        env["CV2COURSE_QUICK"] = "1"
    return env


def library_paths():
    """The Python installation and the package: what the kernel must read to run at all."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(package_dir())}
    paths |= set(site.getsitepackages()) | {os.path.dirname(os.path.realpath(sys.executable))}
    return {os.path.realpath(p) for p in paths} | paths


def read_paths(temp_root):
    paths = set(SYSTEM_READ) | library_paths()
    temp_root = os.path.realpath(temp_root)
    # a read rule on an ancestor of the temporary folder would open every run's folder
    return sorted(p for p in paths if os.path.exists(p) and not (temp_root + os.sep).startswith(p.rstrip("/") + "/")
                  and p != "/")


def run_user():
    """(uid, gid) for a run started as root -- a fresh unprivileged one -- else None (stay this user)."""
    if os.geteuid() != 0:
        return None
    uid = FIRST_RUN_UID + secrets.randbelow(RUN_UIDS)
    return uid, uid


def hidden_from_others(paths):
    """[folder, path] for each path below a folder that other users cannot enter (the first such folder)."""
    out = []
    for path in sorted(p for p in paths if os.path.isabs(p)):
        if any(path.startswith(kept.rstrip("/") + "/") or path == kept for _, kept in out):
            continue
        for parent in reversed(Path(path).parents):
            try:
                if not os.stat(parent).st_mode & stat.S_IXOTH:
                    out.append([str(parent), path])
                    break
            except OSError:
                break
    return out


def user_processes(uid):
    """Tasks (processes and threads) that ``uid`` runs now: what RLIMIT_NPROC counts."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as f:
                    status = dict(line.split(":", 1) for line in f if ":" in line)
                if int(status["Uid"].split()[0]) == uid:
                    count += int(status["Threads"])
            except (OSError, KeyError, ValueError):
                continue
    return count


def kernel_limits(folder, memory, cpu, processes, budget, user, landlock, temp_root):
    """The :class:`protocol.KernelLimits` of a run in ``folder`` (a :class:`protocol.RunFolder`)."""
    if budget.processes_scope:
        nproc = None
    elif user:
        nproc = processes  # the dedicated uid runs nothing else
    else:
        nproc = user_processes(os.getuid()) + processes
    return protocol.KernelLimits(
        memory=memory, cpu=cpu, file_size=FILE_SIZE, landlock=bool(landlock),
        read=read_paths(temp_root), write=[str(folder.scratch), str(folder.exchange), "/dev/null"],
        channel=[str(folder.channel)],
        list_only=[str(package_dir().parent)], uid=user[0] if user else None, gid=user[1] if user else None,
        expose=hidden_from_others(library_paths()) if user else [], cgroups=budget.join_files(), nproc=nproc,
        network="namespace")


def report(applied, budget, limits):
    """The report's ``sandbox`` block: every limit and mechanism, and whether it is enforced.

    ``applied`` is what the launcher measured (None when the kernel never started).
    """
    if applied is None:
        return {"memory": budget.memory, "processes": budget.processes, "enforced": {}}
    joined = applied.cgroups_joined
    if joined and budget.processes_scope:
        processes_scope = "run"
    elif applied.nproc is not None:
        processes_scope = "uid" if limits.uid is not None else "user"  # "user": shared with the user's others
    else:
        processes_scope = None
    block = {"uid": applied.uid, "capabilities": applied.capabilities, "no_new_privs": applied.no_new_privs,
             "network": applied.network, "landlock_abi": applied.landlock_abi, "landlock_tcp": applied.landlock_tcp,
             "memory": applied.memory, "memory_scope": "run" if joined and budget.memory_scope else "process",
             "processes": budget.processes, "processes_scope": processes_scope, "cpu": applied.cpu,
             "cgroup": budget.version if joined else None}
    block["enforced"] = {"uid": applied.uid != 0, "capabilities": int(applied.capabilities, 16) == 0,
                         "no_new_privs": applied.no_new_privs, "network": applied.network != "open",
                         "memory_per_run": block["memory_scope"] == "run", "processes": processes_scope is not None,
                         "landlock": applied.landlock_abi > 0}
    return block
