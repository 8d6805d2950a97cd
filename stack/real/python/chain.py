# The WSGI app of part III wrapped in three middlewares, the first one
# outermost: each says on wsgi.errors when the environ goes in and the
# status comes out, so the order they run in shows.
from wsgi import application as hello


def announce(name, middleware):
    def wrap(app):
        inner = middleware(app)

        def announced(environ, start_response):
            errors = environ["wsgi.errors"]
            errors.write("%s: environ in (PATH_INFO=%s)\n" % (name, environ.get("PATH_INFO", "")))

            def start(status, headers, exc_info=None):
                errors.write("%s: response out (%s)\n" % (name, status))
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
            return inner(environ, start)
        return announced
    return wrap


def logger(app):
    # One line per request on wsgi.errors: method, path, status.
    def logged(environ, start_response):
        line = "%s %s%s" % (environ["REQUEST_METHOD"], environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""))

        def start(status, headers, exc_info=None):
            environ["wsgi.errors"].write("%s -> %s\n" % (line, status))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return app(environ, start)
    return logged


def insert_headers(add):
    def middleware(app):
        def inserted(environ, start_response):
            def start(status, headers, exc_info=None):
                for name, value in add:
                    headers = set_header(headers, name, value)
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
            return app(environ, start)
        return inserted
    return middleware


def modify_response(change):
    # The whole body goes through change; Content-Length follows.
    def middleware(app):
        def modified(environ, start_response):
            got = {}

            def capture(status, headers, exc_info=None):
                got["status"], got["headers"] = status, headers
            chunks = app(environ, capture)
            try:
                body = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
            body = change(body)
            headers = set_header(got["headers"], "Content-Length", str(len(body)))
            start_response(got["status"], headers)
            return [body]
        return modified
    return middleware


def set_header(headers, name, value):
    """headers with name set to value: in the place of the first header
    of that name, the others dropped, or at the end."""
    out, done = [], False
    for k, v in headers:
        if k.lower() != name.lower():
            out.append((k, v))
        elif not done:
            out.append((name, value))
            done = True
    if not done:
        out.append((name, value))
    return out


def chain(app, *middlewares):
    for m in reversed(middlewares):
        app = m(app)
    return app


application = chain(hello,
                    announce("logger", logger),
                    announce("headers", insert_headers([("X-Middleware", "headers")])),
                    announce("shout", modify_response(bytes.upper)))
