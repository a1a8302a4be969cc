"""Domain errors. The web layer maps each kind to an HTTP answer in one place."""


class DomainError(Exception):
    """A rule was broken. ``field`` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists (answered as 404)."""


class Forbidden(DomainError):
    """The actor is known and may see the object but may not do this (answered as 403)."""


class RuleViolation(DomainError):
    """The request breaks a business rule; the user can correct it (answered as 400)."""


class Conflict(DomainError):
    """The object changed or already exists (answered as 409 or shown on the form)."""
