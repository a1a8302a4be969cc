"""Shared fixtures: one migrated database and one app per test session, emptied between tests.

TEST_BACKEND=postgresql (with TEST_DATABASE_URL) runs the suite on PostgreSQL; the default
is a SQLite file in a temporary folder. Migrations build the schema, so they always run.
"""

import dataclasses
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from tenderapp import create_app, migrate, security
from tenderapp.clock import FrozenClock
from tenderapp.config import TestingConfig
from tenderapp.extensions import limiter
from tests import factories

BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL")
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# The property tests try the same examples every run (a red build is then a change's doing, not
# a new draw, and the suite's time is steady); HYPOTHESIS_PROFILE=explore draws new ones.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Cheap password hashing for work done outside a request (factories, services under test).
security.configure(**TestingConfig.PASSWORD_HASH)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist 3.8 groups an item (``--dist loadgroup``, the ``xdist_group`` mark) by adding
    "@group" to ``item._nodeid``, which pytest 9.2 no longer reads: its node ids live in
    ``item._id``. Copy the grouped id across so that a group, such as the query budget's worlds,
    runs on one worker and is built once. Does nothing where either side has changed."""
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:
        return
    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if isinstance(grouped, str) and "@" in grouped and item.nodeid != grouped:
            item._id = coerce_node_id(grouped)


def pytest_make_parametrize_id(config, val, argname):
    """A long bytes parameter is named by its start and length: pytest-xdist needs every worker to
    collect the same test names, and a zip made at collection holds the time it was made."""
    if isinstance(val, bytes) and len(val) > 40:
        return f"{val[:8]!r}…{len(val)} bytes"
    return None


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str, worker: str, create: bool) -> str:
    """The URL of this xdist worker's own database beside ``url`` (created empty, or dropped)."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The suite's migrated database. Under pytest-xdist each worker has its own: a SQLite file
    in the worker's temporary folder, or a PostgreSQL database named after the worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if BACKEND == "postgresql":
        if not PG_URL:
            pytest.exit("TEST_BACKEND=postgresql needs TEST_DATABASE_URL", returncode=2)
        if worker:
            url = _worker_database(PG_URL, worker, create=True)
        else:
            reset_postgres_schema(PG_URL)
            url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tenderapp.db'}"
    migrate.upgrade(url)
    yield url
    if BACKEND == "postgresql" and worker:
        _worker_database(PG_URL, worker, create=False)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    return create_app({
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "CLOCK": FrozenClock(T0),
    })


def _empty_all_tables(engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app(_app):
    """The app with an empty database, the clock at T0 and fresh rate limits."""
    _app.config["CLOCK"].set(T0)
    yield _app
    limiter.reset()
    _empty_all_tables(_app.extensions["tenderapp.engine"])
    shutil.rmtree(_app.extensions["tenderapp.audit"].checkpoints.directory, ignore_errors=True)


@pytest.fixture
def clock(app) -> FrozenClock:
    return app.config["CLOCK"]


class FreshReadSession(Session):
    """A session for arranging and checking rows around requests. Before each query it ends
    a transaction that has nothing to write, so it always reads what requests committed
    (SQLite keeps a read transaction's snapshot until it ends)."""

    def _end_idle_transaction(self):
        if not (self.new or self.dirty or self.deleted):
            if self.in_transaction():
                self.commit()
            self.expire_all()

    def exec(self, *args, **kwargs):
        self._end_idle_transaction()
        return super().exec(*args, **kwargs)

    def get(self, *args, **kwargs):
        self._end_idle_transaction()
        return super().get(*args, **kwargs)

    def add(self, *args, **kwargs):
        # a read transaction left open would fail to turn into a write once requests have
        # written since (SQLite keeps the older snapshot)
        if self.in_transaction() and not (self.new or self.dirty or self.deleted):
            self.commit()
        return super().add(*args, **kwargs)


@pytest.fixture
def db(app):
    """A database session outside any request, for arranging and checking rows."""
    with FreshReadSession(app.extensions["tenderapp.engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


def _is_empty(engine) -> bool:
    counts = " + ".join(f'(SELECT count(*) FROM "{t.name}")' for t in SQLModel.metadata.sorted_tables)
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT {counts}").scalar() == 0


def _table_rows(engine) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's rows as the database driver gives them (so no column type converts them)."""
    rows = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns) or "1"
            result = connection.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {order}')
            found = [tuple(row) for row in result]
            if found:
                rows[table.name] = (list(result.keys()), found)
    return rows


def _put_back(engine, rows: dict[str, tuple[list[str], list[tuple]]]) -> None:
    """Inserts ``rows`` (from _table_rows) into the empty tables, ids included, in one transaction;
    PostgreSQL's id sequences then go on from the highest id, as after ordinary inserts."""
    marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    with engine.begin() as connection:
        for name, (columns, values) in rows.items():
            quoted = ", ".join(f'"{column}"' for column in columns)
            connection.exec_driver_sql(
                f'INSERT INTO "{name}" ({quoted}) VALUES ({", ".join([marker] * len(columns))})', values)
            if engine.dialect.name == "postgresql" and "id" in columns:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))")


_BUILT_WORLD: dict = {}  # this process's first build_world: its rows, and each field's model and id


