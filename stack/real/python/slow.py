# Sleeps as long as ?seconds=N says (2 when not given, at most 60) before
# it answers: a sync worker busy with one request, and the worker timeout.
import time
from urllib.parse import parse_qs


def application(environ, start_response):
    seconds = 2.0
    for v in parse_qs(environ.get("QUERY_STRING", "")).get("seconds", []):
        try:
            if 0 <= float(v) <= 60:
                seconds = float(v)
        except ValueError:
            pass
    time.sleep(seconds)
    body = ("slept %s\n" % duration(seconds)).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def duration(seconds):
    """Seconds as Go writes a duration, as the lab's own app says them:
    2s, 1.5s, 500ms."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return "%gms" % (seconds * 1000)
    return "%gs" % seconds
