"""Who may open a tender's bid box: the openers named before the deadline.

The promise to bidders is that no one person can read a bid before the opening, and that the
opening is done by at least two people who were chosen before anyone could know what was
in the box. So:

- the lead names its openers (procurement admins of the lead with two-factor sign-in set
  up, at least as many as the quorum, which is at least 2) while the tender is open; the
  list is frozen at the submission deadline;
- only a named opener can turn a key, each once, and the box opens when ``quorum``
  different named openers have turned one;
- after the deadline an opener who has left can be replaced only by two people: a named
  opener proposes the replacement with a reason, and a different person confirms it, who
  is a named opener or a procurement admin who held that role, with two-factor sign-in,
  before the deadline. The replacement must also have held the role and two-factor sign-in
  since before the deadline, so an account made or promoted after the deadline can never
  take part, and a replaced opener's key no longer counts.
"""

from dataclasses import dataclass
from datetime import datetime

from tenderapp.domain.errors import Forbidden, RuleViolation

MIN_QUORUM = 2


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of a person who may be named, or may confirm."""

    user_id: int
    name: str
    active: bool
    procurement_admin_since: datetime | None  # None: not a procurement admin of the lead
    two_factor_since: datetime | None  # None: no authenticator app set up

    def eligible(self) -> bool:
        return self.active and self.procurement_admin_since is not None and self.two_factor_since is not None

    def eligible_since_before(self, moment: datetime) -> bool:
        """Eligible now, and already a procurement admin with two-factor sign-in before ``moment``."""
        admin_since, two_factor_since = self.procurement_admin_since, self.two_factor_since
        return (self.active and admin_since is not None and two_factor_since is not None
                and admin_since < moment and two_factor_since < moment)


def check_naming_open(now: datetime, deadline: datetime | None, opened: bool) -> None:
    """Raises RuleViolation once the submission deadline has passed: the list is frozen."""
    if opened or (deadline is not None and now >= deadline):
        raise RuleViolation("The bid openers were fixed at the submission deadline. To replace an opener who "
                            "has left, propose a replacement for a second person to confirm.")


def check_openers(chosen: list[Candidate], quorum: int) -> None:
    """Raises RuleViolation (on ``openers`` or ``quorum``) unless the quorum is at least 2 and
    at least ``quorum`` different people are chosen, each an active procurement admin of the
    lead with two-factor sign-in set up."""
    if quorum < MIN_QUORUM:
        raise RuleViolation(f"At least {MIN_QUORUM} openers must turn a key", field="quorum")
    ids = [c.user_id for c in chosen]
    if len(set(ids)) != len(ids):
        raise RuleViolation("Choose each opener once", field="openers")
    for candidate in chosen:
        if not candidate.eligible():
            raise RuleViolation(f"{candidate.name} cannot be an opener: openers must be procurement admins of the "
                                "lead with two-factor sign-in set up", field="openers")
    if len(chosen) < quorum:
        raise RuleViolation(f"Choose at least {quorum} openers: {quorum} different openers must turn a key",
                            field="openers")


def check_key(now: datetime, deadline: datetime, openers: set[int], turned: set[int], user_id: int) -> None:
    """The rules of turning a key: after the deadline, by a named opener, once each. Raises
    RuleViolation before the deadline or for a second key by the same person, Forbidden for
    anyone not named."""
    if now < deadline:
        raise RuleViolation("The bids cannot be opened before the submission deadline")
    if user_id not in openers:
        raise Forbidden("Only the bid openers named before the deadline can turn a key")
    if user_id in turned:
        raise RuleViolation("You have turned your key. A different named opener must turn the next one.")


def keys_counted(openers: set[int], turned: set[int]) -> set[int]:
    """The keys that count: those of people who are still named openers."""
    return turned & openers


def check_replacement_proposal(now: datetime, deadline: datetime, openers: set[int], proposer: int,
                               leaving: int, nominee: Candidate, reason: str) -> None:
    """Raises RuleViolation unless it is after the deadline, the proposer and the leaving
    person are named openers, the nominee is not one and has been eligible since before the
    deadline, and a reason is given."""
    if now < deadline:
        raise RuleViolation("Until the submission deadline, change the openers directly")
    if proposer not in openers:
        raise Forbidden("Only a named bid opener can propose a replacement")
    if leaving not in openers:
        raise RuleViolation("Choose an opener who is named now", field="leaving")
    if nominee.user_id in openers:
        raise RuleViolation(f"{nominee.name} is already an opener", field="nominee")
    if nominee.user_id == proposer:
        raise RuleViolation("You are already an opener", field="nominee")
    if not nominee.eligible_since_before(deadline):
        raise RuleViolation(f"{nominee.name} cannot be a replacement opener: only a procurement admin who had "
                            "the role and two-factor sign-in before the submission deadline can", field="nominee")
    if not (reason or "").strip():
        raise RuleViolation("Enter the reason the opener is being replaced", field="reason")


def check_replacement_confirmation(deadline: datetime, openers: set[int], proposer: int, leaving: int,
                                   nominee: Candidate, confirmer: Candidate) -> None:
    """Raises Forbidden unless the confirmer is a second person (not the proposer, the leaving
    opener or the nominee) who is a named opener, or has been a procurement admin with
    two-factor sign-in since before the deadline; RuleViolation if the nominee is no longer
    eligible."""
    if confirmer.user_id in (proposer, leaving, nominee.user_id):
        raise Forbidden("A replacement must be confirmed by someone other than the proposer, the opener "
                        "leaving and the replacement")
    if not (confirmer.user_id in openers and confirmer.eligible()) and not confirmer.eligible_since_before(deadline):
        raise Forbidden("Only a named opener, or a procurement admin who had the role and two-factor sign-in "
                        "before the submission deadline, can confirm a replacement")
    if not nominee.eligible_since_before(deadline):
        raise RuleViolation(f"{nominee.name} can no longer be an opener")
