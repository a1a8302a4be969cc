"""Formal decisions (award, extension, other): their kinds, their documents' kinds, the status
each one has reached and the moves allowed from it.

A decision's status is derived from its dates, never stored:

    proposed → endorsed → taken → published

(a decision taken without an endorsement goes from proposed to taken). It is recorded with
whichever dates it already has. Once taken it may be published to every
member of the collaboration, and an award or an extension may be made under it; before that,
neither.
"""

from datetime import date, datetime
from enum import StrEnum

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum


class DecisionKind(LabelledEnum):
    AWARD = "award", "Award"
    EXTENSION = "extension", "Extension"
    OTHER = "other", "Other"


class DocumentKind(LabelledEnum):
    """The kinds of paper kept behind a decision."""

    REPORT = "report", "Report"
    EQUALITY_IMPACT = "equality_impact", "Equality impact assessment"
    LEGAL_ADVICE = "legal_advice", "Legal advice"
    OTHER = "other", "Other"


class DecisionStatus(LabelledEnum):
    PROPOSED = "proposed", "Proposed"
    ENDORSED = "endorsed", "Endorsed"
    TAKEN = "taken", "Taken"
    PUBLISHED = "published", "Published"


class Move(StrEnum):
    PUBLISH = "publish"
    ACT = "act"  # award or extend the contract under the decision


ALLOWED_MOVES: dict[DecisionStatus, frozenset[Move]] = {
    DecisionStatus.PROPOSED: frozenset(),
    DecisionStatus.ENDORSED: frozenset(),
    DecisionStatus.TAKEN: frozenset({Move.PUBLISH, Move.ACT}),
    # Publishing again dates the publication anew, as it always has.
    DecisionStatus.PUBLISHED: frozenset({Move.PUBLISH, Move.ACT}),
}


def status(endorsed_on: date | None, taken_on: date | None, published_at: datetime | None) -> DecisionStatus:
    """The status a decision with these dates has reached."""
    if published_at:
        return DecisionStatus.PUBLISHED
    if taken_on:
        return DecisionStatus.TAKEN
    if endorsed_on:
        return DecisionStatus.ENDORSED
    return DecisionStatus.PROPOSED


def check_move(current: DecisionStatus, move: Move, kind: str) -> None:
    """Raises RuleViolation when ``move`` is not allowed from ``current``: a decision is
    published, or acted on, only once it has been taken."""
    if move in ALLOWED_MOVES[current]:
        return
    if move is Move.PUBLISH:
        raise RuleViolation("Record when the decision was taken before publishing it")
    raise RuleViolation(f"The {kind} decision has not been taken yet", "decision_id")


def check_basis(wanted: DecisionKind, kind: str | None, current: DecisionStatus | None) -> None:
    """Raises RuleViolation (on ``decision_id``) unless a decision of kind ``wanted`` was
    chosen (``kind`` is None when none was) and it has been taken."""
    if current is None or kind != wanted:
        raise RuleViolation(f"Select the {wanted} decision", "decision_id")
    check_move(current, Move.ACT, wanted)


def check_kind(kind: str) -> DecisionKind:
    """The decision kind; raises RuleViolation for anything else."""
    try:
        return DecisionKind(kind)
    except ValueError:
        raise RuleViolation("Select the type of decision", "kind") from None


def check_document_kind(kind: str) -> DocumentKind:
    """The document kind; raises RuleViolation for anything else."""
    try:
        return DocumentKind(kind)
    except ValueError:
        raise RuleViolation("Select the kind of document", "kind") from None


def check_dates(endorsed_on: date | None, taken_on: date | None) -> None:
    """Raises RuleViolation when the decision would be taken before it was endorsed."""
    if endorsed_on and taken_on and taken_on < endorsed_on:
        raise RuleViolation("The decision cannot be taken before it was endorsed", "taken_on")
