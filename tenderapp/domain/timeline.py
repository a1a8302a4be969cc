"""A tender's timeline: what each audit event about a tender (or its bids, questions,
contract and decisions) is called, which kind it is of, and which events are public.

The lead's procurement admins see every event; members and suppliers see the public ones
only: publication, amendments, the submission deadline, the opening and the award.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tenderapp.domain.labels import LabelledEnum


class EventKind(LabelledEnum):
    TENDER = "tender", "The tender and its amendments"
    QUESTIONS = "questions", "Clarification questions"
    BIDS = "bids", "Suppliers and bids"
    OPENING = "opening", "Bid openers and the opening"
    EVALUATION = "evaluation", "Evaluation"
    AWARD = "award", "Award, decisions and contract"


# action -> (kind, what happened). Actions not named here take their kind from their prefix
# and their label from their name.
_LABELS: dict[str, tuple[EventKind, str]] = {
    "tender.created": (EventKind.TENDER, "Draft tender created"),
    "tender.details_changed": (EventKind.TENDER, "Details changed"),
    "tender.timetable_changed": (EventKind.TENDER, "Timetable changed"),
    "tender.weighting_changed": (EventKind.TENDER, "Price and quality weighting changed"),
    "tender.pricing_line_saved": (EventKind.TENDER, "Pricing schedule line saved"),
    "tender.pricing_line_removed": (EventKind.TENDER, "Pricing schedule line removed"),
    "tender.criterion_saved": (EventKind.TENDER, "Quality criterion saved"),
    "tender.criterion_removed": (EventKind.TENDER, "Quality criterion removed"),
    "tender.document_added": (EventKind.TENDER, "Document added"),
    "tender.document_withdrawn": (EventKind.TENDER, "Document withdrawn"),
    "tender.conflicts_assessed": (EventKind.TENDER, "Conflicts assessment recorded"),
    "tender.published": (EventKind.TENDER, "Published"),
    "tender.interest_registered": (EventKind.BIDS, "A supplier registered interest"),
    "tender.openers_named": (EventKind.OPENING, "Bid openers named"),
    "tender.opener_replacement_proposed": (EventKind.OPENING, "Replacement of a bid opener proposed"),
    "tender.opener_replacement_withdrawn": (EventKind.OPENING, "Replacement of a bid opener withdrawn"),
    "tender.opener_replaced": (EventKind.OPENING, "Bid opener replaced"),
    "tender.opening_key_turned": (EventKind.OPENING, "A key to the bid box was turned"),
    "tender.opened": (EventKind.OPENING, "Bids opened"),
    "tender.awarded": (EventKind.AWARD, "Contract awarded"),
    "clarification.asked": (EventKind.QUESTIONS, "Question asked"),
    "clarification.answered": (EventKind.QUESTIONS, "Question answered"),
    "bid.draft_saved": (EventKind.BIDS, "Bid draft saved"),
    "bid.submitted": (EventKind.BIDS, "Bid submitted"),
    "bid.withdrawn": (EventKind.BIDS, "Bid withdrawn"),
    "bid.attachment_added": (EventKind.BIDS, "Attachment added to a bid"),
    "bid.attachment_removed": (EventKind.BIDS, "Attachment removed from a bid"),
    "bid.late_attempt_refused": (EventKind.BIDS, "Late bid refused"),
    "decision.recorded": (EventKind.AWARD, "Decision recorded"),
    "decision.published": (EventKind.AWARD, "Decision published"),
    "decision.document_added": (EventKind.AWARD, "Document added to a decision"),
    "contract.entered_into": (EventKind.AWARD, "Contract entered into"),
    "contract.extended": (EventKind.AWARD, "Contract extended"),
}
_BY_PREFIX = {"tender": EventKind.TENDER, "clarification": EventKind.QUESTIONS, "bid": EventKind.BIDS,
              "evaluation": EventKind.EVALUATION, "decision": EventKind.AWARD, "contract": EventKind.AWARD}
_PUBLIC = {"tender.published", "tender.opened", "tender.awarded"}
PUBLIC_KINDS = (EventKind.TENDER, EventKind.OPENING, EventKind.AWARD)  # the kinds of the public events

DEADLINE_PASSED = "Submission deadline passed"


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: when (UTC), what kind, what happened, who (a person and their
    organisation for the lead; the organisation only in the public timeline), and the
    amendment's summary for suppliers where there is one."""

    occurred_at: datetime
    kind: EventKind
    what: str
    who: str
    summary: str = ""


def kind_of(action: str) -> EventKind:
    if action in _LABELS:
        return _LABELS[action][0]
    return _BY_PREFIX.get(action.split(".", 1)[0], EventKind.TENDER)


def label_of(action: str) -> str:
    """What happened, in words ("evaluation.score_submitted" is "Evaluation: score submitted")."""
    if action in _LABELS:
        return _LABELS[action][1]
    prefix, _, rest = action.partition(".")
    words = rest.replace("_", " ") or prefix
    return f"{prefix.capitalize()}: {words}" if rest else words.capitalize()


def amendment_of(details: dict[str, Any]) -> str:
    """The summary for suppliers of an amendment (a change after publication), or ""."""
    amendment = details.get("amendment")
    return amendment.strip() if isinstance(amendment, str) else ""


def is_public(action: str, details: dict[str, Any]) -> bool:
    """Publication, every amendment, the opening and the award (the deadline passing is not an
    audit event: the timeline adds it from the tender's own deadline)."""
    return action in _PUBLIC or (action.startswith("tender.") and bool(amendment_of(details)))


def deadline_entry(deadline: datetime | None, now: datetime, buyer: str) -> list[Entry]:
    """The deadline's line, once it has passed."""
    if deadline is None or now < deadline:
        return []
    return [Entry(deadline, EventKind.TENDER, DEADLINE_PASSED, buyer)]


def in_order(entries: list[Entry], kind: EventKind | None = None) -> list[Entry]:
    """The entries of ``kind`` (all when None), oldest first."""
    return sorted((e for e in entries if kind is None or e.kind is kind), key=lambda e: e.occurred_at)
