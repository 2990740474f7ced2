"""WSGI entry point for gunicorn: ``gunicorn 'cvbank.wsgi:app'`` (run ``cvbank worker`` too)."""

from cvbank import create_app

app = create_app()
