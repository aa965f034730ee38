"""The database: one engine per app, a session per request, and SQLite tuned on every connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    url: str, *, busy_timeout_ms: int = 5000, synchronous: str = "FULL", echo: bool = False
) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # The same bound as SQLite's busy_timeout: a write blocked longer than this by a lock
        # fails (and the request answers 503) instead of tying up a worker indefinitely.
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            future=True,
            connect_args={"options": f"-c lock_timeout={int(busy_timeout_ms)}"},
        )

    engine = create_engine(url, echo=echo, future=True)

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so that writers can ask for
        # BEGIN IMMEDIATE (see begin_write) instead of failing at once on a lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")  # first: WAL may wait
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def begin_write(session: Session) -> None:
    """Make the session's next transaction a writer's.

    On SQLite this takes the write lock up front (BEGIN IMMEDIATE), so two read-then-write
    transactions queue behind busy_timeout instead of one failing with 'database is locked'.
    Any read-only transaction the request had open is ended first.
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})


class Database:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, future=True)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Database:
        return cls(
            make_engine(
                config["DATABASE_URL"],
                busy_timeout_ms=config["SQLITE_BUSY_TIMEOUT_MS"],
                synchronous=config["SQLITE_SYNCHRONOUS"],
                echo=config["SQL_ECHO"],
            )
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work outside a request (commands, jobs)."""
        with self.sessions() as session:
            yield session


def init_app(app: Flask) -> None:
    app.extensions["database"] = Database.from_config(app.config)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def database() -> Database:
    from flask import current_app

    return current_app.extensions["database"]


def db_session() -> Session:
    """The current request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session
