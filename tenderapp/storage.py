"""Content-addressed storage for uploaded documents, outside the web root.

A file is stored once under its SHA-256 and read back by that hash; the tables that refer
to it keep only the hash and a display name. DOCUMENT_STORAGE chooses where files live:

- ``database`` (default): chunks in the ``stored_document``/``document_chunk`` tables, written
  in the caller's session so a rolled-back upload leaves nothing; every server sees them.
- ``local``: files under DOCUMENTS_PATH (``<root>/ab/abcdef…``); one server only.

A document that is not there raises DocumentMissing (a FileNotFoundError), which the web layer
answers with the 404 page; a document whose bytes no longer match their hash raises
DocumentCorrupted.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from sqlmodel import Session, col, select

from tenderapp import clock

CHUNK_SIZE = 1024 * 1024


class DocumentMissing(FileNotFoundError):
    """The document's row, object or file is gone."""


class DocumentCorrupted(Exception):
    """The stored bytes do not match the SHA-256 they were stored under."""


def _checked_key(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


def _verified(sha256: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Yields ``chunks``; raises DocumentCorrupted at the end if they do not hash to ``sha256``."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    if digest.hexdigest() != sha256:
        raise DocumentCorrupted(sha256)


class DocumentStore:
    """Files on this server's disk under ``root`` (DOCUMENT_STORAGE=local)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        sha256 = _checked_key(sha256)
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

    def stream(self, sha256: str) -> Iterator[bytes]:
        """The document's bytes in chunks, checked against their hash; DocumentMissing if gone."""
        path = self._path(sha256)
        try:
            handle = path.open("rb")
        except FileNotFoundError as error:
            raise DocumentMissing(sha256) from error

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK_SIZE):
                    yield chunk
        return _verified(sha256, chunks())

    def read(self, sha256: str) -> bytes:
        return b"".join(self.stream(sha256))

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()


class DatabaseDocumentStore:
    """Documents in the database (DOCUMENT_STORAGE=database), in ``session``'s transaction."""

    def __init__(self, session: Session):
        self.session = session

    def save(self, content: bytes) -> str:
        """Adds ``content`` in 1 MiB chunks (once per hash) and returns its SHA-256; the caller
        commits, so an upload whose transaction rolls back leaves nothing behind."""
        from tenderapp.models.document import DocumentChunk, StoredDocument

        sha256 = hashlib.sha256(content).hexdigest()
        if self.exists(sha256):
            return sha256
        self.session.add(StoredDocument(key=sha256, size=len(content), sha256=sha256,
                                        created_at=clock.system_clock()))
        self.session.flush()
        for sequence, start in enumerate(range(0, len(content), CHUNK_SIZE)):
            self.session.add(DocumentChunk(document_key=sha256, sequence=sequence,
                                           data=content[start:start + CHUNK_SIZE]))
            self.session.flush()
        return sha256

    def exists(self, sha256: str) -> bool:
        from tenderapp.models.document import StoredDocument

        key = _checked_key(sha256)
        return self.session.exec(select(StoredDocument.key).where(StoredDocument.key == key)).first() is not None

    def stream(self, sha256: str) -> Iterator[bytes]:
        """The document's chunks one query at a time, checked against their hash at the end."""
        from tenderapp.models.document import DocumentChunk

        if not self.exists(sha256):
            raise DocumentMissing(sha256)
        sequences = list(self.session.exec(
            select(DocumentChunk.sequence).where(DocumentChunk.document_key == sha256)
            .order_by(col(DocumentChunk.sequence))))

        def chunks() -> Iterator[bytes]:
            for sequence in sequences:
                data = self.session.exec(select(DocumentChunk.data).where(
                    DocumentChunk.document_key == sha256, DocumentChunk.sequence == sequence)).first()
                if data is None:
                    raise DocumentMissing(sha256)
                yield bytes(data)
        return _verified(sha256, chunks())

    def read(self, sha256: str) -> bytes:
        return b"".join(self.stream(sha256))


class S3DocumentStore:
    """Objects ``<prefix><sha256>`` in an S3-compatible bucket (DOCUMENT_STORAGE=s3; needs the
    ``s3`` extra). Credentials come from the standard AWS environment variables."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, client=None):
        import boto3

        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url or None)

    def _key(self, sha256: str) -> str:
        return self.prefix + _checked_key(sha256)

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def save(self, content: bytes) -> str:
        """Uploads ``content`` (once per hash) and returns its SHA-256."""
        sha256 = hashlib.sha256(content).hexdigest()
        if not self.exists(sha256):
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=content,
                                   Metadata={"sha256": sha256})
        return sha256

    def stream(self, sha256: str) -> Iterator[bytes]:
        """The object's bytes in 1 MiB chunks, checked against their hash; DocumentMissing if gone."""
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise DocumentMissing(sha256) from error
            raise
        return _verified(sha256, iter(body.iter_chunks(CHUNK_SIZE)))

    def read(self, sha256: str) -> bytes:
        return b"".join(self.stream(sha256))


def document_store(session: Session | None = None) -> DocumentStore | DatabaseDocumentStore | S3DocumentStore:
    """The store DOCUMENT_STORAGE names; the database store writes in ``session`` (default:
    the request's session)."""
    kind = current_app.config.get("DOCUMENT_STORAGE", "database")
    if kind == "local":
        return DocumentStore(current_app.config["DOCUMENTS_PATH"])
    if kind == "database":
        from tenderapp.db import get_session

        return DatabaseDocumentStore(session if session is not None else get_session())
    if kind == "s3":
        config = current_app.config
        return S3DocumentStore(config["DOCUMENTS_S3_BUCKET"], config.get("DOCUMENTS_S3_PREFIX", ""),
                               config.get("DOCUMENTS_S3_ENDPOINT_URL"))
    raise RuntimeError(f"DOCUMENT_STORAGE must be 'database', 's3' or 'local', not {kind!r}")


def import_local(source: DocumentStore, target: DatabaseDocumentStore | S3DocumentStore) -> tuple[int, int]:
    """Copies every file under ``source`` that ``target`` lacks (checking each against its hash)
    and returns (copied, already there); the caller commits. Running it again copies nothing."""
    copied = kept = 0
    for path in sorted(source.root.glob("??/*")):
        if len(path.name) != 64 or path.parent.name != path.name[:2]:
            continue  # temporary files and anything that is not a stored document
        if target.exists(path.name):
            kept += 1
            continue
        target.save(source.read(path.name))
        copied += 1
    return copied, kept
