"""Start-up checks on how production is deployed, and the gunicorn configuration file."""

import os
import runpy
from pathlib import Path

import pytest

from tenderapp import create_app
from tenderapp.deployment import UnsafeDeployment

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS = {"SECRET_KEY": "k" * 64, "BID_SECRET": "ab" * 32}


@pytest.fixture
def production(tmp_path, monkeypatch):
    """create_app(settings) for production, with its secrets and no WEB_CONCURRENCY in the environment."""
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    return lambda **settings: create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), **SECRETS,
                                          **settings})


def test_production_refuses_several_workers_counting_attempts_in_memory(production, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(UnsafeDeployment) as refused:
        production(RATELIMIT_STORAGE_URI="memory://")
    message = str(refused.value)
    assert "WEB_CONCURRENCY=4" in message and "RATELIMIT_STORAGE_URI=memory://" in message
    assert "redis://" in message
    assert isinstance(refused.value, RuntimeError)


def test_the_worker_count_may_come_from_instance_config(production):
    with pytest.raises(UnsafeDeployment, match="WEB_CONCURRENCY=2"):
        production(WEB_CONCURRENCY=2)  # RATELIMIT_STORAGE_URI defaults to memory://
    with pytest.raises(UnsafeDeployment):
        production(WEB_CONCURRENCY=2, RATELIMIT_STORAGE_URI=None)  # Flask-Limiter's default is memory


def test_the_environment_wins_over_config(production, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert production(WEB_CONCURRENCY=3, RATELIMIT_STORAGE_URI="memory://")


def test_one_worker_in_memory_or_several_with_shared_storage_start(production, monkeypatch):
    assert production(RATELIMIT_STORAGE_URI="memory://")  # WEB_CONCURRENCY defaults to 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert production(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert production(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=False)  # nothing is counted


@pytest.mark.parametrize("given", ["0", "-2", "many"])
def test_a_worker_count_that_is_not_a_number_is_refused(production, monkeypatch, given):
    monkeypatch.setenv("WEB_CONCURRENCY", given)
    with pytest.raises(UnsafeDeployment, match="WEB_CONCURRENCY must be a whole number"):
        production(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")


def test_development_and_testing_do_not_check(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    for env in ("development", "testing"):
        assert create_app({"ENV": env, "INSTANCE_PATH": str(tmp_path / env), "RATELIMIT_STORAGE_URI": "memory://"})


GUNICORN_CONF = PROJECT_ROOT / "gunicorn.conf.py"


def _gunicorn_settings(monkeypatch, **env):
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_defaults(monkeypatch):
    conf = _gunicorn_settings(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000" and conf["workers"] == 2
    assert conf["timeout"] == 30 and conf["graceful_timeout"] == 30
    assert conf["accesslog"] is None  # the app logs each request
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_conf_from_the_environment(monkeypatch):
    conf = _gunicorn_settings(monkeypatch, GUNICORN_BIND="0.0.0.0:9000", WEB_CONCURRENCY="5",
                              FORWARDED_ALLOW_IPS="10.0.0.1")
    assert (conf["bind"], conf["workers"], conf["forwarded_allow_ips"]) == ("0.0.0.0:9000", 5, "10.0.0.1")


def test_gunicorn_reads_the_file_and_tells_the_app_how_many_workers_run(monkeypatch, tmp_path):
    from gunicorn.app.wsgiapp import WSGIApplication

    _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_BIND="127.0.0.1:8123")
    monkeypatch.setattr("sys.argv", ["gunicorn", "--workers", "4", "tenderapp:create_app()"])
    monkeypatch.chdir(PROJECT_ROOT)
    server = WSGIApplication()  # reads ./gunicorn.conf.py from where it is started
    assert server.cfg.bind == ["127.0.0.1:8123"]  # only the file reads GUNICORN_BIND
    assert server.cfg.workers == 4 and server.cfg.timeout == 30 and server.cfg.accesslog is None
    server.cfg.on_starting(server)  # the command line's --workers 4 won over WEB_CONCURRENCY=3
    assert os.environ["WEB_CONCURRENCY"] == "4"
    with pytest.raises(UnsafeDeployment, match="WEB_CONCURRENCY=4"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), **SECRETS,
                    "RATELIMIT_STORAGE_URI": "memory://"})
