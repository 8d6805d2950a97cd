# Flask 2.2.2 apps served by Werkzeug's development server and by gunicorn
# to measure what they send (capture.py), and by the lab's framework in the
# tests. Each mirrors an app of the lab's registry (stack/framework/apps.go).
# They are the apps --real serves (stack/real/python: app.py, the talk's,
# and tour.py), imported from there so that one file holds each.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "real", "python"))

from app import application  # noqa: E402
from tour import tour  # noqa: E402

__all__ = ["application", "tour"]
