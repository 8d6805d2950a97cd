#!/usr/bin/python3
"""Measure Debian's Werkzeug 2.2.2 and write what it sent under this folder.

    /usr/bin/python3 capture.py [NAME...]   (needs python3-werkzeug; uses 127.0.0.1 only)

With names, only those cases are captured again, and devserver.log is
left as it is.

Each app of apps.py is served by Werkzeug's development server, run_simple
with its defaults (one process, one thread), with PYTHONHASHSEED=0 so that
the order of an Allow header, which Werkzeug takes from a set, is the same
on every run. For each case, CASE.req is what was sent and CASE.resp what
came back, byte for byte; devserver.log is the server's log, one request a
line, with each date replaced by <date>.
"""
import os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "internal", "capture"))
from wire import free_port, record, wait  # noqa: E402




def start(app, port):
    code = "from werkzeug.serving import run_simple; import apps; run_simple('127.0.0.1', %d, apps.%s)" % (port, app)
    env = dict(os.environ, PYTHONHASHSEED="0")
    p = subprocess.Popen([PYTHON, "-c", code], cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return wait(p, port, "the development server")




def post(path, ctype, body, extra=b""):
    return b"POST %s HTTP/1.0\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n%s" % (
        path, ctype, len(body), extra, body)


MULTIPART = (b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nA note\r\n"
             b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\none\r\n"
             b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\ntwo\r\n"
             b"--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
             b"Content-Type: text/plain\r\n\r\nfile body\r\nline two\r\n--XyZ--\r\n")

CASES = {
    "greet": [
        ("greet-talk", b"GET / HTTP/1.0\r\n\r\n"),
        ("greet-name", b"GET /?name=World HTTP/1.0\r\n\r\n"),
        ("greet-repeated", b"GET /?name=Ada&name=Grace HTTP/1.0\r\n\r\n"),
        ("greet-escaped", b"GET /?name=J%C3%BCrgen+M HTTP/1.0\r\n\r\n"),
        ("greet-head", b"HEAD /?name=x HTTP/1.0\r\n\r\n"),
        ("greet-http11", b"GET /?name=x HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    ],
    "application": [
        ("application-talk", b"GET / HTTP/1.0\r\n\r\n"),
        ("application-post", b"POST /anything HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"),
    ],
    "routes": [
        ("routes-index", b"GET / HTTP/1.0\r\n\r\n"),
        ("routes-hello", b"GET /hello/World HTTP/1.0\r\n\r\n"),
        ("routes-hello-escaped", b"GET /hello/a%20b HTTP/1.0\r\n\r\n"),
        ("routes-user", b"GET /user/42 HTTP/1.0\r\n\r\n"),
        ("routes-user-post", b"POST /user/42 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
        ("routes-user-not-int", b"GET /user/abc HTTP/1.0\r\n\r\n"),
        ("routes-user-admin", b"GET /user/admin HTTP/1.0\r\n\r\n"),
        ("routes-user-put", b"PUT /user/42 HTTP/1.0\r\nContent-Length: 0\r\n\r\n"),
        ("routes-index-delete", b"DELETE / HTTP/1.0\r\n\r\n"),
        ("routes-files", b"GET /files/a/b/c.txt HTTP/1.0\r\n\r\n"),
        ("routes-docs-slash", b"GET /docs HTTP/1.0\r\nHost: localhost:8080\r\n\r\n"),
        ("routes-docs-slash-query", b"GET /docs?x=1&y=2 HTTP/1.0\r\nHost: localhost:8080\r\n\r\n"),
        ("routes-docs-no-host", b"GET /docs HTTP/1.0\r\n\r\n"),
        # A host of non-ASCII letters is IDNA-encoded in the URL built.
        ("routes-docs-idna", b"GET /docs HTTP/1.0\r\nHost: b\xc3\xbccher.example:8080\r\n\r\n"),
        ("routes-hello-extra-slash", b"GET /hello/World/ HTTP/1.0\r\n\r\n"),
        ("routes-merge-slashes", b"GET //hello//World HTTP/1.0\r\nHost: localhost\r\n\r\n"),
        ("routes-page", b"GET /page/7 HTTP/1.0\r\n\r\n"),
        ("routes-page-too-big", b"GET /page/100 HTTP/1.0\r\n\r\n"),
        # \d in Python's regular expressions is any Unicode digit, and
        # int() reads them; Python's ints have no bound.
        ("routes-user-unicode", b"GET /user/%D9%A4%D9%A2 HTTP/1.0\r\n\r\n"),
        ("routes-user-huge", b"GET /user/123456789012345678901234567890 HTTP/1.0\r\n\r\n"),
        ("routes-page-unicode", b"GET /page/%EF%BC%99 HTTP/1.0\r\n\r\n"),
        ("routes-price-unicode", b"GET /price/%D9%A2.%D9%A5 HTTP/1.0\r\n\r\n"),
        ("routes-price", b"GET /price/2.50 HTTP/1.0\r\n\r\n"),
        ("routes-price-int", b"GET /price/2 HTTP/1.0\r\n\r\n"),
        ("routes-lang", b"GET /lang/de HTTP/1.0\r\n\r\n"),
        ("routes-lang-long", b"GET /lang/deu HTTP/1.0\r\n\r\n"),
        ("routes-color", b"GET /color/green HTTP/1.0\r\n\r\n"),
        ("routes-color-other", b"GET /color/pink HTTP/1.0\r\n\r\n"),
        ("routes-missing", b"GET /nothing/here HTTP/1.0\r\n\r\n"),
    ],
    "proxied": [
        ("proxied-direct", b"GET /who HTTP/1.0\r\nHost: localhost:8000\r\n\r\n"),
        ("proxied-forwarded", b"GET /who?x=1 HTTP/1.0\r\nX-Forwarded-For: 203.0.113.7\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n"),
        ("proxied-chain", b"GET /who HTTP/1.0\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: example.com\r\n\r\n"),
    ],
    "form": [
        ("form-urlencoded", post(b"/form?x=1", b"application/x-www-form-urlencoded", b"name=Ada+L&lang=go&lang=py&empty=&bare")),
        ("form-multipart", post(b"/form", b"multipart/form-data; boundary=XyZ", MULTIPART)),
        ("form-multipart-broken", post(b"/form", b"multipart/form-data; boundary=XyZ", b"--XyZ\r\nno disposition\r\n\r\nx\r\n--XyZ--\r\n")),
        ("form-cookies", b"GET /form HTTP/1.0\r\nCookie: seen=yes; theme=\"dark blue\"; =x; flag\r\n\r\n"),
        ("form-text-body", post(b"/form", b"text/plain", b"name=not-a-form")),
    ],
    "headers": [
        ("headers-order", b"GET / HTTP/1.0\r\nHost: localhost\r\nuser-agent: telnet\r\nX-Custom_Name: a\r\nAccept: */*\r\nAccept: text/plain\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"),
    ],
    "static": [
        ("static-file", b"GET /static/hello.txt HTTP/1.0\r\n\r\n"),
        ("static-html", b"GET /static/index.html HTTP/1.0\r\n\r\n"),
        ("static-missing", b"GET /static/nope.txt HTTP/1.0\r\n\r\n"),
        ("static-outside", b"GET /static/../apps.py HTTP/1.0\r\n\r\n"),
    ],
    "dispatch": [
        ("dispatch-root", b"GET / HTTP/1.0\r\n\r\n"),
        ("dispatch-greet", b"GET /greet?name=Mount HTTP/1.0\r\n\r\n"),
        ("dispatch-routes", b"GET /routes/hello/Mounted HTTP/1.0\r\n\r\n"),
        ("dispatch-routes-slash", b"GET /routes/docs HTTP/1.0\r\nHost: localhost\r\n\r\n"),
    ],
    "application-errors": [
        ("devserver-garbage", b"GARBAGE\r\n\r\n"),
        ("devserver-http09", b"GET /\r\n\r\n"),
        ("devserver-bad-version", b"GET / HTTP/9.x\r\n\r\n"),
        ("devserver-version-20", b"GET / HTTP/2.0\r\n\r\n"),
        ("devserver-lower-method", b"get / HTTP/1.0\r\n\r\n"),
        ("devserver-absolute", b"GET http://example.com/x?y=1 HTTP/1.0\r\n\r\n"),
        ("devserver-expect", b"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab"),
    ],
}

DATE = re.compile(r"\[\d\d/\w\w\w/\d{4} \d\d:\d\d:\d\d\]")


def capture(only):
    log = []
    for app, cases in CASES.items():
        if only:
            cases = [c for c in cases if c[0] in only]
        if not cases:
            continue
        port = free_port()
        p = start(app.split("-")[0], port)
        try:
            record(HERE, port, cases)
        finally:
            p.terminate()
            _, err = p.communicate()
        for line in err.decode().splitlines():
            if re.match(r"^\S+ - - \[", line):
                log.append(DATE.sub("[<date>]", line) + "\n")
    if only:
        return
    with open(os.path.join(HERE, "devserver.log"), "w") as f:
        f.writelines(log)


capture(set(sys.argv[1:]))
