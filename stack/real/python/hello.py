# The talk's part II app, served by gunicorn as hello:application (the
# talk's module was app.py; the lab names its apps by what they say).
# "Content-type" with a lower-case t, as the talk wrote it.


def application(environ, start_response):
    body = b"Hello, World! (from Gunicorn)\n"
    start_response("200 OK", [("Content-type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
