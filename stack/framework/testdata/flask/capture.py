#!/usr/bin/python3
"""Measure Debian's Flask 2.2.2 and write what it sent under this folder.

    /usr/bin/python3 capture.py [NAME...]   (needs python3-flask and gunicorn; 127.0.0.1 only)

With names, only those cases are captured again, and the logs are left
as they are.

The apps of apps.py are served by Werkzeug's development server (run_simple
with its defaults: one process, one thread; threaded-* with threaded=True,
as Flask's app.run) and the talk's app also by gunicorn 20.1.0, with
PYTHONHASHSEED=0 so that the order of an Allow
header, which Werkzeug takes from a set, is the same on every run. For each
case, CASE.req is what was sent and CASE.resp what came back, byte for
byte; devserver.log holds the development server's log and wsgi.errors
what the apps logged, each date replaced by <date>.
"""
import os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "internal", "capture"))
from wire import free_port, record, wait  # noqa: E402






def devserver(app, port):
    code = "from werkzeug.serving import run_simple; import apps; run_simple('127.0.0.1', %d, apps.%s)" % (port, app)
    env = dict(os.environ, PYTHONHASHSEED="0")
    return wait(subprocess.Popen([PYTHON, "-c", code], cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env), port, "the development server")


def threaded(app, port):
    # Flask's app.run(): run_simple with threaded=True, which answers in
    # HTTP/1.1 and chunks a body of unknown length.
    code = "from werkzeug.serving import run_simple; import apps; run_simple('127.0.0.1', %d, apps.%s, threaded=True)" % (port, app)
    env = dict(os.environ, PYTHONHASHSEED="0")
    return wait(subprocess.Popen([PYTHON, "-c", code], cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env), port, "the development server")


def gunicorn(app, port):
    env = dict(os.environ, PYTHONHASHSEED="0")
    cmd = ["/usr/bin/gunicorn", "--chdir", HERE, "-w", "1", "-b", "127.0.0.1:%d" % port, "apps:" + app]
    return wait(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env), port, "gunicorn")




TALK = [
    ("talk", b"GET / HTTP/1.0\r\n\r\n"),
    ("talk-http11", b"GET / HTTP/1.1\r\nHost: localhost:8000\r\n\r\n"),
    ("talk-head", b"HEAD / HTTP/1.0\r\n\r\n"),
    ("talk-missing", b"GET /missing HTTP/1.0\r\n\r\n"),
    ("talk-post", b"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
    ("talk-options", b"OPTIONS / HTTP/1.0\r\n\r\n"),
    ("talk-proxied", b"GET / HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n"),
]

TOUR = [
    ("tour-index", b"GET / HTTP/1.0\r\n\r\n"),
    ("tour-hello", b"GET /hello/World HTTP/1.0\r\n\r\n"),
    ("tour-hello-escape", b"GET /hello/%3Cb%3E HTTP/1.0\r\n\r\n"),
    ("tour-user", b"GET /user/7 HTTP/1.0\r\n\r\n"),
    ("tour-user-post", b"POST /user/7 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
    ("tour-user-put", b"PUT /user/7 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
    ("tour-user-options", b"OPTIONS /user/7 HTTP/1.0\r\n\r\n"),
    ("tour-user-bad", b"GET /user/seven HTTP/1.0\r\n\r\n"),
    ("tour-user-unicode", b"GET /user/%D9%A7 HTTP/1.0\r\n\r\n"),
    ("tour-user-huge", b"GET /user/98765432109876543210 HTTP/1.0\r\n\r\n"),
    ("tour-json", b"GET /json HTTP/1.0\r\n\r\n"),
    ("tour-list", b"GET /list HTTP/1.0\r\n\r\n"),
    ("tour-bytes", b"GET /bytes HTTP/1.0\r\n\r\n"),
    ("tour-none", b"GET /none HTTP/1.0\r\n\r\n"),
    ("tour-stream", b"GET /stream HTTP/1.0\r\n\r\n"),
    ("tour-status", b"GET /status HTTP/1.0\r\n\r\n"),
    ("tour-headers", b"GET /headers HTTP/1.0\r\n\r\n"),
    ("tour-response", b"GET /response HTTP/1.0\r\n\r\n"),
    ("tour-teapot", b"GET /teapot HTTP/1.0\r\n\r\n"),
    ("tour-forbidden", b"GET /forbidden HTTP/1.0\r\n\r\n"),
    ("tour-docs-idna", b"GET /docs HTTP/1.0\r\nHost: B\xc3\xbcCHER.example\r\n\r\n"),
    ("tour-docs", b"GET /docs HTTP/1.0\r\nHost: localhost:5000\r\n\r\n"),
    ("tour-crash", b"GET /crash HTTP/1.0\r\n\r\n"),
    ("tour-go", b"GET /go HTTP/1.0\r\n\r\n"),
    ("tour-stop", b"GET /hello/World?stop=1 HTTP/1.0\r\n\r\n"),
    ("tour-missing", b"GET /missing HTTP/1.0\r\n\r\n"),
    ("tour-item", b"GET /item/3 HTTP/1.0\r\n\r\n"),
    ("tour-item-post", b"POST /item/3 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
    ("tour-item-delete", b"DELETE /item/3 HTTP/1.0\r\n\r\n"),
    ("tour-item-head", b"HEAD /item/3 HTTP/1.0\r\n\r\n"),
]

DATE = re.compile(r"\[\d\d/\w\w\w/\d{4} \d\d:\d\d:\d\d\]|\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]")


ONLY = set(sys.argv[1:])


def run(start, app, cases, prefix):
    if ONLY:
        cases = [c for c in cases if prefix + c[0] in ONLY]
    if not cases:
        return []
    port = free_port()
    p = start(app, port)
    try:
        record(HERE, port, cases, prefix)
    finally:
        p.terminate()
        _, err = p.communicate()
    return [DATE.sub("[<date>]", line) + "\n" for line in err.decode().splitlines()]


dev = run(devserver, "application", TALK, "") + run(devserver, "tour", TOUR, "")
if not ONLY:
    with open(os.path.join(HERE, "devserver.log"), "w") as f:
        f.writelines(l for l in dev if re.match(r"^\S+ - - \[", l))
    with open(os.path.join(HERE, "wsgi.errors"), "w") as f:
        # Each logged error and the exception's last line; the traceback
        # between them names this machine's paths.
        f.writelines(l for l in dev if l.startswith("[<date>] ") or re.match(r"^\w+Error: ", l))
run(gunicorn, "application", TALK, "gunicorn-")
run(threaded, "tour", [
    ("index", b"GET / HTTP/1.0\r\n\r\n"),
    ("stream", b"GET /stream HTTP/1.1\r\nHost: localhost:5000\r\n\r\n"),
    ("stream-10", b"GET /stream HTTP/1.0\r\n\r\n"),
    ("head", b"HEAD /stream HTTP/1.1\r\nHost: localhost:5000\r\n\r\n"),
    ("expect", b"POST /user/7 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab"),
], "threaded-")
