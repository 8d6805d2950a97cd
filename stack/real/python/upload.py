# Reads the whole body, as echo does, but streams its answer without a
# Content-Length: the close of the connection ends it.


def application(environ, start_response):
    data = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])

    def chunks():
        yield b"got %d bytes: %s\n" % (len(data), data)
    return chunks()
