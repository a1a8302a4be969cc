"""Tenderapp: joint procurement and tender evaluation for groups of public authorities."""

import os
import secrets
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from tenderapp import audit_trail, clock, db, formatting, sealing, security
from tenderapp.cli import register as register_cli
from tenderapp.config import CONFIGS
from tenderapp.deployment import check_workers
from tenderapp.extensions import csrf, limiter, login_manager
from tenderapp.web import converters, errors, headers, navigation, request_log
from tenderapp.web import session as web_session
from tenderapp.web.admin.routes import bp as admin_bp
from tenderapp.web.agreements.routes import bp as agreements_bp
from tenderapp.web.auth.routes import bp as auth_bp
from tenderapp.web.bids.opening import bp as opening_bp
from tenderapp.web.bids.routes import bp as bids_bp
from tenderapp.web.contracts.routes import bp as contracts_bp
from tenderapp.web.evaluation.routes import bp as evaluation_bp
from tenderapp.web.main.routes import bp as main_bp
from tenderapp.web.public.routes import bp as public_bp
from tenderapp.web.suppliers.routes import bp as suppliers_bp
from tenderapp.web.tenders.routes import bp as tenders_bp

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class MissingSecrets(RuntimeError):
    """Production was started without the secrets every server must share."""


def _require_secrets(app: Flask) -> None:
    """In production (GENERATE_SECRETS off) SECRET_KEY and BID_SECRET must be given, in the
    environment or instance/config.py: refuses to start, naming each one missing or malformed."""
    if app.config["GENERATE_SECRETS"]:
        return
    problems = [f"{name} is not set" for name in ("SECRET_KEY", "BID_SECRET")
                if not (os.environ.get(name) or app.config.get(name))]
    bid_secret = os.environ.get("BID_SECRET") or app.config.get("BID_SECRET")
    if bid_secret and not sealing.is_valid_secret(bid_secret):
        problems.append("BID_SECRET must be 64 hexadecimal characters (32 random bytes)")
    if problems:
        raise MissingSecrets(
            "Tenderapp will not start in production: " + "; ".join(problems) + ". Give them in the environment or "
            "in instance/config.py, the same on every server (see README, Secrets).")


def _check_rotation(app: Flask) -> None:
    """While BID_SECRET is rotated (BID_SECRETS_PREVIOUS given), every previous secret must be
    well formed and AUDIT_KEY must be given: derived from the new secret, it would no longer
    verify the audit chains written under the old one (see README, Rotating BID_SECRET)."""
    given = os.environ.get("BID_SECRETS_PREVIOUS") or app.config.get("BID_SECRETS_PREVIOUS")
    previous = sealing.previous_secrets(given)
    if not previous:
        return
    problems = []
    if not all(sealing.is_valid_secret(value) for value in previous):
        problems.append("each secret in BID_SECRETS_PREVIOUS must be 64 hexadecimal characters")
    if not (os.environ.get("AUDIT_KEY") or app.config.get("AUDIT_KEY")):
        problems.append("AUDIT_KEY is not set: while BID_SECRETS_PREVIOUS is given it must be, or the audit "
                        "chains would no longer verify (print it before rotating with `flask audit-key`)")
    if problems:
        raise MissingSecrets("Tenderapp will not start: " + "; ".join(problems) + " (see README, Rotating BID_SECRET).")


def _load_secret_key(app: Flask) -> None:
    """SECRET_KEY from the environment or instance config; otherwise (outside production) one
    generated into ``instance/secret_key`` on first run (readable by the owner only, never committed)."""
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    _require_secrets(app)
    _check_rotation(app)
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = path.read_text().strip()


BLUEPRINTS = (main_bp, auth_bp, admin_bp, agreements_bp, tenders_bp, suppliers_bp, bids_bp, opening_bp,
              evaluation_bp, contracts_bp, public_bp)


def create_app(config: dict | None = None) -> Flask:
    """The application. ``config`` overrides settings; its ENV (or TENDERAPP_ENV) picks the
    base class: development, testing or production (the default)."""
    app = _configured_app(dict(config or {}))
    check_workers(app)  # before anything starts: refuses per-worker rate limits on several workers
    sealing.init_app(app)
    app.extensions[security.EXTENSION_KEY] = security.Passwords(**app.config["PASSWORD_HASH"])
    _init_templates(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    _init_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_cli(app)
    return app


def _configured_app(config: dict) -> Flask:
    """A Flask app with its settings: the environment's class, then instance/config.py, then
    ``config``; the database, documents folder and secret key default to the instance folder."""
    env = config.pop("ENV", None) or os.environ.get("TENDERAPP_ENV", "production")
    app = Flask(
        __name__,
        instance_path=(config.pop("INSTANCE_PATH", None) or os.environ.get("TENDERAPP_INSTANCE_PATH")
                       or str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
    )
    converters.init_app(app)
    app.config.from_object(CONFIGS[env])
    app.config["ENV_NAME"] = env
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config)
    app.config.setdefault("CLOCK", clock.system_clock)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'tenderapp.db'}"
    if not app.config.get("DOCUMENTS_PATH"):
        app.config["DOCUMENTS_PATH"] = str(Path(app.instance_path) / "documents")
    _load_secret_key(app)
    return app


def _init_templates(app: Flask) -> None:
    """The project's templates first, then GOV.UK Frontend's macros under their package names."""
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(PROJECT_ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)


def _init_extensions(app: Flask) -> None:
    """The database, audit trail, mail, CSRF, rate limits, sessions, error pages, headers,
    template filters and navigation, in the order each needs the ones before."""
    request_log.init_app(app)  # first: its after_request runs last
    db.init_app(app)
    audit_trail.init_app(app, app.extensions["tenderapp.engine"], app.extensions[sealing.EXTENSION_KEY].derive_key)
    csrf.init_app(app)
    limiter.init_app(app)
    web_session.init_app(app, login_manager)
    errors.init_app(app)
    headers.init_app(app)
    formatting.register(app)
    navigation.init_app(app)
