"""Reading an agreement's state: its versions, each member's derived status and history,
and who is told when something changes. Queries here do not grow with the member count."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from tenderapp.domain.agreements import Action, PartyStatus, Response, derive_status, shares_costs
from tenderapp.domain.roles import Role
from tenderapp.models import (
    Agreement,
    AgreementResponse,
    AgreementVersion,
    CollaborationMember,
    Organisation,
    Representation,
    RoleAssignment,
    User,
)
from tenderapp.services import outbox


def current_version(session: Session, agreement_id: int) -> AgreementVersion | None:
    """The latest issued version, or None before the first issue."""
    return session.exec(
        select(AgreementVersion)
        .where(AgreementVersion.agreement_id == agreement_id, AgreementVersion.issued_at.is_not(None))
        .order_by(AgreementVersion.number.desc()).limit(1)
    ).first()


def current_versions(session: Session, agreement_ids: list[int]) -> dict[int, AgreementVersion]:
    """``current_version`` of each agreement, in one query (agreements never issued are left out)."""
    latest = (select(AgreementVersion.agreement_id, func.max(AgreementVersion.number).label("number"))
              .where(AgreementVersion.agreement_id.in_(agreement_ids), AgreementVersion.issued_at.is_not(None))
              .group_by(AgreementVersion.agreement_id).subquery())
    return {version.agreement_id: version for version in session.exec(
        select(AgreementVersion).join(latest, (latest.c.agreement_id == AgreementVersion.agreement_id)
                                      & (latest.c.number == AgreementVersion.number))).all()}


def draft_version(session: Session, agreement_id: int) -> AgreementVersion | None:
    return session.exec(
        select(AgreementVersion)
        .where(AgreementVersion.agreement_id == agreement_id, AgreementVersion.issued_at.is_(None))
    ).first()


def versions(session: Session, agreement_id: int) -> list[AgreementVersion]:
    return list(session.exec(
        select(AgreementVersion).where(AgreementVersion.agreement_id == agreement_id)
        .order_by(AgreementVersion.number)
    ).all())


def members(session: Session, agreement: Agreement) -> list[Organisation]:
    return collaboration_members(session, agreement.collaboration_id)


def collaboration_members(session: Session, collaboration_id: int) -> list[Organisation]:
    return list(session.exec(
        select(Organisation)
        .join(CollaborationMember, CollaborationMember.organisation_id == Organisation.id)
        .where(CollaborationMember.collaboration_id == collaboration_id)
        .order_by(Organisation.name)
    ).all())


def _responses(agreement_ids: list[int], organisation_ids: list[int] | None):
    query = (
        select(AgreementResponse, AgreementVersion.number)
        .join(AgreementVersion, AgreementVersion.id == AgreementResponse.version_id)
        .where(AgreementResponse.agreement_id.in_(agreement_ids))
        .order_by(AgreementResponse.created_at, AgreementResponse.id)
    )
    if organisation_ids is not None:
        query = query.where(AgreementResponse.organisation_id.in_(organisation_ids))
    return query


def responses_by_organisation(
    session: Session, agreement_id: int, organisation_ids: list[int] | None = None
) -> dict[int, list[tuple[AgreementResponse, int]]]:
    """Each organisation's responses (with the version number each answered), oldest first."""
    grouped: dict[int, list[tuple[AgreementResponse, int]]] = defaultdict(list)
    for response, number in session.exec(_responses([agreement_id], organisation_ids)).all():
        grouped[response.organisation_id].append((response, number))
    return grouped


def responses_by_party(
    session: Session, agreement_ids: list[int], organisation_ids: list[int]
) -> dict[tuple[int, int], list[tuple[AgreementResponse, int]]]:
    """``responses_by_organisation`` for many agreements at once, keyed by (agreement id,
    organisation id)."""
    grouped: dict[tuple[int, int], list[tuple[AgreementResponse, int]]] = defaultdict(list)
    for response, number in session.exec(_responses(agreement_ids, organisation_ids)).all():
        grouped[response.agreement_id, response.organisation_id].append((response, number))
    return grouped


