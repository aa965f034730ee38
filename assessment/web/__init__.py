"""The web interface: one blueprint per feature, every page under /<lang>/."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class BoundedInteger(IntegerConverter):
    """Ids in URLs stay within what every database stores: a larger number is a 404, not an
    overflow error in the driver."""

    def __init__(self, url_map, *args, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInteger

    from . import (
        admin,
        assessments,
        auth,
        collaboration,
        errors,
        exports,
        filters,
        main,
        profile,
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
    app.register_blueprint(profile.bp, url_prefix="/<lang>")
    app.register_blueprint(exports.bp, url_prefix="/<lang>/assessments")
    errors.register(app)
