"""THE place that scopes tenant-owned rows and checks roles.

Every query for a tenant-owned row goes through a function here. A row another tenant
owns is reported as NotFound (404), never Forbidden, so its existence is not revealed.
"""

from dataclasses import dataclass

from sqlalchemy import Select, or_
from sqlmodel import Session, select

from tenderapp.domain.errors import Forbidden, NotFound
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import (
    Agreement,
    Collaboration,
    CollaborationMember,
    Organisation,
    OutboxMessage,
    Representation,
    RoleAssignment,
    User,
)


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them. Flask-Login's user object."""

    user_id: int
    email: str
    full_name: str
    organisation_id: int
    organisation_name: str
    organisation_kind: OrganisationKind
    roles: frozenset[Role]
    session_token: str

    # Flask-Login protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def require_role(actor: Actor, *roles: Role) -> None:
    """Raises Forbidden unless the actor holds one of ``roles``."""
    if not actor.has_role(*roles):
        raise Forbidden("You do not have permission to do this")


def actor_for(session: Session, user: User, session_token: str) -> Actor:
    organisation = session.get(Organisation, user.organisation_id)
    roles = session.exec(
        select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)
    ).all()
    return Actor(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_kind=OrganisationKind(organisation.kind),
        roles=frozenset(Role(r) for r in roles),
        session_token=session_token,
    )


# --- organisations an admin manages -----------------------------------------------------


def _led_collaboration_ids(actor: Actor) -> Select:
    return select(Collaboration.id).where(
        Collaboration.lead_organisation_id == actor.organisation_id
    )


def managed_organisation_ids(actor: Actor) -> Select:
    """A procurement admin manages their own organisation and the organisations their
    authority brought onto Tenderapp (``managed_by``). Membership of a collaboration alone
    grants nothing over an organisation. Anyone else manages nothing."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return select(Organisation.id).where(False)
    return select(Organisation.id).where(
        or_(Organisation.id == actor.organisation_id,
            Organisation.managed_by_organisation_id == actor.organisation_id)
    )


def get_managed_organisation(session: Session, actor: Actor, organisation_id: int) -> Organisation:
    """Raises NotFound unless the actor manages this organisation."""
    organisation = session.exec(
        select(Organisation).where(
            Organisation.id == organisation_id,
            Organisation.id.in_(managed_organisation_ids(actor)),
        )
    ).first()
    if organisation is None:
        raise NotFound("Organisation not found")
    return organisation


def get_managed_user(session: Session, actor: Actor, user_id: int) -> User:
    """Raises NotFound unless the user belongs to an organisation the actor manages."""
    user = session.exec(
        select(User).where(
            User.id == user_id,
            User.organisation_id.in_(managed_organisation_ids(actor)),
        )
    ).first()
    if user is None:
        raise NotFound("User not found")
    return user


# --- collaborations ------------------------------------------------------------------------


def led_collaborations(session: Session, actor: Actor) -> list[Collaboration]:
    """Collaborations the actor's organisation leads (procurement admins only)."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return []
    return list(
        session.exec(
            select(Collaboration)
            .where(Collaboration.id.in_(_led_collaboration_ids(actor)))
            .order_by(Collaboration.name)
        ).all()
    )


def get_led_collaboration(session: Session, actor: Actor, collaboration_id: int) -> Collaboration:
    """Raises NotFound unless the actor is a procurement admin of the collaboration's lead."""
    collaboration = session.get(Collaboration, collaboration_id)
    if (
        collaboration is None
        or not actor.has_role(Role.PROCUREMENT_ADMIN)
        or collaboration.lead_organisation_id != actor.organisation_id
    ):
        raise NotFound("Collaboration not found")
    return collaboration


def member_collaborations(session: Session, actor: Actor) -> list[tuple[Collaboration, Organisation]]:
    """Collaborations the actor's organisation belongs to, each with its lead organisation."""
    rows = session.exec(
        select(Collaboration, Organisation)
        .join(CollaborationMember, CollaborationMember.collaboration_id == Collaboration.id)
        .join(Organisation, Organisation.id == Collaboration.lead_organisation_id)
        .where(CollaborationMember.organisation_id == actor.organisation_id)
        .order_by(Collaboration.name)
    ).all()
    return list(rows)


# --- outbox --------------------------------------------------------------------------------


def visible_outbox(session: Session, actor: Actor, limit: int = 200) -> list[OutboxMessage]:
    """Messages to people in organisations the actor manages, newest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.organisation_id.in_(managed_organisation_ids(actor)))
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).all()
    )


# --- agreements ----------------------------------------------------------------------------


def acting_organisation_ids(actor: Actor, collaboration_id) -> Select:
    """Organisations the actor may answer for in a collaboration: their own, if it is a
    member, and every member their organisation represents there."""
    own = select(CollaborationMember.organisation_id).where(
        CollaborationMember.collaboration_id == collaboration_id,
        CollaborationMember.organisation_id == actor.organisation_id,
    )
    represented = select(Representation.represented_organisation_id).where(
        Representation.collaboration_id == collaboration_id,
        Representation.representative_organisation_id == actor.organisation_id,
    )
    return own.union(represented)


def _party_collaboration_ids(actor: Actor) -> Select:
    member_of = select(CollaborationMember.collaboration_id).where(
        CollaborationMember.organisation_id == actor.organisation_id
    )
    representing_in = select(Representation.collaboration_id).where(
        Representation.representative_organisation_id == actor.organisation_id
    )
    return member_of.union(representing_in)


def party_agreements(session: Session, actor: Actor) -> list[tuple[Agreement, Collaboration]]:
    """Agreements of the collaborations the actor's organisation belongs to or acts in."""
    return list(
        session.exec(
            select(Agreement, Collaboration)
            .join(Collaboration, Collaboration.id == Agreement.collaboration_id)
            .where(Agreement.collaboration_id.in_(_party_collaboration_ids(actor)))
            .order_by(Collaboration.name, Agreement.title)
        ).all()
    )


def get_party_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    """Raises NotFound unless the actor's organisation belongs to, or acts in, the
    agreement's collaboration."""
    agreement = session.exec(
        select(Agreement).where(
            Agreement.id == agreement_id,
            Agreement.collaboration_id.in_(_party_collaboration_ids(actor)),
        )
    ).first()
    if agreement is None:
        raise NotFound("Agreement not found")
    return agreement


def get_lead_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    """Raises NotFound unless the actor is a procurement admin of the collaboration's lead."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound("Agreement not found")
    get_led_collaboration(session, actor, agreement.collaboration_id)
    return agreement
