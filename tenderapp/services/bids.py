"""A supplier's bid: a sealed draft saved as they go, submitted before the deadline with a
receipt, withdrawn and resubmitted until then. The deadline is checked against the request's
clock inside the saving transaction; anything later is refused, logged, and the draft kept."""

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.access import Actor, get_open_tender_for_bidder, own_bid, published_tenders
from tenderapp.domain import bids as rules
from tenderapp.domain.audit_chain import anchor_lines
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.domain.money import MoneyError, parse_amount
from tenderapp.domain.suppliers import word_count
from tenderapp.exports import pricing_template, pricing_upload
from tenderapp.formatting import uk_datetime
from tenderapp.models import (
    Bid,
    BidAttachment,
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


def _binding(tender: Tender, organisation_id: int) -> str:
    return f"draft:{tender.id}:{organisation_id}"


def schedule(session: Session, tender: Tender) -> tuple[list[PricingLine], list[QualityCriterion]]:
    lines = list(session.exec(select(PricingLine).where(PricingLine.tender_id == tender.id)
                              .order_by(PricingLine.position, PricingLine.id)).all())
    criteria = list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                                 .order_by(QualityCriterion.position, QualityCriterion.id)).all())
    return lines, criteria


def read_draft(sealer: Sealer, tender: Tender, bid: Bid | None) -> Draft:
    if bid is None:
        return Draft()
    return Draft(**json.loads(sealer.open(tender.id, bid.draft, _binding(tender, bid.organisation_id))))


def load(session: Session, actor: Actor, sealer: Sealer, tender_id: int) -> tuple[Tender, Bid | None, Draft]:
    """The tender and the actor's own bid and draft (never another supplier's). The bid's row
    is locked for the rest of the transaction, so two colleagues saving at once queue."""
    tender = get_open_tender_for_bidder(session, actor, tender_id)
    # Shares the lock the opening takes on the tender, so nothing is saved while it opens.
    session.refresh(tender, with_for_update={"read": True})
    bid = own_bid(session, actor, tender)
    if bid is not None:
        session.refresh(bid, with_for_update=True)
    return tender, bid, read_draft(sealer, tender, bid)


def accepting_changes(tender: Tender, now: datetime) -> bool:
    """Whether the bid pages offer forms (after the deadline they show the bid read-only)."""
    return rules.accepting_changes(now, tender.submission_deadline, tender.opened_at is not None)


def refuse_if_late(session: Session, actor: Actor, tender: Tender, action: str, now: datetime) -> None:
    """Raises DeadlinePassed at or after the deadline, after logging the attempt (committed,
    so the refusal is on record even though nothing else is saved)."""
    try:
        rules.check_before_deadline(now, tender.submission_deadline, tender.opened_at is not None)
    except rules.DeadlinePassed:
        session.rollback()
        session.add(LateAttempt(tender_id=tender.id, organisation_id=actor.organisation_id, user_id=actor.user_id,
                                action=action, attempted_at=now))
        audit.record(session, actor, "bid.late_attempt_refused", "tender", tender.id, now, {"action": action})
        session.commit()
        raise


def save_draft(session: Session, actor: Actor, sealer: Sealer, tender: Tender, bid: Bid | None, draft: Draft,
          what: str, now: datetime) -> Bid:
    refuse_if_late(session, actor, tender, f"save {what}", now)
    sealed = sealer.seal(tender.id, json.dumps(draft.__dict__, sort_keys=True).encode(),
                         _binding(tender, actor.organisation_id))
    if bid is None:
        bid = Bid(tender_id=tender.id, organisation_id=actor.organisation_id, draft=sealed, created_at=now,
                  updated_at=now, updated_by_user_id=actor.user_id)
        _ensure_interest(session, actor, tender, now)
    else:
        bid.draft, bid.updated_at, bid.updated_by_user_id = sealed, now, actor.user_id
    session.add(bid)
    session.flush()
    audit.record(session, actor, "bid.draft_saved", "bid", bid.id, now, {"part": what})
    session.commit()
    return bid


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


def save_prices(session: Session, actor: Actor, sealer: Sealer, tender_id: int, typed: dict[str, str],
                now: datetime) -> Draft:
    """Saves the prices typed online. Raises PriceErrors (nothing saved) when any line is not
    a price, DeadlinePassed after the deadline."""
    tender, bid, draft = load(session, actor, sealer, tender_id)
    refuse_if_late(session, actor, tender, "save prices", now)
    lines, _ = schedule(session, tender)
    prices, errors = parse_prices(lines, typed)
    if errors:
        raise PriceErrors(errors)
    draft.prices = prices
    save_draft(session, actor, sealer, tender, bid, draft, "prices", now)
    return draft


