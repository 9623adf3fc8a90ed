"""Landlock (Linux >= 5.13): confine this process and its children to a few folders, unprivileged.

``restrict(read=[...], write=[...])`` lets the calling process (and everything it later
starts, across ``exec``) read and execute only below the ``read`` paths, read and write only
below the ``write`` paths, and -- where the kernel supports it (Landlock ABI >= 6, Linux
6.12) -- send signals only to processes in the same sandbox; with ``deny_tcp`` (ABI >= 4,
Linux 6.7) it may neither bind nor connect a TCP socket. Everything else on the file
system is denied with ``PermissionError``. The restriction cannot be lifted by the process.
"""
import ctypes
import os
import platform

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
BIND_TCP, CONNECT_TCP = 1 << 0, 1 << 1  # ABI >= 4

_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # the rights a rule on a file may carry


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _Ruleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi_version():
    """The kernel's Landlock ABI version, or 0 when Landlock is missing or disabled (or not Linux)."""
    if platform.system() != "Linux":
        return 0
    libc = _libc()
    version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _handled_fs(abi):
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def restrict(read, write, list_only=(), abi=None, deny_tcp=False, no_links=()):
    """Confine this process to reading ``read`` and reading/writing ``write`` (paths); return the ABI used.

    ``list_only`` folders may be listed (not their files read): a package's parent folder.
    ``deny_tcp``: no TCP bind or connect at all, where the ABI has network rules (>= 4).
    ``no_links`` folders are writable, but no symlink may be made there and no file linked or
    moved in: a privileged process that connects to a socket there reaches the sandbox's own.
    Paths that do not exist are skipped. Raises ``OSError`` when Landlock is unavailable.
    """
    abi = abi_version() if abi is None else abi
    if abi < 1:
        raise OSError("Landlock is not available on this kernel")
    libc = _libc()
    handled = _handled_fs(abi)
    network = (BIND_TCP | CONNECT_TCP) if deny_tcp and abi >= 4 else 0  # handled, no rule: all denied
    attr = _Ruleset(handled_access_fs=handled, handled_access_net=network,
                    scoped=(SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET) if abi >= 6 else 0)
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        read_rights = EXECUTE | READ_FILE | READ_DIR
        for paths, rights in ((read, read_rights), (write, handled), (list_only, READ_DIR),
                              (no_links, handled & ~(MAKE_SYM | REFER))):
            for path in paths:
                _add_rule(libc, ruleset, path, rights & handled)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
    return abi


def _add_rule(libc, ruleset, path, rights):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = _PathBeneath(allowed_access=rights, parent_fd=fd)
        if libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                        ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule({path!r}): {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)
