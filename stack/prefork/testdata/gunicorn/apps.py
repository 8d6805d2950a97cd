# Apps served by real gunicorn to measure what it sends, and by the lab's
# pre-fork server in the interop test. Each mirrors an app of the lab's
# registry (stack/gateway/apps).
import json


def hello(environ, start_response):
    # The talk's part II app: note "Content-type" with a lower-case t.
    body = b"Hello, World! (from Gunicorn)\n"
    start_response("200 OK", [("Content-type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]


def environ(environ, start_response):
    # One line per key, in the order the server put them in the environ.
    lines = []
    for k, v in environ.items():
        if k.startswith("wsgi.") or k.startswith("gunicorn."):
            v = type(v).__name__ if k in ("wsgi.input", "wsgi.errors", "wsgi.file_wrapper", "gunicorn.socket") else v
        lines.append("%s=%s" % (k, v))
    body = ("\n".join(lines) + "\n").encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def stream(environ, start_response):
    # No Content-Length: gunicorn chunks the answer to HTTP/1.1.
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Stream", "yes")])
    return [b"one\n", b"", b"two\n", b"three\n"]


def echo(environ, start_response):
    data = environ["wsgi.input"].read()
    body = b"got " + str(len(data)).encode() + b" bytes: " + data + b"\n"
    start_response("201 Created", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("x-lower", "kept")])
    return [body]


def slow(environ, start_response):
    # Sleeps as long as ?seconds=N says (2 by default), as the lab's slow
    # app: a worker busy past the master's timeout.
    import time, urllib.parse
    seconds = float(urllib.parse.parse_qs(environ["QUERY_STRING"]).get("seconds", ["2"])[0])
    time.sleep(seconds)
    body = ("slept %ss\n" % seconds).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def crash(environ, start_response):
    raise RuntimeError("the app crashed")


def nostart(environ, start_response):
    return [b"never started\n"]
