"""The structural-prevention self-assessment platform."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from . import config as configuration


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, then integrations, then blueprints, then commands."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(configuration.defaults(app.instance_path))
    app.config.update(configuration.from_environment(os.environ))
    app.config.update(config or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = configuration.secret_key(app.instance_path)
    configuration.validate(app.config)

    from . import auth, db, framework_ext, i18n, limits, reports_ext, security, storage

    if app.config["TRUSTED_PROXIES"]:
        # Only behind proxies we were told of: otherwise a client could forge its address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    db.init_app(app)
    framework_ext.init_app(app)  # refuses to start on an invalid framework
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    limits.init_app(app)
    reports_ext.init_app(app)
    storage.init_app(app)

    from .web import register_blueprints

    register_blueprints(app)

    from . import api

    api.init_app(app)

    from .cli import register_commands

    register_commands(app)
    return app
