"""What the capture.py scripts under the stack's testdata folders share:
each starts a real program on loopback, sends it raw requests and writes
what came back. A script imports this file by its path from the script's
folder (../../../internal/capture)."""
import os
import socket
import sys
import time


def free_port():
    """A port on 127.0.0.1 that nobody listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait(p, port, what):
    """Waits until process p listens on port and returns it; stops the
    capture, p killed, when it does not within five seconds."""
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return p
        except OSError:
            time.sleep(0.05)
    p.kill()
    sys.exit("%s did not start" % what)


def exchange(port, data):
    """Sends data and returns all that came back until the server closed,
    or fell silent for three seconds."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    out = b""
    s.settimeout(3)
    while True:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        if not b:
            break
        out += b
    s.close()
    return out


def record(folder, port, cases, prefix=""):
    """Sends each case's bytes, a (name, data) pair, to port and writes
    them as PREFIX+NAME.req in folder, and what came back as .resp."""
    for name, data in cases:
        resp = exchange(port, data)
        for ext, b in ((".req", data), (".resp", resp)):
            with open(os.path.join(folder, prefix + name + ext), "wb") as f:
                f.write(b)
