"""Counting attempts at things worth guessing (passwords, two-factor codes), per account and per
address, in Flask-Limiter's storage (memory by default; RATELIMIT_STORAGE_URI for several workers).

Each attempt is counted before the password or code is checked, so simultaneous guesses cannot
slip past the limit; an empty or malformed form is not an attempt. With RATELIMIT_ENABLED set to
False (Flask-Limiter's own switch) nothing is counted and no attempt is refused.

Wrong two-factor codes have their own count per account, kept by user id (which no one can
change, unlike an email address) and never cleared by a correct password: otherwise someone
who knows the password could sign in again after every few guesses and go on guessing codes.
"""

import math
import time

from flask import abort, current_app, request
from limits import parse

from tenderapp.extensions import limiter

_CODES_PER_ACCOUNT = "TWO_FACTOR_ATTEMPTS_PER_ACCOUNT"


def enabled() -> bool:
    """Whether attempts are limited in this app. The limiter object is shared by every app in
    the process, so the app's own setting decides, not the limiter's state."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def attempt(setting: str, *identity: str) -> bool:
    """Counts one attempt against the limit named by ``setting``; False once it is used up."""
    if not enabled():
        return True
    item = parse(current_app.config[setting])
    return limiter.limiter.hit(item, setting, *identity)


def _clear(setting: str, *identity: str) -> None:
    if enabled():
        limiter.limiter.clear(parse(current_app.config[setting]), setting, *identity)


def _seconds_left(setting: str, *identity: str) -> int:
    """Seconds until the limit named by ``setting`` lets this identity try again (at least 1)."""
    if not enabled():
        return 0
    stats = limiter.limiter.get_window_stats(parse(current_app.config[setting]), setting, *identity)
    return max(1, math.ceil(stats.reset_time - time.time()))


def forgive(account: str) -> None:
    """After a successful sign-in the account's count starts again: only failures add up.
    (Two-factor codes are not forgiven by a password: see ``forgive_codes``.)"""
    _clear("PASSWORD_ATTEMPTS_PER_ACCOUNT", account)


def guard_password_attempt(account: str) -> None:
    """Aborts with 429 when this address, or this account, has tried too often."""
    by_address = attempt("PASSWORD_ATTEMPTS_PER_ADDRESS", request.remote_addr or "-")
    by_account = attempt("PASSWORD_ATTEMPTS_PER_ACCOUNT", account)
    if not (by_address and by_account):
        abort(429)


def code_attempt(user_id: int) -> int | None:
    """Counts one attempt at a two-factor code (app or recovery code) for this account, and
    for this address, before the code is checked. None when the code may be checked; otherwise
    the seconds to wait before trying again (the code must then not be checked at all)."""
    address = request.remote_addr or "-"
    refused = []
    if not attempt("PASSWORD_ATTEMPTS_PER_ADDRESS", address):
        refused.append(_seconds_left("PASSWORD_ATTEMPTS_PER_ADDRESS", address))
    if not attempt(_CODES_PER_ACCOUNT, str(user_id)):
        refused.append(_seconds_left(_CODES_PER_ACCOUNT, str(user_id)))
    return max(refused) if refused else None


def forgive_codes(user_id: int) -> None:
    """After a correct code (which proves the second factor) the account's count of codes
    starts again, so the limit is on wrong codes in a row. A correct password never does this."""
    _clear(_CODES_PER_ACCOUNT, str(user_id))
