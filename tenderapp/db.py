"""The database engine and one session per request.

SQLite gets foreign keys, WAL and a busy timeout. Requests that may write (POST and
friends) begin their SQLite transaction with BEGIN IMMEDIATE so that two writers queue
for the lock instead of failing when a read snapshot turns into a write; everything else
begins a deferred transaction, so readers never hold the write lock.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import Flask, current_app, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and their pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event issue BEGIN so that we choose its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def init_app(app: Flask) -> None:
    app.extensions["tenderapp.engine"] = make_engine(
        app.config["DATABASE_URL"], echo=app.config.get("SQLALCHEMY_ECHO", False)
    )

    @app.before_request
    def mark_write_intent():
        g.write_intent_token = _write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def close_session(_exc):
        session = g.pop("db_session", None)
        token = g.pop("write_intent_token", None)
        try:
            if session is not None:
                _close(session)
        finally:
            if token is not None:
                _write_intent.reset(token)


def _close(session: Session) -> None:
    """Closes a request's session. Closing rolls back what is still open; when the connection
    has died (the database restarted, the connection was terminated) that rollback fails, and
    an error escaping teardown would replace the response already made (the page, or the 503
    page) with the server's bare 500. The dead connection is discarded instead."""
    try:
        session.close()
    except DBAPIError:
        current_app.logger.warning("database connection lost while closing the session", exc_info=True)
        session.invalidate()


@contextmanager
def write_intent():
    """Marks work outside a request (CLI commands) as writing, so that on SQLite its
    transactions queue for the write lock instead of failing when a read turns into a write."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def engine() -> Engine:
    return current_app.extensions["tenderapp.engine"]


def get_session() -> Session:
    """The request's session, opened on first use and closed at the end of the request."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session
