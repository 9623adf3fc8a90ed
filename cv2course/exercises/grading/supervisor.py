"""One grading run's supervisor: ``python -m cv2course.exercises.grading.supervisor RUN_DIR``.

The grader starts one supervisor per submission, in a clean environment. The supervisor
makes itself a child subreaper, so every process the run starts -- the kernel, its
children, ``setsid`` and double-forked grandchildren -- stays its descendant; it starts the
sandboxed kernel (:mod:`kernel_launcher`), runs a setup cell (TensorFlow and the package
imported before any time limit), then each code cell with the cell time limit, then each
graded function once through :func:`kernel_side.call`, with the same limit. A cell that
ignores the interrupt, or a dead kernel, costs a kernel restart: the cells that completed are
replayed and the run goes on. It writes what happened to ``private/events.jsonl`` (the
kernel cannot reach that folder) and, on exit -- also on SIGTERM, or when the grader dies --
kills every descendant and reaps it. While the kernel works it watches the run's budget
(:mod:`.budget`): a run that reaches its memory or process limit ends there ("limit reached").
"""
import ctypes
import faulthandler
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from cv2course.exercises.grading import protocol
from cv2course.exercises.grading.budget import RunBudget
from cv2course.i18n import tr

_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36
MAX_RESTARTS = 5


class Stop(Exception):
    """SIGTERM/SIGINT/SIGHUP: end the run now."""


class LimitReached(Exception):
    """The run used up its memory or process budget: it ends here."""


def _stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def descendants(root=None):
    """PIDs of every live descendant of ``root`` (this process), from /proc."""
    root = os.getpid() if root is None else root
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if fields and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            found.append(pid)
            todo.append(pid)
    return found


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants():
    """SIGKILL every descendant until none is left (new ones may fork meanwhile); reap them."""
    for _ in range(200):
        pids = descendants()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
        _reap()
    _reap()
    return not descendants()


class Kernel:
    """The sandboxed kernel: start, run code with a time limit, interrupt, restart."""

    def __init__(self, spec, folder, budget):
        self.spec, self.folder, self.budget = spec, folder, budget
        self.popen = self.client = None

    def start(self, timeout):
        """Start the sandboxed kernel; its channels are Unix sockets in the channel folder (no TCP)."""
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        name = secrets.token_hex(4)
        connection = self.folder.channel / f"connection-{name}.json"
        write_connection_file(str(connection), transport="ipc", ip=str(self.folder.channel / name),
                              key=secrets.token_hex(16).encode())
        self.folder.give(connection, self.spec.owner)
        log = open(self.folder.kernel_log, "ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "cv2course.exercises.grading.kernel_launcher", str(self.folder.root),
             "-f", str(connection)], cwd=self.folder.scratch, env=self.spec.env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log)
        log.close()
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        self.client.start_channels()
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            msg_id = self.client.kernel_info()
            asked = time.monotonic()
            while self.alive() and time.monotonic() - asked < 2.0:
                try:
                    msg = self.client.get_shell_msg(timeout=0.25)
                except queue.Empty:
                    continue
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    self.drain()
                    return True
        return False

    def drain(self):
        """Drop the kernel's outputs (not kept; jupyter_client's get_msgs() would block)."""
        for _ in range(10000):
            try:
                self.client.iopub_channel.get_msg(timeout=0)
            except queue.Empty:
                return

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def _wait(self, msg_id, timeout):
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            why = self.budget.exceeded()
            if why:
                raise LimitReached(why)
            try:
                msg = self.client.get_shell_msg(timeout=min(0.25, remaining))
            except queue.Empty:
                self.drain()
                if not self.alive():
                    return "dead"
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id and msg.get("msg_type") == "execute_reply":
                why = self.budget.exceeded()  # a refused fork may end a cell quickly, and normally
                if why:
                    raise LimitReached(why)
                return msg["content"]

    def run(self, code, timeout):
        """Run ``code``: {"status": ok|error|timeout|stuck|dead, "ename", "evalue"}."""
        if not self.alive():
            return {"status": "dead"}
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        reply = self._wait(msg_id, timeout)
        if reply == "dead":
            return {"status": "dead"}
        if reply is not None:
            return {"status": reply.get("status", "error"), "ename": str(reply.get("ename", ""))[:100],
                    "evalue": str(reply.get("evalue", ""))[:300]}
        os.kill(self.popen.pid, signal.SIGINT)
        reply = self._wait(msg_id, self.spec.grace)
        if reply == "dead":
            return {"status": "dead"}
        return {"status": "timeout" if reply is not None else "stuck"}

    def stop(self):
        if self.client is not None:
            self.client.stop_channels()
        kill_descendants()
        self.popen = self.client = None


def _setup_code(spec, folder):
    lines = ["import sys, os"] + [f"import {m}" for m in spec.preload] + [
        "import cv2course.exercises.grading.kernel_side as _cv2course_kernel_side",
        f"_cv2course_kernel_side.install({str(folder.scratch)!r}, {str(folder.audit)!r}, {spec.reference_files!r}, "
        f"{spec.reference_packages!r}, {spec.library!r})",
        "del _cv2course_kernel_side"]
    return "\n".join(lines)


def _phase(kernel, kind, value):
    kernel.run(f"__import__('cv2course.exercises.grading.kernel_side', fromlist=['phase'])"
               f".phase({kind!r}, {value!r})", 10)