@pytest.fixture
def world(db):
    """Two tenants and more: see factories.build_world. Built once a process; later tests get the
    same rows put back (in an empty database: anywhere else it is built afresh), which is the
    suite's commonest arrangement at a tenth of the cost."""
    engine = db.get_bind()
    if not _is_empty(engine):
        return factories.build_world(db, T0)
    if _BUILT_WORLD:
        _put_back(engine, _BUILT_WORLD["rows"])
        return factories.World(**{name: db.get(model, row_id)
                                  for name, (model, row_id) in _BUILT_WORLD["ids"].items()})
    built = factories.build_world(db, T0)
    _BUILT_WORLD["rows"] = _table_rows(engine)
    _BUILT_WORLD["ids"] = {field.name: (type(getattr(built, field.name)), getattr(built, field.name).id)
                           for field in dataclasses.fields(built)}
    return built


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*")) if path.is_file()}


def _state(app) -> tuple:
    """What an arrangement starts from: every row, the audit checkpoint files and the clock."""
    checkpoints = app.extensions["tenderapp.audit"].checkpoints.directory
    return _table_rows(app.extensions["tenderapp.engine"]), _files(checkpoints), app.config["CLOCK"].moment


_ARRANGED: dict[str, tuple] = {}  # name -> (state before, state after, the result's models and ids)


def arranged_once(name: str, app, db, arrange):
    """``arrange()`` (which returns a tuple of table objects and Browsers), run once a process: a later test that
    starts from the same state gets the rows, checkpoint files and clock it left put back instead,
    and the same objects loaded in ``db``. Only for arrangements whose every effect is in those."""
    engine = app.extensions["tenderapp.engine"]
    before = _state(app)
    if name in _ARRANGED and _ARRANGED[name][0] == before and not (db.new or db.dirty or db.deleted):
        _, (rows, files, moment), loaded = _ARRANGED[name]
        db.commit()  # ends its read transaction, whose locks would hold up PostgreSQL's TRUNCATE
        _empty_all_tables(engine)
        _put_back(engine, rows)
        folder = app.extensions["tenderapp.audit"].checkpoints.directory
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            (folder / file_name).write_bytes(content)
        app.config["CLOCK"].set(moment)
        return tuple(_reloaded(app, db, kind, saved) for kind, saved in loaded)
    result = arrange()
    _ARRANGED[name] = (before, _state(app), [_kept(item) for item in result])
    return result


def _kept(item) -> tuple:
    if isinstance(item, Browser):  # signed in: its cookies name a session whose row is put back
        return Browser, dict(item.client._cookies)
    return type(item), item.id


def _reloaded(app, db, kind, saved):
    if kind is Browser:
        browser = Browser(app.test_client())
        browser.client._cookies.update(saved)
        return browser
    return db.get(kind, saved)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def pass_second_factor(app, email: str) -> None:
    """Marks the newest session of ``email`` as having passed its second factor."""
    from sqlmodel import select

    from tenderapp.models import User, UserSession

    with Session(app.extensions["tenderapp.engine"]) as session:
        user = session.exec(select(User).where(User.email == email.strip().lower())).one()
        newest = session.exec(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id.desc())).first()
        newest.second_factor_at = app.config["CLOCK"]()
        session.add(newest)
        session.commit()


class Browser:
    """A test client that signs in and submits forms with their CSRF token, as a person would."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data, follow_redirects=False):
        """GET the form page, then POST ``data`` with the page's CSRF token."""
        page = self.client.get(url)
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token},
                                follow_redirects=follow_redirects)

    def sign_in(self, email, password=factories.PASSWORD, second_factor=True):
        """Signs in with the password. Where the account then needs its second factor, the session
        is marked as having passed it, as if the person had typed a code (``second_factor=False``
        leaves it waiting; tests/web/test_two_factor.py goes through the real pages)."""
        response = self.submit("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        if second_factor and "/two-factor" in response.headers["Location"]:
            pass_second_factor(self.client.application, email)
        return response

    def sign_out(self):
        page = self.client.get("/account")
        return self.client.post("/sign-out", data={"csrf_token": csrf_from(page.get_data(as_text=True))})


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def sign_in_as(app):
    """sign_in_as(email) -> a Browser signed in as that user, with its own cookie jar."""

    def make(email, password=factories.PASSWORD):
        browser = Browser(app.test_client())
        browser.sign_in(email, password)
        return browser

    return make


@pytest.fixture
def count_queries(app):
    """count_queries(fn) -> the number of SQL statements the app's engine ran during fn()."""
    from sqlalchemy import event

    engine = app.extensions["tenderapp.engine"]

    def run(fn):
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            fn()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    return run


@pytest.fixture
def load_demo(app, db, clock, tmp_path):
    """load_demo(password=None) loads the SEG scenario as seed-demo does."""
    from tenderapp.demo import load_scenario
    from tenderapp.links import public_links
    from tenderapp.services import demo
    from tenderapp.storage import DocumentStore

    def load(password):
        return demo.load(db, load_scenario("seg"), clock.moment, password, app.extensions["tenderapp.sealer"],
                         DocumentStore(tmp_path / "documents"), public_links(app))

    def run(password=None):
        # The demo's rows are its every effect but the documents, which go to this test's own
        # folder (no test reads them back): later loads from the same state are put back.
        name = f"seg demo ({password})"

        def arrange():
            _DEMO_ACCOUNTS[name] = load(password)
            return ()

        arranged_once(name, app, db, arrange)
        return _DEMO_ACCOUNTS[name]

    return run


_DEMO_ACCOUNTS: dict[str, list] = {}  # arranged_once's name -> what demo.load returned
