"""What an auditor brings to ``flask verify-audit``: checkpoint files and receipts, read into
anchors (tenderapp.domain.audit_chain.Anchor). A checkpoint whose signature fails is refused
and reported: it was forged or altered."""

from pathlib import Path

from sqlmodel import Session, func, select

from tenderapp.audit_trail import read_records
from tenderapp.domain.audit_chain import Anchor, parse_anchor, read_checkpoint
from tenderapp.formatting import uk_datetime
from tenderapp.models import AuditEvent


def anchors_from(key: bytes, folders: list[Path], receipts: list[Path]) -> tuple[list[Anchor], list[str]]:
    """The anchors of every checkpoint in ``folders`` and every receipt file, and a message for
    each one that could not be trusted."""
    anchors, refused = [], []
    for path, line, record in read_records(folders):
        try:
            if record is None:
                raise ValueError("not JSON")
            checkpoint = read_checkpoint(key, record)
        except ValueError as error:
            refused.append(f"{path}, line {line}: {error}")
            continue
        anchors.append(Anchor(checkpoint.chain, checkpoint.seq, checkpoint.hash,
                              f"checkpoint of {uk_datetime(checkpoint.written_at)} ({path.name}, line {line})"))
    for path in receipts:
        try:
            anchors.append(parse_anchor(path.read_text(errors="replace"), f"receipt {path.name}"))
        except ValueError as error:
            refused.append(str(error))
    return anchors, refused


def chain_count(session: Session) -> int:
    return session.exec(select(func.count(func.distinct(AuditEvent.chain)))).one()
