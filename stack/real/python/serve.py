"""Serves one of the talk's apps with a server from Python itself, as the
talk's parts III and IV did, the lab's reporter around the app:

    python3 serve.py wsgiref HOST PORT module:callable
    python3 serve.py devserver HOST PORT module:callable [threaded]

wsgiref is Python's wsgiref.simple_server (make_server, serve_forever);
devserver is Werkzeug's development server (run_simple), with
threaded=True as Flask's app.run when asked.
"""
import importlib
import sys

from lab_report import wrap


def load(name):
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr or "application")


def main():
    server, host, port, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    app = wrap(load(name))
    if server == "wsgiref":
        from wsgiref.simple_server import make_server
        with make_server(host, port, app) as httpd:
            httpd.serve_forever()
    else:
        from werkzeug.serving import run_simple
        run_simple(host, port, app, threaded="threaded" in sys.argv[5:])


if __name__ == "__main__":
    main()
