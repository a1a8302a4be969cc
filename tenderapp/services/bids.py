"""A supplier's bid: a sealed draft saved as they go, submitted before the deadline with a
receipt, withdrawn and resubmitted until then. The deadline is checked against the request's
clock inside the saving transaction; anything later is refused, logged, and the draft kept.

Each use case takes the supplier's own bid as ``load`` found it (``OwnBid``) and the tender's
lines or criteria the page already has; moves follow ``tenderapp.domain.bids.TRANSITIONS``."""

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.access import Actor, published_tenders
from tenderapp.access import bids as bid_access
from tenderapp.domain import bids as rules
from tenderapp.domain import seals
from tenderapp.domain.audit_chain import anchor_lines
from tenderapp.domain.bids import BidEvent, BidState
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.money import MoneyError, parse_amount
from tenderapp.domain.suppliers import word_count
from tenderapp.formatting import uk_datetime
from tenderapp.models import (
    Bid,
    BidSubmission,
    LateAttempt,
    PricingLine,
    QualityCriterion,
    Tender,
    TenderInterest,
)
from tenderapp.sealing import Sealer
from tenderapp.services import audit, outbox


@dataclass
class Draft:
    """What a bid says so far. Prices are kept as "1250.00" strings (exact)."""

    prices: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    declarations: list[str] = field(default_factory=list)

    def price_amounts(self) -> dict[str, Decimal]:
        return {code: Decimal(value) for code, value in self.prices.items()}


class PriceErrors(RuleViolation):
    """One message per line that could not be read, keyed by line code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())), "prices")
        self.errors = errors


class UploadProblems(RuleViolation):
    """Every problem found in an uploaded pricing workbook (nothing was saved)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"The workbook has {len(problems)} problem{'s' if len(problems) > 1 else ''}: "
                         "see the list below", "workbook")
        self.problems = problems


@dataclass
class OwnBid:
    """The actor's own bid for a tender: the bid (None before its first save), its draft
    unsealed, and every version it submitted, the latest first."""

    tender: Tender
    bid: Bid | None
    draft: Draft
    submissions: list[BidSubmission]

    @property
    def current(self) -> BidSubmission | None:
        """The submission that counts, if any."""
        return rules.current_submission(self.submissions)

    @property
    def state(self) -> BidState:
        return rules.bid_state(self.bid is not None, self.submissions, self.tender.opened_at is not None)


def read_draft(sealer: Sealer, tender: Tender, bid: Bid | None) -> Draft:
    if bid is None:
        return Draft()
    return Draft(**json.loads(sealer.open(tender.id, bid.draft, seals.draft_binding(tender.id, bid.organisation_id))))


def load(session: Session, actor: Actor, sealer: Sealer, tender: Tender) -> OwnBid:
    """The actor's own bid for the tender (never another supplier's), with its draft and
    versions. The bid's row is locked for the rest of the transaction, so two colleagues
    saving at once queue."""
    # Shares the lock the opening takes on the tender, so nothing is saved while it opens.
    session.refresh(tender, with_for_update={"read": True})
    bid = bid_access.own_bid(session, actor, tender, for_update=True)
    return OwnBid(tender, bid, read_draft(sealer, tender, bid), bid_access.submissions_of(session, bid))


def accepting_changes(tender: Tender, now: datetime) -> bool:
    """Whether the bid pages offer forms (after the deadline they show the bid read-only)."""
    return rules.accepting_changes(now, tender.submission_deadline, tender.opened_at is not None)


def check_move(session: Session, actor: Actor, own: OwnBid, event: BidEvent, action: str, now: datetime
               ) -> BidState:
    """The state ``event`` moves the bid to (see ``rules.TRANSITIONS``). Raises RuleViolation
    for a move not allowed, and DeadlinePassed at or after the deadline, after logging the
    attempt as ``action`` (committed, so the refusal is on record though nothing else is saved)."""
    tender = own.tender
    try:
        return rules.check_move(own.state, event, now, tender.submission_deadline, tender.opened_at is not None)
    except rules.DeadlinePassed:
        session.rollback()
        session.add(LateAttempt(tender_id=tender.id, organisation_id=actor.organisation_id, user_id=actor.user_id,
                                action=action, attempted_at=now))
        audit.record(session, actor, "bid.late_attempt_refused", "tender", tender.id, now, {"action": action})
        session.commit()
        raise


