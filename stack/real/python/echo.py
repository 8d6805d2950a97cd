# Reads the whole body from wsgi.input and says what it got.


def application(environ, start_response):
    data = environ["wsgi.input"].read()
    body = b"got %d bytes: %s\n" % (len(data), data)
    start_response("201 Created", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
                                   ("x-lower", "kept")])
    return [body]
