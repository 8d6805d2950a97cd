# The talk's part V app: Flask, served by gunicorn as app:application.
from flask import Flask

application = Flask("app")


@application.route("/")
def hello():
    return "Hello, World! (from Flask)"