class Run:
    def __init__(self, run_dir):
        self.folder = protocol.RunFolder(Path(run_dir))
        self.spec = protocol.read(protocol.RunSpec, self.folder.spec)
        self.events = protocol.EventLog(self.folder.events)
        self.budget = RunBudget.from_description(self.spec.budget)
        self.kernel = Kernel(self.spec, self.folder, self.budget)
        self.completed = []  # code cells that ran to the end (replayed after a restart)
        self.restarts = 0

    def remaining(self):
        return self.deadline - time.monotonic()

    def boot(self, timeout):
        if not self.kernel.start(timeout):
            self.events.add("kernel failed to start", message=self._kernel_log_tail())
            return False
        outcome = self.kernel.run(_setup_code(self.spec, self.folder), timeout)
        if outcome["status"] == "dead":
            self.events.add("setup failed", message=tr("the kernel died while importing the packages (is --memory "
                                                       "too low?) {log}", log=self._kernel_log_tail()[-300:]))
            return False
        if outcome["status"] != "ok":
            self.events.add("setup failed", message=f"{outcome['status']}: {outcome.get('ename', '')} "
                                                    f"{outcome.get('evalue', '')}".strip())
            return False
        return True

    def _kernel_log_tail(self):
        try:
            return self.folder.kernel_log.read_bytes()[-600:].decode(errors="replace")
        except OSError:
            return ""

    def restart(self, why):
        """A new kernel after ``why``; replay the completed cells. False when the run cannot go on."""
        self.kernel.stop()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS or self.remaining() <= 0:
            self.events.add("gave up", message=tr("{why}; no more restarts", why=why))
            return False
        self.events.add("kernel restarted", message=why)
        if not self.boot(max(1.0, min(self.spec.setup_timeout, self.remaining()))):
            return False
        for index, source in [(i, s) for i, s in self.spec.cells if i in self.completed]:
            _phase(self.kernel, "cell", index)
            outcome = self.kernel.run(source, max(0.1, min(self.spec.timeout, self.remaining())))
            if outcome["status"] not in ("ok", "error"):
                self.completed.remove(index)
                self.events.add("replay failed", cell=index, message=outcome["status"])
                return self.restart(tr("cell {index} did not finish when replayed", index=index))
        return True

    def cell(self, index, source):
        _phase(self.kernel, "cell", index)
        outcome = self.kernel.run(source, max(0.1, min(self.spec.timeout, self.remaining())))
        status = outcome["status"]
        if status in ("ok", "error"):
            self.completed.append(index)
            if status == "error":
                message = f"{outcome['ename']}: {outcome['evalue']}"
                if outcome["ename"] == "KeyboardInterrupt":
                    message += tr(" (raised by the notebook's own code, not a time limit)")
                self.events.add("error", cell=index, message=message)
            return True
        what = {"timeout": tr("the cell ran longer than {seconds} s and was interrupted",
                              seconds=f"{self.spec.timeout:g}"),
                "stuck": tr("the cell ran longer than {seconds} s and ignored the interrupt",
                            seconds=f"{self.spec.timeout:g}"),
                "dead": tr("the kernel died (a crash, os._exit, or the memory or CPU limit)")}[status]
        self.events.add({"timeout": "timeout", "stuck": "timeout", "dead": "kernel died"}[status], cell=index,
                        message=what)
        return status == "timeout" or self.restart(what)

    def call(self, task):
        in_dir, out_dir = self.folder.inputs(task.answers), self.folder.outputs(task.answers)
        shutil.rmtree(in_dir.parent, ignore_errors=True)
        in_dir.parent.mkdir(mode=0o711)
        shutil.copytree(self.folder.stage / task.exercise, in_dir)
        out_dir.mkdir(mode=0o700)
        self.folder.give(out_dir, self.spec.owner)
        _phase(self.kernel, "exercise", task.exercise)
        code = (f"__import__('cv2course.exercises.grading.kernel_side', fromlist=['call'])"
                f".call({task.function!r}, {str(in_dir)!r}, {str(out_dir)!r})")
        outcome = self.kernel.run(code, max(0.1, min(self.spec.timeout, self.remaining())))
        status = outcome["status"]
        self.events.add("call", exercise=task.exercise, outcome=status,
                        message=f"{outcome.get('ename', '')}: {outcome.get('evalue', '')}" if status == "error" else "")
        if status in ("stuck", "dead"):
            return self.restart(tr("the call of {function} did not end", function=task.function))
        return True

    def main(self):
        self.deadline = time.monotonic() + self.spec.setup_timeout + self.spec.total_timeout
        if not self.boot(self.spec.setup_timeout):
            return
        self.events.add("ready")
        self.deadline = time.monotonic() + self.spec.total_timeout
        alive = True
        for index, source in self.spec.cells:
            if self.remaining() <= 0:
                self.events.add("total timeout", cell=index, message=tr("the notebook used up its total time"))
                break
            if not self.cell(index, source):
                alive = False
                break
        for task in self.spec.tasks:
            if not alive or self.remaining() <= 0:
                self.events.add("not called", exercise=task.exercise,
                                message=tr("the run had ended (total time used up, or the kernel kept dying)"))
                continue
            alive = self.call(task)


def main(run_dir):
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints where a stuck run waits
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop)
    run = Run(run_dir)
    code = 0
    try:
        if os.getppid() != run.spec.parent_pid:
            raise Stop("the grader is gone")
        run.main()
    except LimitReached as exc:
        run.events.add("limit reached", message=str(exc))
    except Stop as exc:
        run.events.add("stopped", message=str(exc))
        code = 3
    except Exception as exc:  # the grader's own failure: reported, never silent
        run.events.add("supervisor error", message=f"{type(exc).__name__}: {exc}"[:500])
        code = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            run.kernel.stop()
        finally:
            clean = kill_descendants()
            run.events.add("finished", clean=clean, restarts=run.restarts)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
