"""Naming a tender's bid openers before the deadline, and replacing one who has left after
it (two people, see tenderapp.domain.openers). Every change is audited and emailed to every
procurement admin of the lead."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access.openers import current_openers, lead_people, named_openers, replacements
from tenderapp.domain import openers as rules
from tenderapp.domain.errors import Conflict, Forbidden, NotFound
from tenderapp.formatting import uk_datetime
from tenderapp.models import OpenerReplacement, Tender, TenderOpener, User
from tenderapp.services import audit, outbox
from tenderapp.services.clarifications import lead_admins


@dataclass(frozen=True)
class OpenersView:
    tender: Tender
    people: dict[int, rules.Candidate]  # everyone of the lead, by id
    current: list[TenderOpener]
    history: list[TenderOpener]  # every row, removed ones included
    pending: list[OpenerReplacement]
    past_replacements: list[OpenerReplacement]
    frozen: bool  # the deadline has passed: only a two-person replacement can change the list

    def name(self, user_id: int | None) -> str:
        person = self.people.get(user_id)
        return person.name if person else "someone who has left"

    @property
    def current_names(self) -> list[str]:
        return [self.name(o.user_id) for o in self.current]

    @property
    def eligible(self) -> list[rules.Candidate]:
        return [p for p in self.people.values() if p.eligible()]

    @property
    def default_choice(self) -> list[int]:
        """The openers named now or, before any are, every eligible procurement admin."""
        return [o.user_id for o in self.current] or [p.user_id for p in self.eligible]


def view(session: Session, tender: Tender, now: datetime) -> OpenersView:
    """The tender's openers, their history and replacements (for a tender scoped to its lead)."""
    history = named_openers(session, tender)
    proposals = replacements(session, tender)
    return OpenersView(
        tender, lead_people(session, tender), [o for o in history if o.removed_at is None], history,
        [r for r in proposals if r.confirmed_at is None and r.withdrawn_at is None],
        [r for r in proposals if r.confirmed_at is not None or r.withdrawn_at is not None],
        tender.opened_at is not None or (tender.submission_deadline is not None and now >= tender.submission_deadline))


def _lock(session: Session, tender: Tender) -> None:
    """Raises Conflict once the bids are opened."""
    session.refresh(tender, with_for_update=True)  # the list changes one request at a time
    if tender.opened_at is not None:
        raise Conflict("The bids have already been opened")


def _tell_lead(session: Session, tender: Tender, subject: str, body: str, link: str, now: datetime) -> None:
    for email, organisation_id in lead_admins(session, tender):
        outbox.queue(session, email, f"{subject}: tender {tender.reference}",
                     f"{body}\n\nSee the bid openers of tender {tender.reference}, “{tender.title}”:\n{link}\n\n"
                     "If you did not expect this change, tell your head of procurement at once.\n",
                     now, organisation_id)


def name_openers(session: Session, actor: Actor, tender: Tender, user_ids: list[int], quorum: int,
                 now: datetime, link: str) -> list[TenderOpener]:
    """Sets the tender's openers and quorum. Raises RuleViolation once the deadline has passed,
    or when fewer than ``quorum`` eligible people are chosen; NotFound for anyone who is not
    of the lead."""
    _lock(session, tender)
    rules.check_naming_open(now, tender.submission_deadline, tender.opened_at is not None)
    people = lead_people(session, tender)
    if any(user_id not in people for user_id in user_ids):
        raise NotFound("Person not found")
    rules.check_openers([people[user_id] for user_id in user_ids], quorum)
    current = {o.user_id: o for o in current_openers(session, tender)}
    added = [user_id for user_id in user_ids if user_id not in current]
    removed = [user_id for user_id in current if user_id not in user_ids]
    if not added and not removed and quorum == tender.opening_quorum:
        return list(current.values())
    _change_openers(session, actor, tender, current, added, removed, now)
    tender.opening_quorum = quorum
    session.add(tender)
    names = [people[user_id].name for user_id in user_ids]
    audit.record(session, actor, "tender.openers_named", "tender", tender.id, now,
                 {"openers": sorted(user_ids), "added": sorted(added), "removed": sorted(removed), "quorum": quorum})
    _tell_lead(session, tender, "Bid openers changed",
               f"{actor.full_name} set the bid openers on {uk_datetime(now)}: {', '.join(names)}. "
               f"{quorum} of them must turn a key to open the bids.", link, now)
    session.commit()
    return list(current.values())


def _change_openers(session: Session, actor: Actor, tender: Tender, current: dict[int, TenderOpener],
                    added: list[int], removed: list[int], now: datetime) -> None:
    """Marks the ``removed`` openers' rows and names the ``added`` (``current`` follows)."""
    for user_id in removed:
        row = current.pop(user_id)
        row.removed_at, row.removed_by_user_id = now, actor.user_id
        session.add(row)
    for user_id in added:
        current[user_id] = TenderOpener(tender_id=tender.id, user_id=user_id, named_at=now,
                                        named_by_user_id=actor.user_id)
        session.add(current[user_id])


def opener_names(session: Session, tender: Tender) -> list[str]:
    """The names of the tender's openers now (for a tender loaded through access)."""
    return list(session.exec(select(User.full_name).join(TenderOpener, TenderOpener.user_id == User.id)
                             .where(TenderOpener.tender_id == tender.id, TenderOpener.removed_at.is_(None))
                             .order_by(TenderOpener.named_at, TenderOpener.id)).all())


