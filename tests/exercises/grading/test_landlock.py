"""Landlock's network rules, the fallback where no network namespace can be made: no TCP connect or bind."""
import subprocess
import sys

import pytest

from cv2course.exercises.grading import landlock
from tests.exercises.grading.helpers import Listener

CONFINED = """
import socket, sys
from cv2course.exercises.grading import landlock
landlock.restrict(['/'], [], deny_tcp=True)
for what, attempt in (('connect', lambda: socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'x')),
                      ('bind', lambda: socket.socket().bind(('127.0.0.1', 0)))):
    try:
        attempt()
        print(what, 'allowed')
    except PermissionError:
        print(what, 'denied')
"""


@pytest.mark.skipif(landlock.abi_version() < 4, reason="Landlock's TCP rules need ABI >= 4 (Linux 6.7)")
def test_deny_tcp_blocks_connect_and_bind_in_the_confined_process_only():
    server = Listener()
    try:
        out = subprocess.run([sys.executable, "-c", CONFINED.format(port=server.port)], capture_output=True,
                             text=True, timeout=60, check=True).stdout.split("\n")
    finally:
        server.close()
    assert out[:2] == ["connect denied", "bind denied"], out
    assert server.connections == 0 and server.received == b""
