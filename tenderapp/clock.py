"""One clock: ``now()`` is read once per request and the same instant is used throughout it.

The application's clock is ``app.config["CLOCK"]`` (a zero-argument callable returning an
aware UTC datetime); tests replace it with a FrozenClock.
"""

from datetime import UTC, datetime

from flask import current_app, g, has_request_context


def system_clock() -> datetime:
    return datetime.now(UTC)


class FrozenClock:
    """A clock for tests and demos that stays where it is put."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


def now() -> datetime:
    """The current instant for this request (taken on first use), or a fresh reading outside one."""
    if has_request_context():
        if "now" not in g:
            g.now = current_app.config["CLOCK"]()
        return g.now
    return current_app.config["CLOCK"]()