def _opener_ids(session: Session, tender: Tender) -> set[int]:
    return {o.user_id for o in current_openers(session, tender)}


def _check_second_factor(actor: Actor) -> None:
    if not actor.second_factor_passed:
        raise Forbidden("Sign in with two-factor sign-in before you change the bid openers")


def propose_replacement(session: Session, actor: Actor, tender: Tender, leaving_id: int, nominee_id: int,
                        reason: str, now: datetime, link: str) -> OpenerReplacement:
    """Proposes, after the deadline, that ``nominee_id`` replace the named opener
    ``leaving_id``. Takes effect only once a second person confirms it."""
    _check_second_factor(actor)
    _lock(session, tender)
    people = lead_people(session, tender)
    if leaving_id not in people or nominee_id not in people:
        raise NotFound("Person not found")
    rules.check_replacement_proposal(now, tender.submission_deadline, _opener_ids(session, tender), actor.user_id,
                                     leaving_id, people[nominee_id], reason)
    proposal = OpenerReplacement(tender_id=tender.id, leaving_user_id=leaving_id, nominee_user_id=nominee_id,
                                 reason=reason.strip(), proposed_by_user_id=actor.user_id, proposed_at=now)
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "tender.opener_replacement_proposed", "tender", tender.id, now,
                 {"replacement": proposal.id, "leaving": leaving_id, "nominee": nominee_id, "reason": proposal.reason})
    _tell_lead(session, tender, "Bid opener replacement proposed",
               f"{actor.full_name} proposes that {people[nominee_id].name} replace {people[leaving_id].name} as a "
               f"bid opener, because: {proposal.reason}\nIt takes effect only when another named opener, or a "
               "procurement admin who had the role before the deadline, confirms it.", link, now)
    session.commit()
    return proposal


def _check_pending(session: Session, proposal: OpenerReplacement) -> None:
    """Raises Conflict once the proposal is confirmed or withdrawn (as it stands now the
    tender is locked: another request may have decided it since it was loaded)."""
    session.refresh(proposal)
    if proposal.confirmed_at is not None or proposal.withdrawn_at is not None:
        raise Conflict("This proposal has already been confirmed or withdrawn")


def confirm_replacement(session: Session, actor: Actor, tender: Tender, proposal: OpenerReplacement,
                        now: datetime, link: str) -> TenderOpener:
    """Confirms a proposed replacement (a second person): the leaving opener is no longer
    named, and their key, if turned, no longer counts."""
    _check_second_factor(actor)
    _lock(session, tender)
    _check_pending(session, proposal)
    people = lead_people(session, tender)
    openers = {o.user_id: o for o in current_openers(session, tender)}
    if proposal.leaving_user_id not in openers or proposal.nominee_user_id in openers:
        raise Conflict("The openers have changed since this was proposed. Withdraw it and propose again.")
    rules.check_replacement_confirmation(tender.submission_deadline, set(openers), proposal.proposed_by_user_id,
                                         proposal.leaving_user_id, people[proposal.nominee_user_id],
                                         people[actor.user_id])
    leaving = openers[proposal.leaving_user_id]
    leaving.removed_at, leaving.removed_by_user_id = now, actor.user_id
    replacement = TenderOpener(tender_id=tender.id, user_id=proposal.nominee_user_id, named_at=now,
                               named_by_user_id=proposal.proposed_by_user_id, confirmed_by_user_id=actor.user_id,
                               reason=proposal.reason)
    proposal.confirmed_by_user_id, proposal.confirmed_at = actor.user_id, now
    session.add_all([leaving, replacement, proposal])
    _announce_replacement(session, actor, tender, proposal, people, now, link)
    session.commit()
    return replacement


def _announce_replacement(session: Session, actor: Actor, tender: Tender, proposal: OpenerReplacement,
                          people: dict[int, rules.Candidate], now: datetime, link: str) -> None:
    audit.record(session, actor, "tender.opener_replaced", "tender", tender.id, now,
                 {"replacement": proposal.id, "leaving": proposal.leaving_user_id,
                  "nominee": proposal.nominee_user_id, "proposed_by": proposal.proposed_by_user_id})
    _tell_lead(session, tender, "Bid opener replaced",
               f"{actor.full_name} confirmed that {people[proposal.nominee_user_id].name} replaces "
               f"{people[proposal.leaving_user_id].name} as a bid opener (proposed by "
               f"{people[proposal.proposed_by_user_id].name}, because: {proposal.reason}).", link, now)


def withdraw_replacement(session: Session, actor: Actor, tender: Tender, proposal: OpenerReplacement,
                         now: datetime, link: str) -> OpenerReplacement:
    """Withdraws a pending proposal (its proposer, or any named opener)."""
    _lock(session, tender)
    _check_pending(session, proposal)
    if actor.user_id != proposal.proposed_by_user_id and actor.user_id not in _opener_ids(session, tender):
        raise Forbidden("Only the proposer or a named opener can withdraw this proposal")
    proposal.withdrawn_at = now
    session.add(proposal)
    audit.record(session, actor, "tender.opener_replacement_withdrawn", "tender", tender.id, now,
                 {"replacement": proposal.id})
    _tell_lead(session, tender, "Bid opener replacement withdrawn",
               f"{actor.full_name} withdrew the proposal to replace a bid opener.", link, now)
    session.commit()
    return proposal
