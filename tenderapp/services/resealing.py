"""After BID_SECRET is rotated: every stored sealed value opened and sealed again under the
current secret, so the previous one can be retired (``flask reseal``, README "Rotating
BID_SECRET").

Only ciphertexts change: a bid's receipt, its SHA-256 and the audit log are about the plain
content and stay as they were. Each value is written back only if it is still the one that was
read (compare and set), so a draft a supplier saves meanwhile is never overwritten; it was
sealed under the current secret anyway. Safe to run again, and while the servers run.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidTag
from sqlalchemy import update
from sqlmodel import Session, select

from tenderapp.domain import seals
from tenderapp.models import Bid, BidAttachment, BidSubmission, User
from tenderapp.sealing import Sealer
from tenderapp.services import audit
from tenderapp.services.two_factor import PURPOSE as TWO_FACTOR_PURPOSE


@dataclass
class ResealReport:
    """Per kind of value: how many were sealed again, were already under the current secret,
    changed while the command ran, or would not open (under any secret given)."""

    resealed: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    changed_meanwhile: int = 0
    unreadable: list[tuple[str, int]] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        tally = self.resealed if outcome == "resealed" else self.current
        tally[kind] = tally.get(kind, 0) + 1

    @property
    def total_resealed(self) -> int:
        return sum(self.resealed.values())


@dataclass(frozen=True)
class _Column:
    """One sealed column: how to page through it and how to open and seal one of its values."""

    kind: str
    model: type
    attribute: str
    rows: Callable[[Session, int, int], list]  # (session, after id, batch) -> [(id, value, *binding parts)]
    reseal: Callable[[Sealer, tuple], bytes | None]
    largest_batch: int = 1000  # files (up to 20 MB each) are read a few at a time


def _bid_rows(model, attribute, *parts):
    def rows(session: Session, after: int, batch: int) -> list:
        query = select(model.id, getattr(model, attribute), *parts)
        if model is not Bid:
            query = query.join(Bid, Bid.id == model.bid_id)
        return list(session.exec(query.where(model.id > after).order_by(model.id).limit(batch)))
    return rows


def _totp_rows(session: Session, after: int, batch: int) -> list:
    return list(session.exec(select(User.id, User.totp_secret_sealed).where(
        User.id > after, User.totp_secret_sealed.is_not(None)).order_by(User.id).limit(batch)))


COLUMNS = (
    _Column("bid drafts", Bid, "draft", _bid_rows(Bid, "draft", Bid.tender_id, Bid.organisation_id),
            lambda s, r: s.reseal(r[2], r[1], seals.draft_binding(r[2], r[3]))),
    _Column("submitted bids", BidSubmission, "content",
            _bid_rows(BidSubmission, "content", Bid.tender_id, Bid.organisation_id, BidSubmission.receipt),
            lambda s, r: s.reseal(r[2], r[1], seals.submission_binding(r[2], r[3], r[4]))),
    _Column("bid file names", BidAttachment, "sealed_name",
            _bid_rows(BidAttachment, "sealed_name", Bid.tender_id, Bid.organisation_id, BidAttachment.sha256),
            lambda s, r: s.reseal(r[2], r[1], seals.attachment_name_binding(r[2], r[3], r[4]))),
    _Column("bid files", BidAttachment, "content",
            _bid_rows(BidAttachment, "content", Bid.tender_id, Bid.organisation_id, BidAttachment.sha256),
            lambda s, r: s.reseal(r[2], r[1], seals.attachment_binding(r[2], r[3], r[4])), largest_batch=5),
    _Column("two-factor secrets", User, "totp_secret_sealed", _totp_rows,
            lambda s, r: s.reseal_value(TWO_FACTOR_PURPOSE, r[1], seals.totp_secret_binding(r[0]))),
)


def _batches(session: Session, column: _Column, batch: int) -> Iterator[list]:
    after = 0
    while rows := column.rows(session, after, min(batch, column.largest_batch)):
        yield rows
        after = rows[-1][0]


def _reseal_row(session: Session, sealer: Sealer, column: _Column, row: tuple, report: ResealReport,
                dry_run: bool) -> None:
    try:
        sealed = column.reseal(sealer, tuple(row))
    except InvalidTag:
        report.unreadable.append((column.kind, row[0]))
        return
    if sealed is None:
        report.count(column.kind, "current")
        return
    if not dry_run:
        target = getattr(column.model, column.attribute)
        written = session.execute(update(column.model).where(column.model.id == row[0], target == row[1])
                                  .values({column.attribute: sealed}))
        if written.rowcount == 0:
            report.changed_meanwhile += 1
            return
    report.count(column.kind, "resealed")


def reseal(session: Session, sealer: Sealer, now: datetime, batch: int = 50, dry_run: bool = False) -> ResealReport:
    """Seals every stored value again under the current secret, committing batch by batch, and
    records the run in the audit log. With ``dry_run`` only counts what would change."""
    report = ResealReport()
    for column in COLUMNS:
        for rows in _batches(session, column, batch):
            for row in rows:
                _reseal_row(session, sealer, column, row, report, dry_run)
            if not dry_run:
                session.commit()
    if not dry_run and report.total_resealed:
        audit.record(session, None, "sealing.resealed", "bid_secret", sealer.key_id.hex(), now,
                     details={"resealed": report.resealed, "unreadable": len(report.unreadable)})
        session.commit()
    return report
