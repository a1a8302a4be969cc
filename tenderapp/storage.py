"""Content-addressed storage for uploaded documents, outside the web root.

A file is stored once under its SHA-256 (``<root>/ab/abcdef…``) and read back by that
hash; the database keeps only the hash and a display name.
"""

import hashlib
import os
from pathlib import Path

from flask import current_app


class DocumentStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def save(self, content: bytes) -> str:
        """Stores ``content`` (atomically, once) and returns its SHA-256."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, path)
        return sha256

    def read(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()


def document_store() -> DocumentStore:
    return DocumentStore(current_app.config["DOCUMENTS_PATH"])
