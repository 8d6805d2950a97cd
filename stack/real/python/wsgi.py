# The talk's part III app, the same as part II's, answering from WSGI:
# wsgiref's simple server serves it as wsgi:application.


def application(environ, start_response):
    body = b"Hello, World! (from WSGI)\n"
    start_response("200 OK", [("Content-type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
