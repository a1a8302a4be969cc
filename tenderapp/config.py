"""One configuration class per environment. Secrets come only from instance/ or the environment."""

import os

from tenderapp import security


class Config:
    TESTING = False
    DEBUG = False
    # DATABASE_URL from the environment wins; otherwise SQLite under instance/ (set in create_app).
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ECHO = False
    WTF_CSRF_TIME_LIMIT = None  # the session's lifetime bounds the token instead
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_LIFETIME_HOURS = 12
    PASSWORD_HASH = security.DEFAULT_COST  # argon2id cost
    SIGNIN_RATE_LIMIT = "10 per 15 minutes"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    INVITATION_VALIDITY_DAYS = 7
    # Outbox: messages are always written to the outbox table. With MAIL_SERVER set they are
    # also sent over SMTP; OUTBOX_CONSOLE prints them; OUTBOX_PAGE shows them to admins.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() != "false"
    MAIL_FROM = os.environ.get("MAIL_FROM", "tenderapp@localhost")
    OUTBOX_CONSOLE = False
    OUTBOX_PAGE = False
    SERVICE_NAME = "Tenderapp"
    # Uploaded documents live in DOCUMENTS_PATH (default: instance/documents), outside the web root.
    DOCUMENTS_PATH = os.environ.get("DOCUMENTS_PATH")
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
    SIGNIN_RATE_LIMIT = "1000 per minute"
    OUTBOX_PAGE = True
    SECRET_KEY = "testing-only-secret-key"


class ProductionConfig(Config):
    pass


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