def save_draft(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, what: str, now: datetime) -> Bid:
    """Seals and saves the draft as it is now (``what`` names the part changed)."""
    check_move(session, actor, own, BidEvent.SAVE, f"save {what}", now)
    tender = own.tender
    sealed = sealer.seal(tender.id, json.dumps(own.draft.__dict__, sort_keys=True).encode(),
                         seals.draft_binding(tender.id, actor.organisation_id))
    if own.bid is None:
        own.bid = Bid(tender_id=tender.id, organisation_id=actor.organisation_id, draft=sealed, created_at=now,
                      updated_at=now, updated_by_user_id=actor.user_id)
        _ensure_interest(session, actor, tender, now)
    else:
        own.bid.draft, own.bid.updated_at, own.bid.updated_by_user_id = sealed, now, actor.user_id
    session.add(own.bid)
    session.flush()
    audit.record(session, actor, "bid.draft_saved", "bid", own.bid.id, now, {"part": what})
    session.commit()
    return own.bid


def _ensure_interest(session: Session, actor: Actor, tender: Tender, now: datetime) -> None:
    """A supplier that starts a bid is told of amendments and answers like one that
    registered interest."""
    if session.exec(select(TenderInterest.id).where(TenderInterest.tender_id == tender.id,
                                                    TenderInterest.organisation_id == actor.organisation_id)).first():
        return
    session.add(TenderInterest(tender_id=tender.id, organisation_id=actor.organisation_id, user_id=actor.user_id,
                               registered_at=now))


