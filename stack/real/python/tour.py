# A Flask app with a route for each way a view can answer, before- and
# after-request hooks, an error handler and a method view: the lab's
# framework's tour, served by gunicorn as tour:application.
from flask import Flask, abort, make_response, redirect, request, url_for
from flask.views import MethodView
from markupsafe import escape

application = tour = Flask("tour")


@tour.before_request
def stop_early():
    if request.args.get("stop"):
        return "stopped by before_request\n"


@tour.after_request
def mark(response):
    response.headers["X-After"] = "mark"
    return response


@tour.errorhandler(403)
def forbidden(e):
    return "no entry\n", 403


@tour.route("/")
def index():
    return "Hello, World! (from Flask)"


@tour.route("/hello/<name>")
def hello_name(name):
    return f"Hello, {escape(name)}!\n"


@tour.route("/user/<int:id>", methods=["GET", "POST"])
def user(id):
    return f"user {id}\n", 201, {"X-Id": str(id)}


@tour.route("/json")
def as_json():
    return {"name": "Flask", "layers": ["proxy", "prefork"], "version": 2.2,
            "ok": True, "none": None, "count": 3, "word": "Grüße <b>"}


@tour.route("/list")
def as_list():
    return [1, "two", 3.0]


@tour.route("/bytes")
def as_bytes():
    return b"raw bytes\n"


@tour.route("/none")
def nothing():
    return None


@tour.route("/stream")
def stream():
    def gen():
        yield "one\n"
        yield "two\n"
    return gen()


@tour.route("/status")
def status():
    return "made\n", "201"


@tour.route("/headers")
def headers():
    return "with headers\n", [("X-A", "1"), ("X-B", "2")]


@tour.route("/response")
def response():
    r = make_response("made by hand\n", 202)
    r.mimetype = "text/plain"
    r.set_cookie("flavour", "oat")
    return r


@tour.route("/teapot")
def teapot():
    abort(418)


@tour.route("/forbidden")
def no():
    abort(403)


@tour.route("/docs/")
def docs():
    return "docs\n"


@tour.route("/crash")
def crash():
    raise RuntimeError("the view crashed")


@tour.route("/go")
def go():
    return redirect(url_for("hello_name", name="you", x="1"))


class Item(MethodView):
    def get(self, id):
        return f"get item {id}\n"

    def post(self, id):
        return f"posted item {id}\n", 201


tour.add_url_rule("/item/<int:id>", view_func=Item.as_view("item"))
