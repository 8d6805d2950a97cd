# Breaks the contract: returns a body without calling start_response.


def application(environ, start_response):
    return [b"never started\n"]
