# The talk's part IV apps, with Werkzeug alone, by the names the lab
# serves them with (werkzeug_app:greet, werkzeug_app:application, ...).
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response


def greet(environ, start_response):
    # The talk's first example: the request and the response wrapped by
    # hand, the name read from the query string.
    request = Request(environ)
    text = "Hello %s!" % request.args.get("name", "World")
    response = Response(text, mimetype="text/plain")
    return response(environ, start_response)


@Request.application
def application(request):
    # The talk's second example: the decorator wraps the app too.
    return Response("Hello, World! (from Werkzeug)", mimetype="text/html")


url_map = Map([
    Rule("/", endpoint="index"),
    Rule("/hello/<name>", endpoint="hello"),
    Rule("/user/<int:id>", endpoint="user", methods=["GET", "POST"]),
    Rule("/user/admin", endpoint="admin"),
    Rule("/files/<path:rest>", endpoint="files"),
    Rule("/docs/", endpoint="docs"),
    Rule("/page/<int(min=1, max=99):n>", endpoint="page"),
    Rule("/price/<float:amount>", endpoint="price"),
    Rule("/lang/<string(length=2):code>", endpoint="lang"),
    Rule("/color/<any(red, green, blue):c>", endpoint="color"),
])


@Request.application
def routes(request):
    # A URL map: what matched, with the values its converters made, or the
    # map's own 404, 405 or redirect.
    adapter = url_map.bind_to_environ(request.environ)
    try:
        endpoint, values = adapter.match()
    except HTTPException as e:
        return e
    text = "%s %s\n" % (endpoint, " ".join("%s=%r" % kv for kv in values.items()))
    text += "built: %s\n" % adapter.build(endpoint, dict(values, q="a b"))
    return Response(text)


@Request.application
def whoami(request):
    # Who the app thinks the client is, which proxy-fix corrects.
    text = "remote_addr=%s\nhost=%s\nscheme=%s\nurl=%s\naccess_route=%s\n" % (
        request.remote_addr, request.host, request.scheme, request.url,
        ",".join(request.access_route))
    return Response(text)


proxied = ProxyFix(whoami, x_for=1, x_proto=1, x_host=1)


@Request.application
def form(request):
    # What the toolkit parsed from a form, its files and cookies.
    lines = ["%s: %s" % (k, request.form.getlist(k)) for k in request.form]
    for k in request.files:
        f = request.files[k]
        lines.append("file %s: %s %s %r" % (k, f.filename, f.content_type, f.read()))
    lines += ["cookie %s: %s" % (k, v) for k, v in request.cookies.items()]
    lines.append("args: %r" % (list(request.args.items(multi=True)),))
    response = Response("\n".join(lines) + "\n")
    response.set_cookie("seen", "yes")
    response.set_cookie("note", "a b;c", max_age=60, path="/form", httponly=True, samesite="Lax")
    return response


@Request.application
def headers(request):
    # The request's headers as the toolkit sees them, in order.
    return Response("".join("%s: %s\n" % kv for kv in request.headers.items()))


dispatch = DispatcherMiddleware(application, {"/greet": greet, "/routes": routes})
