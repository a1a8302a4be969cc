"""Password hashing (argon2id) and random tokens whose SHA-256 alone is stored.

Each application keeps its own hasher (its cost comes from PASSWORD_HASH); code running
outside an application uses the process default, which ``configure`` may change.
"""

import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# RFC 9106's second recommended option
# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 25 ms of one core.
# RFC 9106's 64 MiB, t=3, p=4 costs ~0.22 CPU-seconds a sign-in, and on a deadline day the
# sign-ins alone queued every other request (benchmarks/README.md). Older hashes are upgraded
# at the next sign-in (needs_rehash).
DEFAULT_COST = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
EXTENSION_KEY = "tenderapp.passwords"


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int, parallelism: int):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def burn_verification_time(self, password: str) -> None:
        """Verifies against a throwaway hash, so that an unknown email costs as long as a
        wrong password and accounts cannot be discovered by timing."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash(secrets.token_urlsafe(16))
        self.verify(self._dummy_hash, password)


_default = Passwords(**DEFAULT_COST)


def configure(time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Sets the cost used outside an application (tests make it cheap)."""
    global _default
    _default = Passwords(time_cost, memory_cost, parallelism)


def passwords() -> Passwords:
    if has_app_context() and EXTENSION_KEY in current_app.extensions:
        return current_app.extensions[EXTENSION_KEY]
    return _default


def hash_password(password: str) -> str:
    return passwords().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    return passwords().verify(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return passwords().needs_rehash(password_hash)


def burn_verification_time(password: str) -> None:
    passwords().burn_verification_time(password)


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
