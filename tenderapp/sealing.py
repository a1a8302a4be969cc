"""Sealing bid content at rest: AES-256-GCM, with one key per tender derived (HKDF-SHA256)
from the instance's bid secret. The secret lives in ``instance/bid_secret`` (or BID_SECRET),
never in the database, so a copy of the database alone reveals no price or answer.

Each ciphertext is bound to where it belongs (associated data such as "draft:7:12"), so
it cannot be moved to another bid or tender. Losing the bid secret makes bids unreadable:
back it up with the database.

Every value sealed records which secret sealed it: an envelope of a version byte, the
secret's key id (8 bytes derived from it, which tell nothing about it), the nonce and the
ciphertext. So BID_SECRET can be rotated: the new secret seals, the old ones listed in
BID_SECRETS_PREVIOUS still open what they sealed, and ``flask reseal`` moves every stored value
to the new secret, after which the old one can go. Values sealed before envelopes existed
(nonce and ciphertext only) open under any of the secrets given, the current one first.
"""

import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

EXTENSION_KEY = "tenderapp.sealer"
NONCE_BYTES = 12
ENVELOPE_VERSION = 1
KEY_ID_BYTES = 8
_HEADER_BYTES = 1 + KEY_ID_BYTES


class UnknownSealingKey(InvalidTag):
    """A value sealed under a secret this server was not given (add it to BID_SECRETS_PREVIOUS)."""


def _derive(secret: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(secret)


def key_id(secret: bytes) -> bytes:
    """The 8 bytes that name ``secret`` in every envelope it seals: derived one way from it."""
    return _derive(secret, "tenderapp key id")[:KEY_ID_BYTES]


def _aead_open(key: bytes, raw: bytes, binding: str) -> bytes:
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    return AESGCM(key).decrypt(nonce, ciphertext, binding.encode())


class Sealer:
    """Seals under the current bid secret and opens under it or any previous one. Bindings come
    from ``tenderapp.domain.seals``."""

    def __init__(self, secret: bytes, previous: Sequence[bytes] = ()):
        for given in (secret, *previous):
            if len(given) < 32:
                raise ValueError("the bid secret must be at least 32 bytes")
        self._secret = secret
        self._by_id = {key_id(given): given for given in reversed((secret, *previous))}
        self.key_id = key_id(secret)

    @property
    def rotating(self) -> bool:
        """Whether previous secrets were given: a rotation is under way."""
        return len(self._by_id) > 1

    def _seal(self, info: str, plaintext: bytes, binding: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = AESGCM(_derive(self._secret, info)).encrypt(nonce, plaintext, binding.encode())
        return bytes([ENVELOPE_VERSION]) + self.key_id + nonce + ciphertext

    def _open(self, info: str, sealed: bytes, binding: str) -> bytes:
        named = sealed_key_id(sealed)
        if named is not None and named in self._by_id:
            try:
                return _aead_open(_derive(self._by_id[named], info), sealed[_HEADER_BYTES:], binding)
            except InvalidTag:
                pass  # tampered, or (one in 2**72) a value from before envelopes: try that below
        for secret in self._candidates():
            try:
                return _aead_open(_derive(secret, info), sealed, binding)
            except InvalidTag:
                continue
        if named is not None and named not in self._by_id:
            raise UnknownSealingKey(f"sealed under key {named.hex()}, which this server was not given: "
                                    "list that secret in BID_SECRETS_PREVIOUS")
        raise InvalidTag()

    def _candidates(self) -> Iterable[bytes]:
        yield self._secret
        yield from (given for given in self._by_id.values() if given != self._secret)

    def is_current(self, sealed: bytes) -> bool:
        """Whether ``sealed`` is in an envelope of the current secret (``reseal`` leaves it alone)."""
        return sealed_key_id(sealed) == self.key_id

    @staticmethod
    def _tender_info(tender_id: int) -> str:
        return f"tenderapp bid content, tender {tender_id}"

    def seal(self, tender_id: int, plaintext: bytes, binding: str) -> bytes:
        return self._seal(self._tender_info(tender_id), plaintext, binding)

    def open(self, tender_id: int, sealed: bytes, binding: str) -> bytes:
        """Raises cryptography's InvalidTag when the content was altered or moved."""
        return self._open(self._tender_info(tender_id), sealed, binding)

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key of its own for ``purpose`` (the audit chain's, say), from the current secret."""
        return _derive(self._secret, f"tenderapp {purpose}")

    def seal_value(self, purpose: str, plaintext: bytes, binding: str) -> bytes:
        """Seals a secret that is not bid content (a two-factor secret, say) under its own key."""
        return self._seal(f"tenderapp {purpose}", plaintext, binding)

    def open_value(self, purpose: str, sealed: bytes, binding: str) -> bytes:
        return self._open(f"tenderapp {purpose}", sealed, binding)

    def reseal(self, tender_id: int, sealed: bytes, binding: str) -> bytes | None:
        """``sealed`` opened and sealed again under the current secret; None when it already is."""
        if self.is_current(sealed):
            return None
        return self.seal(tender_id, self.open(tender_id, sealed, binding), binding)

    def reseal_value(self, purpose: str, sealed: bytes, binding: str) -> bytes | None:
        if self.is_current(sealed):
            return None
        return self.seal_value(purpose, self.open_value(purpose, sealed, binding), binding)


def sealed_key_id(sealed: bytes) -> bytes | None:
    """The key id an envelope names, or None for a value sealed before envelopes existed."""
    if len(sealed) > _HEADER_BYTES + NONCE_BYTES and sealed[0] == ENVELOPE_VERSION:
        return bytes(sealed[1:_HEADER_BYTES])
    return None


def instance_secret(path: Path) -> str:
    """The hex secret kept in ``path``; on first run one is generated into it, readable by its
    owner only (never committed). The app's SECRET_KEY file can be read the same way."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def is_valid_secret(value: str) -> bool:
    """A BID_SECRET is 64 hexadecimal characters: 32 random bytes."""
    try:
        return len(bytes.fromhex(value)) == 32
    except ValueError:
        return False


def _load_secret(app: Flask) -> bytes:
    if os.environ.get("BID_SECRET"):
        return bytes.fromhex(os.environ["BID_SECRET"])
    if app.config.get("BID_SECRET"):
        return bytes.fromhex(app.config["BID_SECRET"])
    return bytes.fromhex(instance_secret(Path(app.instance_path) / "bid_secret"))


def previous_secrets(given: str | Sequence[str] | None) -> list[str]:
    """BID_SECRETS_PREVIOUS as a list: from the environment a string of secrets separated by
    commas or spaces; in instance/config.py that or a list. Newest first."""
    if not given:
        return []
    if isinstance(given, str):
        given = given.replace(",", " ").split()
    return [value.strip() for value in given if value.strip()]


def _previous(app: Flask) -> list[bytes]:
    return [bytes.fromhex(value) for value in
            previous_secrets(os.environ.get("BID_SECRETS_PREVIOUS") or app.config.get("BID_SECRETS_PREVIOUS"))]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Sealer(_load_secret(app), _previous(app))


def sealer() -> Sealer:
    return current_app.extensions[EXTENSION_KEY]
