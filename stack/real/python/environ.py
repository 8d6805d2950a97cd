# Answers with its environ, one KEY=value line per key, in the order the
# server set them; objects are shown by their type.
from lab_report import show


def application(environ, start_response):
    body = "".join("%s=%s\n" % (k, show(v)) for k, v in environ.items()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
