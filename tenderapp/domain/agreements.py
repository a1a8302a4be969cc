"""The collaborative agreement: each member's status, the moves allowed from it, and the
fingerprint that ties a signature to the exact text signed.

A member's status is derived from its responses (agreed in principle, signed, declined),
each recorded against one version, and from the version now issued:

    invited → agreed_in_principle → signed
        ↘            ↘
         declined      declined
    signed (an earlier version) → re_sign_required → agreed_in_principle | signed | declined

A new version therefore re-opens every member: those who signed an earlier one are asked to
re-sign; everyone else is invited again.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum


class PartyStatus(LabelledEnum):
    NOT_ISSUED = "not_issued", "Not issued"
    INVITED = "invited", "Invited"
    AGREED_IN_PRINCIPLE = "agreed_in_principle", "Agreed in principle"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"
    RE_SIGN_REQUIRED = "re_sign_required", "Re-signing required"

    @property
    def outstanding(self) -> bool:
        """Still expected to respond (reminders go to these)."""
        return self in {PartyStatus.INVITED, PartyStatus.AGREED_IN_PRINCIPLE, PartyStatus.RE_SIGN_REQUIRED}


class Action(StrEnum):
    AGREE_IN_PRINCIPLE = "agreed_in_principle"
    SIGN = "signed"
    DECLINE = "declined"


ALLOWED_MOVES: dict[PartyStatus, frozenset[Action]] = {
    PartyStatus.NOT_ISSUED: frozenset(),
    PartyStatus.INVITED: frozenset({Action.AGREE_IN_PRINCIPLE, Action.SIGN, Action.DECLINE}),
    PartyStatus.RE_SIGN_REQUIRED: frozenset({Action.AGREE_IN_PRINCIPLE, Action.SIGN, Action.DECLINE}),
    PartyStatus.AGREED_IN_PRINCIPLE: frozenset({Action.SIGN, Action.DECLINE}),
    PartyStatus.SIGNED: frozenset(),
    PartyStatus.DECLINED: frozenset(),
}

_REFUSALS = {
    PartyStatus.NOT_ISSUED: "The agreement has not been issued yet",
    PartyStatus.SIGNED: "{organisation} has already signed this version",
    PartyStatus.DECLINED: "{organisation} has declined this version",
    PartyStatus.AGREED_IN_PRINCIPLE: "{organisation} has already agreed in principle",
}


@dataclass(frozen=True)
class Response:
    """One organisation's recorded answer to one version."""

    version: int
    action: Action
    at: datetime


def derive_status(current_version: int | None, responses: list[Response]) -> PartyStatus:
    """The member's status against ``current_version`` (None while nothing is issued)."""
    if current_version is None:
        return PartyStatus.NOT_ISSUED
    for_current = sorted((r for r in responses if r.version == current_version), key=lambda r: r.at)
    if any(r.action is Action.SIGN for r in for_current):
        return PartyStatus.SIGNED
    if for_current:
        return PartyStatus(for_current[-1].action.value)
    if any(r.action is Action.SIGN and r.version < current_version for r in responses):
        return PartyStatus.RE_SIGN_REQUIRED
    return PartyStatus.INVITED


def shares_costs(statuses: list[PartyStatus]) -> bool:
    """Whether a member pays a share of the collaboration's procurement cost, given its
    status on each issued agreement: every member does, except one that has declined an
    agreement (it is not part of the joint procurement)."""
    return PartyStatus.DECLINED not in statuses


def check_move(status: PartyStatus, action: Action, organisation: str) -> None:
    """Raises RuleViolation when ``action`` is not allowed from ``status``."""
    if action not in ALLOWED_MOVES[status]:
        template = _REFUSALS.get(status, "{organisation} cannot do this now")
        raise RuleViolation(template.format(organisation=organisation))


def fingerprint(content: bytes) -> str:
    """SHA-256 (hex) of the exact bytes a signature binds to: the text as UTF-8, or the PDF."""
    return hashlib.sha256(content).hexdigest()


def text_fingerprint(text: str) -> str:
    """The fingerprint of a text version; line endings are normalised so that the same text
    typed on Windows and elsewhere has one fingerprint."""
    return fingerprint(text.replace("\r\n", "\n").encode("utf-8"))


@dataclass(frozen=True)
class Tally:
    """How many of a kind of member have reached each status."""

    kind: str
    total: int
    signed: int
    agreed_in_principle: int
    declined: int
    outstanding: int


def tally(kind: str, statuses: list[PartyStatus]) -> Tally:
    return Tally(
        kind=kind,
        total=len(statuses),
        signed=sum(s is PartyStatus.SIGNED for s in statuses),
        agreed_in_principle=sum(s is PartyStatus.AGREED_IN_PRINCIPLE for s in statuses),
        declined=sum(s is PartyStatus.DECLINED for s in statuses),
        outstanding=sum(s.outstanding for s in statuses),
    )
