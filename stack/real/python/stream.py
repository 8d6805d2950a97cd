# A generator of chunks, one of them empty, and no Content-Length: the
# server frames the body itself (chunked to HTTP/1.1, the close to 1.0).


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Stream", "yes")])

    def chunks():
        for s in (b"one\n", b"", b"two\n", b"three\n"):
            yield s
    return chunks()
