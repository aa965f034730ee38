"""The web interface: one blueprint per feature, every page under /<lang>/."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import assessments, auth, errors, main, results

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp, url_prefix="/<lang>")
    app.register_blueprint(assessments.bp, url_prefix="/<lang>/assessments")
    app.register_blueprint(results.bp, url_prefix="/<lang>/assessments")
    errors.register(app)
