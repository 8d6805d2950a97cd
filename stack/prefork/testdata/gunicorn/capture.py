#!/usr/bin/env python3
"""Measure Debian's gunicorn 20.1.0 and write what it sent under this folder.

    python3 capture.py [NAME...]   (needs /usr/bin/gunicorn; uses 127.0.0.1 only)

With names, only those cases are captured again ("hooks" for hooks.txt),
so that the other files keep the dates they were captured with.

For each case, CASE.req is what was sent and CASE.resp what came back,
byte for byte. hooks.txt is the order in which the talk's config.py hooks
fired through a run that starts 2 workers, serves a request, adds a worker
(TTIN), removes one (TTOU), loses one to kill -9, reloads (HUP) and stops
(TERM), with PIDs replaced by their role. timeout.txt is the hooks and
gunicorn's own log lines, in order, through a run of one worker that a
request keeps busy past --timeout 1, then TERM ("timeout" to capture it).
"""
import os, re, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "internal", "capture"))
from wire import exchange, free_port, record, wait  # noqa: E402




def start(app, port, *extra, env=None):
    cmd = ["/usr/bin/gunicorn", "--chdir", HERE, "-b", "127.0.0.1:%d" % port, *extra, "apps:" + app]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return wait(p, port, "gunicorn")




CASES = {
    "hello": [
        ("talk", b"GET / HTTP/1.0\r\n\r\n"),
        ("http11", b"GET /path?q=1 HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: lab\r\n\r\n"),
        ("head", b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("http09", b"GET /\r\n"),
        ("garbage", b"GARBAGE\r\n\r\n"),
        ("lower-method", b"get / HTTP/1.0\r\n\r\n"),
        ("bad-version", b"GET / HTTP/9.x\r\n\r\n"),
        ("version-12", b"GET / HTTP/1.2\r\n\r\n"),
        ("version-20", b"GET / HTTP/2.0\r\n\r\n"),
        ("header-no-colon", b"GET / HTTP/1.0\r\nFoo\r\n\r\n"),
        ("header-space-name", b"GET / HTTP/1.0\r\nFoo Bar: x\r\n\r\n"),
        ("header-underscore", b"GET / HTTP/1.0\r\nFoo_Bar: x\r\n\r\n"),
        # gunicorn's limit_request_line counts the line without its CRLF.
        ("line-4094", b"GET /" + b"a" * (4094 - 14) + b" HTTP/1.0\r\n\r\n"),
        ("line-4095", b"GET /" + b"a" * (4095 - 14) + b" HTTP/1.0\r\n\r\n"),
        ("fields-100", b"GET / HTTP/1.0\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(100)) + b"\r\n"),
        ("fields-101", b"GET / HTTP/1.0\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(101)) + b"\r\n"),
        # limit_request_field_size counts the line with its CRLF.
        ("field-8190", b"GET / HTTP/1.0\r\nX: " + b"a" * (8190 - 5) + b"\r\n\r\n"),
        ("field-8191", b"GET / HTTP/1.0\r\nX: " + b"a" * (8191 - 5) + b"\r\n\r\n"),
        ("leading-crlf", b"\r\nGET / HTTP/1.0\r\n\r\n"),
        ("two-spaces", b"GET  / HTTP/1.0\r\n\r\n"),
        ("dup-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na"),
        ("bad-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
        ("te-gzip", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
        ("keep-alive", b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        # A bare LF ends no line for gunicorn: it waits for CR LF, and these
        # two get no answer in the 3 seconds exchange waits.
        ("bare-lf", b"GET / HTTP/1.0\nHost: localhost\n\n"),
        ("lf-headers", b"GET / HTTP/1.0\r\nHost: localhost\n\n"),
        # The whole head is read before a header line is judged too long.
        ("field-8213", b"GET / HTTP/1.0\r\nX-Padding: " + b"b" * 8200 + b"\r\n\r\n"),
        # gunicorn's own request-line rules: any token is a method, any
        # HTTP/digits.digits a version.
        ("method-odd", b"G-E_T / HTTP/1.0\r\n\r\n"),
        ("lower-head", b"head / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("version-zeros", b"GET / HTTP/01.01\r\nHost: x\r\n\r\n"),
        ("version-314", b"GET / HTTP/3.14\r\n\r\n"),
        ("version-space", b"GET / HTTP/1.0 \r\n\r\n"),
        ("bracket-target", b"GET http://[x/ HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("chunked-10", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("identity-chunked", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"),
        # Header names are upper-cased as Python does: sharp s is SS, a
        # token; micro sign is Greek Mu, which the latin-1 error page cannot
        # carry, so no answer comes.
        ("header-sharp-s", b"GET / HTTP/1.0\r\n\xdf: x\r\n\r\n"),
        ("header-micro", b"GET / HTTP/1.0\r\n\xb5 x: y\r\n\r\n"),
        ("header-tab-name", b"GET / HTTP/1.0\r\nX\tY: z\r\n\r\n"),
        # Scheme headers from an address forwarded_allow_ips trusts.
        ("scheme-contradict", b"GET / HTTP/1.0\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n"),
        ("scheme-contradict-late", b"GET / HTTP/1.0\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\nFoo\r\n\r\n"),
    ],
    "environ": [
        ("environ-talk", b"GET / HTTP/1.0\r\n\r\n"),
        ("environ-proxied", b"GET /a%20b/c?x=1&y=%41 HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nConnection: close\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nAccept: text/plain\r\n\r\n"),
        ("environ-body", b"POST /form HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nname=Al"),
        # Values: what precedes them dropped, what follows kept, continued
        # lines joined with a space.
        ("environ-values", b"GET / HTTP/1.0\r\nX-Tab:\tvalue\t\r\nX-Space: a  \r\nX-Fold: a\r\n\tb \r\n  c\r\n\r\n"),
        ("environ-lower", b"get /x?y HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        # The trusted scheme headers (secure_scheme_headers, from
        # forwarded_allow_ips: 127.0.0.1) set wsgi.url_scheme.
        ("environ-scheme", b"GET / HTTP/1.0\r\nX-Forwarded-Proto: https\r\n\r\n"),
        ("environ-scheme-ssl", b"GET / HTTP/1.0\r\nX-Forwarded-Ssl: on\r\nX-Forwarded-Protocol: ssl\r\n\r\n"),
        ("environ-scheme-case", b"GET / HTTP/1.0\r\nX-Forwarded-Proto: HTTPS\r\n\r\n"),
        # Raw bytes in the path: decoded as latin-1, encoded as UTF-8 by
        # unquote_to_bytes, decoded as latin-1 again.
        ("environ-latin1-path", b"GET /J\xc3\xbcrgen/\xff/%C3%BC?q=\xff HTTP/1.0\r\n\r\n"),
        ("environ-target-controls", b"GET \x01/a\tb?c=\td#f HTTP/1.0\r\n\r\n"),
    ],
    "stream": [
        ("stream-10", b"GET / HTTP/1.0\r\n\r\n"),
        ("stream-11", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ],
    "echo": [
        ("echo-body", b"POST /echo HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"),
        ("echo-chunked", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        # 100 Continue for every Expect: 100-continue, whatever the version.
        ("echo-expect-10", b"POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"),
        ("echo-length-python", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +1_0 \r\n\r\n0123456789"),
    ],
    "crash": [("crash", b"GET / HTTP/1.0\r\n\r\n")],
    "nostart": [("nostart", b"GET / HTTP/1.0\r\n\r\n")],
}


def capture_cases(only):
    for app, cases in CASES.items():
        if only:
            cases = [c for c in cases if c[0] in only]
        if not cases:
            continue
        port = free_port()
        p = start(app, port, "-w", "1")
        try:
            record(HERE, port, cases)
        finally:
            p.terminate()
            p.wait()


def capture_hooks():
    log = tempfile.mktemp()
    env = dict(os.environ, HOOK_LOG=log)
    port = free_port()
    p = start("hello", port, "-w", "2", "-c", os.path.join(HERE, "config.py"), env=env)
    steps = []

    def mark(what):
        time.sleep(0.6)
        with open(log, "a") as f:
            f.write("# " + what + "\n")

    mark("started 2 workers")
    exchange(port, b"GET / HTTP/1.0\r\n\r\n")
    mark("served GET / HTTP/1.0")
    p.send_signal(signal.SIGTTIN)
    mark("TTIN")
    p.send_signal(signal.SIGTTOU)
    mark("TTOU")
    workers = [int(x) for x in subprocess.check_output(["pgrep", "-P", str(p.pid)]).split()]
    os.kill(workers[0], signal.SIGKILL)
    mark("kill -9 a worker")
    p.send_signal(signal.SIGHUP)
    mark("HUP")
    p.send_signal(signal.SIGTERM)
    p.wait()
    with open(log, "a") as f:
        f.write("# TERM, master exited\n")
    out = []
    for line in open(log):
        if line.startswith("#"):
            out.append(line)
            continue
        name, pid, ppid = line.split(" pid=")[0], line.split("pid=")[1].split()[0], line.split("ppid=")[1].strip()
        role = "master" if int(pid) == p.pid else "worker"
        out.append("%s %s\n" % (role, name))
    os.remove(log)
    with open(os.path.join(HERE, "hooks.txt"), "w") as f:
        f.writelines(out)


def role_lines(log, master):
    """The hook lines ("name pid=N ppid=M") and gunicorn's log lines
    ("[date] [pid] [LEVEL] text") of a log file, as "ROLE NAME" and
    "ROLE log: TEXT", with PIDs replaced by their role."""
    out = []
    for line in open(log):
        line = line.rstrip("\n")
        if line.startswith("#"):
            out.append(line)
        elif line.startswith("["):
            _, pid, rest = line.split("] [", 2)
            level, text = rest.split("] ", 1)
            role = "master" if int(pid) == master else "worker"
            text = re.sub(r"(pid: ?)\d+", r"\1worker", text)
            text = re.sub(r"\(\d+\)", "(master)", text)
            out.append("%s log: [%s] %s" % (role, level, re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:<port>", text)))
        else:
            name, pid = line.split(" pid=")[0], int(line.split("pid=")[1].split()[0])
            out.append("%s %s" % ("master" if pid == master else "worker", name))
    return out


def capture_timeout():
    log = tempfile.mktemp()
    env = dict(os.environ, HOOK_LOG=log)
    port = free_port()
    p = start("slow", port, "-w", "1", "--timeout", "1", "--error-logfile", log,
              "-c", os.path.join(HERE, "config.py"), env=env)

    def mark(what):
        time.sleep(0.6)
        with open(log, "a") as f:
            f.write("# " + what + "\n")

    mark("started 1 worker")
    exchange(port, b"GET /?seconds=5 HTTP/1.0\r\n\r\n")
    mark("a request kept the worker busy past the timeout")
    p.send_signal(signal.SIGTERM)
    p.wait()
    with open(log, "a") as f:
        f.write("# TERM, master exited\n")
    lines = role_lines(log, p.pid)
    os.remove(log)
    with open(os.path.join(HERE, "timeout.txt"), "w") as f:
        f.writelines(l + "\n" for l in lines)


only = set(sys.argv[1:])
capture_cases(only)
if not only or "hooks" in only:
    capture_hooks()
if not only or "timeout" in only:
    capture_timeout()
