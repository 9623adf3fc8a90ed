"""Become a sandboxed IPython kernel: ``python -m cv2course.exercises.grading.kernel_launcher RUN_DIR -f CONNECTION``.

Applies the run's :class:`protocol.KernelLimits` (decided by :mod:`.sandbox`), in this order,
then becomes ``ipykernel``; every step holds for the kernel and everything it starts:

1. joins the run's cgroup (one memory and process budget for the whole run);
2. rlimits: ``RLIMIT_DATA`` (private writable memory of one process -- TensorFlow's large
   unused address-space reservations do not count, as they would for ``RLIMIT_AS``),
   ``RLIMIT_CPU``, ``RLIMIT_FSIZE``, no core files, and ``RLIMIT_NPROC`` when no cgroup counts;
3. a new network namespace (as root; else inside a new user namespace, where allowed), and a
   private mount namespace that shows the kernel's user the folders it needs below a folder
   it cannot enter;
4. as root: the run's own uid and gid, no supplementary groups, an empty capability bounding
   set; then no capabilities at all and ``no_new_privs``;
5. Landlock: files as :func:`sandbox.read_paths` says, no TCP bind or connect (ABI >= 4), no
   signals outside the sandbox (ABI >= 6);
6. writes what the process holds (:class:`protocol.Applied`, read from ``/proc/self/status``).
"""
import ctypes
import os
import resource
import sys
from pathlib import Path

from cv2course.exercises.grading import landlock, protocol

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
_CAP_VERSION_3 = 0x20080522
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _expose(pairs):
    """Over each hidden folder a fresh 0755 tmpfs holding only the paths the kernel needs, bind-mounted."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)  # nothing below leaks to the grader's namespace
    held = [(hidden, path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for hidden, path in pairs]
    for hidden in sorted({hidden for hidden, _ in pairs}):
        _mount("tmpfs", hidden, "tmpfs", 0, "mode=0755")
    for _, path, fd in held:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
        os.close(fd)


def _own_network():
    """A new network namespace (loopback down): True when made, False when this machine refuses it."""
    if os.geteuid() == 0:
        return _libc.unshare(CLONE_NEWNET) == 0
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        Path(f"/proc/self/{name}").write_text(text)  # the same user inside: not root there
    return True


def _empty_bounding_set():
    """No capability can come back, not even through exec."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability, or not allowed (then there were none to drop)


def _clear_capabilities():
    """Empty the effective, permitted and inheritable sets."""
    header = (ctypes.c_uint32 * 2)(_CAP_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, data), "capset")


def _status():
    with open("/proc/self/status", encoding="ascii") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def main(argv):
    folder, rest = protocol.RunFolder(Path(argv[0])), argv[1:]
    limits = protocol.read(protocol.KernelLimits, folder.limits)
    report = open(folder.applied, "w", encoding="utf-8")  # opened while the grader's rights still hold
    joined = bool(limits.cgroups)
    for procs in limits.cgroups:
        try:
            Path(procs).write_text(str(os.getpid()))
        except OSError:
            joined = False
    resource.setrlimit(resource.RLIMIT_DATA, (limits.memory, limits.memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu, limits.cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))  # no file fills the disk
    if limits.nproc is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))
    netns = limits.network == "namespace" and _own_network()
    if limits.expose:
        _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _expose(limits.expose)
    if limits.uid is not None:
        os.setgroups([])
        _empty_bounding_set()
        os.setresgid(limits.gid, limits.gid, limits.gid)
        os.setresuid(limits.uid, limits.uid, limits.uid)
    elif netns and os.geteuid() != 0:
        _empty_bounding_set()  # the capabilities a new user namespace gave, inside it
    _clear_capabilities()
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    abi = landlock.abi_version() if limits.landlock else 0
    if abi:
        landlock.restrict(limits.read + ["/proc/self"], limits.write, limits.list_only, abi, deny_tcp=True,
                          no_links=limits.channel)
    status = _status()
    applied = protocol.Applied(
        uid=int(status["Uid"].split()[0]), capabilities=status["CapEff"].strip(),
        no_new_privs=status.get("NoNewPrivs", "0").strip() == "1",
        network="netns" if netns else ("landlock-tcp" if abi >= 4 else "open"), landlock_abi=abi,
        landlock_tcp=abi >= 4, memory=limits.memory, cpu=limits.cpu, nproc=limits.nproc, cgroups_joined=joined)
    protocol.write(applied, report)
    report.close()
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher"] + rest)


if __name__ == "__main__":
    main(sys.argv[1:])
