"""The web interface: one blueprint per feature, every page under /<lang>/."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import (
        admin,
        assessments,
        auth,
        collaboration,
        errors,
        filters,
        main,
        results,
        review,
        team,
    )

    filters.register(app)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp, url_prefix="/<lang>")
    app.register_blueprint(assessments.bp, url_prefix="/<lang>/assessments")
    app.register_blueprint(collaboration.bp, url_prefix="/<lang>/assessments")
    app.register_blueprint(results.bp, url_prefix="/<lang>/assessments")
    app.register_blueprint(review.bp, url_prefix="/<lang>/assessments")
    app.register_blueprint(team.bp, url_prefix="/<lang>")
    app.register_blueprint(admin.bp, url_prefix="/<lang>/admin")
    errors.register(app)
