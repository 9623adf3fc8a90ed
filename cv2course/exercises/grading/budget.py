"""One memory and process budget per run, over all its processes: a cgroup below the grader's own.

``RunBudget.create(memory, processes)`` makes a child cgroup of the grader's cgroup -- cgroup
v2 when the grader's cgroup can delegate the ``memory`` and ``pids`` controllers, else one
per v1 hierarchy -- with ``memory.max`` (v1: ``memory.limit_in_bytes``) and ``pids.max``
(processes *and* threads, as the kernel counts them). The kernel launcher joins it, so the
kernel and everything it starts share the budget. :meth:`RunBudget.exceeded` reads the
cgroup's own counters (an OOM kill, a refused fork); :meth:`RunBudget.remove` kills what is
left and removes the cgroup. Where no cgroup can be made (no permission, no controller),
``create`` returns a budget with ``scope`` None and the grader falls back to rlimits.
"""
import contextlib
import os
import secrets
import signal
import time
from pathlib import Path

from cv2course.i18n import tr

_MOUNTINFO, _OWN = "/proc/self/mountinfo", "/proc/self/cgroup"


def _mounts():
    """{controller or "cgroup2": mount point} from /proc/self/mountinfo."""
    found = {}
    with contextlib.suppress(OSError), open(_MOUNTINFO, encoding="utf-8") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) < 5 or len(tail) < 3:
                continue
            if tail[0] == "cgroup2":
                found.setdefault("cgroup2", fields[4])
            elif tail[0] == "cgroup":
                for option in tail[2].split(","):
                    found.setdefault(option, fields[4])
    return found


def _own_paths():
    """{controller or "": this process's cgroup path} from /proc/self/cgroup ("" is v2's)."""
    own = {}
    with contextlib.suppress(OSError), open(_OWN, encoding="utf-8") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path
    return own


def _write(path, text):
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def _counter(path, key):
    """The value of ``key`` in a flat-keyed cgroup file (``oom_kill 2``), 0 when absent."""
    with contextlib.suppress(OSError, ValueError), open(path, encoding="ascii") as f:
        for line in f:
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    return 0


class RunBudget:
    """A run's cgroup(s): ``folders`` to join and remove, ``version`` 1 or 2, ``scope`` "run" or None."""

    def __init__(self, memory, processes, version=None, memory_dir=None, pids_dir=None):
        self.memory, self.processes, self.version = memory, processes, version
        self.memory_dir = Path(memory_dir) if memory_dir else None
        self.pids_dir = Path(pids_dir) if pids_dir else None

    @property
    def folders(self):
        return sorted({d for d in (self.memory_dir, self.pids_dir) if d is not None})

    @property
    def memory_scope(self):
        return "run" if self.memory_dir else None

    @property
    def processes_scope(self):
        return "run" if self.pids_dir else None

    @classmethod
    def create(cls, memory, processes):
        """A child cgroup for one run, holding ``memory`` bytes and ``processes`` tasks (v2, else v1, else none)."""
        name = f"cv2course-grade-{secrets.token_hex(6)}"
        mounts, own = _mounts(), _own_paths()
        if "cgroup2" in mounts and "" in own:
            parent = Path(mounts["cgroup2"] + own[""])
            with contextlib.suppress(OSError):
                enabled = set((parent / "cgroup.subtree_control").read_text().split())
                if not {"memory", "pids"} <= enabled:
                    _write(parent / "cgroup.subtree_control", "+memory +pids")  # refused while it holds processes
                folder = parent / name
                folder.mkdir()
                try:
                    _write(folder / "memory.max", str(memory))
                    _write(folder / "pids.max", str(processes))
                    if (folder / "memory.swap.max").exists():
                        _write(folder / "memory.swap.max", "0")
                except OSError:
                    folder.rmdir()
                    raise
                return cls(memory, processes, 2, folder, folder)
        budget = cls(memory, processes, 1)
        for controller, limit_file, value in (("memory", "memory.limit_in_bytes", memory),
                                              ("pids", "pids.max", processes)):
            if controller not in mounts or controller not in own:
                continue
            folder = Path(mounts[controller] + own[controller]) / name
            try:
                folder.mkdir()
                _write(folder / limit_file, str(value))
            except OSError:
                with contextlib.suppress(OSError):
                    folder.rmdir()
                continue
            setattr(budget, f"{controller}_dir", folder)
        if budget.memory_dir:
            with contextlib.suppress(OSError):  # no swap beyond the limit, where swap accounting exists
                _write(budget.memory_dir / "memory.memsw.limit_in_bytes", str(memory))
        return budget if budget.folders else cls(memory, processes)

    def describe(self):
        """A plain dict for the supervisor (:class:`protocol.RunSpec`)."""
        return {"memory": self.memory, "processes": self.processes, "version": self.version,
                "memory_dir": str(self.memory_dir) if self.memory_dir else None,
                "pids_dir": str(self.pids_dir) if self.pids_dir else None}

    @classmethod
    def from_description(cls, data):
        return cls(data["memory"], data["processes"], data["version"], data["memory_dir"], data["pids_dir"])

    def join_files(self):
        """The ``cgroup.procs`` files a process writes its pid to, to join the budget."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def exceeded(self):
        """Why the run hit its budget (an OOM kill, a refused fork), or None."""
        if self.memory_dir is not None:
            events = "memory.events" if self.version == 2 else "memory.oom_control"
            killed = _counter(self.memory_dir / events, "oom_kill")
            if killed:
                return tr("the run reached its memory limit ({size} MiB over all its processes); "
                          "{count} process(es) were killed", size=self.memory // 2 ** 20, count=killed)
        if self.pids_dir is not None:
            refused = _counter(self.pids_dir / "pids.events", "max")
            if refused:
                return tr("the run reached its process limit ({count} processes and threads); "
                          "{refused} fork(s) were refused", count=self.processes, refused=refused)
        return None

    def pids(self):
        found = set()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
        return found

    def remove(self):
        """Kill whatever is still in the cgroup and remove it (after the run)."""
        for folder in self.folders:
            for _ in range(100):
                pids = self.pids()
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