class UploadProblems(RuleViolation):
    """Every problem found in an uploaded pricing workbook (nothing was saved)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"The workbook has {len(problems)} problem{'s' if len(problems) > 1 else ''}: "
                         "see the list below", "workbook")
        self.problems = problems


def template(session: Session, actor: Actor, sealer: Sealer, tender_id: int) -> tuple[Tender, bytes]:
    """The pricing template for the tender's current schedule, prefilled with the draft's prices."""
    tender, _, draft = load(session, actor, sealer, tender_id)
    lines, _ = schedule(session, tender)
    return tender, pricing_template.workbook_bytes(tender.reference, tender.title, tender.schedule_version, lines,
                                                   draft.prices)


def upload_prices(session: Session, actor: Actor, sealer: Sealer, tender_id: int, data: bytes,
                  now: datetime) -> rules.UploadedPrices:
    """Reads a filled template and saves its prices; a cell left blank keeps the line's saved
    price. Raises UploadProblems (nothing saved) for any problem in the workbook, RuleViolation
    when it has no price at all, DeadlinePassed after the deadline."""
    tender, bid, draft = load(session, actor, sealer, tender_id)
    refuse_if_late(session, actor, tender, "upload prices", now)
    lines, _ = schedule(session, tender)
    codes = [line.code for line in lines]
    result = pricing_upload.read(data, pricing_upload.Expected(tender.reference, tender.schedule_version, codes))
    if result.problems:
        raise UploadProblems(result.problems)
    merged = rules.merge_uploaded_prices(codes, draft.prices, result.prices)
    draft.prices = merged.prices
    save_draft(session, actor, sealer, tender, bid, draft, "prices (Excel)", now)
    return merged


def save_answers(session: Session, actor: Actor, sealer: Sealer, tender_id: int, answers: dict[str, str],
                 now: datetime) -> Draft:
    """Saves the quality answers (over-long answers are saved too, and flagged at review)."""
    tender, bid, draft = load(session, actor, sealer, tender_id)
    _, criteria = schedule(session, tender)
    draft.answers = {str(c.id): (answers.get(str(c.id)) or "").replace("\r\n", "\n").strip() for c in criteria}
    save_draft(session, actor, sealer, tender, bid, draft, "answers", now)
    return draft


def save_declarations(session: Session, actor: Actor, sealer: Sealer, tender_id: int, ticked: list[str],
                      now: datetime) -> Draft:
    tender, bid, draft = load(session, actor, sealer, tender_id)
    draft.declarations = [d for d in rules.REQUIRED_DECLARATIONS if d in ticked]
    save_draft(session, actor, sealer, tender, bid, draft, "declarations", now)
    return draft


@dataclass(frozen=True)
class Review:
    lines: list[tuple[PricingLine, Decimal | None, Decimal | None]]  # line, unit price, line total
    total: Decimal | None
    answers: list[tuple[QualityCriterion, str, int]]  # criterion, answer, words
    problems: list[str]

    @property
    def too_long(self) -> bool:
        return any(words > criterion.word_limit for criterion, _, words in self.answers)


def review(session: Session, tender: Tender, draft: Draft) -> Review:
    lines, criteria = schedule(session, tender)
    prices = draft.price_amounts()
    rows = [(line, prices.get(line.code), prices[line.code] * line.evaluation_quantity if line.code in prices else None)
            for line in lines]
    problems = rules.missing_for_submission(
        [rules.Line(line.code, line.evaluation_quantity) for line in lines],
        [rules.Question(str(c.id), c.title, c.word_limit) for c in criteria],
        prices, draft.answers, set(draft.declarations), rules.REQUIRED_DECLARATIONS)
    total = None if any(p is None for _, p, _ in rows) else rules.evaluated_price(
        [rules.Line(line.code, line.evaluation_quantity) for line in lines], prices)
    answers = [(c, draft.answers.get(str(c.id), ""), word_count(draft.answers.get(str(c.id)))) for c in criteria]
    return Review(rows, total, answers, problems)


def submissions(session: Session, bid: Bid | None) -> list[BidSubmission]:
    if bid is None:
        return []
    return list(session.exec(select(BidSubmission).where(BidSubmission.bid_id == bid.id)
                             .order_by(BidSubmission.number.desc())).all())


def current_submission(session: Session, bid: Bid | None) -> BidSubmission | None:
    latest = next(iter(submissions(session, bid)), None)
    return latest if latest is not None and latest.withdrawn_at is None else None


@dataclass(frozen=True)
class AttachedFile:
    id: int
    criterion_id: int
    name: str
    size: int
    sha256: str


def name_binding(tender: Tender, organisation_id: int, sha256: str) -> str:
    return f"attachment-name:{tender.id}:{organisation_id}:{sha256}"


def attached_files(session: Session, sealer: Sealer, tender: Tender, bid: Bid | None) -> list[AttachedFile]:
    """The bid's current files, with their names unsealed (for its own supplier)."""
    if bid is None:
        return []
    rows = session.exec(select(BidAttachment).where(BidAttachment.bid_id == bid.id, BidAttachment.removed_at.is_(None))
                        .order_by(BidAttachment.uploaded_at, BidAttachment.id)).all()
    return [AttachedFile(a.id, a.criterion_id,
                         sealer.open(tender.id, a.sealed_name, name_binding(tender, bid.organisation_id, a.sha256)).decode(),
                         a.size, a.sha256) for a in rows]


