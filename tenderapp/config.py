"""One configuration class per environment. Secrets come only from instance/ or the environment."""

import os
import secrets
from pathlib import Path

from tenderapp import security


class Config:
    TESTING = False
    DEBUG = False
    # Outside production a missing SECRET_KEY or BID_SECRET is generated into instance/ on first
    # run. Production refuses to start without both: each server would otherwise make its own.
    GENERATE_SECRETS = True
    # DATABASE_URL from the environment wins; otherwise SQLite under instance/ (set in create_app).
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ECHO = False
    WTF_CSRF_TIME_LIMIT = None  # the session's lifetime bounds the token instead
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_LIFETIME_HOURS = 12
    PASSWORD_HASH = security.DEFAULT_COST  # argon2id cost
    # Password attempts (signing in, changing a password, signing an agreement) are limited
    # per account and, more loosely, per address (a council office may share one address).
    PASSWORD_ATTEMPTS_PER_ACCOUNT = "10 per 15 minutes"
    PASSWORD_ATTEMPTS_PER_ADDRESS = "300 per 15 minutes"
    # Two-factor codes (at sign-in, setting up an app, renewing recovery codes) have their own
    # limit per account: a correct password does not start it again, only a correct code does.
    # Code attempts also count towards PASSWORD_ATTEMPTS_PER_ADDRESS.
    TWO_FACTOR_ATTEMPTS_PER_ACCOUNT = "5 per 15 minutes"
    # Flask-Limiter's switch: False turns all of these limits off. Set here for every app, since
    # otherwise Flask-Limiter carries one app's setting over to the next app made in the process.
    RATELIMIT_ENABLED = True
    # Set to the number of proxies in front of the app (e.g. 1 behind nginx) so that client
    # addresses and https links come from X-Forwarded-* headers.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Worker processes per server; the environment's WEB_CONCURRENCY (which gunicorn.conf.py sets)
    # wins. Production refuses more than one with RATELIMIT_STORAGE_URI=memory:// (tenderapp.deployment).
    WEB_CONCURRENCY = 1
    INVITATION_VALIDITY_DAYS = 7
    # Outbox: requests only write messages to the outbox table; the outbox worker sends them
    # over SMTP (MAIL_SERVER) and/or prints them (OUTBOX_CONSOLE); OUTBOX_PAGE shows them to admins.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() != "false"
    MAIL_FROM = os.environ.get("MAIL_FROM", "tenderapp@localhost")
    OUTBOX_CONSOLE = False
    OUTBOX_PAGE = False
    # the outbox worker (flask --app tenderapp deliver-outbox) marks a message failed after this many attempts
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    SERVICE_NAME = "Tenderapp"
    # The dashboard asks the lead for an extension decision from this many months before a
    # contract's current end (time for governance and, under PA2023, the change notice).
    EXTENSION_NOTICE_MONTHS = int(os.environ.get("EXTENSION_NOTICE_MONTHS", "6"))
    # Where the accessibility statement sends requests for other formats and problem reports.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT")
    # Open data: the OCDS ocid prefix (the Open Contracting Partnership assigns the real one) and
    # the service's public address, used where no request gives it (flask export-ocds).
    OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-tndrap")
    # Who publishes the bulk files (every tender's releases or records, of every lead authority);
    # one tender's package is published by its lead authority.
    OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", "Tenderapp")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # The OCDS 1.1.5 schema the tests validate packages against (a copy is kept in tests/data/ocds).
    OCDS_SCHEMA_DIR = os.environ.get("OCDS_SCHEMA_DIR",
                                     str(Path(__file__).resolve().parents[1] / "tests" / "data" / "ocds" / "1__1__5"))
    # Uploaded documents live in DOCUMENTS_PATH (default: instance/documents), outside the web root.
    DOCUMENTS_PATH = os.environ.get("DOCUMENTS_PATH")
    # Where uploaded documents are kept: "database" (every server sees them) or "local" (DOCUMENTS_PATH).
    DOCUMENT_STORAGE = os.environ.get("DOCUMENT_STORAGE", "database")
    # With DOCUMENT_STORAGE=s3 (the s3 extra): the bucket, a key prefix and an endpoint for S3-compatible stores.
    DOCUMENTS_S3_BUCKET = os.environ.get("DOCUMENTS_S3_BUCKET")
    DOCUMENTS_S3_PREFIX = os.environ.get("DOCUMENTS_S3_PREFIX", "")
    DOCUMENTS_S3_ENDPOINT_URL = os.environ.get("DOCUMENTS_S3_ENDPOINT_URL")
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024


class DevelopmentConfig(Config):
    DEBUG = True
    SESSION_COOKIE_SECURE = False
    OUTBOX_CONSOLE = True
    OUTBOX_PAGE = True


class TestingConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    PASSWORD_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    PASSWORD_ATTEMPTS_PER_ACCOUNT = "1000 per minute"
    PASSWORD_ATTEMPTS_PER_ADDRESS = "1000 per minute"
    TWO_FACTOR_ATTEMPTS_PER_ACCOUNT = "1000 per minute"
    OUTBOX_PAGE = True
    SECRET_KEY = secrets.token_hex(32)


class ProductionConfig(Config):
    GENERATE_SECRETS = False


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
