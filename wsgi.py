"""Production entry point: `gunicorn wsgi:app`."""

from coopnet import create_app

app = create_app()
