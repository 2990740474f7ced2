"""Turn CV files into text, profiles, sensitive-content flags and search documents.

This package is a library: it never imports Flask, SQLAlchemy or ``cvbank``.
"""
