"""What the grader, a run's supervisor and its kernel launcher tell each other, and the folder they share.

Three processes take part in a run: the grader (trusted), the supervisor it starts (trusted,
same user) and the kernel launcher, which applies the sandbox and becomes the student's
kernel. They talk through files in one run folder (:class:`RunFolder`) holding typed records:

- :class:`KernelLimits` grader -> launcher: the limits and mechanisms to apply;
- :class:`Applied`      launcher -> grader: what the kernel ended up with (read from ``/proc``);
- :class:`RunSpec`      grader -> supervisor: cells, time limits, graded calls, environment;
- events (JSON lines)   supervisor -> grader: :class:`EventLog` and :func:`read_jsonl`.

Each record is written with :func:`write` and read with :func:`read`, which checks that every
field is present and nothing else is. Files the kernel can write (answers, its audit log) are
read elsewhere, as hostile (:mod:`.wire`).
"""
import dataclasses
import json
import os
from pathlib import Path
from typing import List, Optional


@dataclasses.dataclass(frozen=True)
class KernelLimits:
    """The sandbox the launcher applies before it becomes ipykernel (see :mod:`.kernel_launcher`)."""
    memory: int  # bytes: RLIMIT_DATA of each process
    cpu: int  # seconds: RLIMIT_CPU of each process
    file_size: int  # bytes: RLIMIT_FSIZE
    landlock: bool
    read: List[str]  # Landlock: folders and files the kernel may read and execute
    write: List[str]  # Landlock: folders the kernel may read and write
    channel: List[str]  # Landlock: writable, but no symlinks made or files moved in (its sockets)
    list_only: List[str]  # Landlock: folders the kernel may list only
    uid: Optional[int]  # run as this user (root only); None: stay the grader's user
    gid: Optional[int]
    expose: List[List[str]]  # [hidden folder, path inside it the kernel needs]: root's 0700 home, say
    cgroups: List[str]  # cgroup.procs files the launcher joins (the run's budget)
    nproc: Optional[int]  # RLIMIT_NPROC when no cgroup counts the run's processes
    network: str  # "namespace": a fresh network namespace (loopback down); "landlock": TCP rules only


@dataclasses.dataclass(frozen=True)
class Applied:
    """What the kernel process holds, measured by the launcher just before it became the kernel."""
    uid: int
    capabilities: str  # CapEff from /proc/self/status, hex
    no_new_privs: bool
    network: str  # "netns", "landlock-tcp" or "open"
    landlock_abi: int  # 0: no Landlock
    landlock_tcp: bool  # TCP bind/connect denied by Landlock (ABI >= 4)
    memory: int
    cpu: int
    nproc: Optional[int]
    cgroups_joined: bool


@dataclasses.dataclass(frozen=True)
class Task:
    """One graded call: the notebook's ``function``, graded as ``exercise``; inputs and outputs in ``answers``."""
    exercise: str
    function: str
    answers: str  # the run's secret folder name under exchange/


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """Everything the supervisor needs to run one notebook (see :mod:`.supervisor`)."""
    env: dict
    cells: list  # [cell index, source]
    timeout: float
    total_timeout: float
    setup_timeout: float
    grace: float
    preload: List[str]
    reference_files: List[str]
    reference_packages: List[str]
    library: List[str]
    parent_pid: int
    owner: Optional[List[int]]  # [uid, gid] of the kernel's files when it runs as another user
    budget: dict  # budget.RunBudget.describe(): where the supervisor reads the run's counters
    tasks: List[Task]


def write(record, path):
    """Write ``record`` (a dataclass above) as JSON to ``path``, or to an open text file."""
    text = json.dumps(dataclasses.asdict(record))
    if hasattr(path, "write"):
        path.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")


def read(cls, path):
    """The ``cls`` record in ``path``; ValueError naming the file when a field is missing or unknown."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    names = {f.name for f in dataclasses.fields(cls)}
    if not isinstance(data, dict) or set(data) != names:
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{Path(path).name}: expected the fields {sorted(names)} of {cls.__name__}, got {got}")
    if cls is RunSpec:
        data["tasks"] = [Task(**t) for t in data["tasks"]]
    return cls(**data)


@dataclasses.dataclass(frozen=True)
class RunFolder:
    """One run's folder; every path in it is named here.

    ``private/`` grader and supervisor only; ``kernel/`` read by the launcher while it still
    holds the grader's rights; ``channel/`` the kernel's Unix sockets; ``scratch/`` the kernel's
    working folder and home; ``exchange/`` each graded call's inputs and answers, in folders
    whose names the kernel learns only when it is asked to answer.
    """
    root: Path

    private = property(lambda self: self.root / "private")
    stage = property(lambda self: self.private / "stage")  # every task's inputs, written by the grader
    spec = property(lambda self: self.private / "spec.json")
    events = property(lambda self: self.private / "events.jsonl")
    supervisor_log = property(lambda self: self.private / "supervisor.log")
    kernel_log = property(lambda self: self.private / "kernel.log")
    kernel = property(lambda self: self.root / "kernel")
    limits = property(lambda self: self.kernel / "limits.json")
    applied = property(lambda self: self.kernel / "applied.json")
    channel = property(lambda self: self.root / "channel")
    scratch = property(lambda self: self.root / "scratch")
    audit = property(lambda self: self.scratch / ".grade" / "audit.jsonl")
    exchange = property(lambda self: self.root / "exchange")

    def inputs(self, answers):
        return self.exchange / answers / "in"

    def outputs(self, answers):
        return self.exchange / answers / "out"

    def create(self, owner=None):
        """Make the folders; with ``owner`` (uid, gid) the kernel's own ones belong to that user.

        The root folder's name is unguessable; with another owner it is 0711 so that the kernel's
        user can reach its folders without listing the others.
        """
        self.root.chmod(0o711 if owner else 0o700)
        for folder in (self.private, self.stage, self.kernel, self.channel, self.scratch, self.scratch / ".tmp",
                       self.audit.parent, self.exchange):
            folder.mkdir(mode=0o700)
        self.audit.touch(mode=0o600)
        if owner:
            self.exchange.chmod(0o711)
            for path in (self.channel, self.scratch, self.scratch / ".tmp", self.audit.parent, self.audit):
                os.chown(path, *owner)

    def give(self, path, owner):
        """Hand a file the grader made in the kernel's folders to the kernel's user."""
        if owner:
            os.chown(path, *owner)


class EventLog:
    """The supervisor's events (JSON lines), appended as they happen."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def add(self, event, **fields):
        self.file.write(json.dumps({"event": event, **fields}) + "\n")
        self.file.flush()


def read_jsonl(path, limit=2 ** 20):
    """Records of a JSON-lines file and the count of malformed lines (never fatal)."""
    records, bad = [], 0
    try:  # the kernel may have made it a symlink to a file only the grader can read
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as f:
            data = f.read(limit)
    except OSError:
        return records, bad
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            bad += 1
    return records, bad
