"""Alembic, driven from code: the app's engine, this folder's scripts, batch mode on SQLite."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

HERE = Path(__file__).parent


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_config(engine), revision)


def revision(engine: Engine, message: str) -> None:
    command.revision(_config(engine), message=message, autogenerate=True)


def check(engine: Engine) -> None:
    """Raise if the models and the migrated database differ."""
    command.check(_config(engine))
