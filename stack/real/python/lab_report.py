"""The lab's eyes inside a real Python server.

ngw2f-lab starts the real gunicorn (or wsgiref, Werkzeug's server, uWSGI)
with this file beside the talk's apps. report() tells the lab what
happens in this process, one JSON line at a time over the Unix socket
named by NGW2F_LAB_REPORT, and waits for the lab's one-byte answer, so
that the lab has recorded it before the process goes on. wrap() is a
WSGI middleware that reports the environ going down to the app, its
start_response call and each chunk of its body coming up. It changes
nothing the server or the app sees: the same environ, the same calls,
the same bytes.

Only the standard library is used: this file runs in every interpreter
the servers run on. When the lab is gone, reporting stops quietly.
"""
import base64
import json
import os
import socket
import threading

_PATH = os.environ.get("NGW2F_LAB_REPORT", "")
_lock = threading.RLock()
_conn = None  # (pid, socket): a connection per process, made after a fork
_busy = False  # a report is under way: a signal handler must not start one
_gone = False  # the lab went away: report nothing more


def report(kind, **fields):
    """Tells the lab about one thing, and waits until it has it."""
    global _conn, _busy, _gone
    if not _PATH or _gone:
        return
    fields["kind"] = kind
    fields.setdefault("pid", os.getpid())
    line = (json.dumps(fields) + "\n").encode()
    with _lock:
        if _busy:  # reentered from a signal handler (worker_abort)
            return
        _busy = True
        try:
            if _conn is None or _conn[0] != os.getpid():
                if _conn is not None:
                    _conn[1].close()  # the parent's, inherited by fork
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(_PATH)
                _conn = (os.getpid(), s)
            s = _conn[1]
            s.sendall(line)
            if s.recv(1) != b"\n":
                raise OSError("the lab did not answer")
        except OSError:
            _gone = True
        finally:
            _busy = False


def hook(name, role, **fields):
    """Reports a server hook firing, as the talk's config.py prints it."""
    report("hook", name=name, role=role, **fields)


def address(addr):
    """An address as the lab writes it: 127.0.0.1:8000, [::1]:8000."""
    if not isinstance(addr, tuple) or len(addr) < 2:
        return ""
    host, port = addr[0], addr[1]
    if ":" in host:
        host = "[%s]" % host
    return "%s:%d" % (host, port)


def peer(environ):
    """The address of the request's client as the server sees it: the
    lab's relay, which knows the connection by it."""
    for key in ("gunicorn.socket", "werkzeug.socket"):
        s = environ.get(key)
        if s is not None:
            try:
                return address(s.getpeername())
            except (OSError, AttributeError):
                pass
    try:
        import uwsgi  # only under uWSGI, whose REMOTE_PORT is nginx's client's
        s = socket.socket(fileno=os.dup(uwsgi.connection_fd()))
        try:
            return address(s.getpeername())
        finally:
            s.close()
    except Exception:
        pass
    if environ.get("REMOTE_PORT"):
        return "%s:%s" % (environ.get("REMOTE_ADDR", ""), environ["REMOTE_PORT"])
    return ""


def show(value):
    """An environ value for people, as the lab shows its own: a string as
    it is, True or False, (1, 0), None, and any other object as <type>."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float, tuple)):
        return repr(value)
    if isinstance(value, type):
        return "<%s>" % value.__name__
    return "<%s>" % type(value).__name__


def wrap(app):
    """Returns app with the lab's reports around it."""
    def lab(environ, start_response):
        p = peer(environ)
        report("environ", peer=p, fields=[[k, show(v)] for k, v in environ.items()])

        def start(status, headers, exc_info=None):
            fields = [["status", status]] + [[k, v] for k, v in headers]
            if exc_info:
                fields.append(["exc_info", repr(exc_info[1])])
            report("start_response", peer=p, fields=fields)
            if exc_info:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        return Body(app(environ, start), p)
    return lab


class Body:
    """The app's body, each chunk reported as it goes up. It has a length
    when the app's body has one (wsgiref adds a Content-Length to a body of
    one chunk), and closes the app's body when it has a close."""

    def __init__(self, body, peer):
        self.body, self.peer = body, peer

    def __iter__(self):
        for chunk in self.body:
            report("chunk", peer=self.peer, data=base64.b64encode(chunk).decode())
            yield chunk

    def __len__(self):
        return len(self.body)

    def close(self):
        if hasattr(self.body, "close"):
            report("close", peer=self.peer)
            self.body.close()
