# An app that raises an exception: the server answers 500 for it.


def application(environ, start_response):
    raise RuntimeError("the app crashed")
