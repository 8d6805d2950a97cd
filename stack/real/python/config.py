# The talk's config.py: a function for each server hook, which says its
# name when gunicorn calls it. The talk's printed; this one tells the lab
# (lab_report.py), which shows each hook with the PID of the process that
# ran it. worker_init is the talk's too, though gunicorn has no such hook
# and never calls it. child_exit and worker_int are not the talk's: the lab
# needs them to know which workers run, and shows them only when asked.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gunicorn.glogging import Logger  # noqa: E402
from lab_report import address, hook, report, wrap  # noqa: E402


def on_starting(server): hook("on_starting", "master")
def on_reload(server): hook("on_reload", "master")
def when_ready(server): hook("when_ready", "master")
def pre_fork(server, worker): hook("pre_fork", "master")
def post_fork(server, worker): hook("post_fork", "worker")
def worker_init(worker): hook("worker_init", "worker")
def worker_int(worker): hook("worker_int", "worker")
def worker_abort(worker): hook("worker_abort", "worker")
def pre_exec(server): hook("pre_exec", "master")
def worker_exit(server, worker): hook("worker_exit", "worker")
def on_exit(server): hook("on_exit", "master")


def post_worker_init(worker):
    # The worker has loaded the app: the lab's middleware goes around it,
    # to report environ, start_response and each chunk.
    worker.wsgi = wrap(worker.wsgi)
    hook("post_worker_init", "worker")


def pre_request(worker, req):
    hook("pre_request", "worker", peer=address(req.peer_addr))


def post_request(worker, req, environ, resp):
    hook("post_request", "worker", peer=address(req.peer_addr))


def child_exit(server, worker):
    hook("child_exit", "master", worker=worker.pid)


def nworkers_changed(server, new_value, old_value):
    hook("nworkers_changed", "master", extra="%s -> %s" % (old_value, new_value), workers=new_value)


class LabLogger(Logger):
    """gunicorn's own logger, which also tells the lab each line it
    writes to its error log, with the PID of the process that wrote it."""

    def _tell(self, level, msg, args):
        if self.error_log.isEnabledFor(level):
            try:
                text = msg % args if args else str(msg)
            except Exception:
                text = str(msg)
            report("log", text=text)

    def critical(self, msg, *args, **kwargs):
        self._tell(50, msg, args)
        super().critical(msg, *args, **kwargs)

    def error(self, msg, *args, **kwargs):
        self._tell(40, msg, args)
        super().error(msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        self._tell(30, msg, args)
        super().warning(msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        self._tell(20, msg, args)
        super().info(msg, *args, **kwargs)

    def debug(self, msg, *args, **kwargs):
        self._tell(10, msg, args)
        super().debug(msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        self._tell(40, msg, args)
        super().exception(msg, *args, **kwargs)


logger_class = LabLogger
