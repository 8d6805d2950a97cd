# Werkzeug 2.2.2 apps served by Werkzeug's own development server to
# measure what they send (capture.py), and by the lab's toolkit in the
# tests. Each mirrors an app of the lab's registry (stack/toolkit/apps.go).
# The apps are the ones --real serves (stack/real/python/werkzeug_app.py),
# imported from there so that one file holds them; only the static-file
# app, which serves this directory's files, is the tests' own.
import os
import sys

from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.wrappers import Response

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "real", "python"))

from werkzeug_app import (  # noqa: E402
    application,
    dispatch,
    form,
    greet,
    headers,
    proxied,
    routes,
    whoami,
)

__all__ = ["application", "dispatch", "form", "greet", "headers", "proxied", "routes", "whoami", "static"]

static = SharedDataMiddleware(
    Response("no such file\n", status=404),
    {"/static": os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")},
)