def status_of(current: AgreementVersion | None, history: list[tuple[AgreementResponse, int]]) -> PartyStatus:
    return derive_status(
        current.number if current else None,
        [Response(number, Action(r.action), r.created_at) for r, number in history],
    )


def member_statuses(session: Session, agreement: Agreement) -> list[tuple[Organisation, PartyStatus]]:
    current = current_version(session, agreement.id)
    history = responses_by_organisation(session, agreement.id)
    return [(m, status_of(current, history.get(m.id, []))) for m in members(session, agreement)]


@dataclass(frozen=True)
class AgreementState:
    """One agreement of a collaboration and every member's status on it."""

    agreement: Agreement
    issued: bool
    statuses: list[tuple[Organisation, PartyStatus]]

    def _with(self, *wanted: PartyStatus) -> list[Organisation]:
        return [o for o, s in self.statuses if s in wanted]

    @property
    def unsigned(self) -> list[Organisation]:
        return [o for o, s in self.statuses if s is not PartyStatus.SIGNED]

    @property
    def in_principle(self) -> list[Organisation]:
        return self._with(PartyStatus.AGREED_IN_PRINCIPLE)

    @property
    def declined(self) -> list[Organisation]:
        return self._with(PartyStatus.DECLINED)


def collaboration_agreements(session: Session, collaboration_id: int) -> list[AgreementState]:
    """Each agreement of the collaboration with every member's status, in a fixed number of
    queries however many agreements and members there are."""
    agreements = list(session.exec(select(Agreement).where(Agreement.collaboration_id == collaboration_id)
                                   .order_by(Agreement.id)).all())
    if not agreements:
        return []
    ids = [a.id for a in agreements]
    organisations = collaboration_members(session, collaboration_id)
    current = current_versions(session, ids)
    history = responses_by_party(session, ids, [o.id for o in organisations])
    return [AgreementState(a, a.id in current, [(o, status_of(current.get(a.id), history.get((a.id, o.id), [])))
                                                for o in organisations]) for a in agreements]


def cost_sharing_members(states: list[AgreementState], organisations: list[Organisation]) -> list[Organisation]:
    """The ``organisations`` that share the procurement cost (``shares_costs``) on the
    collaboration's issued agreements."""
    statuses: dict[int, list[PartyStatus]] = defaultdict(list)
    for state in states:
        if state.issued:
            for organisation, status in state.statuses:
                statuses[organisation.id].append(status)
    return [o for o in organisations if shares_costs(statuses.get(o.id, []))]


@dataclass(frozen=True)
class Recipient:
    email: str
    organisation_id: int


def signatories_for(session: Session, agreement: Agreement, organisations: list[Organisation]) -> list[Recipient]:
    """The signatories of each organisation; for one with none, those of its representative
    in the agreement's collaboration. Each address once."""
    ids = [o.id for o in organisations]
    representative_of = dict(session.exec(
        select(Representation.represented_organisation_id, Representation.representative_organisation_id)
        .where(Representation.collaboration_id == agreement.collaboration_id,
               Representation.represented_organisation_id.in_(ids))
    ).all())
    wanted = set(ids) | set(representative_of.values())
    people: dict[int, list[str]] = defaultdict(list)
    for email, organisation_id in session.exec(
        select(User.email, User.organisation_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.SIGNATORY.value, User.active.is_(True),
               User.organisation_id.in_(wanted))
        .order_by(User.email)
    ).all():
        people[organisation_id].append(email)
    recipients: dict[str, Recipient] = {}
    for organisation_id in ids:
        source = organisation_id if people.get(organisation_id) else representative_of.get(organisation_id)
        for email in people.get(source, []):
            recipients.setdefault(email, Recipient(email, source))
    return list(recipients.values())


def notify_signatories(
    session: Session, agreement: Agreement, organisations: list[Organisation], subject: str, body: str,
    now: datetime,
) -> int:
    """Queues one message to each signatory concerned; returns how many were queued."""
    recipients = signatories_for(session, agreement, organisations)
    for recipient in recipients:
        outbox.queue(session, recipient.email, subject, body, now, recipient.organisation_id)
    return len(recipients)
