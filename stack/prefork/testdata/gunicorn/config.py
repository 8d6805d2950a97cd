# The talk's config.py: every server hook prints its name and process.
# worker_init is not a gunicorn hook: gunicorn never calls it.
import os, sys

def _log(name):
    with open(os.environ["HOOK_LOG"], "a") as f:
        f.write("%s pid=%d ppid=%d\n" % (name, os.getpid(), os.getppid()))

def on_starting(server): _log("on_starting")
def on_reload(server): _log("on_reload")
def when_ready(server): _log("when_ready")
def pre_fork(server, worker): _log("pre_fork")
def post_fork(server, worker): _log("post_fork")
def post_worker_init(worker): _log("post_worker_init")
def worker_init(worker): _log("worker_init")
def worker_int(worker): _log("worker_int")
def worker_abort(worker): _log("worker_abort")
def pre_exec(server): _log("pre_exec")
def pre_request(worker, req): _log("pre_request")
def post_request(worker, req, environ, resp): _log("post_request")
def child_exit(server, worker): _log("child_exit")
def worker_exit(server, worker): _log("worker_exit")
def nworkers_changed(server, new_value, old_value): _log("nworkers_changed %s->%s" % (old_value, new_value))
def on_exit(server): _log("on_exit")