def attachment_listing(files: list[AttachedFile]) -> dict[str, list[dict]]:
    """What a submission's content records of its files: by criterion, each name and SHA-256."""
    listed: dict[str, list[dict]] = {}
    for f in files:
        listed.setdefault(str(f.criterion_id), []).append({"file": f.name, "sha256": f.sha256})
    return listed


def supplier_overview(session: Session, actor: Actor, now: datetime) -> list[tuple[Tender, str]]:
    """Published tenders still open, and those the supplier has bid for, each with the state
    of the supplier's own bid: what a supplier's dashboard shows."""
    tenders = published_tenders(session, actor)
    own = {b.tender_id: b for b in session.exec(select(Bid).where(Bid.organisation_id == actor.organisation_id))}
    rows = []
    for tender in tenders:
        bid = own.get(tender.id)
        if bid is None and now >= tender.submission_deadline:
            continue
        state = "Not started" if bid is None else ("Submitted" if current_submission(session, bid) else "Draft")
        rows.append((tender, state))
    return rows


def new_receipt() -> str:
    """A submission id people can read out: TA-XXXX-XXXX-XXXX-XXXX (80 random bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "TA-" + "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def submit(session: Session, actor: Actor, sealer: Sealer, tender_id: int, now: datetime) -> BidSubmission:
    """Submits the draft as a new version with a receipt. Raises DeadlinePassed at or after
    the deadline (logged; the draft is kept) and RuleViolation when the bid is incomplete."""
    tender, bid, draft = load(session, actor, sealer, tender_id)
    refuse_if_late(session, actor, tender, "submit", now)
    problems = review(session, tender, draft).problems if bid else ["Enter your prices"]
    if problems:
        raise RuleViolation("Your bid is not complete: " + "; ".join(problems))
    receipt = new_receipt()
    content = rules.canonical_content(tender.reference, tender.schedule_version, actor.organisation_id, receipt,
                                      draft.price_amounts(), draft.answers, set(draft.declarations),
                                      attachment_listing(attached_files(session, sealer, tender, bid)))
    number = len(submissions(session, bid)) + 1
    submission = BidSubmission(
        bid_id=bid.id, number=number, receipt=receipt, content_sha256=rules.content_hash(content),
        content=sealer.seal(tender.id, content.encode(), f"submission:{tender.id}:{actor.organisation_id}:{receipt}"),
        schedule_version=tender.schedule_version, submitted_at=now, submitted_by_user_id=actor.user_id)
    session.add(submission)
    session.flush()
    logged = audit.record(session, actor, "bid.submitted", "bid", bid.id, now,
                          {"receipt": receipt, "sha256": submission.content_sha256, "version": number})
    submission.audit_chain, submission.audit_seq, submission.audit_hash = logged.chain, logged.seq, logged.hash
    session.add(submission)
    outbox.queue(session, actor.email, f"Receipt for your bid: tender {tender.reference}",
                 receipt_text(tender, actor.organisation_name, submission), now, actor.organisation_id)
    session.commit()
    return submission


def withdraw(session: Session, actor: Actor, sealer: Sealer, tender_id: int, now: datetime) -> BidSubmission:
    """Withdraws the current submission (the draft stays, to change and resubmit). Raises
    DeadlinePassed after the deadline, RuleViolation when nothing is submitted."""
    tender, bid, _ = load(session, actor, sealer, tender_id)
    refuse_if_late(session, actor, tender, "withdraw", now)
    current = current_submission(session, bid)
    if current is None:
        raise RuleViolation("You have no submitted bid to withdraw")
    current.withdrawn_at, current.withdrawn_by_user_id = now, actor.user_id
    session.add(current)
    audit.record(session, actor, "bid.withdrawn", "bid", bid.id, now, {"receipt": current.receipt})
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


def submitted_content(session: Session, actor: Actor, sealer: Sealer, tender_id: int, number: int) -> str:
    """The exact canonical content of one of the supplier's own submissions: its SHA-256 is the
    receipt's, so the supplier can check the receipt against what was sealed."""
    tender, submission = get_receipt(session, actor, sealer, tender_id, number)
    return sealer.open(tender.id, submission.content,
                       f"submission:{tender.id}:{actor.organisation_id}:{submission.receipt}").decode()


def get_receipt(session: Session, actor: Actor, sealer: Sealer, tender_id: int, number: int
                ) -> tuple[Tender, BidSubmission]:
    tender, bid, _ = load(session, actor, sealer, tender_id)
    found = next((s for s in submissions(session, bid) if s.number == number), None)
    if found is None:
        raise NotFound("Receipt not found")
    return tender, found
