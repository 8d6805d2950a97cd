# The app uWSGI serves: the one of the talk's apps NGW2F_LAB_APP names
# (module:callable), with the lab's reporter around it.
import importlib
import os

from lab_report import wrap

_module, _, _attr = os.environ["NGW2F_LAB_APP"].partition(":")
application = wrap(getattr(importlib.import_module(_module), _attr or "application"))
