"""Bid rules: the bid's states and the moves between them, which submission counts, the
evaluated price, completeness before submission, the deadline, and the canonical content a
receipt's SHA-256 is taken over.

A bid's state is derived from its rows, never stored:

    not_started --save--> draft --submit--> submitted --withdraw--> withdrawn
                                   save, submit ↺        ↖---submit---'  ↺ save
    submitted --open (the box opens after the deadline)--> opened

Every move a bidder makes (save, submit, withdraw) is refused at or after the submission
deadline, and once the box is open.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeVar

from tenderapp.domain.audit_chain import canonical_json
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum
from tenderapp.domain.scoring import scorable_price
from tenderapp.domain.suppliers import word_count


class DeadlinePassed(RuleViolation):
    """Anything a bidder sends at or after the submission deadline."""


@dataclass(frozen=True)
class Line:
    code: str
    quantity: int


@dataclass(frozen=True)
class Question:
    key: str  # the criterion's id, as text
    title: str
    word_limit: int


UNSCORABLE_BID = ("Your evaluated price is £0.00, which cannot be scored: enter a unit price of more than £0 for at "
                  "least one line")


def accepting_changes(now: datetime, deadline: datetime, opened: bool = False) -> bool:
    """Whether a bid may still be changed, submitted or withdrawn: until the deadline (a second
    before it is still in time), and never once the bids are open."""
    return not opened and now < deadline


def check_before_deadline(now: datetime, deadline: datetime, opened: bool = False) -> None:
    """Raises DeadlinePassed unless ``accepting_changes``."""
    if not accepting_changes(now, deadline, opened):
        raise DeadlinePassed("The submission deadline has passed: nothing more can be sent or changed. "
                             "Your draft is kept as it was.")


class BidState(LabelledEnum):
    """Where a supplier's bid stands; the label is what the supplier's dashboard says of it (a
    withdrawn bid is a draft again to its supplier; an opened one stays "Submitted" to them)."""

    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Draft"
    OPENED = "opened", "Submitted"


class BidEvent(StrEnum):
    SAVE = "save"  # a draft saved: prices, answers, declarations or a file
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    OPEN = "open"  # the named openers open the box


TRANSITIONS: dict[tuple[BidState, BidEvent], BidState] = {
    (BidState.NOT_STARTED, BidEvent.SAVE): BidState.DRAFT,
    (BidState.DRAFT, BidEvent.SAVE): BidState.DRAFT,
    (BidState.DRAFT, BidEvent.SUBMIT): BidState.SUBMITTED,
    (BidState.SUBMITTED, BidEvent.SAVE): BidState.SUBMITTED,  # the submission still counts until resubmitted
    (BidState.SUBMITTED, BidEvent.SUBMIT): BidState.SUBMITTED,  # a new version replaces it
    (BidState.SUBMITTED, BidEvent.WITHDRAW): BidState.WITHDRAWN,
    (BidState.SUBMITTED, BidEvent.OPEN): BidState.OPENED,
    (BidState.WITHDRAWN, BidEvent.SAVE): BidState.WITHDRAWN,
    (BidState.WITHDRAWN, BidEvent.SUBMIT): BidState.SUBMITTED,
}
BIDDER_EVENTS = frozenset({BidEvent.SAVE, BidEvent.SUBMIT, BidEvent.WITHDRAW})
NOT_COMPLETE = "Your bid is not complete: "
_REFUSALS = {
    BidEvent.SUBMIT: NOT_COMPLETE + "Enter your prices",
    BidEvent.WITHDRAW: "You have no submitted bid to withdraw",
    BidEvent.OPEN: "Only a submitted bid is in the box",
}


def check_move(state: BidState, event: BidEvent, now: datetime, deadline: datetime, opened: bool = False
               ) -> BidState:
    """The state ``event`` moves the bid to. Raises DeadlinePassed for a bidder's move at or
    after the deadline (or once opened), RuleViolation for a move the table does not allow."""
    if event in BIDDER_EVENTS:
        check_before_deadline(now, deadline, opened or state is BidState.OPENED)
    moved = TRANSITIONS.get((state, event))
    if moved is None:
        raise RuleViolation(_REFUSALS[event])
    return moved


class Submitted(Protocol):
    """A submitted version of a bid, as the rule of which one counts sees it."""

    @property
    def number(self) -> int: ...

    @property
    def withdrawn_at(self) -> datetime | None: ...


S = TypeVar("S", bound=Submitted)


def current_submission(submissions: Iterable[S]) -> S | None:
    """The submission that counts: the bid's latest version, unless it was withdrawn (then the
    supplier has no bid in the box until it submits again). ``access.bids`` runs the same rule
    as a query over every bid of a tender."""
    latest = max(submissions, key=lambda s: s.number, default=None)
    return latest if latest is not None and latest.withdrawn_at is None else None


def bid_state(started: bool, submissions: Iterable[Submitted], opened: bool = False) -> BidState:
    """The state of a bid from its rows: whether a draft exists, its submitted versions, and
    whether the tender's box is open."""
    versions = list(submissions)
    if not started:
        return BidState.NOT_STARTED
    if not versions:
        return BidState.DRAFT
    if current_submission(versions) is None:
        return BidState.WITHDRAWN
    return BidState.OPENED if opened else BidState.SUBMITTED


