#!/usr/bin/python3
"""Measure Python's wsgiref.simple_server and write what it sent here.

    /usr/bin/python3 capture.py     (Debian's Python 3.11; uses 127.0.0.1 only)

The server runs the environ app of stack/prefork/testdata/gunicorn/apps.py,
which answers with its environ, one KEY=value line per key in the order
the server set them. It runs with an empty process environment, as the
lab's server copies none: what Python puts there of its own (LC_CTYPE)
comes first, before SERVER_NAME, and the test leaves it out. For each
case, CASE.req is what was sent and CASE.resp what came back.
"""
import os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
APPS = os.path.join(HERE, "..", "..", "..", "prefork", "testdata", "gunicorn")
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "internal", "capture"))
from wire import free_port, record, wait  # noqa: E402

CASES = [
    ("environ-talk", b"GET / HTTP/1.0\r\n\r\n"),
    ("environ-proxied", b"GET /a%20b/c?x=1&y=%41 HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"),
    ("environ-body", b"POST /form HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nname=Al"),
    ("environ-values", b"GET //x/J\xc3\xbcrgen/%C3%BC?q HTTP/1.0\r\nX-Tab:\tvalue\t\r\nPath-Info: /no\r\n\r\n"),
]

port = free_port()
code = "import sys; sys.path.insert(0, %r); from apps import environ; from wsgiref.simple_server import make_server; make_server('127.0.0.1', %d, environ).serve_forever()" % (APPS, port)
p = subprocess.Popen(["/usr/bin/python3", "-c", code], env={}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait(p, port, "wsgiref")
try:
    record(HERE, port, CASES)
finally:
    p.terminate()
    p.wait()
