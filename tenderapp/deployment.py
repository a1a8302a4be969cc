"""Checks made once at start-up on how the app is deployed, so that a setting that would
quietly weaken it on several workers stops it instead, with a message saying what to change."""

import os

from flask import Flask


class UnsafeDeployment(RuntimeError):
    """Production was configured in a way that would not hold across its worker processes."""


def worker_count(app: Flask) -> int:
    """WEB_CONCURRENCY from the environment (gunicorn.conf.py reads the same), else the app's
    config, else 1. Raises UnsafeDeployment when it is not a whole number of at least 1."""
    given = os.environ.get("WEB_CONCURRENCY") or app.config.get("WEB_CONCURRENCY") or 1
    try:
        count = int(given)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise UnsafeDeployment(f"WEB_CONCURRENCY must be a whole number of at least 1, not {given!r}.")
    return count


def check_workers(app: Flask) -> None:
    """In production, refuses to start (UnsafeDeployment) when attempts would be counted in each
    worker's own memory while more than one worker runs: each would allow the full number of
    password and two-factor guesses, so the limits would multiply by the number of workers."""
    if app.config["ENV_NAME"] != "production" or not app.config.get("RATELIMIT_ENABLED", True):
        return
    workers = worker_count(app)
    storage = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"  # Flask-Limiter's default
    if workers > 1 and storage.startswith("memory://"):
        raise UnsafeDeployment(
            f"Tenderapp will not start in production with WEB_CONCURRENCY={workers} and "
            "RATELIMIT_STORAGE_URI=memory://: each worker would count password and two-factor attempts "
            "on its own. Set RATELIMIT_STORAGE_URI to a shared store (redis://HOST:6379/0), the same on "
            "every server, or run one worker (see README, Running in production).")