def evaluated_price(lines: list[Line], prices: dict[str, Decimal]) -> Decimal:
    """Σ unit price × evaluation quantity over the schedule's lines (exact)."""
    return sum((prices[line.code] * line.quantity for line in lines), Decimal("0.00"))


def missing_for_submission(lines: list[Line], questions: list[Question], prices: dict[str, Decimal],
                           answers: dict[str, str], declarations: set[str], required: list[str]) -> list[str]:
    """Everything still stopping submission, in page order (empty when complete). A bid priced
    in full whose evaluated price is £0.00 cannot be scored, so it cannot be submitted either."""
    problems = [f"Enter the unit price for {line.code}" for line in lines if line.code not in prices]
    if not problems and not scorable_price(evaluated_price(lines, prices)):
        problems.append(UNSCORABLE_BID)
    for question in questions:
        text = answers.get(question.key, "")
        if not text.strip():
            problems.append(f"Answer “{question.title}”")
        elif word_count(text) > question.word_limit:
            problems.append(f"Shorten your answer to “{question.title}” to {question.word_limit} words or fewer")
    problems += [f"Confirm: {d}" for d in required if d not in declarations]
    return problems


NO_PRICES_IN_WORKBOOK = ("The workbook has no prices in it: enter a unit price in the yellow cells and upload it "
                         "again. Your saved prices have not changed")


@dataclass(frozen=True)
class UploadedPrices:
    prices: dict[str, str]  # every line's price after the upload
    kept: list[str]  # codes left blank in the workbook that keep their saved price
    unpriced: list[str]  # codes left blank in the workbook with no saved price


def merge_uploaded_prices(codes: list[str], saved: dict[str, str], uploaded: dict[str, str]) -> UploadedPrices:
    """The prices after an upload: each price in the workbook replaces the saved one, and a cell
    left blank leaves the line as it was (an upload never clears a saved price; the prices page
    does). Raises RuleViolation when the workbook has no price at all."""
    if not uploaded:
        raise RuleViolation(NO_PRICES_IN_WORKBOOK, "workbook")
    blank = [code for code in codes if code not in uploaded]
    prices = {code: uploaded[code] if code in uploaded else saved[code]
              for code in codes if code in uploaded or code in saved}
    return UploadedPrices(prices, [c for c in blank if c in saved], [c for c in blank if c not in saved])


def canonical_content(tender_reference: str, schedule_version: int, supplier_id: int, receipt: str,
                      prices: dict[str, Decimal], answers: dict[str, str], declarations: set[str],
                      attachments: dict[str, list[dict[str, str]]] | None = None) -> str:
    """The exact text a receipt's SHA-256 covers: prices, answers, declarations and the
    attached files' names and SHA-256. The random receipt id inside makes the hash impossible
    to guess from likely prices."""
    return canonical_json({
        "tender": tender_reference, "schedule_version": schedule_version, "supplier": supplier_id,
        "receipt": receipt, "prices": {code: f"{price:.2f}" for code, price in sorted(prices.items())},
        "answers": dict(sorted(answers.items())), "declarations": sorted(declarations),
        "attachments": dict(sorted((attachments or {}).items())),
    })


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


REQUIRED_DECLARATIONS = [
    "We have read the tender documents and accept the terms and conditions",
    "No exclusion ground applies to us, or we have told the buyer about any that does",
    "The information in this bid is complete and accurate",
]
