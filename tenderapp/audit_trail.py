"""Where the audit log's key and checkpoints live: outside the database.

The key is ``AUDIT_KEY`` (64 hex characters, environment or ``instance/config.py``) or, when
not given, derived (HKDF-SHA256) from the bid secret, which is never in the database either.
Checkpoints are appended, one JSON object a line, to ``AUDIT_CHECKPOINT_DIR`` (default
``instance/audit-checkpoints``): point it at storage a database administrator cannot write,
such as a write-once bucket mounted on the servers, and copy the files off the server.

The settings are registered against the app's database engine, so every session made on
that engine (in a request, a command or a test) signs with the same key.
"""

import json
import logging
import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from flask import Flask
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from tenderapp.domain.audit_chain import Checkpoint, sign_checkpoint

log = logging.getLogger(__name__)
_by_engine: "weakref.WeakKeyDictionary[Engine, AuditSettings]" = weakref.WeakKeyDictionary()


class CheckpointFiles:
    """Append-only files of signed checkpoints, one per chain."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def append(self, key: bytes, checkpoint: Checkpoint) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(sign_checkpoint(key, checkpoint), sort_keys=True) + "\n"
        path = self.directory / f"chain-{checkpoint.chain}.jsonl"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            os.write(descriptor, line.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def read_records(directories: list[Path]) -> Iterator[tuple[Path, int, dict[str, Any] | None]]:
    """Every line of every checkpoint file in ``directories``: (file, line number, the record
    or None when the line is not JSON)."""
    for directory in directories:
        for path in sorted(Path(directory).glob("chain-*.jsonl")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                yield path, number, record if isinstance(record, dict) else None


@dataclass(frozen=True)
class AuditSettings:
    key: bytes
    checkpoints: CheckpointFiles


def register(engine: Engine, settings: AuditSettings) -> None:
    _by_engine[engine] = settings


def settings_for(session: Session) -> AuditSettings:
    """The audit settings of the engine ``session`` works on. Raises RuntimeError when the
    engine belongs to no app (nothing may be audited without the key)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    try:
        return _by_engine[engine]
    except KeyError:
        raise RuntimeError("the audit key is not configured for this database engine") from None


def _key(app: Flask, derive) -> bytes:
    given = os.environ.get("AUDIT_KEY") or app.config.get("AUDIT_KEY")
    if given:
        key = bytes.fromhex(given)
        if len(key) < 32:
            raise ValueError("AUDIT_KEY must be at least 32 bytes (64 hex characters)")
        return key
    return derive("audit chain")


def init_app(app: Flask, engine: Engine, derive) -> None:
    """``derive(purpose)`` gives a key derived from the bid secret (tenderapp.sealing)."""
    directory = app.config.get("AUDIT_CHECKPOINT_DIR") or Path(app.instance_path) / "audit-checkpoints"
    settings = AuditSettings(_key(app, derive), CheckpointFiles(Path(directory)))
    app.extensions["tenderapp.audit"] = settings
    register(engine, settings)
