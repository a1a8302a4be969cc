"""Sealing bid content at rest: AES-256-GCM, with one key per tender derived (HKDF-SHA256)
from the instance's bid secret. The secret lives in ``instance/bid_secret`` (or BID_SECRET),
never in the database, so a copy of the database alone reveals no price or answer.

Each ciphertext is bound to where it belongs (associated data such as "draft:7:12"), so
it cannot be moved to another bid or tender. Losing the bid secret makes bids unreadable:
back it up with the database.
"""

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

EXTENSION_KEY = "tenderapp.sealer"
NONCE_BYTES = 12


def _seal(key: bytes, plaintext: bytes, binding: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, binding.encode())


def _open(key: bytes, sealed: bytes, binding: str) -> bytes:
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    return AESGCM(key).decrypt(nonce, ciphertext, binding.encode())


class Sealer:
    """Seals and opens values under keys derived from the bid secret. Bindings come from
    ``tenderapp.domain.seals``."""

    def __init__(self, secret: bytes):
        if len(secret) < 32:
            raise ValueError("the bid secret must be at least 32 bytes")
        self._secret = secret

    def _derive(self, info: str) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(self._secret)

    def _key(self, tender_id: int) -> bytes:
        return self._derive(f"tenderapp bid content, tender {tender_id}")

    def seal(self, tender_id: int, plaintext: bytes, binding: str) -> bytes:
        return _seal(self._key(tender_id), plaintext, binding)

    def open(self, tender_id: int, sealed: bytes, binding: str) -> bytes:
        """Raises cryptography's InvalidTag when the content was altered or moved."""
        return _open(self._key(tender_id), sealed, binding)

    def _purpose_key(self, purpose: str) -> bytes:
        return self._derive(f"tenderapp {purpose}")

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte key of its own for ``purpose`` (the audit chain's, say), derived from the secret."""
        return self._purpose_key(purpose)

    def seal_value(self, purpose: str, plaintext: bytes, binding: str) -> bytes:
        """Seals a secret that is not bid content (a two-factor secret, say) under its own key."""
        return _seal(self._purpose_key(purpose), plaintext, binding)

    def open_value(self, purpose: str, sealed: bytes, binding: str) -> bytes:
        return _open(self._purpose_key(purpose), sealed, binding)


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


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Sealer(_load_secret(app))


def sealer() -> Sealer:
    return current_app.extensions[EXTENSION_KEY]
