"""The reference for benchmarks/bench.py: the smallest Flask app, served the same way."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():  # type: ignore[no-untyped-def]
    """A constant JSON answer: what a request costs before any application work."""
    return jsonify({"ok": True})
