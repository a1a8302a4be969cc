"""Counting attempts at things worth guessing (passwords), per account and per address,
in Flask-Limiter's storage (memory by default; RATELIMIT_STORAGE_URI for several workers).

Each attempt is counted before the password is checked, so simultaneous guesses cannot slip
past the limit; an empty or malformed form is not an attempt.
"""

from flask import abort, current_app, request
from limits import parse

from tenderapp.extensions import limiter


def attempt(setting: str, *identity: str) -> bool:
    """Counts one attempt against the limit named by ``setting``; False once it is used up."""
    item = parse(current_app.config[setting])
    return limiter.limiter.hit(item, setting, *identity)


def forgive(account: str) -> None:
    """After a successful sign-in the account's count starts again: only failures add up."""
    item = parse(current_app.config["PASSWORD_ATTEMPTS_PER_ACCOUNT"])
    limiter.limiter.clear(item, "PASSWORD_ATTEMPTS_PER_ACCOUNT", account)


def guard_password_attempt(account: str) -> None:
    """Aborts with 429 when this address, or this account, has tried too often."""
    by_address = attempt("PASSWORD_ATTEMPTS_PER_ADDRESS", request.remote_addr or "-")
    by_account = attempt("PASSWORD_ATTEMPTS_PER_ACCOUNT", account)
    if not (by_address and by_account):
        abort(429)
