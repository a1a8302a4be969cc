"""Browser tests: Tenderapp served on 127.0.0.1 (a free port) from a thread of this process,
so the test moves the app's clock itself; Debian's Chromium driven through Playwright.

They always use their own fresh, migrated SQLite database, and run once: in the SQLite pass of
``make test``, skipped in the PostgreSQL pass (nothing in them depends on the database
engine, and the rest of the suite covers PostgreSQL). They are skipped, saying why, when
Chromium, the playwright package, axe-core (``make assets``) or the built GOV.UK styles are
missing. Under pytest-xdist (``make test``) they all run on one worker, which starts one
Chromium and alone writes test-artifacts/e2e/.
"""

import importlib.util
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tenderapp import create_app, migrate
from tenderapp.clock import FrozenClock
from tests.conftest import T0
from tests.e2e.axe import Auditor
from tests.e2e.paths import ARTEFACTS, AXE_SCRIPT, CHROMIUM, CHROMIUM_ARGS, STYLESHEET

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    # --dist loadgroup sends the tests of one group to one worker
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("browser"))


def _missing() -> str | None:
    if os.environ.get("TEST_BACKEND", "sqlite") != "sqlite":
        return "browser tests run once, in the SQLite pass (they keep their own SQLite database)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (Debian: apt-get install chromium)"
    if not AXE_SCRIPT.exists():
        return f"{AXE_SCRIPT} is absent: run make assets (npm ci) to install axe-core"
    if not STYLESHEET.exists():
        return f"{STYLESHEET} is absent: run make assets to build the GOV.UK styles"
    return None


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Skips the test, saying why, unless everything the browser tests need is here."""
    reason = _missing()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium(browser_tools):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def auditor(browser_tools):
    """axe-core in its own thread and browser (see tests/e2e/axe.py)."""
    checks = Auditor()
    yield checks
    checks.close()


@pytest.fixture
def live_app(tmp_path):
    """The app on a fresh migrated SQLite database, its clock frozen at T0."""
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    migrate.upgrade(url)
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "CLOCK": FrozenClock(T0)})
    yield app
    app.extensions["tenderapp.engine"].dispose()


@pytest.fixture
def live_server(live_app):
    """The base URL of ``live_app`` served by a threaded werkzeug server."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def artefacts():
    """test-artifacts/e2e/, emptied first (git-ignored)."""
    shutil.rmtree(ARTEFACTS, ignore_errors=True)
    ARTEFACTS.mkdir(parents=True)
    return ARTEFACTS