def parse_prices(lines: list[PricingLine], typed: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Reads typed prices line by line: (prices as "1250.00", errors by line code). A line
    left blank is simply not priced yet."""
    prices, errors = {}, {}
    for number, line in enumerate(lines, start=1):
        text = (typed.get(line.code) or "").strip()
        if not text:
            continue
        try:
            prices[line.code] = f"{parse_amount(text):.2f}"
        except MoneyError as error:
            errors[line.code] = f"Line {number} ({line.code}): {error.hint}"
    return prices, errors


def save_prices(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, lines: list[PricingLine],
                typed: dict[str, str], now: datetime) -> Draft:
    """Saves the prices typed online. Raises PriceErrors (nothing saved) when any line is not
    a price, DeadlinePassed after the deadline."""
    check_move(session, actor, own, BidEvent.SAVE, "save prices", now)
    prices, errors = parse_prices(lines, typed)
    if errors:
        raise PriceErrors(errors)
    own.draft.prices = prices
    save_draft(session, actor, sealer, own, "prices", now)
    return own.draft


def upload_prices(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, lines: list[PricingLine],
                  uploaded: dict[str, str], problems: list[str], now: datetime) -> rules.UploadedPrices:
    """Saves the prices read from a filled template (``uploaded``, with the ``problems`` its
    reader found); a cell left blank keeps the line's saved price. Raises DeadlinePassed after
    the deadline, UploadProblems (nothing saved) for any problem in the workbook,
    RuleViolation when it has no price at all."""
    check_move(session, actor, own, BidEvent.SAVE, "upload prices", now)
    if problems:
        raise UploadProblems(problems)
    merged = rules.merge_uploaded_prices([line.code for line in lines], own.draft.prices, uploaded)
    own.draft.prices = merged.prices
    save_draft(session, actor, sealer, own, "prices (Excel)", now)
    return merged


def save_answers(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, criteria: list[QualityCriterion],
                 answers: dict[str, str], now: datetime) -> Draft:
    """Saves the quality answers (over-long answers are saved too, and flagged at review)."""
    own.draft.answers = {str(c.id): (answers.get(str(c.id)) or "").replace("\r\n", "\n").strip() for c in criteria}
    save_draft(session, actor, sealer, own, "answers", now)
    return own.draft


def save_declarations(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, ticked: list[str],
                      now: datetime) -> Draft:
    own.draft.declarations = [d for d in rules.REQUIRED_DECLARATIONS if d in ticked]
    save_draft(session, actor, sealer, own, "declarations", now)
    return own.draft


@dataclass(frozen=True)
class Review:
    lines: list[tuple[PricingLine, Decimal | None, Decimal | None]]  # line, unit price, line total
    total: Decimal | None
    answers: list[tuple[QualityCriterion, str, int]]  # criterion, answer, words
    problems: list[str]

    @property
    def too_long(self) -> bool:
        return any(words > criterion.word_limit for criterion, _, words in self.answers)


def review(lines: list[PricingLine], criteria: list[QualityCriterion], draft: Draft) -> Review:
    """The draft checked against the tender's lines and criteria: what the overview shows and
    what stops a submission."""
    prices = draft.price_amounts()
    rows = [(line, prices.get(line.code), prices[line.code] * line.evaluation_quantity if line.code in prices else None)
            for line in lines]
    schedule = [rules.Line(line.code, line.evaluation_quantity) for line in lines]
    problems = rules.missing_for_submission(
        schedule, [rules.Question(str(c.id), c.title, c.word_limit) for c in criteria],
        prices, draft.answers, set(draft.declarations), rules.REQUIRED_DECLARATIONS)
    total = None if any(p is None for _, p, _ in rows) else rules.evaluated_price(schedule, prices)
    answers = [(c, draft.answers.get(str(c.id), ""), word_count(draft.answers.get(str(c.id)))) for c in criteria]
    return Review(rows, total, answers, problems)


@dataclass(frozen=True)
class AttachedFile:
    id: int
    criterion_id: int
    name: str
    size: int
    sha256: str


def attached_files(session: Session, sealer: Sealer, own: OwnBid) -> list[AttachedFile]:
    """The bid's current files, with their names unsealed (for its own supplier)."""
    if own.bid is None:
        return []
    tender, organisation_id = own.tender, own.bid.organisation_id
    return [AttachedFile(a.id, a.criterion_id, sealer.open(
        tender.id, a.sealed_name, seals.attachment_name_binding(tender.id, organisation_id, a.sha256)).decode(),
        a.size, a.sha256) for a in bid_access.current_attachments(session, own.bid)]


def attachment_listing(files: list[AttachedFile]) -> dict[str, list[dict]]:
    """What a submission's content records of its files: by criterion, each name and SHA-256."""
    listed: dict[str, list[dict]] = {}
    for f in files:
        listed.setdefault(str(f.criterion_id), []).append({"file": f.name, "sha256": f.sha256})
    return listed


def supplier_overview(session: Session, actor: Actor, now: datetime) -> list[tuple[Tender, str]]:
    """Published tenders still open, and those the supplier has bid for, each with the state
    of the supplier's own bid: what a supplier's dashboard shows."""
    own, submitted = bid_access.own_bids(session, actor), bid_access.submitted_tenders(session, actor)
    rows = []
    for tender in published_tenders(session, actor):
        bid = own.get(tender.id)
        if bid is None and now >= tender.submission_deadline:
            continue
        state = BidState.NOT_STARTED if bid is None else (
            BidState.SUBMITTED if tender.id in submitted else BidState.DRAFT)
        rows.append((tender, state.label))
    return rows


def new_receipt() -> str:
    """A submission id people can read out: TA-XXXX-XXXX-XXXX-XXXX (80 random bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "TA-" + "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def submit(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, lines: list[PricingLine],
           criteria: list[QualityCriterion], now: datetime) -> BidSubmission:
    """Submits the draft as a new version with a receipt. Raises DeadlinePassed at or after
    the deadline (logged; the draft is kept) and RuleViolation when the bid is incomplete."""
    check_move(session, actor, own, BidEvent.SUBMIT, "submit", now)
    problems = review(lines, criteria, own.draft).problems
    if problems:
        raise RuleViolation(rules.NOT_COMPLETE + "; ".join(problems))
    tender, receipt = own.tender, new_receipt()
    content = rules.canonical_content(tender.reference, tender.schedule_version, actor.organisation_id, receipt,
                                      own.draft.price_amounts(), own.draft.answers, set(own.draft.declarations),
                                      attachment_listing(attached_files(session, sealer, own)))
    submission = BidSubmission(
        bid_id=own.bid.id, number=len(own.submissions) + 1, receipt=receipt, content_sha256=rules.content_hash(content),
        content=sealer.seal(tender.id, content.encode(), seals.submission_binding(tender.id, actor.organisation_id,
                                                                                  receipt)),
        schedule_version=tender.schedule_version, submitted_at=now, submitted_by_user_id=actor.user_id)
    session.add(submission)
    session.flush()
    _record_submission(session, actor, own.bid, submission, now)
    outbox.queue(session, actor.email, f"Receipt for your bid: tender {tender.reference}",
                 receipt_text(tender, actor.organisation_name, submission), now, actor.organisation_id)
    session.commit()
    own.submissions.insert(0, submission)
    return submission


def _record_submission(session: Session, actor: Actor, bid: Bid, submission: BidSubmission, now: datetime) -> None:
    """Audits the submission, and keeps on it where the audit log stood (its receipt says so)."""
    logged = audit.record(session, actor, "bid.submitted", "bid", bid.id, now,
                          {"receipt": submission.receipt, "sha256": submission.content_sha256,
                           "version": submission.number})
    submission.audit_chain, submission.audit_seq, submission.audit_hash = logged.chain, logged.seq, logged.hash
    session.add(submission)


def withdraw(session: Session, actor: Actor, own: OwnBid, now: datetime) -> BidSubmission:
    """Withdraws the current submission (the draft stays, to change and resubmit). Raises
    DeadlinePassed after the deadline, RuleViolation when nothing is submitted."""
    check_move(session, actor, own, BidEvent.WITHDRAW, "withdraw", now)
    current = own.current
    current.withdrawn_at, current.withdrawn_by_user_id = now, actor.user_id
    session.add(current)
    audit.record(session, actor, "bid.withdrawn", "bid", own.bid.id, now, {"receipt": current.receipt})
    session.commit()
    return current


def receipt_text(tender: Tender, supplier: str, submission: BidSubmission) -> str:
    return (f"Tenderapp bid receipt\n\nTender: {tender.reference}, {tender.title}\nSupplier: {supplier}\n"
            f"Submission id: {submission.receipt} (version {submission.number})\n"
            f"Received: {submission.submitted_at.isoformat()} (UTC), {uk_datetime(submission.submitted_at)} UK time\n"
            f"SHA-256 of the bid content: {submission.content_sha256}\n\n"
            + (anchor_lines(submission.audit_chain, submission.audit_seq, submission.audit_hash)
               if submission.audit_seq is not None else "")
            + "\nKeep this receipt. Your bid stays sealed until the buyer opens all bids after the deadline.\n"
            "The audit lines above record where the buyer's tamper-evident log stood when your bid arrived: an "
            "auditor can check the log still holds them (flask verify-audit --receipt).\n")


def submitted_content(sealer: Sealer, own: OwnBid, submission: BidSubmission) -> str:
    """The exact canonical content of one of the supplier's own submissions: its SHA-256 is the
    receipt's, so the supplier can check the receipt against what was sealed."""
    tender = own.tender
    return sealer.open(tender.id, submission.content,
                       seals.submission_binding(tender.id, own.bid.organisation_id, submission.receipt)).decode()
