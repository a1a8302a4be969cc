"""Two gunicorn servers, each with its own instance folder, on one PostgreSQL database and one
Redis, as a council runs Tenderapp behind a load balancer. PostgreSQL pass only (TEST_BACKEND=
postgresql); Redis must answer on 127.0.0.1:6379 (`.ci/run` starts it)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from tenderapp import migrate
from tenderapp.domain.roles import OrganisationKind, Role
from tests import factories
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


class Server:
    """One gunicorn master (two workers) in its own process group, with its own instance folder."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]):
        self.name, self.port = name, _free_port()
        self.instance = folder / f"instance-{name}"
        self.instance.mkdir(parents=True)
        # plain http on 127.0.0.1 here, so the cookie cannot be marked Secure
        (self.instance / "config.py").write_text("SESSION_COOKIE_SECURE = False\n")
        self.env = {**env, "TENDERAPP_INSTANCE_PATH": str(self.instance)}
        self.log_path = folder / f"server-{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Server":
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket", "tenderapp:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server {self.name} exited:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if b" 200 " in probe.recv(64):
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {self.name} did not answer:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: a machine that dies, not one that stops."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@dataclass
class Deployment:
    url: str
    engine: object
    world: factories.World
    a: Server
    b: Server
    folder: Path
    env: dict[str, str]

    def server(self, name: str) -> Server:
        return Server(name, self.folder, self.env).start()


def _database(base_url: str, name: str, create: bool) -> str:
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    if not PG_URL:
        pytest.fail("TEST_BACKEND=postgresql needs TEST_DATABASE_URL")
    if not _redis_answers():
        pytest.fail(f"the two-server proof needs Redis at {REDIS_URL} (.ci/run starts it)")
    name = f"{make_url(PG_URL).database}_two_servers_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    url = _database(PG_URL, name, create=True)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        world = factories.build_world(session, datetime.now(UTC))
    folder = tmp_path_factory.mktemp("two-servers")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_", "PYTEST_", "DATABASE_", "MAIL_", "DOCUMENT"))}
    env.update({
        "TENDERAPP_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "BID_SECRET": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    })
    a = Server("a", folder, env).start()
    b = Server("b", folder, env).start()
    yield Deployment(url, engine, world, a, b, folder, env)
    for server in (a, b):
        server.stop()
    engine.dispose()
    _database(PG_URL, name, create=False)


@pytest.fixture
def new_bidder(deployment):
    """A supplier of its own with one bidder, named afresh for each test (attempt counts in Redis
    are per account, so no test inherits another's)."""
    with Session(deployment.engine, expire_on_commit=False) as session:
        now = datetime.now(UTC)
        tag = uuid.uuid4().hex[:10]
        supplier = factories.organisation(session, f"Supplier {tag} Ltd", now, OrganisationKind.SUPPLIER)
        return factories.user(session, supplier, f"bidder-{tag}@supplier.example", [Role.BIDDER], now).email
