"""Shared pieces of the grader tests: notebooks from cell sources, the grader's JSON report, a TCP listener."""
import json
import os
import socket
import threading
from pathlib import Path

import nbformat

from cv2course.cli import main

CONV2D = ("def conv2d(x, filters, biases, stride=1, padding=0):\n"
          "    x = np.pad(np.asarray(x, float), ((padding, padding), (padding, padding), (0, 0)))\n"
          "    w = np.asarray(filters, float)\n    f = w.shape[0]\n"
          "    oh, ow = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1\n"
          "    return np.array([[np.tensordot(x[i*stride:i*stride+f, j*stride:j*stride+f], w, 3) + biases\n"
          "                      for j in range(ow)] for i in range(oh)])")
POOLS = ("def _pool(x, f, s, reduce):\n    x = np.asarray(x, float)\n"
         "    oh, ow = (x.shape[0] - f) // s + 1, (x.shape[1] - f) // s + 1\n"
         "    return np.array([[reduce(x[i*s:i*s+f, j*s:j*s+f], axis=(0, 1)) for j in range(ow)] for i in range(oh)])\n"
         "def max_pool(x, f=2, s=2):\n    return _pool(x, f, s, np.max)\n"
         "def avg_pool(x, f=2, s=2):\n    return _pool(x, f, s, np.mean)")
# the convnets assignment answered right (4 points), in three cells
CONVNETS_RIGHT = ["import numpy as np\ndef conv_output_size(n, f, p=0, s=1):\n    return (n + 2 * p - f) // s + 1",
                  CONV2D, POOLS]


def notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def grade_json(capsys, *argv):
    code = main(["grade", *map(str, argv), "--json"])
    return code, json.loads(capsys.readouterr().out)


def processes_with(marker):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append((entry, cmdline))
    return found


class Listener:
    """A TCP server on 127.0.0.1 that records every byte any client sends (``received``)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.received = b""
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(2)
            try:
                while chunk := conn.recv(4096):
                    self.received += chunk
            except OSError:
                pass
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


def probes(port):
    """Cells that raise what the kernel sees: its identity, and what a TCP and a raw packet socket achieve."""
    identity = ("status = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines()\n"
                "              if ':\\t' in line)\n"
                "raise RuntimeError('IDENTITY uid=%s caps=%s nnp=%s' % (status['Uid'].split()[0], "
                "status['CapEff'].strip(), status['NoNewPrivs'].strip()))")
    network = ("import socket\nseen = []\ntry:\n"
               f"    c = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
               "    c.sendall(b'stolen answers')\n    c.close()\n    seen.append('tcp sent')\n"
               "except OSError as exc:\n    seen.append('tcp ' + type(exc).__name__)\ntry:\n"
               "    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)).close()\n"
               "    seen.append('raw opened')\nexcept OSError as exc:\n    seen.append('raw ' + type(exc).__name__)\n"
               "raise RuntimeError('NETWORK ' + ', '.join(seen))")
    return [identity, network]


def probe_result(report, word):
    """The message a probe cell raised (``IDENTITY ...`` or ``NETWORK ...``)."""
    return next(e["message"] for e in report["events"] if word in e.get("message", ""))
